from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestRetryCadence(DialerCase):
    """A contact is not called again and again: each outcome sets when it may be offered again."""

    def call(self, partner, status, when):
        with freeze_time(when):
            self.dialer().log_call(partner.id, status=status, list_key="never_called")
            self.env["cold.call.hold"].search([]).unlink()  # holds are another matter

    def offered(self, when, partner):
        """Whether the Dialer would open ``partner`` by itself at ``when``, and how the page shows it."""
        with freeze_time(when):
            result = self.dialer().open_contact([partner.id])
            self.env["cold.call.hold"].search([]).unlink()
            page = self.dialer().get_page(self.shared_filter.id, 1, 25)
        row = next(row for row in page["contacts"] if row["id"] == partner.id)
        return bool(result["current"]), row, page

    def test_no_answer_waits_four_hours_and_is_capped_at_three_attempts_in_seven_days(self):
        start = datetime(2024, 6, 3, 9, 0)
        self.call(self.alpha, "no_answer", start)
        offered, row, page = self.offered(start + timedelta(hours=3, minutes=59), self.alpha)
        self.assertFalse(offered)
        self.assertEqual(row["waiting_until"], "2024-06-03 13:00:00")
        self.assertEqual(page["waiting"], 1)
        # Waiting contacts come last on the page; a rep can still open one on purpose.
        self.assertEqual(page["contacts"][-1]["id"], self.alpha.id)
        with freeze_time(start + timedelta(hours=1)):
            self.assertTrue(self.dialer().open_contact([self.alpha.id], on_purpose=True)["current"])
            self.env["cold.call.hold"].search([]).unlink()
        self.assertTrue(self.offered(start + timedelta(hours=4), self.alpha)[0])

        self.call(self.alpha, "no_answer", start + timedelta(hours=5))
        self.call(self.alpha, "no_answer", start + timedelta(days=1))
        # Third attempt in 7 days: not offered until the first attempt leaves the window.
        self.assertFalse(self.offered(start + timedelta(days=6, hours=23), self.alpha)[0])
        self.assertTrue(self.offered(start + timedelta(days=7, minutes=1), self.alpha)[0])

    def test_an_outcome_without_a_wait_clears_it(self):
        start = datetime(2024, 6, 3, 9, 0)
        self.call(self.alpha, "no_answer", start)
        self.call(self.alpha, "callback", start + timedelta(minutes=10))  # without a follow-up date
        self.assertTrue(self.offered(start + timedelta(minutes=20), self.alpha)[0])

    def test_every_connected_outcome_waits(self):
        """A contact reached is not offered again a minute later: each connected outcome has a wait."""
        start = datetime(2024, 6, 3, 9, 0)
        for partner, status in ((self.alpha, "not_interested"), (self.bravo, "interested")):
            self.call(partner, status, start)
            self.assertFalse(self.offered(start + timedelta(minutes=1), partner)[0], status)
        self.assertEqual(self.alpha.cold_call_next_at, start + timedelta(days=90))
        self.assertEqual(self.bravo.cold_call_next_at, start + timedelta(days=30))

    def test_interested_and_meeting_booked_wait_for_their_next_step(self):
        start = datetime(2024, 6, 3, 9, 0)
        with freeze_time(start):
            follow_up = {"date": "2024-06-10", "user_id": self.rep.id, "summary": "Send the quote"}
            self.dialer().log_call(self.alpha.id, status="interested", list_key="never_called", follow_up=follow_up)
            meeting = {"start": "2024-06-05 04:30:00", "minutes": 30}
            self.dialer().log_call(self.bravo.id, status="meeting", list_key="never_called", meeting=meeting)
            self.env["cold.call.hold"].search([]).unlink()
        self.assertEqual(self.alpha.cold_call_next_at, datetime(2024, 6, 10))
        self.assertEqual(self.bravo.cold_call_next_at, datetime(2024, 6, 5, 4, 30))
        self.assertFalse(self.offered(datetime(2024, 6, 9, 23), self.alpha)[0])
        self.assertTrue(self.offered(datetime(2024, 6, 10, 0, 1), self.alpha)[0])
        self.assertTrue(self.offered(datetime(2024, 6, 5, 4, 31), self.bravo)[0])

    def test_a_won_or_lost_opportunity_offers_its_contact_again(self):
        now = datetime.now()
        for partner in (self.alpha, self.charlie):
            self.call(partner, "interested", now)
        self.call(self.bravo, "not_interested", now)
        won, lost = (
            self.env["cold.call.log"].search([("partner_id", "=", p.id)]).opportunity_id
            for p in (self.alpha, self.charlie)
        )
        won.action_set_won()
        lost.action_set_lost()
        self.assertEqual((self.alpha.cold_call_next_at, self.charlie.cold_call_next_at), (False, False))
        self.assertTrue(self.offered(now + timedelta(minutes=1), self.alpha)[0])
        # A contact that waits for another reason keeps waiting when one of its deals closes.
        other = self.env["crm.lead"].create({"name": "Other deal", "type": "opportunity", "partner_id": self.bravo.id})
        other.action_set_won()
        self.assertEqual(self.bravo.cold_call_next_at, (now + timedelta(days=90)).replace(microsecond=0))

    def test_wrong_number_and_do_not_call_are_never_offered_again(self):
        start = datetime(2024, 6, 3, 9, 0)
        self.call(self.alpha, "wrong_number", start)
        self.call(self.bravo, "do_not_call", start)
        with freeze_time(start + timedelta(days=365)):
            ids = self.page_ids(self.dialer().get_page(self.shared_filter.id, 1, 25))
        self.assertNotIn(self.alpha.id, ids)
        self.assertNotIn(self.bravo.id, ids)


@tagged("post_install", "-at_install")
class TestCallingHours(DialerCase):
    """Calls go out within the calling hours of the contact's own time zone."""

    def test_a_contact_whose_local_time_is_22_is_sorted_last_and_marked(self):
        self.env["ir.config_parameter"].set_param("cold_call_dialer.calling_hours_start", "9.0")
        self.env["ir.config_parameter"].set_param("cold_call_dialer.calling_hours_end", "19.0")
        self.callable_partners.write({"tz": "Europe/London"})
        self.alpha.tz = "Asia/Kolkata"  # 16:30 UTC in June is 22:00 in India, 17:30 in London
        with freeze_time("2024-06-03 16:30:00"):
            page = self.dialer().get_page(self.shared_filter.id, 1, 25)
        rows = {row["id"]: row for row in page["contacts"]}
        self.assertEqual(page["contacts"][-1]["id"], self.alpha.id)
        self.assertEqual((rows[self.alpha.id]["outside_hours"], rows[self.alpha.id]["local_time"]), (True, "22:00"))
        self.assertEqual((rows[self.bravo.id]["outside_hours"], rows[self.bravo.id]["local_time"]), (False, "17:30"))

    def test_the_time_zone_falls_back_on_the_country_then_the_company(self):
        self.callable_partners.write({"tz": False})
        self.assertEqual(self.alpha.cold_call_tz, "Asia/Kolkata")  # India's
        self.alpha.country_id = False
        self.assertFalse(self.alpha.cold_call_tz)
        self.env.company.partner_id.tz = "America/New_York"
        with freeze_time("2024-06-03 16:30:00"):
            page = self.dialer().get_page(self.shared_filter.id, 1, 25)
        row = next(row for row in page["contacts"] if row["id"] == self.alpha.id)
        self.assertEqual(row["local_time"], "12:30")
