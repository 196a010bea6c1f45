"""A real Odoo server (prefork workers + queue_job runner) for end-to-end tests and benchmarks.

scripts/test and scripts/bench set the ODOO_* variables this module reads.
"""

import os
import signal
import socket
import subprocess
import time

import requests


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_options(db_port=None):
    """The command-line options scripts/common.sh gives Odoo on this machine."""
    return [
        "-c",
        os.environ["ODOO_CONF"],
        f"--addons-path={os.environ['ODOO_ADDONS_PATH']}",
        f"--data-dir={os.environ['ODOO_DATA_DIR']}",
        f"--db_host={os.environ.get('PGHOST', 'localhost')}",
        f"--db_port={db_port or os.environ.get('PGPORT', '5432')}",
        f"--db_user={os.environ.get('PGUSER', 'odoo')}",
        f"--db_password={os.environ.get('PGPASSWORD', 'odoo')}",
    ]


class OdooServer:
    """An Odoo server process with the prefork workers and job runner of odoo.conf, started and stopped by tests."""

    def __init__(self, db, log_path, db_port=None, extra_args=(), env=None):
        self.db = db
        self.extra_args = list(extra_args)
        self.env = {**os.environ, **(env or {})}
        self.db_port = db_port or os.environ.get("PGPORT", "5432")
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def command(self):
        return [
            os.environ["ODOO_PYTHON"],
            f"{os.environ['ODOO_SRC']}/odoo-bin",
            *odoo_options(self.db_port),
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            "--max-cron-threads=1",
            "--log-level=info",
            *self.extra_args,
        ]

    def start(self, timeout=60):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=self.env
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if requests.get(f"{self.url}/web/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"Odoo did not answer within {timeout}s; see {self.log_path}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def session(self, login="admin", password="admin"):
        """A requests session logged in through the web client's JSON-RPC route."""
        http = requests.Session()
        answer = http.post(
            f"{self.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.db, "login": login, "password": password},
            },
            timeout=30,
        ).json()
        assert "error" not in answer, answer
        return JsonRpc(http, self.url)


class JsonRpc:
    """ORM calls over /web/dataset/call_kw, as the web client makes them."""

    def __init__(self, http, url):
        self.http = http
        self.url = url

    def call(self, model, method, *args, **kwargs):
        answer = self.http.post(
            f"{self.url}/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=60,
        ).json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]
