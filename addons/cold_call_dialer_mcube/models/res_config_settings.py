from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """MCUBE click-to-call settings of the company being edited (they live on ``res.company``).
    The account token is for administrators' eyes only."""

    _inherit = "res.config.settings"

    cold_call_mcube_endpoint = fields.Char(related="company_id.mcube_click_to_call_url", readonly=False)
    cold_call_mcube_release_url = fields.Char(related="company_id.mcube_release_url", readonly=False)
    cold_call_mcube_api_token = fields.Char(
        related="company_id.mcube_api_token", readonly=False, groups="base.group_system"
    )
    cold_call_mcube_send_webhook_url = fields.Boolean(related="company_id.mcube_send_webhook_url", readonly=False)
