import ast

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import McubeCase, sample


@tagged("post_install", "-at_install")
class TestSecurity(McubeCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.all_leads = new_test_user(
            cls.env, login="mcube_all_leads", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.portal = new_test_user(cls.env, login="mcube_portal", groups="base.group_portal")
        cls.public = cls.env.ref("base.public_user")
        cls.admin = cls.env.ref("base.user_admin")
        cls.employee = new_test_user(cls.env, login="mcube_employee", groups="base.group_user")

    def setUp(self):
        super().setUp()
        # A call on a lead owned by salesman_other, taken through salesman_did's number.
        other_lead = self.env["crm.lead"].create(
            {"name": "Other's lead", "phone": "9811100000", "user_id": self.salesman_other.id}
        )
        self.ingest(sample("inbound_answered_hangup", callid="S-1", callto="9811100000"))
        self.call_on_other_lead = self.record_of("S-1")
        self.assertEqual(self.call_on_other_lead.lead_id, other_lead)
        # A call on a lead owned by salesman_agent, through an unknown number.
        self.ingest(sample("inbound_answered_hangup", callid="S-2", callto="9811100001", clicktocalldid="8000000000"))
        self.call_on_agent_lead = self.record_of("S-2")
        self.assertEqual(self.call_on_agent_lead.lead_id.user_id, self.salesman_agent)
        self.calls = self.call_on_other_lead | self.call_on_agent_lead
        self.events = self.calls.event_ids

    def visible_calls(self, user):
        return self.CallRecord.with_user(user).search([("id", "in", self.calls.ids)])

    def test_salesman_sees_their_own_calls_and_recordings_only(self):
        """A call and its recording are its salesperson's: the owner of the lead the call joined
        reads the note on the lead, which links the call record without its recording."""
        self.assertFalse(self.visible_calls(self.salesman_other), "the lead's owner did not take the call")
        self.assertEqual(self.visible_calls(self.salesman_agent), self.call_on_agent_lead)
        self.assertEqual(self.visible_calls(self.salesman_did), self.call_on_other_lead, "took the call")
        with self.assertRaises(AccessError):
            self.call_on_agent_lead.with_user(self.salesman_other).read(["phone_number"])
        with self.assertRaises(AccessError):
            self.call_on_other_lead.with_user(self.salesman_other).read(["recording_url"])
        lead = self.call_on_other_lead.lead_id.with_user(self.salesman_other)
        self.assertFalse(lead.mcube_call_record_ids)
        note = lead.message_ids.filtered(lambda message: "S-1" in message.body)
        self.assertIn(f'data-oe-id="{self.call_on_other_lead.id}"', note.body)
        self.assertNotIn(self.call_on_other_lead.recording_url, note.body)

    def test_salesman_cannot_change_call_records(self):
        with self.assertRaises(AccessError):
            self.call_on_other_lead.with_user(self.salesman_other).write({"status": "busy"})
        with self.assertRaises(AccessError):
            self.CallRecord.with_user(self.salesman_other).create({"call_id": "FORGED"})

    def test_all_leads_salesman_and_manager_see_all_calls(self):
        self.assertEqual(self.visible_calls(self.all_leads), self.calls)
        self.assertEqual(self.visible_calls(self.manager), self.calls)
        self.assertEqual(self.visible_calls(self.admin), self.calls)

    def test_events_are_for_sales_managers_and_admins(self):
        self.assertEqual(self.Event.with_user(self.manager).search([("id", "in", self.events.ids)]), self.events)
        self.assertEqual(self.Event.with_user(self.admin).search([("id", "in", self.events.ids)]), self.events)
        for user in (self.salesman_did, self.all_leads, self.employee):
            with self.assertRaises(AccessError, msg=user.login):
                self.Event.with_user(user).search([])
            with self.assertRaises(AccessError, msg=user.login):
                self.events.with_user(user).action_retry()

    def test_portal_and_public_users_get_nothing(self):
        for user in (self.portal, self.public):
            for records in (self.calls, self.events):
                with self.assertRaises(AccessError, msg=f"{user.login} {records._name}"):
                    records.with_user(user).search([])
                with self.assertRaises(AccessError, msg=f"{user.login} {records._name}"):
                    records.with_user(user).read(["id"])

    def test_salesman_cannot_set_their_own_virtual_number(self):
        """Whoever owns a DID takes all its calls: a user must not pick one."""
        user = self.salesman_other.with_user(self.salesman_other)
        self.assertNotIn("mcube_virtual_number", user.SELF_WRITEABLE_FIELDS)
        self.assertIn("mcube_virtual_number", user.SELF_READABLE_FIELDS)
        self.assertEqual(self.salesman_did.with_user(self.salesman_did).read(["mcube_virtual_number"])[0]
                         ["mcube_virtual_number"], "+918045678901")  # fmt: skip
        for target in (self.salesman_other, self.salesman_agent):
            with self.assertRaises(AccessError):
                target.with_user(self.salesman_other).write({"mcube_virtual_number": "080-4444-5555"})
        self.assertFalse(self.salesman_other.mcube_virtual_number)

    def test_executive_numbers_are_set_like_virtual_numbers(self):
        with self.assertRaises(AccessError):
            self.salesman_other.with_user(self.salesman_other).write({"mcube_executive_number": "9812300001"})
        self.salesman_other.with_user(self.manager).write({"mcube_executive_number": "098123 00001"})
        self.assertEqual(self.salesman_other.mcube_executive_number, "+919812300001")
        self.assertIn("mcube_executive_number", self.salesman_other.SELF_READABLE_FIELDS)

    def test_sales_manager_sets_anyones_virtual_number_and_nothing_else(self):
        self.salesman_other.with_user(self.manager).write({"mcube_virtual_number": "080-4444-5555"})
        self.assertEqual(self.salesman_other.mcube_virtual_number, "+918044445555")
        self.manager.with_user(self.manager).write({"mcube_virtual_number": "080-4444-6666"})
        self.assertEqual(self.manager.mcube_virtual_number, "+918044446666")
        with self.assertRaises(AccessError):
            self.salesman_other.with_user(self.manager).write({"mcube_virtual_number": False, "name": "Renamed"})
        with self.assertRaises(AccessError):
            self.portal.with_user(self.manager).write({"mcube_virtual_number": "080-4444-7777"})
        with self.assertRaises(AccessError):
            self.salesman_other.with_user(self.all_leads).write({"mcube_virtual_number": "080-4444-8888"})

    def test_sales_manager_edits_numbers_in_the_mcube_numbers_list(self):
        action = self.env.ref("mcube_integration.res_users_action_mcube_numbers")
        menu = self.env.ref("mcube_integration.mcube_integration_menu_numbers")
        self.assertEqual(menu.action, action)
        self.assertIn(self.env.ref("sales_team.group_sale_manager"), menu.groups_id)
        users = self.env["res.users"].with_user(self.manager)
        arch = users.get_views([(action.view_id.id, "list")])["views"]["list"]["arch"]
        self.assertIn('editable="bottom"', arch)
        self.assertNotIn('edit="False"', arch)
        self.assertIn(self.salesman_other, users.search(ast.literal_eval(action.domain)))
        self.assertNotIn(self.portal, users.search(ast.literal_eval(action.domain)))

    def test_admin_sets_virtual_numbers(self):
        self.salesman_agent.with_user(self.admin).write({"mcube_virtual_number": "08044446666"})
        self.assertEqual(self.salesman_agent.mcube_virtual_number, "+918044446666")
        user_form = self.env.ref("base.view_users_form")
        arch = self.env["res.users"].get_views([(user_form.id, "form")])["views"]["form"]["arch"]
        self.assertIn('name="mcube_virtual_number"', arch)

    def test_events_are_read_only_evidence(self):
        event = self.events[0]
        for user in (self.manager, self.admin):
            with self.assertRaises(AccessError, msg=user.login):
                event.with_user(user).write({"payload": '{"callid": "FORGED"}'})
        for vals in ({"payload": "{}"}, {"call_id": "FORGED"}, {"phase": "start"}, {"headers": "{}"}):
            with self.assertRaises(AccessError, msg=vals):
                event.sudo().write(vals)
        with self.assertRaises(AccessError):
            self.Event.with_user(self.manager).create({"call_id": "FORGED", "phase": "start"})

    def test_retry_refuses_a_payload_whose_call_id_changed(self):
        event = self.events[0]
        self.env.cr.execute(
            "UPDATE mcube_event SET state = 'failed', payload = '{\"callid\": \"OTHER\"}' WHERE id = %s", [event.id]
        )
        event.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "call id"):
            event.with_user(self.manager).action_retry()
        self.assertEqual(event.state, "failed")

    def test_missed_call_note_escapes_a_crafted_number(self):
        crafted = '+91<a href="https://evil.example/">call me</a>'
        self.ingest(sample("inbound_answered_hangup", callid="CRAFT-1", callto=crafted, dialstatus="NoAnswer"))
        record = self.record_of("CRAFT-1")
        # Not a phone number: the call keeps none, and no lead is made for it.
        self.assertFalse(record.phone_number or record.lead_id)
        self.assertFalse(self.env["mail.message"].search([("body", "ilike", "evil.example")]))
        # The call-back activity of a missed call escapes whatever number it is given.
        lead = self.env["crm.lead"].create({"name": "Crafted", "user_id": self.salesman_did.id})
        lead._mcube_schedule_call_back(crafted, self.salesman_did)
        activity = lead.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertNotIn("<a", activity.note)
        self.assertIn("&lt;a href=", activity.note)
