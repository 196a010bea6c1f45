"""Reading MCUBE deliveries: decode a body, check its field types and map both payload
shapes (lowercase and TitleCase) to one canonical dict, so that the webhook and the job
agree on what an event says. Pure functions: no environment, no settings.

Errors are PayloadError, whose message is a lazy term (_lt): ``str(error)`` translates
it in the language of the code that answers or records it, which has the environment.

A value that is well formed but cannot be stored (NUL, lone surrogates, too long, a time
or a duration out of range) refuses the delivery only when it is the call id; any other
such value is left out and named in the parsed dict's ``warnings``, so that a delivery
the webhook accepted can always be processed."""

import json
import re
import sys
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from odoo import _lt
from odoo.exceptions import ValidationError

from odoo.addons.cold_call_phone.tools import phone

JSON_MIMETYPES = ("application/json", "text/json")
FORM_MIMETYPE = "application/x-www-form-urlencoded"

# TitleCase shape -> lowercase shape; SourceNumber/DestinationNumber are resolved separately.
ALIASES = {
    "callsessionid": "callid",
    "status": "dialstatus",
    "resourceurl": "filename",
    "callduration": "answeredtime",
    "displaynumber": "clicktocalldid",
}
TEXT_FIELDS = (
    "callid",
    "starttime",
    "endtime",
    "callto",
    "clicktocalldid",
    "emp_phone",
    "agentname",
    "groupname",
    "dialstatus",
    "direction",
    "disconnectedby",
    "answeredtime",
    "filename",
    "refid",
    "sourcenumber",
    "destinationnumber",
)
DIRECTIONS = {
    "inbound": "inbound",
    "incoming": "inbound",
    "in": "inbound",
    "outbound": "outbound",
    "outgoing": "outbound",
    "out": "outbound",
}
STATUS_EXACT = {
    "answer": "answered",
    "answered": "answered",
    "connected": "answered",
    "completed": "answered",
    "noanswer": "no_answer",
    "notanswered": "no_answer",
    "unanswered": "no_answer",
    "missed": "no_answer",
    "missedcall": "no_answer",
    "noresponse": "no_answer",
    "failed": "failed",
    "failure": "failed",
    "fail": "failed",
    "chanunavail": "failed",
    "congestion": "failed",
    "unavailable": "failed",
    "notreachable": "failed",
}
FINAL_STATUSES = ("answered", "no_answer", "busy", "cancelled", "failed")
MISSED_STATUSES = ("no_answer", "busy", "cancelled", "failed")
ZERO_DATES = ("0000-00-00 00:00:00", "0000-00-00")
MAX_CALL_ID_LENGTH = 128
MAX_TEXT_LENGTH = 256
MAX_LENGTHS = {"callid": MAX_CALL_ID_LENGTH, "filename": 2048}
# Local times outside these years are left out: converted to UTC with any offset they
# still fit Python's datetime and PostgreSQL, and format with four digits.
MIN_YEAR, MAX_YEAR = 1900, 9998
MAX_DURATION = 2**31 - 1  # PostgreSQL integer
# MCUBE's events are flat objects. A fixed limit, far below Python's recursion limit, makes the
# webhook and the job (which parses deeper in the stack) refuse the same bodies.
MAX_JSON_DEPTH = 32
NOT_FIELDS = ("call_id", "phase", "warnings")


class PayloadError(ValidationError):
    """A delivery that cannot be read; the message (an _lt term) names the bad field."""


def body_kind(mimetype):
    """'json', 'form' or False for a request Content-Type (parameters stripped)."""
    if mimetype in JSON_MIMETYPES or (mimetype or "").endswith("+json"):
        return "json"
    if mimetype == FORM_MIMETYPE:
        return "form"
    return False


def decode(raw, kind):
    """Body bytes -> (text as received, dict of fields); PayloadError when malformed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(_lt("The body is not valid UTF-8.")) from error
    if "\x00" in text:
        raise PayloadError(_lt("The body contains NUL characters."))
    if kind == "form":
        try:
            return text, dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
        except (UnicodeDecodeError, ValueError) as error:
            raise PayloadError(_lt("The form body is malformed.")) from error
    try:
        data = json.loads(text, parse_int=json_int)
    except RecursionError as error:
        raise PayloadError(_lt("The JSON body is nested too deeply.")) from error
    except ValueError as error:
        raise PayloadError(_lt("Malformed JSON: %(error)s", error=error)) from error
    if not isinstance(data, dict):
        raise PayloadError(_lt("The JSON body must be an object."))
    if json_depth(data) > MAX_JSON_DEPTH:
        raise PayloadError(_lt("The JSON body is nested too deeply."))
    return text, data


def json_depth(value):
    """How deep containers nest in decoded JSON, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def json_int(digits):
    """An integer of the JSON body: Python refuses to read more than a few thousand digits
    (sys.get_int_max_str_digits), with a message meant for programmers."""
    limit = sys.get_int_max_str_digits()  # 0: no limit
    if limit and len(digits) > limit:
        raise PayloadError(_lt("A number in the body has too many digits."))
    return int(digits)


