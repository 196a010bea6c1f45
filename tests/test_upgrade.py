"""A database made by an earlier release upgrades to the working tree with nothing lost.

Each release is checked out from this clone's history (a git worktree), installed with its demo
data, used as a team would use it (MCUBE settings, outcome edits, calls logged in the Dialer,
MCUBE events through the webhook and its jobs, click-to-calls), then upgraded with
``-u cold_call_dialer,mcube_integration``. Every record, outcome, setting and report figure read
before the upgrade, with the release's code, must read the same after it, with the new code; and
the upgraded database has the modules a new install has.
"""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from mcube import post
from odoo_server import SUITE, OdooServer, odoo_options

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "addons" / "mcube_integration" / "tests" / "samples"
RELEASES = {
    # The last release before this one: India's telemarketing rules.
    "1b9dd08": "the release of December 7th",
    # Outcomes as records.
    "d3b369b": "the release of December 6th",
    # Outcome meanings on the options of the outcome field.
    "7ef3780": "the release of November 28th",
    # Before the click-to-call bridge: an upgrade must install it, as a new install does.
    "c041e57": "the release of November 26th",
}
TOKEN = "upgrade-token-3c9d51"
API_TOKEN = "upgrade-api-token-77e0"

# Reads the same facts with either version's code, in `odoo-bin shell`; prints them as JSON.
SNAPSHOT = r"""
import json, os
from collections import defaultdict

new = "cold.call.outcome" in env
Log = env["cold.call.log"].sudo()
params = env["ir.config_parameter"].sudo()
company = env.ref("base.main_company").sudo()
field = env["ir.model.fields"]._get("res.partner", "x_cold_call_status")
FLAGS = ["connected", "follow_up", "do_not_call", "creates_opportunity", "books_meeting", "retry_hours",
         "max_attempts", "attempt_window_days"]

def log_value(log):
    return log.outcome_id.value if new else log.status_value

outcomes = {}
for option in field.selection_ids:
    if new:
        outcome = env["cold.call.outcome"].search([("selection_id", "=", option.id)])
        meaning = {flag: outcome[flag] for flag in FLAGS}
        meaning["mcube_statuses"] = outcome.mcube_statuses or False
    else:
        meaning = {flag: option[f"cold_call_{flag}"] for flag in FLAGS if f"cold_call_{flag}" in option._fields}
        statuses = "cold_call_mcube_statuses" in option._fields
        meaning["mcube_statuses"] = (option.cold_call_mcube_statuses or False) if statuses else None
    outcomes[option.value] = {"label": option.name, "sequence": option.sequence, **meaning}

logs = Log.search([], order="id")
# Fields of the log that came with later releases: read when the release before the upgrade had them.
if LOG_FIELDS is None:
    LATER = ["opportunity_id", "opportunity_created", "calendar_event_id", "mail_template_id",
             "mcube_call_record_id", "mcube_duration", "recording_url"]
    LOG_FIELDS = [fname for fname in LATER if fname in Log._fields]
last_label = {}
for log in logs.sorted(lambda log: (log.call_date, log.id)):
    if log_value(log):
        last_label[log_value(log)] = log.outcome_id.name if new else log.status_label

report = defaultdict(lambda: [0, 0, 0])
for log in logs:
    entry = report[log_value(log) or ""]
    entry[0] += 1
    entry[1] += int(log.connected)
    entry[2] += log.duration

contacts = {}
for partner in env["res.partner"].with_context(active_test=False).search([("cold_call_log_ids", "!=", False)]):
    last = max(partner.cold_call_log_ids, key=lambda log: (log.call_date, log.id))
    contacts[str(partner.id)] = [
        partner.x_cold_call_status or False,
        str(partner.cold_call_last_date),
        partner.cold_call_last_outcome_id.value if new else log_value(last),
    ]

if new:
    settings = {
        "token": company.mcube_webhook_token, "allowed_ips": company.mcube_allowed_ips or False,
        "default_user": company.mcube_default_user_id.id, "default_team": company.mcube_default_team_id.id,
        "country": company.mcube_country_id.id, "timezone": company.mcube_timezone,
        "batch_jobs": company.mcube_batch_jobs if has_batches else None,
        "click_to_call_url": company.mcube_click_to_call_url if has_bridge else None,
        "api_token": company.mcube_api_token or False if has_bridge else None,
        "send_webhook_url": company.mcube_send_webhook_url if has_bridge else None,
    }
else:
    def param(key, convert=str):
        value = params.get_param(key)
        return convert(value) if value else False
    settings = {
        "token": param("mcube_integration.webhook_token"), "allowed_ips": param("mcube_integration.allowed_ips"),
        "default_user": param("mcube_integration.default_user_id", int),
        "default_team": param("mcube_integration.default_team_id", int),
        "country": param("mcube_integration.country_id", int), "timezone": param("mcube_integration.timezone"),
        "batch_jobs": param("mcube_integration.batch_jobs", int) or 2 if has_batches else None,
        "click_to_call_url": param("cold_call_dialer_mcube.click_to_call_url") if has_bridge else None,
        "api_token": param("cold_call_dialer_mcube.api_token") if has_bridge else None,
        "send_webhook_url": bool(param("cold_call_dialer_mcube.send_webhook_url")) if has_bridge else None,
    }
settings["hold_minutes"] = params.get_param("cold_call_dialer.hold_minutes")
settings["calling_hours"] = [params.get_param("cold_call_dialer.calling_hours_start"),
                             params.get_param("cold_call_dialer.calling_hours_end")]

attempts = []
if "cold.call.mcube.attempt" in env:
    for attempt in env["cold.call.mcube.attempt"].sudo().search([], order="id"):
        attempts.append([attempt.refid, attempt.state, attempt.partner_id.id, attempt.user_id.id,
                         attempt.call_record_id.call_id, attempt.call_log_id.id, attempt.mcube_status,
                         attempt.duration])

snapshot = {
    "modules": {m.name: m.state for m in env["ir.module.module"].search([("name", "in", SUITE)])},
    "counts": {model: env[model].sudo().with_context(active_test=False).search_count([]) for model in
               ["res.partner", "crm.lead", "cold.call.log", "mcube.event", "mcube.call.record", "ir.filters",
                "mail.activity", "calendar.event"]},
    "outcomes": outcomes,
    "deleted_outcomes": {value: label for value, label in last_label.items() if value not in outcomes},
    "log_fields": LOG_FIELDS,
    "logs": [[log.id, log.partner_id.id, log.user_id.id, str(log.call_date), log_value(log), log.duration,
              log.connected, log.list_name, log.filter_id.id, log.follow_up_scheduled,
              *(str(log[fname]) for fname in LOG_FIELDS)]
             for log in logs],
    "report": report,
    "calls_per_rep": {str(user.id): count for user, count in Log._read_group([], ["user_id"], ["__count"])},
    "contacts": contacts,
    "events": [[e.call_id, e.phase, e.state, e.payload, e.call_record_id.call_id]
               for e in env["mcube.event"].sudo().search([], order="id")],
    "records": [[r.call_id, r.state, r.lead_id.id, r.partner_id.id, r.user_id.id, r.phone_number, r.status,
                 r.duration, str(r.call_date), r.recording_url]
                for r in env["mcube.call.record"].sudo().search([], order="id")],
    "leads": [[lead.id, lead.name, lead.user_id.id, lead.partner_id.id, lead.phone, lead.mcube_call_count]
              for lead in env["crm.lead"].sudo().with_context(active_test=False).search([], order="id")],
    "attempts": attempts,
    "settings": settings,
}
with open(os.environ["SNAPSHOT_PATH"], "w") as file:
    json.dump(snapshot, file, sort_keys=True, default=str)
"""

