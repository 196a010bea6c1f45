import logging
import uuid
from urllib.parse import quote

from odoo import _, api, fields, models
from odoo.tools import SQL, sql

from odoo.addons.cold_call_phone.tools import phone
from odoo.addons.mcube_integration.const import WEBHOOK_PATH

from ..const import (
    BUS_TYPE,
    DEFAULT_ENDPOINT,
    LIVE_CALL_LIMIT,
    LIVE_STATES,
    REFID_PREFIX,
    STATE_RANK,
    TIMEOUTS,
)
from ..tools import click_to_call

_logger = logging.getLogger(__name__)

LIVE_CALL_INDEX = "cold_call_mcube_attempt_one_live_call"
# A change of these is news for the rep's Dialer.
NOTIFIED_FIELDS = ("state", "duration", "recording_url", "mcube_status", "error")


class ColdCallMcubeAttempt(models.Model):
    """One click-to-call asked of MCUBE from the Dialer, followed until the call ends.

    The attempt is what joins the rep's call (contact, Dialer log) to the call MCUBE reports
    to the webhook (``mcube.call.record``): MCUBE echoes its ``refid``. Reps read their own
    attempts; only the server writes them (with sudo), from the Dialer's requests and from
    the webhook's jobs, and every change the rep should see is sent on the bus. Each request's
    result is counted for the metrics (mcube_click_to_call_total)."""

    _name = "cold.call.mcube.attempt"
    _description = "MCUBE Click-to-Call"
    _order = "create_date desc, id desc"
    _rec_name = "refid"

    partner_id = fields.Many2one("res.partner", "Contact", required=True, index=True, ondelete="cascade", readonly=True)
    user_id = fields.Many2one("res.users", "Sales Rep", required=True, index=True, ondelete="restrict", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    refid = fields.Char(
        "Reference", required=True, readonly=True, index=True, copy=False, help="Sent to MCUBE, echoed in its events."
    )
    executive_number = fields.Char(readonly=True, help="The rep's phone, rung first by MCUBE (E.164).")
    customer_number = fields.Char(readonly=True, help="The contact's number MCUBE dials (E.164).")
    caller_id = fields.Char(
        "Caller ID",
        readonly=True,
        help="The company's number the call went out from (MCUBE's did); empty: MCUBE's default.",
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("ringing", "Ringing"),
            ("connected", "Connected"),
            ("ended", "Ended"),
            ("failed", "Failed"),
        ],
        default="requested",
        required=True,
        readonly=True,
        index=True,
    )
    mcube_call_id = fields.Char("MCUBE Call ID", readonly=True)
    call_record_id = fields.Many2one(
        "mcube.call.record", "MCUBE Call", readonly=True, index="btree_not_null", ondelete="set null"
    )
    call_log_id = fields.Many2one(
        "cold.call.log", "Logged Call", readonly=True, index="btree_not_null", ondelete="set null"
    )
    error = fields.Text(readonly=True, help="Why MCUBE did not place the call, as the rep was told.")
    mcube_answer = fields.Text(
        "MCUBE Answer", readonly=True, help="What MCUBE answered to the request (account token hidden), for support."
    )
    mcube_status = fields.Char("MCUBE Status", readonly=True, help="The dial status MCUBE reported, as sent.")
    duration = fields.Integer("Talk Time (s)", readonly=True)
    recording_url = fields.Char("Recording", readonly=True)

    _sql_constraints = [
        ("refid_unique", "UNIQUE(refid)", "A click-to-call reference is used once."),
    ]

    def write(self, vals):
        """Every change the rep should see goes to their Dialer over the bus."""
        if not any(fname in vals for fname in NOTIFIED_FIELDS):
            return super().write(vals)
        before = {attempt.id: attempt._notified_values() for attempt in self}
        result = super().write(vals)
        self.filtered(lambda attempt: attempt._notified_values() != before[attempt.id])._notify()
        return result

    def _notified_values(self):
        return tuple(self[fname] for fname in NOTIFIED_FIELDS)

    def _notify(self):
        Bus = self.env["bus.bus"]
        for attempt in self.sudo():
            Bus._sendone(attempt.user_id.partner_id, BUS_TYPE, attempt._bus_payload())

    def _bus_payload(self):
        """What the Dialer shows of a call in progress, with the outcome the MCUBE status suggests."""
        self.ensure_one()
        return {
            "attempt_id": self.id,
            "refid": self.refid,
            "partner_id": self.partner_id.id,
            "state": self.state,
            "duration": self.duration,
            "recording_url": self.recording_url or False,
            "audio": self.call_record_id.sudo()._cold_call_audio() if self.call_record_id else False,
            "mcube_status": self.mcube_status or False,
            "error": self.error or False,
            "suggested_outcome": self._suggested_outcome(),
        }

    def _suggested_outcome(self):
        """The outcome of the first keyword said on the call that has one, else the one MCUBE's
        status suggests."""
        self.ensure_one()
        record = self.call_record_id.sudo()
        if record.keyword_ids.outcome_id:
            offered = self.env["cold.call.outcome"]._offered()
            said = record.keyword_ids.filtered(lambda keyword: keyword.outcome_id in offered)[:1]
            if said:
                return said.outcome_id.value
        if not self.mcube_status:
            return False
        return self.env["cold.call.outcome"]._mcube_suggestion(self.mcube_status, record.status).value

    # ------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------

    @api.model
    def _config(self):
        """(endpoint, account token, refurl) of the current company's click-to-call; the token is
        empty when it is not set up.

        refurl "1" has MCUBE post the call's events to the URL configured in the MCUBE account,
        the default: that URL already carries the webhook token. With "send the webhook URL"
        set, each request names this database's webhook with the company's token, for accounts
        whose configured URL points elsewhere."""
        company = self.env.company.sudo()
        refurl = "1"
        if company.mcube_send_webhook_url and company.mcube_webhook_token:
            base_url = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
            refurl = f"{base_url}{WEBHOOK_PATH}?token={quote(company.mcube_webhook_token, safe='')}"
        endpoint = (company.mcube_click_to_call_url or DEFAULT_ENDPOINT).strip()
        return endpoint, (company.mcube_api_token or "").strip(), refurl

    def init(self):
        """One live call per rep: requested or under way, and not logged yet. Installing on a
        database that has more ends all but each rep's newest."""
        live = SQL("state IN %s AND call_log_id IS NULL", LIVE_STATES)
        if not sql.index_exists(self.env.cr, LIVE_CALL_INDEX):
            self.env.cr.execute(
                SQL(
                    "UPDATE %(table)s SET state = 'ended' WHERE %(live)s AND id NOT IN "
                    "(SELECT max(id) FROM %(table)s WHERE %(live)s GROUP BY user_id)",
                    table=SQL.identifier(self._table),
                    live=live,
                )
            )
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON %s (user_id) WHERE %s",
                    SQL.identifier(LIVE_CALL_INDEX),
                    SQL.identifier(self._table),
                    live,
                )
            )

    @api.model
    def _live_call(self, user):
        """The user's call in progress, if any. One older than the limit is over: MCUBE never
        reported its end, and it must not keep the rep from calling."""
        live = self.sudo().search(
            [("user_id", "=", user.id), ("state", "in", LIVE_STATES), ("call_log_id", "=", False)]
        )
        stale = live.filtered(lambda attempt: attempt.create_date < fields.Datetime.now() - LIVE_CALL_LIMIT)
        stale.state = "ended"
        return live - stale

    @api.model
    def _executive_number(self, user):
        """The user's executive number (E.164, as users store it), False when none."""
        return user.sudo().mcube_executive_number

    @api.model
    def _ready_for(self, user):
        """Whether the Dialer offers MCUBE calls to this user: set up, and an executive number."""
        return bool(self._config()[1] and self._executive_number(user))

    @api.model
    def _timeouts(self):
        return TIMEOUTS

    @api.model
    def _new_refid(self):
        return f"{REFID_PREFIX}{uuid.uuid4().hex}"

    # ------------------------------------------------------------------
    # Placing the call
    # ------------------------------------------------------------------

    def _request_call(self, endpoint, token, refurl):
        """Ask MCUBE to ring the rep, then the contact. The attempt keeps MCUBE's call id and
        answer, or the failure as the sentence the rep is shown."""
        self.ensure_one()
        body = click_to_call.request_body(
            token,
            phone.mcube_number(self.executive_number),
            phone.mcube_number(self.customer_number),
            refurl,
            self.refid,
            self.caller_id,
        )
        # MCUBE may echo the request: the tokens it holds are hidden from what is kept.
        secrets = (token, self.company_id.sudo().mcube_webhook_token)
        try:
            call_id, answer = click_to_call.post(endpoint, body, self._timeouts())
        except click_to_call.ClickToCallError as error:
            _logger.warning(
                "MCUBE click-to-call %s (attempt %s) failed: %s%s",
                self.refid,
                self.id,
                error.reason,
                f" (HTTP {error.status})" if error.status else "",
            )
            self.env["mcube.metric"]._add("mcube_click_to_call_total", self.company_id.id, result=error.reason)
            self.write(
                {
                    "state": "failed",
                    "error": self._failure_sentence(error),
                    "mcube_answer": click_to_call.redact(error.answer, secrets) or False,
                }
            )
            return False
        self.env["mcube.metric"]._add("mcube_click_to_call_total", self.company_id.id, result="requested")
        self.write({"mcube_call_id": call_id, "mcube_answer": click_to_call.redact(answer, secrets) or False})
        return True

    def _release(self):
        """Have MCUBE end this call (its hang-up API, with the account token and MCUBE's call
        id). Returns None when MCUBE ended it, else the sentence telling the rep to hang up on
        their phone: no hang-up address, no call id yet, or MCUBE refused."""
        self.ensure_one()
        company = self.company_id.sudo()
        endpoint = (company.mcube_release_url or "").strip()
        token = (company.mcube_api_token or "").strip()
        if not (endpoint and token):
            return _("MCUBE cannot end calls from Odoo here: hang up on your phone.")
        if not self.mcube_call_id:
            return _("MCUBE has not given this call's id yet: hang up on your phone.")
        try:
            click_to_call.post(endpoint, click_to_call.release_body(token, self.mcube_call_id), self._timeouts())
        except click_to_call.ClickToCallError as error:
            _logger.warning("MCUBE did not release call %s (attempt %s): %s", self.mcube_call_id, self.id, error.reason)
            return _("MCUBE did not end the call (%s): hang up on your phone.", self._failure_sentence(error))
        self.state = "ended"
        return None

    @api.model
    def _failure_sentence(self, error):
        """One sentence per way MCUBE can fail, for the rep."""
        if error.reason == "timeout":
            return _("MCUBE did not answer in time: if your phone does not ring shortly, dial the number yourself.")
        if error.reason == "connection":
            return _("MCUBE cannot be reached right now.")
        if error.reason == "bad_url":
            return _("The MCUBE click-to-call address in Settings is not valid: ask an administrator to correct it.")
        if error.reason == "refused":
            return _("MCUBE refused the call: your number is not enabled for outbound calls, or you are on a call.")
        if error.reason == "auth":
            return _("MCUBE refused the account token: ask an administrator to check the click-to-call settings.")
        if error.reason == "client_error":
            return _("MCUBE refused the request (HTTP %s).", error.status)
        if error.reason == "server_error":
            return _("MCUBE had an error (HTTP %s): try again in a moment.", error.status)
        if error.reason == "unreadable":
            return _("MCUBE's answer could not be read: the call was probably not placed.")
        return _("MCUBE answered with an error: the call was not placed.")

    # ------------------------------------------------------------------
    # Following the call reported by MCUBE
    # ------------------------------------------------------------------

    def _join(self, record):
        """Follow the MCUBE call ``record`` (one of its events was just processed): its state,
        talk time, recording and status, never moving backwards (a request that timed out but
        rang anyway keeps its error, for the record). The call's log, when the rep
        saved it before MCUBE reported the call, is linked to it too."""
        self.ensure_one()
        if record.state == "completed":
            state = "ended"
        elif record.status == "answered" or record.duration:
            state = "connected"
        else:
            state = "ringing"
        if STATE_RANK[state] < STATE_RANK[self.state]:
            state = self.state
        self.write(
            {
                "call_record_id": record.id,
                "mcube_call_id": record.call_id,
                "state": state,
                "duration": record.duration,
                "recording_url": record.recording_url or False,
                "mcube_status": record.raw_status or False,
            }
        )
        log = self.call_log_id
        if log and log.mcube_call_record_id != record:
            log.mcube_call_record_id = record
