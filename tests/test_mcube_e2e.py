"""MCUBE webhook end to end: a real Odoo with workers and the queue_job runner, over HTTP.

Every delivery must end up exactly once as a call record, whatever the order of the two
phases of a call. Crashes, database restarts, simultaneous replays and fuzzing are in
test_mcube_reliability.py and test_mcube_hostile.py.
"""

import json
import random
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from mcube import configure, configure_token, event, post

EVENT = "mcube.event"
RECORD = "mcube.call.record"
DRAIN_TIMEOUT = 240


@pytest.fixture(scope="module")
def rpc(odoo_server):
    """Admin settings as in the samples: India, Kolkata time, the demo user owns the DID."""
    rpc = odoo_server.session()
    india = rpc.call("res.country", "search", [("code", "=", "IN")])[0]
    configure(rpc, mcube_country_id=india, mcube_timezone="Asia/Kolkata")
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
