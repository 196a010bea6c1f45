import ast
from datetime import datetime
from unittest.mock import patch

import psycopg2
from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import AGENT_PHONE, DID, McubeCase, sample

HANGUP = "inbound_answered_hangup"
START = "inbound_call_start"


@tagged("post_install", "-at_install")
class TestProcessing(McubeCase, TransactionCase):
    def test_hangup_creates_record_and_lead(self):
        event = self.ingest(sample(HANGUP))
        record = self.record_of("MC-20251113-000123")
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempts, 1)
        self.assertEqual(event.call_record_id, record)
        self.assertEqual(record.state, "completed")
        self.assertEqual(record.phone_number, "+919876543210")
        self.assertEqual(record.virtual_number, DID)
        self.assertEqual(record.agent_phone, AGENT_PHONE)
        self.assertEqual(record.status, "answered")
        self.assertEqual(record.raw_status, "ANSWER")
        self.assertEqual(record.duration, 182)
        self.assertEqual(record.duration_display, "0:03:02")
        self.assertEqual(record.direction, "inbound")
        self.assertEqual(record.call_date, datetime(2025, 11, 13, 9, 0, 5))  # 14:30:05 in Kolkata
        self.assertEqual(record.end_date, datetime(2025, 11, 13, 9, 3, 7))
        self.assertTrue(record.recording_url.startswith("https://"))
        self.assertEqual(record.user_id, self.salesman_did)
        lead = record.lead_id
        self.assertEqual(lead.name, "Inbound call from +919876543210")
        self.assertEqual(lead.phone, "+919876543210")
        self.assertEqual(lead.user_id, self.salesman_did)
        self.assertEqual(lead.mcube_call_count, 1)
        self.assertEqual(lead.mcube_last_call_date, record.call_date)
        note = lead.message_ids.filtered(lambda m: "MC-20251113-000123" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("0:03:02", note.body)
        self.assertIn("Priya Sharma", note.body)
        # The lead's readers get the call record, where only its salesperson and managers hear it.
        self.assertIn(f'data-oe-model="mcube.call.record" data-oe-id="{record.id}"', note.body)
        self.assertNotIn(record.recording_url, note.body)

    def test_start_then_hangup_merge(self):
        self.ingest(sample(START))
        record = self.record_of("MC-20251113-000123")
        self.assertEqual(record.state, "ongoing")
        self.assertFalse(record.status)
        lead = record.lead_id
        self.assertTrue(lead)
        self.assertFalse(lead.message_ids.filtered(lambda m: "MC-20251113-000123" in (m.body or "")))
        self.ingest(sample(HANGUP))
        self.assertEqual(len(self.record_of("MC-20251113-000123")), 1)
        self.assertEqual(record.state, "completed")
        self.assertEqual(record.status, "answered")
        self.assertEqual(record.duration, 182)
        self.assertEqual(record.lead_id, lead)
        self.assertEqual(len(record.event_ids), 2)
        self.assertEqual(len(lead.message_ids.filtered(lambda m: "MC-20251113-000123" in (m.body or ""))), 1)

    def test_hangup_then_late_start_moves_nothing_backwards(self):
        self.ingest(sample(HANGUP))
        record = self.record_of("MC-20251113-000123")
        final_fields = ["state", "status", "raw_status", "duration", "end_date", "recording_url", "lead_id"]
        before = record.read(final_fields)
        self.ingest(sample(START, agentname="Someone Else", dialstatus="Ringing"))
        self.assertEqual(record.read(final_fields), before)
        self.assertEqual(record.agent_name, "Priya Sharma")
        self.assertEqual(len(record.event_ids), 2)
        self.assertEqual(len(record.lead_id.message_ids.filtered(lambda m: "MC-20251113-000123" in (m.body or ""))), 1)

    def test_replayed_delivery_is_stored_once(self):
        first = self.ingest(sample(HANGUP))
        with trap_jobs() as trap:
            again, outcome = self.store(sample(HANGUP, agentname="Someone Else"))
            trap.assert_jobs_count(0)
        self.assertEqual(outcome, "duplicate")
        self.assertEqual(again, first)
        self.assertEqual(self.Event.search_count([("call_id", "=", "MC-20251113-000123")]), 1)

    def test_processing_twice_changes_nothing(self):
        event = self.ingest(sample(HANGUP))
        record = event.call_record_id
        messages = len(record.lead_id.message_ids)
        event._process()
        self.assertEqual(event.attempts, 1)
        self.assertEqual(len(record.lead_id.message_ids), messages)
        self.assertEqual(self.CallRecord.search_count([("call_id", "=", "MC-20251113-000123")]), 1)

    def test_new_events_go_to_the_batch_job_of_their_call(self):
        with trap_jobs() as trap:
            start, outcome = self.store({"callid": "J-1"})
            hangup, _outcome = self.store({"callid": "J-1", "endtime": "2025-11-13 10:00:00"})
            self.assertEqual(outcome, "accepted")
            self.assertEqual(start.batch, hangup.batch, "a call's events are processed in order, by one job")
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                self.Event._process_batch,
                args=(start.company_id.id, start.batch),
                properties={
                    "channel": "root.mcube",
                    "identity_key": self.batch_key(start),
                },
            )
            trap.perform_enqueued_jobs()
        self.assertEqual((start.state, hangup.state), ("done", "done"))
        self.assertEqual(self.env.ref("mcube_integration.queue_job_channel_mcube").complete_name, "root.mcube")

    def test_calls_spread_over_the_batch_jobs(self):
        self.env.company.mcube_batch_jobs = 3
        with trap_jobs() as trap:
            events = [self.store({"callid": f"S-{i}"})[0] for i in range(30)]
            self.assertEqual(sorted({event.batch for event in events}), [0, 1, 2])
            trap.assert_jobs_count(3, only=self.Event._process_batch)
            trap.perform_enqueued_jobs()
        self.assertEqual(set(self.Event.browse([event.id for event in events]).mapped("state")), {"done"})

    def test_a_failing_event_does_not_hold_up_its_batch(self):
        with trap_jobs() as trap:
            events = [self.store({"callid": f"B-{i}"})[0] for i in range(3)]
            self.env.cr.execute("UPDATE mcube_event SET payload = '{\"callto\": 1}' WHERE id = %s", [events[1].id])
            with mute_logger("odoo.addons.mcube_integration.models.mcube_event"):
                trap.perform_enqueued_jobs()
        self.Event.invalidate_model()
        self.assertEqual([event.state for event in events], ["done", "failed", "done"])

    def test_a_full_batch_enqueues_the_next_one(self):
        with patch("odoo.addons.mcube_integration.models.mcube_event.BATCH_SIZE", 2), trap_jobs() as trap:
            events = [self.store({"callid": f"F-{i}"})[0] for i in range(5)]
            self.env.cr.execute("UPDATE mcube_event SET batch = 0 WHERE id IN %s", [tuple(e.id for e in events)])
            runs = 0
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
                runs += 1
        self.Event.invalidate_model()
        self.assertEqual({event.state for event in events}, {"done"})
        self.assertGreaterEqual(runs, 3)

    def test_assignment_by_agent_phone_when_the_did_is_unknown(self):
        self.ingest(sample(HANGUP, callid="A-1", clicktocalldid="8000000000", callto="9811111111"))
        record = self.record_of("A-1")
        self.assertEqual(record.user_id, self.salesman_agent)
        self.assertEqual(record.lead_id.user_id, self.salesman_agent)

    def test_assignment_by_executive_number(self):
        """The executive number (the phone MCUBE rings for a salesperson) is the agent phone of their calls."""
        self.salesman_other.mcube_executive_number = "9812300000"
        self.ingest(
            sample(HANGUP, callid="X-1", clicktocalldid="8000000000", emp_phone="09812300000", callto="9844444444")
        )
        self.assertEqual(self.record_of("X-1").user_id, self.salesman_other)

    def test_assignment_by_default_salesperson(self):
        self.env.company.mcube_default_user_id = self.salesman_other
        self.ingest(sample(HANGUP, callid="D-1", clicktocalldid="8000000000", emp_phone="", callto="9822222222"))
        record = self.record_of("D-1")
        self.assertEqual(record.user_id, self.salesman_other)
        self.assertEqual(record.lead_id.user_id, self.salesman_other)

    def test_default_team_when_no_salesperson(self):
        team = self.env["crm.team"].create({"name": "MCUBE inbound"})
        self.env.company.mcube_default_team_id = team
        self.ingest(sample(HANGUP, callid="T-1", clicktocalldid="", emp_phone="", callto="9822222223"))
        lead = self.record_of("T-1").lead_id
        self.assertEqual(lead.team_id, team)
        self.assertFalse(lead.user_id)

    def test_never_silently_the_admin(self):
        self.ingest(sample(HANGUP, callid="N-1", clicktocalldid="", emp_phone="", callto="9833333333"))
        record = self.record_of("N-1")
        self.assertFalse(record.user_id)
        self.assertTrue(record.lead_id)
        self.assertFalse(record.lead_id.user_id)

    def test_owned_lead_keeps_its_owner(self):
        lead = self.env["crm.lead"].create(
            {"name": "Known", "phone": "+91 98765 43210", "user_id": self.salesman_other.id}
        )
        self.ingest(sample(HANGUP))
        record = self.record_of("MC-20251113-000123")
        self.assertEqual(record.lead_id, lead)
        self.assertEqual(lead.user_id, self.salesman_other)
        self.assertEqual(record.user_id, self.salesman_did)

    def test_matches_existing_lead_in_every_sample_format(self):
        lead = self.env["crm.lead"].create({"name": "Known", "mobile": "098765 00011"})
        other = self.env["crm.lead"].create({"name": "Landline", "phone": "0091 80 4567 8999", "mobile": "9000000001"})
        for index, number in enumerate(
            ("9876500011", "+91 98765 00011", "09876500011", "919876500011", "0091-98765-00011")
        ):
            self.ingest(sample(HANGUP, callid=f"F-{index}", callto=number))
            self.assertEqual(self.record_of(f"F-{index}").lead_id, lead, number)
        self.ingest(sample(HANGUP, callid="F-landline", callto="08045678999"))
        self.assertEqual(self.record_of("F-landline").lead_id, other)

    def test_the_salespersons_then_the_oldest_open_lead_wins_and_closed_leads_do_not_match(self):
        """One rule says whose lead a caller joins: the call's salesperson's open lead, else the
        oldest open lead; a lead created later (or written to more lately) never takes it."""
        older = self.env["crm.lead"].create({"name": "Older", "phone": "9844444444", "type": "opportunity"})
        newer = self.env["crm.lead"].create({"name": "Newer", "phone": "9844444444", "type": "opportunity"})
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = create_date - interval '1 day' WHERE id = %s", [older.id]
        )
        older.invalidate_recordset()
        newer.description = "Touched last"
        self.ingest(sample(HANGUP, callid="O-1", callto="9844444444", clicktocalldid="8000000000", emp_phone=""))
        self.assertEqual(self.record_of("O-1").lead_id, older)
        newer.user_id = self.salesman_did
        self.ingest(sample(HANGUP, callid="O-1b", callto="9844444444"))
        self.assertEqual(self.record_of("O-1b").lead_id, newer, "the DID owner's open lead first")
        newer.action_set_won()
        self.ingest(sample(HANGUP, callid="O-2", callto="9844444444"))
        self.assertEqual(self.record_of("O-2").lead_id, older)
        older.action_set_lost()
        self.ingest(sample(HANGUP, callid="O-3", callto="9844444444"))
        self.assertNotIn(self.record_of("O-3").lead_id, older | newer)

    def test_partner_match_creates_the_lead_for_the_partner(self):
        partner = self.env["res.partner"].create({"name": "Asha Rao", "mobile": "+91 98555 12345"})
        self.ingest(sample(HANGUP, callid="P-1", callto="9855512345"))
        lead = self.record_of("P-1").lead_id
        self.assertEqual(lead.partner_id, partner)
        self.assertEqual(self.record_of("P-1").partner_id, partner)
        self.assertEqual(lead.name, "Inbound call from Asha Rao")

    def test_second_call_from_a_new_number_reuses_the_lead(self):
        self.ingest(sample(HANGUP, callid="R-1", callto="9866666666"))
        self.ingest(sample(HANGUP, callid="R-2", callto="+91 98666 66666"))
        self.assertEqual(self.record_of("R-1").lead_id, self.record_of("R-2").lead_id)
        self.ingest(sample(HANGUP, callid="R-3", callto="1234567890"))
        self.ingest(sample(HANGUP, callid="R-4", callto="911234567890"))
        self.assertTrue(self.record_of("R-3").lead_id)
        self.assertEqual(self.record_of("R-3").lead_id, self.record_of("R-4").lead_id)

    def test_outbound_no_answer_sample(self):
        self.ingest(sample("outbound_noanswer"))
        record = self.record_of("MC-20251113-000987")
        self.assertEqual(record.direction, "outbound")
        self.assertEqual(record.status, "no_answer")
        self.assertEqual(record.phone_number, "+919876500011")
        self.assertEqual(record.virtual_number, DID)
        self.assertEqual(record.refid, "dialer-42")
        self.assertFalse(record.recording_url)
        self.assertEqual(record.lead_id.name, "Outbound call to +919876500011")
        self.assertFalse(record.lead_id.activity_ids, "only missed inbound calls ask for a call back")

    def test_with_recording_filter(self):
        self.ingest(sample(HANGUP))
        self.ingest(sample("outbound_noanswer"))
        arch = self.CallRecord.get_views([(False, "search")])["views"]["search"]["arch"]
        domain = etree.fromstring(arch).xpath("//filter[@name='with_recording']")[0].get("domain")
        self.assertEqual(self.CallRecord.search(ast.literal_eval(domain)), self.record_of("MC-20251113-000123"))

    def test_local_time_to_utc(self):
        company = self.env.company
        self.assertEqual(
            self.CallRecord._to_utc(datetime(2025, 11, 13, 14, 30, 5), company), datetime(2025, 11, 13, 9, 0, 5)
        )
        company.mcube_timezone = "Europe/Brussels"
        self.assertEqual(
            self.CallRecord._to_utc(datetime(2025, 11, 13, 14, 30, 5), company), datetime(2025, 11, 13, 13, 30, 5)
        )
        aware = datetime.fromisoformat("2025-11-13T14:30:05+05:30")
        self.assertEqual(self.CallRecord._to_utc(aware, company), datetime(2025, 11, 13, 9, 0, 5))
        self.assertFalse(self.CallRecord._to_utc(None, company))

    def test_titlecase_sample(self):
        self.ingest(sample("titlecase_shape"))
        record = self.record_of("TC-7781")
        self.assertEqual(record.phone_number, "+919812312312")
        self.assertEqual(record.virtual_number, DID)
        self.assertEqual(record.user_id, self.salesman_did)
        self.assertEqual(record.duration, 75)
        self.assertEqual(record.state, "completed")

    def test_missed_inbound_call_schedules_a_call_back_today(self):
        self.ingest(sample(HANGUP, callid="M-1", callto="9877777777", dialstatus="Executive Busy", filename=""))
        lead = self.record_of("M-1").lead_id
        activity = lead.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.summary, "Call back")
        self.assertEqual(activity.user_id, self.salesman_did)
        self.assertEqual(activity.date_deadline, fields.Date.context_today(lead.with_context(tz=self.salesman_did.tz)))

    def test_html_in_fields_is_escaped_in_the_note(self):
        self.ingest(
            sample(
                HANGUP,
                callid="X-<b>1</b>",
                agentname='<script>alert("x")</script>',
                filename="javascript:alert(1)",
            )
        )
        record = self.record_of("X-<b>1</b>")
        self.assertFalse(record.recording_url)
        note = record.lead_id.message_ids.filtered(lambda m: "X-&lt;b&gt;1&lt;/b&gt;" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Agent: &lt;script&gt;alert(", note.body)
        self.assertNotIn("<script>", note.body)
        self.assertNotIn("javascript:", note.body)

    def test_virtual_number_is_stored_normalized_and_unique(self):
        self.assertEqual(self.salesman_did.mcube_virtual_number, DID)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.salesman_other.mcube_virtual_number = "+91 80 4567 8901"
        with self.assertRaisesRegex(Exception, "not a phone number"):
            self.salesman_other.mcube_virtual_number = "call me"
