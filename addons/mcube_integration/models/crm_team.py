import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmTeam(models.Model):
    """A team's MCUBE number: its callers are shared among its members (mcube.route._decide),
    fairly by a weighted round-robin that concurrent calls take turns in, one at a time."""

    _inherit = "crm.team"

    mcube_virtual_number = fields.Char(
        string="MCUBE Virtual Number",
        copy=False,
        help="The MCUBE DID (virtual number) whose callers this team's members take in turn. Stored in E.164.",
    )
    mcube_fallback_user_id = fields.Many2one(
        "res.users",
        "Fallback Salesperson",
        domain="[('share', '=', False)]",
        help="Takes the team's calls when no member is available. Empty: the team leader, "
        "else the company's default salesperson.",
    )

    _sql_constraints = [
        (
            "mcube_virtual_number_unique",
            "UNIQUE(mcube_virtual_number)",
            "This MCUBE virtual number is already another team's.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["res.users"]._mcube_normalize_numbers(vals, ("mcube_virtual_number",))
        return super().create(vals_list)

    def write(self, vals):
        self.env["res.users"]._mcube_normalize_numbers(vals, ("mcube_virtual_number",))
        return super().write(vals)

    @api.constrains("mcube_virtual_number")
    def _check_mcube_virtual_number(self):
        """A DID rings one user or one team: never both."""
        numbers = [team.mcube_virtual_number for team in self if team.mcube_virtual_number]
        if numbers and self.env["res.users"].sudo().with_context(active_test=False).search_count(
            [("mcube_virtual_number", "in", numbers)], limit=1
        ):
            raise ValidationError(_("This MCUBE virtual number is already a user's."))

    @api.constrains("mcube_fallback_user_id", "company_id")
    def _check_mcube_fallback_user(self):
        """A fallback of another company would take calls it may not read: refuse it."""
        for team in self:
            user = team.mcube_fallback_user_id
            if user and (user.share or (team.company_id and team.company_id not in user.company_ids)):
                raise ValidationError(_("%(user)s cannot take %(team)s's calls.", user=user.name, team=team.name))

    def _mcube_available_members(self, company, now, ring=False):
        """The team's members who may take a call now, in the team's order; with ``ring``, only
        those MCUBE can ring (with an executive number)."""
        self.ensure_one()
        members = self.sudo().crm_team_member_ids._mcube_available(company, now)
        if ring:
            unreachable = members.filtered(lambda member: not member.user_id.mcube_executive_number)
            if unreachable:
                _logger.info(
                    "MCUBE routing: %s of %s skipped, without an executive number",
                    ", ".join(unreachable.user_id.mapped("login")),
                    self.name,
                )
            members -= unreachable
        return members.sorted("id")

    def _mcube_round_robin(self, partner, now, ring=False):
        """The next of the team's available members (those matching the caller's skills first),
        by smooth weighted round-robin: each turn, every candidate gains its weight and the
        richest, who takes the call, pays back the candidates' total. The members are locked
        first, so concurrent calls take turns one after the other and never the same one twice.
        None when nobody is available."""
        self.ensure_one()
        company = self.company_id or self.env.company
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_team_member WHERE crm_team_id = %s AND active ORDER BY id FOR UPDATE",
                self.id,
            )
        )
        self.env["crm.team.member"].invalidate_model(["mcube_rr_weight"])
        available = self._mcube_available_members(company, now, ring)
        skilled = available._mcube_skilled(partner)
        candidates = skilled or available
        if not candidates:
            return None
        credits = {member: member.mcube_rr_weight + member.mcube_weight for member in candidates}
        chosen = max(candidates, key=lambda member: credits[member])
        credits[chosen] -= sum(candidates.mapped("mcube_weight"))
        self.env.cr.execute(
            SQL(
                "UPDATE crm_team_member SET mcube_rr_weight = data.credit FROM (VALUES %s) AS data(id, credit)"
                " WHERE crm_team_member.id = data.id",
                SQL(", ").join(SQL("(%s, %s)", member.id, credit) for member, credit in credits.items()),
            )
        )
        self.env["crm.team.member"].invalidate_model(["mcube_rr_weight"])
        position = list(candidates).index(chosen) + 1
        if skilled:
            reason = _(
                "Skills in %(team)s: round-robin, %(position)s of %(count)s matching members",
                team=self.name,
                position=position,
                count=len(candidates),
            )
        else:
            reason = _(
                "Round-robin in %(team)s: %(position)s of %(count)s available",
                team=self.name,
                position=position,
                count=len(candidates),
            )
        return {
            "user_id": chosen.user_id.id,
            "team_id": self.id,
            "rule": "skills" if skilled else "round_robin",
            "reason": reason,
        }
