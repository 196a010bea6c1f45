"""The click-to-call account moves from system parameters to the companies (the one account
served them all), and each outcome takes the MCUBE statuses of its option."""

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import column_exists

PREFIX = "cold_call_dialer_mcube."


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"].sudo()
    old = {param.key.removeprefix(PREFIX): param.value for param in params.search([("key", "=like", f"{PREFIX}%")])}
    values = {
        "mcube_api_token": old.get("api_token") or False,
        "mcube_send_webhook_url": bool(old.get("send_webhook_url")),
    }
    if old.get("click_to_call_url"):
        values["mcube_click_to_call_url"] = old["click_to_call_url"]
    env["res.company"].with_context(active_test=False).search([]).write(values)
    params.search([("key", "=like", f"{PREFIX}%")]).unlink()
    if column_exists(cr, "ir_model_fields_selection", "cold_call_mcube_statuses"):
        cr.execute(
            """UPDATE cold_call_outcome o SET mcube_statuses = s.cold_call_mcube_statuses
                 FROM ir_model_fields_selection s WHERE o.selection_id = s.id"""
        )
