from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import McubeCase, sample


@tagged("post_install", "-at_install")
class TestPayload(McubeCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payload = cls.env["mcube.payload"]

    def test_lowercase_hangup_sample(self):
        call = self.payload._parse(sample("inbound_answered_hangup"))
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
        call = self.payload._parse(sample("inbound_call_start"))
        self.assertEqual(call["phase"], "start")
        self.assertFalse(call["status"])
        self.assertIsNone(call["duration"])

    def test_titlecase_sample_maps_to_the_same_fields(self):
        call = self.payload._parse(sample("titlecase_shape"))
        self.assertEqual(call["call_id"], "TC-7781")
        self.assertEqual(call["phase"], "hangup")
        self.assertEqual(call["direction"], "inbound")
        self.assertEqual(call["customer_number"], "919812312312")
        self.assertEqual(call["virtual_number"], "8045678901")
        self.assertEqual(call["duration"], 75)
        self.assertEqual(call["raw_status"], "ANSWERED")
        self.assertTrue(call["recording_url"].endswith("TC-7781.mp3"))

    def test_titlecase_outbound_when_the_source_is_the_did(self):
        call = self.payload._parse(
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
            call = self.payload._parse({"callid": "S", "dialstatus": raw})
            self.assertEqual(call["status"], status, raw)
            self.assertEqual(call["raw_status"], raw)
            self.assertEqual(call["phase"], "hangup" if status else "start", raw)

    def test_duration_formats(self):
        for value, seconds in (("00:03:02", 182), ("03:02", 182), (75, 75), ("75", 75), (0, 0), ("1:00:00", 3600)):
            self.assertEqual(self.payload._parse({"callid": "D", "answeredtime": value})["duration"], seconds, value)

    def test_direction_any_case(self):
        for value, direction in (("INBOUND", "inbound"), ("Outbound", "outbound"), ("", False), ("other", False)):
            self.assertEqual(self.payload._parse({"callid": "X", "direction": value})["direction"], direction)

    def test_zero_date_means_no_date(self):
        call = self.payload._parse({"callid": "Z", "endtime": "0000-00-00 00:00:00"})
        self.assertIsNone(call["end_time"])
        self.assertEqual(call["phase"], "start")

    def test_only_web_recording_links(self):
        for url in ("javascript:alert(1)", "ftp://host/file.wav", "MC-1.wav", "https://", "data:text/html,x"):
            self.assertFalse(self.payload._parse({"callid": "R", "filename": url})["recording_url"], url)
        self.assertEqual(
            self.payload._parse({"callid": "R", "filename": "http://rec.example/1.wav"})["recording_url"],
            "http://rec.example/1.wav",
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
            ({"callid": "X", "agentname": "a\x00b"}, "agentname"),
            ({"callid": "X" * 129}, "callid"),
        ]
        for data, field in cases:
            with self.assertRaises(ValidationError, msg=field) as caught:
                self.payload._parse(data)
            self.assertIn(field, caught.exception.args[0])

    def test_missing_call_id(self):
        for data in ({}, {"callid": ""}, {"callid": None}, {"callto": "9876543210"}):
            with self.assertRaisesRegex(ValidationError, "call id"):
                self.payload._parse(data)

    def test_decode_json_and_form(self):
        text, data = self.payload._decode(b'{"callid": "J-1"}', "json")
        self.assertEqual((text, data), ('{"callid": "J-1"}', {"callid": "J-1"}))
        text, data = self.payload._decode(b"callid=F-1&callto=%2B91+98765+00011", "form")
        self.assertEqual(data, {"callid": "F-1", "callto": "+91 98765 00011"})
        for raw, kind, message in (
            (b"{not json", "json", "Malformed JSON"),
            (b"[1, 2]", "json", "must be an object"),
            (b"\xff\xfe", "json", "UTF-8"),
            (b'{"callid": "x"}\x00', "json", "NUL"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                self.payload._decode(raw, kind)

    def test_body_kinds(self):
        self.assertEqual(self.payload._body_kind("application/json"), "json")
        self.assertEqual(self.payload._body_kind("application/vnd.mcube+json"), "json")
        self.assertEqual(self.payload._body_kind("application/x-www-form-urlencoded"), "form")
        self.assertFalse(self.payload._body_kind("text/plain"))
        self.assertFalse(self.payload._body_kind("multipart/form-data"))
        self.assertFalse(self.payload._body_kind(""))

    def test_phone_formats_of_the_samples(self):
        normalize = self.payload._normalize_phone
        for number in ("9876500011", "+91 98765 00011", "09876500011", "919876500011", "0091 98765 00011",
                       "+91-98765-00011", "098765-00011", 9876500011):  # fmt: skip
            self.assertEqual(normalize(number), "+919876500011", number)
        self.assertEqual(normalize("08045678901"), "+918045678901")
        self.assertEqual(normalize("918045678901"), "+918045678901")
        self.assertEqual(normalize("919812312312"), "+919812312312")
        for garbage in ("", None, "abc", "Anonymous", "+12", "12-ab"):
            self.assertFalse(normalize(garbage), garbage)

    def test_implausible_numbers_get_a_stable_key(self):
        normalize = self.payload._normalize_phone
        self.assertEqual(normalize("1234567890"), "+911234567890")
        self.assertEqual(normalize("911234567890"), "+911234567890")
        self.assertEqual(normalize("01234567890"), "+911234567890")

    def test_country_from_settings_then_company(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mcube_integration.country_id", self.env.ref("base.be").id)
        self.assertEqual(self.payload._normalize_phone("0470 12 34 56"), "+32470123456")
        params.set_param("mcube_integration.country_id", False)
        self.env.company.country_id = self.env.ref("base.in")
        self.assertEqual(self.payload._normalize_phone("9876500011"), "+919876500011")

    def test_local_time_to_utc(self):
        self.assertEqual(self.payload._to_utc(datetime(2025, 11, 13, 14, 30, 5)), datetime(2025, 11, 13, 9, 0, 5))
        self.env["ir.config_parameter"].sudo().set_param("mcube_integration.timezone", "Europe/Brussels")
        self.assertEqual(self.payload._to_utc(datetime(2025, 11, 13, 14, 30, 5)), datetime(2025, 11, 13, 13, 30, 5))
        aware = datetime.fromisoformat("2025-11-13T14:30:05+05:30")
        self.assertEqual(self.payload._to_utc(aware), datetime(2025, 11, 13, 9, 0, 5))