def parse(data):
    """Canonical event dict from a decoded payload; PayloadError names the bad field.
    Numbers and times are returned as sent: normalizing them needs the MCUBE settings.
    ``warnings`` lists the values left out because they cannot be stored."""
    fields_ = {}
    names = {}
    warnings = []
    for key, value in data.items():
        name = str(key).strip().lower()
        name = ALIASES.get(name, name)
        if name not in TEXT_FIELDS or fields_.get(name):
            continue
        text = field_text(key, value)
        problem = storage_problem(key, text, MAX_LENGTHS.get(name, MAX_TEXT_LENGTH))
        if problem and name == "callid":
            raise PayloadError(problem)
        if problem:
            warnings.append(problem)
            text = ""
        fields_[name] = text
        names[name] = key
    call_id = fields_.get("callid") or ""
    if not call_id:
        raise PayloadError(_lt("The call id is missing (callid or CallSessionId)."))
    direction = DIRECTIONS.get(fields_.get("direction", "").lower(), False)
    customer = fields_.get("callto", "")
    if not customer and (fields_.get("sourcenumber") or fields_.get("destinationnumber")):
        direction, customer = resolve_titlecase_numbers(fields_, direction)
    raw_status = fields_.get("dialstatus", "")
    status = normalize_status(raw_status)
    end_time = parse_time(names.get("endtime"), fields_.get("endtime"), warnings)
    recording = fields_.get("filename", "")
    return {
        "call_id": call_id,
        "phase": "hangup" if end_time or status in FINAL_STATUSES else "start",
        "direction": direction,
        "customer_number": customer,
        "virtual_number": fields_.get("clicktocalldid", ""),
        "agent_phone": fields_.get("emp_phone", ""),
        "agent_name": fields_.get("agentname", ""),
        "group_name": fields_.get("groupname", ""),
        "raw_status": raw_status,
        "status": status,
        "start_time": parse_time(names.get("starttime"), fields_.get("starttime"), warnings),
        "end_time": end_time,
        "duration": parse_duration(names.get("answeredtime"), fields_.get("answeredtime"), warnings),
        "recording_url": recording if is_web_url(recording) else False,
        "disconnected_by": fields_.get("disconnectedby", ""),
        "refid": fields_.get("refid", ""),
        "warnings": warnings,
    }


def given_fields(call):
    """Names of the canonical fields a parsed delivery gives a value for: a redelivery
    that gives none the stored deliveries lacked brings nothing new."""
    return {name for name, value in call.items() if name not in NOT_FIELDS and value not in (None, False, "")}


def field_text(key, value):
    """Field value as stripped text; only text and whole numbers are accepted."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PayloadError(_lt("%(field)s: expected text or a number.", field=key))
    if isinstance(value, float):
        if not value.is_integer():
            raise PayloadError(_lt("%(field)s: expected a whole number.", field=key))
        value = int(value)
    return str(value).strip()


def storage_problem(key, text, max_length):
    """Why PostgreSQL cannot store the text (NUL, lone UTF-16 surrogates from a JSON
    escape such as \\ud800), or why it is too long to be a real value; None when fine."""
    if "\x00" in text:
        return _lt("%(field)s: contains NUL characters.", field=key)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _lt("%(field)s: contains invalid Unicode (a lone surrogate).", field=key)
    if len(text) > max_length:
        return _lt("%(field)s: longer than %(max)s characters.", field=key, max=max_length)
    return None


def resolve_titlecase_numbers(fields_, direction):
    """TitleCase payloads give source/destination; the side equal to the DID is ours. MCUBE's
    numbers are Indian: they are compared in MCUBE's own form."""
    source = fields_.get("sourcenumber", "")
    destination = fields_.get("destinationnumber", "")
    did = mcube_form(fields_.get("clicktocalldid", ""))
    if did and mcube_form(source) == did:
        return direction or "outbound", destination
    if direction == "outbound":
        return direction, destination
    return direction or "inbound", source


def parse_time(key, value, warnings):
    """Naive local datetime (or aware when an offset is given), None when empty or left
    out (named in warnings) because its year is out of range."""
    if not value or value in ZERO_DATES:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise PayloadError(_lt("%(field)s: expected a date and time as YYYY-MM-DD HH:MM:SS.", field=key)) from error
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        warnings.append(_lt("%(field)s: outside the years %(min)s to %(max)s.", field=key, min=MIN_YEAR, max=MAX_YEAR))
        return None
    return moment


def parse_duration(key, value, warnings):
    """Seconds from 'HH:MM:SS', 'MM:SS' or a number of seconds; None when empty or left
    out (named in warnings) because PostgreSQL's integer cannot hold it. Only ASCII
    digits: str.isdigit() also accepts '²', which int() refuses."""
    if not value:
        return None
    head, *rest = value.split(":")
    if not (
        len(rest) <= 2 and re.fullmatch(r"[0-9]+", head) and all(re.fullmatch(r"[0-5]?[0-9]", part) for part in rest)
    ):
        raise PayloadError(_lt("%(field)s: expected a number of seconds or HH:MM:SS.", field=key))
    # int() refuses thousands of digits: a count longer than the maximum is out of range anyway.
    digits = head.lstrip("0") or "0"
    seconds = int(digits) if len(digits) <= len(str(MAX_DURATION)) else MAX_DURATION + 1
    for part in rest:
        seconds = seconds * 60 + int(part)
    if seconds > MAX_DURATION:
        warnings.append(_lt("%(field)s: more than %(max)s seconds.", field=key, max=MAX_DURATION))
        return None
    return seconds


def is_web_url(url):
    """Only http(s) links are shown to users: anything else could run script."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def normalize_status(raw):
    """Map MCUBE's free-text dial status to a selection value, False when unknown."""
    key = re.sub(r"[^a-z]", "", (raw or "").lower())
    if not key:
        return False
    if "busy" in key:
        return "busy"
    if "cancel" in key:
        return "cancelled"
    if "noanswer" in key:
        return "no_answer"
    return STATUS_EXACT.get(key, False)


def mcube_form(number):
    """MCUBE's 10-digit form of a number MCUBE sent, None when it is not an Indian number."""
    return phone.mcube_number(phone.e164(number, "IN"))
