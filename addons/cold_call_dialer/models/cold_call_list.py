import datetime
import math
import re

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..const import (
    CALLBACKS_DUE,
    CALLING_END_PARAM,
    CALLING_START_PARAM,
    COUNT_CAP,
    DEFAULT_CALLING_END,
    DEFAULT_CALLING_START,
    HOT_LEADS,
    NEVER_CALLED,
    STATUS_FIELD,
)
from ..tools import saved_search
from ..tools.time_zone import zones_in_hours

HAS_PHONE_DOMAIN = ["|", ("phone", "!=", False), ("mobile", "!=", False)]
NO_PHONE_DOMAIN = [("phone", "=", False), ("mobile", "=", False)]
COUNT_TIMEOUT_MS = 500
SAFE_EVAL_ERROR = re.compile(r"^<class '(?:\w+\.)*(\w+)'>: \"(.*)\" while evaluating", re.DOTALL)


class SlowSavedSearch(Exception):
    """Counting a saved search took longer than the list screen allows."""


# What a saved search can raise while it is evaluated or counted: reported on the list, never raised.
LIST_ERRORS = (
    SlowSavedSearch,
    ValueError,
    ArithmeticError,
    RecursionError,
    MemoryError,
    TypeError,
    SyntaxError,
    NameError,
    KeyError,
    AttributeError,
    IndexError,
    UserError,
    psycopg2.DataError,
    psycopg2.ProgrammingError,
)


