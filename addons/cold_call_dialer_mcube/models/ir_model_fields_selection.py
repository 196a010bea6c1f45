import re

from odoo import api, fields, models

from odoo.addons.cold_call_dialer.const import STATUS_FIELD

from ..const import DEFAULT_MCUBE_STATUSES


def status_key(status):
    """MCUBE statuses compared without case, spaces, dashes or underscores: "No Answer",
    "NOANSWER" and "no_answer" are one status."""
    return re.sub(r"[\s_-]", "", (status or "").lower())


class IrModelFieldsSelection(models.Model):
    """Each outcome option names the MCUBE dial statuses that suggest it, so that the Dialer
    can preselect the outcome of a call MCUBE reported (a missed call: No Answer)."""

    _inherit = "ir.model.fields.selection"

    cold_call_mcube_statuses = fields.Char(
        "MCUBE Statuses",
        help="Comma-separated MCUBE dial statuses (e.g. NoAnswer, Busy) or their normalized forms "
        "(answered, no_answer, busy, cancelled, failed) for which the Dialer suggests this outcome. "
        "Case and spaces do not matter.",
    )

    @api.model
    def _cold_call_options(self):
        """Adds ``mcube_statuses`` (a list) to each outcome."""
        options = super()._cold_call_options()
        if not options:
            return options
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        records = self.sudo().search_fetch([("field_id", "=", field.id)], ["value", "cold_call_mcube_statuses"])
        statuses = {record.value: record._cold_call_mcube_status_list() for record in records}
        for option in options:
            option["mcube_statuses"] = statuses.get(option["value"], [])
        return options

    def _cold_call_mcube_status_list(self):
        self.ensure_one()
        return [status.strip() for status in (self.cold_call_mcube_statuses or "").split(",") if status.strip()]

    @api.model
    def _cold_call_mcube_suggestion(self, raw_status, status):
        """The first outcome whose MCUBE statuses hold the call's raw or normalized status, False if none."""
        keys = {status_key(raw_status), status_key(status)} - {""}
        for option in self._cold_call_options():
            if keys.intersection(status_key(listed) for listed in option["mcube_statuses"]):
                return option["value"]
        return False

    @api.model
    def _cold_call_create_status_field(self):
        """The default outcomes come with their MCUBE statuses."""
        field = super()._cold_call_create_status_field()
        self._cold_call_mcube_fill_default_statuses()
        return field

    @api.model
    def _cold_call_mcube_fill_default_statuses(self):
        """Give the default outcomes (by value) their MCUBE statuses, unless an admin set some."""
        field = self.env["ir.model.fields"].sudo().search([("model", "=", "res.partner"), ("name", "=", STATUS_FIELD)])
        if not field:
            return
        options = self.sudo().search(
            [
                ("field_id", "=", field.id),
                ("value", "in", list(DEFAULT_MCUBE_STATUSES)),
                ("cold_call_mcube_statuses", "=", False),
            ]
        )
        # Each write of options sets the models up again: one write per default.
        for value, statuses in DEFAULT_MCUBE_STATUSES.items():
            options.filtered(lambda option, value=value: option.value == value).cold_call_mcube_statuses = statuses
