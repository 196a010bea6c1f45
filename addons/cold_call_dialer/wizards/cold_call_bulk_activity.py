from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ColdCallBulkActivity(models.TransientModel):
    """ "Schedule activity" on the contacts picked in the Contacts list: one activity each, as a
    follow-up saved with a call is (the same checks of the date and the assignee)."""

    _name = "cold.call.bulk.activity"
    _inherit = "cold.call.bulk.action"
    _description = "Schedule an Activity on Contacts"

    activity_type_id = fields.Many2one(
        "mail.activity.type",
        "Activity Type",
        required=True,
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    date_deadline = fields.Date("Due Date", required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        "Assigned to",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    summary = fields.Char()
    note = fields.Text()

    def action_confirm(self):
        """Schedule the activity on the picked contacts: at once for a few, through queue jobs for more."""
        self.ensure_one()
        values = self._activity_values(
            {
                "activity_type_id": self.activity_type_id.id,
                "date": fields.Date.to_string(self.date_deadline),
                "user_id": self.user_id.id,
                "summary": self.summary or "",
                "note": self.note or "",
            }
        )
        name = self.activity_type_id.name
        return self._run_on_selection(
            "_cold_call_schedule_activity",
            (values,),
            _("Schedule “%(activity)s” on contacts", activity=name),
            lambda count: _("“%(activity)s” scheduled on %(count)s contacts.", activity=name, count=count),
            lambda count: _(
                "“%(activity)s” is being scheduled on %(count)s contacts in the background.", activity=name, count=count
            ),
        )

    @api.model
    def _cold_call_schedule_activity(self, partner_ids, values):
        """One activity on each of ``partner_ids``, as the current user (request or queue job):
        the values and rights are checked again, since they may have changed while the job waited."""
        values = self._activity_values(values)
        partners = self._writable_partners(partner_ids)
        activity = self.env["mail.activity.type"].browse(values["activity_type_id"])
        note = self.env["cold.call.log"]._text_to_html(values["note"]) if values["note"].strip() else ""
        partners.activity_schedule(
            activity_type_id=activity.id,
            date_deadline=values["date"],
            summary=values["summary"],
            note=note,
            user_id=values["user_id"],
            automated=False,
        )
        return _("“%(activity)s” scheduled on %(count)s contacts.", activity=activity.name, count=len(partners))

    @api.model
    def _activity_values(self, values):
        """The activity as a job takes it (plain values), checked like a call's follow-up."""
        checked = self.env["cold.call.log"]._check_follow_up(values)
        activity = self.env["mail.activity.type"].browse(values.get("activity_type_id")).exists()
        if not activity or activity.res_model not in (False, "res.partner"):
            raise UserError(_("Pick a type of activity for contacts."))
        return {
            "activity_type_id": activity.id,
            "date": fields.Date.to_string(checked["date_deadline"]),
            "user_id": checked["user_id"],
            "summary": checked["summary"],
            "note": values.get("note") if isinstance(values.get("note"), str) else "",
        }
