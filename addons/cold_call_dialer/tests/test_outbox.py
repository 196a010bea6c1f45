from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DialerCase

KEY = "k3y-0f-a-call-1"


@tagged("post_install", "-at_install")
class TestOutbox(DialerCase):
    """What the Dialer's outbox relies on: a call sent with its key is saved once, at the time it
    was made, and a status changed while it waited is not written over."""

    def logs(self, partner):
        return self.env["cold.call.log"].search([("partner_id", "=", partner.id)])

    def log(self, partner=None, **kwargs):
        values = {"status": "callback", "duration": 30, "note": "Call back on Monday", "client_key": KEY, **kwargs}
        return self.dialer().log_call((partner or self.alpha).id, **values)

    def test_a_call_sent_again_with_its_key_is_saved_once(self):
        first = self.log(next_partner_ids=[self.bravo.id])
        self.assertFalse(first["duplicate"])
        again = self.log(note="the same call, sent again", next_partner_ids=[self.charlie.id])
        self.assertTrue(again["duplicate"])
        self.assertEqual(again["log_id"], first["log_id"])
        [log] = self.logs(self.alpha)
        self.assertEqual(log.client_key, KEY)
        notes = self.alpha.message_ids.filtered(lambda m: "Call back on Monday" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertNotIn("sent again", self.alpha.message_ids.mapped("body"))
        # the rep moves on either way
        self.assertEqual(again["next"]["contact"]["id"], self.charlie.id)
        # another rep's call with the same key is another call
        self.dialer(self.rep_two).log_call(self.bravo.id, status="voicemail", client_key=KEY)
        self.assertEqual(len(self.logs(self.bravo)), 1)

    def test_a_concurrent_save_of_the_same_call_leaves_nothing_of_its_own(self):
        """A save that loses the race on the key (the other request committed after this one
        looked, so it could not see it) rolls back all it did and answers as a duplicate."""
        self.log()
        Log = type(self.env["cold.call.log"])
        search = Log.search

        def blind_to_keys(records, domain, *args, **kwargs):
            if any(isinstance(term, tuple | list) and term[0] == "client_key" for term in domain):
                return records.browse()
            return search(records, domain, *args, **kwargs)

        messages = self.env["mail.message"].search_count([])
        with patch.object(Log, "search", blind_to_keys), mute_logger("odoo.sql_db"):
            answer = self.log(partner=self.bravo, status="not_interested")
        self.assertEqual((answer["duplicate"], answer["log_id"]), (True, False))
        self.assertFalse(self.logs(self.bravo))
        self.assertFalse(self.bravo.x_cold_call_status)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    def test_a_call_saved_later_keeps_the_time_it_was_made(self):
        made = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=3)
        self.log(called_at=fields.Datetime.to_string(made))
        self.assertEqual(self.logs(self.alpha).call_date, made)
        # a browser clock ahead of the server's gives now
        self.log(partner=self.bravo, client_key="another-key-2", called_at="2999-01-01 00:00:00")
        self.assertLessEqual(self.logs(self.bravo).call_date, fields.Datetime.now())

    def test_bad_keys_and_times_are_refused_before_anything_is_written(self):
        for kwargs in (
            {"client_key": "short"},
            {"client_key": "spaces are not allowed"},
            {"client_key": "x" * 65},
            {"client_key": 12345678},
            {"called_at": "yesterday"},
            {"called_at": fields.Datetime.to_string(fields.Datetime.now() - timedelta(days=8))},
        ):
            with self.subTest(kwargs=kwargs), self.assertRaises(ValidationError):
                self.log(**kwargs)
        self.assertFalse(self.logs(self.alpha))
        self.assertFalse(self.alpha.x_cold_call_status)

    def test_a_status_changed_meanwhile_is_not_written_over(self):
        self.alpha.sudo().x_cold_call_status = "interested"  # a manager, while the call waited offline
        answer = self.log(expected_status=False)
        self.assertEqual(self.alpha.x_cold_call_status, "interested")
        log = self.logs(self.alpha)
        conflict = {
            "log_id": log.id,
            "name": self.alpha.display_name,
            "current": "Connected - Interested",
            "yours": "Callback Requested",
        }
        self.assertEqual(answer["conflict"], conflict)
        # a reload asks again, until the rep settles it
        self.assertEqual(self.dialer().get_filters()["status_conflicts"], [conflict])
        self.assertTrue(log.status_kept)
        self.assertEqual(log.outcome_id.value, "callback")
        note = self.alpha.message_ids.filtered(lambda m: "Call back on Monday" in (m.body or ""))
        self.assertIn("Status left as Connected - Interested", note.body)
        # the rep decides: their outcome after all
        row = self.dialer().resolve_status(log.id)
        self.assertEqual(self.alpha.x_cold_call_status, "callback")
        self.assertEqual(row["status_value"], "callback")
        self.assertFalse(log.status_kept)
        with self.assertRaises(UserError):
            self.dialer().resolve_status(log.id)
        self.assertEqual(self.dialer().get_filters()["status_conflicts"], [])

    def test_the_rep_may_leave_the_status_that_changed_meanwhile(self):
        self.alpha.sudo().x_cold_call_status = "interested"
        log_id = self.log(expected_status=False)["log_id"]
        self.dialer().resolve_status(log_id, mine=False)
        self.assertEqual(self.alpha.x_cold_call_status, "interested")
        self.assertFalse(self.dialer().get_filters()["status_conflicts"])

    def test_no_conflict_when_the_status_is_the_one_seen_or_the_one_chosen(self):
        self.alpha.sudo().x_cold_call_status = "voicemail"
        self.assertFalse(self.log(expected_status="voicemail")["conflict"])
        self.assertEqual(self.alpha.x_cold_call_status, "callback")
        self.assertFalse(self.log(client_key="second-key-3", expected_status="voicemail")["conflict"])

    def test_only_the_rep_who_made_the_call_resolves_its_conflict(self):
        self.alpha.sudo().x_cold_call_status = "interested"
        log_id = self.log(expected_status=False)["log_id"]
        for user in (self.rep_two, self.manager):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.dialer(user).resolve_status(log_id)
        with self.assertRaises(UserError):
            self.dialer().resolve_status("1; DROP TABLE")
        self.assertEqual(self.alpha.x_cold_call_status, "interested")

    def test_unique_key_per_rep_is_enforced_by_the_database(self):
        self.log()
        log = self.logs(self.alpha)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            log.sudo().copy({"client_key": KEY})
