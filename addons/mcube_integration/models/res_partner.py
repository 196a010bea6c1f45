from odoo import models


class ResPartner(models.Model):
    """Contacts get the indexed E.164 numbers so an unknown caller's lead is created for
    the right contact (res.partner has no phone_sanitized unless sms is installed)."""

    _name = "res.partner"
    _inherit = ["res.partner", "mcube.phone.mixin"]
