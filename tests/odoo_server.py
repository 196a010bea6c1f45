"""A real Odoo server (prefork workers + queue_job runner) for end-to-end tests and benchmarks.

scripts/test and scripts/bench set the ODOO_* variables this module reads.
"""

import os
import re
import signal
import socket
import subprocess
import time

import psutil
import requests

# The modules scripts/common.sh installs, and queue_job they run on: what every database of the suite has.
SUITE = [
    "cold_call_phone",
    "cold_call_audio",
    "cold_call_dialer",
    "mcube_integration",
    "cold_call_dialer_mcube",
    "queue_job",
]


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


class GeventProblem(AssertionError):
    """The gevent process (websocket/longpolling) of a server did not stay up."""


# What the gevent process logs each time it starts (odoo/service/server.py, GeventServer.start): the prefork
# main process respawns it silently when it dies, so a second line means it died. Its crash at import time
# (e.g. pkg_resources.DistributionNotFound) is a bare traceback on stderr, which goes to the same log.
GEVENT_STARTED = "Evented Service (longpolling) running on"
GEVENT_CRASHED = "Evented Service (longpolling): uncaught error during main loop"
TRACEBACK = "Traceback (most recent call last):"
# Odoo's log line of a request: "METHOD path HTTP/x" status - SQL queries, SQL time, other time
REQUEST_LINE = re.compile(r'"[A-Z]+ (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) - (?P<queries>\d+) ')


def traceback_blocks(lines):
    """Each traceback in the log lines: its frames and the exception line that ends it."""
    for start, line in enumerate(lines):
        if line.startswith(TRACEBACK):
            end = start + 1
            while end < len(lines) and (lines[end][:1].isspace() or not lines[end].strip()):
                end += 1
            yield lines[start : end + 1]


