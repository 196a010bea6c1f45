"""Benchmark data in bulk SQL, reproducible from a seed: contacts, saved filters, leads, sales users,
a Dialer manager, the reps' call logs, and India's register preferences and consents.

Run through scripts/bench; alone: generate.py DB --contacts 100000 --leads 10000 --seed 42.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from odoo_server import odoo_options  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

CONTACT_PREFIX = "Bench Contact"
LEAD_PREFIX = "Bench Lead"
MANAGER_LOGIN = "bench-manager"
TEAM_NAME = "Bench team"
TEAM_SIZE = 10
CALL_LOG_DAYS = 60
LEAD_NUMBER_BASE = 7000000000  # lead i has the number 7000000000 + i, so lookups can aim at hits
# (name, domain): saved searches from ~1% to ~50% of the contacts (cities are drawn with those weights)
FILTERS = [
    ("Bench: Mumbai (~50%)", "[('city', '=', 'Mumbai')]"),
    ("Bench: Delhi (~20%)", "[('city', '=', 'Delhi')]"),
    ("Bench: Pune (~10%)", "[('city', '=', 'Pune')]"),
    ("Bench: Nagpur (~1%)", "[('city', '=', 'Nagpur')]"),
    ("Bench: Mumbai, no outcome yet", "[('city', '=', 'Mumbai'), ('x_cold_call_status', '=', False)]"),
    (
        "Bench: created this year",
        "[('create_date', '>=', (context_today() - relativedelta(years=1)).strftime('%Y-%m-%d'))]",
    ),
]
# 10 digits starting with 9, written the ways MCUBE and people write them
PHONE_SQL = """CASE i %% 6
    WHEN 0 THEN n::text
    WHEN 1 THEN '+91 ' || substr(n::text, 1, 5) || ' ' || substr(n::text, 6)
    WHEN 2 THEN '0' || n::text
    WHEN 3 THEN '0091-' || n::text
    WHEN 4 THEN '91' || n::text
END"""


def generate_contacts(env, count, seed):
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
        INSERT INTO res_partner (name, complete_name, type, active, is_company, partner_share, lang, color,
                                 phone, mobile, phone_sanitized, city, create_date, write_date,
                                 create_uid, write_uid{status_column})
        SELECT name, name, 'contact', true, false, true, 'en_US', 0,
               {PHONE_SQL},
               CASE WHEN i %% 12 = 5 THEN NULL WHEN i %% 6 = 5 THEN '+91' || (n + 1)::text END,
               CASE WHEN i %% 12 = 5 THEN NULL WHEN i %% 6 = 5 THEN '+91' || (n + 1)::text ELSE '+91' || n::text END,
               CASE WHEN b < 50 THEN 'Mumbai' WHEN b < 60 THEN 'Pune' WHEN b < 80 THEN 'Delhi'
                    WHEN b < 94 THEN 'Bengaluru' WHEN b < 99 THEN 'Chennai' ELSE 'Nagpur' END,
               now() at time zone 'UTC', now() at time zone 'UTC', %s, %s{status_sql}
        FROM (SELECT i, %s || ' ' || lpad(i::text, 7, '0') AS name,
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
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
    env["res.partner"].invalidate_model()
    return count


def generate_filters(env):
    model = env["ir.filters"]
    for name, domain in FILTERS:
        if not model.search_count([("name", "=", name), ("model_id", "=", "res.partner")]):
            model.create({"name": name, "model_id": "res.partner", "domain": domain, "user_id": False})


def generate_leads(env, count):
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE %s", [f"{LEAD_PREFIX} %"])
    existing = cr.fetchone()[0]
    if existing >= count:
        return existing
    team = env.ref("sales_team.team_sales_department", raise_if_not_found=False)
    stage = env["crm.stage"].search([], limit=1)
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, phone, phone_sanitized, team_id, stage_id, company_id,
                              priority, create_date, write_date, create_uid, write_uid)
        SELECT %s || ' ' || i, CASE WHEN i %% 3 = 0 THEN 'opportunity' ELSE 'lead' END, true,
               (%s + i)::text, '+91' || (%s + i)::text, %s, %s, %s, '0',
               now() at time zone 'UTC' - i * interval '1 minute', now() at time zone 'UTC' - i * interval '1 minute',
               %s, %s
        FROM generate_series(%s, %s) i
        """,
        [
            LEAD_PREFIX,
            LEAD_NUMBER_BASE,
            LEAD_NUMBER_BASE,
            team.id or None,
            stage.id or None,
            env.company.id,
            SUPERUSER_ID,
            SUPERUSER_ID,
            existing + 1,
            count,
        ],
    )
    cr.execute("ANALYZE crm_lead")
    env["crm.lead"].invalidate_model()
    return count


