from odoo import fields, models


class ColdCallKeyword(models.Model):
    """A keyword said on an MCUBE call may suggest the outcome the rep saves."""

    _inherit = "cold.call.keyword"

    outcome_id = fields.Many2one(
        "cold.call.outcome",
        "Suggested Outcome",
        ondelete="set null",
        help="Suggested to the rep when a call's transcript contains this keyword (the first keyword wins).",
    )
