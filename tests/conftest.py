"""End-to-end fixtures on the test database that scripts/test creates with both modules installed."""

import os
from pathlib import Path

import pytest
from odoo_server import OdooServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def odoo_db():
    db = os.environ.get("ODOO_TEST_DB")
    if not db:
        pytest.fail("ODOO_TEST_DB is not set: run the end-to-end tests through scripts/test")
    return db


@pytest.fixture(scope="session")
def odoo_server(odoo_db, tmp_path_factory):
    log_dir = Path(os.environ.get("LOG_DIR", ROOT / "test-logs"))
    log_dir.mkdir(exist_ok=True)
    server = OdooServer(odoo_db, log_dir / "odoo-e2e.log").start()
    # The tests call at any hour: the calling window is test_compliance.py's subject. Their MCUBE
    # events link recordings on hosts that do not exist: test_recordings.py keeps recordings in Odoo.
    admin = server.session()
    companies = admin.call("res.company", "search", [])
    admin.call(
        "res.company",
        "write",
        companies,
        {"cold_call_window_start": 0.0, "cold_call_window_end": 24.0, "mcube_recording_storage": "link"},
    )
    yield server
    # raises GeventProblem (an error at teardown, which fails scripts/test) when the server's gevent
    # process (websockets) crashed or was respawned since its last start
    server.stop()
