from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    """The MCUBE virtual number (DID) of a salesperson: calls through it are theirs. It is
    readable by its user but set by administrators and sales managers only: whoever owns
    a DID receives all its calls (and its company takes them)."""

    _inherit = "res.users"

    mcube_virtual_number = fields.Char(
        string="MCUBE Virtual Number",
        copy=False,
        help="The MCUBE DID (virtual number) that rings this salesperson; calls through it are assigned to them. "
        "Stored in E.164.",
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
        return super().SELF_READABLE_FIELDS + ["mcube_virtual_number"]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._mcube_normalize_virtual_number(vals)
        return super().create(vals_list)

    def write(self, vals):
        """Sales managers cannot write users: they may still set the virtual numbers of
        internal users they can see, and nothing else (MCUBE Numbers list)."""
        self._mcube_normalize_virtual_number(vals)
        if set(vals) == {"mcube_virtual_number"} and self._mcube_sales_manager_sets_numbers():
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)

    def _mcube_sales_manager_sets_numbers(self):
        if self.env.su or not self.env.user.has_group("sales_team.group_sale_manager"):
            return False
        self.check_access_rule("read")
        return not any(self.sudo().mapped("share"))

    @api.model
    def _mcube_normalize_virtual_number(self, vals):
        """Store the DID in the form the webhook compares with (E.164)."""
        number = vals.get("mcube_virtual_number")
        if number:
            normalized = self.env["mcube.phone.mixin"]._mcube_normalize_phone(number)
            if not normalized:
                raise ValidationError(_("%s is not a phone number.", number))
            vals["mcube_virtual_number"] = normalized
