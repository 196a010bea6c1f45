import datetime
import functools
import math
import re
import time
from types import SimpleNamespace

import phonenumbers
import psycopg2
import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import Command, _, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_datetime, ormcache
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time
from odoo.tools.translate import code_translations

from odoo.addons.phone_validation.tools import phone_validation

STATUS_FIELD = "x_cold_call_status"
HOLD_MINUTES_PARAM = "cold_call_dialer.hold_minutes"
DEFAULT_HOLD_MINUTES = 15
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
PREVIEW_SIZE = 5
# The list screen counts up to this many contacts per list ("1000+"): exact counts of every list
# would scan the whole address book once per list. Pages and previews count exactly.
COUNT_CAP = 1000
# Counting a list scans the address book: the counts of a page are reused for this many seconds,
# so that flipping pages stays fast. The contacts of each page are always read fresh.
COUNT_TTL = 30
MAX_DURATION = 24 * 3600
PAGE_ORDER = "name, id"
PAGE_FIELDS = [
    "name",
    "parent_id",
    "company_name",
    "function",
    "phone",
    "mobile",
    "country_id",
    "cold_call_last_date",
    "cold_call_last_outcome",
]
NO_PHONE_DOMAIN = [("phone", "=", False), ("mobile", "=", False)]
HAS_PHONE_DOMAIN = ["|", ("phone", "!=", False), ("mobile", "!=", False)]
NEVER_CALLED = "never_called"
CALLBACKS_DUE = "callbacks_due"

# (value, label, connected, suggests a follow-up, do not call) of the options created with the field.
DEFAULT_STATUS_OPTIONS = [
    ("no_answer", _lt("No Answer - No Voicemail"), False, False, False),
    ("voicemail", _lt("No Answer - Voicemail Left"), False, False, False),
    ("not_interested", _lt("Connected - Not Interested"), True, False, False),
    ("interested", _lt("Connected - Interested"), True, True, False),
    ("callback", _lt("Callback Requested"), True, True, False),
    ("gatekeeper", _lt("Gatekeeper Block"), False, False, False),
    ("meeting", _lt("Meeting Booked"), True, False, False),
    ("wrong_number", _lt("Wrong Number"), False, False, False),
    ("do_not_call", _lt("Dead / Do Not Call"), False, False, True),
]
STATUS_FIELD_LABEL = _lt("Cold Call Status")
STATUS_FIELD_HELP = _lt("Outcome of the last cold call, set by the Dialer.")

# What a saved search can raise while it is evaluated or counted: reported on the filter, never raised.
FILTER_ERRORS = (
    ValueError,
    TypeError,
    SyntaxError,
    NameError,
    KeyError,
    AttributeError,
    IndexError,
    ZeroDivisionError,
    UserError,
    psycopg2.DataError,
    psycopg2.ProgrammingError,
)
SAFE_EVAL_ERROR = re.compile(r"^<class '(?:\w+\.)*(\w+)'>: \"(.*)\" while evaluating", re.DOTALL)


def _web_datetime_namespace(tz):
    """The ``datetime`` the web client offers to domains, with its ``to_utc()`` helper,
    so that saved searches written for the browser evaluate the same here."""

    class WebDateTime(datetime.datetime):
        def to_utc(self):
            return tz.localize(self.replace(tzinfo=None)).astimezone(pytz.utc).replace(tzinfo=None)

    return SimpleNamespace(date=datetime.date, datetime=WebDateTime, time=datetime.time, timedelta=datetime.timedelta)