def generate_users(env, count):
    """Sales reps who may use the Dialer, each owning one MCUBE virtual number +91804000XXXX."""
    users = env["res.users"].with_context(no_reset_password=True)
    groups = env.ref("sales_team.group_sale_salesman") | env.ref("cold_call_dialer.group_cold_call_user")
    for k in range(1, count + 1):
        login = f"bench-rep-{k}"
        if not users.search_count([("login", "=", login)]):
            users.create(
                {
                    "name": f"Bench Rep {k}",
                    "email": f"{login}@example.com",
                    "login": login,
                    "password": login,
                    "groups_id": [(6, 0, groups.ids)],
                    "mcube_virtual_number": f"+91804000{k:04d}",
                }
            )


def generate_managers(env, reps):
    """A Dialer manager for the dashboard, and a sales team of the first reps for its team filter."""
    users = env["res.users"].with_context(no_reset_password=True)
    if not users.search_count([("login", "=", MANAGER_LOGIN)]):
        groups = env.ref("sales_team.group_sale_manager") | env.ref("cold_call_dialer.group_cold_call_manager")
        users.create(
            {
                "name": "Bench Manager",
                "login": MANAGER_LOGIN,
                "password": MANAGER_LOGIN,
                "tz": "Asia/Kolkata",
                "groups_id": [(6, 0, groups.ids)],
            }
        )
    team = env["crm.team"].search([("name", "=", TEAM_NAME)])
    members = users.search([("login", "in", [f"bench-rep-{k}" for k in range(1, min(reps, TEAM_SIZE) + 1)])])
    if not team:
        env["crm.team"].create({"name": TEAM_NAME, "member_ids": [(6, 0, members.ids)]})


def generate_call_logs(env, count, seed):
    """Calls of the bench reps over the last CALL_LOG_DAYS days: a third connected, one in twenty
    on an opportunity (half of them creating it), from the bench searches or a quick list."""
    cr = env.cr
    cr.execute("SELECT array_agg(id ORDER BY id) FROM res_users WHERE login LIKE 'bench-rep-%'")
    reps = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM cold_call_log WHERE user_id = ANY(%s)", [reps])
    existing = cr.fetchone()[0]
    if existing >= count:
        return existing
    cr.execute("SELECT min(id), max(id) FROM res_partner WHERE name LIKE %s", [f"{CONTACT_PREFIX} %"])
    first_contact, last_contact = cr.fetchone()
    cr.execute("SELECT array_agg(id ORDER BY id), array_agg(name ORDER BY id) FROM ir_filters WHERE name ~ '^Bench:'")
    filter_ids, filter_names = cr.fetchone()
    cr.execute("SELECT array_agg(id) FROM (SELECT id FROM crm_lead WHERE type = 'opportunity' LIMIT 1000) AS o")
    opportunities = cr.fetchone()[0]
    cr.execute("SELECT setseed(%s)", [(seed % 1000) / 1000 - 0.5])
    cr.execute(
        """
        INSERT INTO cold_call_log (call_date, user_id, partner_id, filter_id, list_name, outcome_id,
                                   duration, connected, connect_rate, follow_up_scheduled,
                                   opportunity_id, opportunity_created, company_id,
                                   create_date, write_date, create_uid, write_uid)
        SELECT c.call_date, c.rep, c.contact, c.filter_id, COALESCE(c.filter_name, 'Never called'),
               CASE WHEN c.connected THEN %(interested)s ELSE %(no_answer)s END,
               CASE WHEN c.connected THEN 30 + floor(random() * 300)::int ELSE 0 END,
               c.connected, CASE WHEN c.connected THEN 100 ELSE 0 END, false,
               c.opportunity, c.opportunity IS NOT NULL AND random() < 0.5, %(company)s,
               c.call_date, c.call_date, c.rep, c.rep
          FROM (
            SELECT now() at time zone 'UTC' - random() * %(days)s * interval '1 day' AS call_date,
                   (%(reps)s::int[])[1 + floor(random() * cardinality(%(reps)s::int[]))::int] AS rep,
                   %(first)s + floor(random() * (%(last)s - %(first)s + 1))::int AS contact,
                   (%(filters)s::int[])[f.k] AS filter_id, (%(names)s::varchar[])[f.k] AS filter_name,
                   random() < 0.35 AS connected,
                   CASE WHEN random() < 0.05 THEN (%(opportunities)s::int[])[1 + floor(random() * 1000)::int]
                   END AS opportunity
              FROM generate_series(%(start)s, %(count)s) i,
                   LATERAL (SELECT 1 + floor(random() * (cardinality(%(filters)s::int[]) + 1))::int + i * 0 AS k) f
          ) c
        """,
        {
            "company": env.company.id,
            "interested": env.ref("cold_call_dialer.cold_call_outcome_interested").id,
            "no_answer": env.ref("cold_call_dialer.cold_call_outcome_no_answer").id,
            "days": CALL_LOG_DAYS,
            "reps": reps,
            "first": first_contact,
            "last": last_contact,
            "filters": filter_ids,
            "names": filter_names,
            "opportunities": opportunities,
            "start": existing + 1,
            "count": count,
        },
    )
    cr.execute("ANALYZE cold_call_log")
    return count


