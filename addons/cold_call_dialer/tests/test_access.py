from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

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
            cls.bravo.id, status="meeting", meeting=cls.meeting(), list_key="never_called"
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

    def test_call_logs_are_only_created_by_logging_a_call(self):
        """A log created over RPC would make reports and last-call dates lie, and its name would
        show a contact the rep may not read: only ``log_call``, which checks all that, creates them."""
        for user in (self.rep, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["cold.call.log"].with_user(user).create(
                    {"user_id": user.id, "partner_id": self.charlie.id, "list_name": "Forged", "duration": 3600}
                )
        self.assertFalse(self.charlie.cold_call_last_date)
        result = self.dialer(self.rep).log_call(self.charlie.id, status="no_answer", list_key="never_called")
        log = self.env["cold.call.log"].with_user(self.rep).browse(result["log_id"])
        self.assertEqual((log.user_id, log.create_uid), (self.rep, self.rep))

    def test_logs_and_holds_belong_to_the_company_they_were_made_in(self):
        other = self.env["res.company"].create({"name": "Dialer Other Company"})
        outsider = new_test_user(
            self.env,
            login="dialer_other_company",
            groups="base.group_user,cold_call_dialer.group_cold_call_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertEqual(self.our_logs.company_id, self.env.company)
        self.assertFalse(self.env["cold.call.log"].with_user(outsider).search([("id", "in", self.our_logs.ids)]))
        self.dialer(self.rep).open_contact([self.delta.id])
        hold = self.env["cold.call.hold"].search([("partner_id", "=", self.delta.id)])
        self.assertEqual(hold.company_id, self.env.company)
        self.assertFalse(self.env["cold.call.hold"].with_user(outsider).search([("id", "=", hold.id)]))

    def test_contact_card_only_shows_visible_calls(self):
        self.env["cold.call.dialer"].with_user(self.rep_two).log_call(
            self.alpha.id, status="meeting", meeting=self.meeting(), list_key="never_called"
        )
        self.env["cold.call.hold"].search([("partner_id", "=", self.alpha.id)]).unlink()
        # A booked meeting keeps the contact waiting: the rep opens it on purpose.
        card = self.dialer(self.rep).open_contact([self.alpha.id], on_purpose=True)["current"]
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
        self.assertEqual(self.bravo.with_user(self.rep).cold_call_last_outcome_id.name, "Meeting Booked")

    def test_calls_button_on_the_contact(self):
        action = self.alpha.with_user(self.rep).action_view_cold_calls()
        self.assertEqual(action["res_model"], "cold.call.log")
        self.assertEqual(self.env["cold.call.log"].with_user(self.rep).search(action["domain"]).partner_id, self.alpha)

    def test_holds_are_read_only_for_reps(self):
        self.dialer(self.rep).open_contact([self.charlie.id])
        hold = self.env["cold.call.hold"].with_user(self.rep).search([("partner_id", "=", self.charlie.id)])
        self.assertEqual(hold.user_id, self.rep)
        with self.assertRaises(AccessError):
            hold.unlink()
        hold.with_user(self.manager).unlink()
        self.assertFalse(hold.exists())
