from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class MailTemplate(models.Model):
    _inherit = "mail.template"

    cold_call_dialer = fields.Boolean(
        "Offered in the Dialer", help="Reps can send this e-mail to the contact from the call screen."
    )

    @api.model
    def _cold_call_templates(self):
        """The contact e-mails a rep can send from the call screen."""
        return self.search([("cold_call_dialer", "=", True), ("model", "=", "res.partner")], order="name, id")

    @api.model
    def _cold_call_template(self, template_id):
        """A template offered in the Dialer, or a clear error."""
        template = self._cold_call_templates().filtered(lambda t: t.id == template_id)
        if not template:
            raise ValidationError(_("This e-mail is not offered in the Dialer any more: pick another one."))
        return template

    def _cold_call_preview(self, partner):
        """Subject and body of the e-mail as the contact would get it."""
        self.ensure_one()
        return {
            "subject": self._render_field("subject", partner.ids)[partner.id] or "",
            "body": self._render_field("body_html", partner.ids, compute_lang=True)[partner.id] or "",
            "email_to": partner.email or "",
        }
