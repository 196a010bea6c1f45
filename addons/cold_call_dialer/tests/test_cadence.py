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
        self.call(self.alpha, "interested", start + timedelta(minutes=10))
        self.assertTrue(self.offered(start + timedelta(minutes=20), self.alpha)[0])

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
