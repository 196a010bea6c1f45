from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TOKEN, McubeCase, sample

HANGUP = "inbound_answered_hangup"
TOKEN_B = "token-of-company-b-7a19e2"


@tagged("post_install", "-at_install")
class TestCompany(McubeCase, TransactionCase):
    """A call belongs to the company whose MCUBE account sent it (the webhook token): its lead
    is made there, its salesperson is one of that company's users, with that company's
    settings, and users of other companies do not see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create(
            {"name": "MCUBE B", "country_id": cls.env.ref("base.in").id, "mcube_webhook_token": TOKEN_B}
        )
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

    def test_a_call_of_company_bs_account_is_made_in_company_b(self):
        lead_a = self.env["crm.lead"].create({"name": "Same number in A", "phone": "9811122233"})
        self.assertEqual(lead_a.company_id, self.company_a)
        event = self.ingest(
            sample(HANGUP, callid="B-1", callto="9811122233", clicktocalldid="8011112222"), token=TOKEN_B
        )
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

    def test_a_did_of_another_company_never_moves_a_call(self):
        """Only the token says the company: a DID owned by a user of company B, however it got
        there, does not bring company A's calls, leads or recordings to B."""
        event = self.ingest(sample(HANGUP, callid="A-1", callto="9811122244", clicktocalldid="8011112222"))
        record = event.call_record_id
        self.assertEqual((event.company_id, record.company_id), (self.company_a, self.company_a))
        self.assertNotEqual(record.user_id, self.salesman_b)
        self.assertEqual(record.lead_id.company_id, self.company_a)
        self.assertEqual(self.CallRecord.with_user(self.manager_a).search([("id", "=", record.id)]), record)

    def test_each_company_has_its_own_token(self):
        self.assertEqual(self.store(sample(HANGUP, callid="T-1"))[0].company_id, self.company_a)
        self.assertEqual(self.store(sample(HANGUP, callid="T-2"), token=TOKEN_B)[0].company_id, self.company_b)
        self.assertIsNone(self.env["res.company"]._mcube_account(TOKEN + TOKEN_B))
        self.assertIsNone(self.env["res.company"]._mcube_account(""))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.company_b.mcube_webhook_token = TOKEN
        # A new token is followed at once (the accounts are cached for the webhook).
        self.company_b.mcube_webhook_token = "token-b-renewed"
        self.assertIsNone(self.env["res.company"]._mcube_account(TOKEN_B))
        self.assertEqual(self.env["res.company"]._mcube_account("token-b-renewed").company_id, self.company_b.id)

    def test_each_company_has_its_own_defaults_and_time_zone(self):
        self.company_b.write({"mcube_default_user_id": self.salesman_b.id, "mcube_timezone": "Europe/Brussels"})
        event = self.ingest(
            sample(HANGUP, callid="D-1", callto="9811122266", clicktocalldid="", emp_phone=""), token=TOKEN_B
        )
        self.assertEqual(event.call_record_id.user_id, self.salesman_b)
        self.assertEqual(str(event.call_record_id.call_date), "2025-11-13 13:30:05")
        other = self.ingest(sample(HANGUP, callid="D-2", callto="9811122277", clicktocalldid="", emp_phone=""))
        self.assertFalse(other.call_record_id.user_id, "company A has no default salesperson")
        self.assertEqual(str(other.call_record_id.call_date), "2025-11-13 09:00:05")
        # The agent, of company A only, is never taken for company B's calls.
        agent = self.ingest(
            sample(HANGUP, callid="D-3", callto="9811122288", clicktocalldid="8000000000", emp_phone="9123456780"),
            token=TOKEN_B,
        )
        self.assertEqual(agent.call_record_id.user_id, self.salesman_b)

    def test_defaults_of_another_company_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot take"), self.cr.savepoint():
            self.company_a.mcube_default_user_id = self.salesman_b
        team_b = self.env["crm.team"].create({"name": "Team B", "company_id": self.company_b.id})
        with self.assertRaisesRegex(ValidationError, "is not"), self.cr.savepoint():
            self.company_a.mcube_default_team_id = team_b
        self.assertFalse(self.company_a.mcube_default_user_id or self.company_a.mcube_default_team_id)
