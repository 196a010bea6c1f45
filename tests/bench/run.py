"""The benchmarks of DESIGN.md section 5 (the performance budget), on a real server with workers and the job runner.

Run through scripts/bench. Prints a table and writes docs/BENCHMARKS.md (--output): today's sizes, then the
same at ten times the data with 50 reps on one list (tests/bench/scale.py; --skip-10x, --only 10x).
"""

import argparse
import ast
import configparser
import contextlib
import datetime
import json
import os
import platform
import random
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
import scale  # noqa: E402
from generate import LEAD_NUMBER_BASE, MANAGER_LOGIN, TEAM_NAME  # noqa: E402
from loadgen import build_request, run_closed, run_load  # noqa: E402
from mcube import configure, configure_token, event  # noqa: E402
from odoo_server import OdooServer, odoo_options  # noqa: E402
from transcription import bench_transcription  # noqa: E402

sys.path.insert(0, str(ROOT / "addons" / "cold_call_audio" / "tests"))
from recording_server import RecordingServer  # noqa: E402
from speech import join, speak  # noqa: E402

MODULES = "cold_call_phone,cold_call_audio,cold_call_dialer,mcube_integration,cold_call_dialer_mcube"
REP_LOGIN = "bench-rep-1"
BIG_FILTER = "Bench: Mumbai (~50%)"
WEBHOOK_RATES = (25, 50, 100)
# Steps of at most 10% from 100/s up, so that the highest sustained rate of each route is read to within
# 10%, not to within the 33-50% of coarser steps.
LADDER = (25, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 165, 180, 200, 220, 240, 265, 290, 320, 350, 385, 425)
# The capacity of each route, closed loop: twice as many clients as odoo.conf's workers, routes alternating.
CAPACITY_CLIENTS = 6
CAPACITY_ROUNDS = 2
# MCUBE's routing requests: the rate a busy line sends them, the team's DID and the budget (p99).
ROUTING_RATE = 20
ROUTING_DID = "+918050000001"
ROUTING_BUDGET_P99_MS = 50
# queue_job's switch for its runner: without it, events wait as pending
NO_RUNNER = {"ODOO_QUEUE_JOB_CHANNELS": "root:0"}
DIALER_ACTIONS = {
    "filters": "list filters",
    "counts": "their counts (after the list)",
    "page": "next/previous page of 50 (~50k filter)",
    "log": "log a call",
    "open": "open a contact (picked in the list)",
}
# p95 budgets of DESIGN.md section 5; the counts come after the list is on screen and have none.
DIALER_BUDGETS = {"filters": 100, "page": 150, "log": 100}


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda pct: ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]  # noqa: E731
    return {"p50_ms": round(pick(50) * 1000, 1), "p95_ms": round(pick(95) * 1000, 1), "n": len(ordered)}


def odoo(*args, check=True):
    command = [os.environ["ODOO_PYTHON"], f"{os.environ['ODOO_SRC']}/odoo-bin", *odoo_options(), *args]
    return subprocess.run(command, check=check, capture_output=True, text=True)


