from datetime import datetime, time, timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_datetime

from ..const import MEETING_MINUTES, STATUS_FIELD

FIGURES = ("calls", "connected", "talk_time", "meetings", "opportunities", "interested")


def connect_rate(figures):
    """The connected calls among ``figures``' calls, in percent."""
    return round(100.0 * figures["connected"] / figures["calls"], 1) if figures["calls"] else 0.0


class ColdCallLog(models.Model):
    """One call made from the Dialer: the numbers behind the reports, and the save of a call.

    The chatter note on the contact stays the human-readable history; this row keeps who
    called whom, when, for how long and with which outcome. ``_record`` is the one way a call
    is saved, with everything that follows from it.
    """

    _name = "cold.call.log"
    _inherit = ["cold.call.audio.mixin"]
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
    phone_number = fields.Char(
        "Number Dialed", readonly=True, help="The contact's number the call was made to (E.164)."
    )
    filter_id = fields.Many2one(
        "ir.filters", "Saved Search", ondelete="set null", index="btree_not_null", readonly=True
    )
    list_name = fields.Char(
        "Call List", required=True, readonly=True, help="The saved search or quick list the call was made from."
    )
    outcome_id = fields.Many2one(
        "cold.call.outcome",
        "Outcome",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="Empty for calls logged in notes-only mode.",
    )
    duration = fields.Integer(
        "Duration (s)", group_operator="avg", readonly=True, help="Talk time in seconds, averaged in the reports."
    )
    connected = fields.Boolean(
        readonly=True, help="The outcome counted as having reached someone when the call was made: the connect rate."
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
    note_message_id = fields.Many2one(
        "mail.message", "Chatter Note", readonly=True, ondelete="set null", help="The call's note on the contact."
    )
    client_key = fields.Char(
        readonly=True,
        copy=False,
        help="The key the rep's browser gave the call: it is saved once per key, however often it is sent.",
    )
    status_kept = fields.Boolean(
        "Status Left Unchanged",
        readonly=True,
        help="The contact's status was changed by someone else while the call waited to be saved: the call's "
        "outcome was not written over it.",
    )

    _sql_constraints = [
        ("client_key_unique", "UNIQUE(user_id, client_key)", "This call was saved already."),
    ]

    @api.depends("connected")
    def _compute_connect_rate(self):
        for log in self:
            log.connect_rate = 100.0 if log.connected else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        self.env["cold.call.dashboard"]._notify_figures_changed(logs.company_id)
        return logs

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def _figures(self, domain, groupby=()):
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
    def _tally(self):
        """The current user's figures of today (in their time zone) for the Dialer's tally, with
        the mix of outcomes."""
        start = self.env["cold.call.dashboard"]._period_bounds("today")[0]
        domain = [("user_id", "=", self.env.uid), ("call_date", ">=", start)]
        by_outcome = self._figures(domain, groupby=["outcome_id"])
        tally = {figure: sum(figures[figure] for figures in by_outcome.values()) for figure in FIGURES}
        tally["connect_rate"] = connect_rate(tally)
        outcomes = [[outcome.name, figures["calls"]] for (outcome,), figures in by_outcome.items() if outcome]
        tally["outcomes"] = sorted(outcomes, key=lambda o: (-o[1], o[0]))
        return tally

    # ------------------------------------------------------------------
    # Saving a call
    # ------------------------------------------------------------------

    @api.model
    def _record(
        self,
        partner,
        outcome,
        duration,
        note,
        list_name,
        ir_filter,
        next_steps,
        voice_note=b"",
        call_date=None,
        client_key=False,
        keep_status=False,
    ):
        """Save a call on ``partner`` with everything that follows from it, in one savepoint:
        the outcome on the contact with its retry wait, the note in its chatter, the next steps
        the rep asked for, the call-log row, and a hold that keeps the other reps away.

        :param outcome: a ``cold.call.outcome``, empty in notes-only mode
        :param next_steps: checked values of ``follow_up`` (activity values), ``meeting``
            ((start, minutes)) and ``mail_template`` (a mail.template), each optional
        :param voice_note: the rep's voice note (audio bytes, checked), kept on the log and
            transcribed by a job: its text joins the chatter note when it is ready
        :param call_date: when the call was made (checked), now by default
        :param client_key: the browser's key of the call (checked): a second save with it fails
            on the key's constraint, and the savepoint leaves nothing of it
        :param keep_status: the contact's status changed while the call waited: the call is
            logged, its outcome is not written over the status
        """
        call_date = call_date or fields.Datetime.now()
        body = self._note_body(outcome, duration, call_date, note)
        if keep_status:
            body += Markup("<p><i>%s</i></p>") % _(
                "Status left as %s: it was changed while this call waited to be saved.",
                partner._fields[STATUS_FIELD].convert_to_export(partner[STATUS_FIELD], partner) or _("none"),
            )
        with self.env.cr.savepoint():
            follow_up = next_steps.get("follow_up")
            next_step_dates = [datetime.combine(follow_up["date_deadline"], time.min)] if follow_up else []
            if next_steps.get("meeting"):
                next_step_dates.append(next_steps["meeting"][0])
            next_call_at = outcome._next_call_at(partner, call_date, min(next_step_dates, default=False))
            message = self._apply_outcome(
                partner, outcome, body, next_call_at=None if keep_status else next_call_at, set_status=not keep_status
            )
            if follow_up:
                partner.activity_schedule(
                    "mail.mail_activity_data_call", note=self._text_to_html(note), automated=False, **follow_up
                )
            opportunity, opportunity_created = self.env["crm.lead"], False
            if outcome.creates_opportunity:
                opportunity, opportunity_created = self._opportunity(partner, body)
            meeting = self.env["calendar.event"]
            if next_steps.get("meeting"):
                meeting = self._book_meeting(partner, *next_steps["meeting"], opportunity)
            template = next_steps.get("mail_template") or self.env["mail.template"]
            if template:
                partner.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
            # Reps cannot create call logs themselves (reports must not lie): only this method does.
            log = self.sudo().create(
                {
                    "call_date": call_date,
                    "user_id": self.env.uid,
                    "partner_id": partner.id,
                    "phone_number": next(iter(partner._cold_call_dial_numbers()), False),
                    "filter_id": ir_filter.id,
                    "list_name": list_name,
                    "outcome_id": outcome.id,
                    "duration": duration,
                    "connected": outcome.connected,
                    "follow_up_scheduled": bool(follow_up),
                    "opportunity_id": opportunity.id,
                    "opportunity_created": opportunity_created,
                    "calendar_event_id": meeting.id,
                    "mail_template_id": template.id,
                    "note_message_id": message.id,
                    "client_key": client_key,
                    "status_kept": keep_status,
                }
            )
            if voice_note:
                log._store_audio(voice_note)
            self.env["cold.call.hold"]._acquire(partner.id, logged=True)
        return log.sudo(False)

    @api.model
    def _apply_outcome(self, partners, outcome, body, next_call_at=None, set_status=True):
        """Give ``partners`` the ``outcome`` (the status reps see on them; none in notes-only mode),
        ``next_call_at`` unless None, and ``body`` as a note in their chatter: the save of a call,
        (``set_status`` False: the outcome's other effects without the status),
        and the outcome set in bulk without a call. The user must be allowed to change the
        contacts; the call history is then written by the server (see ``res.partner.write``).

        The note is logged, like the chatter's "Log note", without making the user a follower of
        every contact (a note notifies nobody anyway). Returns the notes."""
        partners.check_access_rights("write")
        partners.check_access_rule("write")
        values = {}
        if outcome and set_status:
            values[STATUS_FIELD] = outcome.value
        if next_call_at is not None:
            values["cold_call_next_at"] = next_call_at
        if values:
            partners.sudo().write(values)
        messages = partners._message_log_batch(dict.fromkeys(partners.ids, body), message_type="comment")
        if outcome.do_not_call:
            self._opt_out(partners, outcome)
        return messages

    @api.model
    def _opt_out(self, partners, outcome):
        """A do-not-call outcome opts the contacts' numbers out of every call (core
        ``phone.blacklist``), whichever contact or lead carries them."""
        numbers = sorted({number for partner in partners for number in partner._cold_call_dial_numbers()})
        if numbers:
            message = Markup("<p>%s</p>") % _(
                "Opted out by %(user)s in the Dialer (outcome %(outcome)s).",
                user=self.env.user.name,
                outcome=outcome.name,
            )
            self.env["phone.blacklist"].sudo()._add(numbers, message=message)

    @api.model
    def _opportunity(self, partner, note_body):
        """The opportunity an interested contact leads to: the open one of the contact or its
        company, whoever owns it (one deal per company), else a new one for the rep and the
        rep's sales team. The call note goes to its chatter. Returns (opportunity, created).

        Done as superuser on purpose: a rep without CRM rights still turns an interested contact
        into an opportunity (assigned to them, for their manager to see), and an open deal owned
        by a colleague still gets the call instead of a duplicate."""
        Lead = self.env["crm.lead"].sudo()
        opportunity = Lead.search(
            [
                ("type", "=", "opportunity"),
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("probability", "<", 100),
                ("company_id", "in", [False, *self.env.companies.ids]),
            ],
            order="date_last_stage_update desc, id desc",
            limit=1,
        )
        created = not opportunity
        if created:
            team = self.env["crm.team"].sudo()._get_default_team_id(user_id=self.env.uid)
            opportunity = Lead.create(
                {
                    "name": _("%s (cold call)", partner.commercial_partner_id.display_name),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": self.env.uid,
                    "team_id": team.id,
                }
            )
        opportunity.message_post(
            body=note_body, message_type="comment", subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
        )
        return opportunity.sudo(False), created

    @api.model
    def _book_meeting(self, partner, start, minutes, opportunity):
        """The meeting booked on a call: the rep and the contact attend, linked to the opportunity.
        Created as superuser like the opportunity: CRM logs the meeting on the opportunity, which
        a rep without CRM rights may not write."""
        meeting = (
            self.env["calendar.event"]
            .sudo()
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
        )
        return meeting.sudo(False)

    @api.model
    def _check_next_steps(self, partner, outcome, follow_up, meeting, mail_template_id):
        """The next steps of a call as the Dialer sends them, checked before anything is written:
        the ``next_steps`` of ``_record``."""
        if outcome.books_meeting and not meeting:
            raise ValidationError(_("“%s” books a meeting: pick its date and time.", outcome.name))
        if mail_template_id and not partner.email:
            raise ValidationError(_("%s has no e-mail address: add one, or save without the e-mail.", partner.name))
        return {
            "follow_up": follow_up and self._check_follow_up(follow_up),
            "meeting": outcome.books_meeting and self._check_meeting(meeting),
            "mail_template": mail_template_id and self._mail_template(mail_template_id),
        }

    @api.model
    def _check_follow_up(self, follow_up):
        """Activity values of the follow-up a rep asks for: ``{"date", "user_id", "summary"}``."""
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

    @api.model
    def _check_meeting(self, meeting):
        """(start, minutes) of the meeting a rep books: ``{"start": "YYYY-MM-DD HH:MM:SS" in UTC,
        "minutes": int}``, in the future."""
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
    def _mail_templates(self):
        """The contact e-mails a rep can send from the call screen."""
        return self.env["mail.template"].search(
            [("cold_call_dialer", "=", True), ("model", "=", "res.partner")], order="name, id"
        )

    @api.model
    def _mail_template(self, template_id):
        """A template offered in the Dialer, or a clear error."""
        template = self._mail_templates().filtered(lambda t: t.id == template_id)
        if not template:
            raise ValidationError(_("This e-mail is not offered in the Dialer any more: pick another one."))
        return template

    # ------------------------------------------------------------------
    # The chatter note
    # ------------------------------------------------------------------

    def _transcript_done(self):
        """The voice note's text, or why there is none, joins the call's chatter note (after the
        rep's typed note, which stays as typed)."""
        for log in self.sudo().filtered("note_message_id"):
            message = log.note_message_id
            if log.transcript_state == "done" and log.transcript:
                text = log.transcript.replace("\n", " ")
            else:
                text = _("not transcribed (%s)", log.transcript_error or _("no words were recognised"))
            line = Markup("<b>%s</b> %s") % (_("Voice note:"), text)
            log.partner_id._message_update_content(message, message.body + Markup("<p>%s</p>") % line, strict=False)

    def _audio_players(self):
        """What the Dialer's history plays of these calls: the voice note stored on each log."""
        return {
            log.id: [{"label": _("Voice note"), "src": f"/web/content/cold.call.log/{log.id}/audio_file"}]
            if log.audio_state == "stored"
            else []
            for log in self
        }

    @api.model
    def _text_to_html(self, text):
        """Plain text as escaped HTML, line breaks kept."""
        return Markup("<br/>").join(escape(line) for line in text.splitlines())

    @api.model
    def _format_duration(self, seconds):
        minutes, seconds = divmod(seconds, 60)
        return _("%(minutes)sm %(seconds)ss", minutes=minutes, seconds=seconds)

    @api.model
    def _note_body(self, outcome, duration, call_date, note):
        """The chatter note of a call: outcome, duration, time, then the rep's note, all escaped."""
        when = format_datetime(self.env, call_date, tz=self.env.user.tz, dt_format="short")
        if outcome:
            headline = Markup("<b>%s</b> %s") % (_("Call outcome:"), outcome.name)
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
