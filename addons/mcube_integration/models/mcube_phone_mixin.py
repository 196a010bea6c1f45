import contextlib
import re

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools import phone_validation

from ..const import PARAM_COUNTRY

SANITIZED_FIELDS = ("mcube_phone_sanitized", "mcube_mobile_sanitized")


class McubePhoneMixin(models.AbstractModel):
    """Indexed E.164 copies of a record's phone and mobile, so that a caller is matched
    without a scan, and the one way MCUBE numbers are normalized. The inheriting model
    provides phone, mobile and country_id (crm.lead, res.partner)."""

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

    @api.depends("phone", "mobile", "country_id")
    def _compute_mcube_sanitized(self):
        for record in self:
            record.mcube_phone_sanitized = record._mcube_normalize_phone(record.phone, record.country_id)
            record.mcube_mobile_sanitized = record._mcube_normalize_phone(record.mobile, record.country_id)

    @api.model
    def _mcube_default_country(self):
        """Country of numbers without a prefix: Settings, else the company's, else India."""
        country_id = self.env["ir.config_parameter"].sudo().get_param(PARAM_COUNTRY)
        country = self.env["res.country"].browse(int(country_id)).exists() if country_id else None
        return country or self.env.company.country_id or self.env.ref("base.in")

    @api.model
    @tools.ormcache("self.env.uid", "tuple(self.env.context.get('allowed_company_ids', ()))")
    def _mcube_default_dialing(self):
        """(ISO code, phone code) of the default country, read once per cache: every number of
        every event is read with it. Changing the Settings, a company's country or a user's
        company clears it."""
        country = self._mcube_default_country()
        return country.code, country.phone_code

    @api.model
    def _mcube_normalize_phone(self, number, country=None):
        """E.164 form of a number as MCUBE or a user writes it (10 digits, 0 / 91 / 0091 /
        +91 prefixes, spaces, dashes), False when it holds no phone number.

        phonenumbers decides first; numbers it finds implausible still get a stable
        '+<country code><digits>' key so that repeated calls from them match each other."""
        text = re.sub(r"[\s\-().]", "", str(number or ""))
        if not re.fullmatch(r"\+?\d+", text):
            return False
        if text.startswith("00"):
            text = "+" + text[2:]
        iso_code, phone_code = (country.code, country.phone_code) if country else self._mcube_default_dialing()
        with contextlib.suppress(UserError):
            return phone_validation.phone_format(text, iso_code, phone_code, force_format="E164")
        digits = text.lstrip("+0")
        code = str(phone_code or "")
        if not text.startswith("+") and not (code and digits.startswith(code) and len(digits) > 10):
            digits = code + digits
        return f"+{digits}" if 8 <= len(digits) <= 15 else False

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
    def _mcube_recompute_countryless(self):
        """The stored numbers of records without a country were read with the default
        country: recompute them, in every model using the mixin, after it changed. Only
        the values that change are written."""
        for model_name in self.pool.descendants(["mcube.phone.mixin"], "_inherit"):
            model = self.env[model_name].sudo().with_context(active_test=False)
            if model._abstract:
                continue
            records = model.search_fetch(
                [("country_id", "=", False), "|", ("phone", "!=", False), ("mobile", "!=", False)],
                ["phone", "mobile", *SANITIZED_FIELDS],
            )
            for fname in SANITIZED_FIELDS:
                self.env.add_to_compute(model._fields[fname], records)
            records.flush_recordset(SANITIZED_FIELDS)
