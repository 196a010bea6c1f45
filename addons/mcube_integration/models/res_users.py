from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.cold_call_phone.tools import phone

MCUBE_NUMBER_FIELDS = {"mcube_virtual_number", "mcube_executive_number"}
# What sales managers may set on the users of their companies (MCUBE Numbers list).
MCUBE_MANAGED_FIELDS = MCUBE_NUMBER_FIELDS | {"mcube_away"}


class ResUsers(models.Model):
    """The MCUBE numbers of a salesperson: the virtual number (DID) whose calls are theirs, and
    the executive number, the phone MCUBE rings for them (click-to-call, agent of a call). Both
    are readable by their user but set by administrators and sales managers only: whoever owns
    a number receives its calls (and its company takes them)."""

    _inherit = "res.users"

    mcube_virtual_number = fields.Char(
        string="MCUBE Virtual Number",
        copy=False,
        help="The MCUBE DID (virtual number) that rings this salesperson; calls through it are assigned to them. "
        "Stored in E.164.",
        groups="base.group_user",
    )

    mcube_executive_number = fields.Char(
        string="MCUBE Executive Number",
        copy=False,
        help="The phone MCUBE rings for this salesperson: first leg of a click-to-call, and the agent phone "
        "(emp_phone) that assigns a call to them. Stored in E.164.",
        groups="base.group_user",
    )

    mcube_away = fields.Boolean(
        string="Away from Calls",
        copy=False,
        help="No routed calls while set: callers go to the next available member, or the fallback. "
        "Set by the salesperson (preferences) or paused by a sales manager.",
        groups="base.group_user",
    )

    _sql_constraints = [
        (
            "mcube_virtual_number_unique",
            "UNIQUE(mcube_virtual_number)",
            "This MCUBE virtual number is already assigned to another user.",
        ),
    ]

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + sorted(MCUBE_MANAGED_FIELDS)

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["mcube_away"]

    @api.constrains("mcube_virtual_number")
    def _check_mcube_virtual_number(self):
        """A DID rings one user or one team: never both."""
        numbers = [user.mcube_virtual_number for user in self if user.mcube_virtual_number]
        if numbers and self.env["crm.team"].sudo().with_context(active_test=False).search_count(
            [("mcube_virtual_number", "in", numbers)], limit=1
        ):
            raise ValidationError(_("This MCUBE virtual number is already a team's."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._mcube_normalize_numbers(vals)
        return super().create(vals_list)

    def write(self, vals):
        """Sales managers cannot write users: they may still set the MCUBE numbers of internal
        users of their own companies, and pause them, and nothing else (MCUBE Numbers list).
        Whoever owns a number takes its calls: a manager of another company may not give them
        away."""
        self._mcube_normalize_numbers(vals)
        if vals and set(vals) <= MCUBE_MANAGED_FIELDS and self._mcube_sales_manager_sets_numbers():
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)

    def _mcube_sales_manager_sets_numbers(self):
        if self.env.su or not self.env.user.has_group("sales_team.group_sale_manager"):
            return False
        self.check_access_rule("read")
        targets = self.sudo()
        if any(targets.mapped("share")) or not targets.company_ids <= self.env.user.company_ids:
            raise AccessError(_("You may set the MCUBE numbers of internal users of your companies only."))
        return True

    @api.model
    def _mcube_normalize_numbers(self, vals, fnames=MCUBE_NUMBER_FIELDS):
        """Store the MCUBE numbers (of users, or ``fnames`` of another model) in the form the
        webhook compares with (E.164), read in the MCUBE country of the current company."""
        code = self.env.company._mcube_country().code
        for fname in fnames:
            number = vals.get(fname)
            if number:
                normalized = phone.e164(number, code)
                if not normalized:
                    raise ValidationError(_("%s is not a phone number.", number))
                vals[fname] = normalized