# Attempts of the release's click-to-call, as place_call and the webhook's jobs leave them.
ATTEMPTS = r"""
Attempt = env["cold.call.mcube.attempt"].sudo()
admin = env.ref("base.user_admin")
record = env["mcube.call.record"].sudo().search([("direction", "=", "outbound")], limit=1)
log = env["cold.call.log"].sudo().search([], limit=1)
Attempt.create([
    {"partner_id": log.partner_id.id, "user_id": admin.id, "refid": "ccd-upgrade-1", "state": "ended",
     "executive_number": "+919123456780", "customer_number": "+919876543210", "call_record_id": record.id,
     "mcube_call_id": record.call_id, "call_log_id": log.id, "mcube_status": "NoAnswer", "duration": 0},
    {"partner_id": log.partner_id.id, "user_id": admin.id, "refid": "ccd-upgrade-2", "state": "failed",
     "executive_number": "+919123456780", "customer_number": "+919876543211", "error": "MCUBE refused the call."},
])
env.cr.commit()
"""


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def odoo(db, addons, *args, stdin=None, env=None, log=None):
    """Run odoo-bin on ``db`` with the addons of ``addons`` (a folder), as scripts/test runs it."""
    addons_path = f"{os.environ['ODOO_SRC']}/odoo/addons,{addons}"
    command = [os.environ["ODOO_PYTHON"], f"{os.environ['ODOO_SRC']}/odoo-bin", *args, *odoo_options()]
    command += ["-d", db, f"--addons-path={addons_path}", "--workers=0", "--max-cron-threads=0", "--no-http"]
    if args[0] != "shell":
        command += ["--stop-after-init", f"--logfile={log}"]
    result = subprocess.run(
        command, input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900
    )
    assert result.returncode == 0, f"odoo-bin {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result


