from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import McubeCase, sample

HANGUP = "inbound_answered_hangup"
START = "inbound_call_start"


@tagged("post_install", "-at_install")
class TestBatch(McubeCase, TransactionCase):
    """Events processed by one batch job, together: the same calls, leads, salespeople and
    notes as one at a time, and a failing event still fails alone."""

    def setUp(self):
        super().setUp()
        self.env.company.mcube_batch_jobs = 1

    def run_batch(self, *payloads):
        with trap_jobs() as trap:
            events = [self.store(payload)[0] for payload in payloads]
            self.assertEqual({event.batch for event in events}, {0})
            trap.perform_enqueued_jobs()
        self.Event.invalidate_model()
        return events

    def notes(self, lead):
        return lead.message_ids.filtered(lambda message: "MCUBE call" in (message.body or ""))

    def test_a_new_event_holds_the_waiting_job_until_it_is_committed(self):
        """The job cannot start, and miss the event, before the webhook's transaction ends."""
        first, _outcome = self.store(sample(START))
        job = self.env["queue.job"].search([("identity_key", "=", self.batch_key(first))])
        self.assertEqual(job.state, "pending")

        def locker():
            self.env.cr.execute("SELECT xmax::text FROM queue_job WHERE id = %s", [job.id])
            return self.env.cr.fetchone()[0]

        self.assertEqual(locker(), "0", "enqueued in this transaction, not locked yet")
        second, outcome = self.store(sample(HANGUP))
        self.assertEqual(outcome, "accepted")
        self.assertNotEqual(locker(), "0", "locked FOR SHARE by the new event's transaction")
        jobs = self.env["queue.job"].search([("identity_key", "=", self.batch_key(second))])
        self.assertEqual(jobs, job, "the waiting job takes the new event: no second job")

    def test_a_batch_assigns_like_one_at_a_time(self):
        known = self.env["crm.lead"].create({"name": "Known", "phone": "9876500001", "user_id": False})
        partner = self.env["res.partner"].create({"name": "Asha Rao", "mobile": "+91 98555 12345"})
        self.salesman_other.mcube_executive_number = "9812300000"
        events = self.run_batch(
            sample(HANGUP, callid="K-1", callto="9876500001"),
            sample(HANGUP, callid="K-2", callto="+91 98765 00001", clicktocalldid="8000000000"),
            sample(HANGUP, callid="N-1", callto="9866600001"),
            sample(HANGUP, callid="N-2", callto="09866600001", clicktocalldid="8000000000", emp_phone="9812300000"),
            sample(HANGUP, callid="P-1", callto="9855512345", clicktocalldid="", emp_phone="9812300000"),
            sample("outbound_noanswer", callid="O-1", callto="9866600002"),
        )
        self.assertEqual({event.state for event in events}, {"done"})
        record = {call_id: self.record_of(call_id) for call_id in ("K-1", "K-2", "N-1", "N-2", "P-1", "O-1")}
        self.assertEqual((record["K-1"].lead_id, record["K-2"].lead_id), (known, known))
        self.assertEqual(known.user_id, self.salesman_did, "the lead's owner comes from its first call")
        self.assertEqual(record["K-2"].user_id, self.salesman_agent, "unknown DID: the agent's phone")
        new_lead = record["N-1"].lead_id
        self.assertTrue(new_lead)
        self.assertEqual(record["N-2"].lead_id, new_lead, "two calls from one new number make one lead")
        self.assertEqual(self.env["crm.lead"].search_count([("phone", "=", "+919866600001")]), 1)
        self.assertEqual(new_lead.name, "Inbound call from +919866600001")
        self.assertEqual(new_lead.user_id, self.salesman_did)
        self.assertEqual(record["N-2"].user_id, self.salesman_other, "executive number")
        self.assertEqual((record["P-1"].lead_id.partner_id, record["P-1"].partner_id), (partner, partner))
        self.assertEqual(record["P-1"].lead_id.name, "Inbound call from Asha Rao")
        self.assertEqual(record["P-1"].user_id, self.salesman_other)
        self.assertTrue(record["O-1"].lead_id.name.startswith("Outbound call to"))
        self.assertEqual(new_lead.mcube_call_count, 2)
        self.assertEqual(new_lead.mcube_last_call_date, max(record["N-1"].call_date, record["N-2"].call_date))

        known_notes = self.notes(known)
        self.assertEqual(len(known_notes), 1, "one note per lead for the calls of a batch")
        self.assertIn("K-1", known_notes.body)
        self.assertIn("K-2", known_notes.body)
        self.assertEqual(known_notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(known_notes.message_type, "comment")
        self.assertEqual(len(self.notes(record["P-1"].lead_id)), 1)

    def test_start_and_hangup_in_one_batch_in_either_order(self):
        self.run_batch(sample(HANGUP, callid="S-1"), sample(START, callid="S-1"))
        record = self.record_of("S-1")
        self.assertEqual((record.state, record.duration, len(record.event_ids)), ("completed", 182, 2))
        self.assertEqual(len(self.notes(record.lead_id)), 1)

    def test_an_event_failing_after_the_merge_fails_alone(self):
        """An error in the grouped part (lead, note) undoes the whole batch's work, then each
        event runs alone: only the one that fails is failed, with nothing half-made."""
        poisoned = self.env["crm.lead"].create({"name": "Poisoned", "phone": "9877700001"})
        real_log = type(self.env["crm.lead"])._message_log_batch

        def log(leads, bodies, **kwargs):
            if poisoned in leads:
                raise ValueError("cannot log on this lead")
            return real_log(leads, bodies, **kwargs)

        with (
            patch.object(type(self.env["crm.lead"]), "_message_log_batch", log),
            mute_logger("odoo.addons.mcube_integration.models.mcube_event"),
        ):
            events = self.run_batch(
                sample(HANGUP, callid="G-1", callto="9877700002"),
                sample(HANGUP, callid="G-2", callto="9877700001"),
                sample(HANGUP, callid="G-3", callto="9877700003"),
            )
        self.assertEqual([event.state for event in events], ["done", "pending", "done"])
        self.assertEqual(events[1].auto_retries, 1, "retried automatically later")
        self.assertIn("cannot log on this lead", events[1].last_error)
        self.assertFalse(self.record_of("G-2"), "the failed event's call record was undone")
        self.assertFalse(self.notes(poisoned))
        for call_id in ("G-1", "G-3"):
            self.assertEqual(len(self.notes(self.record_of(call_id).lead_id)), 1, call_id)
