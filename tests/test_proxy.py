"""docker/nginx.conf in front of two web nodes and one job runner on one database, as docker-compose.yml runs
them, with Debian's nginx: the webhook and its allow-list, /queue_job/, the websocket and the bus across nodes
through the proxy, and a web node killed (-9) under MCUBE's traffic."""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from mcube import (
    configure,
    configure_token,
    create_user,
    event,
    post,
    records_by_callid,
    wait_for_drain,
    wait_for_events,
)
from odoo_server import REQUEST_LINE, OdooServer, free_port, log_in
from test_live_bus import Listener

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "docker" / "nginx.conf"
POP_UP = "mcube_integration/incoming_call"
CLIENT = "127.0.0.2"  # the client's address as nginx sees it; nginx itself reaches Odoo from 127.0.0.1
KILL_EVENTS = 300


def render_nginx_conf(conf, port, web_nodes, tmp, log_dir):
    """docker/nginx.conf for nginx on this machine, changed only where Docker is named: Docker's DNS resolver
    out, an ``upstream`` of the web nodes' HTTP ports and one of their gevent ports in place of the replicas'
    name, a free port in place of 80. Each change must apply, so the test breaks when the file changes shape."""
    for pattern, replacement in (
        (r"^resolver(_timeout)? .*;\n", ""),
        (r"\blisten 80\b", f"listen 127.0.0.1:{port}"),
        (r"http://\$odoo_web:8069;", "http://odoo_http;"),
        (r"http://\$odoo_web:8072;", "http://odoo_gevent;"),
    ):
        conf, count = re.subn(pattern, replacement, conf, flags=re.M)
        assert count, f"docker/nginx.conf no longer has {pattern!r}: update render_nginx_conf()"
    upstreams = "".join(
        f"upstream {name} {{\n" + "".join(f"    server 127.0.0.1:{getattr(n, attr)};\n" for n in web_nodes) + "}\n"
        for name, attr in (("odoo_http", "port"), ("odoo_gevent", "gevent_port"))
    )
    temp_paths = "".join(
        f"{kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\npid {tmp}/nginx.pid;\nerror_log {log_dir}/nginx-error.log;\nevents {{}}\n"
        f"http {{\naccess_log {log_dir}/nginx-access.log;\n{temp_paths}{upstreams}{conf}}}\n"
    )


class Nginx:
    """Debian's nginx with docker/nginx.conf, a child of the test (never the system's service)."""

    def __init__(self, db, web_nodes, log_dir):
        self.db = db
        self.web_nodes = web_nodes
        self.log_dir = log_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # what test_live_bus.Listener opens its websocket on: here, the proxy's /websocket
        self.gevent_port, self.gevent_url = self.port, self.url
        self.dir = self.proc = None

    def session(self, login="admin", password="admin"):
        return log_in(self.url, self.db, login, password)

    def start(self, timeout=30):
        nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
        if not nginx:
            pytest.fail("nginx is not installed: ./scripts/test installs it (apt-get install nginx)")
        self.dir = tempfile.mkdtemp(prefix="coldcall-nginx-")
        os.chmod(self.dir, 0o755)  # nginx's workers (nobody, when started by root) use its temp paths
        conf = Path(self.dir, "nginx.conf")
        conf.write_text(render_nginx_conf(NGINX_CONF.read_text(), self.port, self.web_nodes, self.dir, self.log_dir))
        command = [nginx, "-e", f"{self.log_dir}/nginx-error.log", "-p", self.dir, "-c", str(conf)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, f"nginx refuses docker/nginx.conf as rendered in {conf}: {check.stderr}"
        self.proc = subprocess.Popen(command, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"nginx exited; see {self.log_dir}/nginx-error.log"
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/web/health", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        raise AssertionError(f"nginx did not answer in time; see {self.log_dir}/nginx-error.log")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def raw_request(port, method, path, headers=(), body=b"", source="127.0.0.1", host=True):
    """One HTTP/1.0 request exactly as written, from the address ``source`` (any 127.x is this machine): no
    client library normalises its path or adds a header. Returns (status, body)."""
    lines = [f"{method} {path} HTTP/1.0", *([f"Host: 127.0.0.1:{port}"] if host else []), *headers]
    lines += [f"Content-Length: {len(body)}"] if body else []
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0)) as sock:
        sock.sendall("\r\n".join([*lines, "", ""]).encode() + body)
        answer = b"".join(iter(lambda: sock.recv(65536), b""))
    head, _, content = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), content.decode(errors="replace")


