import json
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import pytz

from odoo import _, api, models
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
DEFAULT_TIMEZONE = "Asia/Kolkata"
PARAM_COUNTRY = "mcube_integration.country_id"
PARAM_TIMEZONE = "mcube_integration.timezone"


def digits_of(value):
    return re.sub(r"\D", "", value or "")


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


class McubePayload(models.AbstractModel):
    """Reads MCUBE data: decodes a delivery, checks field types and maps both payload
    shapes to one canonical dict, so the webhook and the job agree on what an event
    says; normalizes its numbers and times with the MCUBE settings."""

    _name = "mcube.payload"
    _description = "MCUBE payload reader"

    @api.model
    def _body_kind(self, mimetype):
        """'json', 'form' or False for a request Content-Type (parameters stripped)."""
        if mimetype in JSON_MIMETYPES or (mimetype or "").endswith("+json"):
            return "json"
        if mimetype == FORM_MIMETYPE:
            return "form"
        return False

    @api.model
    def _decode(self, raw, kind):
        """Body bytes -> (text as received, dict of fields); ValidationError when malformed."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The body is not valid UTF-8.")) from error
        if "\x00" in text:
            raise ValidationError(_("The body contains NUL characters."))
        if kind == "form":
            try:
                return text, dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
            except (UnicodeDecodeError, ValueError) as error:
                raise ValidationError(_("The form body is malformed.")) from error
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValidationError(_("Malformed JSON: %(error)s", error=error)) from error
        if not isinstance(data, dict):
            raise ValidationError(_("The JSON body must be an object."))
        return text, data

    @api.model
    def _parse(self, data):
        """Canonical event dict from a decoded payload; ValidationError names the bad field."""
        fields_ = {}
        names = {}
        for key, value in data.items():
            name = str(key).strip().lower()
            name = ALIASES.get(name, name)
            if name not in TEXT_FIELDS or (name in fields_ and fields_[name] not in (None, "")):
                continue
            fields_[name] = self._text(key, value)
            names[name] = key
        call_id = fields_.get("callid") or ""
        if not call_id:
            raise ValidationError(_("The call id is missing (callid or CallSessionId)."))
        if len(call_id) > MAX_CALL_ID_LENGTH:
            raise ValidationError(
                _("%(field)s: longer than %(max)s characters.", field=names["callid"], max=MAX_CALL_ID_LENGTH)
            )
        direction = DIRECTIONS.get(fields_.get("direction", "").lower(), False)
        customer = fields_.get("callto", "")
        if not customer and (fields_.get("sourcenumber") or fields_.get("destinationnumber")):
            direction, customer = self._resolve_titlecase_numbers(fields_, direction)
        raw_status = fields_.get("dialstatus", "")
        status = normalize_status(raw_status)
        end_time = self._time(names.get("endtime"), fields_.get("endtime"))
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
            "start_time": self._time(names.get("starttime"), fields_.get("starttime")),
            "end_time": end_time,
            "duration": self._duration(names.get("answeredtime"), fields_.get("answeredtime")),
            "recording_url": recording if self._is_web_url(recording) else False,
            "disconnected_by": fields_.get("disconnectedby", ""),
            "refid": fields_.get("refid", ""),
        }

    @api.model
    def _text(self, key, value):
        """Field value as stripped text; only text and whole numbers are accepted."""
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(_("%(field)s: expected text or a number.", field=key))
        if isinstance(value, float):
            if not value.is_integer():
                raise ValidationError(_("%(field)s: expected a whole number.", field=key))
            value = int(value)
        text = str(value).strip()
        if "\x00" in text:
            raise ValidationError(_("%(field)s: contains NUL characters.", field=key))
        return text

    @api.model
    def _resolve_titlecase_numbers(self, fields_, direction):
        """TitleCase payloads give source/destination; the side equal to the DID is ours."""
        source = fields_.get("sourcenumber", "")
        destination = fields_.get("destinationnumber", "")
        did = digits_of(fields_.get("clicktocalldid", ""))[-10:]
        if did and digits_of(source)[-10:] == did:
            return direction or "outbound", destination
        if direction == "outbound":
            return direction, destination
        return direction or "inbound", source

    @api.model
    def _time(self, key, value):
        """Naive local datetime (or aware when an offset is given), None when empty."""
        if not value or value in ZERO_DATES:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError as error:
            raise ValidationError(
                _("%(field)s: expected a date and time as YYYY-MM-DD HH:MM:SS.", field=key)
            ) from error

    @api.model
    def _duration(self, key, value):
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
        raise ValidationError(_("%(field)s: expected a number of seconds or HH:MM:SS.", field=key))

    @api.model
    def _is_web_url(self, url):
        """Only http(s) links are shown to users: anything else could run script."""
        try:
            parts = urlsplit(url or "")
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and bool(parts.netloc)

    @api.model
    def _country(self):
        """Country of numbers without a prefix: Settings, else the company's, else India."""
        country_id = self.env["ir.config_parameter"].sudo().get_param(PARAM_COUNTRY)
        country = self.env["res.country"].browse(int(country_id)).exists() if country_id else None
        return country or self.env.company.country_id or self.env.ref("base.in")

    @api.model
    def _normalize_phone(self, number, country=None):
        """E.164 form of a number as MCUBE or a user writes it (10 digits, 0 / 91 / 0091 /
        +91 prefixes, spaces, dashes), False when it holds no phone number.

        phonenumbers decides first; numbers it finds implausible still get a stable
        '+<country code><digits>' key so that repeated calls from them match each other."""
        text = re.sub(r"[\s\-().]", "", str(number or ""))
        if not re.fullmatch(r"\+?\d+", text):
            return False
        if text.startswith("00"):
            text = "+" + text[2:]
        country = country or self._country()
        formatted = self._phone_format(number=text, country=country, force_format="E164")
        if formatted:
            return formatted
        digits = text.lstrip("+0")
        code = str(country.phone_code or "")
        if not text.startswith("+") and not (code and digits.startswith(code) and len(digits) > 10):
            digits = code + digits
        return f"+{digits}" if 8 <= len(digits) <= 15 else False

    @api.model
    def _to_utc(self, value):
        """Naive UTC datetime for Odoo from MCUBE's local time (timezone from Settings)."""
        if not value:
            return False
        if value.tzinfo is None:
            tz_name = self.env["ir.config_parameter"].sudo().get_param(PARAM_TIMEZONE) or DEFAULT_TIMEZONE
            value = pytz.timezone(tz_name).localize(value)
        return value.astimezone(pytz.utc).replace(tzinfo=None)
