"""The data of the 10x benchmarks (tests/bench/scale.py), in-process with Odoo imported; prints one JSON line.

``generate DB``: the data of generate.py at ten times the size, in bulk SQL: contacts with their
ids, commercial partners and MCUBE E.164 numbers written by the INSERT itself (generate.py's
UPDATE of every contact after it would take as long again at 1M), then generate.py's own saved
searches, leads, users, call logs and register preferences. Generated once and reused: each step
counts what is there and adds only what is missing.

``backlog DB --events N --prefix P``: N MCUBE events stored the way the webhook stores them, by
its own ``mcube.event._ingest`` (the event row, and its batch's queue job when the batch has no
waiting one) in this process rather than over HTTP: 100k requests one by one would take a
quarter of an hour. The same events as bench_processing in run.py sends.

Run through scripts/bench; alone: scale_data.py generate DB --contacts 1000000 --call-logs 1000000.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import (  # noqa: E402
    CONTACT_PREFIX,
    LEAD_NUMBER_BASE,
    PHONE_SQL,
    generate_call_logs,
    generate_compliance,
    generate_filters,
    generate_leads,
    generate_managers,
    generate_users,
)
from mcube import event  # noqa: E402
from odoo_server import odoo_options  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

# The contacts' numbers as generate.py writes them (PHONE_SQL), in the E.164 form of the MCUBE
# lookup fields (mcube.phone.mixin): phone for i % 6 != 5, mobile (n + 1) for i % 12 == 11.
MCUBE_PHONE_SQL = "CASE WHEN i %% 6 <> 5 THEN '+91' || n::text END"
MCUBE_MOBILE_SQL = "CASE WHEN i %% 12 = 11 THEN '+91' || (n + 1)::text END"
CHECKED_NUMBERS = 2000
CLUSTER_CALL_LOGS = "CLUSTER cold_call_log USING cold_call_log__call_date_index"


def generate_contacts(env, count, seed):
    """generate.py's contacts (same names, numbers, cities and statuses, drawn the same way), with
    what the ORM would have stored beside them: ``commercial_partner_id`` (the contact itself) and
    the E.164 numbers MCUBE matches callers on."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE %s", [f"{CONTACT_PREFIX} %"])
    existing = cr.fetchone()[0]
    if existing >= count:
        return existing
    env["cold.call.outcome"]._create_status_field()
    status_field = env["ir.model.fields"]._get("res.partner", "x_cold_call_status")
    values = status_field.selection_ids.mapped("value")
    status_column = ", x_cold_call_status" if status_field else ""
    status_sql = (
        ", CASE WHEN random() < 0.5 THEN NULL ELSE (%s::varchar[])[1 + floor(random() * %s)::int] END"
        if status_field
        else ""
    )
    cr.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
    cr.execute(
        f"""
        INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, type, active, is_company,
                                 partner_share, lang, color, phone, mobile, phone_sanitized,
                                 mcube_phone_sanitized, mcube_mobile_sanitized, city, create_date, write_date,
                                 create_uid, write_uid{status_column})
        SELECT pid, pid, name, name, 'contact', true, false, true, 'en_US', 0,
               {PHONE_SQL},
               CASE WHEN i %% 12 = 5 THEN NULL WHEN i %% 6 = 5 THEN '+91' || (n + 1)::text END,
               CASE WHEN i %% 12 = 5 THEN NULL WHEN i %% 6 = 5 THEN '+91' || (n + 1)::text ELSE '+91' || n::text END,
               {MCUBE_PHONE_SQL}, {MCUBE_MOBILE_SQL},
               CASE WHEN b < 50 THEN 'Mumbai' WHEN b < 60 THEN 'Pune' WHEN b < 80 THEN 'Delhi'
                    WHEN b < 94 THEN 'Bengaluru' WHEN b < 99 THEN 'Chennai' ELSE 'Nagpur' END,
               now() at time zone 'UTC', now() at time zone 'UTC', %s, %s{status_sql}
        FROM (SELECT nextval('res_partner_id_seq') AS pid, i, %s || ' ' || lpad(i::text, 7, '0') AS name,
                     9000000000 + floor(random() * 999999999)::bigint AS n, floor(random() * 100) AS b
              FROM generate_series(%s, %s) i) AS g
        """,
        [
            SUPERUSER_ID,
            SUPERUSER_ID,
            *([values, len(values)] if status_field else []),
            CONTACT_PREFIX,
            existing + 1,
            count,
        ],
    )
    env["res.partner"].invalidate_model()
    return count