def requests_to(server, path_part):
    """How many requests to a path containing ``path_part`` the server's HTTP workers logged since its start."""
    return sum(path_part in match["path"] for match in REQUEST_LINE.finditer(server.log_since_start()))


def pop_ups(listener, callid, timeout=10):
    """The incoming-call pop-ups of ``callid`` the listener got, waiting up to ``timeout`` for the first."""
    deadline = time.monotonic() + timeout
    while True:
        found = [payload for _at, payload in listener.of_type(POP_UP) if payload["call_id"] == callid]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def phone(prefix):
    """A ten-digit Indian number of its own, starting with ``prefix``."""
    return f"{prefix}{uuid.uuid4().int % 10**8:08d}"


@pytest.fixture(scope="module")
def cluster(odoo_server, odoo_db):
    """nginx, web nodes A and B (2 workers each) and the job runner node, started for this module. The session's
    server stops meanwhile: its job runner would be a second one on the database. The company's allow-list is
    this machine, as MCUBE's addresses would be in production; it is emptied again at the end."""
    log_dir = odoo_server.log_path.parent
    runner = OdooServer.job_runner(odoo_db, log_dir / "odoo-proxy-jobrunner.log")
    node_a = OdooServer.web_node(odoo_db, log_dir / "odoo-proxy-a.log")
    node_b = OdooServer.web_node(odoo_db, log_dir / "odoo-proxy-b.log")
    nginx = Nginx(odoo_db, [node_a, node_b], log_dir)

    def restart_session_server():
        odoo_server.start()
        configure(odoo_server.session(), mcube_allowed_ips=False)

    with contextlib.ExitStack() as stack:  # every stop runs, even when one of them raises
        stack.callback(restart_session_server)
        odoo_server.stop()
        for server in (runner, node_a, node_b, nginx):
            stack.callback(server.stop)
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(OdooServer.start, (runner, node_a, node_b)))
        nginx.start()
        admin = nginx.session()
        token = configure_token(admin)
        configure(admin, mcube_allowed_ips="127.0.0.1/32")
        yield SimpleNamespace(nginx=nginx, a=node_a, b=node_b, runner=runner, admin=admin, token=token)


@pytest.fixture
def allow_list(cluster):
    yield lambda networks: configure(cluster.admin, mcube_allowed_ips=networks)
    configure(cluster.admin, mcube_allowed_ips="127.0.0.1/32")


def test_an_event_through_the_proxy_is_accepted_and_processed_by_the_one_job_runner(cluster):
    """MCUBE posts to nginx; a web node accepts the event (the allow-list is this machine) and the job runner
    node, which alone runs a runner, has its own workers turn it into a call record."""
    callid = f"PROXY-{uuid.uuid4().hex[:10]}"
    answer = post(cluster.nginx.url, cluster.token, event(callid))
    assert answer.status_code == 202, answer.text
    event_id = answer.json()["event_id"]
    assert wait_for_events(cluster.admin, [event_id], timeout=60)[event_id]["state"] == "done"
    assert records_by_callid(cluster.admin, [callid]) == {callid: 1}
    assert requests_to(cluster.runner, "/queue_job/runjob") >= 1
    assert [requests_to(node, "/queue_job/") for node in (cluster.a, cluster.b)] == [0, 0]
    ready = f"queue job runner ready for db {cluster.runner.db}"
    runs_a_runner = [ready in server.log_since_start() for server in (cluster.runner, cluster.a, cluster.b)]
    assert runs_a_runner == [True, False, False]


