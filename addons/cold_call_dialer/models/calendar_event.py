from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError

MEETING_MINUTES = (15, 30, 45, 60, 90, 120)


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    cold_call_log_ids = fields.One2many("cold.call.log", "calendar_event_id", "Cold Calls", readonly=True)

    @api.model
    def _cold_call_check_meeting(self, meeting):
        """(start, minutes) of the meeting a rep books in the Dialer: ``{"start": "YYYY-MM-DD
        HH:MM:SS" in UTC, "minutes": int}``, in the future, checked before anything is written."""
        if not isinstance(meeting, dict):
            raise ValidationError(_("The meeting is not valid."))
        try:
            start = fields.Datetime.to_datetime(meeting.get("start"))
        except (TypeError, ValueError):
            start = None
        if not start:
            raise ValidationError(_("Pick the date and time of the meeting."))
        if start < fields.Datetime.now() - timedelta(minutes=5):
            raise ValidationError(_("The meeting cannot start in the past."))
        minutes = meeting.get("minutes", 30)
        if minutes not in MEETING_MINUTES or isinstance(minutes, bool):
            raise ValidationError(_("The meeting lasts one of %s minutes.", ", ".join(map(str, MEETING_MINUTES))))
        return start, minutes

    @api.model
    def _cold_call_book(self, partner, start, minutes, opportunity):
        """The meeting booked on a call: the rep and the contact attend, linked to the opportunity.
        Created as superuser like the opportunity (see ``crm.lead._cold_call_opportunity``): CRM
        logs the meeting on the opportunity, which a rep without CRM rights may not write."""
        return (
            self.sudo()
            .create(
                {
                    "name": _("Meeting with %s", partner.display_name),
                    "start": start,
                    "stop": start + timedelta(minutes=minutes),
                    "user_id": self.env.uid,
                    "partner_ids": [Command.set((self.env.user.partner_id | partner).ids)],
                    "opportunity_id": opportunity.id,
                }
            )
            .sudo(False)
        )
