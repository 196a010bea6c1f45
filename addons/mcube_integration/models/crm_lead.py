from odoo import _, api, fields, models


class CrmLead(models.Model):
    """Leads get the indexed E.164 numbers (phone_sanitized holds only the mobile when
    there is one), their calls, and the date of the last one."""

    _name = "crm.lead"
    _inherit = ["crm.lead", "mcube.phone.mixin"]

    mcube_call_record_ids = fields.One2many("mcube.call.record", "lead_id", string="Calls")
    mcube_call_count = fields.Integer(string="Call Count", compute="_compute_mcube_call_count")
    mcube_last_call_date = fields.Datetime(
        string="Last Call", compute="_compute_mcube_last_call_date", store=True, readonly=True
    )

    def _compute_mcube_call_count(self):
        counts = dict(
            self.env["mcube.call.record"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for lead in self:
            lead.mcube_call_count = counts.get(lead._origin, 0)

    @api.depends("mcube_call_record_ids.call_date")
    def _compute_mcube_last_call_date(self):
        for lead in self:
            dates = [date for date in lead.mcube_call_record_ids.mapped("call_date") if date]
            lead.mcube_last_call_date = max(dates, default=False)

    def action_view_mcube_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mcube_integration.mcube_call_record_action")
        action.update(
            name=_("Calls"),
            domain=[("lead_id", "=", self.id)],
            context={"default_lead_id": self.id, "search_default_groupby_day": False},
        )
        return action