@pytest.mark.parametrize(
    ("allowed", "forged", "status"),
    [
        (f"{CLIENT}/32", "203.0.113.7", 202),  # the address nginx saw is allowed: what the client claims is moot
        ("203.0.113.0/24", "203.0.113.7", 403),  # claiming an allowed address
        ("203.0.113.0/24", "198.51.100.1, 203.0.113.7", 403),  # claiming a chain of proxies
        ("203.0.113.0/24", "127.0.0.1", 403),  # claiming this machine
        ("127.0.0.1/32", "127.0.0.1", 403),  # claiming the proxy's own address, Odoo's peer
    ],
)
def test_the_allow_list_sees_the_address_nginx_saw_not_a_forged_one(cluster, allow_list, allowed, forged, status):
    """Odoo (--proxy-mode) takes the last X-Forwarded-For entry, the one nginx appends
    ($proxy_add_x_forwarded_for): the client from 127.0.0.2 cannot pass for another address."""
    allow_list(allowed)
    callid = f"FORGED-{uuid.uuid4().hex[:10]}"
    headers = ["Content-Type: application/json", f"X-MCUBE-Token: {cluster.token}", f"X-Forwarded-For: {forged}"]
    answer = raw_request(
        cluster.nginx.port, "POST", "/mcube/webhook", headers, json.dumps(event(callid)).encode(), CLIENT
    )
    assert answer[0] == status, answer
    stored = cluster.admin.call("mcube.event", "search_read", [("call_id", "=", callid)], ["remote_addr"])
    assert [row["remote_addr"] for row in stored] == ([CLIENT] if status == 202 else [])


def test_a_request_without_host_does_not_pass_for_the_proxy(cluster, allow_list):
    """nginx sets X-Forwarded-Host from the client's Host header, and Odoo 17 applies X-Forwarded-For only when
    X-Forwarded-Host is there: an HTTP/1.0 request without Host would reach Odoo as if from the proxy (127.0.0.1).
    With the proxy's address on the allow-list it must still not get in: nginx refuses it, as it refuses an
    HTTP/1.1 request without Host, and Odoo never sees it."""
    allow_list("127.0.0.1/32")
    callid = f"NOHOST-{uuid.uuid4().hex[:10]}"
    headers = ["Content-Type: application/json", f"X-MCUBE-Token: {cluster.token}"]
    body = json.dumps(event(callid)).encode()
    seen = [requests_to(node, "/mcube/webhook") for node in (cluster.a, cluster.b)]
    status, _ = raw_request(cluster.nginx.port, "POST", "/mcube/webhook", headers, body, CLIENT, host=False)
    assert status == 400
    assert [requests_to(node, "/mcube/webhook") for node in (cluster.a, cluster.b)] == seen
    assert not cluster.admin.call("mcube.event", "search_count", [("call_id", "=", callid)])


def test_queue_job_is_refused_at_the_proxy_however_spelt(cluster):
    """/queue_job/runjob (auth='none') runs the enqueued job it is given to whoever asks: it is live on every
    web node, so only nginx keeps it from the outside. nginx answers 404 itself for each spelling Odoo would
    route there (merged slashes, percent-encoding), and no web node logs any of them."""
    query = f"?db={cluster.a.db}&job_uuid=no-such-job"
    paths = [
        f"{path}{query}"
        for path in ("/queue_job/runjob", "//queue_job/runjob", "/%71ueue_job/runjob", "/queue_job%2Frunjob")
    ]
    nodes = (cluster.a, cluster.b)
    before = [requests_to(node, "queue_job") for node in nodes]
    for path in paths:
        status, body = raw_request(cluster.nginx.port, "GET", path)
        assert (status, "<center>nginx/" in body) == (404, True), (path, status, body[:300])
    assert [requests_to(node, "queue_job") for node in nodes] == before
    warning = "was requested to run job no-such-job"
    for path in paths:  # the same requests on a node directly: queue_job's controller answers
        assert raw_request(cluster.a.port, "GET", path) == (200, ""), path
    assert cluster.a.log_since_start().count(warning) == len(paths)


