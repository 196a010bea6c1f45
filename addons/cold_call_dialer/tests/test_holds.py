from datetime import timedelta

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.cold_call_hold import HOLD_LOCK
from .common import DialerCase


@tagged("post_install", "-at_install")
class TestHolds(DialerCase):
    def hold(self, partner):
        return self.env["cold.call.hold"].search([("partner_id", "=", partner.id)])

    def test_second_rep_skips_the_contact_held_by_the_first(self):
        first = self.dialer(self.rep).get_page(self.shared_filter.id, 1, 25, open_first=True)
        self.assertEqual(first["current"]["contact"]["id"], self.alpha.id)

        second = self.dialer(self.rep_two).get_page(self.shared_filter.id, 1, 25, open_first=True)
        self.assertEqual(second["current"]["contact"]["id"], self.bravo.id)
        self.assertEqual(second["skipped"], [{"id": self.alpha.id, "reason": "held", "held_by": "Rita Rep"}])
        rows = {row["id"]: row for row in second["contacts"]}
        self.assertEqual(rows[self.alpha.id]["held_by"], "Rita Rep")
        self.assertFalse(rows[self.bravo.id]["held_by"])
        # Each rep sees their own hold as theirs, not as someone else's.
        mine = {row["id"]: row for row in self.dialer(self.rep).get_page(self.shared_filter.id, 1, 25)["contacts"]}
        self.assertFalse(mine[self.alpha.id]["held_by"])
        self.assertEqual(mine[self.bravo.id]["held_by"], "Ravi Rep")

    def test_a_contact_another_request_is_taking_is_passed_over_at_once(self):
        """Another rep's request taking a contact right now (its lock, in another transaction):
        this one passes over it without waiting; a rep's own hold is still theirs."""
        Holds = self.env["cold.call.hold"]
        Holds.create(
            {
                "partner_id": self.charlie.id,
                "user_id": self.rep.id,
                "expires_at": fields.Datetime.now() + timedelta(minutes=5),
            }
        )
        with db_connect(self.env.cr.dbname).cursor() as other:
            for partner in (self.alpha, self.charlie):
                other.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", HOLD_LOCK, partner.id))
                self.assertTrue(other.fetchone()[0])
            result = self.dialer(self.rep).get_page(self.shared_filter.id, 1, 25, open_first=True)
            self.assertEqual(result["current"]["contact"]["id"], self.bravo.id)
            self.assertEqual(result["skipped"], [{"id": self.alpha.id, "reason": "held", "held_by": ""}])
            self.assertFalse(self.hold(self.alpha))
            opened = self.dialer(self.rep).open_contact([self.charlie.id])["current"]
            self.assertEqual(opened["contact"]["id"], self.charlie.id, "their own hold")
            other.rollback()
        opened = self.dialer(self.rep_two).open_contact([self.alpha.id])["current"]
        self.assertEqual(opened["contact"]["id"], self.alpha.id, "free once that request ended")

    def test_a_contact_taken_since_the_request_began_is_passed_over(self):
        """A hold committed by another rep after this transaction's snapshot fails to serialize:
        the contact is passed over instead of the request failing. (Committed rows only: the
        other transaction cannot wait for this one's contacts and users.)"""
        Holds = self.env["cold.call.hold"]
        partner = self.env.ref("base.partner_root")
        self.assertFalse(Holds._active_by_partner([partner.id]))  # the snapshot is taken
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                """INSERT INTO cold_call_hold (partner_id, user_id, expires_at, logged, company_id)
                   VALUES (%s, %s, now() AT TIME ZONE 'UTC' + interval '1 hour', FALSE, %s) RETURNING id""",
                (partner.id, self.env.ref("base.user_admin").id, self.env.ref("base.main_company").id),
            )
            hold_id = other.fetchone()[0]
            other.commit()
            try:
                self.assertFalse(Holds.with_user(self.rep)._acquire(partner.id))
                self.assertTrue(Holds.with_user(self.rep)._acquire(self.alpha.id), "the request goes on")
            finally:
                other.execute("DELETE FROM cold_call_hold WHERE id = %s", (hold_id,))
                other.commit()

    def test_a_held_contact_cannot_be_opened_nor_logged_over_by_another_hold(self):
        self.dialer(self.rep).open_contact([self.alpha.id])
        result = self.dialer(self.rep_two).open_contact([self.alpha.id])
        self.assertFalse(result["current"])
        self.assertEqual(result["skipped"][0]["reason"], "held")
        self.assertEqual(self.hold(self.alpha).user_id, self.rep)

    def test_hold_lasts_the_configured_time(self):
        self.env["ir.config_parameter"].set_param("cold_call_dialer.hold_minutes", "5")
        before = fields.Datetime.now()
        self.dialer(self.rep).open_contact([self.alpha.id])
        expires_at = self.hold(self.alpha).expires_at
        self.assertGreaterEqual(expires_at, before + timedelta(minutes=5))
        self.assertLess(expires_at, before + timedelta(minutes=6))

    def test_expired_hold_frees_the_contact(self):
        self.dialer(self.rep).open_contact([self.alpha.id])
        self.env.cr.execute(
            "UPDATE cold_call_hold SET expires_at = %s WHERE partner_id = %s",
            [fields.Datetime.now() - timedelta(seconds=1), self.alpha.id],
        )
        self.env["cold.call.hold"].invalidate_model()
        result = self.dialer(self.rep_two).open_contact([self.alpha.id])
        self.assertEqual(result["current"]["contact"]["id"], self.alpha.id)
        self.assertEqual(self.hold(self.alpha).user_id, self.rep_two)
        self.env["cold.call.hold"]._gc_expired_holds()
        self.assertTrue(self.hold(self.alpha))

    def test_skip_releases_the_contact(self):
        self.dialer(self.rep).open_contact([self.alpha.id])
        result = self.dialer(self.rep).open_contact([self.bravo.id], release_partner_id=self.alpha.id)
        self.assertEqual(result["current"]["contact"]["id"], self.bravo.id)
        self.assertFalse(self.hold(self.alpha))
        self.assertEqual(
            self.dialer(self.rep_two).open_contact([self.alpha.id])["current"]["contact"]["id"], self.alpha.id
        )

    def test_failed_jump_keeps_the_current_contact(self):
        self.dialer(self.rep_two).open_contact([self.bravo.id])
        self.dialer(self.rep).open_contact([self.alpha.id])
        result = self.dialer(self.rep).open_contact(
            [self.bravo.id], release_partner_id=self.alpha.id, keep_on_failure=True
        )
        self.assertFalse(result["current"])
        self.assertEqual(self.hold(self.alpha).user_id, self.rep)
        # Skipping the last contact of a page gives it back even though nothing else opens.
        result = self.dialer(self.rep).open_contact([self.bravo.id], release_partner_id=self.alpha.id)
        self.assertFalse(result["current"])
        self.assertFalse(self.hold(self.alpha))

    def test_release_only_gives_back_own_holds(self):
        self.dialer(self.rep).open_contact([self.alpha.id])
        self.dialer(self.rep_two).release_contact(self.alpha.id)
        self.assertEqual(self.hold(self.alpha).user_id, self.rep)
        self.dialer(self.rep).release_contact(self.alpha.id)
        self.assertFalse(self.hold(self.alpha))

    def test_called_contact_stays_held(self):
        self.dialer(self.rep).log_call(self.alpha.id, status="no_answer", list_key="never_called")
        self.assertEqual(self.hold(self.alpha).user_id, self.rep)
        second = self.dialer(self.rep_two).get_page(self.shared_filter.id, 1, 25, open_first=True)
        self.assertEqual(second["current"]["contact"]["id"], self.bravo.id)

    def test_do_not_call_contacts_are_never_offered(self):
        self.dialer(self.rep).log_call(self.alpha.id, status="do_not_call", list_key=self.shared_filter.id)
        self.charlie.x_cold_call_status = "do_not_call"
        page = self.dialer(self.rep).get_page(self.shared_filter.id, 1, 25, open_first=True)
        self.assertEqual(self.page_ids(page), [self.bravo.id, self.delta.id, self.echo.id])
        self.assertEqual(page["total"], 3)
        self.assertEqual(page["current"]["contact"]["id"], self.bravo.id)
        result = self.dialer(self.rep_two).open_contact([self.alpha.id, self.charlie.id, self.delta.id])
        self.assertEqual(result["current"]["contact"]["id"], self.delta.id)
        self.assertEqual([skip["reason"] for skip in result["skipped"]], ["unavailable", "unavailable"])
        self.assertNotIn(self.alpha.id, self.page_ids(self.dialer(self.rep).get_page("never_called", 1, 200)))

    def test_hold_of_a_contact_is_unique(self):
        self.dialer(self.rep).open_contact([self.alpha.id])
        self.dialer(self.rep).open_contact([self.alpha.id])
        self.assertEqual(len(self.hold(self.alpha)), 1)

    def test_a_rep_holds_a_few_contacts_at_most(self):
        """Opening contacts in a loop gives back the oldest: a rep cannot lock a list away."""
        for partner in self.callable_partners:
            self.assertTrue(self.dialer(self.rep).open_contact([partner.id])["current"])
        held = self.env["cold.call.hold"].search([("user_id", "=", self.rep.id)])
        self.assertEqual(held.partner_id, self.charlie | self.delta | self.echo)
        # The contacts given back are free for the others again.
        self.assertEqual(
            self.dialer(self.rep_two).open_contact([self.alpha.id])["current"]["contact"]["id"], self.alpha.id
        )

    def test_holds_after_a_logged_call_do_not_count(self):
        for partner in (self.alpha, self.bravo, self.charlie):
            self.dialer(self.rep).log_call(partner.id, status="no_answer", list_key="never_called")
        self.dialer(self.rep).open_contact([self.delta.id])
        self.dialer(self.rep).open_contact([self.echo.id])
        held = self.env["cold.call.hold"].search([("user_id", "=", self.rep.id)])
        self.assertEqual(len(held), 5)
        self.assertEqual(held.filtered("logged").partner_id, self.alpha | self.bravo | self.charlie)

    def test_reps_see_only_their_own_holds(self):
        self.dialer(self.rep).open_contact([self.alpha.id])
        self.dialer(self.rep_two).open_contact([self.bravo.id])
        Hold = self.env["cold.call.hold"]
        self.assertEqual(Hold.with_user(self.rep).search([]).partner_id, self.alpha)
        self.assertEqual(Hold.with_user(self.rep_two).search([]).partner_id, self.bravo)
        self.assertEqual(Hold.with_user(self.manager).search([]).partner_id, self.alpha | self.bravo)
        # The Dialer still tells a rep who holds a contact.
        rows = {row["id"]: row for row in self.dialer(self.rep).refresh_contacts([self.bravo.id])}
        self.assertEqual(rows[self.bravo.id]["held_by"], "Ravi Rep")
