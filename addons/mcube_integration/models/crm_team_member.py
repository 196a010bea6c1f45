from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmTeamMember(models.Model):
    """A salesperson's place in a team's call routing: their share of the round-robin, their daily
    limit, their working hours and their skills. Set by sales managers (who may write members)."""

    _inherit = "crm.team.member"

    mcube_weight = fields.Integer(
        "Call Share",
        default=1,
        help="Round-robin weight: a member with 2 takes twice as many new callers as one with 1.",
    )
    mcube_daily_limit = fields.Integer(
        "Calls per Day",
        help="Skipped by the round-robin once this many calls and leads were routed to them today. 0: no limit.",
    )
    mcube_calendar_id = fields.Many2one(
        "resource.calendar",
        "Call Hours",
        help="Routed calls only within these working hours and outside their leaves. Empty: any time.",
    )
    mcube_lang_ids = fields.Many2many("res.lang", string="Languages", help="Callers speaking these go to them first.")
    mcube_tag_ids = fields.Many2many(
        "res.partner.category", string="Customer Tags", help="Callers with these tags go to them first."
    )
    mcube_rr_weight = fields.Integer(
        "Round-robin Position", readonly=True, copy=False, help="Technical: the member's smooth round-robin credit."
    )

    @api.constrains("mcube_weight", "mcube_daily_limit")
    def _check_mcube_routing(self):
        for member in self:
            if member.mcube_weight < 1 or member.mcube_daily_limit < 0:
                raise ValidationError(_("A call share is 1 or more, and calls per day 0 (no limit) or more."))

    def _mcube_working(self, now):
        """The members of ``self`` within their call hours at ``now`` (naive UTC): the calendar's
        attendances minus its leaves and the member's own (leaves of their user's resource)."""
        working = self.browse()
        start = pytz.utc.localize(now)
        for calendar, members in self.grouped("mcube_calendar_id").items():
            if not calendar:
                working |= members
                continue
            resources = self.env["resource.resource"].sudo().search([("user_id", "in", members.user_id.ids)])
            intervals = calendar.sudo()._work_intervals_batch(start, start + timedelta(minutes=1), resources=resources)
            for member in members:
                resource = resources.filtered(lambda r, user=member.user_id: r.user_id == user)[:1]
                if intervals[resource.id]:
                    working |= member
        return working

    def _mcube_available(self, company, now):
        """The members of ``self`` who may take a call of ``company`` now: their user works for
        it and is not away, they are within their call hours, and under their daily limit."""
        members = self.filtered(
            lambda member: (
                member.active
                and not member.user_id.mcube_away
                and not member.user_id.share
                and company in member.user_id.company_ids
            )
        )
        members = members._mcube_working(now)
        limited = members.filtered("mcube_daily_limit")
        if limited:
            routed = self.env["mcube.route"]._routed_today(company, limited.user_id, now)
            members -= limited.filtered(lambda member: routed.get(member.user_id.id, 0) >= member.mcube_daily_limit)
        return members

    def _mcube_skilled(self, partner):
        """The members of ``self`` whose languages or customer tags match the caller's contact."""
        if not partner:
            return self.browse()
        return self.filtered(
            lambda member: (
                partner.lang in member.mcube_lang_ids.mapped("code") or member.mcube_tag_ids & partner.category_id
            )
        )
