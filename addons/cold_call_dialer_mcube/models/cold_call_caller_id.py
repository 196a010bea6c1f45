from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.cold_call_phone.tools import phone

SERIES = [("140", "140 series (promotional)"), ("1600", "160 series (service and transactional)"), ("other", "Other")]


class ColdCallCallerId(models.Model):
    """A number of the company's MCUBE account that click-to-calls can go out from (MCUBE's
    ``did``). India's rules tie the number to the call's purpose: promotional calls from the 140
    series only, service and transactional calls of regulated companies from the 160 series
    (1600, 1601…). The series is read from the number, never typed."""

    _name = "cold.call.caller.id"
    _description = "MCUBE Caller ID"
    _order = "series, sequence, id"
    _rec_name = "number"

    number = fields.Char(required=True, help="The 10-digit number, as MCUBE's DIDs are written, e.g. 1401234567.")
    series = fields.Selection(SERIES, compute="_compute_series", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )

    _sql_constraints = [("number_unique", "UNIQUE(number)", "This caller ID is listed already.")]

    @api.depends("number")
    def _compute_series(self):
        for caller_id in self:
            digits = caller_id.number or ""
            caller_id.series = "140" if digits.startswith("140") else "1600" if digits.startswith("160") else "other"

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
        """MCUBE's 10-digit form of the number, through the suite's one phone path."""
        if "number" in vals:
            digits = phone.mcube_number(phone.e164(vals["number"], "IN"))
            if not digits:
                raise ValidationError(_("“%s” is not a 10-digit Indian number.", vals["number"] or ""))
            vals["number"] = digits

    @api.model
    def _pick(self, purpose):
        """(caller ID, or empty for MCUBE's default; the sentence refusing the call, or False)
        for a click-to-call of ``purpose`` from the current company."""
        company = self.env.company
        numbers = self.sudo().search([("company_id", "=", company.id)])
        by_series = {series: numbers.filtered(lambda n, s=series: n.series == s)[:1] for series, _label in SERIES}
        if purpose == "promotional":
            if not by_series["140"]:
                return self, _(
                    "Promotional calls go out from a 140-series number only, and %s has none: ask an administrator "
                    "to add it under Dialer > Configuration > MCUBE Caller IDs.",
                    company.name,
                )
            return by_series["140"], False
        if company.sudo().cold_call_regulated and not by_series["1600"]:
            return self, _(
                "Service calls of a regulated company go out from a 160-series number only, and %s has none: ask an "
                "administrator to add it under Dialer > Configuration > MCUBE Caller IDs.",
                company.name,
            )
        return by_series["1600"] or by_series["other"], False
