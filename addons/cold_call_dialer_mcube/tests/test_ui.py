import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged

from odoo.addons.bus.tests.common import WebsocketCase
from odoo.addons.cold_call_audio.tests.recording_server import RecordingServer
from odoo.addons.cold_call_audio.tests.speech import speak

from .common import API_TOKEN, WEBHOOK_TOKEN, BridgeFixturesMixin


@tagged("post_install", "-at_install")
class TestClickToCallUi(BridgeFixturesMixin, WebsocketCase):
    """A rep calls through MCUBE from the Dialer, and the call comes back live: the fake MCUBE
    answers the request, then posts the call's events to the real webhook. (WebsocketCase lets
    the browser hold its websocket, which Odoo refuses in tests otherwise.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()
        cls.rep.password = cls.rep.login
        tag = cls.env["res.partner.category"].create({"name": "Tour prospects"})
        cls.tour_alpha = cls.env["res.partner"].create(
            {"name": "Tour Alpha", "mobile": "+91 98450 77001", "country_id": cls.india.id, "category_id": tag.ids}
        )
        cls.make_filter("Tour prospects", [("category_id", "in", tag.ids)])
        # An admin's choice: an answered call suggests "Connected - Not Interested".
        cls.outcome("not_interested").mcube_statuses = "ANSWER"

    def wait_for(self, received, count=1):
        deadline = time.monotonic() + 60
        while len(received) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return len(received) >= count

    def process(self, response):
        """Run the job of an event the webhook stored, as the job runner would, and wake the
        rep's websocket: tests never commit, so PostgreSQL never notifies the bus."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mcube.event"].browse(response.json()["event_id"])._process()
        self.trigger_notification_dispatching([self.rep.partner_id])

    def mcube_answers_the_call(self):
        """MCUBE's side: once the Dialer's request is in, the call rings for two seconds, then
        ends after 42 s of talk. Each event goes through the webhook and its job (the test
        plays the job runner) and the bus pushes it to the rep's open Dialer."""
        if not self.wait_for(self.fake.requests):
            return
        refid = self.fake.requests[-1]["refid"]

        def ring(response):
            self.process(response)
            time.sleep(2)

        webhook = f"{self.base_url()}/mcube/webhook"
        hangup = self.fake.post_call_events(webhook, WEBHOOK_TOKEN, refid, duration=42, after_start=ring)[1]
        self.process(hangup)

    def mcube_rings_until_the_rep_hangs_up(self):
        """MCUBE's side: the call rings until the Dialer asks MCUBE to release it; then MCUBE
        reports the end of the call, with 9 s of talk."""
        if not self.wait_for(self.fake.requests):
            return

        def ring_until_released(response):
            self.process(response)
            self.wait_for(self.fake.releases)

        webhook = f"{self.base_url()}/mcube/webhook"
        refid = self.fake.requests[-1]["refid"]
        hangup = self.fake.post_call_events(webhook, WEBHOOK_TOKEN, refid, duration=9, after_start=ring_until_released)[
            1
        ]
        self.process(hangup)

    def mcube_fails_then_reports_it(self):
        """MCUBE answers HTTP 503; the call's "failed" update then reaches the rep's Dialer."""
        if self.wait_for(self.fake.requests):
            time.sleep(1)
            self.trigger_notification_dispatching([self.rep.partner_id])

    def mcube_answers_and_records_the_call(self):
        """MCUBE's side: a 7-second answered call whose recording is on the company's storage; the
        test plays the job runner for the events, the download and the transcript, each committed
        and pushed to the rep's open Dialer as the runner would."""
        if not self.wait_for(self.fake.requests):
            return
        webhook = f"{self.base_url()}/mcube/webhook"
        refid = self.fake.requests[-1]["refid"]
        url = self.storage.add("/rec/live.wav", self.spoken)
        hangup = self.fake.post_call_events(
            webhook, WEBHOOK_TOKEN, refid, duration=7, recording_url=url, after_start=self.process
        )[1]
        self.process(hangup)
        time.sleep(1)
        for step in ("_fetch_audio", "_transcribe"):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                record = env["mcube.call.record"].search([("refid", "=", refid)])
                getattr(record, step)()
            self.trigger_notification_dispatching([self.rep.partner_id])

    def test_the_recording_and_its_words_reach_the_call_screen_live(self):
        self.storage = self.enterContext(RecordingServer())
        self.spoken = speak("the price is too high")
        self.env.company.write(
            {
                "mcube_recording_storage": "store",
                "mcube_recording_transcribe": True,
                "mcube_recording_allow_http": True,
                "mcube_recording_trusted_networks": "127.0.0.1/32",
            }
        )
        self.env["cold.call.keyword"].search([]).active = False
        self.env["cold.call.keyword"].create(
            {"name": "Too expensive", "phrases": "too high", "outcome_id": self.outcome("callback").id}
        )
        mcube = threading.Thread(target=self.mcube_answers_and_records_the_call, daemon=True)
        mcube.start()
        self.start_tour("/web", "cold_call_dialer_mcube_recording", login=self.rep.login)
        mcube.join(10)
        log = self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertEqual(log.outcome_id, self.outcome("callback"))
        self.assertEqual(log.mcube_call_record_id.audio_state, "stored")

    def test_rep_calls_through_mcube_and_the_result_comes_back_live(self):
        mcube = threading.Thread(target=self.mcube_answers_the_call, daemon=True)
        mcube.start()
        self.start_tour("/web", "cold_call_dialer_mcube_click_to_call", login=self.rep.login)
        mcube.join(10)

        [request] = self.fake.requests
        self.assertEqual((request["exenumber"], request["custnumber"]), ("9123456780", "9845077001"))
        log = self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertEqual(len(log), 1)
        outcome = self.outcome("not_interested")
        self.assertRecordValues(log, [{"outcome_id": outcome.id, "duration": 42, "mcube_duration": 42}])
        record = log.mcube_call_record_id
        self.assertEqual((record.partner_id, record.user_id), (self.tour_alpha, self.rep))
        self.assertTrue(log.recording_url)
        # An outbound call to a known contact creates no lead.
        self.assertFalse(record.lead_id)
        self.assertFalse(self.env["crm.lead"].search([("partner_id", "=", self.tour_alpha.id)]))

    def test_hang_up_ends_the_call_through_mcube(self):
        mcube = threading.Thread(target=self.mcube_rings_until_the_rep_hangs_up, daemon=True)
        mcube.start()
        self.start_tour("/web", "cold_call_dialer_mcube_hang_up", login=self.rep.login)
        mcube.join(10)

        [request] = self.fake.requests
        [release] = self.fake.releases
        attempt = self.env["cold.call.mcube.attempt"].search([("refid", "=", request["refid"])])
        self.assertEqual(release, {"token": API_TOKEN, "callid": attempt.mcube_call_id})
        self.assertRecordValues(attempt, [{"state": "ended", "duration": 9}])

    def test_the_rep_reads_why_mcube_failed(self):
        self.fake.mode = "server_error"
        mcube = threading.Thread(target=self.mcube_fails_then_reports_it, daemon=True)
        mcube.start()
        self.start_tour("/web", "cold_call_dialer_mcube_failure", login=self.rep.login)
        mcube.join(10)
        attempt = self.env["cold.call.mcube.attempt"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertEqual(attempt.state, "failed")


@tagged("post_install", "-at_install")
class TestDashboardHealthUi(BridgeFixturesMixin, HttpCase):
    """A Dialer manager sees on the dashboard that MCUBE's calls arrive, and why they need attention."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()

    def test_manager_sees_the_mcube_status(self):
        self.env.company.write({"name": "Health Co", "mcube_alert_failures": 1})
        self.manager.password = self.manager.login
        self.env["mcube.metric"]._count_webhook(202, self.env.company.id, "accepted")
        self.env["mcube.event"].search([]).unlink()
        self.env["mcube.event"].create(
            {"call_id": "health-1", "phase": "start", "company_id": self.env.company.id, "state": "failed"}
        )
        self.start_tour(
            "/web#action=cold_call_dialer.cold_call_dashboard_action",
            "cold_call_dialer_mcube_health",
            login=self.manager.login,
        )
