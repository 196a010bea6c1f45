"""Phone numbers as the Dialer shows and dials them: pure functions, cached."""

import functools

import phonenumbers

from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools import phone_validation


@functools.lru_cache(maxsize=4096)
def phone_formats(number, country_code, country_phone_code):
    """(number to show, number to dial) of a typed phone number, through phone_validation.

    One fallback for numbers it rejects (a new or reserved range): shown as typed, dialled in
    E.164 when phonenumbers finds the length possible, else as the digits typed. Cached: a page
    shows the same numbers again and again, and parsing them is most of the cost of a page.
    """
    try:
        return (
            phone_validation.phone_format(number, country_code, country_phone_code, "INTERNATIONAL"),
            phone_validation.phone_format(number, country_code, country_phone_code, "E164"),
        )
    except UserError:
        return number, _possible_e164(number, country_code)


def _possible_e164(number, country_code):
    """The fallback of ``phone_formats``: E.164 of a number of possible length, else its digits."""
    try:
        parsed = phonenumbers.parse(number, country_code or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return "".join(char for char in number if char.isdigit() or char == "+") or False
