from odoo import api, models

from .mcube_phone_mixin import SANITIZED_FIELDS


class ResPartner(models.Model):
    """Contacts get the indexed E.164 numbers so an unknown caller's lead is created for
    the right contact (res.partner has no phone_sanitized unless sms is installed)."""

    _name = "res.partner"
    _inherit = ["res.partner", "mcube.phone.mixin"]

    @api.model
    def _mcube_find_by_phones(self, numbers, company):
        """{number: contact} for the E.164 ``numbers``: the contact of the company (or shared)
        with that phone or mobile, most recently changed first. One query for all of them."""
        partners = self.search_fetch(
            [
                ("company_id", "in", [company.id, False]),
                "|",
                ("mcube_phone_sanitized", "in", list(numbers)),
                ("mcube_mobile_sanitized", "in", list(numbers)),
            ],
            [*SANITIZED_FIELDS, "phone", "mobile"],
            order="write_date desc, id desc",
        )
        return partners._mcube_first_by_number(numbers, SANITIZED_FIELDS)
