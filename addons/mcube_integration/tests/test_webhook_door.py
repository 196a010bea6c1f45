import json
from unittest.mock import patch
from urllib.parse import urlencode

from werkzeug.serving import DechunkedInput

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.job import Job

from ..const import MAX_BODY_BYTES
from .common import TOKEN, McubeCase, sample, send_chunked

WEBHOOK = "/mcube/webhook"
HANGUP = "inbound_answered_hangup"


@tagged("post_install", "-at_install")
class TestWebhookDoor(McubeCase, HttpCase):
    """Whatever a request holds, a valid token gets a 2xx or a 4xx that names the problem,
    never a 5xx that MCUBE would retry for ever; and what is accepted can be processed."""

    def post(self, body, content_type="application/json", query="", headers=None):
        body = json.dumps(body) if isinstance(body, dict) else body
        all_headers = {"Content-Type": content_type, "X-MCUBE-Token": TOKEN, **(headers or {})}
        return self.url_open(f"{WEBHOOK}{query}", data=body, headers=all_headers)

    def run_jobs(self, *events):
        keys = {self.batch_key(event) for event in events}
        for job in self.env["queue.job"].search([("identity_key", "in", sorted(keys)), ("state", "=", "pending")]):
            Job.load(self.env, job.uuid).perform()
        self.env.invalidate_all()

    def event_of(self, response):
        return self.env["mcube.event"].browse(response.json()["event_id"])

    def test_lone_surrogate_in_the_call_id_is_refused(self):
        response = self.post('{"callid": "MC-\\ud800"}')
        self.assertEqual(response.status_code, 400, response.text)
        self.assertIn("callid", response.json()["error"])
        self.assertFalse(self.env["mcube.event"].search([]))

    def test_lone_surrogate_in_the_agent_name_is_left_out(self):
        body = json.dumps(sample(HANGUP)).replace("Priya Sharma", "Priya \\udc80")
        response = self.post(body)
        self.assertEqual(response.status_code, 202, response.text)
        event = self.event_of(response)
        self.run_jobs(event)
        self.assertEqual(event.state, "done", event.last_error)
        self.assertIn("agentname", event.warnings)
        record = event.call_record_id
        self.assertEqual((record.call_id, record.duration), ("MC-20251113-000123", 182))
        self.assertFalse(record.agent_name)

    def test_deeply_nested_json_is_refused(self):
        response = self.post('{"callid": "D-1", "x": ' + "[" * 20000 + "]" * 20000 + "}")
        self.assertEqual(response.status_code, 400, response.text)
        self.assertIn("nested", response.json()["error"])

    def test_a_parameter_named_self_is_ignored(self):
        response = self.post({"callid": "SELF-1"}, query=f"?self=1&token={TOKEN}&token=x")
        self.assertEqual(response.status_code, 202, response.text)
        form = urlencode({"callid": "SELF-2", "self": "1"})
        response = self.post(form, content_type="application/x-www-form-urlencoded")
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(self.event_of(response).payload, form)
        multipart = '--b\r\nContent-Disposition: form-data; name="self"\r\n\r\n1\r\n--b--\r\n'
        response = self.post(multipart, content_type="multipart/form-data; boundary=b")
        self.assertEqual(response.status_code, 415, response.text)

    def test_chunked_body_over_the_limit_is_not_read_to_the_end(self):
        """The body never ends (no last chunk): the answer comes after limit + 1 bytes.
        Exactly those are sent, so that the server closes with nothing left unread."""
        data = b'{"callid": "BIG-1", "a": "'
        data += b"x" * (MAX_BODY_BYTES + 1 - len(data))
        read = []
        readinto = DechunkedInput.readinto

        def counting_readinto(stream, buffer):
            read.append(readinto(stream, buffer))
            return read[-1]

        with patch.object(DechunkedInput, "readinto", counting_readinto):
            status, _type, answer = send_chunked([b"%x\r\n%s\r\n" % (len(data), data)])
        self.assertEqual(status, 413, answer)
        self.assertIn("larger than", answer["error"])
        self.assertEqual(sum(read), MAX_BODY_BYTES + 1)

    def test_the_token_is_checked_before_the_body(self):
        big = json.dumps({"callid": "BIG-2", "agentname": "x" * MAX_BODY_BYTES})
        response = self.url_open(WEBHOOK, data=big, headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 401, response.text)
        status, _type, answer = send_chunked([b"zz\r\n"], token="wrong")
        self.assertEqual(status, 401, answer)

    def test_broken_chunked_encoding_is_refused(self):
        status, _type, answer = send_chunked([b"zz\r\n"])
        self.assertEqual(status, 400, answer)
        self.assertIn("could not be read", answer["error"])

    def test_odd_requests_never_get_a_server_error(self):
        cases = [
            ('{"callid": "ODD-1"}', 'application/json; charset="', {}, ""),
            ('{"callid": "ODD-2"}'.encode("utf-16"), "application/json; charset=utf-16", {}, ""),
            ('{"callid": "ODD-4"}', "application/json", {}, "?%ff=%fe&a=1&a=2&debug=assets&lang=xx"),
            ("garbage", "multipart/form-data", {}, ""),
            ("callid=%ED%A0%80", "application/x-www-form-urlencoded", {}, ""),
            ("callid=ODD-5&agentname=%00", "application/x-www-form-urlencoded; charset=latin-1", {}, ""),
            ('{"callid": 1e400}', "application/json", {}, ""),
            ('{"callid": ' + "9" * 5000 + "}", "application/json", {}, ""),
            ('{"callid": "ODD-6", "answeredtime": "\u00b2"}'.encode(), "application/json", {}, ""),
            ('{"callid": "ODD-7", "answeredtime": "\u0663"}'.encode(), "application/json", {}, ""),
            ('{"callid": "ODD-8", "answeredtime": "' + "9" * 4000 + '"}', "application/json", {}, ""),
            ('{"callid": "ODD-9", "starttime": "0001-01-01 00:00:00"}', "application/json", {}, ""),
            (b"\xef\xbb\xbf{}", "application/json", {}, ""),
            (" ", "application/json", {}, ""),  # url_open sends an empty body as a GET
            ("[" * 100000, "application/json", {}, ""),
        ]
        for body, content_type, headers, query in cases:
            response = self.post(body, content_type=content_type, headers=headers, query=query)
            self.assertLess(response.status_code, 500, (body[:40], response.text))
            self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8", body[:40])
            self.assertTrue(response.json().get("error") or response.json().get("status"), body[:40])

    def test_redelivery_with_more_data_fills_the_blanks(self):
        first = self.post(sample(HANGUP, filename=""))
        self.assertEqual(first.status_code, 202, first.text)
        again = self.post(sample(HANGUP, agentname="Someone Else"))
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["status"], "updated")
        redelivery = self.event_of(again)
        self.assertEqual(
            (redelivery.call_id, redelivery.phase, redelivery.delivery), ("MC-20251113-000123", "hangup", 2)
        )
        self.run_jobs(self.event_of(first), redelivery)
        record = self.record_of("MC-20251113-000123")
        self.assertEqual(record.recording_url, sample(HANGUP)["filename"])
        self.assertEqual(record.agent_name, "Priya Sharma", "a redelivery overwrites nothing")
        self.assertEqual(len(record.event_ids), 2)
        before = self.env["mcube.event"].search_count([])
        replay = self.post(sample(HANGUP))
        self.assertEqual(replay.status_code, 200, replay.text)
        self.assertEqual(replay.json(), {"status": "duplicate", "event_id": self.event_of(first).id})
        self.assertEqual(self.env["mcube.event"].search_count([]), before)
