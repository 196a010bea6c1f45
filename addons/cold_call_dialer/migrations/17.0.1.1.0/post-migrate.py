from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Outcome fields created before 17.0.1.1.0 get the meanings added since (opportunity,
    meeting, retry cadence) on their default options."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.model.fields.selection"]._cold_call_fill_default_meanings()
