"""Talking to MCUBE's click-to-call API: the request bodies (placing a call, releasing it), the
POST and the reading of an answer whose format is not published. Pure functions, no environment: the model turns the
failure reasons into translated sentences.

MCUBE may answer JSON or plain text, with or without a call id, and says "no" in several
ways (an HTTP error, a known refusal text, an error field, a page that is not an answer):
every way ends in one ClickToCallError and its ``reason``."""

import json
import re

import requests

# MCUBE's known refusal, compared without case and with spaces collapsed.
REFUSAL = "executive is not opted for outbound calls or agent is in oncall"
CALL_ID_KEYS = ("callid", "monitorucid", "call_id", "ucid", "callsessionid", "uniqueid")
ERROR_KEYS = ("error", "errors", "err")
STATUS_KEYS = ("status", "success", "result", "type")
MESSAGE_KEYS = ("message", "msg", "description", "reason")
ERROR_VALUES = ("false", "error", "failed", "failure", "fail", "invalid")
ERROR_WORDS = re.compile(
    r"\b(error|invalid|fail(ed|ure)?|unauthori[sz]ed|denied|forbidden|exception|refused|not opted)\b", re.IGNORECASE
)
TEXT_CALL_ID = re.compile(r"\b(?:callid|monitorucid|call_id|ucid)\b\W{0,3}([\w.-]{1,128})", re.IGNORECASE)
MAX_ANSWER = 2000
MAX_DEPTH = 4


class ClickToCallError(Exception):
    """MCUBE did not place the call: ``reason`` (timeout, connection, bad_url, refused, auth,
    client_error, server_error, unreadable or error), the HTTP ``status`` when there is one
    and the ``answer`` text (for support, never shown as is)."""

    def __init__(self, reason, status=None, answer=""):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.answer = answer


def request_body(token, executive, customer, refurl, refid, did=False):
    body = {
        "HTTP_AUTHORIZATION": token,
        "exenumber": executive,
        "custnumber": customer,
        "refurl": refurl,
        "refid": refid,
    }
    return {**body, "did": did} if did else body


def release_body(token, call_id):
    return {"token": token, "callid": call_id}


def post(endpoint, body, timeouts):
    """POST a request (a click-to-call, a call release); the call id MCUBE gave (False when
    none) and its answer as text. Raises ClickToCallError when MCUBE did not do it."""
    try:
        response = requests.post(endpoint, json=body, timeout=timeouts, allow_redirects=False)
    except requests.Timeout as error:
        raise ClickToCallError("timeout") from error
    except requests.ConnectionError as error:
        raise ClickToCallError("connection") from error
    except requests.RequestException as error:  # bad address: no scheme, invalid URL
        raise ClickToCallError("bad_url") from error
    text = answer_text(response.content)
    status = response.status_code
    if text is not None and REFUSAL in " ".join(text.lower().split()):
        raise ClickToCallError("refused", status, text)
    if status in (401, 403):
        raise ClickToCallError("auth", status, text or "")
    if 400 <= status < 500 or 300 <= status < 400:
        raise ClickToCallError("client_error", status, text or "")
    if status >= 500:
        raise ClickToCallError("server_error", status, text or "")
    if text is None:
        raise ClickToCallError("unreadable", status, repr(response.content[:200]))
    return read_answer(text, status), text


def answer_text(content):
    """The answer as text, None when it is not text (binary garbage, NUL or control characters)."""
    try:
        text = content[:MAX_ANSWER].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        return None
    return text.strip()


def read_answer(text, status):
    """The call id of a successful answer (False when it gives none); ClickToCallError when
    the answer says the call was not placed."""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    if isinstance(data, dict | list):
        if json_says_error(data):
            raise ClickToCallError("error", status, text)
        return find_call_id(data) or False
    if ERROR_WORDS.search(text):
        raise ClickToCallError("error", status, text)
    match = TEXT_CALL_ID.search(text)
    return match.group(1) if match else False


def json_says_error(data, depth=0):
    """An error field, a failed status or a message with an error word, at any depth."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(data, list):
        return any(json_says_error(item, depth + 1) for item in data if isinstance(item, dict | list))
    for key, value in data.items():
        name = str(key).lower()
        if name in ERROR_KEYS and value not in (None, False, "", [], {}, "0", "false"):
            return True
        if name in STATUS_KEYS and (value is False or str(value).strip().lower() in ERROR_VALUES):
            return True
        if name in MESSAGE_KEYS and isinstance(value, str) and ERROR_WORDS.search(value):
            return True
        if isinstance(value, dict | list) and json_says_error(value, depth + 1):
            return True
    return False


def find_call_id(data, depth=0):
    """The first call id (callid, monitorUcid...) found in the answer, keys compared without
    case; the answer's own keys first, then nested objects."""
    if depth > MAX_DEPTH:
        return None
    pairs = list(data.items() if isinstance(data, dict) else enumerate(data))
    for key, value in pairs:
        text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if text and str(key).lower() in CALL_ID_KEYS:
            return text[:128]
    for _key, value in pairs:
        found = find_call_id(value, depth + 1) if isinstance(value, dict | list) else None
        if found:
            return found
    return None


def redact(text, secrets):
    """Text stored for support, with the secrets it may echo (the account token) hidden."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
