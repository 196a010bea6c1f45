from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import compliance


class ColdCallRegisterEntry(models.Model):
    """A number's preference on India's National Customer Preference Register, as the company
    last checked it: imported from a scrub file (the import wizard) or set by a manager. What a
    preference blocks is decided by the compliance check (``cold.call.compliance.check``)."""

    _name = "cold.call.register.entry"
    _inherit = ["cold.call.number.mixin", "mail.thread"]
    _description = "Register Preference"
    _order = "checked_on desc, id desc"
    _rec_name = "number"

    full_block = fields.Boolean(
        "Fully Blocked", tracking=True, help="The subscriber blocked every commercial call (register code 0)."
    )
    category_ids = fields.Many2many(
        "cold.call.register.category",
        string="Blocked Categories",
        help="The categories of promotional calls the subscriber blocked.",
    )
    time_bands = fields.Char(
        tracking=True,
        help="The hours the subscriber accepts promotional calls in, e.g. 10-12,14-16. Empty: any hour of the "
        "calling window.",
    )
    days = fields.Char(
        tracking=True,
        help="The days the subscriber accepts promotional calls on, e.g. mon,tue,sat. Empty: any day.",
    )
    checked_on = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="When the register was checked for this number: an old check counts as no check.",
    )
    source = fields.Char(tracking=True, help="Where the preference comes from: the scrub file, or who set it.")

    _sql_constraints = [
        (
            "number_company_unique",
            "UNIQUE(company_id, number)",
            "The company has a register preference for this number already: change that one.",
        ),
    ]

    @api.constrains("time_bands", "days")
    def _check_bands_and_days(self):
        for entry in self:
            try:
                compliance.parse_bands(entry.time_bands)
                compliance.parse_days(entry.days)
            except ValueError as error:
                raise ValidationError(_("%(number)s: %(error)s.", number=entry.number, error=error)) from error

    @api.model
    def _number_country(self):
        """India's register holds Indian numbers: scrub files write them without the country code."""
        return "IN"

    @api.model
    def _normalize(self, vals):
        """The number in E.164, the time bands and days in one form (``10-12,14-16``, ``mon,tue``)."""
        super()._normalize(vals)
        try:
            if vals.get("time_bands"):
                vals["time_bands"] = compliance.format_bands(compliance.parse_bands(vals["time_bands"]))
            if vals.get("days"):
                vals["days"] = compliance.format_days(compliance.parse_days(vals["days"]))
        except ValueError as error:
            raise ValidationError(str(error)) from error

    @api.model
    def _preferences(self, numbers):
        """{number: {"full_block", "category_ids" (a set), "time_bands", "days", "checked_on",
        "source"}} of the current company's preferences for ``numbers``, in one query: the check
        of a page reads 50 of a million rows, and reading them as records costs more than the rest
        of the check."""
        self.flush_model()
        field = self._fields["category_ids"]
        self.env.cr.execute(
            SQL(
                """SELECT e.number, e.full_block, e.time_bands, e.days, e.checked_on, e.source,
                          ARRAY(SELECT r.%s FROM %s r WHERE r.%s = e.id)
                     FROM cold_call_register_entry e
                    WHERE e.company_id = %s AND e.number = ANY(%s)""",
                SQL.identifier(field.column2),
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                self.env.company.id,
                list(numbers),
            )
        )
        keys = ("full_block", "time_bands", "days", "checked_on", "source")
        return {
            number: {**dict(zip(keys, values, strict=True)), "category_ids": set(categories)}
            for number, *values, categories in self.env.cr.fetchall()
        }
