"""MCUBE webhook helpers shared by the end-to-end tests and the benchmarks."""

import json
import secrets
import time
import uuid

import requests

EVENT_MODEL = "mcube.event"
RECORD_MODEL = "mcube.call.record"


def configure(rpc, **settings):
    """Set MCUBE settings of the admin's company, as an admin would in Settings."""
    company = rpc.call("res.users", "search_read", [("login", "=", "admin")], ["company_id"])[0]["company_id"][0]
    rpc.call("res.company", "write", [company], settings)


def configure_token(rpc, token=None):
    """Set a fresh webhook token as an admin would in Settings; returns it."""
    token = token or secrets.token_urlsafe(24)
    configure(rpc, mcube_webhook_token=token)
    return token


def event(callid, phase="hangup", number="9876543210", did="8045678901", **extra):
    """A lowercase-shape MCUBE event like the samples: a call start, or a hangup with its outcome."""
    payload = {
        "callid": callid,
        "starttime": "2025-11-13 14:30:05",
        "callto": number,
        "clicktocalldid": did,
        "emp_phone": "9123456780",
        "agentname": "Priya Sharma",
        "direction": "inbound",
        "dialstatus": "",
    }
    if phase == "hangup":
        payload.update(
            endtime="2025-11-13 14:33:07",
            dialstatus="ANSWER",
            answeredtime="00:03:02",
            disconnectedby="Customer",
            filename=f"https://recordings.example.com/{callid}.wav",
        )
    payload.update(extra)
    return payload


def post(url, token, payload, timeout=30):
    return requests.post(
        f"{url}/mcube/webhook",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json", "X-MCUBE-Token": token},
        timeout=timeout,
    )


def wait_for_drain(rpc, timeout=180):
    """Wait until no event is pending; returns the count of events by state."""
    deadline = time.monotonic() + timeout
    while True:
        groups = rpc.call(EVENT_MODEL, "read_group", [], ["state"], ["state"], lazy=False)
        states = {g["state"]: g["__count"] for g in groups}
        if not states.get("pending") or time.monotonic() > deadline:
            return states
        time.sleep(1)


def records_by_callid(rpc, callids):
    rows = rpc.call(RECORD_MODEL, "search_read", [("call_id", "in", list(callids))], ["call_id"])
    counts = {}
    for row in rows:
        counts[row["call_id"]] = counts.get(row["call_id"], 0) + 1
    return counts


def wait_for_events(rpc, event_ids, timeout=180):
    """Wait until none of these events is pending (bounded); returns {id: {state, call_record_id,
    last_error}} as read last, so a caller can tell done from failed and show why."""
    ids = sorted(set(event_ids))
    deadline = time.monotonic() + timeout
    while True:
        rows = {}
        for start in range(0, len(ids), 2000):
            batch = ids[start : start + 2000]
            for row in rpc.call(
                EVENT_MODEL, "search_read", [("id", "in", batch)], ["state", "call_record_id", "last_error"]
            ):
                rows[row["id"]] = row
        pending = [i for i in ids if rows.get(i, {}).get("state") == "pending"]
        if not pending or time.monotonic() > deadline:
            return rows
        time.sleep(1)


def chunked(data, size=4096):
    """The body as a generator, which `requests` sends with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def create_user(admin, groups, **values):
    """A user with these group xml ids, whose password is its login; returns the login. It has an
    e-mail address: the chatter needs one for its author (log_call posts a note)."""
    login = f"user-{uuid.uuid4().hex[:8]}"
    group_ids = [admin.call("ir.model.data", "check_object_reference", *g.split("."))[1] for g in groups]
    admin.call(
        "res.users",
        "create",
        {
            "name": login,
            "login": login,
            "password": login,
            "email": f"{login}@example.com",
            "groups_id": [(6, 0, group_ids)],
            **values,
        },
    )
    return login