def psql(db, sql):
    return subprocess.run(["psql", "-d", db, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def db_exists(db):
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def ensure_database(db, contacts, leads, seed, call_logs, register):
    if not db_exists(db):
        print(f"Creating {db} with the modules (no demo data)", flush=True)
        odoo("-d", db, "-i", MODULES, "--without-demo=all", "--stop-after-init", "--workers=0", "--log-level=warn")
    else:
        print(f"Updating the modules of {db} to this code", flush=True)
        odoo("-d", db, "-u", MODULES, "--stop-after-init", "--workers=0", "--log-level=warn")
    started = time.monotonic()
    generator = [
        os.environ["ODOO_PYTHON"],
        str(HERE / "generate.py"),
        db,
        f"--contacts={contacts}",
        f"--leads={leads}",
        f"--call-logs={call_logs}",
        f"--register={register}",
        f"--seed={seed}",
    ]
    print(
        subprocess.run(generator, check=True, capture_output=True, text=True).stdout.strip(),
        f"(generator, {time.monotonic() - started:.0f}s)",
        flush=True,
    )


def timed(samples, rpc, model, method, *args, **kwargs):
    started = time.perf_counter()
    result = rpc.call(model, method, *args, **kwargs)
    samples.append(time.perf_counter() - started)
    return result


def median_queries(server, path):
    """The median number of SQL queries of the requests to ``path`` since the server started."""
    counts = sorted(server.request_queries(path))
    return counts[len(counts) // 2] if counts else None


def bench_dialer(server, iterations):
    """The Dialer's one-call-per-action API against the chain of generic ORM calls an external client makes."""
    rpc = server.session(REP_LOGIN, REP_LOGIN)
    dialer = "cold.call.dialer"
    filters = rpc.call(dialer, "get_filters")
    big = next(f for f in filters["filters"] if f["name"] == BIG_FILTER)
    status = filters["status_options"][0]["value"]
    first = rpc.call(dialer, "get_page", big["key"], page=1, page_size=50)  # the list screen caps its counts
    pages = first["pages"]
    # Flipping pages, the screen sends back the counts of the page it has, as here.
    counts = {key: first[key] for key in ("total", "skipped_no_phone", "waiting")}
    actions = ("filters", "counts", "page", "log", "open")
    api = {action: [] for action in actions}
    chain = {action: [] for action in actions}
    rng = random.Random(7)
    fields = ["name", "parent_name", "function", "phone", "mobile", "x_cold_call_status"]
    for i in range(iterations):
        timed(api["filters"], rpc, dialer, "get_filters")
        timed(api["counts"], rpc, dialer, "get_counts")
        # A rep on any page of the big list goes to the next or the previous one, as the screen does.
        number = rng.randint(2, pages - 1)
        on_screen = rpc.call(dialer, "get_page", big["key"], page=number, page_size=50, counts=counts)["contacts"]
        step = {"page": number + 1, "after_partner_id": on_screen[-1]["id"]}
        if i % 2:
            step = {"page": number - 1, "before_partner_id": on_screen[0]["id"]}
        step["anchor_waiting"] = bool(on_screen[-1 if step["page"] > number else 0]["waiting_until"])
        page = timed(api["page"], rpc, dialer, "get_page", big["key"], page_size=50, counts=counts, **step)
        contacts = page["contacts"]
        target = contacts[i % len(contacts)]["id"]
        timed(
            api["log"],
            rpc,
            dialer,
            "log_call",
            target,
            status=status,
            duration=42,
            note=f"Bench call {i}",
            list_key=big["key"],
            next_partner_ids=[c["id"] for c in contacts],
        )

        picked = contacts[(i + 7) % len(contacts)]["id"]
        timed(api["open"], rpc, dialer, "open_contact", [picked], on_purpose=True, list_key=big["key"])
        rpc.call(dialer, "release_contact", picked)
        started = time.perf_counter()
        chain["open"].append(0.0)
        rpc.call("res.partner", "read", [picked], fields)
        chain["open"][-1] = time.perf_counter() - started

        started = time.perf_counter()
        saved = rpc.call("ir.filters", "search_read", [("model_id", "=", "res.partner")], ["name", "domain"])
        chain["filters"].append(time.perf_counter() - started)
        started = time.perf_counter()
        for saved_filter in saved:
            # a domain with context_today() is beyond a plain client: it skips it
            with contextlib.suppress(ValueError, SyntaxError):
                rpc.call("res.partner", "search_count", ast.literal_eval(saved_filter["domain"]))
        chain["counts"].append(time.perf_counter() - started)

        started = time.perf_counter()
        domain = ast.literal_eval(rpc.call("ir.filters", "read", [big["key"]], ["domain"])[0]["domain"])
        total = rpc.call("res.partner", "search_count", domain)
        rpc.call(
            "res.partner",
            "search_read",
            domain,
            fields,
            offset=rng.randint(0, max(0, total - 50)),
            limit=50,
            order="name, id",
        )
        rpc.call("res.partner", "fields_get", ["x_cold_call_status"], attributes=["selection"])
        chain["page"].append(time.perf_counter() - started)

        started = time.perf_counter()
        rpc.call("res.partner", "write", [target], {"x_cold_call_status": status})
        rpc.call(
            "res.partner",
            "message_post",
            [target],
            body=f"Bench call {i}",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        chain["log"].append(time.perf_counter() - started)
    rows = []
    methods = {
        "filters": "get_filters",
        "counts": "get_counts",
        "page": "get_page",
        "log": "log_call",
        "open": "open_contact",
    }
    for action in actions:
        ours, theirs = percentiles(api[action]), percentiles(chain[action])
        rows.append(
            {
                "action": DIALER_ACTIONS[action],
                **ours,
                "queries": median_queries(server, f"/web/dataset/call_kw/{dialer}/{methods[action]}"),
                "chain_p50_ms": theirs["p50_ms"],
                "chain_p95_ms": theirs["p95_ms"],
                "ratio_p50": round(theirs["p50_ms"] / ours["p50_ms"], 2),
            }
        )
    return {"rows": rows, "big_filter_count": first["total"]}


def http_workers():
    """The HTTP workers of odoo.conf, which the benchmarks' servers run."""
    conf = configparser.ConfigParser()
    conf.read(os.environ["ODOO_CONF"])
    return conf.getint("options", "workers")


def first_on_every_worker(server, login, model, method, **kwargs):
    """The call made once on every HTTP worker, all at once (one request in flight per worker),
    before the timed ones: a worker's first call of a kind loads its caches and its database
    connection's, which a server that has run for a while has done. Returns the slowest of them,
    in ms, reported beside the percentiles: what the first managers after a restart wait."""
    sessions = [server.session(login, login) for _worker in range(http_workers())]

    def call(rpc):
        started = time.perf_counter()
        rpc.call(model, method, **kwargs)
        return time.perf_counter() - started

    with ThreadPoolExecutor(len(sessions)) as pool:
        return round(1000 * max(pool.map(call, sessions)), 1)


def bench_dashboard(server, iterations):
    """One refresh of the managers' dashboard (a single RPC) per period, and for one team."""
    rpc = server.session(MANAGER_LOGIN, MANAGER_LOGIN)
    dashboard = "cold.call.dashboard"
    first = rpc.call(dashboard, "get_data", "month")
    team = next(team["id"] for team in first["teams"] if team["name"] == TEAM_NAME)
    cases = {
        "today": {"period": "today"},
        "this week": {"period": "week"},
        "this month": {"period": "month"},
        "this month, one team": {"period": "month", "team_id": team},
    }
    warm_up = {
        label: first_on_every_worker(server, MANAGER_LOGIN, dashboard, "get_data", **kw) for label, kw in cases.items()
    }
    samples = {label: [] for label in cases}
    for _i in range(max(1, iterations // len(cases))):
        for label, kwargs in cases.items():
            timed(samples[label], rpc, dashboard, "get_data", **kwargs)
    rows = [
        {"refresh": label, **percentiles(values), "first_on_workers_ms": warm_up[label]}
        for label, values in samples.items()
    ]
    rows.append({"refresh": "all", **percentiles([value for values in samples.values() for value in values])})
    rows[-1]["queries"] = median_queries(server, f"/web/dataset/call_kw/{dashboard}/get_data")
    return {
        "rows": rows,
        "month_calls": first["funnel"]["calls"],
        "reps": len(first["leaderboard"]),
        "lists": len(first["lists"]),
    }


def settle(url, timeout=60):
    """Wait until the server answers /web/health quickly again, so one run's backlog does not bill the next."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            requests.get(f"{url}/web/health", timeout=5)
            quick = quick + 1 if time.perf_counter() - started < 0.1 else 0
        except requests.RequestException:
            quick = 0
        time.sleep(0.5)


def short_run(duration):
    """Seconds of one ladder step or capacity round: a quarter of a constant-rate run, at least 10."""
    return max(10, duration // 4)


def bench_webhook(server, duration, token):
    """Constant-rate load on the webhook (authenticate, store, enqueue) and on /web/health, then
    the highest rate each sustains. No job runner runs: this is the accept path alone."""
    counter = iter(range(10**9))
    prefix = uuid.uuid4().hex[:8]

    def webhook_request(_i):
        i = next(counter)
        body = json.dumps(event(f"BENCH-{prefix}-{i}", number=str(LEAD_NUMBER_BASE + 1 + i % 9000))).encode()
        return build_request(
            f"{server.url}/mcube/webhook", "POST", body, {"Content-Type": "application/json", "X-MCUBE-Token": token}
        )

    health = build_request(f"{server.url}/web/health")
    targets = {
        "webhook": (f"{server.url}/mcube/webhook", webhook_request, {202}),
        "health": (f"{server.url}/web/health", lambda _i: health, {200}),
    }
    fixed = []
    for rate in WEBHOOK_RATES:
        for name, (url, make, ok) in targets.items():
            settle(server.url)
            result = run_load(url, rate, duration, make)
            fixed.append({"route": name, **result.summary(), "failures": result.failures(ok)})
            print(f"  {name} at {rate}/s: {fixed[-1]}", flush=True)
    sustained, climbs = {}, {}
    for name, (url, make, ok) in targets.items():
        sustained[name], climbs[name] = 0, []
        for rate in LADDER:
            settle(server.url)
            result = run_load(url, rate, short_run(duration), make)
            good = not result.failures(ok) and result.percentile(99) < 1.0 and result.achieved_rate >= 0.95 * rate
            step = (
                f"{rate}/s: p99 {result.percentile(99) * 1000:.0f} ms, {result.failures(ok)} failures, "
                f"{result.achieved_rate:.0f}/s achieved"
            )
            climbs[name].append(f"{step} -> {'ok' if good else 'over'}")
            print(f"  {name} ladder {climbs[name][-1]}", flush=True)
            if not good:
                break
            sustained[name] = rate
    capacity = {name: [] for name in targets}
    for _round in range(CAPACITY_ROUNDS):
        for name, (url, make, ok) in targets.items():
            settle(server.url)
            result = run_closed(url, CAPACITY_CLIENTS, short_run(duration), make)
            capacity[name].append({"rate": result.achieved_rate, "failures": result.failures(ok)})
            print(f"  {name} capacity {capacity[name][-1]}", flush=True)
    return {"fixed": fixed, "sustained": sustained, "climbs": climbs, "capacity": capacity}


def bench_routing(server, duration, token):
    """MCUBE's routing requests at ROUTING_RATE/s to a team of five available reps (one caller in
    five is a lead's, the others new), then /web/health at the same rate, in the same run."""
    admin = server.session()
    reps = admin.call("res.users", "search", [("login", "in", [f"bench-rep-{k}" for k in range(1, 6)])], order="id")
    for index, rep in enumerate(reps):
        admin.call(
            "res.users", "write", [rep], {"mcube_executive_number": f"+91930000{index:04d}", "mcube_away": False}
        )
    team = admin.call("crm.team", "search", [("mcube_virtual_number", "=", ROUTING_DID)])
    if not team:
        members = [(0, 0, {"user_id": rep}) for rep in reps]
        admin.call(
            "crm.team",
            "create",
            {"name": "Bench routing", "mcube_virtual_number": ROUTING_DID, "crm_team_member_ids": members},
        )
    configure(admin, mcube_route_format="json", mcube_route_fallback_number="+919888877777")
    rng = random.Random(7)

    def route_request(_i):
        caller = (
            LEAD_NUMBER_BASE + 1 + rng.randrange(9000) if rng.random() < 0.2 else rng.randrange(6 * 10**9, 7 * 10**9)
        )
        url = f"{server.url}/mcube/route?caller={caller}&did={ROUTING_DID[3:]}"
        return build_request(url, headers={"X-MCUBE-Token": token})

    health = build_request(f"{server.url}/web/health")
    rows = []
    for name, url, make in (
        ("routing", f"{server.url}/mcube/route", route_request),
        ("health", f"{server.url}/web/health", lambda _i: health),
    ):
        settle(server.url)
        result = run_load(url, ROUTING_RATE, duration, make)
        rows.append({"route": name, **result.summary(), "failures": result.failures({200})})
        print(f"  {name} at {ROUTING_RATE}/s: {rows[-1]}", flush=True)
    rows[0]["met"] = "yes" if rows[0]["p99_ms"] <= ROUTING_BUDGET_P99_MS and not rows[0]["failures"] else "NO"
    return rows


def bench_processing(db, log_dir, backlog, storage=None):
    """A backlog of events stored while no job runner runs, then drained by the runner. With a
    recording ``storage``, every answered call's recording is downloaded from it as the events drain
    (the company keeps recordings in Odoo, without transcripts: downloads are what is measured)."""
    psql(db, "DELETE FROM queue_job WHERE channel = 'root.recording' AND state IN ('pending', 'enqueued')")
    intake = OdooServer(db, log_dir / "bench-intake.log", env=NO_RUNNER).start()
    try:
        rpc = intake.session()
        token = configure_token(rpc)
        configure(
            rpc,
            mcube_recording_storage="store" if storage else "link",
            mcube_recording_transcribe=False,
            mcube_recording_allow_http=True,
            mcube_recording_trusted_networks="127.0.0.1/32",
        )
        prefix = uuid.uuid4().hex[:8]
        recording = storage.add("/bench/recording.wav", BENCH_RECORDING) if storage else None
        session = requests.Session()
        started = time.monotonic()
        for i in range(backlog):
            # four calls in five from a known customer (a bench lead), the fifth from a new number
            number = str(LEAD_NUMBER_BASE + 1 + i % 9000) if i % 5 else str(9100000000 + i)
            answer = session.post(
                f"{intake.url}/mcube/webhook",
                json=event(f"DRAIN-{prefix}-{i}", number=number, **({"filename": recording} if storage else {})),
                headers={"X-MCUBE-Token": token},
                timeout=60,
            )
            assert answer.status_code == 202, answer.text
        intake_seconds = time.monotonic() - started
        accept_queries = median_queries(intake, "/mcube/webhook")
    finally:
        intake.stop()

    def ours(state, columns="count(*)"):
        return psql(
            db, f"SELECT {columns} FROM mcube_event WHERE state = '{state}' AND call_id LIKE 'DRAIN-{prefix}-%'"
        )

    pending = int(ours("pending"))
    server = OdooServer(db, log_dir / "bench-drain.log").start()
    started = time.monotonic()
    oldest_ages = []
    try:
        while True:
            age_sql = "coalesce(extract(epoch FROM (now() at time zone 'UTC') - min(received_at)), 0)"
            left, age = ours("pending", f"count(*), {age_sql}").split("|")
            oldest_ages.append(float(age))
            if int(left) == 0 or time.monotonic() - started > 1800:
                break
            time.sleep(1)
        drained = time.monotonic() - started
        job_queries = sum(server.request_queries("/queue_job/runjob"))
        stored = psql(
            db,
            f"SELECT count(*) FROM mcube_call_record WHERE audio_state = 'stored' AND call_id LIKE 'DRAIN-{prefix}-%'",
        )
    finally:
        server.stop()
    failed = int(ours("failed"))
    psql(db, "DELETE FROM queue_job WHERE channel = 'root.recording' AND state IN ('pending', 'enqueued')")
    return {
        "recordings": "downloaded" if storage else "links only",
        "stored_during_drain": int(stored),
        "backlog": pending,
        "intake_s": round(intake_seconds, 1),
        "drain_s": round(drained, 1),
        "events_per_s": round(pending / drained, 1),
        "max_oldest_pending_s": round(max(oldest_ages), 1),
        "left": int(left),
        "failed": failed,
        "accept_queries": accept_queries,
        "queries_per_event": round(job_queries / pending, 1) if pending else None,
    }


def bench_recording():
    """A 20-second phone recording (8 kHz, ~320 kB), as each answered call of the drain has."""
    return join(*[speak("thank you for calling, this is the bench recording of a phone call")] * 4, gap=1.0)


def bench_compliance(db):
    output = subprocess.run(
        [os.environ["ODOO_PYTHON"], str(HERE / "compliance.py"), db, BIG_FILTER],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_lookup(db, leads):
    output = subprocess.run(
        [os.environ["ODOO_PYTHON"], str(HERE / "lookup.py"), db], check=True, capture_output=True, text=True
    ).stdout
    return {"leads": leads, **json.loads(output.strip().splitlines()[-1])}


def machine():
    memory_kib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024
    return (
        f"{os.cpu_count()} cores, {memory_kib // 1024 // 1024} GiB, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def commit():
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(row.get(h, "")) for h in headers) + " |" for row in rows]
    return "\n".join(lines)


def capacity_text(capacity):
    rates = {name: [round(run["rate"]) for run in runs] for name, runs in capacity.items()}
    mean = {name: sum(values) / len(values) for name, values in rates.items()}
    failures = sum(run["failures"] for runs in capacity.values() for run in runs)
    rounds = ", ".join(f"{name} {' and '.join(map(str, values))}" for name, values in rates.items())
    return (
        f"webhook {mean['webhook']:.0f}/s, /web/health {mean['health']:.0f}/s "
        f"({round(100 * mean['webhook'] / mean['health'])}% of health; rounds: {rounds}; {failures} failures)"
    )


def report(results, args):
    lines = today_lines(results, args) if "dialer" in results else header_lines(args)
    metrics = [*results.get("metrics", []), *([results["scale"]["metrics"]] if "scale" in results else [])]
    if metrics:
        lines += scale.metrics_lines(metrics)
    if "scale" in results:
        lines += scale.report_lines(results["scale"], results, args, DIALER_ACTIONS, DIALER_BUDGETS)
    text = "\n".join(lines)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print("\n" + text)


def header_lines(args):
    return [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today().isoformat()} at commit {commit()} on {machine()}, alone on the machine.",
        f"Command: `./scripts/bench {' '.join(sys.argv[1:])}`".rstrip(),
        "",
    ]


def today_lines(results, args):
    dialer, dashboard, webhook, processing, lookups = (
        results[k] for k in ("dialer", "dashboard", "webhook", "processing", "lookup")
    )
    budgets = {DIALER_ACTIONS[action]: budget for action, budget in DIALER_BUDGETS.items()}
    for row in dialer["rows"]:
        if row["action"] in budgets:
            row["budget_p95_ms"] = budgets[row["action"]]
            row["met"] = "yes" if row["p95_ms"] <= row["budget_p95_ms"] else "NO"
    ratio = round(lookups[1]["mean_ms"] / lookups[0]["mean_ms"], 2)
    compliance = results["compliance"]
    compliance["met"] = "yes" if max(compliance["page_p95_ms"], compliance["one_p95_ms"]) <= 10 else "NO"
    health = webhook["sustained"]["health"] or 1
    plain, downloading = processing
    slowdown = round(100 * (1 - downloading["events_per_s"] / plain["events_per_s"]), 1)
    transcription = results["transcription"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today().isoformat()} at commit {commit()} on {machine()}, alone on the machine.",
        f"Command: `./scripts/bench {' '.join(sys.argv[1:])}`".rstrip(),
        f"Data: {args.contacts} contacts (seed {args.seed}), saved filters of 1% to 50%, {args.leads} leads and a "
        f"copy with {args.big_leads}; {args.register} register preferences; Odoo as in odoo.conf (5 workers, "
        "queue_job runner: 2 jobs for call events, 1 download, 1 transcription); "
        "the load generator runs on the same machine.",
        "",
        "## Dialer, server side over HTTP (budget: p95)",
        f"The big filter matches {dialer['big_filter_count']} contacts. The list screen shows the lists, then "
        "asks their counts. A page is the next or previous one from a random page of the big filter, as the "
        "screen flips them. 'chain' is the same user action done with generic ORM calls (search_read the "
        "filters; search_count each; read the filter, search_count, search_read at a random offset, "
        "fields_get; write + message_post).",
        "",
        table(
            [
                "action",
                "n",
                "p50_ms",
                "p95_ms",
                "budget_p95_ms",
                "met",
                "queries",
                "chain_p50_ms",
                "chain_p95_ms",
                "ratio_p50",
            ],
            dialer["rows"],
        ),
        "",
        "## Dialer dashboard, one refresh (one RPC) as a manager (budget: p95 <= 300 ms)",
        f"{args.call_logs} call logs of {dashboard['reps']} reps over the last 60 days "
        f"({dashboard['month_calls']} this month), {dashboard['lists']} lists.",
        "",
        table(["refresh", "n", "p50_ms", "p95_ms", "queries", "first_on_workers_ms"], dashboard["rows"]),
        "",
        f"Timed after one refresh of each kind on each of the server's {http_workers()} HTTP workers at once "
        "(first_on_workers_ms: the slowest of them), as on a server that has run for a while: a worker's first "
        "refresh loads its caches and its database connection's.",
        "",
        f"## Webhook accept vs /web/health, {args.duration}s at each constant rate (open loop)",
        "",
        table(["route", "rate", "sent", "p50_ms", "p99_ms", "max_ms", "failures", "statuses"], webhook["fixed"]),
        "",
        f"Highest sustained rate (p99 < 1 s, no failure, >= 95% of the rate): webhook "
        f"{webhook['sustained']['webhook']}/s, /web/health {webhook['sustained']['health']}/s "
        f"({round(100 * webhook['sustained']['webhook'] / health)}% of health; reported beside the budget below). "
        f"Each step of the ladder runs {short_run(args.duration)} s; the last two steps of each route:",
        "",
        *(f"- {name}: {'; '.join(steps[-2:])}" for name, steps in webhook["climbs"].items()),
        "",
        f"Capacity, closed loop ({CAPACITY_CLIENTS} clients each sending its next request when the last is "
        f"answered; {CAPACITY_ROUNDS} rounds of {short_run(args.duration)} s per route, alternating): "
        f"{capacity_text(webhook['capacity'])}. Budget (DESIGN.md section 5): >= 75% of /web/health's capacity, "
        "since the accept commits a row and health commits none.",
        "",
        f"## MCUBE routing requests vs /web/health, {args.duration}s each at {ROUTING_RATE}/s (open loop)",
        "",
        "A team of five available reps on its own DID; one caller in five has a lead (sticky), the others are "
        "new (weighted round-robin, with its row lock). Each answer is committed as a routing decision.",
        "",
        table(["route", "rate", "sent", "p50_ms", "p99_ms", "max_ms", "failures", "met"], results["routing"]),
        "",
        f"Budget: routing p99 <= {ROUTING_BUDGET_P99_MS} ms at {ROUTING_RATE} requests/s.",
        "",
        "## Processing",
        "",
        table(
            [
                "recordings",
                "stored_during_drain",
                "backlog",
                "intake_s",
                "accept_queries",
                "drain_s",
                "events_per_s",
                "queries_per_event",
                "max_oldest_pending_s",
                "left",
                "failed",
            ],
            processing,
        ),
        "",
        f"Keeping recordings slows the drain by {slowdown}% (budget: <= 10%): each answered call's recording (a "
        "20 s, 8 kHz WAV on a storage on localhost) is queued as the events drain, one download job per batch of "
        "events, and downloaded on the job channel root.recording a minute later (stored_during_drain).",
        "",
        "Budget: >= 50 events/s, <= 15 queries per event. 'queries' columns: the median SQL queries of one "
        "request (accept: one webhook call), or all the job requests' queries over the events drained, as "
        "Odoo's request log counts them.",
        "",
        "## Compliance check (India's rules), in-process",
        f"What the check adds to the Dialer's page and to opening a contact: `_verdicts` for 50 contacts of the "
        f"big filter, and for one, as a rep, with {results['compliance']['register_rows']} register preferences, "
        f"consents for one contact in fifty, opt-outs in core's phone blacklist; "
        f"{round(100 * results['compliance']['refused_share'])}% of the contacts checked were refused. "
        "The page and open rows above include it.",
        "",
        table(["page_p50_ms", "page_p95_ms", "one_p50_ms", "one_p95_ms", "met"], [compliance]),
        "",
        "Budget (DESIGN.md section 5): the check adds <= 10 ms p95 to a page of 50 and to opening a contact.",
        "",
        "## Transcription",
        "",
        f"The shipped engine ({transcription['engine']}, offline, CPU) in one process (one core; the job channel "
        f"root.transcription runs one at a time) on {transcription['sentences']} sentences spoken by espeak-ng and "
        "resampled to 8 kHz like phone audio:",
        "",
        table(["sentences", "audio_s", "cpu_s", "speed", "wer"], [transcription]),
        "",
        "speed: seconds of audio transcribed per second of CPU; wer: word error rate against the sentences spoken.",
        "",
        "## Lead lookup by phone",
        "",
        table(["leads", "lookups", "mean_ms", "p50_ms", "p95_ms", "hits"], lookups),
        "",
        f"Ratio 1M / 10k (mean): {ratio} (budget: as fast, i.e. ~1).",
        "",
    ]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="coldcall_bench")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--big-leads", type=int, default=1_000_000)
    parser.add_argument("--call-logs", type=int, default=100_000)
    parser.add_argument("--register", type=int, default=1_000_000, help="register preferences to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--iterations", type=int, default=200, help="calls per Dialer action")
    parser.add_argument("--duration", type=int, default=60, help="seconds at each webhook rate")
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=200, help="metrics scrapes, at each size")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"), help="the report (Markdown)")
    parser.add_argument(
        "--only", choices=("today", "10x"), help="run only today's benchmarks, or only those at 10x (and report them)"
    )
    parser.add_argument("--skip-10x", action="store_true", help="the same as --only today")
    ten_x = parser.add_argument_group("at 10x", "in their own database (--big-db), generated once and reused")
    ten_x.add_argument("--big-db", help="default: the --db name with _10x")
    ten_x.add_argument("--big-contacts", type=int, default=1_000_000)
    ten_x.add_argument("--big-call-logs", type=int, default=1_000_000)
    ten_x.add_argument("--big-register", type=int, help="register preferences; default: 10 x --register")
    ten_x.add_argument("--big-backlog", type=int, default=100_000, help="events of the backlog drained")
    ten_x.add_argument("--reps", type=int, default=50, help="reps working one shared list at once")
    ten_x.add_argument("--reps-minutes", type=float, default=5)
    args = parser.parse_args()
    args.big_db = args.big_db or f"{args.db}_10x"
    args.big_register = args.big_register or 10 * args.register
    log_dir = Path(os.environ.get("LOG_DIR", ROOT / "test-logs"))
    log_dir.mkdir(exist_ok=True)
    results = {}
    if args.only != "10x":
        bench_today(args, log_dir, results)
    if args.only != "today" and not args.skip_10x:
        results["scale"] = bench_10x(args, log_dir)
    report(results, args)


def bench_today(args, log_dir, results):
    ensure_database(args.db, args.contacts, args.leads, args.seed, args.call_logs, args.register)
    print("Metrics scrape", flush=True)
    results["metrics"] = [bench_metrics(args.db, log_dir, args.scrapes, args.backlog, size=scale.size(args.contacts))]
    server = OdooServer(args.db, log_dir / "bench-server.log", env=NO_RUNNER).start()
    try:
        print("Dialer", flush=True)
        results["dialer"] = bench_dialer(server, args.iterations)
        print("Dashboard", flush=True)
        results["dashboard"] = bench_dashboard(server, args.iterations)
        print("Webhook", flush=True)
        token = configure_token(server.session())
        results["webhook"] = bench_webhook(server, args.duration, token)
        print("Routing", flush=True)
        results["routing"] = bench_routing(server, args.duration, token)
    finally:
        server.stop()
    # the accept benchmark leaves thousands of jobs behind: drop them so the drain measures its own backlog
    psql(
        args.db,
        "DELETE FROM queue_job WHERE state IN ('pending', 'enqueued') AND channel = 'root.mcube'; "
        "DELETE FROM mcube_event WHERE state = 'pending'",
    )
    print("Processing", flush=True)
    results["processing"] = [bench_processing(args.db, log_dir, args.backlog)]
    print("Processing with recording downloads", flush=True)
    global BENCH_RECORDING
    BENCH_RECORDING = bench_recording()
    with RecordingServer() as storage:
        results["processing"].append(bench_processing(args.db, log_dir, args.backlog, storage))
    print("Transcription", flush=True)
    results["transcription"] = bench_transcription()
    print("Compliance", flush=True)
    results["compliance"] = bench_compliance(args.db)
    print("Lookup", flush=True)
    big_db = f"{args.db}_1m"
    if not db_exists(big_db):
        subprocess.run(["createdb", "-T", args.db, big_db], check=True)
    ensure_database(big_db, args.contacts, args.big_leads, args.seed, args.call_logs, args.register)
    results["lookup"] = [bench_lookup(args.db, args.leads), bench_lookup(big_db, args.big_leads)]


def pending_events(db):
    return int(psql(db, "SELECT count(*) FROM mcube_event WHERE state = 'pending'"))


def bench_metrics(db, log_dir, scrapes, backlog, size):
    """The metrics scrape of ``db`` on a server of its own (no job runner), with a ``backlog`` of
    events made for it, pending, and dropped after."""
    made = scale.make_backlog(db, backlog)
    token = scale.set_metrics_token(db)
    server = OdooServer(db, log_dir / "bench-metrics.log", env=NO_RUNNER).start()
    try:
        return {**scale.bench_metrics(server, token, scrapes, f"{size} contacts"), "pending_events": pending_events(db)}
    finally:
        server.stop()
        scale.drop_backlog(db, made["prefix"])


def bench_10x(args, log_dir):
    """Ten times the data (tests/bench/scale.py) in its own database: the Dialer and its dashboard
    as above, the reps on one shared list, then the big backlog: scraped while it waits, drained."""
    db = args.big_db
    print(f"10x: data in {db}", flush=True)
    data = scale.ensure_database(
        db,
        MODULES,
        args.big_contacts,
        args.big_call_logs,
        10 * args.leads,
        args.big_register,
        max(50, args.reps),
        args.seed,
    )
    results = {"data": data, "list_name": BIG_FILTER}
    token = scale.set_metrics_token(db)  # before the servers start: their workers cache parameters
    server = OdooServer(db, log_dir / "bench-10x-server.log", env=NO_RUNNER).start()
    try:
        scale.check_metrics(server, token)
        print("10x: Dialer", flush=True)
        results["dialer"] = bench_dialer(server, args.iterations)
        print("10x: Dashboard", flush=True)
        results["dashboard"] = bench_dashboard(server, args.iterations)
        print(f"10x: {args.reps} reps on one list for {args.reps_minutes:g} minutes", flush=True)
        results["reps"] = scale.bench_reps(server, db, args.reps, args.reps_minutes * 60, BIG_FILTER, args.seed)
    finally:
        server.stop()
    # made right before the drain, as the Processing section's backlog is, with the scrapes in between
    print(f"10x: a backlog of {args.big_backlog} events", flush=True)
    results["backlog"] = backlog = scale.make_backlog(db, args.big_backlog)
    server = OdooServer(db, log_dir / "bench-10x-metrics.log", env=NO_RUNNER).start()
    try:
        print("10x: metrics scrape", flush=True)
        label = f"{scale.size(args.big_contacts)} contacts"
        metrics = scale.bench_metrics(server, token, args.scrapes, label)
        results["metrics"] = {**metrics, "pending_events": pending_events(db)}
    finally:
        server.stop()
    print("10x: drain", flush=True)
    results["drain"] = scale.bench_drain(db, log_dir, backlog)
    return results


if __name__ == "__main__":
    main()
