import json

from odoo.tests import HttpCase, tagged

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from .common import TOKEN, McubeCase, sample

WEBHOOK = "/mcube/webhook"
START = "inbound_call_start"


@tagged("post_install", "-at_install")
class TestIncomingCall(McubeCase, HttpCase):
    """An inbound call pops up on its salesperson's screen as soon as the webhook has stored it."""

    def post(self, payload):
        headers = {"Content-Type": "application/json", "X-MCUBE-Token": TOKEN}
        return self.url_open(WEBHOOK, data=json.dumps(payload), headers=headers)

    def process(self, call_id):
        """Run the jobs of a call's events, as the job runner would."""
        for event in self.env["mcube.event"].search([("call_id", "=", call_id)], order="id"):
            event._process()

    def popups(self, user):
        channel = json_dump(channel_with_db(self.env.cr.dbname, user.partner_id))
        messages = [json.loads(bus.message) for bus in self.env["bus.bus"].search([("channel", "=", channel)])]
        return [m["payload"] for m in messages if m["type"] == "mcube_integration/incoming_call"]

    def test_the_did_owner_gets_the_caller_before_any_job_ran(self):
        contact = self.env["res.partner"].create({"name": "Asha Caller", "mobile": "9876543210"})
        self.assertEqual(self.post(sample(START, callid="POP-1")).status_code, 202)
        # Nothing processed yet: the pop-up does not wait for the queue.
        self.assertFalse(self.env["mcube.call.record"].search([("call_id", "=", "POP-1")]))
        [popup] = self.popups(self.salesman_did)
        self.assertEqual(
            popup,
            {
                "call_id": "POP-1",
                "state": "ringing",
                "number": "+919876543210",
                "name": "Asha Caller",
                "company": False,
                "lead": False,
                "partner": {"id": contact.id},
            },
        )
        for other in (self.salesman_agent, self.salesman_other, self.manager):
            self.assertFalse(self.popups(other), other.login)

    def test_a_known_lead_is_named_and_replays_hangups_and_outbound_calls_do_not_pop_up(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "contact_name": "Ravi Buyer",
                "partner_name": "Deccan Traders",
                "phone": "+91 98765 43211",
                "user_id": self.salesman_did.id,
            }
        )
        self.post(sample(START, callid="POP-2", callto="9876543211"))
        [popup] = self.popups(self.salesman_did)
        # The person and their company, never the opportunity's title.
        self.assertEqual(
            (popup["lead"], popup["name"], popup["company"]), ({"id": lead.id}, "Ravi Buyer", "Deccan Traders")
        )
        self.post(sample(START, callid="POP-2", callto="9876543211"))  # a replay
        self.post(sample(START, callid="POP-3", direction="outbound"))
        self.post(sample("inbound_answered_hangup", callid="POP-2", callto="9876543211"))
        self.assertEqual(len(self.popups(self.salesman_did)), 1)
        # The job that merges the call's end closes the pop-up: a message naming nobody.
        self.process("POP-2")
        self.assertEqual(self.popups(self.salesman_did)[1:], [{"call_id": "POP-2", "state": "ended"}])

    def test_a_missed_call_turns_its_pop_up_into_a_missed_one(self):
        company = self.env["res.partner"].create({"name": "Kaveri Mills", "is_company": True})
        self.env["res.partner"].create({"name": "Asha Caller", "mobile": "9876543212", "parent_id": company.id})
        self.post(sample(START, callid="POP-7", callto="9876543212"))
        self.post(sample("outbound_noanswer", callid="POP-7", callto="9876543212", direction="inbound"))
        self.process("POP-7")
        ringing, missed = self.popups(self.salesman_did)
        self.assertEqual((ringing["state"], missed["state"]), ("ringing", "missed"))
        self.assertEqual(
            (missed["call_id"], missed["name"], missed["company"]), ("POP-7", "Asha Caller", "Kaveri Mills")
        )

    def test_the_page_knows_which_pop_ups_came_before_it(self):
        self.post(sample(START, callid="POP-8"))
        self.authenticate("mcube_did", "mcube_did")
        info = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"params": {}}),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertGreaterEqual(info["mcube_bus_id"], self.env["bus.bus"].search([], order="id desc", limit=1).id)

    def test_the_agent_phone_gets_it_when_the_did_is_nobodys(self):
        self.post(sample(START, callid="POP-5", clicktocalldid="8000000000"))
        self.assertEqual(len(self.popups(self.salesman_agent)), 1)

    def test_create_the_lead_from_the_popup_once(self):
        lead_model = self.env["crm.lead"].with_user(self.salesman_did)
        action = lead_model.mcube_open_caller("+919876543299")
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual((lead.user_id, lead.phone), (self.salesman_did, "+919876543299"))
        self.assertEqual(lead_model.mcube_open_caller("09876543299")["res_id"], lead.id)
        # The call's own processing then finds that lead instead of creating another.
        self.post(sample(START, callid="POP-6", callto="9876543299"))
        event = self.env["mcube.event"].search([("call_id", "=", "POP-6")])
        event._process()
        self.assertEqual(self.env["mcube.call.record"].search([("call_id", "=", "POP-6")]).lead_id, lead)
