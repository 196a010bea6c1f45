from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

OPEN_LEAD_DOMAIN = [("active", "=", True), "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)]


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
        last = dict(
            self.env["mcube.call.record"]._read_group(
                [("lead_id", "in", self._origin.ids)], ["lead_id"], ["call_date:max"]
            )
        )
        for lead in self:
            lead.mcube_last_call_date = last.get(lead._origin, False)

    @api.model
    def _mcube_find_by_phones(self, numbers, company):
        """{number: lead} for the E.164 ``numbers``: the most recently active open lead of the
        company with that number (indexed columns only), else the open lead of an earlier call
        from it (numbers phonenumbers cannot validate). Two queries at most for all of them."""
        open_in_company = OPEN_LEAD_DOMAIN + [("company_id", "in", [company.id, False])]
        columns = ["phone_sanitized", "mcube_phone_sanitized", "mcube_mobile_sanitized"]
        leads = self.search_fetch(
            open_in_company + expression.OR([[(column, "in", list(numbers))] for column in columns]),
            [*columns, "user_id", "team_id", "partner_id"],
            order="write_date desc, id desc",
        )
        found = leads._mcube_first_by_number(numbers, columns)
        rest = [number for number in numbers if number not in found]
        if rest:
            # Stored calls only: the ones of the batch being processed have no lead yet.
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT ON (phone_number) phone_number, lead_id FROM mcube_call_record
                        WHERE phone_number IN %s AND lead_id IN %s
                        ORDER BY phone_number, call_date DESC NULLS LAST, id DESC""",
                    tuple(rest),
                    self._search(open_in_company).subselect(),
                )
            )
            found.update((number, self.browse(lead_id)) for number, lead_id in self.env.cr.fetchall())
        return found

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
        lead = self.sudo()._mcube_find_by_phones({e164}, company).get(e164)
        if not lead:
            self.env["mcube.phone.lock"].sudo()._acquire([e164])
            partners = self.env["res.partner"].sudo()._mcube_find_by_phones({e164}, company)
            partner = partners.get(e164, self.env["res.partner"])
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
