import datetime

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import DEFAULT_HOLD_MINUTES, HOLD_MINUTES_PARAM, OPEN_HOLDS_PER_REP

# The advisory locks (with the contact's id) of requests taking a contact's hold: "cold".
HOLD_LOCK = 0x636F6C64


class ColdCallHold(models.Model):
    """A contact a rep has open in the Dialer, so that other reps working the same list skip it.

    The unique constraint on the contact is what makes taking a hold race-free (see ``_acquire``).
    """

    _name = "cold.call.hold"
    _description = "Held Contact"
    _order = "expires_at desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Contact", required=True, ondelete="cascade", readonly=True)
    user_id = fields.Many2one("res.users", "Held By", required=True, index=True, ondelete="cascade", readonly=True)
    expires_at = fields.Datetime("Held Until", required=True, index=True, readonly=True)
    logged = fields.Boolean(
        "Call Logged", readonly=True, help="Held after a call, so that nobody calls the contact again right away."
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        ("partner_unique", "UNIQUE(partner_id)", "A contact can only be held by one sales rep at a time."),
    ]

    @api.model
    def _hold_minutes(self):
        value = self.env["ir.config_parameter"].sudo().get_param(HOLD_MINUTES_PARAM)
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            return DEFAULT_HOLD_MINUTES
        return minutes if minutes > 0 else DEFAULT_HOLD_MINUTES

    @api.model
    def _active_by_partner(self, partner_ids):
        """Unexpired holds of these contacts, by contact id, whoever holds them."""
        if not partner_ids:
            return {}
        holds = self.sudo().search_fetch(
            [("partner_id", "in", list(partner_ids)), ("expires_at", ">", fields.Datetime.now())],
            ["partner_id", "user_id"],
        )
        return {hold.partner_id.id: hold for hold in holds}

    @api.model
    def _acquire(self, partner_id, logged=False):
        """Hold a contact for the current user (or extend their hold); False when someone else
        holds it. A single upsert on the unique contact, so two reps can never both get it.

        A rep keeps at most OPEN_HOLDS_PER_REP contacts open (the one being called and those
        prefetched): taking one more gives back the oldest, so opening contacts in a loop cannot
        lock a list away from the others. Holds of logged calls do not count.
        """
        if not logged and not self._try_lock(partner_id):
            return False
        now = fields.Datetime.now()
        expires_at = now + datetime.timedelta(minutes=self._hold_minutes())
        self.flush_model()
        try:
            # Another rep's hold taken or changed since this request began fails to serialize:
            # that contact is theirs, and the request goes on (the next contact) rather than
            # being replayed from the start.
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        INSERT INTO cold_call_hold
                               (partner_id, user_id, expires_at, logged, company_id,
                                create_uid, create_date, write_uid, write_date)
                        VALUES (%(partner)s, %(user)s, %(expires)s, %(logged)s, %(company)s,
                                %(user)s, %(now)s, %(user)s, %(now)s)
                        ON CONFLICT (partner_id) DO UPDATE
                           SET user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at, logged = EXCLUDED.logged,
                               company_id = EXCLUDED.company_id,
                               write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                         WHERE cold_call_hold.user_id = EXCLUDED.user_id OR cold_call_hold.expires_at <= %(now)s
                        RETURNING id
                        """,
                        partner=partner_id,
                        user=self.env.uid,
                        expires=expires_at,
                        logged=logged,
                        company=self.env.company.id,
                        now=now,
                    ),
                    log_exceptions=False,
                )
                row = self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure:
            if logged:
                raise
            row = None
        if row and not logged:
            self.env.cr.execute(
                SQL(
                    """
                    DELETE FROM cold_call_hold
                     WHERE id IN (SELECT id FROM cold_call_hold
                                   WHERE user_id = %(user)s AND partner_id != %(partner)s
                                     AND NOT logged AND expires_at > %(now)s
                                   ORDER BY write_date DESC, id DESC
                                  OFFSET %(keep)s)
                    """,
                    user=self.env.uid,
                    partner=partner_id,
                    now=now,
                    keep=OPEN_HOLDS_PER_REP - 1,
                )
            )
        self.invalidate_model()
        return bool(row)

    @api.model
    def _try_lock(self, partner_id):
        """Whether no other request is taking this contact right now; it is this transaction's
        until it ends. Reps on one list ask for the same contacts at once: the later request passes
        over it at once rather than wait for the earlier one to end and then fail to serialize. A
        rep's own hold is waited for."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", HOLD_LOCK, partner_id))
        if self.env.cr.fetchone()[0]:
            return True
        hold = self._active_by_partner([partner_id]).get(partner_id)
        return bool(hold and hold.user_id.id == self.env.uid)

    @api.model
    def _release(self, partner_id):
        """Give a contact back to the other reps; only the current user's own hold goes."""
        self.sudo().search([("partner_id", "=", partner_id), ("user_id", "=", self.env.uid)]).unlink()

    @api.autovacuum
    def _gc_expired_holds(self):
        """Expired holds no longer block anyone; drop them so the table stays small."""
        self.search([("expires_at", "<", fields.Datetime.now())]).unlink()
