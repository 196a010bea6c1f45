import contextlib
import json
import logging
import zlib
from collections import Counter

import psycopg2
from psycopg2.errors import UniqueViolation

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, groupby

from odoo.addons.queue_job.exception import RetryableJobError

from ..const import (
    AUTO_RETRY_DELAYS,
    BATCH_SIZE,
    JOB_CHANNEL,
    JOB_MAX_RETRIES,
    LIVE_JOB_STATES,
    LOST_JOB_DELAY,
    WAITING_JOB_STATES,
)
from ..tools.payload import PayloadError, body_kind, decode, given_fields, parse
from .mcube_metric import label_text

_logger = logging.getLogger(__name__)

# What MCUBE sent and when: evidence that nobody rewrites.
DELIVERY_FIELDS = frozenset(
    ("call_id", "phase", "delivery", "payload", "content_type", "headers", "received_at", "remote_addr", "company_id")
)
# A dropped connection, a shutdown (57P01), a cancelled query (57014), a lock or serialization
# conflict, a row another job inserted meanwhile (23505): the database, not the event, is at fault.
TRANSIENT_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, UniqueViolation, RetryableJobError)
# The states whose events are counted as they enter and leave them, with their counters in
# mcube_metric: the backlog and the failed events, read by every scrape without counting rows.
STATE_COUNTERS = {"pending": "mcube_events_pending", "failed": "mcube_events_failed"}


