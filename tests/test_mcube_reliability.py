"""Crashes, database restarts and replays: every acknowledged MCUBE event becomes exactly one call record."""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from mcube import configure_token, event, post, records_by_callid, wait_for_drain
from odoo_server import OdooServer, free_port

ROUTE_FALLBACK = "9888877777"


@pytest.fixture
def token(odoo_server):
    return configure_token(odoo_server.session())


def _deliver_until_acknowledged(url, token, payload, attempts=60):
    """MCUBE's behaviour: deliver again until the answer is 2xx; returns True once acknowledged."""
    for _ in range(attempts):
        try:
            if post(url, token, payload, timeout=10).status_code in (200, 202):
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def test_kill_9_while_processing_loses_and_doubles_nothing(odoo_server, token):
    callids = [f"KILL-{uuid.uuid4().hex[:8]}-{i:03d}" for i in range(240)]
    acknowledged = []

    def deliver(callid):
        time.sleep(callids.index(callid) / 30)  # about 30 events a second, spread over the kills
        if _deliver_until_acknowledged(odoo_server.url, token, event(callid)):
            acknowledged.append(callid)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(deliver, callid) for callid in callids]
        for _ in range(3):
            time.sleep(3)
            odoo_server.stop(signal.SIGKILL)
            odoo_server.start()
        for future in futures:
            future.result()

    rpc = odoo_server.session()
    states = wait_for_drain(rpc)
    assert not states.get("pending"), states
    assert sorted(acknowledged) == sorted(callids)
    counts = records_by_callid(rpc, callids)
    assert counts == dict.fromkeys(callids, 1)


def test_replayed_and_simultaneous_deliveries_give_one_record(odoo_server, token):
    callids = [f"REPLAY-{uuid.uuid4().hex[:8]}-{i}" for i in range(10)]
    for callid in callids:
        answers = [post(odoo_server.url, token, event(callid)).status_code for _ in range(3)]
        assert answers == [202, 200, 200], (callid, answers)

    burst = f"BURST-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(10)

    def deliver(_):
        barrier.wait()
        return post(odoo_server.url, token, event(burst)).status_code

    with ThreadPoolExecutor(10) as pool:
        answers = sorted(pool.map(deliver, range(10)))
    assert answers == [200] * 9 + [202], answers

    rpc = odoo_server.session()
    assert not wait_for_drain(rpc).get("pending")
    assert records_by_callid(rpc, [*callids, burst]) == dict.fromkeys([*callids, burst], 1)
    events = rpc.call("mcube.event", "search_count", [("call_id", "in", [*callids, burst])])
    assert events == len(callids) + 1


class PrivateCluster:
    """A throwaway PostgreSQL cluster holding a copy of the test database, so it can be stopped at will."""

    def __init__(self, db):
        self.db = db
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.dir = tempfile.mkdtemp(prefix="coldcall-pg-")
        self.port = str(free_port())
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres")

    def _pg(self, *args):
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True)

    def create(self):
        self._pg(f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "odoo")
        self.start()
        local = {"PGHOST": "127.0.0.1", "PGPORT": self.port, "PGUSER": "odoo"}
        subprocess.run(["createdb", self.db], check=True, env={**os.environ, **local})
        dump = subprocess.Popen(["pg_dump", "-Fc", "-d", self.db], stdout=subprocess.PIPE)
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", self.db], stdin=dump.stdout, check=True, env={**os.environ, **local}
        )
        assert dump.wait() == 0

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg(f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-o", options, "-l", f"{self.dir}/log", "-w", "start")

    def stop(self):
        self._pg(f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def server_on_private_cluster(odoo_server, odoo_db, tmp_path):
    odoo_server.stop()  # one job runner per database at a time
    cluster = PrivateCluster(odoo_db)
    server = None
    conf = tmp_path / "odoo.conf"
    conf.write_text(
        Path(os.environ["ODOO_CONF"])
        .read_text()
        .replace("mcube_route_fallback_answer =", f"mcube_route_fallback_answer = {ROUTE_FALLBACK}")
    )
    try:
        cluster.create()
        server = OdooServer(
            odoo_db,
            odoo_server.log_path.with_name("odoo-db-restart.log"),
            db_port=cluster.port,
            extra_args=["-c", str(conf)],
        )
        yield server.start(), cluster
    finally:
        if server:
            server.stop()
        cluster.destroy()
        odoo_server.start()


def test_database_restart_under_load_answers_503_then_processes_everything(server_on_private_cluster):
    server, cluster = server_on_private_cluster
    token = configure_token(server.session())
    answers = []  # (sent at, answered at, callid, status or None)
    stop_sending = threading.Event()

    def load():
        i = 0
        with ThreadPoolExecutor(8) as pool:
            while not stop_sending.is_set():
                callid = f"PGRESTART-{uuid.uuid4().hex[:8]}-{i}"
                pool.submit(send, callid)
                i += 1
                time.sleep(1 / 20)

    def send(callid):
        sent = time.monotonic()
        try:
            status = post(server.url, token, event(callid), timeout=20).status_code
        except requests.RequestException:
            status = None
        answers.append((sent, time.monotonic(), callid, status))

    sender = threading.Thread(target=load)
    sender.start()
    time.sleep(4)
    cluster.stop()
    down_from = time.monotonic()
    time.sleep(3)
    # MCUBE's routing request still gets a number to ring
    routed = requests.get(f"{server.url}/mcube/route", params={"caller": "9811100001"}, timeout=20)
    assert (routed.status_code, routed.text) == (200, ROUTE_FALLBACK)
    time.sleep(3)
    down_until = time.monotonic()
    cluster.start()
    time.sleep(8)
    stop_sending.set()
    sender.join()

    statuses = {status for *_, status in answers}
    assert statuses <= {200, 202, 503}, statuses
    during_outage = [status for sent, answered, _, status in answers if sent > down_from and answered < down_until]
    assert during_outage and set(during_outage) == {503}, during_outage
    assert any(status == 202 for sent, *_, status in answers if sent > down_until + 3), "no event accepted after"

    acknowledged = [callid for *_, callid, status in answers if status in (200, 202)]
    rpc = server.session()
    states = wait_for_drain(rpc)
    assert not states.get("pending"), states
    assert records_by_callid(rpc, acknowledged) == dict.fromkeys(acknowledged, 1)
