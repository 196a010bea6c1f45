from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Each company's telemarketing rules: the calling window, how long a register check holds,
    what a number the register was not checked for gets, the category its promotional calls are
    for, and whether a financial regulator oversees it (service calls then need a 1600 number)."""

    _inherit = "res.company"

    cold_call_window_start = fields.Float(
        "Calls Allowed From",
        default=9.0,
        help="In the contact's local time. India's rules expect commercial calls between 09:00 and 21:00.",
    )
    cold_call_window_end = fields.Float("Calls Allowed Until", default=21.0)
    cold_call_register_max_age = fields.Integer(
        "Register Check Valid For (Days)",
        default=15,
        help="A number whose register preference was checked longer ago counts as not checked.",
    )
    cold_call_register_unknown = fields.Selection(
        [("auto", "Automatic"), ("strict", "Refuse"), ("warn", "Warn")],
        "Register Not Checked",
        default="auto",
        required=True,
        help="What a promotional call gets when the register was not checked for its number, or too long ago: "
        "refused, or called with a warning. Automatic warns until the company's first register file is imported, "
        "then refuses.",
    )
    cold_call_register_imported_on = fields.Datetime(
        "First Register File Imported On", readonly=True, help="Set by the first import of a register (scrub) file."
    )
    cold_call_register_category_id = fields.Many2one(
        "cold.call.register.category",
        "Default Register Category",
        help="The category of promotional calls of lists that name none. Empty: such calls are blocked by any "
        "category a number blocks.",
    )
    cold_call_regulated = fields.Boolean(
        "Regulated by RBI, SEBI, PFRDA or IRDAI",
        help="Service and transactional calls of such companies must come from a 1600-series number.",
    )

    @api.constrains("cold_call_window_start", "cold_call_window_end", "cold_call_register_max_age")
    def _check_cold_call_window(self):
        for company in self:
            if not 0 <= company.cold_call_window_start < company.cold_call_window_end <= 24:
                raise ValidationError(_("The calling window must start before it ends, within the day."))
            if company.cold_call_register_max_age < 1:
                raise ValidationError(_("A register check holds for one day at least."))

    def _cold_call_unknown_refused(self):
        """Whether a promotional call to a number the register was not checked for is refused."""
        self.ensure_one()
        if self.cold_call_register_unknown == "auto":
            return bool(self.cold_call_register_imported_on)
        return self.cold_call_register_unknown == "strict"
