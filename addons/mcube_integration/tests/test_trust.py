import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from ..tools.payload import parse
from .common import TOKEN, McubeCase, sample

HANGUP = "inbound_answered_hangup"


@tagged("post_install", "-at_install")
class TestRouting(McubeCase, TransactionCase):
    """Calls go where the configuration says, never where a rep's typing says."""

    def test_a_phone_typed_on_a_reps_contact_takes_no_call(self):
        claimer = new_test_user(self.env, login="mcube_claimer", groups="sales_team.group_sale_salesman")
        claimer.partner_id.with_user(claimer).write({"phone": "+91 91234 56781", "mobile": "+91 91234 56782"})
        for index, agent in enumerate(("9123456781", "9123456782")):
            event = self.ingest(
                sample(
                    HANGUP,
                    callid=f"CLAIM-{index}",
                    callto=f"98111000{index}9",
                    clicktocalldid="8000000000",
                    emp_phone=agent,
                )
            )
            self.assertNotEqual(event.call_record_id.user_id, claimer)
            self.assertNotEqual(event.call_record_id.lead_id.user_id, claimer)
        # The executive number, which only administrators and sales managers set, does.
        claimer.with_user(self.manager).mcube_executive_number = "9123456781"
        event = self.ingest(
            sample(HANGUP, callid="CLAIM-2", callto="9811100029", clicktocalldid="8000000000", emp_phone="9123456781")
        )
        self.assertEqual(event.call_record_id.user_id, claimer)

    def test_a_lead_created_later_never_takes_a_caller(self):
        customer = self.env["crm.lead"].create({"name": "The customer's lead", "phone": "9811133333"})
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=30), customer.id],
        )
        customer.invalidate_recordset()
        claimer = new_test_user(self.env, login="mcube_lead_claimer", groups="sales_team.group_sale_salesman")
        claim = self.env["crm.lead"].with_user(claimer).create({"name": "Mine now", "phone": "+91 98111 33333"})
        event = self.ingest(
            sample(HANGUP, callid="LEAD-1", callto="9811133333", clicktocalldid="8000000000", emp_phone="")
        )
        self.assertEqual(event.call_record_id.lead_id, customer, "the oldest open lead")
        self.assertFalse(self.CallRecord.with_user(claimer).search([("id", "=", event.call_record_id.id)]))
        # The DID owner's open lead comes first.
        own = self.env["crm.lead"].create(
            {"name": "Dee's lead", "phone": "9811133333", "user_id": self.salesman_did.id}
        )
        event = self.ingest(sample(HANGUP, callid="LEAD-2", callto="9811133333"))
        self.assertEqual(event.call_record_id.lead_id, own)
        self.assertNotIn(claim, (event.call_record_id.lead_id,))

    def test_sales_managers_set_numbers_of_their_own_companies_only(self):
        other = self.env["res.company"].create({"name": "MCUBE elsewhere"})
        manager_b = new_test_user(
            self.env,
            login="mcube_manager_b",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        for fname in ("mcube_virtual_number", "mcube_executive_number"):
            with self.assertRaisesRegex(AccessError, "your companies"):
                self.salesman_did.with_user(manager_b).write({fname: "8011119999"})
        self.assertEqual(self.salesman_did.mcube_virtual_number, "+918045678901")
        user_b = new_test_user(
            self.env, login="mcube_user_b", company_id=other.id, company_ids=[Command.set(other.ids)]
        )
        user_b.with_user(manager_b).mcube_virtual_number = "8011119999"
        self.assertEqual(user_b.mcube_virtual_number, "+918011119999")


@tagged("post_install", "-at_install")
class TestLookups(McubeCase, TransactionCase):
    """Looking a caller up answers with what the user may read, and tells nothing of the rest."""

    def test_the_pop_up_button_never_opens_or_names_a_hidden_lead(self):
        hidden = self.env["crm.lead"].create(
            {"name": "Hidden deal", "phone": "9811144444", "user_id": self.salesman_other.id}
        )
        salesman = self.salesman_did.with_user(self.salesman_did)
        self.assertFalse(self.env["crm.lead"].with_user(self.salesman_did).search([("id", "=", hidden.id)]))
        action = self.env["crm.lead"].with_user(self.salesman_did).mcube_open_caller("9811144444")
        self.assertNotEqual(action["res_id"], hidden.id)
        self.assertEqual(self.env["crm.lead"].browse(action["res_id"]).user_id, salesman)
        for outsider in (
            new_test_user(self.env, login="mcube_lookup_portal", groups="base.group_portal"),
            new_test_user(self.env, login="mcube_lookup_employee", groups="base.group_user"),
        ):
            with self.assertRaises(AccessError):
                self.env["crm.lead"].with_user(outsider).mcube_open_caller("9811144444")

    def test_the_pop_up_names_only_what_its_salesperson_may_read(self):
        self.env["crm.lead"].create({"name": "Hidden deal", "phone": "9876543210", "user_id": self.salesman_other.id})
        account = self.env["res.company"]._mcube_account(TOKEN)
        self.env["crm.lead"]._mcube_pop_up(parse(sample("inbound_call_start", callid="POP-H")), account)
        channel = json_dump(channel_with_db(self.env.cr.dbname, self.salesman_did.partner_id))
        [payload] = [
            json.loads(bus.message)["payload"] for bus in self.env["bus.bus"].search([("channel", "=", channel)])
        ]
        self.assertEqual((payload["number"], payload["lead"]), ("+919876543210", False))
