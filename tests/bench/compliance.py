"""Time the compliance check in-process, as the Dialer runs it for a rep: for a page of 50 contacts
of the big saved search and for one contact (opening it), against the register preferences the
generator wrote (1M rows by default); prints one JSON line."""

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import CONTACT_PREFIX  # noqa: E402
from odoo_server import odoo_options  # noqa: E402

import odoo  # noqa: E402
from odoo import api  # noqa: E402

ROUNDS = 300
REP_LOGIN = "bench-rep-1"


def p95(samples):
    samples = sorted(samples)
    return round(samples[int(len(samples) * 0.95)] * 1000, 3)


def main():
    db, big_filter = sys.argv[1], sys.argv[2]
    odoo.tools.config.parse_config([*odoo_options(), "-d", db, "--log-level=warn"])
    with odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        rep = env["res.users"].search([("login", "=", REP_LOGIN)])
        env = env(user=rep, su=False)
        Checks = env["cold.call.compliance.check"]
        Dialer = env["cold.call.dialer"]
        outcomes = env["cold.call.outcome"]._offered()
        ir_filter = env["ir.filters"].search([("name", "=", big_filter)])
        rules = Checks._list_rules(ir_filter.id)[:2]
        cr.execute("SELECT count(*) FROM cold_call_register_entry")
        register_rows = cr.fetchone()[0]
        cr.execute(
            "SELECT array_agg(id) FROM res_partner WHERE name LIKE %s AND city = 'Mumbai'", [f"{CONTACT_PREFIX} %"]
        )
        ids = cr.fetchone()[0]
        rng = random.Random(3)
        pages, singles, refused = [], [], 0
        for i in range(ROUNDS + 20):
            start = rng.randint(0, len(ids) - 50)
            env.invalidate_all()
            page = env["res.partner"].browse(ids[start : start + 50])
            # The page's rows, as the Dialer computes them (they read the contacts, parse their
            # numbers, read the user and the company, and check them): the check is timed again
            # on top, so that what it adds is what is measured.
            Dialer._rows(page, outcomes, rules)
            started = time.perf_counter()
            verdicts = Checks._verdicts(page, *rules)
            elapsed = time.perf_counter() - started
            one = page[:1]
            started = time.perf_counter()
            Checks._verdicts(one, *rules)
            single = time.perf_counter() - started
            if i >= 20:  # the first rounds warm the caches
                pages.append(elapsed)
                singles.append(single)
                refused += sum(not verdict["allowed"] for verdict in verdicts.values())
        print(
            json.dumps(
                {
                    "register_rows": register_rows,
                    "page_p50_ms": round(sorted(pages)[len(pages) // 2] * 1000, 3),
                    "page_p95_ms": p95(pages),
                    "one_p50_ms": round(sorted(singles)[len(singles) // 2] * 1000, 3),
                    "one_p95_ms": p95(singles),
                    "refused_share": round(refused / (50 * ROUNDS), 3),
                }
            )
        )


if __name__ == "__main__":
    main()
