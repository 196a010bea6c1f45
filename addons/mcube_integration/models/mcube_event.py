import json
import logging

import psycopg2

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..const import JOB_CHANNEL, JOB_MAX_RETRIES, LIVE_JOB_STATES, LOST_JOB_DELAY

_logger = logging.getLogger(__name__)


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
    payload = fields.Text(readonly=True, help="The body exactly as MCUBE sent it.")
    content_type = fields.Char(readonly=True)
    headers = fields.Text(readonly=True, help="Request headers useful for support (never the token).")
    received_at = fields.Datetime(readonly=True, index=True)
    remote_addr = fields.Char(string="Remote Address", readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True, help="Processing runs that ended (done or failed).")
    last_error = fields.Text(readonly=True)
    call_record_id = fields.Many2one("mcube.call.record", readonly=True, ondelete="set null")

    _sql_constraints = [
        (
            "call_phase_unique",
            "UNIQUE(call_id, phase)",
            "An MCUBE event is stored once per call and phase.",
        ),
    ]

    @api.depends("call_id", "phase")
    def _compute_display_name(self):
        """Call id and phase: MCUBE may deliver an event several times, it is stored once."""
        for event in self:
            event.display_name = f"{event.call_id}/{event.phase}"

    @api.model
    def _ingest(self, call_id, phase, payload, content_type, headers, remote_addr):
        """Store a delivery unless (call id, phase) is already stored, and enqueue its job in
        the same transaction. Return (event, created). The INSERT ... ON CONFLICT is safe
        under concurrent identical deliveries: the loser sees the winner's row, or gets a
        serialization failure that Odoo's request retry turns into a duplicate answer."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mcube_event (call_id, phase, payload, content_type, headers,
                                         remote_addr, received_at, state, attempts,
                                         create_uid, create_date, write_uid, write_date)
                VALUES (%(call_id)s, %(phase)s, %(payload)s, %(content_type)s, %(headers)s,
                        %(remote_addr)s, %(now)s, 'pending', 0, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (call_id, phase) DO NOTHING
                RETURNING id
                """,
                call_id=call_id,
                phase=phase,
                payload=payload,
                content_type=content_type,
                headers=json.dumps(headers, sort_keys=True),
                remote_addr=remote_addr,
                now=fields.Datetime.now(),
                uid=self.env.uid,
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.search([("call_id", "=", call_id), ("phase", "=", phase)], limit=1), False
        event = self.browse(row[0])
        event._enqueue()
        return event, True

    def _job_identity_key(self):
        return f"mcube.event:{self.id}"

    def _enqueue(self):
        for event in self:
            event.with_delay(
                channel=JOB_CHANNEL,
                identity_key=event._job_identity_key(),
                max_retries=JOB_MAX_RETRIES,
                description=_("Process MCUBE event %s", event.display_name),
            )._process()

    def _process(self):
        """Turn the event into its call record. Idempotent: the event row is locked and a
        done event is left alone, so a job requeued after a crash changes nothing twice."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT state FROM mcube_event WHERE id = %s FOR UPDATE", self.id), log_exceptions=False
        )
        row = self.env.cr.fetchone()
        if not row or row[0] == "done":
            return
        self.invalidate_recordset()
        try:
            with self.env.cr.savepoint():
                record = self.env["mcube.call.record"]._upsert_from_event(self)
        except Exception as error:
            if self._is_transient(error) and not self._is_last_attempt():
                if isinstance(error, RetryableJobError):
                    raise
                raise RetryableJobError(str(error)) from error
            _logger.warning("MCUBE event %s failed: %s", self.id, error, exc_info=not self._is_transient(error))
            self.write({"state": "failed", "attempts": self.attempts + 1, "last_error": self._error_text(error)})
            return
        self.write({"state": "done", "attempts": self.attempts + 1, "last_error": False, "call_record_id": record.id})

    @api.model
    def _is_transient(self, error):
        if isinstance(error, RetryableJobError):
            return True
        return isinstance(error, psycopg2.OperationalError) and error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY

    def _is_last_attempt(self):
        """On the job's last try a transient error must fail the event, or it would stay
        pending forever once queue_job gives up."""
        uuid = self.env.context.get("job_uuid")
        job = uuid and self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
        return bool(job and job.max_retries and job.retry + 1 >= job.max_retries)

    @api.model
    def _error_text(self, error):
        """Error as stored on the event; str() translates a PayloadError's lazy message
        here, where the environment gives the language."""
        message = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
        return f"{type(error).__name__}: {message}"

    def action_retry(self):
        """Re-enqueue failed events (button and list action of the Failed events view). The
        job runs as superuser like the webhook's, whoever presses the button."""
        failed = self.filtered(lambda event: event.state == "failed")
        failed.write({"state": "pending"})
        failed.with_user(SUPERUSER_ID)._enqueue()

    @api.model
    def _cron_fail_lost_events(self):
        """Safety net behind queue_job's own requeue of dead jobs: an event still pending
        long after it arrived, with no live job, had its job fail, get cancelled or vanish.
        Mark it failed so it shows in Failed events with its Retry button."""
        candidates = self.search(
            [("state", "=", "pending"), ("received_at", "<", fields.Datetime.now() - LOST_JOB_DELAY)]
        )
        if not candidates:
            return
        live_keys = set(
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("identity_key", "in", [event._job_identity_key() for event in candidates]),
                    ("state", "in", LIVE_JOB_STATES),
                ]
            )
            .mapped("identity_key")
        )
        lost = candidates.filtered(lambda event: event._job_identity_key() not in live_keys)
        lost.write(
            {
                "state": "failed",
                "last_error": _("The processing job ended without processing this event (failed, cancelled or lost)."),
            }
        )
        if lost:
            _logger.warning("MCUBE: %s pending event(s) had no live job and were marked failed", len(lost))
