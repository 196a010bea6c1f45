from odoo.exceptions import AccessError
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

    def test_salesman_sees_the_calls_of_their_leads_and_their_own_calls(self):
        self.assertEqual(self.visible_calls(self.salesman_other), self.call_on_other_lead)
        self.assertEqual(self.visible_calls(self.salesman_agent), self.call_on_agent_lead)
        self.assertEqual(self.visible_calls(self.salesman_did), self.call_on_other_lead, "took the call")
        with self.assertRaises(AccessError):
            self.call_on_agent_lead.with_user(self.salesman_other).read(["phone_number"])
        lead = self.call_on_other_lead.lead_id.with_user(self.salesman_other)
        self.assertEqual(lead.mcube_call_count, 1)
        self.assertEqual(lead.mcube_call_record_ids, self.call_on_other_lead)

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

    def test_user_sets_their_own_virtual_number_in_preferences(self):
        user = self.salesman_other.with_user(self.salesman_other)
        self.assertIn("mcube_virtual_number", user.SELF_WRITEABLE_FIELDS)
        user.write({"mcube_virtual_number": "080-4444-5555"})
        self.assertEqual(user.read(["mcube_virtual_number"])[0]["mcube_virtual_number"], "+918044445555")
        with self.assertRaises(AccessError):
            self.salesman_agent.with_user(self.salesman_other).write({"mcube_virtual_number": "08044446666"})
        self.salesman_agent.with_user(self.admin).write({"mcube_virtual_number": "08044446666"})
        self.assertEqual(self.salesman_agent.mcube_virtual_number, "+918044446666")
