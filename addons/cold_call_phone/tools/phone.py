"""The one way the suite reads a phone number: pure functions, cached.

Every number (the Dialer's contacts, MCUBE's events, click-to-call, lookups, users' MCUBE numbers)
goes through ``e164`` once, so that a number has one form from the contact form to MCUBE and back.
"""

import functools

import phonenumbers

from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools import phone_validation

INDIA_CODE = 91


@functools.lru_cache(maxsize=8192)
def e164(number, country_code):
    """The E.164 form of a number as people and MCUBE write it, False when it holds none.

    Core ``phone_validation`` reads it first (prefixes 0, 00, the country code, spaces, dashes),
    with ``country_code`` (ISO) for numbers without one. A number it rejects only for being in a
    range its metadata does not know (new, reserved) still gets the E.164 form of its digits when
    their count is possible for the country, so that calls from it match each other.
    """
    text = str(number or "").strip()
    if not text:
        return False
    try:
        return phone_validation.phone_format(text, country_code or None, None, force_format="E164")
    except UserError:
        pass
    try:
        parsed = phonenumbers.parse(text, country_code or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=8192)
def mcube_number(number):
    """MCUBE's form of an E.164 ``number``: the 10 digits of an Indian number, None for any other
    number (MCUBE calls India only)."""
    try:
        parsed = phonenumbers.parse(number or "", None)
    except phonenumbers.NumberParseException:
        return None
    national = str(parsed.national_number)
    return national if parsed.country_code == INDIA_CODE and len(national) == 10 else None


def indian(number):
    """Whether an E.164 ``number`` is Indian (country code 91: no other code starts with 91)."""
    return bool(number) and number.startswith(f"+{INDIA_CODE}")


@functools.lru_cache(maxsize=8192)
def international(number, country_code):
    """A number as people read it: the international format of a valid number, else as typed."""
    text = str(number or "").strip()
    return phone_validation.phone_format(text, country_code or None, None, raise_exception=False) if text else ""
