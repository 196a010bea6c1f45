"""Reading a saved search's domain the way the web client does, without trusting its text:
pure functions. Messages are lazy terms (``_lt``), translated where they are shown.

A saved search must stay a plain domain for the Dialer to evaluate it: literals, the names and
helpers the web client offers, and cheap operations. Anything that could loop or allocate at will
(comprehensions, ranges, ``**``, repetition, arbitrary calls) is refused before it runs, so that one
search saved by anyone cannot stall every rep's Dialer.
"""

import ast
import datetime
from types import SimpleNamespace

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _lt
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

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
# datetime.datetime.combine(...).to_utc().strftime(...), time.strftime(...)). None of them makes
# a value much larger than the text that asks for it, but str.replace, which shares its name with
# date.replace: that one is allowed with keyword arguments only (replace(day=1)), which
# str.replace does not take.
KEYWORDS_ONLY_CALLS = {"replace"}
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


class NotPlainDomain(ValueError):
    """The text of a saved search is not a plain domain; the message (an _lt term) says why."""


def check_plain(text):
    """Raise NotPlainDomain unless ``text`` is a plain domain within the size budget."""
    if len(text) > MAX_DOMAIN_LENGTH:
        raise NotPlainDomain(_lt("the domain is longer than %s characters", MAX_DOMAIN_LENGTH))
    nodes = list(ast.walk(ast.parse(text.strip(), mode="eval")))
    if len(nodes) > MAX_DOMAIN_NODES:
        raise NotPlainDomain(_lt("the domain is too large"))
    for node in nodes:
        if not isinstance(node, PLAIN_DOMAIN_NODES):
            raise NotPlainDomain(_lt("%s is not allowed in a saved search", type(node).__name__))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in PLAIN_DOMAIN_CALLS:
                raise NotPlainDomain(_lt("calling %s() is not allowed in a saved search", name or "this"))
            if name in KEYWORDS_ONLY_CALLS and node.args:
                raise NotPlainDomain(_lt("%s() takes keyword arguments only in a saved search", name))


def evaluate(text, context):
    """The domain of a plain ``text`` (see check_plain), as a list; ValueError when it is not one,
    or when it came out larger than a domain's text may be (a last guard on growth)."""
    check_plain(text)
    domain = safe_eval(text, context)
    if not isinstance(domain, list | tuple):
        raise NotPlainDomain(_lt("the domain is not a list"))
    if len(repr(domain)) > 2 * MAX_DOMAIN_LENGTH:
        raise NotPlainDomain(_lt("the domain is too large"))
    return list(domain)


def web_context(user_context, uid, company_ids):
    """The evaluation context of the web client: ``user_context`` plus its domain helpers, with
    ``context_today()`` and ``datetime...to_utc()`` in the user's time zone."""
    try:
        tz = pytz.timezone(user_context.get("tz") or "UTC")
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    now = datetime.datetime.now(tz).replace(tzinfo=None)
    today = now.date()

    class WebDateTime(datetime.datetime):
        def to_utc(self):
            return tz.localize(self.replace(tzinfo=None)).astimezone(pytz.utc).replace(tzinfo=None)

    return {
        **user_context,
        "uid": uid,
        "allowed_company_ids": company_ids,
        "context_today": lambda: today,
        "today": today.strftime("%Y-%m-%d"),
        "current_date": today.strftime("%Y-%m-%d"),
        "now": now.strftime("%Y-%m-%d %H:%M:%S"),
        "relativedelta": relativedelta,
        "datetime": SimpleNamespace(
            date=datetime.date, datetime=WebDateTime, time=datetime.time, timedelta=datetime.timedelta
        ),
        "time": safe_time,
    }