def check_numbers(env):
    """The E.164 numbers written in SQL must be what the suite's one phone path gives: checked on
    a sample of contacts against ``phone.e164``, as mcube.phone.mixin computes them."""
    from odoo.addons.cold_call_phone.tools import phone  # the addons path is known once the config is read

    env.cr.execute(
        """SELECT phone, mobile, mcube_phone_sanitized, mcube_mobile_sanitized FROM res_partner
            WHERE name LIKE %s ORDER BY id DESC LIMIT %s""",
        [f"{CONTACT_PREFIX} %", CHECKED_NUMBERS],
    )
    code = env.company._mcube_country().code
    wrong = [
        row
        for row in env.cr.fetchall()
        if (phone.e164(row[0], code), phone.e164(row[1], code)) != (row[2] or False, row[3] or False)
    ]
    if wrong:
        raise AssertionError(f"{len(wrong)} contacts of {CHECKED_NUMBERS} with numbers not in E.164: {wrong[:3]}")


def generate(env, args):
    cr = env.cr
    steps = {}

    def step(name, function, *params):
        started = time.monotonic()
        result = function(env, *params)
        cr.commit()  # each step kept: a run stopped half way goes on from there
        steps[name] = round(time.monotonic() - started, 1)
        return result

    # India first, as generate_compliance sets it: a later change of country would recompute every
    # contact's MCUBE numbers through the ORM (res.company.write).
    if env.company.country_id != env.ref("base.in"):
        env.company.country_id = env.ref("base.in")
    contacts = step("contacts", generate_contacts, args.contacts, args.seed)
    step("filters", generate_filters)
    leads = step("leads", generate_leads, args.leads)
    step("users", generate_users, args.users)
    step("managers", generate_managers, args.users)
    cr.execute("SELECT count(*) FROM cold_call_log")
    before = cr.fetchone()[0]
    calls = step("call_logs", generate_call_logs, args.call_logs, args.seed)
    cr.execute("SELECT count(*) FROM cold_call_log")
    if cr.fetchone()[0] > before:
        # generate.py draws the calls' dates at random: stored in the order of their dates, as a
        # table that grew day by day, a month of calls is a tenth of its pages rather than all
        step("call_logs_in_date_order", lambda env: env.cr.execute(CLUSTER_CALL_LOGS))
    register = step("register", generate_compliance, args.register, args.seed)
    check_numbers(env)
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE %s AND city = 'Mumbai'", [f"{CONTACT_PREFIX} %"])
    return {
        "contacts": contacts,
        "mumbai": cr.fetchone()[0],
        "leads": leads,
        "users": args.users,
        "call_logs": calls,
        "register": register,
        "steps_s": steps,
    }


def backlog(env, args):
    """``args.events`` hangup events, four in five from a bench lead's number and the fifth from
    a new one, as bench_processing sends them, each stored through the webhook's accept."""
    from odoo.addons.mcube_integration.tools.payload import decode, parse

    company = env.company
    company.write({"mcube_recording_storage": "link", "mcube_recording_transcribe": False})
    if not company.mcube_webhook_token:
        company.mcube_webhook_token = f"bench-{random.getrandbits(96):024x}"
    account = env["res.company"]._mcube_account(company.mcube_webhook_token)
    Event = env["mcube.event"]
    started = time.monotonic()
    accepted = 0
    for i in range(args.events):
        number = str(LEAD_NUMBER_BASE + 1 + i % 9000) if i % 5 else str(9100000000 + i)
        body = json.dumps(event(f"{args.prefix}-{i}", number=number)).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), "User-Agent": "bench"}
        text, data = decode(body, "json")
        call = parse(data)
        stored, outcome = Event._ingest(call, text, "application/json", headers, "127.0.0.1", account)
        if outcome == "accepted":
            env["crm.lead"]._mcube_pop_up(call, account)
            accepted += 1
        if i % 1000 == 999:
            env.cr.commit()
            env.invalidate_all()
    env.cr.commit()
    env.cr.execute("SELECT count(*) FROM queue_job WHERE channel = 'root.mcube' AND state IN ('pending', 'enqueued')")
    return {"events": accepted, "jobs": env.cr.fetchone()[0], "seconds": round(time.monotonic() - started, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("generate")
    data.add_argument("db")
    data.add_argument("--contacts", type=int, default=1_000_000)
    data.add_argument("--leads", type=int, default=100_000)
    data.add_argument("--users", type=int, default=50)
    data.add_argument("--call-logs", type=int, default=1_000_000)
    data.add_argument("--register", type=int, default=10_000_000)
    data.add_argument("--seed", type=int, default=42)
    events = commands.add_parser("backlog")
    events.add_argument("db")
    events.add_argument("--events", type=int, default=100_000)
    events.add_argument("--prefix", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config([*odoo_options(), "-d", args.db, "--log-level=warn"])
    with odoo.registry(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = generate(env, args) if args.command == "generate" else backlog(env, args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
