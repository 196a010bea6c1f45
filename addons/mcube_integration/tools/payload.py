"""Reading MCUBE deliveries: decode a body, check its field types and map both payload
shapes (lowercase and TitleCase) to one canonical dict, so that the webhook and the job
agree on what an event says. Pure functions: no environment, no settings.

Errors are PayloadError, whose message is a lazy term (_lt): ``str(error)`` translates
it in the language of the code that answers or records it, which has the environment."""

import json
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from odoo import _lt
from odoo.exceptions import ValidationError

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
        data = json.loads(text)
    except ValueError as error:
        raise PayloadError(_lt("Malformed JSON: %(error)s", error=error)) from error
    if not isinstance(data, dict):
        raise PayloadError(_lt("The JSON body must be an object."))
    return text, data


def parse(data):
    """Canonical event dict from a decoded payload; PayloadError names the bad field.
    Numbers and times are returned as sent: normalizing them needs the MCUBE settings."""
    fields_ = {}
    names = {}
    for key, value in data.items():
        name = str(key).strip().lower()
        name = ALIASES.get(name, name)
        if name not in TEXT_FIELDS or (name in fields_ and fields_[name] not in (None, "")):
            continue
        fields_[name] = field_text(key, value)
        names[name] = key
    call_id = fields_.get("callid") or ""
    if not call_id:
        raise PayloadError(_lt("The call id is missing (callid or CallSessionId)."))
    if len(call_id) > MAX_CALL_ID_LENGTH:
        raise PayloadError(
            _lt("%(field)s: longer than %(max)s characters.", field=names["callid"], max=MAX_CALL_ID_LENGTH)
        )
    direction = DIRECTIONS.get(fields_.get("direction", "").lower(), False)
    customer = fields_.get("callto", "")
    if not customer and (fields_.get("sourcenumber") or fields_.get("destinationnumber")):
        direction, customer = resolve_titlecase_numbers(fields_, direction)
    raw_status = fields_.get("dialstatus", "")
    status = normalize_status(raw_status)
    end_time = parse_time(names.get("endtime"), fields_.get("endtime"))
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
        "start_time": parse_time(names.get("starttime"), fields_.get("starttime")),
        "end_time": end_time,
        "duration": parse_duration(names.get("answeredtime"), fields_.get("answeredtime")),
        "recording_url": recording if is_web_url(recording) else False,
        "disconnected_by": fields_.get("disconnectedby", ""),
        "refid": fields_.get("refid", ""),
    }


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
    text = str(value).strip()
    if "\x00" in text:
        raise PayloadError(_lt("%(field)s: contains NUL characters.", field=key))
    return text


def resolve_titlecase_numbers(fields_, direction):
    """TitleCase payloads give source/destination; the side equal to the DID is ours."""
    source = fields_.get("sourcenumber", "")
    destination = fields_.get("destinationnumber", "")
    did = digits_of(fields_.get("clicktocalldid", ""))[-10:]
    if did and digits_of(source)[-10:] == did:
        return direction or "outbound", destination
    if direction == "outbound":
        return direction, destination
    return direction or "inbound", source


def parse_time(key, value):
    """Naive local datetime (or aware when an offset is given), None when empty."""
    if not value or value in ZERO_DATES:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise PayloadError(_lt("%(field)s: expected a date and time as YYYY-MM-DD HH:MM:SS.", field=key)) from error


def parse_duration(key, value):
    """Seconds from 'HH:MM:SS', 'MM:SS' or a number of seconds; None when empty."""
    if not value:
        return None
    parts = value.split(":")
    if len(parts) <= 3 and all(part.isdigit() for part in parts):
        numbers = [int(part) for part in parts]
        if all(number < 60 for number in numbers[1:]):
            seconds = 0
            for number in numbers:
                seconds = seconds * 60 + number
            return seconds
    raise PayloadError(_lt("%(field)s: expected a number of seconds or HH:MM:SS.", field=key))


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


def digits_of(value):
    return re.sub(r"\D", "", value or "")
