from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.mcube_integration.tools.payload import is_web_url

from ..const import DEFAULT_ENDPOINT, PARAM_API_TOKEN, PARAM_ENDPOINT, PARAM_SEND_WEBHOOK_URL


class ResConfigSettings(models.TransientModel):
    """MCUBE click-to-call settings, stored as cold_call_dialer_mcube.* system parameters.
    The account token is for administrators' eyes only."""

    _inherit = "res.config.settings"

    cold_call_mcube_endpoint = fields.Char(
        "MCUBE Click-to-Call URL",
        config_parameter=PARAM_ENDPOINT,
        default=DEFAULT_ENDPOINT,
        help="The MCUBE API address the Dialer's calls are requested from.",
    )
    cold_call_mcube_api_token = fields.Char(
        "MCUBE Account Token",
        config_parameter=PARAM_API_TOKEN,
        groups="base.group_system",
        help="The token of the MCUBE account (HTTP_AUTHORIZATION). Without it, the Dialer dials with the phone.",
    )
    cold_call_mcube_send_webhook_url = fields.Boolean(
        "Send the Webhook URL With Each Call",
        config_parameter=PARAM_SEND_WEBHOOK_URL,
        help="Off: MCUBE posts the call's events to the URL configured in the MCUBE account. "
        "On: each call request gives MCUBE this database's webhook URL, with its token.",
    )

    @api.constrains("cold_call_mcube_endpoint")
    def _check_cold_call_mcube_endpoint(self):
        for settings in self:
            if settings.cold_call_mcube_endpoint and not is_web_url(settings.cold_call_mcube_endpoint.strip()):
                raise ValidationError(_("The MCUBE click-to-call URL must be an http(s) address."))
