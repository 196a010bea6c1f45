import datetime

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import format_datetime

FIGURES = ("calls", "connected", "talk_time", "meetings", "opportunities", "interested")


def connect_rate(figures):
    """The connected calls among ``figures``' calls, in percent."""
    return round(100.0 * figures["connected"] / figures["calls"], 1) if figures["calls"] else 0.0


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
    opportunity_created = fields.Boolean(readonly=True, help="The call created its opportunity.")
    calendar_event_id = fields.Many2one(
        "calendar.event", "Meeting", readonly=True, ondelete="set null", index="btree_not_null"
    )
    mail_template_id = fields.Many2one("mail.template", "E-mail Sent", readonly=True, ondelete="set null")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        self.env["cold.call.dashboard"]._notify_figures_changed(logs.company_id)
        return logs

    @api.model
    def _cold_call_figures(self, domain, groupby=()):
        """The figures of the calls in ``domain``, per ``groupby`` key (a tuple of group values,
        ``()`` without groupby): calls, connected calls, connect rate (%), talk time (s), meetings
        booked, opportunities created, and calls that created or added to an opportunity
        (``interested``, the funnel's step after connected). The dashboard and the Dialer's tally
        both read them here, so that they agree; one query, whatever the number of groups."""
        groups = self._read_group(
            domain,
            [*groupby, "connected", "opportunity_created"],
            ["__count", "duration:sum", "calendar_event_id:count", "opportunity_id:count"],
        )
        figures = {}
        for *key, connected, created, count, talk_time, meetings, interested in groups:
            entry = figures.setdefault(tuple(key), dict.fromkeys(FIGURES, 0))
            entry["calls"] += count
            entry["connected"] += count if connected else 0
            entry["talk_time"] += talk_time
            entry["meetings"] += meetings
            entry["interested"] += interested
            entry["opportunities"] += count if created else 0
        for entry in figures.values():
            entry["connect_rate"] = connect_rate(entry)
        return figures

    @api.model
    def _cold_call_tally(self):
        """The current user's figures of today (in their time zone) for the Dialer's tally, with
        the mix of outcomes."""
        start = self.env["cold.call.dashboard"]._period_bounds("today")[0]
        domain = [("user_id", "=", self.env.uid), ("call_date", ">=", start)]
        by_outcome = self._cold_call_figures(domain, groupby=["status_label"])
        tally = {figure: sum(figures[figure] for figures in by_outcome.values()) for figure in FIGURES}
        tally["connect_rate"] = connect_rate(tally)
        outcomes = [[label, figures["calls"]] for (label,), figures in by_outcome.items() if label]
        tally["outcomes"] = sorted(outcomes, key=lambda o: (-o[1], o[0]))
        return tally

    @api.model
    def _next_call_at(self, partner, option, call_date):
        """When ``partner`` may be offered again after a call with ``option``: after its retry
        wait, and once an attempts cap is reached, when the oldest counted attempt leaves the
        window. False: at once."""
        if not option:
            return False
        waits = []
        if option["retry_hours"] > 0:
            waits.append(call_date + datetime.timedelta(hours=option["retry_hours"]))
        if option["max_attempts"] > 0:
            window = datetime.timedelta(days=max(option["attempt_window_days"], 1))
            earlier = self.sudo().search_fetch(
                [("partner_id", "=", partner.id), ("call_date", ">", call_date - window)],
                ["call_date"],
                order="call_date desc, id desc",
                limit=option["max_attempts"] - 1,
            )
            if len(earlier) + 1 >= option["max_attempts"]:
                oldest = earlier[-1].call_date if earlier else call_date
                waits.append(oldest + window)
        return max(waits, default=False)

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
