from odoo import api, models

from ..const import CALLBACK_WINDOW


class ColdCallDashboard(models.AbstractModel):
    """The dashboard's MCUBE follow-up: missed inbound calls nobody has called back yet, how calls
    were routed, and whether MCUBE's calls arrive (the status of each company of the manager)."""

    _inherit = "cold.call.dashboard"

    @api.model
    def _section_figures(self, start, end, users):
        figures = super()._section_figures(start, end, users)
        since = min(start, end - CALLBACK_WINDOW)
        figures["mcube_callbacks"] = self.env["mcube.call.record"]._cold_call_callbacks(since, start, end, users)
        figures["mcube_routing"] = self.env["mcube.call.record"]._cold_call_routing(start, end, users)
        figures["mcube_health"] = [
            health for health in (company._mcube_health() for company in self.env.companies) if health["configured"]
        ]
        return figures
