from odoo import models

from ..const import MANAGERS_CHANNEL, REPS_CHANNEL


class IrWebsocket(models.AbstractModel):
    """Dialer users listen to their companies' Dialer channels: a saved call is then one bus
    message per company, whatever the number of reps, and only Dialer users (managers, for the
    dashboard's figures) can hear it."""

    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        user = self.env.user
        if self.env.uid and user.has_group("cold_call_dialer.group_cold_call_user"):
            channels = [*channels, *((company, REPS_CHANNEL) for company in user.company_ids)]
            if user.has_group("cold_call_dialer.group_cold_call_manager"):
                channels += [(company, MANAGERS_CHANNEL) for company in user.company_ids]
        return super()._build_bus_channel_list(channels)
