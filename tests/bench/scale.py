"""The benchmarks at ten times the data (DESIGN.md section 5, "At 10x"), and the metrics scrape.

run.py runs them after today's and reports them beside them: the Dialer and its dashboard on 1M
contacts and 1M call logs (run.py's own bench_dialer and bench_dashboard), reps working one shared
list at once, a metrics scrape with a backlog pending, and the drain of a 100k-event backlog. The
data goes into a database of its own, generated once (scale_data.py) and reused.
"""

import json
import os
import random
import secrets
import subprocess
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests
from odoo_server import OdooServer, odoo_options

HERE = Path(__file__).resolve().parent

# The Prometheus endpoint of mcube_integration and the system parameter holding its token.
METRICS_PATH = "/mcube/metrics"
METRICS_TOKEN_PARAM = "mcube_integration.metrics_token"
METRICS_BUDGET_P95_MS = 50
DRAIN_BUDGET_PER_S = 50
# p95 budgets at 10x (DESIGN.md section 5): as today's for the Dialer; the dashboard's for a month.
DASHBOARD_BUDGET_P95_MS = 300
SAVE_BUDGET_P95_MS = 150
# A rep before saving a call (dialing, ringing or talking, typing the note) and before a click
# that opens a page: seconds, uniform. A call takes 10 s at the very least (MCUBE rings the rep,
# then the contact; an unanswered call rings for 30 s): 10 to 30 s is a rep faster than any phone
# allows, 120 to 360 calls an hour, where a power dialer gets a rep 60 to 100.
REP_CALL_S = (10.0, 30.0)
REP_CLICK_S = (1.0, 3.0)
REP_PAGE_SIZE = 50
# The outcomes the reps pick, with their weights: those that make the contact wait before it is
# offered again (an outcome without a wait leaves it to its caller's hold, 15 minutes), a few
# interested contacts with their follow-up (an opportunity and an activity) and wrong numbers
# (opted out in the phone blacklist).
REP_OUTCOMES = (
    ("no_answer", 40),
    ("voicemail", 20),
    ("not_interested", 20),
    ("gatekeeper", 10),
    ("interested", 5),
    ("wrong_number", 5),
)
NOTES = (
    "Asked to call back after the budget meeting.",
    "Spoke to the office manager; sends the brochure to the owner.",
    "No answer on the mobile, tried the landline.",
    "Not the right person: purchasing is handled in Pune.",
    "Interested in the annual plan, wants a quote for 12 seats.",
)
# queue_job's switch for its runner: without it, events wait as pending
NO_RUNNER = {"ODOO_QUEUE_JOB_CHANNELS": "root:0"}


def percentiles(samples):
    ordered = sorted(samples)
    if not ordered:
        return {"p50_ms": None, "p95_ms": None, "n": 0}
    pick = lambda pct: ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]  # noqa: E731
    return {"p50_ms": round(pick(50) * 1000, 1), "p95_ms": round(pick(95) * 1000, 1), "n": len(ordered)}


