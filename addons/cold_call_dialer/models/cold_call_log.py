from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import format_datetime


class ColdCallLog(models.Model):
    """One call made from the Dialer: the numbers behind the reports.

    The chatter note on the contact stays the human-readable history; this row
    keeps who called whom, when, for how long and with which outcome.
    """

    _name = "cold.call.log"
    _description = "Cold Call"
    _order = "call_date desc, id desc"
    _rec_name = "partner_id"

    call_date = fields.Datetime("Call Time", required=True, default=fields.Datetime.now, index=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        "Sales Rep",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self.env.user,
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", "Contact", required=True, index=True, ondelete="cascade", readonly=True)
    filter_id = fields.Many2one(
        "ir.filters", "Saved Search", ondelete="set null", index="btree_not_null", readonly=True
    )
    list_name = fields.Char(
        "Call List", required=True, readonly=True, help="The saved search or quick list the call was made from."
    )
    status_value = fields.Char("Outcome Code", readonly=True)
    status_label = fields.Char("Outcome", readonly=True, help="Empty for calls logged in notes-only mode.")
    duration = fields.Integer(
        "Duration (s)", group_operator="avg", readonly=True, help="Talk time in seconds, averaged in the reports."
    )
    connected = fields.Boolean(
        readonly=True, help="The outcome counts as having reached someone; drives the connect rate."
    )
    connect_rate = fields.Float(
        "Connect Rate (%)",
        compute="_compute_connect_rate",
        store=True,
        group_operator="avg",
        help="100 for a connected call, 0 otherwise: averaged, it gives the connect rate.",
    )
    follow_up_scheduled = fields.Boolean("Follow-up Scheduled", readonly=True)
    opportunity_id = fields.Many2one(
        "crm.lead",
        "Opportunity",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The opportunity the call created or added to.",
    )
    calendar_event_id = fields.Many2one(
        "calendar.event", "Meeting", readonly=True, ondelete="set null", index="btree_not_null"
    )
    mail_template_id = fields.Many2one("mail.template", "E-mail Sent", readonly=True, ondelete="set null")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("connected")
    def _compute_connect_rate(self):
        for log in self:
            log.connect_rate = 100.0 if log.connected else 0.0

    @api.model
    def _text_to_html(self, text):
        """Plain text as escaped HTML, line breaks kept."""
        return Markup("<br/>").join(escape(line) for line in text.splitlines())

    @api.model
    def _format_duration(self, seconds):
        minutes, seconds = divmod(seconds, 60)
        return _("%(minutes)sm %(seconds)ss", minutes=minutes, seconds=seconds)

    @api.model
    def _note_body(self, option, duration, call_date, note):
        """The chatter note of a call: outcome, duration, time, then the rep's note, all escaped."""
        when = format_datetime(self.env, call_date, tz=self.env.user.tz, dt_format="short")
        if option:
            headline = Markup("<b>%s</b> %s") % (_("Call outcome:"), option["label"])
        else:
            headline = Markup("<b>%s</b>") % _("Call")
        body = Markup("<p>%s<br/>%s %s · %s %s</p>") % (
            headline,
            _("Duration:"),
            self._format_duration(duration),
            _("Time:"),
            when,
        )
        if note:
            body += Markup("<p>%s</p>") % self._text_to_html(note)
        return body
