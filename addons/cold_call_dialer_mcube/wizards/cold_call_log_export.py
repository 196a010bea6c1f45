from odoo import _, models


class ColdCallLogExport(models.TransientModel):
    """Export Calls: what MCUBE measured of each call placed through it."""

    _inherit = "cold.call.log.export"

    def _columns(self):
        return [
            *super()._columns(),
            (_("MCUBE Call ID"), 22, lambda log: log.mcube_call_id or ""),
            (_("MCUBE Talk Time (s)"), 12, lambda log: log.mcube_duration if log.mcube_call_record_id else ""),
            (_("Recording URL"), 40, lambda log: log.recording_url or ""),
        ]
