from odoo import api, fields, models


class ResPartner(models.Model):
    """Indexed E.164 numbers so an unknown caller is matched to a contact without a scan
    (res.partner has no phone_sanitized unless the sms module is installed)."""

    _inherit = "res.partner"

    mcube_phone_sanitized = fields.Char(
        string="Phone (E.164, MCUBE)", compute="_compute_mcube_sanitized", store=True, index="btree_not_null"
    )
    mcube_mobile_sanitized = fields.Char(
        string="Mobile (E.164, MCUBE)", compute="_compute_mcube_sanitized", store=True, index="btree_not_null"
    )

    @api.depends("phone", "mobile", "country_id")
    def _compute_mcube_sanitized(self):
        normalize = self.env["mcube.payload"]._normalize_phone
        default_country = self.env["mcube.payload"]._country()
        for partner in self:
            country = partner.country_id or default_country
            partner.mcube_phone_sanitized = normalize(partner.phone, country) if partner.phone else False
            partner.mcube_mobile_sanitized = normalize(partner.mobile, country) if partner.mobile else False
