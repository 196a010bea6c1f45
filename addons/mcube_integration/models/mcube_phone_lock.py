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
    def _acquire(self, phone):
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mcube_phone_lock (phone) VALUES (%s)
                ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
                """,
                phone,
            ),
            log_exceptions=False,
        )
