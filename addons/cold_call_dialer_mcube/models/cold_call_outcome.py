import re

from odoo import api, fields, models


def status_key(status):
    """MCUBE statuses compared without case, spaces, dashes or underscores: "No Answer",
    "NOANSWER" and "no_answer" are one status."""
    return re.sub(r"[\s_-]", "", (status or "").lower())


class ColdCallOutcome(models.Model):
    """Each outcome names the MCUBE dial statuses that suggest it, so that the Dialer can
    preselect the outcome of a call MCUBE reported (a missed call: No Answer)."""

    _inherit = "cold.call.outcome"

    mcube_statuses = fields.Char(
        "MCUBE Statuses",
        help="Comma-separated MCUBE dial statuses (e.g. NoAnswer, Busy) or their normalized forms "
        "(answered, no_answer, busy, cancelled, failed) for which the Dialer suggests this outcome. "
        "Case and spaces do not matter.",
    )

    def _screen_values(self):
        """Adds ``mcube_statuses`` (a list) to each outcome."""
        values = super()._screen_values()
        for outcome, entry in zip(self, values, strict=True):
            entry["mcube_statuses"] = outcome._mcube_status_list()
        return values

    def _mcube_status_list(self):
        self.ensure_one()
        return [status.strip() for status in (self.mcube_statuses or "").split(",") if status.strip()]

    @api.model
    def _mcube_suggestion(self, raw_status, status):
        """The first offered outcome whose MCUBE statuses hold the call's raw or normalized status."""
        keys = {status_key(raw_status), status_key(status)} - {""}
        return self._offered().filtered(
            lambda outcome: keys.intersection(status_key(listed) for listed in outcome._mcube_status_list())
        )[:1]
