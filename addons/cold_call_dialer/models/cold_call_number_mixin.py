from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.cold_call_phone.tools import phone


class ColdCallNumberMixin(models.AbstractModel):
    """Records kept per phone number (register preferences, consents, complaints): the number is
    stored in E.164 through the suite's one phone path, so that it matches the contacts' numbers
    however it was typed; a text that holds no number is refused."""

    _name = "cold.call.number.mixin"
    _description = "Record Kept per Phone Number"

    number = fields.Char(required=True, index=True, help="Stored in E.164, e.g. +919845012345.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize(vals)
        return super().write(vals)

    @api.model
    def _normalize(self, vals):
        if "number" in vals:
            vals["number"] = self._e164(vals["number"])

    @api.model
    def _number_country(self):
        """The country (ISO code) a number written without one is read in: the company's, else India."""
        return self.env.company.country_id.code or "IN"

    @api.model
    def _e164(self, number):
        """``number`` in E.164, read in ``_number_country``; ValidationError when it holds none."""
        normalized = phone.e164(number, self._number_country())
        if not normalized:
            raise ValidationError(_("“%s” is not a phone number.", number or ""))
        return normalized