def snapshot(db, addons, path, has_bridge, has_batches, log_fields=None):
    """The snapshot of ``db`` read with the code of ``addons``; ``log_fields``: the call-log fields
    to read besides those of every release (by default, those the code has)."""
    header = f"SUITE = {SUITE!r}\nhas_bridge = {has_bridge}\nhas_batches = {has_batches}\nLOG_FIELDS = {log_fields!r}\n"
    script = header + SNAPSHOT
    odoo(db, addons, "shell", "--log-level=warn", stdin=script, env={"SNAPSHOT_PATH": str(path)})
    return json.loads(path.read_text())


def indexes(db):
    """{index name: its definition} of every index of the database's tables."""
    lines = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-AtF",
            "\t",
            "-c",
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return dict(line.split("\t", 1) for line in lines)


def use_the_release(server, rpc, has_bridge):
    """What a team did with the release: settings, outcome edits, calls and MCUBE events."""
    settings = {
        "mcube_webhook_token": TOKEN,
        "mcube_allowed_ips": "127.0.0.0/8, 203.0.113.0/24",
        "mcube_default_user_id": rpc.call("res.users", "search", [("login", "=", "demo")])[0],
        "mcube_country_id": rpc.call("res.country", "search", [("code", "=", "IN")])[0],
        "mcube_timezone": "Asia/Kolkata",
        "mcube_batch_jobs": 3,
        "cold_call_hold_minutes": 20,
        "cold_call_mcube_api_token": API_TOKEN,
        "cold_call_mcube_send_webhook_url": True,
    }
    known = rpc.call("res.config.settings", "fields_get", [], attributes=["type"])
    wizard = rpc.call("res.config.settings", "create", {key: value for key, value in settings.items() if key in known})
    rpc.call("res.config.settings", "execute", [wizard])

    field = rpc.call("ir.model.fields", "search", [("model", "=", "res.partner"), ("name", "=", "x_cold_call_status")])
    Options = "ir.model.fields.selection"

    def option(value):
        return rpc.call(Options, "search", [("field_id", "=", field[0]), ("value", "=", value)])

    if rpc.call("ir.model", "search", [("model", "=", "cold.call.outcome")]):

        def edit_meaning(value, values):
            outcome = rpc.call("cold.call.outcome", "search", [("value", "=", value)])
            rpc.call("cold.call.outcome", "write", outcome, values)

    else:  # the meanings were on the options, each name prefixed

        def edit_meaning(value, values):
            known = rpc.call(Options, "fields_get", [], attributes=["type"])
            values = {f"cold_call_{key}": item for key, item in values.items() if f"cold_call_{key}" in known}
            rpc.call(Options, "write", option(value), values)

    edit_meaning("voicemail", {"follow_up": True})
    edit_meaning("callback", {"retry_hours": 12, "max_attempts": 2})
    edit_meaning("not_interested", {"mcube_statuses": "ANSWER"})
    rpc.call(Options, "create", {"field_id": field[0], "value": "demo_done", "name": "Demo Done", "sequence": 50})

    partners = rpc.call("res.partner", "search", [("phone", "!=", False), ("is_company", "=", False)], limit=8)
    calls = ["gatekeeper", "no_answer", "demo_done", "callback", "interested", "voicemail", "gatekeeper"]
    calls.append("meeting" if has_bridge else "not_interested")  # meetings came with the bridge's release
    for partner, status in zip(partners, calls, strict=True):
        kwargs = {"status": status, "duration": 30 + partner % 60, "note": f"Upgrade test {status}"}
        if status == "meeting":
            kwargs["meeting"] = {"start": time.strftime("%Y-%m-%d 10:00:00", time.gmtime(time.time() + 86400))}
        rpc.call("cold.call.dialer", "log_call", partner, list_key="never_called", **kwargs)
        if status == "gatekeeper":
            # A renamed option: calls before and after the rename are one outcome.
            rpc.call(Options, "write", option("gatekeeper"), {"name": "Receptionist Block"})
    rpc.call(Options, "unlink", option("demo_done"))

    for sample in sorted(SAMPLES.glob("*.json")):
        assert post(server.url, TOKEN, json.loads(sample.read_text())).status_code == 202, sample
    deadline = time.monotonic() + 120
    while rpc.call("mcube.event", "search_count", [("state", "=", "pending")]):
        assert time.monotonic() < deadline, "the release's jobs did not process the MCUBE events"
        time.sleep(1)


