import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..const import (
    DEFAULT_BATCH_JOBS,
    DEFAULT_TIMEZONE,
    PARAM_ALLOWED_IPS,
    PARAM_BATCH_JOBS,
    PARAM_COUNTRY,
    PARAM_DEFAULT_TEAM,
    PARAM_DEFAULT_USER,
    PARAM_TIMEZONE,
    PARAM_TOKEN,
    WEBHOOK_PATH,
)
from ..tools.networks import parse_allowed_networks


class ResConfigSettings(models.TransientModel):
    """MCUBE settings, all stored as mcube_integration.* system parameters."""

    _inherit = "res.config.settings"

    mcube_webhook_token = fields.Char(
        string="MCUBE Token", config_parameter=PARAM_TOKEN, help="Without a token the webhook refuses every request."
    )
    mcube_webhook_url = fields.Char(string="MCUBE Webhook URL", compute="_compute_mcube_webhook_url")
    mcube_allowed_ips = fields.Char(
        string="MCUBE Allowed Addresses",
        config_parameter=PARAM_ALLOWED_IPS,
        help="Comma separated IP addresses or networks (CIDR), e.g. 203.0.113.7, 198.51.100.0/24. Empty: any.",
    )
    mcube_default_user_id = fields.Many2one(
        "res.users",
        string="MCUBE Default Salesperson",
        config_parameter=PARAM_DEFAULT_USER,
        domain=[("share", "=", False)],
        help="For calls whose virtual number and agent phone match no user.",
    )
    mcube_default_team_id = fields.Many2one(
        "crm.team", string="MCUBE Default Sales Team", config_parameter=PARAM_DEFAULT_TEAM
    )
    mcube_country_id = fields.Many2one(
        "res.country",
        string="MCUBE Country",
        config_parameter=PARAM_COUNTRY,
        help="Country of numbers sent without a prefix. Empty: the company's country (India when it has none).",
    )
    mcube_batch_jobs = fields.Integer(
        string="Parallel MCUBE Jobs",
        config_parameter=PARAM_BATCH_JOBS,
        default=DEFAULT_BATCH_JOBS,
        help="How many jobs process new MCUBE events at once; set it to the capacity of the job channel "
        "root.mcube (queue_job's channels option).",
    )
    mcube_timezone = fields.Selection(
        _tz_get,
        string="MCUBE Timezone",
        config_parameter=PARAM_TIMEZONE,
        default=DEFAULT_TIMEZONE,
        help="MCUBE sends local times without an offset.",
    )

    @api.depends("company_id")
    def _compute_mcube_webhook_url(self):
        """The settings form starts with an onchange that sets every field without a
        default to False and computes only the dependents of the fields that have one:
        without a dependency (company_id has a default) the URL would stay empty."""
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for settings in self:
            settings.mcube_webhook_url = base_url.rstrip("/") + WEBHOOK_PATH

    @api.constrains("mcube_allowed_ips")
    def _check_mcube_allowed_ips(self):
        for settings in self:
            try:
                parse_allowed_networks(settings.mcube_allowed_ips)
            except ValueError as error:
                raise ValidationError(_("%s is not an IP address or network (CIDR).", error.args[0])) from error

    @api.constrains("mcube_batch_jobs")
    def _check_mcube_batch_jobs(self):
        if any(not 1 <= settings.mcube_batch_jobs <= 64 for settings in self):
            raise ValidationError(_("Run between 1 and 64 MCUBE jobs at once."))

    def set_values(self):
        """A new default country changes the E.164 numbers of leads and contacts that
        have no country of their own: recompute them, or calls stop matching them."""
        phones = self.env["mcube.phone.mixin"]
        country = phones._mcube_default_country()
        result = super().set_values()
        if phones._mcube_default_country() != country:
            phones._mcube_recompute_countryless()
        return result

    def action_mcube_generate_token(self):
        """Save the settings with a new random token (the old one stops working)."""
        self.mcube_webhook_token = secrets.token_urlsafe(32)
        return self.execute()
