import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..const import METRICS_PATH, METRICS_TOKEN_PARAM, MIN_TOKEN_LENGTH, ROUTE_PATH, WEBHOOK_PATH


class ResConfigSettings(models.TransientModel):
    """MCUBE settings of the company being edited (they live on ``res.company``)."""

    _inherit = "res.config.settings"

    mcube_webhook_token = fields.Char(
        related="company_id.mcube_webhook_token", readonly=False, groups="base.group_system"
    )
    mcube_webhook_url = fields.Char(string="MCUBE Webhook URL", compute="_compute_mcube_webhook_url")
    mcube_allowed_ips = fields.Char(related="company_id.mcube_allowed_ips", readonly=False)
    mcube_default_user_id = fields.Many2one(related="company_id.mcube_default_user_id", readonly=False)
    mcube_default_team_id = fields.Many2one(related="company_id.mcube_default_team_id", readonly=False)
    mcube_country_id = fields.Many2one(related="company_id.mcube_country_id", readonly=False)
    mcube_timezone = fields.Selection(related="company_id.mcube_timezone", readonly=False)
    mcube_batch_jobs = fields.Integer(related="company_id.mcube_batch_jobs", readonly=False)
    mcube_route_format = fields.Selection(related="company_id.mcube_route_format", readonly=False)
    mcube_route_fallback_number = fields.Char(related="company_id.mcube_route_fallback_number", readonly=False)
    mcube_route_url = fields.Char(string="MCUBE Routing URL", compute="_compute_mcube_webhook_url")
    mcube_recording_storage = fields.Selection(related="company_id.mcube_recording_storage", readonly=False)
    mcube_recording_retention_days = fields.Integer(related="company_id.mcube_recording_retention_days", readonly=False)
    mcube_recording_transcribe = fields.Boolean(related="company_id.mcube_recording_transcribe", readonly=False)
    mcube_recording_allow_http = fields.Boolean(related="company_id.mcube_recording_allow_http", readonly=False)
    mcube_recording_trusted_networks = fields.Char(
        related="company_id.mcube_recording_trusted_networks", readonly=False
    )

    mcube_alert_user_id = fields.Many2one(related="company_id.mcube_alert_user_id", readonly=False)
    mcube_alert_silence_minutes = fields.Integer(related="company_id.mcube_alert_silence_minutes", readonly=False)
    mcube_alert_failures = fields.Integer(related="company_id.mcube_alert_failures", readonly=False)
    mcube_metrics_token = fields.Char(
        "MCUBE Metrics Token", config_parameter=METRICS_TOKEN_PARAM, groups="base.group_system"
    )
    mcube_metrics_url = fields.Char(string="MCUBE Metrics URL", compute="_compute_mcube_webhook_url")
    mcube_last_event_at = fields.Datetime("Last Call Event", compute="_compute_mcube_health")
    mcube_backlog = fields.Integer("Call Events Waiting", compute="_compute_mcube_health")
    mcube_failures = fields.Integer("Failed (24 h)", compute="_compute_mcube_health")
    mcube_alerts = fields.Text("Alerts", compute="_compute_mcube_health")

    @api.depends("company_id")
    def _compute_mcube_health(self):
        for settings in self:
            health = settings.company_id._mcube_health()
            settings.mcube_last_event_at = health["last_event_at"]
            settings.mcube_backlog = health["backlog"]
            settings.mcube_failures = health["failures"]
            settings.mcube_alerts = "\n".join(health["alerts"]) or False

    @api.constrains("mcube_metrics_token")
    def _check_mcube_metrics_token(self):
        for settings in self:
            token = settings.mcube_metrics_token
            if token and (len(token) < MIN_TOKEN_LENGTH or token != token.strip()):
                raise ValidationError(
                    _(
                        "The metrics token needs %s characters or more, without spaces: press Generate.",
                        MIN_TOKEN_LENGTH,
                    )
                )

    @api.depends("company_id")
    def _compute_mcube_webhook_url(self):
        """The settings form starts with an onchange that sets every field without a
        default to False and computes only the dependents of the fields that have one:
        without a dependency (company_id has a default) the URL would stay empty."""
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for settings in self:
            settings.mcube_webhook_url = base_url.rstrip("/") + WEBHOOK_PATH
            settings.mcube_route_url = base_url.rstrip("/") + ROUTE_PATH
            settings.mcube_metrics_url = base_url.rstrip("/") + METRICS_PATH

    def action_mcube_generate_token(self):
        """Save the settings with a new random token for the company (its old one stops working)."""
        self.mcube_webhook_token = secrets.token_urlsafe(32)
        return self.execute()

    def action_mcube_generate_metrics_token(self):
        """Save the settings with a new random metrics token (the scraper's old one stops working)."""
        self.mcube_metrics_token = secrets.token_urlsafe(32)
        return self.execute()
