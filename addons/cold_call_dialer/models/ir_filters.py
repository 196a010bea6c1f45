from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .cold_call_compliance_check import PURPOSES

PURPOSE_FIELDS = {"cold_call_purpose", "cold_call_category_id"}


class IrFilters(models.Model):
    """What the calls of a saved search are for, which India's rules depend on. Users save and
    edit searches freely, so the purpose is set by Dialer administrators only, and only they may
    change a search marked as service (a rep widening one would make promotional calls pass as
    service calls)."""

    _inherit = "ir.filters"

    cold_call_purpose = fields.Selection(
        PURPOSES,
        "Call Purpose",
        default="promotional",
        copy=False,
        help="Promotional calls follow the register's preferences; service and transactional calls do not.",
    )
    cold_call_category_id = fields.Many2one(
        "cold.call.register.category",
        "Register Category",
        copy=False,
        ondelete="restrict",
        help="What the promotional calls of this list are about. Empty: the company's default category.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("cold_call_purpose", "promotional") != "promotional" or vals.get("cold_call_category_id"):
                self._check_cold_call_manager()
        return super().create(vals_list)

    def write(self, vals):
        if PURPOSE_FIELDS & set(vals) or (vals and self.filtered(lambda f: f.cold_call_purpose == "service")):
            self._check_cold_call_manager()
        return super().write(vals)

    @api.model
    def _check_cold_call_manager(self):
        if not self.env.su and not self.env.user.has_group("cold_call_dialer.group_cold_call_manager"):
            raise AccessError(
                _("Only Dialer administrators may set what calls a list is for, or change a service list.")
            )
