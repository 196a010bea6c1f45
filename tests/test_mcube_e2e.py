"""MCUBE webhook end to end: a real Odoo with workers and the queue_job runner, over HTTP.

Every delivery must end up exactly once as a call record, whatever the order of the two
phases of a call, replays, concurrent identical deliveries, or a crash of Odoo mid-way.
"""

import contextlib
import json
import os
import random
import secrets
import signal
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from mcube import configure_token, event, post
from odoo_server import OdooServer, free_port

EVENT = "mcube.event"
RECORD = "mcube.call.record"
DRAIN_TIMEOUT = 240


@pytest.fixture(scope="module")
def rpc(odoo_server):
    """Admin settings as in the samples: India, Kolkata time, the demo user owns the DID."""
    rpc = odoo_server.session()
    india = rpc.call("res.country", "search", [("code", "=", "IN")])[0]
    rpc.call("ir.config_parameter", "set_param", "mcube_integration.country_id", india)
    rpc.call("ir.config_parameter", "set_param", "mcube_integration.timezone", "Asia/Kolkata")
    return rpc


@pytest.fixture(scope="module")
def salesperson(rpc):
    demo = rpc.call("res.users", "search", [("login", "=", "demo")])[0]
    rpc.call("res.users", "write", [demo], {"mcube_virtual_number": "8045678901"})
    return demo


@pytest.fixture(scope="module")
def token(rpc):
    return configure_token(rpc)


def calls(prefix, count, numbers):
    """Both phases of `count` calls from `numbers` distinct customers, in a shuffled order
    (so for about half of the calls the hangup arrives first)."""
    rng = random.Random(prefix)
    deliveries = []
    for index in range(count):
        number = str(9700000000 + int(prefix[-4:], 16) * 100 + index % numbers)
        callid = f"{prefix}-{index:04d}"
        deliveries += [event(callid, "start", number=number), event(callid, "hangup", number=number)]
    rng.shuffle(deliveries)
    return deliveries


def key(payload):
    return payload["callid"], "hangup" if "endtime" in payload else "start"


def post_all(url, token, deliveries, threads=8):
    """Post concurrently; a connection error (Odoo down) is answered None, like a timeout for MCUBE."""

    def send(payload):
        try:
            return key(payload), post(url, token, payload).status_code
        except requests.ConnectionError:
            return key(payload), None

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(send, deliveries))