class McubeEvent(models.Model):
    """One delivery from MCUBE, stored before anything else so that nothing it sent is
    lost: the job that turns it into a call record can fail and be re-run from here."""

    _name = "mcube.event"
    _description = "MCUBE webhook event"
    _order = "received_at desc, id desc"
    _rec_name = "call_id"

    call_id = fields.Char(required=True, readonly=True, index=True)
    phase = fields.Selection(
        [("start", "Call start"), ("hangup", "Hangup")],
        required=True,
        readonly=True,
        help="A delivery with an end time or a final status is the hangup event.",
    )
    delivery = fields.Integer(
        default=1,
        required=True,
        readonly=True,
        help="1 for the first delivery of this call and phase. A redelivery is stored, with the next number, "
        "only when it gives values the earlier ones lacked; it fills the blanks of the call.",
    )
    payload = fields.Text(readonly=True, help="The body exactly as MCUBE sent it.")
    content_type = fields.Char(readonly=True)
    headers = fields.Text(readonly=True, help="Request headers useful for support (never the token).")
    received_at = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    remote_addr = fields.Char(string="Remote Address", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company whose MCUBE account sent the event (its webhook token).",
    )
    # indexed where pending or failed only (init): almost every event is done
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
    )
    attempts = fields.Integer(default=0, readonly=True, help="Processing runs that ended (done or failed).")
    auto_retries = fields.Integer(
        "Automatic Retries", default=0, readonly=True, help="Runs enqueued again automatically after a failed run."
    )
    last_error = fields.Text(readonly=True)
    warnings = fields.Text(
        string="Values Left Out",
        readonly=True,
        help="Values of the payload that cannot be stored (invalid text, time or duration out of range); "
        "the call record was made without them.",
    )
    call_record_id = fields.Many2one("mcube.call.record", readonly=True, ondelete="set null")
    batch = fields.Integer(readonly=True, help="The batch job processing the event, the same for all events of a call.")

    _sql_constraints = [
        (
            "call_phase_unique",
            "UNIQUE(call_id, phase, delivery)",
            "An MCUBE event is stored once per call, phase and delivery.",
        ),
    ]

    def init(self):
        """The events waiting (per company, oldest first: the scrape, the health card and the alert
        ask for it every few seconds) and those failed (the health card's recent failures) read from
        indexes of their own rows only. The state has no index of every row: a planner that has not
        seen a backlog grow (statistics from before it) took that one and read the whole backlog."""
        tools.create_index(
            self.env.cr,
            "mcube_event_pending_idx",
            self._table,
            ["company_id", "received_at"],
            where="state = 'pending'",
        )
        tools.create_index(
            self.env.cr,
            "mcube_event_failed_idx",
            self._table,
            ["company_id", "write_date"],
            where="state = 'failed'",
        )

    @api.depends("call_id", "phase", "delivery")
    def _compute_display_name(self):
        """Call id and phase, with the delivery number of a redelivery that brought more data."""
        for event in self:
            suffix = f" ({event.delivery})" if event.delivery > 1 else ""
            event.display_name = f"{event.call_id}/{event.phase}{suffix}"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        self.env["mcube.metric"]._add_many(events._state_counts())
        return events

    def write(self, vals):
        """Events are the evidence of what MCUBE sent: only their processing changes."""
        if DELIVERY_FIELDS.intersection(vals):
            raise AccessError(_("An MCUBE event is kept as it was received: its delivery cannot be changed."))
        moving = self.filtered(lambda event: event.state != vals["state"]) if "state" in vals else self.browse()
        increments = moving._state_counts(-1)
        result = super().write(vals)
        increments.update(moving._state_counts())
        if vals.get("state") == "failed":
            increments.update(Counter(("mcube_events_failed_total", "", event.company_id.id) for event in moving))
        self.env["mcube.metric"]._add_many(increments)
        return result

    def unlink(self):
        increments = self._state_counts(-1)
        result = super().unlink()
        self.env["mcube.metric"]._add_many(increments)
        return result

    def _state_counts(self, sign=1):
        """{(counter, labels, company id): sign x events} of the events in a counted state."""
        counts = Counter()
        for event in self:
            if event.state in STATE_COUNTERS:
                counts[(STATE_COUNTERS[event.state], "", event.company_id.id)] += sign
        return counts

    @api.model
    def _ingest(self, call, payload, content_type, headers, remote_addr, account):
        """Store a parsed delivery for the company of its MCUBE ``account`` (a McubeAccount) with
        its job ensured, in the same transaction; return (event, outcome): 'accepted' (new),
        'updated' (a redelivery with values the stored ones lacked, stored as the next delivery)
        or 'duplicate' (the first event). Of two concurrent identical deliveries, the loser's
        INSERT waits for the winner, then fails to serialize; Odoo replays it: 'duplicate'."""
        values = {
            "call_id": call["call_id"],
            "phase": call["phase"],
            "payload": payload,
            "content_type": content_type,
            "headers": json.dumps(headers, sort_keys=True),
            "remote_addr": remote_addr,
            "company_id": account.company_id,
            "batch": zlib.crc32(call["call_id"].encode()) % account.batch_jobs,
        }
        event = self._accept({**values, "delivery": 1})
        if event:
            return event, "accepted"
        stored = self.search([("call_id", "=", call["call_id"]), ("phase", "=", call["phase"])], order="delivery")
        if not given_fields(call) - set().union(*(event._given_fields() for event in stored)):
            return stored[:1], "duplicate"
        # Without a serialization failure, only a row of this transaction conflicts.
        event = self._accept({**values, "delivery": max(stored.mapped("delivery"), default=0) + 1})
        return (event, "updated") if event else (stored[:1], "duplicate")

    @api.model
    def _accept(self, values):
        """Store an event with ``values`` as create() would (stored fields with their defaults,
        log columns, the count of its state) and make sure its batch has a job; empty when that
        delivery is stored already. The accept path's one statement: the INSERT, its count, and
        the lock of the batch's waiting job, which then sees this event."""
        missing = [f for f in self._fields.values() if f.store and f.default and f.name not in values]
        values = {**{field.name: field.default(self) for field in missing}, **values}
        now = fields.Datetime.now()
        values.update(create_uid=self.env.uid, create_date=now, write_uid=self.env.uid, write_date=now)
        columns = [fname for fname in values if self._fields[fname].column_type]
        row = tuple(self._fields[fname].convert_to_column(values[fname], self) for fname in columns)
        self.env.cr.execute(
            SQL(
                """
                WITH inserted AS (
                    INSERT INTO mcube_event (%s) VALUES %s
                    ON CONFLICT (call_id, phase, delivery) DO NOTHING
                    RETURNING id
                ), counted AS (%s)
                SELECT inserted.id, (%s) FROM inserted
                """,
                SQL(", ").join(SQL.identifier(fname) for fname in columns),
                row,
                self.env["mcube.metric"]._count_rows_sql(
                    STATE_COUNTERS[values["state"]], values["company_id"], "inserted"
                ),
                self._waiting_batch_job(values["company_id"], values["batch"]),
            ),
            log_exceptions=False,  # a conflict with the runner is replayed by Odoo like any other
        )
        event_id, waiting_job_id = self.env.cr.fetchone() or (None, None)
        if event_id and not waiting_job_id:
            self._enqueue_batch_job(values["company_id"], values["batch"])
        return self.browse(event_id or ())

    def _parsed(self):
        """The canonical call of the stored payload, read as the webhook read it."""
        self.ensure_one()
        return parse(decode((self.payload or "").encode(), body_kind(self.content_type))[1])

    def _given_fields(self):
        with contextlib.suppress(PayloadError):  # a payload an older version read differently
            return given_fields(self._parsed())
        return set()

    def _job_identity_key(self):
        return f"mcube.event:{self.id}"

    def _enqueue(self, eta=None):
        for event in self:
            event.with_delay(
                channel=JOB_CHANNEL,
                identity_key=event._job_identity_key(),
                max_retries=JOB_MAX_RETRIES,
                eta=eta,
                description=_("Process MCUBE event %s", event.display_name),
            )._process()

    @api.model
    def _batch_identity_key(self, company_id, batch):
        return f"mcube.event.batch:{company_id}:{batch}"

    @api.model
    def _waiting_batch_job(self, company_id, batch):
        """The query of the batch's job still waiting to start (queue_job's own rule for a job
        of the same identity key), locked FOR SHARE: such a job sees the events committed before
        it starts, for it cannot start before this transaction ends."""
        return SQL(
            "SELECT id FROM queue_job WHERE identity_key = %s AND state IN %s LIMIT 1 FOR SHARE",
            self._batch_identity_key(company_id, batch),
            WAITING_JOB_STATES,
        )

    @api.model
    def _ensure_batch_job(self, company_id, batch):
        """Make sure a job of the batch will run after this transaction: the waiting one, else a
        new one. Either way, no stored event waits without a job, even across a crash."""
        self.env.cr.execute(self._waiting_batch_job(company_id, batch), log_exceptions=False)
        if not self.env.cr.fetchone():
            self._enqueue_batch_job(company_id, batch)

    @api.model
    def _enqueue_batch_job(self, company_id, batch):
        self.with_delay(
            channel=JOB_CHANNEL,
            identity_key=self._batch_identity_key(company_id, batch),
            max_retries=JOB_MAX_RETRIES,
            description=_("Process new MCUBE events (batch %s)", batch),
        )._process_batch(company_id, batch)

    @api.model
    def _process_batch(self, company_id, batch):
        """Process the company's oldest new events of ``batch`` (up to BATCH_SIZE) in one
        transaction: all together (grouped lookups, one lead creation, one note per lead), or,
        when one fails, each alone: a failed one is failed or retried alone (``_fail``), one hit
        by a database conflict gets its own job. Only a broken connection retries the batch.
        A call's events are in one batch, in order; a full batch enqueues the next one."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM mcube_event
                    WHERE state = 'pending' AND company_id = %s AND batch = %s AND attempts = 0 AND auto_retries = 0
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                company_id,
                batch,
                BATCH_SIZE,
            ),
            log_exceptions=False,
        )
        events = self.browse([row[0] for row in self.env.cr.fetchall()])
        try:
            try:
                events._run()
            except Exception as batch_error:  # one event spoilt the batch: each alone, so only it fails or waits
                _logger.info("MCUBE batch %s: its %s events one by one (%s)", batch, len(events), batch_error)
                for event in events:
                    try:
                        event._run()
                    except TRANSIENT_ERRORS:
                        event._enqueue()
                    except Exception as error:
                        event._fail(error)
        except TRANSIENT_ERRORS as error:
            raise RetryableJobError(str(error)) from error
        if len(events) == BATCH_SIZE:
            self._ensure_batch_job(company_id, batch)

    def _process(self):
        """Turn the event into its call record. Idempotent: the event row is locked and a done
        event is left alone, so a job requeued after a crash changes nothing twice. A database
        error is retried by queue_job (RetryableJobError, with backoff), even when it broke the
        connection; any other error, or one on the job's last try, is a failed run (_fail)."""
        self.ensure_one()
        last_try = False
        try:
            last_try = self._is_last_attempt()
            self.env.cr.execute(
                SQL("SELECT state FROM mcube_event WHERE id = %s FOR UPDATE", self.id), log_exceptions=False
            )
            row = self.env.cr.fetchone()
            if not row or row[0] == "done":
                return
            self.invalidate_recordset()
            self._run()
        except Exception as error:
            if isinstance(error, TRANSIENT_ERRORS) and not last_try:
                if isinstance(error, RetryableJobError):
                    raise
                raise RetryableJobError(str(error)) from error
            self._fail(error)

    def _run(self):
        """Merge the events into their call records, all or nothing, and mark them done."""
        records = self.env["mcube.call.record"]
        with self.env.cr.savepoint():
            merged = []
            for event in self:
                call = event._parsed()
                merged.append((event, call, *records._upsert_from_event(event, call)))
            ended = records.union(*(record for *_, record, has_ended in merged if has_ended))
            records.union(*(record for *_, record, _ended in merged))._settle(ended)
        for event, call, record, _ended in merged:
            event.write(
                {
                    "state": "done",
                    "attempts": event.attempts + 1,
                    "last_error": False,
                    "warnings": "\n".join(str(warning) for warning in call["warnings"]) or False,
                    "call_record_id": record.id,
                }
            )
        now = fields.Datetime.now()
        for company, events in groupby(self, key=lambda event: event.company_id.id):
            latencies = [(now - event.received_at).total_seconds() for event in events]
            self.env["mcube.metric"]._observe("mcube_event_processing_seconds", company, latencies)

    def _is_last_attempt(self):
        """On the job's last try a transient error must end the run, or the event would
        stay pending until the lost-job cron once queue_job gives up."""
        uuid = self.env.context.get("job_uuid")
        job = uuid and self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
        return bool(job and job.max_retries and job.retry + 1 >= job.max_retries)

    def _fail(self, error):
        """A failed run: enqueued again after a growing delay while automatic retries remain,
        then failed, for an administrator to see; an unreadable payload fails at once. Without
        a connection this write fails too: the job fails, and the lost-job cron takes over."""
        self.ensure_one()
        transient = isinstance(error, TRANSIENT_ERRORS)
        _logger.warning("MCUBE event %s failed: %s", self.id, error, exc_info=not transient)
        vals = {"attempts": self.attempts + 1, "last_error": self._error_text(error)}
        if isinstance(error, PayloadError) or not self._schedule_auto_retry(vals):
            self.write({**vals, "state": "failed"})

    def _schedule_auto_retry(self, vals):
        """Write vals and enqueue the next automatic retry; False when none remains."""
        if self.auto_retries >= len(AUTO_RETRY_DELAYS):
            return False
        delay = AUTO_RETRY_DELAYS[self.auto_retries]
        self.write({**vals, "state": "pending", "auto_retries": self.auto_retries + 1})
        self._enqueue(eta=delay)
        return True

    @api.model
    def _error_text(self, error):
        """Error as stored on the event; str() translates a PayloadError's lazy message
        here, where the environment gives the language."""
        message = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
        return f"{type(error).__name__}: {message}"

    def action_retry(self):
        """Re-enqueue failed events (Failed events view). Events are read-only even for sales
        managers: the group is checked here, the job runs as superuser like the webhook's. A
        payload that no longer gives the event's call id (changed in the database) is refused."""
        if not (self.env.su or self.env.user.has_group("sales_team.group_sale_manager")):
            raise AccessError(_("Only sales managers can retry MCUBE events."))
        self.check_access_rule("read")
        failed = self.sudo().filtered(lambda event: event.state == "failed")
        for event in failed:
            try:
                call_id = event._parsed()["call_id"]
            except PayloadError:
                call_id = False
            if call_id != event.call_id:
                raise UserError(
                    _("The payload of event %s does not give its call id any more: it cannot be retried.", event.id)
                )
        failed.write({"state": "pending"})
        failed.with_user(SUPERUSER_ID)._enqueue()

    @api.model
    def _backlog(self, company_ids):
        """{company id: {"pending": events, "oldest": when the oldest of them arrived, or None,
        "failed": events}}: the counters, and the first entry of the pending events' index."""
        counts = self.env["mcube.metric"]._sums(STATE_COUNTERS.values())
        self.env.cr.execute(
            SQL(
                """SELECT company.id, (SELECT MIN(received_at) FROM mcube_event
                                        WHERE state = 'pending' AND company_id = company.id)
                     FROM res_company company WHERE company.id IN %s""",
                tuple(company_ids) or (0,),
            )
        )
        return {
            company_id: {
                "oldest": oldest,
                **{state: int(counts[(name, "", company_id)]) for state, name in STATE_COUNTERS.items()},
            }
            for company_id, oldest in self.env.cr.fetchall()
        }

    @api.model
    def _reconcile_state_counts(self):
        """Set the counters of events per state to the rows' own count: a change made around the
        ORM (SQL, a restored database) moves the rows but no counter. One snapshot sees both, for
        every change commits with its count; run by the MCUBE cron and on upgrade."""
        self.env.cr.execute(
            SQL(
                "SELECT state, company_id, COUNT(*) FROM mcube_event WHERE state IN %s GROUP BY 1, 2",
                tuple(STATE_COUNTERS),
            )
        )
        corrections = Counter(
            {(STATE_COUNTERS[state], "", company_id): count for state, company_id, count in self.env.cr.fetchall()}
        )
        corrections.subtract(self.env["mcube.metric"]._sums(STATE_COUNTERS.values()))
        self.env["mcube.metric"]._add_many(corrections)

    @api.model
    def _metric_gauges(self, companies):
        """The backlog per company: events waiting, the age of the oldest, events failed (to retry)."""
        backlog = self._backlog(companies.ids)
        now = fields.Datetime.now()
        samples = {"pending": [], "age": [], "failed": []}
        for company in companies:
            labels = label_text({"company_id": company.id})
            figures = backlog[company.id]
            age = (now - figures["oldest"]).total_seconds() if figures["oldest"] else 0
            samples["pending"].append(("mcube_events_pending", labels, figures["pending"]))
            samples["age"].append(("mcube_events_oldest_pending_seconds", labels, max(float(age), 0)))
            samples["failed"].append(("mcube_events_failed", labels, figures["failed"]))
        return {
            "mcube_events_pending": (
                "gauge",
                "Call events received and not processed yet (the backlog).",
                samples["pending"],
            ),
            "mcube_events_oldest_pending_seconds": (
                "gauge",
                "Age of the oldest call event not processed yet (0 without backlog).",
                samples["age"],
            ),
            "mcube_events_failed": ("gauge", "Call events failed and not retried yet.", samples["failed"]),
        }

    @api.model
    def _cron_fail_lost_events(self):
        """Safety net behind queue_job's own requeue of dead jobs: an event still pending long
        after it arrived, with no live job, had its job fail, get cancelled or vanish. Enqueue it
        again while automatic retries remain, else fail it (Failed events, Retry button)."""
        candidates = self.search(
            [("state", "=", "pending"), ("received_at", "<", fields.Datetime.now() - LOST_JOB_DELAY)]
        )
        if not candidates:
            return
        keys = {
            event: (event._job_identity_key(), self._batch_identity_key(event.company_id.id, event.batch))
            for event in candidates
        }
        live_keys = set(
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "in", sorted(set().union(*keys.values()))), ("state", "in", LIVE_JOB_STATES)])
            .mapped("identity_key")
        )
        lost = candidates.filtered(lambda event: not live_keys.intersection(keys[event]))
        error = _("The processing job ended without processing this event (failed, cancelled or lost).")
        failed = self.browse()
        for event in lost:
            if not event._schedule_auto_retry({"last_error": error}):
                failed |= event
        failed.write({"state": "failed", "last_error": error})
        if lost:
            _logger.warning(
                "MCUBE: %s pending event(s) had no live job: %s enqueued again, %s failed",
                len(lost),
                len(lost - failed),
                len(failed),
            )
