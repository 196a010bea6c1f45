from odoo import _, api, fields, models
from odoo.exceptions import UserError


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

    @api.model
    def mcube_open_caller(self, number):
        """The incoming-call pop-up's button: open the caller's lead, created for the user when
        there is none yet. The number is locked first, like the job does, so that the call's
        own processing then finds this lead instead of making a second one."""
        phones = self.env["mcube.phone.mixin"]
        e164 = phones._mcube_normalize_phone(number)
        if not e164:
            raise UserError(_("%s is not a phone number.", number))
        company = self.env.company
        records = self.env["mcube.call.record"].sudo()
        lead = records._find_lead_by_phone(e164, company)
        if not lead:
            self.env["mcube.phone.lock"].sudo()._acquire(e164)
            partner = records._find_partner_by_phone(e164, company)
            lead = self.create(
                {
                    "name": _("Inbound call from %s", partner.display_name or e164),
                    "partner_id": partner.id,
                    "phone": e164,
                    "user_id": self.env.uid,
                    "company_id": company.id,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "views": [(False, "form")],
            "target": "current",
        }
