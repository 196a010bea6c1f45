from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.cold_call_phone.tools import phone

from ..const import POP_UP
from .mcube_route import RULES

OPEN_LEAD_DOMAIN = [("active", "=", True), "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)]
# The customer, the DID and the agent phone of a parsed call, in this order.
POP_UP_NUMBERS = ("customer_number", "virtual_number", "agent_phone")


class CrmLead(models.Model):
    """Leads get the indexed E.164 numbers (phone_sanitized holds only the mobile when there is
    one), their MCUBE calls and the date of the last one; finding and creating the lead of a
    caller is decided here, for the webhook's jobs, the incoming-call pop-up and its button."""

    _name = "crm.lead"
    _inherit = ["crm.lead", "mcube.phone.mixin"]

    mcube_call_record_ids = fields.One2many("mcube.call.record", "lead_id", string="Calls")
    mcube_call_count = fields.Integer(string="Call Count", compute="_compute_mcube_call_count")
    mcube_assignment_rule = fields.Selection(
        RULES, string="Assigned By", readonly=True, help="What gave the lead made from a call its salesperson."
    )
    mcube_assignment_reason = fields.Char(string="Assignment Reason", readonly=True)
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

    def action_view_mcube_calls(self):
        self.ensure_one()
        self.env["mcube.call.record"].check_access_rights("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("mcube_integration.mcube_call_record_action")
        action.update(
            name=_("Calls"),
            domain=[("lead_id", "=", self.id)],
            context={"default_lead_id": self.id, "search_default_groupby_day": False},
        )
        return action

    # ------------------------------------------------------------------
    # The lead of a caller
    # ------------------------------------------------------------------

    @api.model
    def _mcube_find_by_phones(self, numbers, company, owners=None):
        """{number: lead} for the E.164 ``numbers``: the open lead of the company that is the
        caller's, by one rule: among the open leads with that number (on the lead, or the lead of
        an earlier call from it), the one of the number's owner (``owners``: {number: user}, the
        salesperson the call is for) first, else the oldest. A lead someone created later never
        takes over a caller. Two queries for all of them, on indexed columns."""
        open_in_company = OPEN_LEAD_DOMAIN + [("company_id", "in", [company.id, False])]
        columns = ["phone_sanitized", "mcube_phone_sanitized", "mcube_mobile_sanitized"]
        numbers = list(numbers)
        leads = self.search_fetch(
            open_in_company + expression.OR([[(column, "in", numbers)] for column in columns]),
            [*columns, "user_id", "team_id", "partner_id", "create_date"],
        )
        candidates = defaultdict(set)
        for lead in leads:
            for number in {lead[column] for column in columns}.intersection(numbers):
                candidates[number].add(lead)
        if numbers:
            # The leads of earlier calls: a lead made for a known contact holds no number itself.
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT phone_number, lead_id FROM mcube_call_record
                        WHERE phone_number IN %s AND lead_id IN %s""",
                    tuple(numbers),
                    self._search(open_in_company).subselect(),
                )
            )
            for number, lead_id in self.env.cr.fetchall():
                candidates[number].add(self.browse(lead_id))
        owners = owners or {}
        found = {}
        for number, matches in candidates.items():
            ordered = sorted(matches, key=lambda lead: (lead.create_date, lead.id))
            owner = owners.get(number)
            found[number] = next((lead for lead in ordered if owner and lead.user_id == owner), ordered[0])
        return found

    @api.model
    def _mcube_create_for_calls(self, firsts, company):
        """A lead for each new caller (``firsts``: {number: the call record of its first call}),
        named after that call, for the contact with that number if there is one; all created at
        once, in ``company``, for the call's person and team and with its reason, else in the
        company's default team. The numbers are locked first so that two jobs never make two
        leads for one number. Returns {number: lead}."""
        self.env["mcube.phone.lock"]._acquire(firsts)
        partners = self.env["res.partner"]._mcube_find_by_phones(set(firsts), company)
        medium_id = self.env["ir.model.data"]._xmlid_to_res_id("utm.utm_medium_phone", raise_if_not_found=False)
        vals_list = []
        for number, record in firsts.items():
            partner = partners.get(number, self.env["res.partner"])
            user = record.user_id
            team = record.route_id.team_id or company.sudo().mcube_default_team_id
            who = partner.display_name or number
            if record.direction == "inbound":
                name = _("Inbound call from %s", who)
            elif record.direction == "outbound":
                name = _("Outbound call to %s", who)
            else:
                name = _("Call with %s", who)
            vals = {
                "name": name,
                "partner_id": partner.id,
                "user_id": user.id,
                "company_id": company.id,
                "medium_id": medium_id,
                "mcube_assignment_rule": record.assignment_rule,
                "mcube_assignment_reason": record.assignment_reason,
            }
            if not partner.phone and not partner.mobile:
                vals["phone"] = number
            if team and (not user or record.route_id.team_id):
                vals["team_id"] = team.id
            vals_list.append(vals)
        # The call note posted next is the lead's history; an assignment e-mail per call is noise.
        leads = self.with_context(mail_create_nolog=True, mail_auto_subscribe_no_notify=True).create(vals_list)
        return dict(zip(firsts, leads, strict=True))

    @api.model
    def mcube_open_caller(self, number):
        """The incoming-call pop-up's button: open the caller's lead among those the user may
        read (theirs first), created for the user when there is none: a lead the user may not read
        is neither opened nor told of. The number is locked first, like the job does, so that the
        call's own processing then finds this lead instead of making a second one."""
        self.check_access_rights("create")
        company = self.env.company
        e164 = phone.e164(number, company._mcube_country().code)
        if not e164:
            raise UserError(_("%s is not a phone number.", number))
        lead = self._mcube_find_by_phones({e164}, company, {e164: self.env.user}).get(e164)
        if not lead:
            self.env["mcube.phone.lock"].sudo()._acquire([e164])
            partners = self.env["res.partner"]._mcube_find_by_phones({e164}, company)
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

    # ------------------------------------------------------------------
    # Telling the salesperson
    # ------------------------------------------------------------------

    @api.model
    def _mcube_pop_up(self, call, account):
        """Pop up an inbound call (a parsed delivery of the company of MCUBE ``account``) on its
        salesperson's screen as soon as it starts, without waiting for the job queue: the user
        of the company owning the DID, else with the agent's phone. Its end is told by the job
        that merges the call (``mcube.call.record._pop_up_end``)."""
        if call["phase"] != "start" or call["direction"] != "inbound":
            return
        caller, did, agent = (phone.e164(call[key], account.country_code) for key in POP_UP_NUMBERS)
        company = self.env["res.company"].browse(account.company_id)
        user = self.env["mcube.call.record"]._salespeople([(did, agent)], company)[did, agent]
        user = user or self.env["mcube.route"]._requested(company, call["call_id"], caller, did).user_id
        if caller and user:
            payload = {"call_id": call["call_id"], "state": "ringing", **self._mcube_caller(caller, company, user)}
            self.env["bus.bus"]._sendone(user.partner_id, POP_UP, payload)

    @api.model
    def _mcube_caller(self, number, company, user):
        """Who calls from ``number``, as ``user`` may know it: the person and their company (from
        the caller's lead, else contact, among those the user may read), never a deal's title,
        and the ids of that lead and contact for the pop-up's buttons."""
        as_user = self.with_user(user).with_company(company)
        lead, partner = as_user, as_user.env["res.partner"]
        if as_user.check_access_rights("read", raise_exception=False):
            lead = as_user._mcube_find_by_phones({number}, company, {number: user}).get(number, lead)
        partner = lead.partner_id._filter_access_rules("read") or partner._mcube_find_by_phones({number}, company).get(
            number, partner
        )
        return {
            "number": number,
            "name": (lead.contact_name if partner.is_company else partner.name) or lead.contact_name or False,
            "company": partner.commercial_company_name or lead.partner_name or False,
            "lead": {"id": lead.id} if lead else False,
            "partner": {"id": partner.id} if partner else False,
        }

    def _mcube_schedule_call_back(self, number, user):
        """A call-back activity due today, after a missed call from ``number``, for the lead's
        salesperson when available (the assignment rule's sticky step), else for ``user``, whom
        the rule gave the call, else the team leader."""
        self.ensure_one()
        company = self.company_id or self.env.company
        owner = self.env["mcube.route"]._available_users(company, self.user_id, fields.Datetime.now())
        user = owner or user or self.user_id or self.team_id.user_id
        if not user:
            return
        self.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=fields.Date.context_today(self.with_context(tz=user.tz)),
            summary=_("Call back"),
            note=Markup("<p>%s</p>") % _("Missed call from %s", number),
            user_id=user.id,
        )
