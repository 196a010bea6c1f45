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
    yield server
    # raises GeventProblem (an error at teardown, which fails scripts/test) when the server's gevent
    # process (websockets) crashed or was respawned since its last start
    server.stop()
