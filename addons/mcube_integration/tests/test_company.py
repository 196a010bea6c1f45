from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import McubeCase, sample

HANGUP = "inbound_answered_hangup"


@tagged("post_install", "-at_install")
class TestCompany(McubeCase, TransactionCase):
    """A call belongs to the company of the user owning its DID: its lead is made there,
    and users of other companies do not see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "MCUBE B", "country_id": cls.env.ref("base.in").id})
        cls.salesman_b = new_test_user(
            cls.env,
            login="mcube_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.salesman_b.mcube_virtual_number = "8011112222"
        cls.manager_a = new_test_user(
            cls.env,
            login="mcube_manager_a",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )

    def test_call_through_a_did_of_company_b_is_made_in_company_b(self):
        lead_a = self.env["crm.lead"].create({"name": "Same number in A", "phone": "9811122233"})
        self.assertEqual(lead_a.company_id, self.company_a)
        event = self.ingest(sample(HANGUP, callid="B-1", callto="9811122233", clicktocalldid="8011112222"))
        record = event.call_record_id
        self.assertEqual((event.company_id, record.company_id), (self.company_b, self.company_b))
        self.assertEqual(record.user_id, self.salesman_b)
        self.assertNotEqual(record.lead_id, lead_a, "leads of another company are not matched")
        self.assertEqual(record.lead_id.company_id, self.company_b)
        self.assertEqual(record.lead_id.user_id, self.salesman_b)
        self.assertFalse(self.CallRecord.with_user(self.manager_a).search([("id", "=", record.id)]))
        with self.assertRaises(AccessError):
            record.with_user(self.manager_a).read(["call_id"])
        self.assertFalse(self.Event.with_user(self.manager_a).search([("id", "=", event.id)]))
        self.assertEqual(self.CallRecord.with_user(self.salesman_b).search([("id", "=", record.id)]), record)

    def test_a_did_changing_hands_moves_the_next_calls(self):
        """The company of a DID is cached for the webhook: a new owner, or its owner moving to
        another company, is followed from the next call on."""
        did = "8011113333"
        self.salesman_did.mcube_virtual_number = did
        self.assertEqual(self.store(sample(HANGUP, callid="H-1", clicktocalldid=did))[0].company_id, self.company_a)
        self.salesman_did.mcube_virtual_number = False
        self.salesman_b.mcube_virtual_number = did
        self.assertEqual(self.store(sample(HANGUP, callid="H-2", clicktocalldid=did))[0].company_id, self.company_b)
        self.salesman_b.write({"company_ids": [Command.link(self.company_a.id)], "company_id": self.company_a.id})
        self.assertEqual(self.store(sample(HANGUP, callid="H-3", clicktocalldid=did))[0].company_id, self.company_a)

    def test_other_calls_stay_in_the_main_company(self):
        event = self.ingest(sample(HANGUP, callid="A-1", callto="9811122244"))
        self.assertEqual(event.company_id, self.company_a, "the DID of salesman_did, of the main company")
        self.assertEqual(event.call_record_id.lead_id.company_id, self.company_a)
        self.assertEqual(self.CallRecord.with_user(self.manager_a).search([("id", "=", event.call_record_id.id)]),
                         event.call_record_id)  # fmt: skip
        unknown = self.ingest(sample(HANGUP, callid="A-2", callto="9811122255", clicktocalldid="8000000000"))
        self.assertEqual(unknown.company_id, self.company_a, "no owner, no default salesperson: the main company")

    def test_default_salesperson_gives_the_company_and_is_used_in_it_only(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mcube_integration.default_user_id", self.salesman_b.id)
        event = self.ingest(sample(HANGUP, callid="D-1", callto="9811122266", clicktocalldid="", emp_phone=""))
        self.assertEqual(event.company_id, self.company_b)
        self.assertEqual(event.call_record_id.user_id, self.salesman_b)
        agent = self.ingest(
            sample(HANGUP, callid="D-2", callto="9811122277", clicktocalldid="8000000000", emp_phone="9123456780")
        )
        self.assertEqual(agent.company_id, self.company_b)
        self.assertEqual(agent.call_record_id.user_id, self.salesman_b, "the agent, of company A only, is not used")