class ColdCallList(models.AbstractModel):
    """A call list: which contacts a list holds, how many, in which order, a page at a time.

    Lists are the quick lists and the saved searches on contacts (``ir.filters``) the user
    owns or that are shared. A saved search is evaluated here the way the web client evaluates
    it, once its text is known to be a plain domain (tools/saved_search.py).
    """

    _name = "cold.call.list"
    _description = "Dialer Call List"

    # ------------------------------------------------------------------
    # Which lists
    # ------------------------------------------------------------------

    @api.model
    def _quick_lists(self):
        """Built-in lists as (key, name, description, domain); Hot leads for users who read
        opportunities."""
        call_type_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mail_activity_data_call")
        due_domain = [("user_id", "=", self.env.uid), ("date_deadline", "<=", fields.Date.context_today(self))]
        if call_type_id:
            due_domain.append(("activity_type_id", "=", call_type_id))
        lists = [
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
        if not self.env["crm.lead"].check_access_rights("read", raise_exception=False):
            return lists
        return [
            *lists,
            (
                HOT_LEADS,
                _("Hot leads"),
                _("Last call connected and opened an opportunity that is still open; latest call first"),
                [
                    ("cold_call_last_outcome_id.connected", "=", True),
                    ("cold_call_last_outcome_id.creates_opportunity", "=", True),
                    ("opportunity_ids", "any", [("type", "=", "opportunity"), ("stage_id.is_won", "=", False)]),
                ],
            ),
        ]

    @api.model
    def _saved_searches(self, filter_id=None):
        """Saved searches on contacts that the user owns or that are shared (the one of ``filter_id``)."""
        domain = [("model_id", "=", "res.partner"), ("user_id", "in", [self.env.uid, False])]
        if filter_id is not None:
            domain.append(("id", "=", filter_id))
        return self.env["ir.filters"].search(domain, order="name, id")

    @api.model
    def _resolve(self, list_key):
        """(name, domain) of a call list, with a clear error for a missing or broken one."""
        for key, name, _description, domain in self._quick_lists():
            if list_key == key:
                return name, domain
        ir_filter = self._saved_search(list_key)
        if not ir_filter:
            raise UserError(_("This saved search no longer exists or is not shared with you."))
        try:
            return ir_filter.name, self._domain(ir_filter)
        except LIST_ERRORS as error:
            raise UserError(self._describe_error(error)) from error

    @api.model
    def _label(self, list_key):
        """(name, filter) of the list a call came from, without evaluating it: a search deleted
        while the rep was calling must not block saving the call."""
        if not list_key:
            return _("No list"), self.env["ir.filters"]
        for key, name, _description, _domain in self._quick_lists():
            if list_key == key:
                return name, self.env["ir.filters"]
        ir_filter = self._saved_search(list_key)
        return (ir_filter.name, ir_filter) if ir_filter else (_("Deleted saved search"), ir_filter)

    @api.model
    def _saved_search(self, list_key):
        if not isinstance(list_key, int) or isinstance(list_key, bool) or list_key <= 0:
            raise UserError(_("This call list does not exist."))
        return self._saved_searches(list_key)

    @api.model
    def _domain(self, ir_filter):
        """The domain of a saved search, evaluated with what the web client offers (``uid``,
        ``context_today()`` in the user's time zone, ``relativedelta``, ``datetime``, ``time``)
        once its text is known to be plain. Raises the evaluation's error (see LIST_ERRORS)."""
        return saved_search.evaluate(ir_filter.domain or "[]", self._eval_context())

    @api.model
    def _eval_context(self):
        """The web client's evaluation context of domains, for the current user."""
        user_context = {**self.env.context, **self.env["res.users"].context_get()}
        return saved_search.web_context(user_context, self.env.uid, self.env.companies.ids)

    @api.model
    def _describe_error(self, error):
        """A one-line reason for a broken saved search, without safe_eval's or PostgreSQL's wrapping."""
        if isinstance(error, UserError | SlowSavedSearch):
            message = str(error.args[0])
        elif isinstance(error, psycopg2.Error):
            message = error.pgerror or str(error)
        else:
            message = str(error)
            match = SAFE_EVAL_ERROR.match(message)
            if match:
                message = f"{match.group(1)}: {match.group(2)}"
        reason = message.strip().splitlines()[0] if message.strip() else type(error).__name__
        return _("This saved search cannot be used in the Dialer: %s", reason)

    @api.model
    def _domain_error(self, ir_filter):
        """Why a saved search cannot be used in the Dialer, or False."""
        try:
            self._domain(ir_filter)
        except LIST_ERRORS as error:
            return self._describe_error(error)
        return False

    # ------------------------------------------------------------------
    # Counting
    # ------------------------------------------------------------------

    @api.model
    def _callable_domain(self, outcomes):
        """Contacts the Dialer may offer: with a phone, and without a do-not-call outcome."""
        do_not_call = outcomes.filtered("do_not_call").mapped("value")
        if not do_not_call:
            return list(HAS_PHONE_DOMAIN)
        return expression.AND([HAS_PHONE_DOMAIN, [(STATUS_FIELD, "not in", do_not_call)]])

    @api.model
    def _capped_count(self, domain):
        """Contacts in ``domain``, counted up to COUNT_CAP: exact counts of every list would scan
        the whole address book once per list."""
        count = self.env["res.partner"].search_count(domain, limit=COUNT_CAP + 1)
        return {"count": min(count, COUNT_CAP), "count_capped": count > COUNT_CAP, "error": False}

    @api.model
    def _contacts_left(self, ir_filter, callable_domain):
        """The contacts a saved search still offers in the Dialer (those in ``callable_domain``),
        as the list screen counts them; a search that cannot be used comes with its error."""
        try:
            domain = expression.AND([self._domain(ir_filter), callable_domain])
            return self._count_budget(lambda: self._capped_count(domain))
        except LIST_ERRORS as error:
            return {"count": False, "count_capped": False, "error": self._describe_error(error)}

    @api.model
    def _count_budget(self, count):
        """Run ``count()`` (a SQL count) within COUNT_TIMEOUT_MS, so that a search whose query is
        costly shows as too slow instead of holding up the list screen."""
        cr = self.env.cr
        cr.execute("SHOW statement_timeout")
        previous = cr.fetchone()[0]
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SET LOCAL statement_timeout = %s", f"{COUNT_TIMEOUT_MS}ms"))
                result = count()
                cr.execute(SQL("SET LOCAL statement_timeout = %s", previous))
        except psycopg2.errors.QueryCanceled as error:
            raise SlowSavedSearch(_("counting its contacts takes too long")) from error
        return result

    @api.model
    def _count(self, domain, outcomes):
        """(contacts to call, contacts without a phone, contacts waiting) matching ``domain``, in one
        scan of the table. Contacts to call include the waiting ones, which pages show last."""
        Partner = self.env["res.partner"]
        Partner.flush_model(["phone", "mobile", "cold_call_next_at", *([STATUS_FIELD] if outcomes else [])])
        query = Partner._search(domain)
        if query.is_empty():
            return 0, 0, 0
        callable_where = Partner._where_calc(self._callable_domain(outcomes), active_test=False).where_clause
        no_phone_where = Partner._where_calc(NO_PHONE_DOMAIN, active_test=False).where_clause
        self.env.cr.execute(
            query.select(
                SQL("COUNT(*) FILTER (WHERE %s)", callable_where),
                SQL("COUNT(*) FILTER (WHERE %s)", no_phone_where),
                SQL("COUNT(*) FILTER (WHERE %s AND %s)", callable_where, self._waiting_sql()),
            )
        )
        return tuple(self.env.cr.fetchone())

    # ------------------------------------------------------------------
    # Order and pages
    # ------------------------------------------------------------------

    @api.model
    def _calling_hours(self):
        """(start, end) of the calling hours, as times of day."""
        params = self.env["ir.config_parameter"].sudo()

        def as_time(param, default):
            try:
                hours = min(max(float(params.get_param(param) or default), 0.0), 24.0)
            except ValueError:
                hours = default
            minutes = min(round(hours * 60), 24 * 60 - 1)
            return datetime.time(minutes // 60, minutes % 60)

        return as_time(CALLING_START_PARAM, DEFAULT_CALLING_START), as_time(CALLING_END_PARAM, DEFAULT_CALLING_END)

    @api.model
    def _company_tz(self):
        """The time zone of contacts that have none: the company's, else the user's."""
        return self.env.company.partner_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _waiting_sql(self):
        column = SQL.identifier("res_partner", "cold_call_next_at")
        return SQL("(%s IS NOT NULL AND %s > %s)", column, column, fields.Datetime.now())

    @api.model
    def _in_hours_sql(self):
        """Whether a contact is in their calling hours now (their time zone, else the company's).
        Written on the column, whose index and statistics then tell PostgreSQL how few contacts are
        in hours (at night, none of the company's zone): a page reads them from the index rather
        than reading the whole list by name to find none."""
        zones = zones_in_hours(fields.Datetime.now(), *self._calling_hours())
        column = SQL.identifier("res_partner", "cold_call_tz")
        if self._company_tz() in zones:
            return SQL("(%s IS NULL OR %s = ANY(%s::varchar[]))", column, column, zones)
        return SQL("(%s IS NOT NULL AND %s = ANY(%s::varchar[]))", column, column, zones)

    @api.model
    def _segments(self):
        """The groups of a page's order, as SQL conditions, first to last: free to call in their
        calling hours, free outside them, waiting in their calling hours, waiting outside."""
        waiting, in_hours = self._waiting_sql(), self._in_hours_sql()
        return [
            SQL("NOT %s AND %s", waiting, in_hours),
            SQL("NOT %s AND NOT %s", waiting, in_hours),
            SQL("%s AND %s", waiting, in_hours),
            SQL("%s AND NOT %s", waiting, in_hours),
        ]

    @api.model
    def _latest_call_first_key(self):
        """The order of a Hot leads page as SQL terms, all ascending (pages are read from a contact
        by comparing them as one row): waiting last, then outside the calling hours, then the
        latest call first, name, id."""
        return [
            self._waiting_sql(),
            SQL("NOT %s", self._in_hours_sql()),
            SQL("COALESCE(-EXTRACT(EPOCH FROM %s), 0)", SQL.identifier("res_partner", "cold_call_last_date")),
            SQL("COALESCE(%s, '')", SQL.identifier("res_partner", "name")),
            SQL.identifier("res_partner", "id"),
        ]

    @api.model
    def _contacts(
        self,
        domain,
        limit,
        offset=0,
        after_id=False,
        before_id=False,
        anchor_waiting=None,
        from_end=False,
        latest_call_first=False,
    ):
        """Contacts matching ``domain`` in the order of pages: those free to call first, then those
        outside their calling hours, then those still waiting; by name within each group.

        Besides ``offset``, they can be asked next to the page on screen: the contacts right
        ``after_id`` or ``before_id`` (keyset), or the last ``limit`` ones (``from_end``). These
        cost the same anywhere in a long list, where an offset sorts every contact before it.
        The anchor stands where it is now, or, with ``anchor_waiting``, where it stood then.

        Each group is read on its own, by name from the index on (name, id) (res.partner), until
        the page is full: a page of a list of a million contacts reads the page, not the list.
        """
        if latest_call_first:
            return self._contacts_sorted(domain, limit, offset, after_id, before_id, anchor_waiting, from_end)
        Partner = self.env["res.partner"]
        Partner.flush_model(["name", "cold_call_tz", "cold_call_next_at"])
        segments = self._segments()
        name_key = [SQL("COALESCE(%s, '')", SQL.identifier("res_partner", "name")), SQL.identifier("res_partner", "id")]
        descending = bool(before_id or from_end)
        anchor, start = after_id or before_id, None
        if anchor:
            # Read from the anchor only when the user may read it: a hidden contact's name must
            # not order anything the user sees.
            readable = Partner._search([("id", "=", anchor)]).subselect()
            segment_of = SQL(
                "CASE %s END", SQL(" ").join(SQL("WHEN %s THEN %s", cond, n) for n, cond in enumerate(segments))
            )
            self.env.cr.execute(
                SQL("SELECT %s, %s, %s FROM res_partner WHERE id IN %s", segment_of, *name_key, readable)
            )
            start = self.env.cr.fetchone()
            if not start:
                return Partner
            if anchor_waiting is not None:  # the segments go by twos: free, then waiting
                start = (start[0] % 2 + 2 * anchor_waiting, *start[1:])
        order = list(enumerate(segments))[::-1] if descending else list(enumerate(segments))
        skip = 0 if anchor or from_end else offset
        needed, ids = skip + limit, []
        for index, condition in order:
            if start and (index < start[0] if after_id else index > start[0]):
                continue
            query = Partner._search(domain)
            query.add_where(condition)
            if start and index == start[0]:
                operator = SQL(">" if after_id else "<")
                query.add_where(SQL("(%s, %s) %s (%s, %s)", *name_key, operator, start[1], start[2]))
            query.order = SQL(", ").join(SQL("%s DESC", part) if descending else part for part in name_key)
            query.limit = needed - len(ids)
            ids += query.get_result_ids()
            if len(ids) >= needed:
                break
        ids = ids[skip:needed]
        return Partner.browse(ids[::-1] if descending else ids)

    @api.model
    def _contacts_sorted(self, domain, limit, offset, after_id, before_id, anchor_waiting, from_end):
        """_contacts of a list ordered by the latest call first (Hot leads): one sorted query."""
        Partner = self.env["res.partner"]
        key = self._latest_call_first_key()
        Partner.flush_model(["name", "cold_call_tz", "cold_call_next_at", "cold_call_last_date"])
        query = Partner._search(domain)
        anchor = after_id or before_id
        if anchor:
            operator = SQL(">" if after_id else "<")
            # the key's first term is whether the contact waits: as it stood on the page, if given
            anchor_key = key if anchor_waiting is None else [SQL("%s", anchor_waiting), *key[1:]]
            readable = Partner._search([("id", "=", anchor)]).subselect()
            query.add_where(
                SQL(
                    "(%s) %s (SELECT %s FROM res_partner WHERE id IN %s)",
                    SQL(", ").join(key),
                    operator,
                    SQL(", ").join(anchor_key),
                    readable,
                )
            )
        descending = bool(before_id or from_end)
        query.order = SQL(", ").join(SQL("%s DESC", part) if descending else part for part in key)
        query.offset, query.limit = (0 if anchor or from_end else offset), limit
        ids = query.get_result_ids()
        return Partner.browse(ids[::-1] if descending else ids)

    @api.model
    def _page(self, list_key, page, limit, outcomes, counts=None, anchor=None):
        """A page of a list: its contacts (as ``res.partner``) with the list's name and counts.

        Counting scans the list, so ``counts`` (total, skipped, waiting) the screen already has
        are reused when given; ``anchor`` (``after_id`` or ``before_id``) reads the page next to
        the one on screen rather than counting from the start."""
        name, domain = self._resolve(list_key)
        if counts is None:
            try:
                with self.env.cr.savepoint(flush=False):
                    counts = self._count(domain, outcomes)
            except LIST_ERRORS as error:
                raise UserError(self._describe_error(error)) from error
        total, skipped, waiting = counts
        pages = max(1, math.ceil(total / limit))
        page = min(page, pages)
        domain = expression.AND([domain, self._callable_domain(outcomes)])
        order = {"latest_call_first": list_key == HOT_LEADS}
        if page == 1:
            partners = self._contacts(domain, limit, **order)
        elif page == pages:
            partners = self._contacts(domain, total - (pages - 1) * limit, from_end=True, **order)
        else:
            # From the contact next to the page (unless it is gone), else by offset.
            partners = self._contacts(domain, limit, **anchor, **order) if anchor else self.env["res.partner"]
            partners = partners or self._contacts(domain, limit, offset=(page - 1) * limit, **order)
        return {
            "list": {"key": list_key, "name": name},
            "partners": partners,
            "total": total,
            "page": page,
            "pages": pages,
            "page_size": limit,
            "skipped_no_phone": skipped,
            "waiting": waiting,
        }

    @api.model
    def _open_first(self, partner_ids, outcomes, include_waiting=False, refused=None):
        """Hold and return the first of ``partner_ids`` (a page's, in order) still callable and
        free (empty when none), and those passed over as ``{"id", "reason": "unavailable" |
        "waiting" | "refused" | "held", "held_by", "sentence"}``. A contact still waiting after
        its last call, or that may not be called now (``refused``: {id: why}), is only opened
        with ``include_waiting``."""
        refused = {} if include_waiting else refused or {}
        Partner = self.env["res.partner"]
        Holds = self.env["cold.call.hold"]
        if not partner_ids:
            return Partner, []
        domain = expression.AND([[("id", "in", partner_ids)], self._callable_domain(outcomes)])
        now = fields.Datetime.now()
        callable_partners = Partner.search_fetch(domain, ["cold_call_next_at"])
        callable_ids = set(callable_partners.ids)
        ready_ids = {
            partner.id
            for partner in callable_partners
            if include_waiting or not partner.cold_call_next_at or partner.cold_call_next_at <= now
        }
        holds = Holds._active_by_partner(partner_ids)
        skipped = []
        for partner_id in partner_ids:
            if partner_id not in ready_ids or partner_id in refused:
                if partner_id in ready_ids:
                    reason = "refused"
                else:
                    reason = "waiting" if partner_id in callable_ids else "unavailable"
                sentence = refused.get(partner_id, False)
                skipped.append({"id": partner_id, "reason": reason, "held_by": False, "sentence": sentence})
                continue
            hold = holds.get(partner_id)
            if (hold and hold.user_id.id != self.env.uid) or not Holds._acquire(partner_id):
                holder = hold or Holds._active_by_partner([partner_id]).get(partner_id)
                skipped.append({"id": partner_id, "reason": "held", "held_by": holder.user_id.name if holder else ""})
                continue
            return Partner.browse(partner_id), skipped
        return Partner, skipped
