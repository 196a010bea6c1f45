import json
from datetime import datetime, timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.mcube_integration.tools.payload import parse
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ALPHA_NUMBER, INDIA, REP_EXECUTIVE, WEBHOOK_TOKEN, BridgeFixturesMixin


@tagged("post_install", "-at_install")
class TestJoin(BridgeFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()

    def leads(self):
        return self.env["crm.lead"].with_context(active_test=False).search_count([])

    def age(self, attempt, minutes):
        """Make an attempt look requested ``minutes`` ago."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE cold_call_mcube_attempt SET create_date = create_date - %s WHERE id = %s",
                timedelta(minutes=minutes),
                attempt.id,
            )
        )
        attempt.invalidate_recordset()

    def test_events_join_the_attempt_by_refid(self):
        leads = self.leads()
        attempt = self.attempt(self.place_call())
        record = self.ingest(self.event_payload(attempt))
        self.assertEqual(attempt.call_record_id, record)
        self.assertEqual((attempt.state, attempt.mcube_call_id), ("ringing", record.call_id))
        self.assertEqual((record.partner_id, record.user_id), (self.alpha, self.rep))

        record = self.ingest(self.event_payload(attempt, "hangup", status="ANSWER", duration=42))
        self.assertRecordValues(
            attempt,
            [
                {
                    "call_record_id": record.id,
                    "state": "ended",
                    "duration": 42,
                    "recording_url": "https://recordings.example.com/call.wav",
                    "mcube_status": "ANSWER",
                }
            ],
        )
        self.assertEqual(record.state, "completed")
        self.assertEqual(self.env["cold.call.mcube.attempt"].search([("call_record_id", "=", record.id)]), attempt)
        # An outbound call to a known contact is the contact's: no lead.
        self.assertFalse(record.lead_id)
        self.assertEqual((record.partner_id, record.user_id), (self.alpha, self.rep))
        self.assertEqual(self.leads(), leads)

        payloads = self.bus_payloads(self.rep)
        self.assertEqual([payload["state"] for payload in payloads], ["ringing", "ended"])
        self.assertEqual(
            payloads[-1],
            {
                "attempt_id": attempt.id,
                "refid": attempt.refid,
                "partner_id": self.alpha.id,
                "state": "ended",
                "duration": 42,
                "recording_url": "https://recordings.example.com/call.wav",
                "audio": False,
                "mcube_status": "ANSWER",
                "error": False,
                "suggested_outcome": False,
            },
        )
        self.assertFalse(self.bus_payloads(self.rep_two))

    def test_missed_call_suggests_no_answer(self):
        for status in ("NoAnswer", "Busy", "Executive Busy", "CANCEL"):
            with self.subTest(status=status):
                attempt = self.attempt(self.place_call())
                self.ingest(self.event_payload(attempt, "hangup", status=status))
                self.assertEqual((attempt.state, attempt.mcube_status), ("ended", status))
                self.assertEqual(self.bus_payloads(self.rep)[-1]["suggested_outcome"], "no_answer")

    def test_hangup_first_then_late_start_never_moves_back(self):
        attempt = self.attempt(self.place_call())
        self.ingest(self.event_payload(attempt, "hangup", status="ANSWER", duration=42))
        self.ingest(self.event_payload(attempt, dialstatus="Ringing"))
        self.assertEqual((attempt.state, attempt.duration), ("ended", 42))

    def test_start_event_with_talk_time_is_connected(self):
        attempt = self.attempt(self.place_call())
        self.ingest(self.event_payload(attempt, answeredtime=5))
        self.assertEqual(attempt.state, "connected")

    def test_events_without_refid_join_by_numbers_within_the_window(self):
        leads = self.leads()
        old = self.attempt(self.place_call())
        self.age(old, 45)
        recent = self.attempt(self.place_call())
        self.age(recent, 10)
        record = self.ingest(self.event_payload(recent, refid=""))
        self.assertEqual(recent.call_record_id, record)
        self.assertFalse(old.call_record_id)
        self.assertEqual(record.partner_id, self.alpha)
        self.assertEqual(self.leads(), leads)
        # The joined attempt is taken: the next call between the numbers finds only the old one,
        # out of the window, and is assigned like any call (a lead for the number).
        other = self.ingest(self.event_payload(recent, refid="", callid="MC-TEST-OTHER"))
        self.assertFalse(self.env["cold.call.mcube.attempt"].search([("call_record_id", "=", other.id)]))
        self.assertTrue(other.lead_id)
        self.assertEqual(self.leads(), leads + 1)

    def test_inbound_call_from_the_contact_does_not_join(self):
        attempt = self.attempt(self.place_call())
        record = self.ingest(self.event_payload(attempt, refid="", direction="inbound"))
        self.assertFalse(attempt.call_record_id)
        self.assertEqual(attempt.state, "requested")
        self.assertTrue(record.lead_id)

    def test_failed_attempt_joins_by_refid_only(self):
        self.use_mode("server_error")
        attempt = self.attempt(self.place_call())
        self.ingest(self.event_payload(attempt, refid=""))
        self.assertFalse(attempt.call_record_id)
        # A request that failed on our side may still have rung: MCUBE's refid says so.
        self.ingest(self.event_payload(attempt, callid="MC-TEST-LATE"))
        self.assertEqual(attempt.state, "ringing")
        self.assertTrue(attempt.error)

    def test_our_unknown_refid_waits_for_the_dialer_request(self):
        """A recent call with a refid of ours but no attempt yet: the request that placed it is
        not committed; its job is retried rather than making a lead. An old one is assigned."""
        payload = self.event_payload(refid="ccd-0123456789abcdef", callid="MC-TEST-EARLY")
        account = self.env["res.company"]._mcube_account(WEBHOOK_TOKEN)
        with trap_jobs():
            event, _outcome = self.env["mcube.event"]._ingest(
                parse(payload), json.dumps(payload), "application/json", {}, "127.0.0.1", account
            )
        with self.assertRaises(RetryableJobError):
            event._process()
        self.assertEqual(event.state, "pending")

        started = datetime.now(INDIA).replace(tzinfo=None) - timedelta(hours=1)
        record = self.ingest(self.event_payload(refid="ccd-fedcba9876543210", callid="MC-TEST-OLD", started=started))
        self.assertTrue(record.lead_id)
        self.assertEqual(record.phone_number, ALPHA_NUMBER)
        self.assertEqual(record.agent_phone, REP_EXECUTIVE)
