"""The suite runs on a real Odoo server with prefork workers and the queue_job runner."""

import time


def test_both_modules_are_installed(odoo_server):
    rpc = odoo_server.session()
    modules = rpc.call(
        "ir.module.module",
        "search_read",
        [("name", "in", ["cold_call_dialer", "mcube_integration", "queue_job"])],
        ["name", "state"],
    )
    assert {m["name"]: m["state"] for m in modules} == {
        "cold_call_dialer": "installed",
        "mcube_integration": "installed",
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
