"""Time the MCUBE lead lookup by phone in-process, half hits and half misses; prints one JSON line."""

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import LEAD_NUMBER_BASE, LEAD_PREFIX  # noqa: E402
from odoo_server import odoo_options  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

LOOKUPS = 2000


def main():
    db = sys.argv[1]
    odoo.tools.config.parse_config([*odoo_options(), "-d", db, "--log-level=warn"])
    with odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE %s", [f"{LEAD_PREFIX} %"])
        leads = cr.fetchone()[0]
        rng = random.Random(1)
        numbers = [
            f"+91{LEAD_NUMBER_BASE + rng.randint(1, leads)}" if i % 2 else f"+91{6000000000 + rng.randint(1, 10**9)}"
            for i in range(LOOKUPS)
        ]
        company = env.ref("base.main_company")
        lookup = env["crm.lead"]._mcube_find_by_phones

        def find(number):
            return lookup({number}, company).get(number)

        for number in numbers[:50]:  # warm caches
            find(number)
        samples, hits = [], 0
        for number in numbers:
            started = time.perf_counter()
            hits += bool(find(number))
            samples.append(time.perf_counter() - started)
        samples.sort()
        print(
            json.dumps(
                {
                    "lookups": LOOKUPS,
                    "mean_ms": round(statistics.fmean(samples) * 1000, 3),
                    "p50_ms": round(samples[len(samples) // 2] * 1000, 3),
                    "p95_ms": round(samples[int(len(samples) * 0.95)] * 1000, 3),
                    "hits": hits,
                }
            )
        )


if __name__ == "__main__":
    main()
