from odoo.tests import HttpCase, tagged

from .common import API_TOKEN, WEBHOOK_TOKEN, BridgeFixturesMixin


@tagged("post_install", "-at_install")
class TestEndToEnd(BridgeFixturesMixin, HttpCase):
    """The fake MCUBE as the lead's tour uses it: the Dialer's request reaches it, and the call's
    events it posts go through the real webhook and its jobs to the rep's attempt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()

    def test_click_to_call_then_mcube_events_through_the_webhook(self):
        self.assertEqual(self.env.company.mcube_api_token, API_TOKEN)
        result = self.place_call()
        attempt = self.attempt(result)
        responses = self.fake.post_call_events(
            f"{self.base_url()}/mcube/webhook", WEBHOOK_TOKEN, result["refid"], status="NoAnswer", duration=0
        )
        self.assertEqual([response.status_code for response in responses], [202, 202])
        events = self.env["mcube.event"].browse([response.json()["event_id"] for response in responses])
        for event in events:
            event._process()
        self.assertEqual(events.mapped("state"), ["done", "done"])
        self.assertRecordValues(attempt, [{"state": "ended", "mcube_status": "NoAnswer", "duration": 0}])
        self.assertEqual(attempt.call_record_id.partner_id, self.alpha)
        self.assertFalse(attempt.call_record_id.lead_id)
        self.assertEqual(self.bus_payloads(self.rep)[-1]["suggested_outcome"], "no_answer")
