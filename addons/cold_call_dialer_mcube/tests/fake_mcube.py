"""A fake MCUBE for the tests and the tours: a small HTTP server on 127.0.0.1 that answers
click-to-call and call-release requests the way the set ``mode`` says, keeps what it
received, and posts the call's events to a webhook as MCUBE would.

Modes: ok_json (JSON with a callid), ok_text (a text answer), refusal (MCUBE's known refusal
text), client_error (HTTP 400 echoing the request, token included), server_error (HTTP 503),
garbage (HTTP 200 with binary bytes), slow (answers after ``delay`` seconds), closed (the
port is closed: connection refused)."""

import contextlib
import json
import socket
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import requests

MODES = ("ok_json", "ok_text", "refusal", "client_error", "server_error", "garbage", "slow", "closed")
REFUSAL_TEXT = "Invalid Request or Executive is not opted for Outbound Calls or agent is in oncall"
INDIA = ZoneInfo("Asia/Kolkata")
RELEASE_PATH = "/hangup-api/call-release"


class FakeMcube:
    """Start with ``start()`` (or as a context manager), point the click-to-call setting at
    ``url`` (and the hang-up setting at ``release_url``), set ``mode``; ``requests`` lists the
    click-to-call bodies received, ``releases`` the call releases."""

    def __init__(self, mode="ok_json", delay=1.0):
        self.mode = mode
        self.delay = delay
        self.requests = []
        self.releases = []
        self.calls = 0
        self._server = None
        self._thread = None
        self._closed_port = None

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                received = fake.releases if self.path.endswith(RELEASE_PATH) else fake.requests
                try:
                    received.append(json.loads(raw))
                except ValueError:
                    received.append(raw)
                status, content_type, body = fake._answer(raw)
                # In slow mode the client gave up waiting: writing then fails, quietly.
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args):
                """Quiet: the test log is no place for the fake's access log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        """The click-to-call address; in closed mode, a local port nothing listens on."""
        if self.mode == "closed":
            if self._closed_port is None:
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    self._closed_port = probe.getsockname()[1]
            return f"http://127.0.0.1:{self._closed_port}/Restmcube-api/outbound-calls"
        return f"http://127.0.0.1:{self._server.server_address[1]}/Restmcube-api/outbound-calls"

    @property
    def release_url(self):
        return self.url.replace("/Restmcube-api/outbound-calls", RELEASE_PATH)

    @property
    def last_request(self):
        return self.requests[-1] if self.requests else None

    def _answer(self, raw):
        """(HTTP status, content type, body bytes) for the current mode."""
        self.calls += 1
        call_id = f"FAKE-{self.calls:04d}"
        if self.mode == "ok_json":
            return 200, "application/json", json.dumps({"status": "success", "callid": call_id}).encode()
        if self.mode == "ok_text":
            return 200, "text/plain", f"Call initiated. monitorUcid: {call_id}".encode()
        if self.mode == "refusal":
            return 200, "text/html", REFUSAL_TEXT.encode()
        if self.mode == "client_error":
            echo = raw.decode("utf-8", "replace")
            return 400, "application/json", json.dumps({"error": "Bad request", "received": echo}).encode()
        if self.mode == "server_error":
            return 503, "text/html", b"<html><body><h1>503 Service Unavailable</h1></body></html>"
        if self.mode == "garbage":
            return 200, "application/octet-stream", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage"
        if self.mode == "slow":
            time.sleep(self.delay)
            return 200, "application/json", json.dumps({"callid": call_id}).encode()
        raise ValueError(f"unknown fake MCUBE mode {self.mode!r}: pick one of {', '.join(MODES)}")

    def post_call_events(
        self,
        webhook_url,
        token,
        refid,
        status="ANSWER",
        duration=42,
        recording_url="https://recordings.example.com/fake-call.wav",
        call_id=None,
        after_start=None,
    ):
        """Post the call-start and hangup events of the call with this ``refid`` to the
        webhook, as MCUBE does: the numbers are the last request's (10 digits), the times
        India local time. ``status`` is the dial status (ANSWER, NoAnswer, Busy...);
        ``after_start(response)`` runs between the two. Returns the two HTTP responses."""
        request = next((body for body in reversed(self.requests) if isinstance(body, dict)), {})
        call_id = call_id or f"FAKE-CALL-{refid}"
        end = datetime.now(INDIA).replace(tzinfo=None, microsecond=0)
        answered = status.upper().startswith("ANSWER")
        start = end - timedelta(seconds=duration if answered else 0)
        common = {
            "callid": call_id,
            "starttime": start.strftime("%Y-%m-%d %H:%M:%S"),
            "callto": request.get("custnumber", ""),
            "emp_phone": request.get("exenumber", ""),
            "agentname": "Fake Agent",
            "direction": "outbound",
            "refid": refid,
        }
        hangup = {
            **common,
            "endtime": end.strftime("%Y-%m-%d %H:%M:%S"),
            "dialstatus": status,
            "answeredtime": duration if answered else 0,
            "filename": recording_url if answered else "",
            "disconnectedby": "Customer",
        }
        headers = {"X-MCUBE-Token": token}
        started = requests.post(webhook_url, json={**common, "dialstatus": ""}, headers=headers, timeout=10)
        if after_start:
            after_start(started)  # e.g. let the call ring a while
        return [started, requests.post(webhook_url, json=hangup, headers=headers, timeout=10)]