@functools.lru_cache(maxsize=4096)
def phone_formats(number, country_code):
    """(number to display, number to dial in E.164) of a typed phone number.

    A number that fails validation (a new range, a reserved one) is shown as typed and still
    dialled in E.164 when it has a possible length, as typed otherwise. Cached: a page shows the
    same numbers again and again, and parsing them is most of the cost of a page.
    """
    if not number:
        return "", False
    try:
        parsed = phone_validation.phone_parse(number, country_code)
    except UserError:
        try:
            parsed = phonenumbers.parse(number, country_code or None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            return number, re.sub(r"[^\d+]", "", number) or False
        return number, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return (
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
    )


class ColdCallDialer(models.AbstractModel):
    """Server side of the Dialer client action.

    Every public method answers one user action in one call, so the screen never
    chains requests: list the call lists, load a page, open a contact, log a call.
    """

    _name = "cold.call.dialer"
    _description = "Cold Call Dialer"

    # ------------------------------------------------------------------
    # Public API (called by the client action)
    # ------------------------------------------------------------------

    @api.model
    def get_filters(self):
        """Everything the "choose a list" screen needs: quick lists and saved searches with the
        number of contacts they would offer (a broken search comes with its error), the outcomes
        and the settings."""
        self._check_dialer_user()
        options = self._status_options()
        callable_domain = self._callable_domain(options)
        eval_context = self._domain_eval_context()
        Partner = self.env["res.partner"]

        def capped_count(domain):
            count = Partner.search_count(expression.AND([domain, callable_domain]), limit=COUNT_CAP + 1)
            return {"count": min(count, COUNT_CAP), "count_capped": count > COUNT_CAP, "error": False}

        quick_lists = [
            {"key": key, "name": name, "description": description, **capped_count(domain)}
            for key, name, description, domain in self._quick_lists(eval_context)
        ]
        filters = []
        for ir_filter in self._partner_filters():
            entry = {"key": ir_filter.id, "name": ir_filter.name, "shared": not ir_filter.user_id}
            try:
                with self.env.cr.savepoint(flush=False):
                    entry.update(capped_count(self._filter_domain(ir_filter, eval_context)))
            except FILTER_ERRORS as error:
                entry.update(count=False, count_capped=False, error=self._describe_filter_error(error))
            filters.append(entry)
        return {
            "quick_lists": quick_lists,
            "filters": filters,
            "status_options": options,
            "notes_only": not options,
            "page_sizes": list(PAGE_SIZES),
            "default_page_size": DEFAULT_PAGE_SIZE,
            "hold_minutes": self._hold_minutes(),
        }

    @api.model
    def get_status_options(self):
        """The outcomes to offer, read live from the field (empty in notes-only mode)."""
        self._check_dialer_user()
        return self._status_options()

    @api.model
    def get_preview(self, list_key):
        """The first contacts of a list, to check it before calling."""
        self._check_dialer_user()
        return self._page(list_key, 1, PREVIEW_SIZE, self._status_options())

    @api.model
    def get_page(self, list_key, page=1, page_size=DEFAULT_PAGE_SIZE, open_first=False, release_partner_id=False):
        """A page of a call list, in a stable order (name, id).

        Contacts without any phone are left out and counted in ``skipped_no_phone``; do-not-call
        contacts are never offered. The counts may be up to COUNT_TTL seconds old; the contacts
        are always read fresh. With ``open_first`` the first contact free to call is opened
        (held for the rep) and returned as ``current``; ``release_partner_id`` gives back the
        contact the rep was on.
        """
        self._check_dialer_user()
        if page_size not in PAGE_SIZES:
            raise ValidationError(_("Pick a page size among %s.", ", ".join(map(str, PAGE_SIZES))))
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            raise ValidationError(_("The page number must be 1 or more."))
        if release_partner_id:
            self._release_hold(release_partner_id)
        options = self._status_options()
        result = self._page(list_key, page, page_size, options)
        if open_first:
            current, skipped = self._open_first_available([row["id"] for row in result["contacts"]], options)
            result.update(current=current, skipped=skipped)
        return result

    @api.model
    def open_contact(self, partner_ids, release_partner_id=False, keep_on_failure=False):
        """Open the first of ``partner_ids`` that is still callable and not held by another rep.

        Used for Skip, Previous and picking a contact in the list. Returns the contact card as
        ``current`` (False when none is free) and the contacts passed over with the reason.
        ``release_partner_id`` (the contact the rep leaves) is given back to the other reps,
        unless ``keep_on_failure`` and no contact could be opened: the rep then stays on it.
        """
        self._check_dialer_user()
        current, skipped = self._open_first_available(partner_ids, self._status_options())
        leaving = release_partner_id and (not current or current["contact"]["id"] != release_partner_id)
        if leaving and (current or not keep_on_failure):
            self._release_hold(release_partner_id)
        return {"current": current, "skipped": skipped}

    @api.model
    def release_contact(self, partner_id):
        """Give back a contact the rep opened but did not call (leaving the call screen)."""
        self._check_dialer_user()
        self._release_hold(partner_id)
        return True

    @api.model
    def refresh_contacts(self, partner_ids):
        """Current status, last call and hold of contacts already on screen, to catch changes
        made elsewhere. Contacts that became impossible to call are flagged ``callable: False``."""
        self._check_dialer_user()
        ids = self._check_ids(partner_ids)
        options = self._status_options()
        partners = self.env["res.partner"].search_fetch([("id", "in", ids)], self._page_fields(options))
        callable_ids = set(partners.filtered_domain(self._callable_domain(options)).ids)
        rows = self._contact_rows(partners, options)
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
    ):
        """Log one call in one transaction: status written on the contact, internal note in its
        chatter, optional follow-up activity, call-log row. Any failure leaves nothing behind.

        :param status: outcome value, required unless in notes-only mode
        :param follow_up: ``{"date": "YYYY-MM-DD", "user_id": int, "summary": str}`` or False
        :param list_key: the list the call came from (quick list key or ``ir.filters`` id)
        :param next_partner_ids: the contacts left on the rep's page, in order: the first free one
            is opened and returned as ``next``
        """
        self._check_dialer_user()
        partner = self._writable_partner(partner_id)
        options = self._status_options()
        option = self._check_outcome(status, options)
        note = (note or "").strip()
        if not options and not note:
            raise UserError(_("Type a note: without the outcome field, the note is what gets logged."))
        duration = self._check_duration(duration)
        activity_values = self._check_follow_up(follow_up) if follow_up else None
        next_partner_ids = self._check_ids(next_partner_ids or [])
        list_name, ir_filter = self._list_label(list_key)
        call_date = fields.Datetime.now()
        with self.env.cr.savepoint():
            if option:
                partner.write({STATUS_FIELD: option["value"]})
            partner.message_post(
                body=self._call_note_body(option, duration, call_date, note),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            if activity_values:
                partner.activity_schedule(
                    "mail.mail_activity_data_call",
                    note=self._text_to_html(note),
                    automated=False,
                    **activity_values,
                )
            log = self.env["cold.call.log"].create(
                {
                    "call_date": call_date,
                    "user_id": self.env.uid,
                    "partner_id": partner.id,
                    "filter_id": ir_filter.id,
                    "list_name": list_name,
                    "status_value": option["value"] if option else False,
                    "status_label": option["label"] if option else False,
                    "duration": duration,
                    "connected": bool(option and option["connected"]),
                    "follow_up_scheduled": bool(activity_values),
                }
            )
            # Keep the contact just called away from the other reps for the hold time.
            self._acquire_hold(partner.id)
        next_card, skipped = self._open_first_available(next_partner_ids, options) if next_partner_ids else (False, [])
        return {
            "log_id": log.id,
            "contact": self._contact_rows(partner, options)[0],
            "next": next_card,
            "skipped": skipped,
        }

    # ------------------------------------------------------------------
    # Outcome field
    # ------------------------------------------------------------------

    @api.model
    def _status_field(self):
        """The admin-owned outcome field on contacts, or None (notes-only mode)."""
        field = self.env["res.partner"]._fields.get(STATUS_FIELD)
        return field if field is not None and field.type == "selection" else None

    @api.model
    def _status_options(self):
        """Outcomes as ``fields_get`` gives them (value, translated label) plus what each means."""
        if not self._status_field():
            return []
        selection = self.env["res.partner"].fields_get([STATUS_FIELD], ["selection"])[STATUS_FIELD]["selection"]
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        meanings = {
            option.value: option
            for option in self.env["ir.model.fields.selection"].sudo().search([("field_id", "=", field.id)])
        }
        empty = self.env["ir.model.fields.selection"]
        return [
            {
                "value": value,
                "label": label,
                "connected": meanings.get(value, empty).cold_call_connected,
                "follow_up": meanings.get(value, empty).cold_call_follow_up,
                "do_not_call": meanings.get(value, empty).cold_call_do_not_call,
            }
            for value, label in selection
        ]

    @api.model
    def _create_status_field(self):
        """Create ``x_cold_call_status`` on contacts as a custom field the admins own, with the
        default outcomes. Does nothing when the field exists already."""
        if not (self.env.su or self.env.user.has_group("base.group_system")):
            raise AccessError(_("Only administrators can create the outcome field."))
        IrFields = self.env["ir.model.fields"].sudo()
        existing = IrFields.search([("model", "=", "res.partner"), ("name", "=", STATUS_FIELD)])
        if existing:
            return existing
        field = IrFields.with_context(lang="en_US").create(
            {
                "name": STATUS_FIELD,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "ttype": "selection",
                "state": "manual",
                "field_description": self._translated(STATUS_FIELD_LABEL, "en_US"),
                "help": self._translated(STATUS_FIELD_HELP, "en_US"),
                "selection_ids": [
                    Command.create(
                        {
                            "value": value,
                            "name": self._translated(label, "en_US"),
                            "sequence": sequence,
                            "cold_call_connected": connected,
                            "cold_call_follow_up": follow_up,
                            "cold_call_do_not_call": do_not_call,
                        }
                    )
                    for sequence, (value, label, connected, follow_up, do_not_call) in enumerate(
                        DEFAULT_STATUS_OPTIONS, start=1
                    )
                ],
            }
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        if langs:
            for fname, term in (("field_description", STATUS_FIELD_LABEL), ("help", STATUS_FIELD_HELP)):
                field.update_field_translations(fname, {lang: self._translated(term, lang) for lang in langs})
            labels = {value: label for value, label, *_flags in DEFAULT_STATUS_OPTIONS}
            for option in field.selection_ids:
                option.update_field_translations(
                    "name", {lang: self._translated(labels[option.value], lang) for lang in langs}
                )
            self.env.registry.clear_cache()
        return field

    @api.model
    def _translated(self, lazy_term, lang):
        """``lazy_term`` in ``lang``: default outcomes are data, stored in every installed language."""
        return code_translations.get_python_translations("cold_call_dialer", lang).get(
            lazy_term._source, lazy_term._source
        )

    @api.model
    def _check_outcome(self, status, options):
        if not options:
            if status:
                raise UserError(
                    _("Outcomes are not available: the Dialer is in notes-only mode. Log the call with a note.")
                )
            return None
        if not status:
            raise UserError(_("Pick an outcome for this call."))
        option = next((option for option in options if option["value"] == status), None)
        if option is None:
            raise UserError(
                _(
                    "“%s” is not an outcome anymore: the options changed in Odoo. Refresh and pick another one.",
                    status,
                )
            )
        return option

    # ------------------------------------------------------------------
    # Call lists
    # ------------------------------------------------------------------

    @api.model
    def _partner_filters(self):
        """Saved searches on contacts that the user owns or that are shared."""
        return self.env["ir.filters"].search(
            [("model_id", "=", "res.partner"), ("user_id", "in", [self.env.uid, False])], order="name, id"
        )

    @api.model
    def _quick_lists(self, eval_context):
        """Built-in lists as (key, name, description, domain)."""
        call_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        due_domain = [
            ("user_id", "=", self.env.uid),
            ("date_deadline", "<=", eval_context["context_today"]()),
        ]
        if call_type:
            due_domain.append(("activity_type_id", "=", call_type.id))
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
    def _domain_eval_context(self):
        """What the web client offers when it evaluates a saved search: the user's context, ``uid``,
        ``context_today()``, ``relativedelta``, ``datetime``, ``time`` and the date shortcuts."""
        user_context = self.env["res.users"].context_get()
        tz_name = user_context.get("tz") or self.env.context.get("tz") or "UTC"
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        now = datetime.datetime.now(tz).replace(tzinfo=None)
        today = now.date()
        return {
            **self.env.context,
            **user_context,
            "uid": self.env.uid,
            "allowed_company_ids": self.env.companies.ids,
            "context_today": lambda: today,
            "today": today.strftime("%Y-%m-%d"),
            "current_date": today.strftime("%Y-%m-%d"),
            "now": now.strftime("%Y-%m-%d %H:%M:%S"),
            "relativedelta": relativedelta,
            "datetime": _web_datetime_namespace(tz),
            "time": safe_time,
        }

    @api.model
    def _filter_domain(self, ir_filter, eval_context):
        domain = safe_eval(ir_filter.domain or "[]", eval_context)
        if not isinstance(domain, list | tuple):
            raise ValueError(_("the domain is not a list"))
        return list(domain)

    @api.model
    def _describe_filter_error(self, error):
        """A one-line reason for a broken saved search, without safe_eval's or PostgreSQL's wrapping."""
        if isinstance(error, UserError):
            message = error.args[0]
        elif isinstance(error, psycopg2.Error):
            message = error.pgerror or str(error)
        else:
            message = str(error)
            match = SAFE_EVAL_ERROR.match(message)
            if match:
                message = f"{match.group(1)}: {match.group(2)}"
        reason = message.strip().splitlines()[0] if message.strip() else type(error).__name__
        return _("This saved search cannot be used: %s", reason)

    @api.model
    def _resolve_list(self, list_key):
        """(name, domain, filter) of a call list, with a clear error for a missing or broken one."""
        eval_context = self._domain_eval_context()
        for key, name, _description, domain in self._quick_lists(eval_context):
            if list_key == key:
                return name, domain, self.env["ir.filters"]
        ir_filter = self._list_filter(list_key)
        try:
            domain = self._filter_domain(ir_filter, eval_context)
        except FILTER_ERRORS as error:
            raise UserError(self._describe_filter_error(error)) from error
        return ir_filter.name, domain, ir_filter

    @api.model
    def _list_label(self, list_key):
        """(name, filter) of the list a call came from, without evaluating it."""
        if not list_key:
            return _("No list"), self.env["ir.filters"]
        for key, name, _description, _domain in self._quick_lists(self._domain_eval_context()):
            if list_key == key:
                return name, self.env["ir.filters"]
        if not isinstance(list_key, int) or isinstance(list_key, bool):
            raise UserError(_("This call list does not exist."))
        ir_filter = self._list_filter(list_key, raise_if_not_found=False)
        # A search deleted while the rep was calling must not block saving the call.
        return (ir_filter.name, ir_filter) if ir_filter else (_("Deleted saved search"), ir_filter)

    @api.model
    def _list_filter(self, list_key, raise_if_not_found=True):
        if not isinstance(list_key, int) or isinstance(list_key, bool):
            raise UserError(_("This call list does not exist."))
        ir_filter = self.env["ir.filters"].search(
            [("id", "=", list_key), ("model_id", "=", "res.partner"), ("user_id", "in", [self.env.uid, False])]
        )
        if not ir_filter and raise_if_not_found:
            raise UserError(_("This saved search no longer exists or is not shared with you."))
        return ir_filter

    @api.model
    def _callable_domain(self, options):
        """Contacts the Dialer may offer: with a phone, and not marked do-not-call."""
        do_not_call = [option["value"] for option in options if option["do_not_call"]]
        if not do_not_call:
            return list(HAS_PHONE_DOMAIN)
        return expression.AND([HAS_PHONE_DOMAIN, [(STATUS_FIELD, "not in", do_not_call)]])

    @api.model
    def _page(self, list_key, page, limit, options):
        name, domain, _ir_filter = self._resolve_list(list_key)
        Partner = self.env["res.partner"]
        try:
            with self.env.cr.savepoint(flush=False):
                total, skipped = self._list_counts(domain, options)
        except FILTER_ERRORS as error:
            raise UserError(self._describe_filter_error(error)) from error
        callable_domain = expression.AND([domain, self._callable_domain(options)])
        pages = max(1, math.ceil(total / limit))
        page = min(page, pages)
        partners = Partner.search_fetch(
            callable_domain, self._page_fields(options), offset=(page - 1) * limit, limit=limit, order=PAGE_ORDER
        )
        return {
            "list": {"key": list_key, "name": name},
            "contacts": self._contact_rows(partners, options),
            "total": total,
            "page": page,
            "pages": pages,
            "page_size": limit,
            "skipped_no_phone": skipped,
        }

    @api.model
    def _list_counts(self, domain, options):
        """(contacts to offer, contacts without a phone) of a list, counted at most COUNT_TTL seconds ago."""
        do_not_call = tuple(option["value"] for option in options if option["do_not_call"])
        period = int(time.time() // COUNT_TTL)
        return self._cached_list_counts(repr(domain), do_not_call, period, domain, options)

    @api.model
    @ormcache("self.env.uid", "tuple(self.env.companies.ids)", "domain_key", "do_not_call", "period")
    def _cached_list_counts(self, domain_key, do_not_call, period, domain, options):
        return tuple(self._count_callable_and_no_phone(domain, options))

    @api.model
    def _count_callable_and_no_phone(self, domain, options):
        """(contacts to offer, contacts without a phone) of a list, in a single scan of the table."""
        Partner = self.env["res.partner"]
        Partner.flush_model(["phone", "mobile", *([STATUS_FIELD] if options else [])])
        query = Partner._search(domain)
        if query.is_empty():
            return 0, 0
        callable_where = Partner._where_calc(self._callable_domain(options), active_test=False).where_clause
        no_phone_where = Partner._where_calc(NO_PHONE_DOMAIN, active_test=False).where_clause
        self.env.cr.execute(
            query.select(
                SQL("COUNT(*) FILTER (WHERE %s)", callable_where),
                SQL("COUNT(*) FILTER (WHERE %s)", no_phone_where),
            )
        )
        return self.env.cr.fetchone()

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------

    @api.model
    def _contact_rows(self, partners, options):
        """What the screen shows of each contact, in a handful of queries whatever the count."""
        labels = {option["value"]: option["label"] for option in options}
        holds = self._active_holds(partners.ids)
        default_country = self.env.company.country_id
        has_status = bool(options)
        rows = []
        for partner in partners:
            country = partner.country_id or default_country
            status = partner[STATUS_FIELD] if has_status else False
            hold = holds.get(partner.id)
            held_by_other = hold and hold.user_id.id != self.env.uid
            phone, phone_e164 = phone_formats(partner.phone, country.code)
            mobile, mobile_e164 = phone_formats(partner.mobile, country.code)
            rows.append(
                {
                    "id": partner.id,
                    "name": partner.name or partner.display_name,
                    "company": partner.parent_id.name or partner.company_name or "",
                    "function": partner.function or "",
                    "phone": phone,
                    "mobile": mobile,
                    "call_number": mobile_e164 or phone_e164,
                    "status_value": status or False,
                    "status_label": labels.get(status, status) if status else False,
                    "last_call_date": fields.Datetime.to_string(partner.cold_call_last_date),
                    "last_call_outcome": partner.cold_call_last_outcome or False,
                    "held_by": hold.user_id.name if held_by_other else False,
                }
            )
        return rows

    @api.model
    def _page_fields(self, options):
        return [*PAGE_FIELDS, STATUS_FIELD] if options else PAGE_FIELDS

    @api.model
    def _card(self, partner, options):
        """The contact card of the call screen: the contact, its last calls and recent chatter notes."""
        logs = self.env["cold.call.log"].search_fetch(
            [("partner_id", "=", partner.id)], ["call_date", "user_id", "status_label", "duration"], limit=5
        )
        messages = self.env["mail.message"].search_fetch(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("message_type", "=", "comment")],
            ["body", "date", "author_id"],
            limit=5,
            order="id desc",
        )
        return {
            "contact": self._contact_rows(partner, options)[0],
            "last_calls": [
                {
                    "id": log.id,
                    "date": fields.Datetime.to_string(log.call_date),
                    "user": log.user_id.name,
                    "outcome": log.status_label or False,
                    "duration": log.duration,
                }
                for log in logs
            ],
            "notes": [
                {
                    "id": message.id,
                    "date": fields.Datetime.to_string(message.date),
                    "author": message.author_id.name or "",
                    "body": message.body,
                }
                for message in messages
            ],
        }

    @api.model
    def _open_first_available(self, partner_ids, options):
        """Hold and return the card of the first candidate still callable and free, and the
        candidates passed over as ``{"id", "reason": "unavailable" | "held", "held_by"}``."""
        ids = self._check_ids(partner_ids)
        if not ids:
            return False, []
        callable_ids = set(
            self.env["res.partner"]._search(expression.AND([[("id", "in", ids)], self._callable_domain(options)]))
        )
        holds = self._active_holds(ids)
        skipped = []
        for partner_id in ids:
            if partner_id not in callable_ids:
                skipped.append({"id": partner_id, "reason": "unavailable", "held_by": False})
                continue
            hold = holds.get(partner_id)
            if (hold and hold.user_id.id != self.env.uid) or not self._acquire_hold(partner_id):
                holder = hold or self._active_holds([partner_id]).get(partner_id)
                skipped.append({"id": partner_id, "reason": "held", "held_by": holder.user_id.name if holder else ""})
                continue
            return self._card(self.env["res.partner"].browse(partner_id), options), skipped
        return False, skipped

    @api.model
    def _writable_partner(self, partner_id):
        """The contact to log a call on, if the rep may change it."""
        if not isinstance(partner_id, int) or isinstance(partner_id, bool):
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

    @api.model
    def _check_ids(self, partner_ids):
        """Contact ids sent by the screen: a list of ids, a page at most."""
        if not isinstance(partner_ids, list | tuple) or not all(
            isinstance(pid, int) and not isinstance(pid, bool) for pid in partner_ids
        ):
            raise ValidationError(_("Contacts must be given as a list of ids."))
        if len(partner_ids) > max(PAGE_SIZES):
            raise ValidationError(_("At most %s contacts can be handled at once.", max(PAGE_SIZES)))
        return list(partner_ids)

    # ------------------------------------------------------------------
    # Holds
    # ------------------------------------------------------------------

    @api.model
    def _hold_minutes(self):
        value = self.env["ir.config_parameter"].sudo().get_param(HOLD_MINUTES_PARAM)
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            return DEFAULT_HOLD_MINUTES
        return minutes if minutes > 0 else DEFAULT_HOLD_MINUTES

    @api.model
    def _active_holds(self, partner_ids):
        """Unexpired holds by contact id."""
        if not partner_ids:
            return {}
        holds = (
            self.env["cold.call.hold"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", list(partner_ids)), ("expires_at", ">", fields.Datetime.now())],
                ["partner_id", "user_id"],
            )
        )
        return {hold.partner_id.id: hold for hold in holds}

    @api.model
    def _acquire_hold(self, partner_id):
        """Hold a contact for the current rep (or extend the rep's hold); False when another rep
        holds it. A single upsert on the unique contact, so two reps can never both get it."""
        now = fields.Datetime.now()
        expires_at = now + datetime.timedelta(minutes=self._hold_minutes())
        Hold = self.env["cold.call.hold"]
        Hold.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO cold_call_hold
                       (partner_id, user_id, expires_at, create_uid, create_date, write_uid, write_date)
                VALUES (%(partner)s, %(user)s, %(expires)s, %(user)s, %(now)s, %(user)s, %(now)s)
                ON CONFLICT (partner_id) DO UPDATE
                   SET user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                 WHERE cold_call_hold.user_id = EXCLUDED.user_id OR cold_call_hold.expires_at <= %(now)s
                RETURNING id
                """,
                partner=partner_id,
                user=self.env.uid,
                expires=expires_at,
                now=now,
            )
        )
        acquired = bool(self.env.cr.fetchone())
        Hold.invalidate_model()
        return acquired

    @api.model
    def _release_hold(self, partner_id):
        if not isinstance(partner_id, int) or isinstance(partner_id, bool):
            raise ValidationError(_("Pick a contact to release."))
        self.env["cold.call.hold"].sudo().search(
            [("partner_id", "=", partner_id), ("user_id", "=", self.env.uid)]
        ).unlink()

    # ------------------------------------------------------------------
    # Logging helpers
    # ------------------------------------------------------------------

    @api.model
    def _check_dialer_user(self):
        if not self.env.user.has_group("cold_call_dialer.group_cold_call_user"):
            raise AccessError(_("Only Dialer users can work call lists."))

    @api.model
    def _check_duration(self, duration):
        if not isinstance(duration, int | float) or isinstance(duration, bool):
            raise ValidationError(_("The call duration must be a number of seconds."))
        if not 0 <= duration <= MAX_DURATION:
            raise ValidationError(_("The call duration must be between 0 and 24 hours."))
        return int(round(duration))

    @api.model
    def _check_follow_up(self, follow_up):
        """Activity values for a follow-up ``{"date", "user_id", "summary"}``, checked before anything is written."""
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
    def _format_duration(self, seconds):
        minutes, seconds = divmod(seconds, 60)
        return _("%(minutes)sm %(seconds)ss", minutes=minutes, seconds=seconds)

    @api.model
    def _text_to_html(self, text):
        """Plain text as escaped HTML, line breaks kept."""
        return Markup("<br/>").join(escape(line) for line in text.splitlines())

    @api.model
    def _call_note_body(self, option, duration, call_date, note):
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
