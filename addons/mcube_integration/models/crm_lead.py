from odoo import _, api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    mcube_phone_sanitized = fields.Char(
        string="Phone (E.164, MCUBE)",
        compute="_compute_mcube_sanitized",
        store=True,
        index="btree_not_null",
        help="phone_sanitized holds the mobile when there is one; MCUBE also matches calls on the phone.",
    )
    mcube_mobile_sanitized = fields.Char(
        string="Mobile (E.164, MCUBE)",
        compute="_compute_mcube_sanitized",
        store=True,
        index="btree_not_null",
    )
    mcube_call_record_ids = fields.One2many("mcube.call.record", "lead_id", string="Calls")
    mcube_call_count = fields.Integer(string="Call Count", compute="_compute_mcube_call_count")
    mcube_last_call_date = fields.Datetime(
        string="Last Call", compute="_compute_mcube_last_call_date", store=True, readonly=True
    )

    @api.depends("phone", "mobile", "country_id")
    def _compute_mcube_sanitized(self):
        normalize = self.env["mcube.payload"]._normalize_phone
        default_country = self.env["mcube.payload"]._country()
        for lead in self:
            country = lead.country_id or default_country
            lead.mcube_phone_sanitized = normalize(lead.phone, country) if lead.phone else False
            lead.mcube_mobile_sanitized = normalize(lead.mobile, country) if lead.mobile else False

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
