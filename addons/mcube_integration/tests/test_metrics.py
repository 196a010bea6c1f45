import json
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..const import METRICS_TOKEN_PARAM
from .common import TOKEN, McubeCase, sample

METRICS = "/mcube/metrics"
SCRAPE_TOKEN = "scrape-token-0123456789abcdef"
# One sample line of Prometheus' text format 0.0.4: name, optional {labels}, value.
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{{(?P<labels>{LABEL}(?:,{LABEL})*)\}})? (?P<value>\S+)$")


def parse_exposition(text):
    """{(name, frozenset of label pairs): value}; fails on any line that is not the format."""
    samples = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        match = SAMPLE.match(line)
        assert match, f"not the exposition format: {line!r}"
        labels = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', match["labels"] or "")
        samples[(match["name"], frozenset(labels))] = float(match["value"])
    return samples


@tagged("post_install", "-at_install")
class TestMetrics(McubeCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mcube.metric"].search([]).unlink()
        cls.env["ir.config_parameter"].set_param(METRICS_TOKEN_PARAM, SCRAPE_TOKEN)
        cls.company = cls.env.company
        cls.other = cls.env["res.company"].create(
            {
                "name": 'Other "B" \\ Co',
                "mcube_webhook_token": "other-token-9d8e7f",
                "mcube_allowed_ips": "203.0.113.0/24",
            }
        )

    def scrape(self):
        response = self.url_open(METRICS, headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        return parse_exposition(response.text)

    def value(self, samples, name, company=None, **labels):
        pairs = {**labels, **({"company_id": str(company.id)} if company else {})}
        return samples.get((name, frozenset((key, str(value)) for key, value in pairs.items())), 0)

    def post(self, payload, token=TOKEN, content_type="application/json"):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        return self.url_open(
            "/mcube/webhook", data=body, headers={"Content-Type": content_type, "X-MCUBE-Token": token}
        )

    def test_scrape_needs_the_token_as_a_bearer_token(self):
        response = self.url_open(METRICS)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
        for headers in ({"Authorization": "Bearer wrong-token-0123456789abc"}, {"Authorization": SCRAPE_TOKEN}):
            self.assertEqual(self.url_open(METRICS, headers=headers).status_code, 401)
        self.assertEqual(self.url_open(f"{METRICS}?token={SCRAPE_TOKEN}").status_code, 401, "never in the URL")
        self.env["ir.config_parameter"].set_param(METRICS_TOKEN_PARAM, False)
        response = self.url_open(METRICS, headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        self.assertEqual(response.status_code, 404, "no token set: the metrics are off")

    def test_webhook_answers_are_counted_by_company_and_code(self):
        start = sample("inbound_call_start", callid="metrics-1")
        self.assertEqual(self.post(start).status_code, 202)
        self.assertEqual(self.post(start).status_code, 200)
        self.assertEqual(self.post(start, token="not-a-token").status_code, 401)
        self.assertEqual(self.post(start, token="other-token-9d8e7f").status_code, 403)
        self.assertEqual(self.post("{broken").status_code, 400)
        samples = self.scrape()
        requests = "mcube_webhook_requests_total"
        self.assertEqual(self.value(samples, requests, self.company, code=202), 1)
        self.assertEqual(self.value(samples, requests, self.company, code=200), 1)
        self.assertEqual(self.value(samples, requests, self.company, code=400), 1)
        self.assertEqual(self.value(samples, requests, self.other, code=403), 1)
        self.assertEqual(self.value(samples, requests, code=401), 1, "an unknown token is nobody's company")
        received = "mcube_events_received_total"
        self.assertEqual(self.value(samples, received, self.company, outcome="accepted"), 1)
        self.assertEqual(self.value(samples, received, self.company, outcome="duplicate"), 1)
        self.assertEqual(self.value(samples, received, self.other, outcome="accepted"), 0)
        self.assertEqual(self.value(samples, "mcube_events_pending", self.company), 1)
        self.assertEqual(self.value(samples, "mcube_events_pending", self.other), 0)
        info = [
            key for key in samples if key[0] == "mcube_company_info" and ("company_id", str(self.other.id)) in key[1]
        ]
        self.assertEqual(dict(info[0][1])["company"], 'Other \\"B\\" \\\\ Co', "label values are escaped")
        self.post(sample("inbound_call_start", callid="metrics-2"))
        self.assertEqual(self.value(self.scrape(), requests, self.company, code=202), 2, "counters only grow")

    def test_backlog_jobs_and_processing_latency(self):
        with trap_jobs() as trap:
            events = [self.store(sample("inbound_call_start", callid=f"latency-{n}"))[0] for n in range(3)]
            self.env.cr.execute(
                "UPDATE mcube_event SET received_at = %s WHERE id = %s",
                (fields.Datetime.now() - timedelta(seconds=90), events[0].id),
            )
            samples = self.scrape()
            self.assertEqual(self.value(samples, "mcube_events_pending", self.company), 3)
            self.assertGreaterEqual(self.value(samples, "mcube_events_oldest_pending_seconds", self.company), 90)
            jobs = sum(
                value
                for (name, labels), value in samples.items()
                if name == "mcube_jobs" and ("channel", "root.mcube") in labels and ("state", "pending") in labels
            )
            self.assertGreaterEqual(jobs, 1, "the batch jobs waiting")
            self.env.invalidate_all()
            trap.perform_enqueued_jobs()
        samples = self.scrape()
        self.assertEqual(self.value(samples, "mcube_events_pending", self.company), 0)
        self.assertEqual(self.value(samples, "mcube_events_oldest_pending_seconds", self.company), 0)
        family = "mcube_event_processing_seconds"
        self.assertEqual(self.value(samples, f"{family}_count", self.company), 3)
        self.assertGreaterEqual(self.value(samples, f"{family}_sum", self.company), 90)
        buckets = [self.value(samples, f"{family}_bucket", self.company, le=le) for le in ("1", "60", "120", "+Inf")]
        self.assertEqual(buckets, [2, 2, 3, 3], "cumulative: two at once, one after 90 s")

    def test_failed_events_and_recordings(self):
        record = self.ingest(sample("inbound_answered_hangup", callid="recorded-1")).call_record_id
        event, _outcome = self.store(sample("inbound_call_start", callid="fails-1"))
        event.write({"state": "failed"})
        event.write({"state": "failed"})
        record.write({"audio_state": "stored"})
        record.write({"audio_state": "stored"})
        record.write({"transcript_state": "failed"})
        samples = self.scrape()
        self.assertEqual(self.value(samples, "mcube_events_failed", self.company), 1)
        self.assertEqual(self.value(samples, "mcube_events_failed_total", self.company), 1, "once per failure")
        self.assertEqual(self.value(samples, "mcube_recordings_total", self.company, state="stored"), 1)
        self.assertEqual(self.value(samples, "mcube_transcripts_total", self.company, state="failed"), 1)

    def test_events_waiting_and_failed_follow_every_change_of_state(self):
        """The backlog and the failed events are counters moved with each event, per company;
        the cron sets them back to the rows' count after a change made around the ORM."""

        def figures():
            samples = self.scrape()
            return [
                self.value(samples, name, company)
                for company in (self.company, self.other)
                for name in ("mcube_events_pending", "mcube_events_failed")
            ]

        with trap_jobs() as trap:
            first, _outcome = self.store(sample("inbound_call_start", callid="states-1"))
            self.store(sample("inbound_call_start", callid="states-1"))  # a duplicate stores nothing
            self.store(sample("inbound_call_start", callid="states-2"))
            self.store(sample("inbound_call_start", callid="states-3"), token="other-token-9d8e7f")
            self.assertEqual(figures(), [2, 0, 1, 0])
            self.env.invalidate_all()
            trap.perform_enqueued_jobs()
        self.assertEqual(figures(), [0, 0, 0, 0], "processed")
        first.write({"state": "failed"})
        self.assertEqual(figures(), [0, 1, 0, 0])
        with trap_jobs():
            first.action_retry()
        self.assertEqual(figures(), [1, 0, 0, 0], "retried: waiting again")
        first.unlink()
        self.assertEqual(figures(), [0, 0, 0, 0])
        self.Event.create(
            {"call_id": "states-4", "phase": "start", "company_id": self.other.id, "state": "failed", "payload": "{}"}
        )
        self.assertEqual(figures(), [0, 0, 0, 1])
        self.env.cr.execute("UPDATE mcube_event SET state = 'pending' WHERE call_id IN ('states-2', 'states-4')")
        self.assertEqual(figures(), [0, 0, 0, 1], "unseen until the cron")
        self.env["res.company"]._cron_mcube_alerts()
        self.assertEqual(figures(), [1, 0, 1, 0])

    def test_each_count_is_a_row_of_its_own_until_folded(self):
        """Writers only insert (none waits for another's lock); a scrape folds each series into one row."""
        Metric = self.env["mcube.metric"]
        for _n in range(3):
            Metric._add("mcube_click_to_call_total", self.company.id, result="requested")
        series = [("name", "=", "mcube_click_to_call_total"), ("company_id", "=", self.company.id)]
        self.assertEqual(Metric.search_count(series), 3)
        samples = self.scrape()
        self.assertEqual(self.value(samples, "mcube_click_to_call_total", self.company, result="requested"), 3)
        self.assertEqual(Metric.search_read(series, ["value"]), [{"id": Metric.search(series).id, "value": 3}])
        Metric._add("mcube_click_to_call_total", self.company.id, result="requested")
        self.assertEqual(self.value(self.scrape(), "mcube_click_to_call_total", self.company, result="requested"), 4)
