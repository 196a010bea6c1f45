from odoo import fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    cold_call_dialer = fields.Boolean(
        "Offered in the Dialer", help="Reps can send this e-mail to the contact from the call screen."
    )
