import ast
import datetime
import re
from types import SimpleNamespace

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from ..const import COUNT_CAP

# A saved search must stay a plain domain for the Dialer to evaluate it: literals, the names and
# helpers the web client offers, and cheap operations. Anything that could loop or allocate at will
# (comprehensions, ranges, ``**``, repetition, arbitrary calls) is refused before it runs, so that
# one search saved by anyone cannot stall every rep's Dialer.
MAX_DOMAIN_LENGTH = 100_000
MAX_DOMAIN_NODES = 20_000
PLAIN_DOMAIN_NODES = (
    ast.Expression,
    ast.List,
    ast.Tuple,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Attribute,
    ast.Call,
    ast.keyword,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.IfExp,
    ast.Subscript,
)
# Functions and methods a web-client domain calls (context_today(), relativedelta(),
# datetime.datetime.combine(...).to_utc().strftime(...), time.strftime(...)).
PLAIN_DOMAIN_CALLS = {
    "context_today",
    "relativedelta",
    "strftime",
    "to_utc",
    "combine",
    "replace",
    "date",
    "datetime",
    "time",
    "timedelta",
    "now",
    "today",
    "isoformat",
    "get",
}
COUNT_TIMEOUT_MS = 500


class SlowSavedSearch(Exception):
    """Counting a saved search took longer than the list screen allows."""


# What a saved search can raise while it is evaluated or counted: reported on the filter, never raised.
FILTER_ERRORS = (
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
SAFE_EVAL_ERROR = re.compile(r"^<class '(?:\w+\.)*(\w+)'>: \"(.*)\" while evaluating", re.DOTALL)


def _web_datetime_namespace(tz):
    """The ``datetime`` the web client offers to domains, with its ``to_utc()`` helper."""

    class WebDateTime(datetime.datetime):
        def to_utc(self):
            return tz.localize(self.replace(tzinfo=None)).astimezone(pytz.utc).replace(tzinfo=None)

    return SimpleNamespace(date=datetime.date, datetime=WebDateTime, time=datetime.time, timedelta=datetime.timedelta)


class IrFilters(models.Model):
    """Saved searches evaluated on the server exactly as the web client evaluates them, so that a
    search saved in the Contacts app gives the Dialer the same contacts."""

    _inherit = "ir.filters"

    def _get_eval_domain(self):
        """The domain with what the web client offers: ``uid``, ``context_today()`` in the user's
        time zone, ``relativedelta``, ``datetime`` and ``time``. Raises the evaluation's error;
        ``_describe_eval_error`` turns it into one line for the user."""
        self.ensure_one()
        domain = safe_eval(self.domain or "[]", self._web_eval_context())
        if not isinstance(domain, list | tuple):
            raise ValueError(_("the domain is not a list"))
        return list(domain)

    def _cold_call_domain(self):
        """The domain for the Dialer: ``_get_eval_domain`` once the text is known to be a plain
        domain within the size budget. Raises ValueError naming what is not allowed."""
        self.ensure_one()
        text = self.domain or "[]"
        if len(text) > MAX_DOMAIN_LENGTH:
            raise ValueError(_("the domain is longer than %s characters", MAX_DOMAIN_LENGTH))
        tree = ast.parse(text.strip(), mode="eval")
        nodes = list(ast.walk(tree))
        if len(nodes) > MAX_DOMAIN_NODES:
            raise ValueError(_("the domain is too large"))
        for node in nodes:
            if not isinstance(node, PLAIN_DOMAIN_NODES):
                raise ValueError(_("%s is not allowed in a saved search", type(node).__name__))
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name not in PLAIN_DOMAIN_CALLS:
                    raise ValueError(_("calling %s() is not allowed in a saved search", name or "this"))
        return self._get_eval_domain()

    @api.model
    def _cold_call_count_budget(self, count):
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
    def _web_eval_context(self):
        """The evaluation context of the web client (``user_context`` plus its domain helpers)."""
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
    def _describe_eval_error(self, error):
        """A one-line reason for a broken saved search, without safe_eval's or PostgreSQL's wrapping."""
        if isinstance(error, UserError | SlowSavedSearch):
            message = error.args[0]
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
    def _cold_call_capped_count(self, domain):
        """Contacts in ``domain``, counted up to COUNT_CAP: exact counts of every list would scan
        the whole address book once per list."""
        count = self.env["res.partner"].search_count(domain, limit=COUNT_CAP + 1)
        return {"count": min(count, COUNT_CAP), "count_capped": count > COUNT_CAP, "error": False}

    def _cold_call_domain_error(self):
        """Why this saved search cannot be used in the Dialer, or False."""
        try:
            self._cold_call_domain()
        except FILTER_ERRORS as error:
            return self._describe_eval_error(error)
        return False

    def _cold_call_contacts_left(self, callable_domain):
        """The contacts this saved search still offers in the Dialer (those in ``callable_domain``),
        as the list screen counts them; a search that cannot be used comes with its error."""
        self.ensure_one()
        try:
            domain = expression.AND([self._cold_call_domain(), callable_domain])
            return self._cold_call_count_budget(lambda: self._cold_call_capped_count(domain))
        except FILTER_ERRORS as error:
            return {"count": False, "count_capped": False, "error": self._describe_eval_error(error)}

    @api.model
    def _cold_call_filters(self):
        """Saved searches on contacts that the user owns or that are shared."""
        return self.search(
            [("model_id", "=", "res.partner"), ("user_id", "in", [self.env.uid, False])], order="name, id"
        )

    @api.model
    def _cold_call_filter(self, filter_id):
        """The contact search ``filter_id`` if the user may call it (own or shared), else empty."""
        return self.search(
            [("id", "=", filter_id), ("model_id", "=", "res.partner"), ("user_id", "in", [self.env.uid, False])]
        )
