from odoo import api, fields, models

from odoo.addons.cold_call_phone.tools import phone

SANITIZED_FIELDS = ("mcube_phone_sanitized", "mcube_mobile_sanitized")


class McubePhoneMixin(models.AbstractModel):
    """Indexed E.164 copies of a record's phone and mobile, so that a caller is matched without a
    scan. The inheriting model provides phone, mobile, country_id and company_id (crm.lead,
    res.partner). A number without a prefix is read in the record's country, else in the MCUBE
    country of its company (of the current company for a record of none)."""

    _name = "mcube.phone.mixin"
    _description = "MCUBE phone numbers"

    mcube_phone_sanitized = fields.Char(
        string="Phone (E.164, MCUBE)",
        compute="_compute_mcube_sanitized",
        store=True,
        index="btree_not_null",
        help="MCUBE matches callers on the phone as well as on the mobile.",
    )
    mcube_mobile_sanitized = fields.Char(
        string="Mobile (E.164, MCUBE)",
        compute="_compute_mcube_sanitized",
        store=True,
        index="btree_not_null",
    )

    @api.depends("phone", "mobile", "country_id", "company_id")
    def _compute_mcube_sanitized(self):
        for record in self:
            code = (record.country_id or (record.company_id or self.env.company)._mcube_country()).code
            record.mcube_phone_sanitized = phone.e164(record.phone, code)
            record.mcube_mobile_sanitized = phone.e164(record.mobile, code)

    def _mcube_first_by_number(self, numbers, fnames):
        """{number: record} for each of ``numbers`` held in one of ``fnames`` by a record of
        ``self``: the first one, in the order of ``self``."""
        found = {}
        for record in self:
            for number in (record[fname] for fname in fnames):
                if number in numbers:
                    found.setdefault(number, record)
        return found

    @api.model
    def _mcube_recompute_countryless(self, companies):
        """The stored numbers of records without a country were read with their company's MCUBE
        country: recompute them, in every model using the mixin, after the one of ``companies``
        changed (with those of no company). Only the values that change are written."""
        for model_name in self.pool.descendants(["mcube.phone.mixin"], "_inherit"):
            model = self.env[model_name].sudo().with_context(active_test=False)
            if model._abstract:
                continue
            records = model.search_fetch(
                [
                    ("country_id", "=", False),
                    ("company_id", "in", [*companies.ids, False]),
                    "|",
                    ("phone", "!=", False),
                    ("mobile", "!=", False),
                ],
                ["phone", "mobile", "company_id", *SANITIZED_FIELDS],
            )
            for fname in SANITIZED_FIELDS:
                self.env.add_to_compute(model._fields[fname], records)
            records.flush_recordset(SANITIZED_FIELDS)