def generate_compliance(env, count, seed):
    """The company in India, calling at any hour (the bench runs at any time of day), and ``count``
    register preferences: one for every bench contact's number (a tenth fully blocked, a fifth
    blocking a category, a twentieth with time bands, the rest not blocking), the rest for other
    numbers; and a consent for one contact in fifty."""
    cr = env.cr
    company = env.company
    categories = env["cold.call.register.category"].search([]).ids
    company.write(
        {
            "country_id": env.ref("base.in").id,
            "cold_call_register_category_id": categories[1],
            "cold_call_window_start": 0.0,
            "cold_call_window_end": 24.0,
            "cold_call_register_unknown": "strict",
            "cold_call_register_max_age": 30,
            "cold_call_register_imported_on": "2026-01-01 00:00:00",
        }
    )
    cr.execute("SELECT count(*) FROM cold_call_register_entry WHERE company_id = %s", [company.id])
    if cr.fetchone()[0] >= count:
        return count
    cr.execute("SELECT setseed(%s)", [(seed % 1000) / 1000 - 0.25])
    cr.execute(
        """
        INSERT INTO cold_call_register_entry (number, company_id, full_block, time_bands, checked_on, source,
                                              create_date, write_date, create_uid, write_uid)
        SELECT number, %(company)s, r < 0.1, CASE WHEN r >= 0.3 AND r < 0.35 THEN '10-12,14-16' END,
               current_date - floor(random() * 20)::int, 'Bench scrub', now(), now(), %(uid)s, %(uid)s
          FROM (SELECT DISTINCT phone_sanitized AS number, random() AS r
                  FROM res_partner WHERE name LIKE %(prefix)s AND phone_sanitized IS NOT NULL) AS c
        ON CONFLICT DO NOTHING
        """,
        {"company": company.id, "uid": SUPERUSER_ID, "prefix": f"{CONTACT_PREFIX} %"},
    )
    cr.execute("SELECT count(*) FROM cold_call_register_entry WHERE company_id = %s", [company.id])
    cr.execute(
        """
        INSERT INTO cold_call_register_entry (number, company_id, full_block, checked_on, source,
                                              create_date, write_date, create_uid, write_uid)
        SELECT '+9170' || lpad(i::text, 8, '0'), %(company)s, random() < 0.1, current_date, 'Bench scrub',
               now(), now(), %(uid)s, %(uid)s
          FROM generate_series(1, %(missing)s) i
        ON CONFLICT DO NOTHING
        """,
        {"company": company.id, "uid": SUPERUSER_ID, "missing": max(0, count - cr.fetchone()[0])},
    )
    field = env["cold.call.register.entry"]._fields["category_ids"]
    cr.execute(
        f"""
        INSERT INTO {field.relation} ({field.column1}, {field.column2})
        SELECT id, (%(categories)s::int[])[1 + floor(random() * cardinality(%(categories)s::int[]))::int]
          FROM cold_call_register_entry WHERE NOT full_block AND random() < 0.2
        ON CONFLICT DO NOTHING
        """,
        {"categories": categories},
    )
    cr.execute(
        """
        INSERT INTO cold_call_consent (number, company_id, source, given_at, state,
                                       create_date, write_date, create_uid, write_uid)
        SELECT DISTINCT phone_sanitized, %(company)s, 'Bench form', now(), 'active', now(), now(), %(uid)s, %(uid)s
          FROM res_partner WHERE name LIKE %(prefix)s AND phone_sanitized IS NOT NULL AND random() < 0.02
        """,
        {"company": company.id, "uid": SUPERUSER_ID, "prefix": f"{CONTACT_PREFIX} %"},
    )
    field = env["cold.call.consent"]._fields["category_ids"]
    cr.execute(
        f"""
        INSERT INTO {field.relation} ({field.column1}, {field.column2})
        SELECT id, %(category)s FROM cold_call_consent
        """,
        {"category": categories[1]},
    )
    cr.execute("ANALYZE cold_call_register_entry; ANALYZE cold_call_consent")
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--call-logs", type=int, default=100_000)
    parser.add_argument("--register", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    odoo.tools.config.parse_config([*odoo_options(), "-d", args.db, "--log-level=warn"])
    started = time.monotonic()
    with odoo.registry(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        contacts = generate_contacts(env, args.contacts, args.seed)
        generate_filters(env)
        leads = generate_leads(env, args.leads)
        generate_users(env, args.users)
        generate_managers(env, args.users)
        calls = generate_call_logs(env, args.call_logs, args.seed)
        register = generate_compliance(env, args.register, args.seed)
    print(
        f"{contacts} contacts, {leads} leads, {args.users} users, {calls} call logs, {register} register rows"
        f" in {time.monotonic() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
