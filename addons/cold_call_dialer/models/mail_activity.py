from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _cold_call_follow_up_values(self, follow_up):
        """Activity values of the follow-up a rep asks for in the Dialer (``{"date", "user_id",
        "summary"}``), checked before anything of the call is written."""
        if not isinstance(follow_up, dict):
            raise ValidationError(_("The follow-up is not valid."))
        try:
            deadline = fields.Date.to_date(follow_up.get("date"))
        except (TypeError, ValueError):
            deadline = None
        if not deadline:
            raise ValidationError(_("Pick a valid date for the follow-up."))
        if deadline < fields.Date.context_today(self):
            raise ValidationError(_("The follow-up date cannot be in the past."))
        user_id = follow_up.get("user_id") or self.env.uid
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            raise ValidationError(_("The follow-up must be assigned to a user."))
        user = self.env["res.users"].browse(user_id).exists()
        if not user or not user.active or user.share:
            raise ValidationError(_("The follow-up must be assigned to an active internal user."))
        summary = follow_up.get("summary") or ""
        if not isinstance(summary, str):
            raise ValidationError(_("The follow-up summary must be text."))
        return {"date_deadline": deadline, "user_id": user.id, "summary": summary.strip()}
