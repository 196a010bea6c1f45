"""Do-not-call is kept per number now (core ``phone.blacklist``): the numbers of contacts that
already carry a do-not-call outcome are opted out, so that the same number on another contact
or lead is spared too, as a new opt-out would be."""

from markupsafe import Markup

from odoo import SUPERUSER_ID, api

from odoo.addons.cold_call_dialer.const import STATUS_FIELD


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    do_not_call = env["cold.call.outcome"].with_context(active_test=False).search([("do_not_call", "=", True)])
    if not do_not_call or STATUS_FIELD not in env["res.partner"]._fields:
        return
    partners = (
        env["res.partner"].with_context(active_test=False).search([(STATUS_FIELD, "in", do_not_call.mapped("value"))])
    )
    numbers = sorted({number for partner in partners for number in partner._cold_call_dial_numbers()})
    if numbers:
        message = Markup("<p>Opted out on upgrade: a contact with this number had a do-not-call outcome.</p>")
        env["phone.blacklist"]._add(numbers, message=message)
