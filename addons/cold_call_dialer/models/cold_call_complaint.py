from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models

# India's regulator acts on a sender from this many complaints within this many days; the
# dashboard warns a few complaints before.
COMPLAINT_THRESHOLD = 5
COMPLAINT_DAYS = 10
COMPLAINT_WARN_FROM = 3


class ColdCallComplaint(models.Model):
    """A subscriber's complaint about a call. Recording it opts the number out at once (core
    ``phone.blacklist``, so every contact and lead with that number is spared), and the dashboard
    counts the company's complaints of the regulator's window against its threshold."""

    _name = "cold.call.complaint"
    _inherit = ["cold.call.number.mixin", "mail.thread"]
    _description = "Call Complaint"
    _order = "received_on desc, id desc"
    _rec_name = "number"

    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null", ondelete="set null")
    call_log_id = fields.Many2one(
        "cold.call.log", "Call", index="btree_not_null", ondelete="set null", help="The call complained about."
    )
    received_on = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    description = fields.Text()
    user_id = fields.Many2one("res.users", "Recorded By", default=lambda self: self.env.user, readonly=True)

    @api.onchange("call_log_id")
    def _onchange_call_log_id(self):
        if self.call_log_id:
            self.partner_id = self.call_log_id.partner_id
            self.number = self.call_log_id.phone_number or self.number

    @api.model
    def _recent(self):
        """The current company's complaints received in the regulator's window, against its threshold."""
        since = fields.Date.context_today(self) - timedelta(days=COMPLAINT_DAYS - 1)
        count = self.search_count([("company_id", "=", self.env.company.id), ("received_on", ">=", since)])
        return {
            "count": count,
            "days": COMPLAINT_DAYS,
            "threshold": COMPLAINT_THRESHOLD,
            "level": "danger" if count >= COMPLAINT_THRESHOLD else "warning" if count >= COMPLAINT_WARN_FROM else "ok",
            "since": fields.Date.to_string(since),
        }

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        for complaint in complaints:
            self.env["phone.blacklist"].sudo()._add(
                [complaint.number],
                message=Markup("<p>%s</p>") % _("Opted out: a complaint was recorded on %s.", complaint.received_on),
            )
        return complaints
