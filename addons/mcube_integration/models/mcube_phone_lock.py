from odoo import api, fields, models
from odoo.tools import SQL


class McubePhoneLock(models.Model):
    """One row per number MCUBE created a lead for. Jobs run in REPEATABLE READ, where a
    lead created by a concurrent job stays invisible: upserting this row first makes
    the second job fail to serialize and retry, and the retry sees the lead."""

    _name = "mcube.phone.lock"
    _description = "MCUBE lead creation lock"
    _log_access = False

    phone = fields.Char(required=True)

    _sql_constraints = [
        ("phone_unique", "UNIQUE(phone)", "One lock row per phone number."),
    ]

    @api.model
    def _acquire(self, phones):
        """Lock the rows of ``phones``, in one order so that two jobs cannot deadlock."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mcube_phone_lock (phone) SELECT unnest(%s::varchar[]) ORDER BY 1
                ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
                """,
                sorted(set(phones)),
            ),
            log_exceptions=False,
        )
