from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import code_translations

from ..tools.payload import PayloadError, body_kind, decode, given_fields, parse
from .common import sample


@tagged("post_install", "-at_install")
class TestPayload(TransactionCase):
    def test_lowercase_hangup_sample(self):
        call = parse(sample("inbound_answered_hangup"))
        self.assertEqual(call["call_id"], "MC-20251113-000123")
        self.assertEqual(call["phase"], "hangup")
        self.assertEqual(call["direction"], "inbound")
        self.assertEqual(call["customer_number"], "9876543210")
        self.assertEqual(call["status"], "answered")
        self.assertEqual(call["raw_status"], "ANSWER")
        self.assertEqual(call["duration"], 182)
        self.assertEqual(call["start_time"], datetime(2025, 11, 13, 14, 30, 5))
        self.assertTrue(call["recording_url"].startswith("https://"))

    def test_start_sample_is_the_start_phase(self):
        call = parse(sample("inbound_call_start"))
        self.assertEqual(call["phase"], "start")
        self.assertFalse(call["status"])
        self.assertIsNone(call["duration"])

    def test_titlecase_sample_maps_to_the_same_fields(self):
        call = parse(sample("titlecase_shape"))
        self.assertEqual(call["call_id"], "TC-7781")
        self.assertEqual(call["phase"], "hangup")
        self.assertEqual(call["direction"], "inbound")
        self.assertEqual(call["customer_number"], "919812312312")
        self.assertEqual(call["virtual_number"], "8045678901")
        self.assertEqual(call["duration"], 75)
        self.assertEqual(call["raw_status"], "ANSWERED")
        self.assertTrue(call["recording_url"].endswith("TC-7781.mp3"))

    def test_titlecase_outbound_when_the_source_is_the_did(self):
        call = parse(
            {"CallSessionId": "TC-1", "SourceNumber": "918045678901", "DestinationNumber": "9812312312",
             "DisplayNumber": "8045678901"}
        )  # fmt: skip
        self.assertEqual((call["direction"], call["customer_number"]), ("outbound", "9812312312"))

    def test_status_variants(self):
        expected = {
            "ANSWER": "answered",
            "ANSWERED": "answered",
            "CANCEL": "cancelled",
            "Busy": "busy",
            "Executive Busy": "busy",
            "NoAnswer": "no_answer",
            "FAILED": "failed",
            "": False,
            "Ringing": False,
        }
        for raw, status in expected.items():
            call = parse({"callid": "S", "dialstatus": raw})
            self.assertEqual(call["status"], status, raw)
            self.assertEqual(call["raw_status"], raw)
            self.assertEqual(call["phase"], "hangup" if status else "start", raw)

    def test_duration_formats(self):
        for value, seconds in (("00:03:02", 182), ("03:02", 182), (75, 75), ("75", 75), (0, 0), ("1:00:00", 3600)):
            self.assertEqual(parse({"callid": "D", "answeredtime": value})["duration"], seconds, value)

    def test_direction_any_case(self):
        for value, direction in (("INBOUND", "inbound"), ("Outbound", "outbound"), ("", False), ("other", False)):
            self.assertEqual(parse({"callid": "X", "direction": value})["direction"], direction)

    def test_zero_date_means_no_date(self):
        call = parse({"callid": "Z", "endtime": "0000-00-00 00:00:00"})
        self.assertIsNone(call["end_time"])
        self.assertEqual(call["phase"], "start")

    def test_only_web_recording_links(self):
        for url in ("javascript:alert(1)", "ftp://host/file.wav", "MC-1.wav", "https://", "data:text/html,x"):
            self.assertFalse(parse({"callid": "R", "filename": url})["recording_url"], url)
        self.assertEqual(
            parse({"callid": "R", "filename": "http://rec.example/1.wav"})["recording_url"], "http://rec.example/1.wav"
        )

    def test_bad_values_name_the_field(self):
        cases = [
            ({"callid": {"a": 1}}, "callid"),
            ({"callid": "X", "callto": ["9876543210"]}, "callto"),
            ({"callid": "X", "agentname": True}, "agentname"),
            ({"callid": "X", "answeredtime": "3 minutes"}, "answeredtime"),
            ({"callid": "X", "answeredtime": -5}, "answeredtime"),
            ({"callid": "X", "answeredtime": 1.5}, "answeredtime"),
            ({"callid": "X", "starttime": "yesterday"}, "starttime"),
            ({"CallSessionId": "X", "CallDuration": "1:99"}, "CallDuration"),
            ({"callid": "X", "answeredtime": "\u00b2"}, "answeredtime"),
            ({"callid": "X", "answeredtime": "1:60"}, "answeredtime"),
            ({"callid": "a\x00b"}, "callid"),
            ({"callid": "MC-\ud800"}, "callid"),
            ({"callid": "X" * 129}, "callid"),
        ]
        for data, field in cases:
            with self.assertRaises(ValidationError, msg=field) as caught:
                parse(data)
            self.assertIn(field, str(caught.exception))

    def test_values_that_cannot_be_stored_are_left_out_with_a_warning(self):
        """Only the call id refuses a delivery; anything else unstorable is left out."""
        call = parse(
            {
                "callid": "W-1",
                "agentname": "a\x00b",
                "groupname": "Sales \udc80",
                "refid": "r" * 257,
                "filename": "https://rec.example/" + "x" * 2048,
                "starttime": "0001-01-01 00:00:00",
                "endtime": "9999-12-31 23:59:59",
                "answeredtime": 2**31,
                "callto": "9876543210",
            }
        )
        self.assertEqual(call["call_id"], "W-1")
        self.assertEqual(call["customer_number"], "9876543210")
        for key in ("agent_name", "group_name", "refid", "recording_url", "start_time", "end_time", "duration"):
            self.assertFalse(call[key], key)
        self.assertEqual(call["phase"], "start", "an end time that cannot be stored is no end time")
        warnings = "\n".join(str(warning) for warning in call["warnings"])
        for field in ("agentname", "groupname", "refid", "filename", "starttime", "endtime", "answeredtime"):
            self.assertIn(field, warnings)
        self.assertEqual(len(call["warnings"]), 7)
        within = parse({"callid": "W-2", "starttime": "1900-01-01 00:00:00", "answeredtime": 2**31 - 1})
        self.assertEqual((within["start_time"].year, within["duration"], within["warnings"]), (1900, 2**31 - 1, []))

    def test_given_fields(self):
        self.assertEqual(given_fields(parse({"callid": "G", "agentname": "", "answeredtime": 0})), set())
        call = parse(sample("inbound_call_start"))
        self.assertEqual(
            given_fields(call),
            {"direction", "customer_number", "virtual_number", "agent_phone", "agent_name", "group_name", "start_time"},
        )

    def test_missing_call_id(self):
        for data in ({}, {"callid": ""}, {"callid": None}, {"callto": "9876543210"}):
            with self.assertRaisesRegex(ValidationError, "call id"):
                parse(data)

    def test_decode_json_and_form(self):
        text, data = decode(b'{"callid": "J-1"}', "json")
        self.assertEqual((text, data), ('{"callid": "J-1"}', {"callid": "J-1"}))
        text, data = decode(b"callid=F-1&callto=%2B91+98765+00011", "form")
        self.assertEqual(data, {"callid": "F-1", "callto": "+91 98765 00011"})
        for raw, kind, message in (
            (b"{not json", "json", "Malformed JSON"),
            (b"[1, 2]", "json", "must be an object"),
            (b"\xff\xfe", "json", "UTF-8"),
            (b'{"callid": "x"}\x00', "json", "NUL"),
            (b"callid=%ff", "form", "form body is malformed"),
            (b'{"a": ' + b"[" * 50000 + b"]" * 50000 + b"}", "json", "nested too deeply"),
            # Below Python's recursion limit, where only the job (deeper in the stack) would fail.
            (b'{"a": ' + b"[" * 966 + b"]" * 966 + b"}", "json", "nested too deeply"),
            (b'{"a": ' + b'{"b": ' * 40 + b"1" + b"}" * 40 + b"}", "json", "nested too deeply"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                decode(raw, kind)

    def test_body_kinds(self):
        self.assertEqual(body_kind("application/json"), "json")
        self.assertEqual(body_kind("application/vnd.mcube+json"), "json")
        self.assertEqual(body_kind("application/x-www-form-urlencoded"), "form")
        self.assertFalse(body_kind("text/plain"))
        self.assertFalse(body_kind("multipart/form-data"))
        self.assertFalse(body_kind(""))
        self.assertFalse(body_kind(None))

    def test_errors_are_translated_where_they_are_shown(self):
        """The parser has no environment: its messages are translated by str(), in the
        language of the code that answers or stores them."""
        with self.assertRaises(PayloadError) as caught:
            parse({"callid": "X", "answeredtime": "soon"})
        self.env["res.lang"]._activate_lang("fr_FR")
        french = {"%(field)s: expected a number of seconds or HH:MM:SS.": "%(field)s : secondes ou HH:MM:SS attendues."}
        events = self.env["mcube.event"].with_context(lang="fr_FR")
        with patch.object(code_translations, "get_python_translations", return_value=french):
            self.assertEqual(
                events._error_text(caught.exception), "PayloadError: answeredtime : secondes ou HH:MM:SS attendues."
            )
        self.assertEqual(str(caught.exception), "answeredtime: expected a number of seconds or HH:MM:SS.")
