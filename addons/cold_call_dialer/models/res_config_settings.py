from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..const import (
    CALLING_END_PARAM,
    CALLING_START_PARAM,
    DEFAULT_CALLING_END,
    DEFAULT_CALLING_START,
    DEFAULT_HOLD_MINUTES,
    HOLD_MINUTES_PARAM,
    STATUS_FIELD,
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
    cold_call_status_field_exists = fields.Boolean(compute="_compute_cold_call_status_field")
    cold_call_status_option_count = fields.Integer(compute="_compute_cold_call_status_field")

    @api.depends("company_id")
    def _compute_cold_call_status_field(self):
        Options = self.env["ir.model.fields.selection"]
        options = Options._cold_call_options()
        for settings in self:
            settings.cold_call_status_field_exists = bool(Options._cold_call_status_field())
            settings.cold_call_status_option_count = len(options)

    def set_values(self):
        if any(settings.cold_call_hold_minutes < 1 for settings in self):
            raise ValidationError(_("The hold time must be at least one minute."))
        if any(not 0 <= s.cold_call_hours_start < s.cold_call_hours_end <= 24 for s in self):
            raise ValidationError(_("The calling hours must start before they end, within the day."))
        return super().set_values()

    def action_create_cold_call_status_field(self):
        """Create the outcome field and reload, so that every screen picks up the new field."""
        self.env["ir.model.fields.selection"]._cold_call_create_status_field()
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_open_cold_call_outcomes(self):
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        action = self.env["ir.actions.act_window"]._for_xml_id("cold_call_dialer.ir_model_fields_selection_action")
        action["domain"] = [("field_id", "=", field.id)]
        action["context"] = {"default_field_id": field.id}
        return action
