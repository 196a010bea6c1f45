import json
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestLogCall(DialerCase):
    def notes(self, partner):
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("message_type", "=", "comment")]
        )

    def logs(self, partner):
        return self.env["cold.call.log"].search([("partner_id", "=", partner.id)])

    def snapshot(self, partner):
        """What a call may change on a contact, read back from the database."""
        self.env.invalidate_all()
        return {
            "status": partner.x_cold_call_status,
            "notes": len(self.notes(partner)),
            "activities": len(partner.activity_ids),
            "logs": len(self.logs(partner)),
            "last_call": partner.cold_call_last_date,
        }

    def follow_up(self, days=7, **values):
        return {"date": fields.Date.to_string(date.today() + timedelta(days=days)), "user_id": self.rep.id, **values}

    def test_log_a_call_with_follow_up(self):
        result = self.dialer().log_call(
            self.alpha.id,
            status="callback",
            duration=125,
            note="Asked to call back after the budget meeting.",
            follow_up=self.follow_up(summary="Budget follow-up"),
            list_key=self.shared_filter.id,
            next_partner_ids=[self.bravo.id, self.charlie.id],
        )
        self.assertEqual(self.alpha.x_cold_call_status, "callback")

        note = self.notes(self.alpha)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.rep.partner_id)
        self.assertIn("Callback Requested", note.body)
        self.assertIn("2m 5s", note.body)
        self.assertIn("Asked to call back after the budget meeting.", note.body)

        activity = self.alpha.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.date_deadline, date.today() + timedelta(days=7))
        self.assertEqual(activity.user_id, self.rep)
        self.assertEqual(activity.summary, "Budget follow-up")

        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertRecordValues(
            log,
            [
                {
                    "user_id": self.rep.id,
                    "partner_id": self.alpha.id,
                    "filter_id": self.shared_filter.id,
                    "list_name": "DT prospects",
                    "outcome_id": self.outcome("callback").id,
                    "duration": 125,
                    "connected": True,
                    "connect_rate": 100.0,
                    "follow_up_scheduled": True,
                }
            ],
        )
        self.assertEqual(self.alpha.cold_call_last_date, log.call_date)
        self.assertEqual(self.alpha.cold_call_last_outcome_id.name, "Callback Requested")
        self.assertEqual(result["contact"]["status_label"], "Callback Requested")
        # The next contact is opened (and held) in the same call.
        self.assertEqual(result["next"]["contact"]["id"], self.bravo.id)
        self.assertEqual(self.env["cold.call.hold"].search([("partner_id", "=", self.bravo.id)]).user_id, self.rep)

    def test_not_connected_call_without_follow_up(self):
        result = self.dialer().log_call(self.bravo.id, status="no_answer", list_key="never_called")
        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertRecordValues(
            log, [{"connected": False, "connect_rate": 0.0, "follow_up_scheduled": False, "list_name": "Never called"}]
        )
        self.assertFalse(self.bravo.activity_ids)
        self.assertIn("0m 0s", self.notes(self.bravo).body)
        self.assertFalse(result["next"])

    def test_note_is_escaped_and_keeps_its_lines(self):
        self.dialer().log_call(
            self.alpha.id,
            status="interested",
            note="Wants <b>bold</b> pricing & <script>alert('x')</script>\nSecond line",
            list_key=self.shared_filter.id,
        )
        body = self.notes(self.alpha).body
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", body)
        self.assertIn("&lt;script&gt;", body)
        self.assertNotIn("<script", body)
        self.assertNotIn("<b>bold</b>", body)
        self.assertIn("pricing &amp; ", body)
        self.assertRegex(body, r"&lt;/script&gt;<br/?>Second line")

    def test_invalid_status_changes_nothing(self):
        before = self.snapshot(self.alpha)
        with self.assertRaisesRegex(UserError, "not an outcome anymore"):
            self.dialer().log_call(
                self.alpha.id, status="sold", note="x", follow_up=self.follow_up(), list_key=self.shared_filter.id
            )
        with self.assertRaisesRegex(UserError, "Pick an outcome"):
            self.dialer().log_call(self.alpha.id, status=False, note="x", list_key=self.shared_filter.id)
        self.assertEqual(self.snapshot(self.alpha), before)

    def test_failing_activity_rolls_everything_back(self):
        """A failure after the status, the note and the log were written leaves none of them."""
        self.alpha.x_cold_call_status = "voicemail"
        before = self.snapshot(self.alpha)

        failing_create = patch.object(
            type(self.env["mail.activity"]), "create", side_effect=UserError("The activity could not be created.")
        )
        with failing_create, self.assertRaisesRegex(UserError, "activity"):
            self.dialer().log_call(
                self.alpha.id,
                status="interested",
                duration=30,
                note="Interested",
                follow_up=self.follow_up(),
                list_key=self.shared_filter.id,
            )
        self.assertEqual(self.snapshot(self.alpha), before)
        self.assertEqual(before["status"], "voicemail")

    def test_failing_log_rolls_everything_back(self):
        before = self.snapshot(self.alpha)
        with (
            patch.object(type(self.env["cold.call.log"]), "create", side_effect=ValidationError("Log refused")),
            self.assertRaises(ValidationError),
        ):
            self.dialer().log_call(
                self.alpha.id, status="meeting", meeting=self.meeting(), note="Booked", list_key=self.shared_filter.id
            )
        self.assertEqual(self.snapshot(self.alpha), before)
        # The next steps went with it: no opportunity, no meeting.
        self.assertFalse(self.env["crm.lead"].search([("partner_id", "=", self.alpha.id)]))
        self.assertFalse(self.env["calendar.event"].search([("partner_ids", "in", self.alpha.id)]))

    def test_bad_input_is_refused_before_anything_is_written(self):
        before = self.snapshot(self.alpha)
        bad_calls = [
            ({"duration": -5}, ValidationError),
            ({"duration": 90000}, ValidationError),
            ({"duration": "long"}, ValidationError),
            ({"follow_up": self.follow_up(days=-1)}, ValidationError),
            ({"follow_up": {"date": "next tuesday", "user_id": self.rep.id}}, ValidationError),
            ({"follow_up": self.follow_up(user_id=999999)}, ValidationError),
            ({"follow_up": "tomorrow"}, ValidationError),
            ({"list_key": "everyone"}, UserError),
            ({"next_partner_ids": "2,3"}, ValidationError),
            ({"next_partner_ids": list(range(1, 300))}, ValidationError),
        ]
        for kwargs, error in bad_calls:
            with self.subTest(kwargs=kwargs), self.assertRaises(error):
                self.dialer().log_call(self.alpha.id, **{"status": "interested", "list_key": "never_called", **kwargs})
        with self.assertRaises(ValidationError):
            self.dialer().log_call("alpha", status="interested")
        with self.assertRaisesRegex(UserError, "no longer exists"):
            self.dialer().log_call(999999999, status="interested")
        self.assertEqual(self.snapshot(self.alpha), before)

    def test_follow_up_for_a_portal_user_is_refused(self):
        portal = new_test_user(self.env, login="dialer_portal", groups="base.group_portal")
        with self.assertRaisesRegex(ValidationError, "internal user"):
            self.dialer().log_call(self.alpha.id, status="callback", follow_up=self.follow_up(user_id=portal.id))

    def test_rep_who_cannot_write_the_contact_cannot_log(self):
        reader = new_test_user(
            self.env, login="dialer_reader", groups="base.group_user,cold_call_dialer.group_cold_call_user"
        )
        before = self.snapshot(self.alpha)
        with self.assertRaisesRegex(AccessError, "not allowed to modify this contact"):
            self.dialer(reader).log_call(self.alpha.id, status="interested", note="Hi", list_key="never_called")
        self.assertEqual(self.snapshot(self.alpha), before)

    def test_record_rules_decide_which_contacts_a_rep_may_log_on(self):
        restricted = self.env["res.groups"].create({"name": "Dialer test: Alpha is read-only"})
        self.env["ir.rule"].create(
            {
                "name": "Alpha is read-only",
                "model_id": self.env.ref("base.model_res_partner").id,
                "groups": [(4, restricted.id)],
                "domain_force": f"[('id', '!=', {self.alpha.id})]",
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        self.rep.groups_id = [(4, restricted.id)]
        with self.assertRaises(AccessError):
            self.dialer().log_call(self.alpha.id, status="interested", list_key="never_called")
        self.dialer().log_call(self.bravo.id, status="interested", list_key="never_called")
        self.assertEqual(self.bravo.x_cold_call_status, "interested")
        self.assertFalse(self.alpha.x_cold_call_status)

    def test_deleted_search_does_not_block_saving(self):
        list_key = self.shared_filter.id
        self.shared_filter.unlink()
        result = self.dialer().log_call(self.alpha.id, status="interested", list_key=list_key)
        self.assertEqual(self.env["cold.call.log"].browse(result["log_id"]).list_name, "Deleted saved search")

    def test_the_other_reps_open_dialers_are_told_of_the_change(self):
        """One rep's save reaches the other reps over the bus, so their pages update by themselves:
        one message on the Dialer channel of the contact's company (of every company, for a
        contact of none), which its Dialer users listen to (see tests/test_live_bus.py)."""
        other_company = self.env["res.company"].create({"name": "Other Dialer company"})

        def messages(company):
            channel = json_dump(channel_with_db(self.env.cr.dbname, (company, "cold_call_dialer/reps")))
            return [json.loads(bus.message) for bus in self.env["bus.bus"].search([("channel", "=", channel)])]

        self.env["bus.bus"].search([]).unlink()
        self.alpha.company_id = self.env.company
        self.dialer().log_call(self.alpha.id, status="interested", list_key="never_called")
        self.env.flush_all()
        told = {"type": "cold_call_dialer/contacts", "payload": {"ids": [self.alpha.id]}}
        self.assertEqual(messages(self.env.company), [told])
        self.assertEqual(messages(other_company), [])
        self.env["bus.bus"].search([]).unlink()
        self.bravo.company_id = False
        self.dialer().log_call(self.bravo.id, status="interested", list_key="never_called")
        self.env.flush_all()
        told = {"type": "cold_call_dialer/contacts", "payload": {"ids": [self.bravo.id]}}
        self.assertEqual((messages(self.env.company), messages(other_company)), ([told], [told]))