def test_a_websocket_through_the_proxy_gets_the_pop_up(cluster):
    """A rep logged in through nginx holds the bus websocket through /websocket (nginx passes the upgrade to a
    gevent port); the webhook's pop-up reaches it."""
    number = phone("80")
    rep = create_user(cluster.admin, ["sales_team.group_sale_salesman"], mcube_virtual_number=number)
    listener = Listener(cluster.nginx, rep)
    try:
        assert listener.ws.getheaders()["server"].startswith("nginx/")
        callid = f"PROXYWS-{uuid.uuid4().hex[:10]}"
        answer = post(cluster.nginx.url, cluster.token, event(callid, phase="start", did=number))
        assert answer.status_code == 202, answer.text
        assert pop_ups(listener, callid)
    finally:
        listener.close()


def test_a_pop_up_sent_by_one_node_reaches_a_rep_connected_to_the_other(cluster):
    """The webhook served by web node A, the rep's websocket held by node B's gevent process, each on its own
    port: A's notification reaches B through PostgreSQL (NOTIFY imbus), as between replicas behind nginx."""
    number = phone("80")
    rep = create_user(cluster.admin, ["sales_team.group_sale_salesman"], mcube_virtual_number=number)
    listener = Listener(cluster.b, rep)
    nodes = (cluster.a, cluster.b)
    try:
        before = [requests_to(node, "/mcube/webhook") for node in nodes]
        callid = f"CROSSNODE-{uuid.uuid4().hex[:10]}"
        answer = post(cluster.a.url, cluster.token, event(callid, phase="start", did=number))
        assert answer.status_code == 202, answer.text
        assert pop_ups(listener, callid)
    finally:
        listener.close()
    assert [requests_to(node, "/mcube/webhook") - served for node, served in zip(nodes, before, strict=True)] == [1, 0]


def test_kill_9_of_a_web_node_loses_no_accepted_event(cluster):
    """MCUBE posts 300 call events through nginx on 6 connections and delivers again each one not answered 2xx.
    A third of the way, web node A's whole process tree (main, workers, gevent) is killed -9: its requests in
    flight answer 502 and nginx sends the others to B. Every event ends up stored exactly once and processed."""
    callids = [f"PROXYKILL-{uuid.uuid4().hex[:8]}-{i:03d}" for i in range(KILL_EVENTS)]
    answers, acknowledged = [], []

    def deliver(callid):
        payload = event(callid, number=phone("97"))  # a caller of its own: no two jobs wait on one lead
        for _ in range(100):
            try:
                status = post(cluster.nginx.url, cluster.token, payload, timeout=10).status_code
            except requests.RequestException:
                status = None
            answers.append(status)
            if status in (200, 202):
                acknowledged.append(callid)
                return
            time.sleep(0.2)

    started = time.monotonic()
    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(deliver, callid) for callid in callids]
        while len(acknowledged) < KILL_EVENTS // 3 and time.monotonic() - started < 60:
            time.sleep(0.01)
        acknowledged_before_kill = len(acknowledged)
        cluster.a.stop(signal.SIGKILL)  # the process group: main process, workers and gevent process
        for future in futures:
            future.result()
    for port in (cluster.a.port, cluster.a.gevent_port):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()

    statuses = Counter(answers)
    print(f"\n{KILL_EVENTS} events through nginx in {time.monotonic() - started:.1f} s, node A killed after "
          f"{acknowledged_before_kill} acknowledged; answers {dict(statuses)}")  # fmt: skip
    assert set(statuses) <= {200, 202, 502}, statuses
    assert sorted(acknowledged) == sorted(callids)
    assert 0 < acknowledged_before_kill < KILL_EVENTS
    assert requests_to(cluster.a, "/mcube/webhook") > 0, "node A accepted nothing before it was killed"
    stored = cluster.admin.call(
        "mcube.event", "read_group", [("call_id", "in", callids)], ["call_id"], ["call_id"], lazy=False
    )
    assert {group["call_id"]: group["__count"] for group in stored} == dict.fromkeys(callids, 1)
    assert not wait_for_drain(cluster.admin, timeout=120).get("pending")
    assert records_by_callid(cluster.admin, callids) == dict.fromkeys(callids, 1)
