"""The suite runs on a real Odoo server with prefork workers and the queue_job runner."""

import json
import time

import requests
import websocket
from odoo_server import SUITE


def test_the_suite_is_installed(odoo_server):
    rpc = odoo_server.session()
    modules = rpc.call("ir.module.module", "search_read", [("name", "in", SUITE)], ["name", "state"])
    assert {m["name"]: m["state"] for m in modules} == {
        "cold_call_phone": "installed",
        "cold_call_audio": "installed",
        "cold_call_dialer": "installed",
        "mcube_integration": "installed",
        "cold_call_dialer_mcube": "installed",
        "queue_job": "installed",
    }


def test_job_runner_serves_the_database(odoo_server):
    expected = f"queue job runner ready for db {odoo_server.db}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(odoo_server.log_path, encoding="utf-8", errors="replace") as log:
            if expected in log.read():
                return
        time.sleep(0.5)
    raise AssertionError(f"the job runner never said '{expected}'")


def test_gevent_process_serves_and_stays_up(odoo_server):
    """Odoo's gevent process (websockets, longpolling) answers and is not respawned over a few seconds."""
    health = requests.get(f"{odoo_server.gevent_url}/websocket/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "pass"}, health.text
    assert odoo_server.gevent_pid, "start() found no gevent process"
    pids = set()
    for _ in range(10):
        pids.add(odoo_server.current_gevent_pid())
        time.sleep(0.5)
    assert pids == {odoo_server.gevent_pid}, f"the gevent process changed: {pids}; see {odoo_server.log_path}"
    assert odoo_server.gevent_problems() == []


def test_websocket_upgrades_with_the_user_session(odoo_server):
    """A logged-in user's websocket on the gevent port is upgraded (101) and acts as that user."""
    rpc = odoo_server.session()
    uid = rpc.call("res.users", "search", [("login", "=", "admin")])[0]
    rpc.call("bus.presence", "unlink", rpc.call("bus.presence", "search", [("user_id", "=", uid)]))
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{odoo_server.gevent_port}/websocket",
        # Odoo 17 requires an Origin header; a browser sends the address it loaded the web client from.
        origin=odoo_server.gevent_url,
        cookie=f"session_id={rpc.http.cookies['session_id']}",
        timeout=10,
    )
    try:
        assert ws.getstatus() == 101
        # update_presence is served as the session's user: it creates that user's bus.presence row.
        ws.send(
            json.dumps(
                {"event_name": "update_presence", "data": {"inactivity_period": 0, "im_status_ids_by_model": {}}}
            )
        )
        deadline = time.monotonic() + 15
        while not rpc.call("bus.presence", "search", [("user_id", "=", uid)]):
            assert time.monotonic() < deadline, "the websocket message was not served as the logged-in user"
            time.sleep(0.3)
    finally:
        ws.close()
