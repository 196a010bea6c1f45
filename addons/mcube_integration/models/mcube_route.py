import logging
from datetime import datetime, time

import pytz

from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.cold_call_phone.tools import phone

from ..const import DEFAULT_TIMEZONE, ROUTE_JOIN_WINDOW

_logger = logging.getLogger(__name__)

RULES = [
    ("number", "Number owner"),
    ("agent", "Agent"),
    ("sticky", "Sticky"),
    ("skills", "Skills"),
    ("round_robin", "Round-robin"),
    ("fallback", "Fallback"),
]
# The rules that choose among people, as opposed to the facts of a call (its number's owner, its agent).
ROUTED_RULES = ("sticky", "skills", "round_robin", "fallback")


class McubeRoute(models.Model):
    """Who takes a caller, and why: one decision of the assignment rule, the only one used for
    inbound calls, the leads made from them, their call-backs and MCUBE's routing requests. Kept
    so that the call MCUBE reports later gets the same person and reason, and so that daily
    limits count what was routed today."""

    _name = "mcube.route"
    _description = "MCUBE call routing decision"
    _order = "id desc"
    _rec_name = "reason"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    caller_number = fields.Char(readonly=True, index=True, help="The caller's number in E.164.")
    virtual_number = fields.Char(readonly=True, help="The MCUBE DID the caller dialled, in E.164.")
    team_id = fields.Many2one("crm.team", readonly=True, ondelete="set null")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True, ondelete="set null")
    rule = fields.Selection(RULES, required=True, readonly=True)
    reason = fields.Char(required=True, readonly=True)
    source = fields.Selection(
        [("request", "MCUBE's routing request"), ("call", "Reported call")], required=True, readonly=True
    )
    answer = fields.Char(readonly=True, help="The numbers answered to MCUBE, in the order to ring them.")
    call_id = fields.Char(string="Call ID", readonly=True, index="btree_not_null")
    call_record_id = fields.Many2one("mcube.call.record", string="Call", readonly=True, ondelete="set null")

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------

    @api.model
    def _decide(self, company, caller, did, source, call_id=False, ring=False, call_record=False, known=None):
        """Decide and record who takes a caller (E.164 ``caller`` and ``did``, either may be
        empty) of ``company``: the owner of a personal DID; else, in this order, the caller's
        salesperson when available (sticky), a member of the DID's team (the company's default
        team for a DID nobody owns) by skills then weighted round-robin among the available
        ones, the team's then the company's fallback. ``ring``: MCUBE must ring them, so only
        people with an executive number count. ``known``: ``_known`` of a batch of calls that
        includes this one, to look up once for all of them."""
        known = known or self._known(company, [caller], [did])
        now = fields.Datetime.now()
        owner, team = known["targets"][did]
        if owner and (not ring or owner.mcube_executive_number):
            decision = {"user_id": owner.id, "rule": "number", "reason": _("Owner of the number %s", did)}
        else:
            if not caller:
                _logger.info("MCUBE routing: a caller without a number on %s: no salesperson of theirs", did or "-")
            lead, partner = known["callers"].get(caller, known["nobody"])
            decision = (
                self._sticky(company, lead, partner, now, ring)
                or (team and team._mcube_round_robin(partner, now, ring))
                or self._fallback(company, team, ring)
            )
        values = {"company_id": company.id, "caller_number": caller, "virtual_number": did, "source": source}
        values.update(call_id=call_id, call_record_id=call_record and call_record.id, team_id=team.id)
        return self.sudo().create({**values, **decision})

    @api.model
    def _known(self, company, callers, dids):
        """What the rule needs to know of these callers and DIDs, looked up at once: the (user,
        team) each DID routes to (its owner, else its team; the company's default team for a
        DID of nobody, or none) and the open lead and contact of each caller in the company."""
        Users, Teams = self.env["res.users"].sudo(), self.env["crm.team"].sudo()
        Lead, Partner = self.env["crm.lead"].sudo().with_company(company), self.env["res.partner"].sudo()
        dids = {did for did in dids if did}
        owners = Users.search_fetch(
            [("mcube_virtual_number", "in", list(dids)), ("share", "=", False), ("company_ids", "in", company.id)],
            ["mcube_virtual_number", "mcube_executive_number"],
        )
        teams = Teams.search_fetch(
            [("mcube_virtual_number", "in", list(dids)), ("company_id", "in", [company.id, False])],
            ["mcube_virtual_number"],
        )
        targets = {False: (Users, company.sudo().mcube_default_team_id)}
        for did in dids:
            owner = owners.filtered(lambda user, did=did: user.mcube_virtual_number == did)[:1]
            team = teams.filtered(lambda team, did=did: team.mcube_virtual_number == did)[:1]
            if not owner and not team:
                _logger.info("MCUBE routing: DID %s is nobody's in %s: the default team takes it", did, company.name)
                owner, team = targets[False]
            targets[did] = (owner, team)
        numbers = {caller for caller in callers if caller}
        leads = Lead._mcube_find_by_phones(numbers, company) if numbers else {}
        partners = Partner._mcube_find_by_phones(numbers - set(leads), company) if numbers - set(leads) else {}
        callers = {
            number: (
                leads.get(number, Lead),
                leads[number].partner_id if number in leads else partners.get(number, Partner),
            )
            for number in numbers
        }
        return {"targets": targets, "callers": callers, "nobody": (Lead, Partner)}

    @api.model
    def _sticky(self, company, lead, partner, now, ring):
        user = lead.user_id or partner.user_id
        if not user or user.share or company not in user.company_ids:
            return None
        if ring and not user.mcube_executive_number:
            return None
        if not self._available_users(company, user, now):
            return None
        if lead.user_id:
            return {"user_id": user.id, "rule": "sticky", "reason": _("Sticky: owner of lead %s", lead.name)}
        return {"user_id": user.id, "rule": "sticky", "reason": _("Sticky: salesperson of %s", partner.display_name)}

    @api.model
    def _fallback(self, company, team, ring):
        company = company.sudo()
        for user, reason in (
            (team.mcube_fallback_user_id, _("Fallback of %s: nobody available", team.name)),
            (team.user_id, _("Fallback: leader of %s, nobody available", team.name)),
            (company.mcube_default_user_id, _("Fallback: the company's default salesperson")),
        ):
            if user and not user.share and company in user.company_ids and (not ring or user.mcube_executive_number):
                _logger.info("MCUBE routing: nobody available in %s: %s takes the call", team.name or "-", user.login)
                return {"user_id": user.id, "rule": "fallback", "reason": reason}
        _logger.warning("MCUBE routing: nobody to take a call in %s (team %s)", company.name, team.name or "-")
        return {"user_id": False, "rule": "fallback", "reason": _("Nobody available and no fallback salesperson")}

    @api.model
    def _available_users(self, company, users, now):
        """The ``users`` who may take a call now: not away, and, when they are in teams of the
        company, within the call hours and daily limit of one of those memberships."""
        users = users.filtered(lambda user: not user.mcube_away)
        members = (
            self.env["crm.team.member"]
            .sudo()
            .search([("user_id", "in", users.ids), ("crm_team_id.company_id", "in", [company.id, False])])
        )
        free = members._mcube_available(company, now).user_id
        return users.filtered(lambda user: user in free or user not in members.user_id)

    @api.model
    def _routed_today(self, company, users, now):
        """{user: decisions routed to them today (in the company's MCUBE time zone)}."""
        tz = pytz.timezone(company.sudo().mcube_timezone or DEFAULT_TIMEZONE)
        today = pytz.utc.localize(now).astimezone(tz).date()
        start = tz.localize(datetime.combine(today, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        self.env.cr.execute(
            SQL(
                """SELECT user_id, count(*) FROM mcube_route
                    WHERE company_id = %s AND user_id IN %s AND create_date >= %s GROUP BY user_id""",
                company.id,
                tuple(users.ids) or (None,),
                start,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # The answer to MCUBE, and the call it becomes
    # ------------------------------------------------------------------

    def _ring_numbers(self, hunt=False):
        """The numbers MCUBE rings for this decision, in MCUBE's form: the chosen person's, then
        (``hunt``) the other available members of the team in round-robin order, then the
        company's fallback number."""
        self.ensure_one()
        numbers = [self.user_id.sudo().mcube_executive_number]
        if hunt and self.team_id:
            others = self.team_id._mcube_available_members(self.company_id, fields.Datetime.now(), ring=True)
            numbers += others.user_id.mapped("mcube_executive_number")
        numbers.append(self.company_id.sudo().mcube_route_fallback_number)
        ring = []
        for number in numbers:
            national = phone.mcube_number(number)
            if national and national not in ring:
                ring.append(national)
        return ring if hunt else ring[:1]

    @api.model
    def _requested(self, company, call_id, caller, did):
        """The answer MCUBE asked for a call that has only started: by its call id, else the
        latest for its caller and DID of the last minutes."""
        recent = [
            ("source", "=", "request"),
            ("company_id", "=", company.id),
            ("call_record_id", "=", False),
            ("create_date", ">=", fields.Datetime.now() - ROUTE_JOIN_WINDOW),
        ]
        Route = self.sudo()
        return (
            Route.search(recent + [("call_id", "=", call_id)], limit=1)
            or (
                caller
                and Route.search(
                    recent + [("call_id", "=", False), ("caller_number", "=", caller), ("virtual_number", "=", did)],
                    limit=1,
                )
            )
            or Route
        )

    @api.model
    def _joinable(self, records):
        """{call record: the routing answer MCUBE asked for before its call}: the answer of the same
        call id, else the latest unjoined one for the same caller and DID of the last minutes."""
        found = {}
        if not records:
            return found
        candidates = self.sudo().search(
            [
                ("source", "=", "request"),
                ("call_record_id", "=", False),
                ("company_id", "in", records.company_id.ids),
                ("create_date", ">=", min(records.mapped("call_date")) - ROUTE_JOIN_WINDOW),
                "|",
                ("call_id", "in", records.mapped("call_id")),
                ("caller_number", "in", [number for number in records.mapped("phone_number") if number]),
            ]
        )
        taken = set()
        for record in records:
            route = next(
                (
                    route
                    for route in candidates
                    if route not in taken and route.company_id == record.company_id and route.call_id == record.call_id
                ),
                None,
            ) or next(
                (
                    route
                    for route in candidates
                    if route not in taken
                    and route.company_id == record.company_id
                    and not route.call_id
                    and route.caller_number == record.phone_number
                    and route.virtual_number == record.virtual_number
                    and route.create_date >= record.call_date - ROUTE_JOIN_WINDOW
                ),
                None,
            )
            if route:
                taken.add(route)
                found[record] = route
        return found
