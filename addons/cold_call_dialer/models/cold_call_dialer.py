import base64
import binascii
import re
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import html_sanitize

from odoo.addons.cold_call_audio.tools import audio
from odoo.addons.cold_call_phone.tools import phone

from ..const import (
    CLIENT_KEY_PATTERN,
    DEFAULT_PAGE_SIZE,
    MAX_CALL_AGE_DAYS,
    MAX_DURATION,
    MAX_VOICE_NOTE_BYTES,
    MAX_VOICE_NOTE_SECONDS,
    PAGE_SIZES,
    PREVIEW_SIZE,
    STATUS_FIELD,
)
from ..tools.time_zone import local_time

# What a row of the Dialer reads of a contact.
ROW_FIELDS = [
    "name",
    "parent_id",
    "company_name",
    "function",
    "phone",
    "mobile",
    "country_id",
    "cold_call_last_date",
    "cold_call_last_outcome_id",
    "cold_call_next_at",
    "cold_call_tz",
]


class ColdCallDialer(models.AbstractModel):
    """The Dialer client action's server API: one call per user action, so the screen never chains
    requests. It checks what the screen sends, leaves the work to the models that own it
    (``cold.call.list`` the lists and pages, ``cold.call.log`` the save of a call,
    ``cold.call.outcome`` the outcomes, ``cold.call.hold`` the holds) and answers with what the
    screen shows of contacts."""

    _name = "cold.call.dialer"
    _description = "Cold Call Dialer"

    @api.model
    def get_filters(self):
        """Everything the "choose a list" screen needs, but the counts: quick lists and saved
        searches (a search that cannot be used comes with its error), the outcomes and the
        settings. The screen asks ``get_counts`` next: counting every list takes longer than all
        the rest, and the rep can already pick a list meanwhile."""
        self._check_dialer_user()
        Lists = self.env["cold.call.list"]
        outcomes = self._outcomes()
        return {
            "quick_lists": [
                {"key": key, "name": name, "description": description, "error": False}
                for key, name, description, _domain in Lists._quick_lists()
            ],
            "filters": [
                {
                    "key": ir_filter.id,
                    "name": ir_filter.name,
                    "shared": not ir_filter.user_id,
                    "error": Lists._domain_error(ir_filter),
                }
                for ir_filter in Lists._saved_searches()
            ],
            "status_options": outcomes._screen_values(),
            "notes_only": not outcomes,
            "page_sizes": list(PAGE_SIZES),
            "default_page_size": DEFAULT_PAGE_SIZE,
            "hold_minutes": self.env["cold.call.hold"]._hold_minutes(),
            "mail_templates": [{"id": t.id, "name": t.name} for t in self.env["cold.call.log"]._mail_templates()],
            "tally": self.env["cold.call.log"]._tally(),
            "status_conflicts": self._status_conflicts(),
        }

    @api.model
    def get_counts(self):
        """The contacts each list of ``get_filters`` still offers, capped (see COUNT_CAP), as
        ``[{"key", "count", "count_capped", "error"}]``: a search that cannot be counted comes
        with its error."""
        self._check_dialer_user()
        Lists = self.env["cold.call.list"]
        callable_domain = Lists._callable_domain(self._outcomes())
        quick_counts = [
            {"key": key, **Lists._capped_count(expression.AND([domain, callable_domain]))}
            for key, _name, _description, domain in Lists._quick_lists()
        ]
        return quick_counts + [
            {"key": ir_filter.id, **Lists._contacts_left(ir_filter, callable_domain)}
            for ir_filter in Lists._saved_searches()
        ]

    @api.model
    def get_preview(self, list_key):
        """The first contacts of a list, to check it before calling."""
        self._check_dialer_user()
        return self._page(list_key, 1, PREVIEW_SIZE, self._outcomes(), self._rules(list_key))

    @api.model
    def get_page(
        self,
        list_key,
        page=1,
        page_size=DEFAULT_PAGE_SIZE,
        open_first=False,
        release_partner_id=False,
        counts=None,
        after_partner_id=False,
        before_partner_id=False,
        anchor_waiting=None,
    ):
        """A page of a call list, in a stable order (name, id).

        Contacts without any phone are left out and counted in ``skipped_no_phone``; do-not-call
        contacts are never offered. Counting scans the list, so the screen sends back the
        ``counts`` (``{"total", "skipped_no_phone"}``) of the page it has when it flips pages of
        the same list; the contacts are always read fresh. Flipping to the next or previous page,
        it also sends the last (``after_partner_id``) or first (``before_partner_id``) contact of
        the page it has, so that the page is read from there rather than counted from the start,
        and whether that contact was waiting on its page (``anchor_waiting``): the rep who called
        it since made it wait, and the next page is the one after where it stood, not after the
        waiting contacts at the end.
        With ``open_first`` the first contact free to call is opened (held for the rep) and
        returned as ``current``; ``release_partner_id`` gives back the contact the rep was on.
        """
        self._check_dialer_user()
        if page_size not in PAGE_SIZES:
            raise ValidationError(_("Pick a page size among %s.", ", ".join(map(str, PAGE_SIZES))))
        if not self._is_id(page):
            raise ValidationError(_("The page number must be 1 or more."))
        anchor = {
            key: value for key, value in (("after_id", after_partner_id), ("before_id", before_partner_id)) if value
        }
        if len(anchor) > 1 or not all(self._is_id(value) for value in anchor.values()):
            raise ValidationError(_("Page from one contact, given by its id."))
        if anchor_waiting is not None:
            if not anchor or not isinstance(anchor_waiting, bool):
                raise ValidationError(_("Say whether the contact paged from was waiting, as true or false."))
            anchor["anchor_waiting"] = anchor_waiting
        if release_partner_id:
            self._release(release_partner_id)
        outcomes, rules = self._outcomes(), self._rules(list_key)
        result = self._page(list_key, page, page_size, outcomes, rules, self._check_counts(counts), anchor)
        if open_first:
            current, skipped = self._open_first([row["id"] for row in result["contacts"]], outcomes, rules)
            result.update(current=current, skipped=skipped)
        return result

    @api.model
    def open_contact(
        self, partner_ids, release_partner_id=False, keep_on_failure=False, on_purpose=False, list_key=False
    ):
        """Open the first of ``partner_ids`` (of the list ``list_key``) that is still callable,
        may be called now and is not held by another rep.

        Used for Skip, Previous and picking a contact in the list. Returns the contact card as
        ``current`` (False when none is free) and the contacts passed over with the reason.
        ``release_partner_id`` (the contact the rep leaves) is given back to the other reps,
        unless ``keep_on_failure`` and no contact could be opened: the rep then stays on it.
        A contact still waiting after its last call, or that may not be called now, is only
        opened ``on_purpose`` (picked by the rep, who then sees why).
        """
        self._check_dialer_user()
        ids, outcomes = self._check_ids(partner_ids), self._outcomes()
        current, skipped = self._open_first(ids, outcomes, self._rules(list_key), on_purpose)
        leaving = release_partner_id and (not current or current["contact"]["id"] != release_partner_id)
        if leaving and (current or not keep_on_failure):
            self._release(release_partner_id)
        return {"current": current, "skipped": skipped}

    @api.model
    def release_contact(self, partner_id):
        """Give back a contact the rep opened but did not call (leaving the call screen)."""
        self._check_dialer_user()
        self._release(partner_id)
        return True

    @api.model
    def refresh_contacts(self, partner_ids, list_key=False):
        """Current status, last call, hold and compliance of contacts already on screen, to catch
        changes made elsewhere. Contacts that became impossible to call are flagged ``callable: False``."""
        self._check_dialer_user()
        outcomes = self._outcomes()
        partners = self.env["res.partner"].search([("id", "in", self._check_ids(partner_ids))])
        callable_ids = set(partners.filtered_domain(self.env["cold.call.list"]._callable_domain(outcomes)).ids)
        rows = self._rows(partners, outcomes, self._rules(list_key))
        for row in rows:
            row["callable"] = row["id"] in callable_ids
        return rows

    @api.model
    def log_call(
        self,
        partner_id,
        status=False,
        duration=0,
        note="",
        follow_up=False,
        list_key=False,
        next_partner_ids=(),
        meeting=False,
        mail_template_id=False,
        voice_note=False,
        client_key=False,
        called_at=False,
        expected_status=None,
    ):
        """Log one call in one transaction (``cold.call.log._record``): status written on the
        contact, internal note in its chatter, the next steps (follow-up activity, opportunity,
        meeting, e-mail), call-log row. Any failure leaves nothing behind.

        Saved once per ``client_key``: sent again (a retry after a timeout, another tab, the
        outbox after a reload), the call is answered as saved (``duplicate``), never saved twice.

        :param status: outcome value, required unless in notes-only mode
        :param follow_up: ``{"date": "YYYY-MM-DD", "user_id": int, "summary": str}`` or False
        :param list_key: the list the call came from (quick list key or ``ir.filters`` id)
        :param next_partner_ids: the contacts left on the rep's page, in order: the first free one
            is opened and returned as ``next``
        :param meeting: ``{"start": "YYYY-MM-DD HH:MM:SS" (UTC), "minutes": int}``, required for an
            outcome that books a meeting
        :param mail_template_id: an e-mail offered in the Dialer, sent to the contact
        :param voice_note: ``{"data": base64 audio}``, recorded in the browser after the call
        :param client_key: the key the browser gave the call (8 to 64 letters, digits, - or _)
        :param called_at: when the call was made, ``"YYYY-MM-DD HH:MM:SS"`` (UTC), for a call
            saved later (the outbox): at most MAX_CALL_AGE_DAYS old
        :param expected_status: the contact's status the rep saw when making the call: when it
            changed since, the call and its note are logged but the status is left as it is
            (``conflict``), for the rep to decide (``resolve_status``)
        """
        self._check_dialer_user()
        client_key = self._check_client_key(client_key)
        call_date = self._check_called_at(called_at)
        partner = self._writable_partner(partner_id)
        if client_key:
            saved = self.env["cold.call.log"].search([("user_id", "=", self.env.uid), ("client_key", "=", client_key)])
            if saved:
                return self._logged(saved, partner, list_key, next_partner_ids, duplicate=True)
        offered = self._outcomes()
        outcome = self.env["cold.call.outcome"]._pick(status, offered)
        note = (note or "").strip()
        duration = self._check_duration(duration)
        voice_note = self._check_voice_note(voice_note)
        if not offered and not note and not voice_note:
            raise UserError(_("Type a note: without the outcome field, the note is what gets logged."))
        next_steps = self.env["cold.call.log"]._check_next_steps(partner, outcome, follow_up, meeting, mail_template_id)
        next_partner_ids = self._check_ids(next_partner_ids or [])
        list_name, ir_filter = self.env["cold.call.list"]._label(list_key)
        keep_status = bool(
            outcome and expected_status is not None and partner[STATUS_FIELD] not in (expected_status, outcome.value)
        )
        try:
            log = self.env["cold.call.log"]._record(
                partner,
                outcome,
                duration,
                note,
                list_name,
                ir_filter,
                next_steps,
                voice_note=voice_note,
                call_date=call_date,
                client_key=client_key,
                keep_status=keep_status,
            )
        except psycopg2.errors.UniqueViolation:
            # The same call, saved meanwhile by a request that committed first: nothing of this one was kept.
            log = self.env["cold.call.log"]
        return self._logged(log, partner, list_key, next_partner_ids, duplicate=not log)

    def _logged(self, log, partner, list_key, next_partner_ids, duplicate=False):
        """The answer to a saved call (``log``, empty when saved by a concurrent request): the
        contact as it is now, the next contact opened, the tally, and the status conflict."""
        offered = self._outcomes()
        rules = self._rules(list_key)
        next_card, skipped = self._open_first(next_partner_ids, offered, rules)
        conflict = log.status_kept and self._status_conflicts(log)[0]
        return {
            "log_id": log.id,
            "duplicate": duplicate,
            "conflict": conflict,
            "contact": self._rows(partner, offered, rules)[0],
            "opportunity": {"id": log.opportunity_id.id, "name": log.opportunity_id.name}
            if log.opportunity_id
            else False,
            "meeting_id": log.calendar_event_id.id,
            "next": next_card,
            "skipped": skipped,
            "tally": self.env["cold.call.log"]._tally(),
        }

    @api.model
    def resolve_status(self, log_id, mine=True):
        """The rep's answer to a status conflict of their call: its outcome becomes the contact's
        status after all (``mine``, on a contact they may change), or the status stays."""
        self._check_dialer_user()
        log = self.env["cold.call.log"]
        if self._is_id(log_id):
            log = log.search([("id", "=", log_id), ("user_id", "=", self.env.uid), ("status_kept", "=", True)])
        if not log:
            raise UserError(_("This call has no status left to set."))
        partner = self._writable_partner(log.partner_id.id)
        if mine:
            body = Markup("<p>%s</p>") % _("Status set to %s, the outcome of a call saved later.", log.outcome_id.name)
            self.env["cold.call.log"]._apply_outcome(partner, log.outcome_id, body)
        log.sudo().status_kept = False
        return self._rows(partner, self._outcomes(), self._rules(False))[0]

    @api.model
    def _status_conflicts(self, logs=None):
        """The rep's calls whose outcome was not written over a status changed meanwhile, and
        not settled yet (``logs``, by default those of the last MAX_CALL_AGE_DAYS days):
        ``[{"log_id", "name", "current", "yours"}]``, for the Dialer to ask the rep."""
        if logs is None:
            since = fields.Datetime.now() - timedelta(days=MAX_CALL_AGE_DAYS)
            logs = self.env["cold.call.log"].search(
                [("user_id", "=", self.env.uid), ("status_kept", "=", True), ("call_date", ">=", since)]
            )
        if not logs or STATUS_FIELD not in self.env["res.partner"]._fields:
            return []
        labels = dict(self.env["res.partner"]._fields[STATUS_FIELD]._description_selection(self.env))
        return [
            {
                "log_id": log.id,
                "name": log.partner_id.display_name,
                "current": labels.get(log.partner_id[STATUS_FIELD], ""),
                "yours": log.outcome_id.name,
            }
            for log in logs
        ]

    @api.model
    def check_call(self, partner_id, list_key=False, number=False):
        """Check a call the rep is about to dial on their phone (the ``tel:`` link), and keep the
        check as evidence: ``{"allowed", "reason", "warning", "tel"}``; ``tel`` only when allowed."""
        self._check_dialer_user()
        partner = self._writable_partner(partner_id)
        dial = self._dial_number(partner, number)
        verdict, _rules = self._check_compliance(partner, dial, list_key, "phone")
        return {
            "allowed": verdict["allowed"],
            "reason": verdict["reason"],
            "warning": verdict["warning"],
            "tel": f"tel:{dial}" if verdict["allowed"] else False,
        }

    @api.model
    def preview_mail(self, partner_id, mail_template_id):
        """The e-mail as the contact would get it, for the rep to check before saving the call."""
        self._check_dialer_user()
        partner = self._writable_partner(partner_id)
        template = self.env["cold.call.log"]._mail_template(mail_template_id)
        body = template._render_field("body_html", partner.ids, compute_lang=True)[partner.id] or ""
        return {
            "subject": template._render_field("subject", partner.ids)[partner.id] or "",
            # Anyone editing templates wrote it: the screen shows it as HTML, so it is sanitized here.
            "body": html_sanitize(body),
            "email_to": partner.email or "",
        }

    # ------------------------------------------------------------------
    # What the screen shows of contacts
    # ------------------------------------------------------------------

    @api.model
    def _outcomes(self):
        return self.env["cold.call.outcome"]._offered()

    @api.model
    def _rules(self, list_key):
        """(purpose, register category) of the list on screen, for the compliance of its rows."""
        return self.env["cold.call.compliance.check"]._list_rules(list_key)[:2]

    @api.model
    def _check_compliance(self, partner, number, list_key, entry_point):
        """The verdict on calling ``partner`` at ``number`` now, kept as evidence, and the list's rules."""
        Checks = self.env["cold.call.compliance.check"]
        rules = Checks._list_rules(list_key, partner)
        verdict = Checks._verdicts(partner, *rules[:2], numbers={partner.id: number})[partner.id]
        if verdict["allowed"]:
            verdict = self._check_caller_id(verdict, rules[0], entry_point)
        Checks._record(partner, verdict, entry_point, rules)
        return verdict, rules

    @api.model
    def _check_caller_id(self, verdict, purpose, entry_point):
        """The number the call goes out from, for a call the rest allows: a call from the rep's
        phone goes out from whatever line it has (docs/COMPLIANCE.md); telephony bridges pick one."""
        verdict["data"]["caller_id"] = _("the sales rep's phone")
        return verdict

    @api.model
    def _dial_number(self, partner, number):
        """The E.164 number to call: one of the contact's (mobile first), as the Dialer dials them."""
        numbers = partner._cold_call_dial_numbers()
        if not numbers:
            raise UserError(_("“%s” has no phone number to call.", partner.display_name))
        if number and number not in numbers:
            raise ValidationError(_("This is not a number of “%s”: refresh the contact.", partner.display_name))
        return number or numbers[0]

    @api.model
    def _page(self, list_key, page, limit, outcomes, rules, counts=None, anchor=None):
        result = self.env["cold.call.list"]._page(list_key, page, limit, outcomes, counts, anchor)
        result["contacts"] = self._rows(result.pop("partners"), outcomes, rules)
        return result

    @api.model
    def _open_first(self, partner_ids, outcomes, rules, include_waiting=False):
        """(card, skipped) of the first of ``partner_ids`` free to call and allowed now, held for the rep."""
        # Only contacts the rep may read are checked; the others are passed over as unavailable.
        partners = self.env["res.partner"].search([("id", "in", partner_ids)]) if partner_ids else None
        verdicts = self.env["cold.call.compliance.check"]._verdicts(partners, *rules) if partners else {}
        refused = {pid: verdict["reason"] for pid, verdict in verdicts.items() if not verdict["allowed"]}
        partner, skipped = self.env["cold.call.list"]._open_first(partner_ids, outcomes, include_waiting, refused)
        return (self._card(partner, outcomes, rules) if partner else False), skipped

    @api.model
    def _rows(self, partners, outcomes, rules):
        """What the Dialer shows of each contact, in a handful of queries whatever the count,
        with whether it may be called now (``compliance``) from a list of these ``rules``."""
        partners.fetch([*ROW_FIELDS, *([STATUS_FIELD] if outcomes else [])])
        verdicts = self.env["cold.call.compliance.check"]._verdicts(partners, *rules)
        labels = dict(partners._fields[STATUS_FIELD]._description_selection(self.env)) if outcomes else {}
        holds = self.env["cold.call.hold"]._active_by_partner(partners.ids)
        Lists = self.env["cold.call.list"]
        start, end = Lists._calling_hours()
        company_tz = Lists._company_tz()
        now = fields.Datetime.now()
        rows = []
        for partner in partners:
            code = (partner.country_id or self.env.company.country_id).code
            status = partner[STATUS_FIELD] if outcomes else False
            hold = holds.get(partner.id)
            numbers = {
                fname: (phone.international(partner[fname], code), phone.e164(partner[fname], code))
                for fname in ("phone", "mobile")
            }
            local = local_time(now, partner.cold_call_tz or company_tz)
            verdict = verdicts[partner.id]
            rows.append(
                {
                    "id": partner.id,
                    "name": partner.name or partner.display_name,
                    "company": partner.parent_id.name or partner.company_name or "",
                    "function": partner.function or "",
                    "phone": numbers["phone"][0],
                    "phone_dial": numbers["phone"][1],
                    "mobile": numbers["mobile"][0],
                    "mobile_dial": numbers["mobile"][1],
                    "call_number": numbers["mobile"][1] or numbers["phone"][1],
                    "status_value": status or False,
                    "status_label": labels.get(status, status) if status else False,
                    "last_call_date": fields.Datetime.to_string(partner.cold_call_last_date),
                    "last_call_outcome": partner.cold_call_last_outcome_id.name or False,
                    "held_by": hold.user_id.name if hold and hold.user_id.id != self.env.uid else False,
                    "waiting_until": fields.Datetime.to_string(partner.cold_call_next_at)
                    if partner.cold_call_next_at and partner.cold_call_next_at > now
                    else False,
                    "local_time": local.strftime("%H:%M"),
                    "outside_hours": not start <= local <= end,
                    "compliance": {key: verdict[key] for key in ("allowed", "reason", "warning")},
                }
            )
        return rows

    @api.model
    def _card(self, partner, outcomes, rules):
        """The call screen's card: the contact, its last calls the user may see and recent chatter notes."""
        logs = self.env["cold.call.log"].search_fetch(
            [("partner_id", "=", partner.id)],
            ["call_date", "user_id", "outcome_id", "duration", "audio_state"],
            limit=5,
        )
        players = logs._audio_players()
        messages = self.env["mail.message"].search_fetch(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("message_type", "=", "comment")],
            ["body", "date", "author_id"],
            limit=5,
            order="id desc",
        )
        return {
            "contact": self._rows(partner, outcomes, rules)[0],
            "last_calls": [
                {
                    "id": log.id,
                    "date": fields.Datetime.to_string(log.call_date),
                    "user": log.user_id.name,
                    "outcome": log.outcome_id.name or False,
                    "duration": log.duration,
                    "audio": players[log.id],
                }
                for log in logs
            ],
            "notes": [
                {
                    "id": message.id,
                    "date": fields.Datetime.to_string(message.date),
                    "author": message.author_id.name or "",
                    "body": html_sanitize(message.body),
                }
                for message in messages
            ],
        }

    # ------------------------------------------------------------------
    # Checks of what the screen sends
    # ------------------------------------------------------------------

    @api.model
    def _check_dialer_user(self):
        if not self.env.user.has_group("cold_call_dialer.group_cold_call_user"):
            raise AccessError(_("Only Dialer users can work call lists."))

    @api.model
    def _is_id(self, value):
        return isinstance(value, int) and not isinstance(value, bool) and value > 0

    @api.model
    def _check_ids(self, partner_ids):
        """Contact ids sent by the screen: a list of ids, a page at most."""
        if not isinstance(partner_ids, list | tuple) or not all(self._is_id(pid) for pid in partner_ids):
            raise ValidationError(_("Contacts must be given as a list of ids."))
        if len(partner_ids) > max(PAGE_SIZES):
            raise ValidationError(_("At most %s contacts can be handled at once.", max(PAGE_SIZES)))
        return list(partner_ids)

    @api.model
    def _check_counts(self, counts):
        """(total, skipped, waiting) the screen already has for this list, or None to count again."""
        if counts is None or counts is False:
            return None
        keys = ("total", "skipped_no_phone", "waiting")
        values = tuple(counts.get(key) for key in keys) if isinstance(counts, dict) else ()
        if len(values) != 3 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
            raise ValidationError(_("The list counts sent back are not valid: reload the list."))
        return values

    @api.model
    def _check_client_key(self, client_key):
        if client_key in (False, None, ""):
            return False
        if not isinstance(client_key, str) or not re.fullmatch(CLIENT_KEY_PATTERN, client_key):
            raise ValidationError(_("The call's key must be 8 to 64 letters, digits, - or _."))
        return client_key

    @api.model
    def _check_called_at(self, called_at):
        """When a call saved later was made (naive UTC), None for a call saved as it ends. A
        browser's clock ahead of the server's gives now."""
        if not called_at:
            return None
        try:
            when = fields.Datetime.to_datetime(called_at)
        except (TypeError, ValueError):
            when = None
        now = fields.Datetime.now()
        if not when or when < now - timedelta(days=MAX_CALL_AGE_DAYS):
            raise ValidationError(_("A call saved later must have been made in the last %s days.", MAX_CALL_AGE_DAYS))
        return min(when, now)

    @api.model
    def _check_duration(self, duration):
        if not isinstance(duration, int | float) or isinstance(duration, bool):
            raise ValidationError(_("The call duration must be a number of seconds."))
        if not 0 <= duration <= MAX_DURATION:
            raise ValidationError(_("The call duration must be between 0 and 24 hours."))
        return int(round(duration))

    @api.model
    def _check_voice_note(self, voice_note):
        """The voice note's audio bytes (b"" without one), or a clear error before anything is saved."""
        if not voice_note:
            return b""
        data = voice_note.get("data") if isinstance(voice_note, dict) else None
        if not isinstance(data, str) or len(data) > MAX_VOICE_NOTE_BYTES * 4 // 3 + 4:
            raise ValidationError(
                _("The voice note is too long: keep it under %s minutes.", MAX_VOICE_NOTE_SECONDS // 60)
                if isinstance(data, str)
                else _("The voice note could not be read: record it again.")
            )
        try:
            audio_bytes = base64.b64decode(data, validate=True)
            seconds = audio.duration(audio_bytes) if audio.sniff(audio_bytes) else None
        except (binascii.Error, audio.AudioError):
            seconds = None
        if seconds is None:
            raise ValidationError(_("The voice note could not be read: record it again."))
        if seconds > MAX_VOICE_NOTE_SECONDS:
            raise ValidationError(
                _("The voice note is too long: keep it under %s minutes.", MAX_VOICE_NOTE_SECONDS // 60)
            )
        return audio_bytes

    @api.model
    def _release(self, partner_id):
        if not self._is_id(partner_id):
            raise ValidationError(_("Pick a contact to release."))
        self.env["cold.call.hold"]._release(partner_id)

    @api.model
    def _writable_partner(self, partner_id):
        """The contact to log a call on, if the rep may change it."""
        if not self._is_id(partner_id):
            raise ValidationError(_("Pick a contact to log the call on."))
        # Read with the user's rights: a contact they may not read is answered as one that is gone.
        partner = self.env["res.partner"].with_context(active_test=False).search([("id", "=", partner_id)])
        if not partner:
            raise UserError(_("This contact no longer exists."))
        try:
            partner.check_access_rights("write")
            partner.check_access_rule("write")
        except AccessError as error:
            raise AccessError(
                _("You cannot log calls on “%s”: you are not allowed to modify this contact.", partner.display_name)
            ) from error
        return partner
