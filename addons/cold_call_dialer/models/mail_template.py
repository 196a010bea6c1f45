from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class MailTemplate(models.Model):
    _inherit = "mail.template"

    cold_call_dialer = fields.Boolean(
        "Offered in the Dialer",
        help="Reps can send this e-mail to the contact from the call screen. Only Dialer administrators choose.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("cold_call_dialer") for vals in vals_list):
            self._check_dialer_offer()
        return super().create(vals_list)

    def write(self, vals):
        if "cold_call_dialer" in vals:
            self._check_dialer_offer()
        return super().write(vals)

    @api.model
    def _check_dialer_offer(self):
        """Which e-mails reach every rep's call screen is the Dialer administrators' decision."""
        if not (self.env.su or self.env.user.has_group("cold_call_dialer.group_cold_call_manager")):
            raise AccessError(_("Only Dialer administrators choose the e-mails offered in the Dialer."))
