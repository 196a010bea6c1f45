from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..const import (
    CALLING_END_PARAM,
    CALLING_START_PARAM,
    DEFAULT_CALLING_END,
    DEFAULT_CALLING_START,
    DEFAULT_HOLD_MINUTES,
    HOLD_MINUTES_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cold_call_hold_minutes = fields.Integer(
        "Hold Time",
        config_parameter=HOLD_MINUTES_PARAM,
        default=DEFAULT_HOLD_MINUTES,
        help="How long a contact opened by a sales rep is kept away from the other reps working the same list.",
    )
    cold_call_hours_start = fields.Float(
        "Calling Hours From",
        config_parameter=CALLING_START_PARAM,
        default=DEFAULT_CALLING_START,
        help="In each contact's own time zone (its time zone, else its country's, else the company's). "
        "Contacts outside their calling hours come last in the Dialer and are marked.",
    )
    cold_call_hours_end = fields.Float(
        "Calling Hours To", config_parameter=CALLING_END_PARAM, default=DEFAULT_CALLING_END
    )
    cold_call_window_start = fields.Float(related="company_id.cold_call_window_start", readonly=False)
    cold_call_window_end = fields.Float(related="company_id.cold_call_window_end", readonly=False)
    cold_call_register_max_age = fields.Integer(related="company_id.cold_call_register_max_age", readonly=False)
    cold_call_register_unknown = fields.Selection(related="company_id.cold_call_register_unknown", readonly=False)
    cold_call_register_imported_on = fields.Datetime(related="company_id.cold_call_register_imported_on")
    cold_call_register_category_id = fields.Many2one(
        related="company_id.cold_call_register_category_id", readonly=False
    )
    cold_call_regulated = fields.Boolean(related="company_id.cold_call_regulated", readonly=False)
    cold_call_status_field_exists = fields.Boolean(compute="_compute_cold_call_status_field")
    cold_call_status_option_count = fields.Integer(compute="_compute_cold_call_status_field")

    @api.depends("company_id")
    def _compute_cold_call_status_field(self):
        Outcomes = self.env["cold.call.outcome"]
        offered = Outcomes._offered()
        for settings in self:
            settings.cold_call_status_field_exists = bool(Outcomes._status_field())
            settings.cold_call_status_option_count = len(offered)

    def set_values(self):
        if any(settings.cold_call_hold_minutes < 1 for settings in self):
            raise ValidationError(_("The hold time must be at least one minute."))
        if any(not 0 <= s.cold_call_hours_start < s.cold_call_hours_end <= 24 for s in self):
            raise ValidationError(_("The calling hours must start before they end, within the day."))
        return super().set_values()

    def action_create_cold_call_status_field(self):
        """Create the outcome field and reload, so that every screen picks up the new field."""
        self.env["cold.call.outcome"]._create_status_field()
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_open_cold_call_outcomes(self):
        return self.env["ir.actions.act_window"]._for_xml_id("cold_call_dialer.cold_call_outcome_action")
