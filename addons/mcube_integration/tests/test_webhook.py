import json
import logging
from unittest.mock import patch
from urllib.parse import urlencode

import psycopg2

import odoo
from odoo.modules.module import get_manifest
from odoo.modules.registry import Registry
from odoo.sql_db import TestCursor
from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.queue_job.job import Job

from .. import post_load
from ..const import MAX_BODY_BYTES
from ..tools.log_filter import RedactWebhookToken
from .common import TOKEN, McubeCase, sample, send_chunked

WEBHOOK = "/mcube/webhook"


@tagged("post_install", "-at_install")
class TestWebhook(McubeCase, HttpCase):
    def post(self, body, content_type="application/json", token=TOKEN, query="", headers=None):
        """POST to the real route; a dict body is sent as JSON or form data per content type."""
        if isinstance(body, dict):
            body = urlencode(body) if content_type.endswith("urlencoded") else json.dumps(body)
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if token:
            all_headers["X-MCUBE-Token"] = token
        return self.url_open(f"{WEBHOOK}{query}", data=body, headers=all_headers)

    def state(self):
        """What a refused request must leave untouched."""
        return (
            self.env["mcube.event"].search_count([]),
            self.env["queue.job"].search_count([]),
            self.env["mcube.call.record"].search_count([]),
            self.env["crm.lead"].search_count([]),
        )

    def assert_refused(self, response, status, message):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertIn(message, response.json()["error"])

    def test_202_stores_the_event_and_enqueues_its_job(self):
        body = json.dumps(sample("inbound_answered_hangup"), indent=2)
        response = self.post(body, headers={"User-Agent": "MCUBE/1.0"})
        self.assertEqual(response.status_code, 202, response.text)
        event = self.env["mcube.event"].browse(response.json()["event_id"])
        self.assertEqual(response.json(), {"status": "accepted", "event_id": event.id})
        self.assertEqual(event.payload, body)
        self.assertEqual(event.content_type, "application/json")
        self.assertEqual((event.call_id, event.phase, event.state), ("MC-20251113-000123", "hangup", "pending"))
        self.assertEqual(event.display_name, "MC-20251113-000123/hangup")
        self.assertEqual(event.remote_addr, "127.0.0.1")
        self.assertTrue(event.received_at)
        headers = json.loads(event.headers)
        self.assertEqual(headers["User-Agent"], "MCUBE/1.0")
        self.assertNotIn(TOKEN, event.headers)
        job = self.env["queue.job"].search([("identity_key", "=", self.batch_key(event))])
        self.assertEqual((job.state, job.channel, job.method_name), ("pending", "root.mcube", "_process_batch"))
        self.assertEqual(job.name, f"Process new MCUBE events (batch {event.batch})")

    def test_200_for_a_replayed_delivery_changes_nothing(self):
        first = self.post(sample("inbound_call_start"))
        self.assertEqual(first.status_code, 202)
        before = self.state()
        again = self.post(sample("inbound_call_start", agentname="changed"))
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json(), {"status": "duplicate", "event_id": first.json()["event_id"]})
        self.assertEqual(self.state(), before)
        hangup = self.post(sample("inbound_answered_hangup"))
        self.assertEqual(hangup.status_code, 202, "the hangup of the same call is another event")

    def test_both_phases_over_http_make_one_call_record(self):
        for name in ("inbound_answered_hangup", "inbound_call_start", "inbound_answered_hangup"):
            self.post(sample(name))
        jobs = self.env["queue.job"].search([("method_name", "=", "_process_batch"), ("state", "=", "pending")])
        self.assertEqual(len(jobs), 1, "both events of the call wait for the same batch job")
        Job.load(self.env, jobs.uuid).perform()
        record = self.record_of("MC-20251113-000123")
        self.assertEqual(len(record), 1)
        self.assertEqual(record.state, "completed")
        self.assertEqual(len(record.event_ids), 2)
        self.assertEqual(set(record.event_ids.mapped("state")), {"done"})

    def test_token_in_the_query_string(self):
        response = self.post(sample("titlecase_shape"), token=None, query=f"?token={TOKEN}")
        self.assertEqual(response.status_code, 202, response.text)
        event = self.env["mcube.event"].browse(response.json()["event_id"])
        self.assertEqual((event.call_id, event.phase), ("TC-7781", "hangup"))

    def test_token_never_reaches_the_access_log(self):
        record = logging.LogRecord(
            "werkzeug",
            logging.INFO,
            __file__,
            1,
            '"%s" %s %s',
            (f"POST {WEBHOOK}?a=1&token={TOKEN} HTTP/1.1", "202", "-"),
            None,
        )
        RedactWebhookToken().filter(record)
        self.assertNotIn(TOKEN, record.getMessage())
        self.assertIn(f"{WEBHOOK}?a=1&token=***", record.getMessage())

    def test_the_log_filter_is_installed_once_by_the_post_load_hook(self):
        self.assertEqual(get_manifest("mcube_integration")["post_load"], "post_load")
        post_load()  # Odoo runs it once per process; running it again adds nothing
        filters = [type(f) for f in logging.getLogger("werkzeug").filters]
        self.assertEqual(filters.count(RedactWebhookToken), 1)

    def test_form_body_is_accepted_and_kept_as_received(self):
        form = sample("outbound_noanswer")
        response = self.post(form, content_type="application/x-www-form-urlencoded")
        self.assertEqual(response.status_code, 202, response.text)
        event = self.env["mcube.event"].browse(response.json()["event_id"])
        self.assertEqual(event.payload, urlencode(form))
        self.assertEqual(event.content_type, "application/x-www-form-urlencoded")
        job = self.env["queue.job"].search([("identity_key", "=", self.batch_key(event))])
        Job.load(self.env, job.uuid).perform()
        record = self.record_of("MC-20251113-000987")
        self.assertEqual(
            (record.phone_number, record.status, record.direction), ("+919876500011", "no_answer", "outbound")
        )

    def test_400_malformed_bodies_change_nothing(self):
        before = self.state()
        cases = [
            ("{not json", "Malformed JSON"),
            ("[1, 2, 3]", "must be an object"),
            ('"callid"', "must be an object"),
            ("{}", "call id is missing"),
            (json.dumps({"callto": "9876543210"}), "call id is missing"),
            (json.dumps({"callid": ["MC-1"]}), "callid"),
            (json.dumps({"callid": "MC-1", "answeredtime": "soon"}), "answeredtime"),
            (json.dumps({"callid": "MC-1", "starttime": "13/11/2025"}), "starttime"),
            (json.dumps({"callid": "MC-1", "agentname": {"first": "Priya"}}), "agentname"),
            (json.dumps({"callid": "MC-\ud800"}), "callid"),
            (json.dumps({"callid": "MC-1", "answeredtime": "\u00b2"}), "answeredtime"),
            ('{"callid": "MC-1", "x": ' + "[" * 30000 + "]" * 30000 + "}", "nested too deeply"),
            (b"\xff\xfe{}", "UTF-8"),
        ]
        for body, message in cases:
            self.assert_refused(self.post(body), 400, message)
        self.assert_refused(
            self.post({"callto": "9876543210"}, content_type="application/x-www-form-urlencoded"), 400, "call id"
        )
        self.assertEqual(self.state(), before)

    def test_401_without_a_configured_token_or_with_a_wrong_one(self):
        before = self.state()
        self.assert_refused(self.post(sample("inbound_call_start"), token=None), 401, "token")
        self.assert_refused(self.post(sample("inbound_call_start"), token="wrong"), 401, "token")
        self.assert_refused(self.post(sample("inbound_call_start"), token=None, query="?token=wrong"), 401, "token")
        self.assert_refused(self.post(sample("inbound_call_start"), token=TOKEN + "x"), 401, "token")
        self.env.company.mcube_webhook_token = False
        self.assert_refused(self.post(sample("inbound_call_start")), 401, "token")
        self.assert_refused(self.post(sample("inbound_call_start"), token=None, query="?token="), 401, "token")
        self.assertEqual(self.state(), before)

    def test_403_outside_the_ip_allow_list(self):
        before = self.state()
        self.env.company.mcube_allowed_ips = "10.0.0.0/8, 192.0.2.1"
        self.assert_refused(self.post(sample("inbound_call_start")), 403, "address")
        self.assertEqual(self.state(), before)
        self.env.company.mcube_allowed_ips = "10.0.0.0/8, 127.0.0.1"
        self.assertEqual(self.post(sample("inbound_call_start")).status_code, 202)

    def test_ip_allow_list_uses_the_proxy_address_only_in_proxy_mode(self):
        self.env.company.mcube_allowed_ips = "203.0.113.0/24"
        forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "odoo.example.com"}
        self.assert_refused(self.post(sample("inbound_call_start"), headers=forwarded), 403, "address")
        with patch.dict(config.options, proxy_mode=True):
            response = self.post(sample("inbound_call_start"), headers=forwarded)
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(self.env["mcube.event"].browse(response.json()["event_id"]).remote_addr, "203.0.113.9")

    def test_413_for_bodies_over_64_kib(self):
        before = self.state()
        big = json.dumps({"callid": "BIG-1", "agentname": "x" * MAX_BODY_BYTES})
        self.assert_refused(self.post(big), 413, "larger than")
        big_form = {"callid": "BIG-2", "agentname": "x" * MAX_BODY_BYTES}
        self.assert_refused(self.post(big_form, content_type="application/x-www-form-urlencoded"), 413, "larger")
        # No Content-Length (chunked): the length actually read is checked. The body goes in one
        # write: the server answers without reading its end, and a client still writing would
        # get a broken pipe instead of the answer.
        body = b'{"callid": "BIG-3", "agentname": "' + b"x" * MAX_BODY_BYTES + b'"}'
        status, content_type, answer = send_chunked([b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)])
        self.assertEqual((status, content_type), (413, "application/json; charset=utf-8"), answer)
        self.assertIn("larger than", answer["error"])
        self.assertEqual(self.state(), before)
        exactly = json.dumps({"callid": "FIT-1", "agentname": ""})
        exactly = exactly.replace('""', '"' + "x" * (MAX_BODY_BYTES - len(exactly)) + '"')
        self.assertEqual(len(exactly), MAX_BODY_BYTES)
        self.assertEqual(self.post(exactly).status_code, 202)

    def test_415_for_other_content_types(self):
        before = self.state()
        self.assert_refused(self.post("callid=MC-1", content_type="text/plain"), 415, "application/json")
        self.assert_refused(self.post("<callid>MC-1</callid>", content_type="application/xml"), 415, "xml")
        self.assert_refused(self.post("callid=MC-1", content_type=""), 415, "application/json")
        self.assertEqual(self.state(), before)

    @mute_logger("odoo.addons.mcube_integration.controllers.mcube_integration")
    def test_503_when_the_database_fails_during_the_request(self):
        before = self.state()
        lost = psycopg2.OperationalError("server closed the connection unexpectedly")
        with patch.object(type(self.env["mcube.event"]), "_ingest", side_effect=lost):
            response = self.post(sample("inbound_call_start"))
        self.assert_refused(response, 503, "unavailable")
        self.assertEqual(response.headers["Retry-After"], "30")
        self.assertEqual(self.state(), before)

    @mute_logger("odoo.addons.mcube_integration.controllers.mcube_integration")
    def test_503_when_the_commit_fails(self):
        """The webhook commits before it answers: a commit the database drops is a 503 MCUBE
        retries, never an 'accepted' for an event that was not stored. (The second commit is
        Odoo's own after the request, which a broken connection skips.)"""
        dropped = [psycopg2.OperationalError("server closed the connection unexpectedly"), None]
        with patch.object(TestCursor, "commit", side_effect=dropped) as commit:
            response = self.post(sample("inbound_call_start"))
        self.assert_refused(response, 503, "unavailable")
        self.assertEqual(commit.call_count, 2)
        self.assertEqual(self.env["mcube.event"].search_count([("call_id", "=", "MC-20251113-000123")]), 0)

    @mute_logger("odoo.http")
    def test_503_when_the_database_is_down(self):
        """Odoo serves requests it cannot open the database for from the server-wide modules'
        auth='none' routes: with mcube_integration server-wide, MCUBE gets a 503 to retry."""
        down = patch.object(Registry, "check_signaling", side_effect=psycopg2.OperationalError("connection refused"))
        wide = [m for m in odoo.conf.server_wide_modules if m != "mcube_integration"]
        root = odoo.http.root
        try:
            with down, patch.object(odoo.conf, "server_wide_modules", [*wide, "mcube_integration"]):
                root.__dict__.pop("nodb_routing_map", None)
                response = self.post(sample("inbound_call_start"))
            self.assert_refused(response, 503, "unavailable")
            with down, patch.object(odoo.conf, "server_wide_modules", wide):
                root.__dict__.pop("nodb_routing_map", None)
                response = self.post(sample("inbound_call_start"))
            self.assertEqual(response.status_code, 404, "not server-wide: Odoo's 404")
        finally:
            root.__dict__.pop("nodb_routing_map", None)
        self.assertEqual(self.env["mcube.event"].search_count([("call_id", "=", "MC-20251113-000123")]), 0)
