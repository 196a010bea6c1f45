from odoo import api, fields, models
from odoo.tools.sql import column_exists, create_column


class ResPartner(models.Model):
    _inherit = "res.partner"

    cold_call_log_ids = fields.One2many(
        "cold.call.log", "partner_id", "Cold Calls", groups="cold_call_dialer.group_cold_call_user"
    )
    cold_call_count = fields.Integer(compute="_compute_cold_call_count", groups="cold_call_dialer.group_cold_call_user")
    cold_call_last_date = fields.Datetime(
        "Last Cold Call", compute="_compute_cold_call_last", store=True, readonly=True, copy=False
    )
    cold_call_last_outcome = fields.Char(
        "Last Cold Call Outcome", compute="_compute_cold_call_last", store=True, readonly=True, copy=False
    )

    def _auto_init(self):
        """Create the last-call columns empty: computing them one contact at a time would slow down
        installing on a large address book, and no contact has been called yet anyway."""
        for name, sql_type in (("cold_call_last_date", "timestamp"), ("cold_call_last_outcome", "varchar")):
            if not column_exists(self.env.cr, self._table, name):
                create_column(self.env.cr, self._table, name, sql_type)
        return super()._auto_init()

    @api.depends("cold_call_log_ids.call_date", "cold_call_log_ids.status_label")
    def _compute_cold_call_last(self):
        for partner in self:
            last = max(partner.cold_call_log_ids, key=lambda log: (log.call_date, log.id), default=None)
            partner.cold_call_last_date = last.call_date if last else False
            partner.cold_call_last_outcome = last.status_label if last else False

    @api.depends_context("uid")
    def _compute_cold_call_count(self):
        counts = dict(
            self.env["cold.call.log"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.cold_call_count = counts.get(partner, 0)

    def action_view_cold_calls(self):
        """The calls logged on this contact, from its form's smart button."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cold_call_dialer.cold_call_log_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["views"] = [(False, "tree"), (False, "form")]
        action["context"] = {"default_partner_id": self.id}
        return action
