from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestAccess(DialerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["cold.call.dialer"].with_user(cls.rep).log_call(
            cls.alpha.id, status="no_answer", list_key="never_called"
        )
        cls.env["cold.call.dialer"].with_user(cls.rep_two).log_call(
            cls.bravo.id, status="meeting", list_key="never_called"
        )
        cls.our_logs = cls.env["cold.call.log"].search([("partner_id", "in", cls.partners.ids)])

    def visible_logs(self, user):
        return self.env["cold.call.log"].with_user(user).search([("id", "in", self.our_logs.ids)])

    def test_reps_see_their_own_calls_managers_see_all(self):
        self.assertEqual(self.visible_logs(self.rep).partner_id, self.alpha)
        self.assertEqual(self.visible_logs(self.rep_two).partner_id, self.bravo)
        self.assertEqual(self.visible_logs(self.manager), self.our_logs)

    def test_reps_cannot_rewrite_or_delete_calls(self):
        log = self.visible_logs(self.rep)
        with self.assertRaises(AccessError):
            log.with_user(self.rep).write({"duration": 999})
        with self.assertRaises(AccessError):
            log.with_user(self.rep).unlink()
        other = self.our_logs - log
        with self.assertRaises(AccessError):
            other.with_user(self.rep).read(["duration"])

    def test_reps_cannot_log_calls_in_someone_elses_name(self):
        with self.assertRaises(AccessError):
            self.env["cold.call.log"].with_user(self.rep).create(
                {"user_id": self.rep_two.id, "partner_id": self.alpha.id, "list_name": "Forged"}
            )

    def test_contact_card_only_shows_visible_calls(self):
        self.env["cold.call.dialer"].with_user(self.rep_two).log_call(
            self.alpha.id, status="meeting", list_key="never_called"
        )
        self.env["cold.call.hold"].search([("partner_id", "=", self.alpha.id)]).unlink()
        card = self.dialer(self.rep).open_contact([self.alpha.id])["current"]
        self.assertEqual([call["user"] for call in card["last_calls"]], ["Rita Rep"])
        # The chatter, readable by anyone who can read the contact, keeps both notes.
        self.assertEqual(len(card["notes"]), 2)
        manager_card = self.dialer(self.manager).open_contact([self.alpha.id])
        self.assertFalse(manager_card["current"])  # Rita has the contact open

    def test_call_count_on_the_contact_follows_the_rules(self):
        self.assertEqual(self.alpha.with_user(self.rep).cold_call_count, 1)
        self.assertEqual(self.alpha.with_user(self.rep_two).cold_call_count, 0)
        self.assertEqual(self.alpha.with_user(self.manager).cold_call_count, 1)
        # The last call shown on the contact counts every rep's calls.
        self.assertEqual(self.bravo.with_user(self.rep).cold_call_last_outcome, "Meeting Booked")

    def test_calls_button_on_the_contact(self):
        action = self.alpha.with_user(self.rep).action_view_cold_calls()
        self.assertEqual(action["res_model"], "cold.call.log")
        self.assertEqual(self.env["cold.call.log"].with_user(self.rep).search(action["domain"]).partner_id, self.alpha)

    def test_holds_are_read_only_for_reps(self):
        self.dialer(self.rep).open_contact([self.charlie.id])
        hold = self.env["cold.call.hold"].with_user(self.rep_two).search([("partner_id", "=", self.charlie.id)])
        self.assertEqual(hold.user_id, self.rep)
        with self.assertRaises(AccessError):
            hold.unlink()
        hold.with_user(self.manager).unlink()
        self.assertFalse(hold.exists())
