from odoo import api, fields, models


class ColdCallHold(models.Model):
    """A contact a rep has open in the Dialer, so that other reps working the same list skip it.

    The unique constraint on the contact is what makes taking a hold race-free
    (see ``cold.call.dialer._acquire_hold``).
    """

    _name = "cold.call.hold"
    _description = "Held Contact"
    _order = "expires_at desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Contact", required=True, ondelete="cascade", readonly=True)
    user_id = fields.Many2one("res.users", "Held By", required=True, index=True, ondelete="cascade", readonly=True)
    expires_at = fields.Datetime("Held Until", required=True, index=True, readonly=True)

    _sql_constraints = [
        ("partner_unique", "UNIQUE(partner_id)", "A contact can only be held by one sales rep at a time."),
    ]

    @api.autovacuum
    def _gc_expired_holds(self):
        """Expired holds no longer block anyone; drop them so the table stays small."""
        self.search([("expires_at", "<", fields.Datetime.now())]).unlink()
