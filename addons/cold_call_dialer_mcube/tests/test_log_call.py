import csv
import io

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import BridgeFixturesMixin


@tagged("post_install", "-at_install")
class TestLogCall(BridgeFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()

    def log_call(self, attempt, partner=None, user=None, **kwargs):
        return self.dialer(user).log_call(
            (partner or self.alpha).id, status="interested", duration=42, mcube_attempt_id=attempt.id, **kwargs
        )

    def logs(self):
        return self.env["cold.call.log"].search_count([])

    def test_log_after_the_hangup_keeps_what_mcube_measured(self):
        attempt = self.attempt(self.place_call())
        record = self.ingest(self.event_payload(attempt, "hangup", status="ANSWER", duration=42))
        log = self.env["cold.call.log"].browse(self.log_call(attempt)["log_id"])
        self.assertEqual(attempt.call_log_id, log)
        self.assertRecordValues(
            log,
            [
                {
                    "mcube_call_record_id": record.id,
                    "mcube_call_id": record.call_id,
                    "mcube_duration": 42,
                    "duration": 42,
                    "recording_url": "https://recordings.example.com/call.wav",
                    "outcome_id": self.outcome("interested").id,
                }
            ],
        )
        # The rep reads them on their own log without access to MCUBE call records.
        rep_log = log.with_user(self.rep)
        self.assertEqual((rep_log.mcube_duration, rep_log.mcube_call_id), (42, record.call_id))

    def test_the_export_has_the_number_dialed_and_what_mcube_measured(self):
        attempt = self.attempt(self.place_call(number="+918041230001"))  # Alpha's landline, chosen
        record = self.ingest(self.event_payload(attempt, "hangup", status="ANSWER", duration=42))
        log = self.env["cold.call.log"].browse(self.log_call(attempt)["log_id"])
        wizard = self.env["cold.call.log.export"].with_user(self.manager).create({"file_format": "csv"})
        content = wizard._export_file()[1].decode("utf-8-sig")
        header, *rows = csv.reader(io.StringIO(content))
        [row] = [row for row in rows if row[2] == "DT Alpha"]
        self.assertEqual(header[4], "Number Dialed")
        self.assertEqual(header[-3:], ["MCUBE Call ID", "MCUBE Talk Time (s)", "Recording URL"])
        self.assertEqual(row[4], "+918041230001")
        self.assertEqual(row[-3:], [record.call_id, "42", "https://recordings.example.com/call.wav"])
        self.assertEqual(log.phone_number, "+918041230001")

    def test_log_before_the_events_is_completed_by_them(self):
        attempt = self.attempt(self.place_call())
        log = self.env["cold.call.log"].browse(self.log_call(attempt)["log_id"])
        self.assertEqual(attempt.call_log_id, log)
        self.assertFalse(log.mcube_call_record_id)
        record = self.ingest(self.event_payload(attempt, "hangup", status="ANSWER", duration=37))
        self.assertEqual(log.mcube_call_record_id, record)
        self.assertEqual(log.mcube_duration, 37)

    def test_only_the_reps_own_unlogged_attempt_on_that_contact(self):
        attempt = self.attempt(self.place_call())
        logs = self.logs()
        with self.assertRaises(AccessError):
            self.log_call(attempt, user=self.rep_two)
        with self.assertRaises(AccessError):
            self.log_call(attempt, user=self.manager)
        with self.assertRaisesRegex(UserError, "another contact"):
            self.log_call(attempt, partner=self.charlie)
        with self.assertRaises(ValidationError):
            self.dialer().log_call(self.alpha.id, status="interested", mcube_attempt_id="1")
        self.assertEqual(self.logs(), logs)
        self.assertFalse(attempt.call_log_id)
        self.log_call(attempt)
        with self.assertRaisesRegex(UserError, "logged already"):
            self.log_call(attempt)
        self.assertEqual(self.logs(), logs + 1)

    def test_log_without_attempt_unchanged(self):
        result = self.dialer().log_call(self.alpha.id, status="no_answer", duration=3)
        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertFalse(log.mcube_call_record_id)
        self.assertEqual(log.duration, 3)