def psql(db, sql):
    return subprocess.run(["psql", "-d", db, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def in_odoo(*args):
    """scale_data.py with the project's Python (Odoo imported): its JSON answer."""
    command = [os.environ["ODOO_PYTHON"], str(HERE / "scale_data.py"), *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def ensure_database(db, modules, contacts, call_logs, leads, register, users, seed):
    """The 10x database with the modules of this code, and its data (generated the first time;
    the steps count what is there and add what is missing); then VACUUM ANALYZE, as a database
    that lived would have been vacuumed and analyzed after such bulk writes."""
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    odoo = [os.environ["ODOO_PYTHON"], f"{os.environ['ODOO_SRC']}/odoo-bin", *odoo_options(), "-d", db]
    if not exists:
        print(f"Creating {db} with the modules (no demo data)", flush=True)
        install = ["-i", modules, "--without-demo=all"]
    else:
        print(f"Updating the modules of {db} to this code", flush=True)
        install = ["-u", modules]
    subprocess.run(
        [*odoo, *install, "--stop-after-init", "--workers=0", "--log-level=warn"],
        check=True,
        capture_output=True,
        text=True,
    )
    started = time.monotonic()
    data = in_odoo(
        "generate",
        db,
        f"--contacts={contacts}",
        f"--call-logs={call_logs}",
        f"--leads={leads}",
        f"--register={register}",
        f"--users={users}",
        f"--seed={seed}",
    )
    data["generator_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    psql(
        db,
        "VACUUM (ANALYZE) res_partner, cold_call_log, crm_lead, cold_call_register_entry, cold_call_consent, "
        "mail_message, cold_call_hold, mcube_event, queue_job",
    )
    data["vacuum_s"] = round(time.monotonic() - started, 1)
    print(f"{db}: {data}", flush=True)
    return data


def make_backlog(db, events):
    """``events`` events pending, stored by the webhook's accept in-process (scale_data.py), with no
    job runner: the events of earlier runs that are still pending and their jobs go first."""
    psql(
        db,
        "DELETE FROM queue_job WHERE state IN ('pending', 'enqueued') AND channel = 'root.mcube'; "
        "DELETE FROM mcube_event WHERE state = 'pending'",
    )
    prefix = f"BACKLOG-{uuid.uuid4().hex[:8]}"
    made = in_odoo("backlog", db, f"--events={events}", f"--prefix={prefix}")
    print(f"  backlog of {made['events']} events in {made['seconds']}s ({made['jobs']} batch jobs)", flush=True)
    return {**made, "prefix": prefix}


def drop_backlog(db, prefix):
    psql(
        db,
        "DELETE FROM queue_job WHERE state IN ('pending', 'enqueued') AND channel = 'root.mcube'; "
        f"DELETE FROM mcube_event WHERE state = 'pending' AND call_id LIKE '{prefix}-%'",
    )


# ----------------------------------------------------------------------
# Metrics scrape
# ----------------------------------------------------------------------


def set_metrics_token(db):
    """A fresh token in the system parameter the metrics endpoint reads; returns it."""
    token = secrets.token_hex(24)
    now = "now() at time zone 'UTC'"
    psql(
        db,
        "INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, write_date) "
        f"VALUES ('{METRICS_TOKEN_PARAM}', '{token}', 1, {now}, 1, {now}) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date",
    )
    return token


def check_metrics(server, token):
    """One scrape without the token (refused) and one with it (200, with Prometheus samples): a
    benchmark that cannot scrape stops here, before the long runs. Returns the samples' lines."""
    url = f"{server.url}{METRICS_PATH}"
    refused = requests.get(url, timeout=60)
    if refused.status_code == 200:
        raise AssertionError(f"GET {METRICS_PATH} without the token answered 200: it must be refused")
    first = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    if first.status_code != 200:
        raise AssertionError(
            f"GET {METRICS_PATH} with the token of {METRICS_TOKEN_PARAM} answered {first.status_code}, not 200: "
            f"{first.text[:300]!r}"
        )
    series = [line for line in first.text.splitlines() if line and not line.startswith("#")]
    if not series:
        raise AssertionError(f"GET {METRICS_PATH} answered no Prometheus sample: {first.text[:300]!r}")
    return first, series


def bench_metrics(server, token, scrapes, label):
    """``scrapes`` scrapes of the metrics endpoint one after the other, as Prometheus sends them
    (a bearer token), after the checks of ``check_metrics`` (one scrape to warm up); any answer
    but 200 stops the benchmark."""
    first, series = check_metrics(server, token)
    url = f"{server.url}{METRICS_PATH}"
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    for _i in range(scrapes):
        started = time.perf_counter()
        answer = http.get(url, headers=headers, timeout=60)
        samples.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise AssertionError(f"GET {METRICS_PATH} answered {answer.status_code}: {answer.text[:300]!r}")
    queries = sorted(server.request_queries(METRICS_PATH))
    row = {
        "data": label,
        **percentiles(samples),
        "budget_p95_ms": METRICS_BUDGET_P95_MS,
        "queries": queries[len(queries) // 2] if queries else None,
        "series": len(series),
        "bytes": len(first.content),
    }
    row["met"] = "yes" if row["p95_ms"] <= METRICS_BUDGET_P95_MS else "NO"
    print(f"  metrics ({label}): {row}", flush=True)
    return row


# ----------------------------------------------------------------------
# Reps working one shared list
# ----------------------------------------------------------------------


class RepError(Exception):
    """An answer that is not a result: an HTTP status other than 200, or a JSON-RPC error."""


class Rep:
    """One rep in the Dialer, as its screen calls the server (dialer_model.js): open the list's
    first page with the first free contact, then save each call with its note and its key, the
    server opening the next free contact of the page; a page with nobody left to call is followed
    by the next one, read from the last contact on screen."""

    def __init__(self, server, login, list_name, run, index, hold_s):
        self.rpc = server.session(login, login)
        self.url = server.url
        self.login = login
        self.run = run
        self.index = index
        self.deadline = None  # set when all are ready
        self.hold_s = hold_s
        self.rng = random.Random(f"{run}-{index}")
        self.saves, self.pages, self.errors = [], [], []
        self.handed = []  # (partner, request sent, answer received)
        self.saved = {}  # partner: (save sent, save answered)
        self.flips = self.empty_pages = 0
        self.calls = 0
        filters = self.call("get_filters")
        self.list_key = next(f["key"] for f in filters["filters"] if f["name"] == list_name)
        offered = {option["value"] for option in filters["status_options"]}
        self.outcomes = [(value, weight) for value, weight in REP_OUTCOMES if value in offered]
        self.page, self.rows, self.current = None, {}, None

    def call(self, method, *args, **kwargs):
        try:
            answer = self.rpc.http.post(
                f"{self.url}/web/dataset/call_kw/cold.call.dialer/{method}",
                json={
                    "jsonrpc": "2.0",
                    "params": {"model": "cold.call.dialer", "method": method, "args": list(args), "kwargs": kwargs},
                },
                timeout=120,
            )
            if answer.status_code != 200:
                raise RepError(f"{method}: HTTP {answer.status_code}")
            body = answer.json()
        except (requests.RequestException, ValueError) as error:
            raise RepError(f"{method}: {type(error).__name__}: {error}") from error
        if "error" in body:
            raise RepError(f"{method}: {body['error']['data']['message']}")
        return body["result"]

    def pause(self, seconds):
        time.sleep(self.rng.uniform(*seconds))

    def open_page(self, number, hints):
        sent = time.perf_counter()
        result = self.call("get_page", self.list_key, page=number, page_size=REP_PAGE_SIZE, open_first=True, **hints)
        answered = time.perf_counter()
        self.pages.append(answered - sent)
        self.page = result
        self.rows = {}
        for contact in result["contacts"]:
            if contact["held_by"]:
                self.rows[contact["id"]] = "held"
            elif not contact["compliance"]["allowed"]:
                self.rows[contact["id"]] = "refused"
            elif contact["waiting_until"]:
                self.rows[contact["id"]] = "waiting"
        self.mark_skipped(result.get("skipped"))
        self.set_current(result.get("current"), sent, answered)

    def mark_skipped(self, skipped):
        for entry in skipped or []:
            if self.rows.get(entry["id"]) != "done":
                self.rows[entry["id"]] = entry["reason"]

    def set_current(self, card, sent, answered):
        self.current = card or None
        if card:
            self.handed.append((card["contact"]["id"], sent, answered))

    def pending_after_current(self):
        """The page's contacts still to call after the current one, wrapping around (the screen's)."""
        ids = [contact["id"] for contact in self.page["contacts"]]
        index = ids.index(self.current["contact"]["id"]) if self.current["contact"]["id"] in ids else -1
        ordered = ids[index + 1 :] + ids[: max(index, 0)]
        return [pid for pid in ordered if pid not in self.rows]

    def next_page(self):
        page = self.page
        if page["page"] < page["pages"] and page["contacts"]:
            counts = {key: page[key] for key in ("total", "skipped_no_phone", "waiting")}
            anchor = page["contacts"][-1]
            hints = {
                "counts": counts,
                "after_partner_id": anchor["id"],
                "anchor_waiting": bool(anchor["waiting_until"]),
            }
            self.flips += 1
            self.open_page(page["page"] + 1, hints)
        else:  # the end of the list: back to the lists and start again
            self.open_page(1, {"counts": False})
        if not self.current:
            self.empty_pages += 1

    def save(self):
        contact = self.current["contact"]
        value = self.rng.choices([v for v, _w in self.outcomes], [w for _v, w in self.outcomes])[0]
        self.calls += 1
        kwargs = {
            "status": value,
            "duration": self.rng.randint(5, 240),
            "note": f"{self.rng.choice(NOTES)} ({self.login}, call {self.calls})",
            "list_key": self.list_key,
            "next_partner_ids": self.pending_after_current(),
            "client_key": f"{self.run}-{self.index}-{self.calls}",
            "expected_status": contact["status_value"] or False,
        }
        if value == "interested":
            kwargs["follow_up"] = {"date": (date.today() + timedelta(days=2)).isoformat(), "summary": "Send the quote"}
        sent = time.perf_counter()
        result = self.call("log_call", contact["id"], **kwargs)
        answered = time.perf_counter()
        self.saves.append(answered - sent)
        self.saved[contact["id"]] = (sent, answered)
        self.rows[contact["id"]] = "done"
        self.mark_skipped(result.get("skipped"))
        self.set_current(result.get("next"), sent, answered)

    def work(self, start):
        start.wait()
        while time.monotonic() < self.deadline:
            self.pause(REP_CALL_S if self.current else REP_CLICK_S)
            if time.monotonic() >= self.deadline:
                break
            try:
                if self.page is None:
                    self.open_page(1, {"counts": False})
                elif self.current:
                    self.save()
                else:
                    self.next_page()
            except RepError as error:
                self.errors.append(str(error))
                self.page, self.current = None, None  # as after a reload: the list again


def hold_overlaps(reps):
    """Contacts two reps held at the same time, from what the reps were handed and when:
    rep A surely held a contact from the answer that handed it to A until A's save of it was sent
    (then held as logged for the hold's duration from the save), else for the hold's duration from
    the request that handed it; B's hold overlaps when the request handing it to B was sent after
    A surely held it and answered before A's hold surely ended."""
    spans = {}
    for rep in reps:
        for partner, sent, answered in rep.handed:
            save = rep.saved.get(partner)
            until = (save[0] if save else sent) + rep.hold_s
            spans.setdefault(partner, []).append((rep.index, sent, answered, until))
    overlapping = set()
    for partner, held in spans.items():
        for a_rep, _a_sent, a_answered, a_until in held:
            for b_rep, b_sent, b_answered, _b_until in held:
                if a_rep != b_rep and b_sent >= a_answered and b_answered <= a_until:
                    overlapping.add(partner)
    handed_twice = sum(1 for held in spans.values() if len({rep for rep, *_ in held}) > 1)
    return len(overlapping), handed_twice


def bench_reps(server, db, reps, seconds, list_name, seed=7):
    """``reps`` reps (bench-rep-1 to N) working the saved search ``list_name`` at once for
    ``seconds``, each in its own thread and session over HTTP JSON-RPC; then the database's word
    on the calls they saved (their keys)."""
    run = f"r{seed}{uuid.uuid4().hex[:8]}"
    admin = server.session()
    hold_minutes = admin.call(
        "ir.config_parameter", "get_param", "cold_call_dialer.hold_minutes", default="15"
    )  # the Dialer's own default (DEFAULT_HOLD_MINUTES) when unset
    hold_s = float(hold_minutes) * 60
    workers = [Rep(server, f"bench-rep-{k}", list_name, run, k, hold_s) for k in range(1, reps + 1)]
    start = threading.Barrier(reps + 1)
    threads = [threading.Thread(target=rep.work, args=(start,), daemon=True) for rep in workers]
    for thread in threads:
        thread.start()
    begun = time.monotonic()
    for rep in workers:
        rep.deadline = begun + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    elapsed = time.monotonic() - begun
    stuck = sum(thread.is_alive() for thread in threads)
    saves = [s for rep in workers for s in rep.saves]
    errors = [e for rep in workers for e in rep.errors]
    overlapping, handed_twice = hold_overlaps(workers)
    where = f"client_key LIKE '{run}-%'"
    twice_by_two = int(
        psql(
            db,
            f"SELECT count(*) FROM (SELECT partner_id FROM cold_call_log WHERE {where} "
            "GROUP BY partner_id HAVING count(DISTINCT user_id) > 1) AS c",
        )
    )
    twice = int(
        psql(
            db,
            f"SELECT count(*) FROM (SELECT partner_id FROM cold_call_log WHERE {where} "
            "GROUP BY partner_id HAVING count(*) > 1) AS c",
        )
    )
    logged = int(psql(db, f"SELECT count(*) FROM cold_call_log WHERE {where}"))
    # each contact called stays held by its caller for the hold's duration after the call
    held_by_other = int(
        psql(
            db,
            "SELECT count(*) FROM cold_call_log l JOIN cold_call_hold h ON h.partner_id = l.partner_id "
            f"WHERE l.{where} AND h.user_id != l.user_id "
            f"AND h.write_date < l.call_date + interval '{hold_minutes} minutes'",
        )
    )
    row = {
        "reps": reps,
        "minutes": round(seconds / 60, 1),
        "saves": len(saves),
        "saves_per_s": round(len(saves) / elapsed, 1),
        **{f"save_{key}": value for key, value in percentiles(saves).items() if key != "n"},
        "budget_p95_ms": SAVE_BUDGET_P95_MS,
        "errors": len(errors) + stuck,
        "called_twice": twice,
        "called_by_two_reps": twice_by_two,
        "held_by_two_at_once": overlapping,
        "logged_in_db": logged,
        "held_by_another_after": held_by_other,
    }
    pages = percentiles([p for rep in workers for p in rep.pages])
    row["met"] = (
        "yes"
        if row["save_p95_ms"] is not None
        and row["save_p95_ms"] <= SAVE_BUDGET_P95_MS
        and not (row["errors"] or twice or overlapping or held_by_other)
        and logged == len(saves)
        else "NO"
    )
    extra = {
        "pages": pages,
        "flips": sum(rep.flips for rep in workers),
        "empty_pages": sum(rep.empty_pages for rep in workers),
        "handed_to_two_reps": handed_twice,
        "first_errors": sorted(set(errors))[:5],
        "stuck_threads": stuck,
        "hold_minutes": hold_minutes,
        "list_name": list_name,
        "call_s": REP_CALL_S,
        "click_s": REP_CLICK_S,
    }
    print(f"  reps: {row} {extra}", flush=True)
    return {"row": row, **extra}


# ----------------------------------------------------------------------
# Drain
# ----------------------------------------------------------------------


def bench_drain(db, log_dir, backlog):
    """The backlog drained by the job runner of a real prefork server, measured as run.py's
    bench_processing measures it: from the server's start, polling the events left every second;
    queries per event from the job requests of the server's log."""

    def ours(state, columns="count(*)"):
        return psql(
            db, f"SELECT {columns} FROM mcube_event WHERE state = '{state}' AND call_id LIKE '{backlog['prefix']}-%'"
        )

    pending = int(ours("pending"))
    timeout = max(1800, 2 * pending / DRAIN_BUDGET_PER_S)
    server = OdooServer(db, log_dir / "bench-10x-drain.log").start()
    started = time.monotonic()
    oldest_ages = []
    try:
        while True:
            age_sql = "coalesce(extract(epoch FROM (now() at time zone 'UTC') - min(received_at)), 0)"
            left, age = ours("pending", f"count(*), {age_sql}").split("|")
            oldest_ages.append(float(age))
            if int(left) == 0 or time.monotonic() - started > timeout:
                break
            time.sleep(1)
        drained = time.monotonic() - started
        job_queries = sum(server.request_queries("/queue_job/runjob"))
    finally:
        server.stop()
    row = {
        "backlog": pending,
        "made_s": backlog["seconds"],
        "drain_s": round(drained, 1),
        "events_per_s": round(pending / drained, 1),
        "queries_per_event": round(job_queries / pending, 1) if pending else None,
        "max_oldest_pending_s": round(max(oldest_ages), 1),
        "left": int(left),
        "failed": int(ours("failed")),
        "budget_per_s": DRAIN_BUDGET_PER_S,
    }
    row["met"] = "yes" if row["events_per_s"] >= DRAIN_BUDGET_PER_S and not row["left"] else "NO"
    print(f"  drain: {row}", flush=True)
    return row


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("" if row.get(h) is None else str(row.get(h)) for h in headers) + " |" for row in rows]
    return "\n".join(lines)


def met(value, budget):
    return "yes" if value is not None and value <= budget else "NO"


def size(count):
    """100000 as 100k, 1000000 as 1M."""
    return f"{count / 10**6:g}M" if count >= 10**6 else f"{count / 1000:g}k"


def metrics_lines(rows):
    return [
        f"## Metrics scrape (GET {METRICS_PATH}, budget: p95 <= {METRICS_BUDGET_P95_MS} ms)",
        "",
        f"Scrapes one after the other, as Prometheus sends them, with the token of the system parameter "
        f"`{METRICS_TOKEN_PARAM}` (`Authorization: Bearer`), while a backlog of events waits (no job runner), "
        "after one scrape to warm up; a request without the token is refused. queries: the median SQL "
        "queries of one scrape, as Odoo's request log counts them; series: the samples of one answer.",
        "",
        table(
            ["data", "pending_events", "n", "p50_ms", "p95_ms", "budget_p95_ms", "met", "queries", "series", "bytes"],
            rows,
        ),
        "",
    ]


def webhook_drain(row):
    """The first drain of the Processing section (stored through the webhook), as a row of the 10x table."""
    made = f"{row['intake_s']} (webhook)"
    good = row["events_per_s"] >= DRAIN_BUDGET_PER_S and not row["left"]
    return {**row, "made_s": made, "budget_per_s": DRAIN_BUDGET_PER_S, "met": "yes" if good else "NO"}


def report_lines(scale, today, args, dialer_actions, dialer_budgets):
    """The sections of the 10x benchmarks, with today's figures (``today``: run.py's results, when
    they ran) on the rows beside them."""
    data = scale["data"]
    small, big = f"{size(args.contacts)} contacts", f"{size(args.big_contacts)} contacts"
    both = bool(today.get("dialer"))
    versus = f"{small} vs {big}" if both else big
    calls = (
        f"{size(args.call_logs)} vs {size(data['call_logs'])} call logs"
        if both
        else f"{big}, {size(data['call_logs'])} call logs"
    )
    lines = [
        f"## At 10x: {args.big_contacts} contacts, {args.big_call_logs} call logs, a {args.big_backlog}-event backlog",
        "",
        f"Database {args.big_db}, generated once and reused (this time: generator {data['generator_s']} s, "
        f"VACUUM ANALYZE {data['vacuum_s']} s): {data['contacts']} contacts (seed {args.seed}) drawn as "
        "generate.py draws today's (cities, numbers, statuses, register preferences for every contact's number, "
        f"consents for one in fifty), {data['mumbai']} of them in the saved search {scale['list_name']!r}; "
        f"{data['call_logs']} call logs of {data['users']} reps over the last 60 days; {data['leads']} leads; "
        f"{data['register']} register preferences. Bulk SQL (tests/bench/scale_data.py), then VACUUM ANALYZE."
        + (f" Rows marked {small} are the figures of the sections above, from the same run." if both else ""),
        "",
        f"### Dialer, server side over HTTP, {versus} (budget: p95, as today's)",
        "",
        f"The big filter matches {scale['dialer']['big_filter_count']} contacts the Dialer offers at {big} "
        "(before the reps below called some); a page is read next to a random page of it. Same actions, same "
        "measure as the first table.",
        "",
    ]
    budgets = {dialer_actions[action]: budget for action, budget in dialer_budgets.items()}
    rows = []
    for index, row in enumerate(scale["dialer"]["rows"]):
        pair = [(small, today["dialer"]["rows"][index])] if both else []
        for label, source in [*pair, (big, row)]:
            entry = {"data": label, **source}
            if source["action"] in budgets:
                entry["budget_p95_ms"] = budgets[source["action"]]
                entry["met"] = met(source["p95_ms"], entry["budget_p95_ms"])
            # today's label names the size of today's big filter
            entry["action"] = entry["action"].replace(" (~50k filter)", "")
            rows.append(entry)
    lines += [
        table(
            [
                "data",
                "action",
                "n",
                "p50_ms",
                "p95_ms",
                "budget_p95_ms",
                "met",
                "queries",
                "chain_p50_ms",
                "chain_p95_ms",
            ],
            rows,
        ),
        "",
        f"### Dialer dashboard, {calls} (budget: p95 <= {DASHBOARD_BUDGET_P95_MS} ms)",
        "",
        f"{data['call_logs']} call logs at {big} ({scale['dashboard']['month_calls']} this month), "
        f"{scale['dashboard']['lists']} lists; a refresh as in the dashboard table above.",
        "",
    ]
    rows = []
    for index, row in enumerate(scale["dashboard"]["rows"]):
        pair = [(f"{args.call_logs} calls", today["dashboard"]["rows"][index])] if today.get("dashboard") else []
        for label, source in [*pair, (f"{data['call_logs']} calls", row)]:
            rows.append(
                {
                    "data": label,
                    **source,
                    "budget_p95_ms": DASHBOARD_BUDGET_P95_MS,
                    "met": met(source["p95_ms"], DASHBOARD_BUDGET_P95_MS),
                }
            )
    reps = scale["reps"]
    pages = reps["pages"]
    lines += [
        table(
            ["data", "refresh", "n", "p50_ms", "p95_ms", "budget_p95_ms", "met", "queries", "first_on_workers_ms"], rows
        ),
        "",
        f"### {args.reps} reps working one shared list at once for {args.reps_minutes:g} min, at {big}",
        "",
        f"Reps bench-rep-1 to {args.reps} (Dialer users of the same company), each in its own thread and "
        f"session over HTTP JSON-RPC, all on the saved search {reps['list_name']!r}, as the Dialer's screen "
        "calls the server: `get_page` with `open_first` (the first free contact, held for the rep), then "
        "`log_call` with an outcome, a note, the browser's `client_key` and the page's contacts still to call "
        "(the server holds and opens the next free one); a page with nobody left is followed by the next one "
        f"from its last contact (as the page stood: `anchor_waiting`). Before each save a rep waits "
        f"{reps['call_s'][0]:g} to {reps['call_s'][1]:g} s (uniform, random: the call and the note; a real "
        "call takes longer), before each page it opens "
        f"{reps['click_s'][0]:g} to {reps['click_s'][1]:g} s (a click); odoo.conf's 5 workers serve them "
        "all. Outcomes: " + ", ".join(f"{value} {weight}%" for value, weight in REP_OUTCOMES) + ".",
        "",
        table(
            [
                "reps",
                "minutes",
                "saves",
                "saves_per_s",
                "save_p50_ms",
                "save_p95_ms",
                "budget_p95_ms",
                "errors",
                "called_twice",
                "called_by_two_reps",
                "held_by_two_at_once",
                "met",
            ],
            [reps["row"]],
        ),
        "",
        f"errors: HTTP or JSON-RPC errors and timeouts (first ones: {reps['first_errors'] or 'none'}). "
        "called_twice / called_by_two_reps: contacts with more than one of the run's calls in the database "
        "(by any rep / by two reps). held_by_two_at_once: contacts handed to a rep while another surely held "
        "them (from the times of the answers that handed them and of the saves, with the hold of "
        f"{reps['hold_minutes']} minutes); contacts handed to two reps at any time: {reps['handed_to_two_reps']}. "
        f"In the database after the run: {reps['row']['logged_in_db']} calls with the run's keys, "
        f"{reps['row']['held_by_another_after']} of them on a contact held by another rep within the hold. "
        f"Pages opened: {pages['n']} (p50 {pages['p50_ms']} ms, p95 {pages['p95_ms']} ms), {reps['flips']} "
        f"of them the next page after a page with nobody left to call, {reps['empty_pages']} with nobody "
        "to open either.",
        "",
        f"### Processing a {args.big_backlog}-event backlog (budget: >= {DRAIN_BUDGET_PER_S} events/s)",
        "",
        "The backlog was stored without a job runner by the webhook's own accept (`mcube.event._ingest`: "
        "the event row, and its batch's queue job when the batch has none waiting) run in-process by "
        "tests/bench/scale_data.py in made_s seconds, rather than by HTTP requests one by one; the same "
        "events as the Processing section's (four calls in five from a known lead, recordings as links). "
        "Then drained exactly as there: a real prefork server with its queue_job runner (odoo.conf's "
        "channels), the events left polled every second from its start.",
        "",
        table(
            [
                "data",
                "backlog",
                "made_s",
                "drain_s",
                "events_per_s",
                "queries_per_event",
                "max_oldest_pending_s",
                "left",
                "failed",
                "budget_per_s",
                "met",
            ],
            [
                *([{**webhook_drain(today["processing"][0]), "data": small}] if today.get("processing") else []),
                {**scale["drain"], "data": big},
            ],
        ),
        "",
    ]
    return lines