def wait_until_processed(rpc, prefix, expected_events):
    """Wait (bounded) until every event of the run is stored and none is pending."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    domain = [("call_id", "=like", f"{prefix}-%")]
    while True:
        groups = rpc.call(EVENT, "read_group", domain, ["state"], ["state"], lazy=False)
        states = {group["state"]: group["__count"] for group in groups}
        if sum(states.values()) == expected_events and not states.get("pending"):
            return states
        assert time.monotonic() < deadline, f"events still pending after {DRAIN_TIMEOUT}s: {states}"
        time.sleep(1)


def check_outcome(rpc, prefix, call_count, numbers, salesperson):
    records = rpc.call(
        RECORD,
        "search_read",
        [("call_id", "=like", f"{prefix}-%")],
        ["call_id", "state", "lead_id", "user_id", "status"],
    )
    assert len(records) == call_count
    assert Counter(record["call_id"] for record in records).most_common(1)[0][1] == 1
    assert {record["state"] for record in records} == {"completed"}
    assert {record["status"] for record in records} == {"answered"}
    assert {record["user_id"] and record["user_id"][0] for record in records} == {salesperson}
    assert all(record["lead_id"] for record in records)
    leads = {record["lead_id"][0] for record in records}
    assert len(leads) == numbers, "one lead per customer number"
    events = rpc.call(EVENT, "search_count", [("call_id", "=like", f"{prefix}-%"), ("call_record_id", "!=", False)])
    assert events == 2 * call_count


def test_200_events_with_replays_and_both_orders(odoo_server, rpc, token, salesperson):
    prefix = f"E2E-{secrets.token_hex(2)}"
    deliveries = calls(prefix, 100, numbers=40)
    replays = random.Random(1).sample(deliveries, 40)
    answers = post_all(odoo_server.url, token, deliveries + replays)

    by_key = {}
    for delivery_key, status in answers:
        by_key.setdefault(delivery_key, []).append(status)
    assert len(by_key) == 200
    for delivery_key, statuses in by_key.items():
        assert sorted(statuses) == [200] * (len(statuses) - 1) + [202], (delivery_key, statuses)

    states = wait_until_processed(rpc, prefix, 200)
    assert states == {"done": 200}
    check_outcome(rpc, prefix, 100, 40, salesperson)


def test_concurrent_identical_deliveries_are_stored_once(odoo_server, rpc, token):
    prefix = f"E2E-{secrets.token_hex(2)}"
    payload = event(f"{prefix}-0000", "hangup", number="9711100000")
    answers = post_all(odoo_server.url, token, [payload] * 12, threads=12)
    assert sorted(status for _key, status in answers) == [200] * 11 + [202]
    wait_until_processed(rpc, prefix, 1)
    assert rpc.call(RECORD, "search_count", [("call_id", "=", payload["callid"])]) == 1


def test_refused_requests_store_nothing(odoo_server, rpc, token):
    prefix = f"E2E-{secrets.token_hex(2)}"
    payload = event(f"{prefix}-0000", "hangup")

    def send(body, content_type="application/json", secret=token):
        headers = {"X-MCUBE-Token": secret, "Content-Type": content_type}
        return requests.post(f"{odoo_server.url}/mcube/webhook", data=body, headers=headers, timeout=30).status_code

    assert send(json.dumps(payload), secret="wrong-token") == 401
    assert send("{oops") == 400
    assert send(json.dumps(payload), content_type="text/plain") == 415
    assert send(json.dumps({**payload, "agentname": "x" * 70000})) == 413
    assert rpc.call(EVENT, "search_count", [("call_id", "=like", f"{prefix}-%")]) == 0


def test_nothing_is_lost_when_odoo_is_killed(odoo_server, rpc, token, salesperson):
    """SIGKILL the server (workers and job runner) while events arrive and jobs run, then
    start it again and let MCUBE retry what got no answer: every event is processed once.
    Jobs caught running are requeued by queue_job's runner (dead-job requeue)."""
    prefix = f"E2E-{secrets.token_hex(2)}"
    deliveries = calls(prefix, 60, numbers=30)
    first, second = deliveries[:80], deliveries[80:]
    answers = post_all(odoo_server.url, token, first)
    assert {status for _key, status in answers} == {202}
    with ThreadPoolExecutor(1) as pool:
        late = pool.submit(post_all, odoo_server.url, token, second, 4)
        time.sleep(0.3)
        odoo_server.stop(signal.SIGKILL)
        lost = [payload for payload, (_key, status) in zip(second, late.result(), strict=True) if status is None]
    odoo_server.start()
    retried = post_all(odoo_server.url, token, lost + first)
    assert {status for _key, status in retried} <= {200, 202}
    assert all(status == 200 for (_key, status) in retried[len(lost) :]), "first batch was committed"
    rpc = odoo_server.session()
    assert wait_until_processed(rpc, prefix, 120) == {"done": 120}
    check_outcome(rpc, prefix, 60, 30, salesperson)


class ServerWithMcube(OdooServer):
    """Odoo with mcube_integration loaded server-wide, as CONFIGURE.md recommends."""

    def command(self):
        return [*super().command(), "--load=base,web,queue_job,mcube_integration"]


class TcpProxy:
    """Forwards a local port to PostgreSQL: stopping it is, for the Odoo using that port,
    PostgreSQL going down (open connections cut, new ones refused); starting it again is
    PostgreSQL back."""

    def __init__(self, host, port):
        self.target = (host, int(port))
        self.port = free_port()
        self.listener = None
        self.sockets = []

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def stop(self):
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)


def test_503_while_postgresql_is_down_then_accepted(odoo_server, rpc, token, tmp_path):
    """PostgreSQL goes away under a running Odoo: MCUBE gets 503 (retry later), nothing is
    stored; when it is back, the retried delivery is accepted and processed."""
    prefix = f"E2E-{secrets.token_hex(2)}"
    proxy = TcpProxy(os.environ.get("PGHOST", "localhost"), os.environ.get("PGPORT", "5432")).start()
    server = ServerWithMcube(odoo_server.db, tmp_path / "odoo-db-restart.log", db_port=proxy.port)
    try:
        server.start()
        assert post(server.url, token, event(f"{prefix}-0001")).status_code == 202
        proxy.stop()
        for _attempt in range(3):
            response = post(server.url, token, event(f"{prefix}-0002"))
            assert response.status_code == 503, response.text
            assert response.json() == {"error": "The database is unavailable."}
            assert response.headers["Retry-After"] == "30"
        proxy.start()
        assert post(server.url, token, event(f"{prefix}-0002")).status_code == 202
        assert post(server.url, token, event(f"{prefix}-0001")).status_code == 200
    finally:
        server.stop()
        proxy.stop()
    assert wait_until_processed(rpc, prefix, 2) == {"done": 2}
