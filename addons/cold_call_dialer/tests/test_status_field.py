from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.cold_call_dialer.const import STATUS_FIELD

from .common import DialerCase, DialerFixturesMixin


@tagged("post_install", "-at_install")
class TestStatusOptions(DialerCase):
    def test_options_come_from_the_field(self):
        options = self.dialer().get_filters()["status_options"]
        self.assertEqual(
            [(option["value"], option["label"]) for option in options],
            self.env["res.partner"].fields_get([STATUS_FIELD])[STATUS_FIELD]["selection"],
        )
        by_value = {option["value"]: option for option in options}
        self.assertTrue(by_value["do_not_call"]["do_not_call"])
        self.assertTrue(by_value["callback"]["follow_up"])
        self.assertTrue(by_value["interested"]["follow_up"])
        self.assertTrue(by_value["meeting"]["connected"])
        self.assertFalse(by_value["no_answer"]["connected"])
        self.assertFalse(self.dialer().get_filters()["notes_only"])

    def test_options_follow_what_admins_change(self):
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        self.env["ir.model.fields.selection"].create(
            {
                "field_id": field.id,
                "value": "demo_done",
                "name": "Demo Done",
                "sequence": 99,
            }
        )
        self.outcome("demo_done").connected = True
        field.selection_ids.filtered(lambda option: option.value == "gatekeeper").name = "Receptionist Block"
        options = {option["value"]: option for option in self.dialer().get_filters()["status_options"]}
        self.assertEqual(options["gatekeeper"]["label"], "Receptionist Block")
        self.assertTrue(options["demo_done"]["connected"])
        result = self.dialer().log_call(self.alpha.id, status="demo_done", list_key="never_called")
        self.assertTrue(self.env["cold.call.log"].browse(result["log_id"]).connected)

    def test_field_is_a_manual_field_with_the_default_options(self):
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        self.assertEqual((field.state, field.ttype), ("manual", "selection"))
        self.assertEqual(
            field.selection_ids.mapped("name"),
            [
                "No Answer - No Voicemail",
                "No Answer - Voicemail Left",
                "Connected - Not Interested",
                "Connected - Interested",
                "Callback Requested",
                "Gatekeeper Block",
                "Meeting Booked",
                "Wrong Number",
                "Dead / Do Not Call",
            ],
        )
        # Creating it again changes nothing.
        self.assertEqual(self.env["cold.call.outcome"]._create_status_field(), field)


@tagged("post_install", "-at_install")
class TestNotesOnlyMode(DialerFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures(with_status_field=False)

    def test_no_options_without_the_field(self):
        self.assertNotIn(STATUS_FIELD, self.env["res.partner"]._fields)
        self.assertEqual(self.dialer().get_filters()["status_options"], [])
        data = self.dialer().get_filters()
        self.assertTrue(data["notes_only"])
        self.assertEqual(data["status_options"], [])
        page = self.dialer().get_page(self.shared_filter.id, 1, 25)
        self.assertEqual(page["total"], 5)
        self.assertFalse(page["contacts"][0]["status_value"])

    def test_notes_are_still_logged(self):
        result = self.dialer().log_call(
            self.alpha.id, duration=61, note="Left a message with <b>Anil</b>", list_key=self.shared_filter.id
        )
        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertRecordValues(log, [{"outcome_id": False, "duration": 61, "connected": False}])
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.alpha.id)], limit=1
        )
        self.assertIn("1m 1s", message.body)
        self.assertIn("&lt;b&gt;Anil&lt;/b&gt;", message.body)

    def test_outcome_or_empty_note_is_refused(self):
        with self.assertRaisesRegex(UserError, "notes-only mode"):
            self.dialer().log_call(self.alpha.id, status="interested", note="x", list_key="never_called")
        with self.assertRaisesRegex(UserError, "Type a note"):
            self.dialer().log_call(self.alpha.id, note="  ", list_key="never_called")
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.alpha.id)]))

    def test_settings_button_creates_the_field(self):
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.cold_call_status_field_exists)
        with self.assertRaises(AccessError):
            settings.with_user(self.manager).action_create_cold_call_status_field()
        self.assertNotIn(STATUS_FIELD, self.env["res.partner"]._fields)
        action = settings.action_create_cold_call_status_field()
        self.assertEqual(action["tag"], "reload")
        self.assertIn(STATUS_FIELD, self.env["res.partner"]._fields)
        self.assertEqual(len(self.dialer().get_filters()["status_options"]), 9)
        self.assertEqual(self.env["res.config.settings"].create({}).cold_call_status_option_count, 9)
