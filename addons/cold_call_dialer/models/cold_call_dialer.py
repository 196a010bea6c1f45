import math

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..const import (
    CALLBACKS_DUE,
    DEFAULT_PAGE_SIZE,
    MAX_DURATION,
    NEVER_CALLED,
    PAGE_SIZES,
    PREVIEW_SIZE,
)
from .ir_filters import FILTER_ERRORS


class ColdCallDialer(models.AbstractModel):
    """The Dialer client action's server API: one call per user action, so the screen never chains
    requests. It checks what the screen sends and leaves the work to the models that own the data:
    ``ir.filters`` evaluates saved searches, ``res.partner`` gives contact rows and records calls,
    ``cold.call.hold`` keeps reps apart, ``ir.model.fields.selection`` knows the outcomes."""

    _name = "cold.call.dialer"
    _description = "Cold Call Dialer"

    @api.model
    def get_filters(self):
        """Everything the "choose a list" screen needs, but the counts: quick lists and saved
        searches (a search that cannot be used comes with its error), the outcomes and the
        settings. The screen asks ``get_counts`` next: counting every list takes longer than all
        the rest, and the rep can already pick a list meanwhile."""
        self._check_dialer_user()
        options = self._options()
        quick_lists = [
            {"key": key, "name": name, "description": description, "error": False}
            for key, name, description, _domain in self._quick_lists()
        ]
        filters = [
            {
                "key": ir_filter.id,
                "name": ir_filter.name,
                "shared": not ir_filter.user_id,
                "error": ir_filter._cold_call_domain_error(),
            }
            for ir_filter in self.env["ir.filters"]._cold_call_filters()
        ]
        return {
            "quick_lists": quick_lists,
            "filters": filters,
            "status_options": options,
            "notes_only": not options,
            "page_sizes": list(PAGE_SIZES),
            "default_page_size": DEFAULT_PAGE_SIZE,
            "hold_minutes": self.env["cold.call.hold"]._hold_minutes(),
            "mail_templates": [{"id": t.id, "name": t.name} for t in self.env["mail.template"]._cold_call_templates()],
            "tally": self.env["cold.call.log"]._cold_call_tally(),
        }

    @api.model
    def get_counts(self):
        """The contacts each list of ``get_filters`` still offers, capped (see COUNT_CAP), as
        ``[{"key", "count", "count_capped", "error"}]``: a search that cannot be counted comes
        with its error."""
        self._check_dialer_user()
        Filters = self.env["ir.filters"]
        callable_domain = self.env["res.partner"]._cold_call_callable_domain(self._options())
        quick_counts = [
            {"key": key, **Filters._cold_call_capped_count(expression.AND([domain, callable_domain]))}
            for key, _name, _description, domain in self._quick_lists()
        ]
        return quick_counts + [
            {"key": ir_filter.id, **ir_filter._cold_call_contacts_left(callable_domain)}
            for ir_filter in Filters._cold_call_filters()
        ]

    @api.model
    def get_preview(self, list_key):
        """The first contacts of a list, to check it before calling."""
        self._check_dialer_user()
        return self._page(list_key, 1, PREVIEW_SIZE, self._options())

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
    ):
        """A page of a call list, in a stable order (name, id).

        Contacts without any phone are left out and counted in ``skipped_no_phone``; do-not-call
        contacts are never offered. Counting scans the list, so the screen sends back the
        ``counts`` (``{"total", "skipped_no_phone"}``) of the page it has when it flips pages of
        the same list; the contacts are always read fresh. Flipping to the next or previous page,
        it also sends the last (``after_partner_id``) or first (``before_partner_id``) contact of
        the page it has, so that the page is read from there rather than counted from the start.
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
        if release_partner_id:
            self._release(release_partner_id)
        options = self._options()
        result = self._page(list_key, page, page_size, options, self._check_counts(counts), anchor)
        if open_first:
            current, skipped = self.env["cold.call.hold"]._open_first(
                [row["id"] for row in result["contacts"]], options
            )
            result.update(current=current, skipped=skipped)
        return result

    @api.model
    def open_contact(self, partner_ids, release_partner_id=False, keep_on_failure=False, on_purpose=False):
        """Open the first of ``partner_ids`` that is still callable and not held by another rep.

        Used for Skip, Previous and picking a contact in the list. Returns the contact card as
        ``current`` (False when none is free) and the contacts passed over with the reason.
        ``release_partner_id`` (the contact the rep leaves) is given back to the other reps,
        unless ``keep_on_failure`` and no contact could be opened: the rep then stays on it.
        A contact still waiting after its last call is only opened ``on_purpose`` (picked by the rep).
        """
        self._check_dialer_user()
        current, skipped = self.env["cold.call.hold"]._open_first(
            self._check_ids(partner_ids), self._options(), include_waiting=on_purpose
        )
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
    def refresh_contacts(self, partner_ids):
        """Current status, last call and hold of contacts already on screen, to catch changes
        made elsewhere. Contacts that became impossible to call are flagged ``callable: False``."""
        self._check_dialer_user()
        ids = self._check_ids(partner_ids)
        options = self._options()
        Partner = self.env["res.partner"]
        partners = Partner.search_fetch([("id", "in", ids)], Partner._cold_call_fields(options))
        callable_ids = set(partners.filtered_domain(Partner._cold_call_callable_domain(options)).ids)
        rows = partners._cold_call_rows(options)
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
    ):
        """Log one call in one transaction: status written on the contact, internal note in its
        chatter, the next steps (follow-up activity, opportunity, meeting, e-mail), call-log row.
        Any failure leaves nothing behind.

        :param status: outcome value, required unless in notes-only mode
        :param follow_up: ``{"date": "YYYY-MM-DD", "user_id": int, "summary": str}`` or False
        :param list_key: the list the call came from (quick list key or ``ir.filters`` id)
        :param next_partner_ids: the contacts left on the rep's page, in order: the first free one
            is opened and returned as ``next``
        :param meeting: ``{"start": "YYYY-MM-DD HH:MM:SS" (UTC), "minutes": int}``, required for an
            outcome that books a meeting
        :param mail_template_id: an e-mail offered in the Dialer, sent to the contact
        """
        self._check_dialer_user()
        partner = self._writable_partner(partner_id)
        options = self._options()
        option = self.env["ir.model.fields.selection"]._cold_call_pick(status, options)
        note = (note or "").strip()
        if not options and not note:
            raise UserError(_("Type a note: without the outcome field, the note is what gets logged."))
        duration = self._check_duration(duration)
        next_steps = self._check_next_steps(partner, option, follow_up, meeting, mail_template_id)
        next_partner_ids = self._check_ids(next_partner_ids or [])
        list_name, ir_filter = self._list_label(list_key)
        log = partner._cold_call_log(option, duration, note, list_name, ir_filter, next_steps)
        next_card, skipped = self.env["cold.call.hold"]._open_first(next_partner_ids, options)
        return {
            "log_id": log.id,
            "contact": partner._cold_call_rows(options)[0],
            "opportunity": {"id": log.opportunity_id.id, "name": log.opportunity_id.name}
            if log.opportunity_id
            else False,
            "meeting_id": log.calendar_event_id.id,
            "next": next_card,
            "skipped": skipped,
            "tally": self.env["cold.call.log"]._cold_call_tally(),
        }

    @api.model
    def preview_mail(self, partner_id, mail_template_id):
        """The e-mail as the contact would get it, for the rep to check before saving the call."""
        self._check_dialer_user()
        partner = self._writable_partner(partner_id)
        return self.env["mail.template"]._cold_call_template(mail_template_id)._cold_call_preview(partner)

    # ------------------------------------------------------------------
    # Call lists
    # ------------------------------------------------------------------

    @api.model
    def _options(self):
        return self.env["ir.model.fields.selection"]._cold_call_options()

    @api.model
    def _quick_lists(self):
        """Built-in lists as (key, name, description, domain)."""
        call_type_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mail_activity_data_call")
        due_domain = [("user_id", "=", self.env.uid), ("date_deadline", "<=", fields.Date.context_today(self))]
        if call_type_id:
            due_domain.append(("activity_type_id", "=", call_type_id))
        return [
            (
                NEVER_CALLED,
                _("Never called"),
                _("Contacts nobody has called from the Dialer yet"),
                [("cold_call_last_date", "=", False)],
            ),
            (
                CALLBACKS_DUE,
                _("Callbacks due"),
                _("Your call activities due today or earlier"),
                [("activity_ids", "any", due_domain)],
            ),
        ]

    @api.model
    def _resolve_list(self, list_key):
        """(name, domain) of a call list, with a clear error for a missing or broken one."""
        for key, name, _description, domain in self._quick_lists():
            if list_key == key:
                return name, domain
        if not self._is_id(list_key):
            raise UserError(_("This call list does not exist."))
        ir_filter = self.env["ir.filters"]._cold_call_filter(list_key)
        if not ir_filter:
            raise UserError(_("This saved search no longer exists or is not shared with you."))
        try:
            return ir_filter.name, ir_filter._cold_call_domain()
        except FILTER_ERRORS as error:
            raise UserError(ir_filter._describe_eval_error(error)) from error

    @api.model
    def _list_label(self, list_key):
        """(name, filter) of the list a call came from, without evaluating it."""
        if not list_key:
            return _("No list"), self.env["ir.filters"]
        for key, name, _description, _domain in self._quick_lists():
            if list_key == key:
                return name, self.env["ir.filters"]
        if not self._is_id(list_key):
            raise UserError(_("This call list does not exist."))
        ir_filter = self.env["ir.filters"]._cold_call_filter(list_key)
        # A search deleted while the rep was calling must not block saving the call.
        return (ir_filter.name, ir_filter) if ir_filter else (_("Deleted saved search"), ir_filter)

    @api.model
    def _page(self, list_key, page, limit, options, counts=None, anchor=None):
        name, domain = self._resolve_list(list_key)
        Partner = self.env["res.partner"]
        if counts is None:
            try:
                with self.env.cr.savepoint(flush=False):
                    counts = Partner._cold_call_count(domain, options)
            except FILTER_ERRORS as error:
                raise UserError(self.env["ir.filters"]._describe_eval_error(error)) from error
        total, skipped, waiting = counts
        pages = max(1, math.ceil(total / limit))
        page = min(page, pages)
        domain = expression.AND([domain, Partner._cold_call_callable_domain(options)])
        if page == 1:
            partners = Partner._cold_call_page(domain, limit)
        elif page == pages:
            partners = Partner._cold_call_page(domain, total - (pages - 1) * limit, from_end=True)
        else:
            # From the contact next to the page (unless it is gone), else by offset.
            partners = Partner._cold_call_page(domain, limit, **anchor) if anchor else Partner
            partners = partners or Partner._cold_call_page(domain, limit, offset=(page - 1) * limit)
        return {
            "list": {"key": list_key, "name": name},
            "contacts": partners._cold_call_rows(options),
            "total": total,
            "page": page,
            "pages": pages,
            "page_size": limit,
            "skipped_no_phone": skipped,
            "waiting": waiting,
        }

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------

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
        partner = self.env["res.partner"].browse(partner_id).exists()
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
    def _check_duration(self, duration):
        if not isinstance(duration, int | float) or isinstance(duration, bool):
            raise ValidationError(_("The call duration must be a number of seconds."))
        if not 0 <= duration <= MAX_DURATION:
            raise ValidationError(_("The call duration must be between 0 and 24 hours."))
        return int(round(duration))

    @api.model
    def _check_next_steps(self, partner, option, follow_up, meeting, mail_template_id):
        """The next steps of a call, each checked by the model that owns it, before anything is written."""
        books_meeting = bool(option and option["books_meeting"])
        if books_meeting and not meeting:
            raise ValidationError(_("“%s” books a meeting: pick its date and time.", option["label"]))
        if mail_template_id and not partner.email:
            raise ValidationError(_("%s has no e-mail address: add one, or save without the e-mail.", partner.name))
        return {
            "follow_up": follow_up and self.env["mail.activity"]._cold_call_follow_up_values(follow_up),
            "meeting": books_meeting and self.env["calendar.event"]._cold_call_check_meeting(meeting),
            "mail_template": mail_template_id and self.env["mail.template"]._cold_call_template(mail_template_id),
        }