class OdooServer:
    """An Odoo server process with the prefork workers and job runner of odoo.conf, started and stopped by tests.

    Its gevent process (websocket and longpolling, on ``gevent_port``) must stay up: ``start()`` waits until
    it serves, and ``stop()`` raises ``GeventProblem`` after stopping the server when it died or was respawned.
    """

    def __init__(self, db, log_path, db_port=None, extra_args=(), env=None):
        self.db = db
        self.extra_args = list(extra_args)
        self.env = {**os.environ, **(env or {})}
        self.db_port = db_port or os.environ.get("PGPORT", "5432")
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.gevent_port = free_port()
        while self.gevent_port == self.port:
            self.gevent_port = free_port()
        self.gevent_url = f"http://127.0.0.1:{self.gevent_port}"
        self.proc = None
        self.gevent_pid = None
        self._log_offset = 0

    def command(self):
        return [
            os.environ["ODOO_PYTHON"],
            f"{os.environ['ODOO_SRC']}/odoo-bin",
            *odoo_options(self.db_port),
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            f"--http-port={self.port}",
            f"--gevent-port={self.gevent_port}",
            "--max-cron-threads=1",
            "--log-level=info",
            *self.extra_args,
        ]

    def start(self, timeout=90):
        """Start Odoo and wait until both the HTTP workers and the gevent process answer."""
        self._log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        self.gevent_pid = None
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=self.env
            )
        deadline = time.monotonic() + timeout
        try:
            self._wait_until_healthy(f"{self.url}/web/health", deadline, "Odoo")
            # gevent_problems() stops the wait at the first crash instead of letting the main process respawn it
            gevent_health = f"{self.gevent_url}/websocket/health"
            self._wait_until_healthy(gevent_health, deadline, "Odoo's gevent process", self.gevent_problems)
            self.gevent_pid = self.current_gevent_pid()
            if not self.gevent_pid:
                raise RuntimeError(f"Odoo's gevent process answered but is gone; see {self.log_path}")
        except BaseException:
            self._kill()
            raise
        return self

    def _wait_until_healthy(self, url, deadline, what, problems=lambda: []):
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.proc.returncode}; see {self.log_path}")
            if found := problems():
                raise RuntimeError(f"{what} does not start: {'; '.join(found)}; see {self.log_path}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        found = "; ".join(self.gevent_problems())
        raise RuntimeError(f"{what} did not answer {url} in time{': ' + found if found else ''}; see {self.log_path}")

    def current_gevent_pid(self):
        """The pid of the gevent process (``odoo-bin gevent ...``, spawned by the main process), or None."""
        try:
            children = psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return None
        for child in children:
            try:
                if "gevent" in child.cmdline()[1:3]:
                    return child.pid
            except psutil.NoSuchProcess:
                continue
        return None

    def log_since_start(self):
        """What this server wrote to its log since the last ``start()``."""
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            return log.read().decode("utf-8", errors="replace")

    def request_queries(self, path_prefix):
        """The SQL queries of each request to a path starting with ``path_prefix`` since the last
        ``start()``, as Odoo's request log counts them."""
        return [
            int(match["queries"])
            for match in REQUEST_LINE.finditer(self.log_since_start())
            if match["path"].startswith(path_prefix)
        ]

    def gevent_problems(self):
        """Why the gevent process did not stay up since the last ``start()``: an empty list when it did."""
        problems = []
        if self.proc and self.proc.poll() is None and self.gevent_pid:
            pid = self.current_gevent_pid()
            if pid != self.gevent_pid:
                problems.append(f"the gevent process {self.gevent_pid} was replaced by {pid or 'nothing'}")
        lines = self.log_since_start().splitlines()
        starts = sum(GEVENT_STARTED in line for line in lines)
        if starts > 1:
            problems.append(f"the gevent process was started {starts} times")
        if any(GEVENT_CRASHED in line for line in lines):
            problems.append(f"the log says '{GEVENT_CRASHED}'")
        crashes = [
            block[-1].strip()
            for block in traceback_blocks(lines)
            if any(re.search(r"\bgevent\b|DistributionNotFound", line) for line in block)
        ]
        if crashes:
            problems.append(f"{len(crashes)} traceback(s) of the gevent process in the log, the last: {crashes[-1]}")
        return problems

    def stop(self, sig=signal.SIGTERM):
        """Stop the server; then raise GeventProblem if its gevent process did not stay up while it ran."""
        if not (self.proc and self.proc.poll() is None):
            return
        problems = self.gevent_problems() if self.gevent_pid else []
        self._kill(sig)
        if problems:
            raise GeventProblem(f"Odoo's gevent process did not stay up: {'; '.join(problems)}; see {self.log_path}")

    def _kill(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def session(self, login="admin", password="admin"):
        """A requests session logged in through the web client's JSON-RPC route."""
        return log_in(self.url, self.db, login, password)

    @classmethod
    def web_node(cls, db, log_path, workers=2):
        """A web node as docker-compose.yml's ``odoo`` service runs it, behind a proxy on this machine: workers
        and their gevent process with --proxy-mode, on localhost only (so nothing but the proxy reaches it), no
        cron and no job runner. --load replaces odoo.conf's server_wide_modules and leaves queue_job out, but
        mcube_integration imports queue_job's code, which hooks the runner in all the same: root:0 keeps it off."""
        return cls(
            db,
            log_path,
            extra_args=[
                f"--workers={workers}",
                "--max-cron-threads=0",
                "--proxy-mode",
                "--http-interface=127.0.0.1",
                "--load=base,web,mcube_integration",
            ],
            env={"ODOO_QUEUE_JOB_CHANNELS": "root:0"},
        )

    @classmethod
    def job_runner(cls, db, log_path, workers=2):
        """The job runner node of docker-compose.yml's ``jobrunner`` service: queue_job server-wide, its runner
        sending every job to this server's own workers, and the crons."""
        server = cls(db, log_path, extra_args=[f"--workers={workers}", "--load=base,web,queue_job,mcube_integration"])
        server.env.update(
            ODOO_QUEUE_JOB_SCHEME="http", ODOO_QUEUE_JOB_HOST="127.0.0.1", ODOO_QUEUE_JOB_PORT=str(server.port)
        )
        return server


def log_in(url, db, login="admin", password="admin"):
    """A requests session logged in at ``url`` (a server, or a proxy in front of servers) through the web
    client's JSON-RPC route."""
    http = requests.Session()
    answer = http.post(
        f"{url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": db, "login": login, "password": password},
        },
        timeout=30,
    ).json()
    assert "error" not in answer, answer
    return JsonRpc(http, url)


class JsonRpc:
    """ORM calls over /web/dataset/call_kw, as the web client makes them."""

    def __init__(self, http, url):
        self.http = http
        self.url = url

    def call(self, model, method, *args, **kwargs):
        answer = self.http.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=60,
        ).json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]