@pytest.fixture(params=sorted(RELEASES), ids=lambda sha: f"{sha} ({RELEASES[sha]})")
def release(request, odoo_db, tmp_path):
    """The release's addons in a worktree of this clone, and a database it made."""
    sha = request.param
    worktree = tmp_path / f"release-{sha}"
    git("worktree", "add", "--detach", str(worktree), sha)
    db = f"{odoo_db}_up_{sha}"
    log_dir = Path(os.environ.get("LOG_DIR", ROOT / "test-logs"))
    try:
        yield sha, worktree / "addons", db, log_dir
    finally:
        subprocess.run(["psql", "-d", "postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'], check=False)
        git("worktree", "remove", "--force", str(worktree))


def test_an_earlier_release_upgrades_with_nothing_lost(release, odoo_db, tmp_path):
    sha, old_addons, db, log_dir = release
    has_bridge = (old_addons / "cold_call_dialer_mcube").is_dir()
    has_batches = any("batch_jobs" in path.read_text() for path in (old_addons / "mcube_integration").rglob("*.py"))
    log = log_dir / f"odoo-upgrade-{sha}.log"
    odoo(db, old_addons, "-i", "cold_call_dialer,mcube_integration", log=log)

    server = OdooServer(db, log, extra_args=[f"--addons-path={os.environ['ODOO_SRC']}/odoo/addons,{old_addons}"])
    server.start()
    try:
        use_the_release(server, server.session(), has_bridge)
    finally:
        server.stop()
    if has_bridge:
        odoo(db, old_addons, "shell", "--log-level=warn", stdin=ATTEMPTS)

    before = snapshot(db, old_addons, tmp_path / "before.json", has_bridge, has_batches)
    odoo(db, ROOT / "addons", "-u", "cold_call_dialer,mcube_integration", log=log)
    after = snapshot(db, ROOT / "addons", tmp_path / "after.json", has_bridge, has_batches, before["log_fields"])

    # The upgraded database has the modules a new install has: the bridge, the phone module.
    fresh = snapshot(odoo_db, ROOT / "addons", tmp_path / "fresh.json", True, True)["modules"]
    assert after.pop("modules") == fresh == dict.fromkeys(SUITE, "installed")
    # and its indexes: none that the code dropped is left behind, none that it adds is missing
    assert indexes(db) == indexes(odoo_db)
    before.pop("modules")
    # Each outcome keeps its label, order and meaning; flags the release did not have take
    # their defaults. A deleted option's calls keep their outcome, archived with its last label.
    for value, outcome in before["outcomes"].items():
        assert {key: after["outcomes"][value][key] for key in outcome if outcome[key] is not None} == {
            key: value for key, value in outcome.items() if value is not None
        }, value
    assert after["outcomes"].keys() == before["outcomes"].keys()
    assert before["deleted_outcomes"] == after["deleted_outcomes"] == {"demo_done": "Demo Done"}
    assert before["report"]["gatekeeper"][0] == 2, "a renamed outcome stays one outcome"
    for key in (
        "counts",
        "log_fields",
        "logs",
        "report",
        "calls_per_rep",
        "contacts",
        "events",
        "records",
        "leads",
        "attempts",
    ):
        assert after[key] == before[key], key
    assert after["settings"] == before["settings"]
    assert before["counts"]["cold.call.log"] >= 11 and before["counts"]["mcube.call.record"] >= 3
    assert not after["attempts"] or len(after["attempts"]) == 2
