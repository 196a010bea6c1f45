from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import McubeCase, sample

HANGUP = "inbound_answered_hangup"
RECORDING = sample(HANGUP)["filename"]


@tagged("post_install", "-at_install")
class TestRedelivery(McubeCase, TransactionCase):
    """MCUBE may send a phase again with values it lacked the first time (a recording
    known later): they fill the blanks of the call; a plain replay stores nothing."""

    def test_redelivery_is_stored_as_the_next_delivery_only_when_it_brings_more(self):
        first, outcome = self.store(sample(HANGUP, filename="", refid=""))
        self.assertEqual((outcome, first.delivery), ("accepted", 1))
        for replay in (sample(HANGUP, filename=""), sample(HANGUP, filename="", agentname="Other", refid="")):
            again, outcome = self.store(replay)
            self.assertEqual((outcome, again), ("duplicate", first), "nothing the first delivery lacked")
        second, outcome = self.store(sample(HANGUP))
        self.assertEqual((outcome, second.delivery), ("updated", 2))
        self.assertEqual(second.display_name, "MC-20251113-000123/hangup (2)")
        again, outcome = self.store(sample(HANGUP))
        self.assertEqual((outcome, again), ("duplicate", first), "the recording is stored already")
        third, outcome = self.store(sample(HANGUP, refid="dialer-7"))
        self.assertEqual((outcome, third.delivery), ("updated", 3))
        self.assertEqual(self.Event.search_count([("call_id", "=", "MC-20251113-000123")]), 3)

    def test_redelivery_processed_first_fills_blanks_and_the_first_still_merges(self):
        with trap_jobs():
            first, _outcome = self.store(sample(HANGUP, filename="", agentname="Priya Sharma"))
            second, _outcome = self.store(sample(HANGUP, agentname="Someone Else"))
        second._process()
        first._process()
        record = self.record_of("MC-20251113-000123")
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertEqual(record.recording_url, RECORDING)
        self.assertEqual(record.agent_name, "Priya Sharma", "the first delivery's hangup is the final word")
        self.assertEqual(record.event_ids, first | second)
        notes = record.lead_id.message_ids.filtered(lambda m: "MC-20251113-000123" in (m.body or ""))
        self.assertEqual(len(notes), 1)

    def test_redelivery_of_the_start_only_fills_blanks(self):
        self.ingest(sample("inbound_call_start", groupname=""))
        record = self.record_of("MC-20251113-000123")
        self.ingest(sample("inbound_call_start", groupname="Support", agentname="Someone Else"))
        self.assertEqual((record.group_name, record.agent_name), ("Support", "Priya Sharma"))
        self.assertEqual(record.state, "ongoing")
