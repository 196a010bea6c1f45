from datetime import datetime

from odoo.tests import TransactionCase, tagged

from .common import McubeCase, sample

HANGUP = "inbound_answered_hangup"


@tagged("post_install", "-at_install")
class TestValues(McubeCase, TransactionCase):
    """A value that cannot be stored is left out of the call, named on the event; the
    event is still processed (the webhook accepted it, MCUBE will not send it again)."""

    def assert_left_out(self, event, *fields_):
        self.assertEqual(event.state, "done", event.last_error)
        self.assertTrue(event.call_record_id)
        for field in fields_:
            self.assertIn(field, event.warnings)

    def test_year_0001_and_9999(self):
        event = self.ingest(
            sample(HANGUP, callid="Y-1", starttime="0001-01-01 00:00:00", endtime="9999-12-31 23:59:59")
        )
        self.assert_left_out(event, "starttime", "endtime")
        record = event.call_record_id
        self.assertEqual(record.call_date, event.received_at, "the arrival stands for the unknown start")
        self.assertFalse(record.end_date)
        self.assertEqual(record.state, "completed", "a final status still ends the call")
        self.assertTrue(record.lead_id)

    def test_extreme_years_in_range_convert_in_any_timezone(self):
        for tz_name, start, utc in (
            ("America/New_York", "9998-12-31 23:00:00", datetime(9999, 1, 1, 4, 0)),
            ("Asia/Tokyo", "1900-01-01 00:00:00", datetime(1899, 12, 31, 14, 41)),  # local mean time
        ):
            self.env.company.mcube_timezone = tz_name
            event = self.ingest({"callid": f"TZ-{tz_name}", "starttime": start})
            self.assertEqual(event.state, "done", event.last_error)
            self.assertFalse(event.warnings)
            self.assertEqual(event.call_record_id.call_date, utc, tz_name)

    def test_duration_beyond_an_integer(self):
        event = self.ingest(sample(HANGUP, callid="H-1", answeredtime=99999999999))
        self.assert_left_out(event, "answeredtime")
        self.assertEqual(event.call_record_id.duration, 0)
        event = self.ingest(sample(HANGUP, callid="H-2", answeredtime="596523:14:07"))
        self.assertEqual(event.call_record_id.duration, 2**31 - 1, "the largest integer still fits")
        self.assertFalse(event.warnings)

    def test_text_with_lone_surrogates_nul_or_too_long(self):
        event = self.ingest(
            sample(HANGUP, callid="T-1", agentname="Priya \udc80", groupname="Sa\x00les", refid="r" * 300)
        )
        self.assert_left_out(event, "agentname", "groupname", "refid")
        record = event.call_record_id
        self.assertEqual((record.agent_name, record.group_name, record.refid), (False, False, False))
        self.assertEqual(record.duration, 182, "the other values are kept")
