import bisect
from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

# Taken by the one transaction that folds the counters' rows (pg_try_advisory_xact_lock).
COMPACT_LOCK = 0x6D637562  # "mcub"
# The bounds of the processing latency histogram, in seconds (Prometheus' "le" buckets).
LATENCY_BUCKETS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
# Counters and histograms kept in mcube_metric: what each one counts (the exposition's HELP).
STORED = {
    "mcube_webhook_requests_total": ("counter", "Webhook requests answered, by HTTP status code."),
    "mcube_events_received_total": (
        "counter",
        "Call events received, by outcome: accepted (new), updated (a redelivery with new values), duplicate.",
    ),
    "mcube_events_failed_total": ("counter", "Call events whose processing failed for good (Failed events list)."),
    "mcube_event_processing_seconds": ("histogram", "Time from receiving a call event to its call record."),
    "mcube_click_to_call_total": ("counter", "Click-to-call requests sent to MCUBE, by result."),
    "mcube_recordings_total": ("counter", "Call recordings whose download ended, by state."),
    "mcube_transcripts_total": ("counter", "Call transcripts that ended, by state."),
}


def label_text(labels):
    """Labels in the exposition format, sorted so that equal labels are one series."""
    escaped = (
        (key, str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        for key, value in sorted(labels.items())
    )
    return ",".join(f'{key}="{value}"' for key, value in escaped)


class McubeMetric(models.Model):
    """The counters of the MCUBE pipeline, in the database so that every web node and job worker
    adds to the same figures and a scrape reads them whichever node answers it. Each increment is
    a row of its own, inserted in the transaction that counts it: a webhook request or a job never
    waits for another's lock, nor fails to serialize, over a counter. Scrapes and the alert cron
    fold the rows of each series into one (``_compact``). Gauges are the owners' to give
    (``_gauges``); some are counters here that also go down (events per state)."""

    _name = "mcube.metric"
    _description = "MCUBE metric"
    _log_access = False

    name = fields.Char(required=True, readonly=True)
    labels = fields.Char(required=True, readonly=True, default="")
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    value = fields.Float(required=True, readonly=True, default=0)
    updated_at = fields.Datetime(readonly=True, help="When the counter last grew.")

    @api.model
    def _add(self, name, company_id=None, amount=1, **labels):
        """Add ``amount`` to a counter of STORED, in the caller's transaction."""
        self._add_many(Counter({(name, label_text(labels), company_id or None): amount}))

    @api.model
    def _count_webhook(self, code, company_id, outcome):
        """One answer of the webhook, and the event's outcome when it stored one."""
        increments = Counter({("mcube_webhook_requests_total", label_text({"code": code}), company_id): 1})
        if outcome:
            increments[("mcube_events_received_total", label_text({"outcome": outcome}), company_id)] += 1
        self._add_many(increments)

    @api.model
    def _observe(self, name, company_id, seconds):
        """Count the durations ``seconds`` into the histogram ``name`` of the company."""
        increments = Counter()
        for value in seconds:
            index = bisect.bisect_left(LATENCY_BUCKETS, value)
            bound = LATENCY_BUCKETS[index] if index < len(LATENCY_BUCKETS) else "+Inf"
            increments[(f"{name}_bucket", label_text({"le": bound}), company_id)] += 1
            increments[(f"{name}_sum", "", company_id)] += value
            increments[(f"{name}_count", "", company_id)] += 1
        self._add_many(increments)

    @api.model
    def _add_many(self, increments):
        """Insert the increments {(name, labels, company_id): amount} but zeros, in one statement."""
        increments = {key: amount for key, amount in increments.items() if amount}
        if not increments:
            return
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "INSERT INTO mcube_metric (name, labels, company_id, value, updated_at) VALUES %s",
                SQL(", ").join(
                    SQL("(%s, %s, %s, %s, %s)", name, labels, company_id or None, amount, now)
                    for (name, labels, company_id), amount in increments.items()
                ),
            )
        )

    @api.model
    def _count_rows_sql(self, name, company_id, rows):
        """An INSERT adding 1 to the counter ``name`` per row of ``rows`` (a WITH query of the
        statement that makes them), so that a hot path counts in the same round trip."""
        return SQL(
            "INSERT INTO mcube_metric (name, labels, company_id, value, updated_at) SELECT %s, '', %s, 1, %s FROM %s",
            name,
            company_id or None,
            fields.Datetime.now(),
            SQL.identifier(rows),
        )

    @api.model
    def _compact(self):
        """Fold the rows of each series into one, unless another transaction is doing it. Rows
        inserted meanwhile are not in this transaction's snapshot: the DELETE leaves them alone."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", COMPACT_LOCK))
        if not self.env.cr.fetchone()[0]:
            return
        self.env.cr.execute(
            """WITH gone AS (DELETE FROM mcube_metric RETURNING name, labels, company_id, value, updated_at)
               INSERT INTO mcube_metric (name, labels, company_id, value, updated_at)
               SELECT name, labels, company_id, SUM(value), MAX(updated_at) FROM gone GROUP BY 1, 2, 3"""
        )

    @api.model
    def _sums(self, names):
        """Counter {(name, labels, company id): value} of the counters ``names``."""
        self.env.cr.execute(
            SQL(
                "SELECT name, labels, company_id, SUM(value) FROM mcube_metric WHERE name IN %s GROUP BY 1, 2, 3",
                tuple(names),
            )
        )
        return Counter(
            {(name, labels, company_id): value for name, labels, company_id, value in self.env.cr.fetchall()}
        )

    @api.model
    def _last_update(self, name, company_ids):
        """When the counter ``name`` last grew, per company id."""
        self.env.cr.execute(
            SQL(
                "SELECT company_id, MAX(updated_at) FROM mcube_metric WHERE name = %s AND company_id IN %s GROUP BY 1",
                name,
                tuple(company_ids) or (0,),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _stored_samples(self):
        """{family: [(sample name, labels text, value)]} of the stored counters and histograms,
        histogram buckets made cumulative as the format wants."""
        self.env.cr.execute(
            "SELECT name, labels, company_id, SUM(value) FROM mcube_metric GROUP BY 1, 2, 3 ORDER BY 3, 1, 2"
        )
        families = defaultdict(list)
        buckets = defaultdict(dict)
        for name, labels, company_id, value in self.env.cr.fetchall():
            company = {"company_id": company_id} if company_id else {}
            if name.endswith("_bucket"):
                bound = labels.split('"')[1]
                buckets[(name, company_id)][float(bound)] = value
                continue
            family = next((family for family in STORED if name.startswith(family)), None)
            if not family:  # a gauge kept here (``_sums``), given by its owner
                continue
            families[family].append((name, ",".join(filter(None, [label_text(company), labels])), value))
        for (name, company_id), counts in buckets.items():
            family, total = name.removesuffix("_bucket"), 0
            company = {"company_id": company_id} if company_id else {}
            for bound in (*LATENCY_BUCKETS, float("inf")):
                total += counts.get(float(bound), 0)
                le = "+Inf" if bound == float("inf") else bound
                families[family].append((name, label_text({**company, "le": le}), total))
        return families

    @api.model
    def _gauges(self):
        """{family: (type, help, [(sample name, labels text, value)])} read live from their owners;
        modules add theirs."""
        companies = self.env["res.company"].sudo().search([])
        gauges = {
            "mcube_company_info": (
                "gauge",
                "The companies, by id, with their name.",
                [("mcube_company_info", label_text({"company_id": c.id, "company": c.name}), 1) for c in companies],
            ),
        }
        gauges.update(self.env["mcube.event"].sudo()._metric_gauges(companies))
        gauges.update(self._job_gauges())
        return gauges

    @api.model
    def _job_gauges(self):
        """queue_job's jobs not done nor cancelled, by channel, state and company."""
        self.env.cr.execute(
            """SELECT channel, state, company_id, COUNT(*) FROM queue_job
                WHERE state IN ('wait_dependencies', 'pending', 'enqueued', 'started', 'failed')
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
        )
        samples = [
            (
                "mcube_jobs",
                label_text({"channel": channel or "", "state": state, "company_id": company_id or ""}),
                count,
            )
            for channel, state, company_id, count in self.env.cr.fetchall()
        ]
        return {"mcube_jobs": ("gauge", "queue_job jobs waiting, running or failed, by channel and state.", samples)}

    @api.model
    def _exposition(self):
        """Every metric in Prometheus' text format (version 0.0.4)."""
        self._compact()
        lines = []

        def family(name, kind, help_text, samples):
            lines.append(f"# HELP {name} {help_text.replace(chr(92), chr(92) * 2)}")
            lines.append(f"# TYPE {name} {kind}")
            for sample, labels, value in samples:
                number = int(value) if float(value).is_integer() else float(value)
                lines.append(f"{sample}{{{labels}}} {number}" if labels else f"{sample} {number}")

        stored = self._stored_samples()
        for name, (kind, help_text) in STORED.items():
            family(name, kind, help_text, stored.get(name, []))
        for name, (kind, help_text, samples) in self._gauges().items():
            family(name, kind, help_text, samples)
        return "\n".join(lines) + "\n"
