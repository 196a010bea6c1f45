"""Outcomes become records (cold.call.outcome), and call logs point at them.

The meanings the administrators gave the options (columns of ir_model_fields_selection, which
Odoo drops once the upgrade ends) move to the outcomes; each call log gets the outcome of the
value it was logged with, archived under the label it kept when its option is gone; contacts
get their last outcome. The click-to-call bridge, which a new install gets with MCUBE, is
installed when MCUBE is."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.cold_call_dialer.const import STATUS_FIELD

FLAGS = {
    "connected": "FALSE",
    "follow_up": "FALSE",
    "do_not_call": "FALSE",
    "creates_opportunity": "FALSE",
    "books_meeting": "FALSE",
    "retry_hours": "0",
    "max_attempts": "0",
    "attempt_window_days": "7",
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    field = env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
    env["cold.call.outcome"]._sync_options(field.selection_ids)
    for flag, empty in FLAGS.items():
        # Flags added after the field was made had no column then: the outcome keeps its default.
        if column_exists(cr, "ir_model_fields_selection", f"cold_call_{flag}"):
            cr.execute(
                SQL(
                    "UPDATE cold_call_outcome o SET %s = COALESCE(s.%s, %s) FROM ir_model_fields_selection s "
                    "WHERE o.selection_id = s.id",
                    SQL.identifier(flag),
                    SQL.identifier(f"cold_call_{flag}"),
                    SQL(empty),
                )
            )
    if column_exists(cr, "cold_call_log", "status_value"):
        cr.execute(
            """
            INSERT INTO cold_call_outcome (name, value, sequence, active, attempt_window_days,
                                           create_uid, create_date, write_uid, write_date)
            SELECT DISTINCT ON (status_value) jsonb_build_object('en_US', COALESCE(status_label, status_value)),
                   status_value, 100, FALSE, 7, 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM cold_call_log l
             WHERE status_value IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM cold_call_outcome o WHERE o.value = l.status_value)
             ORDER BY status_value, call_date DESC, id DESC
            """
        )
        cr.execute(
            """UPDATE cold_call_log l SET outcome_id = o.id FROM cold_call_outcome o
                WHERE l.outcome_id IS NULL AND o.value = l.status_value"""
        )
    cr.execute(
        """
        UPDATE res_partner p SET cold_call_last_date = l.call_date, cold_call_last_outcome_id = l.outcome_id
          FROM (SELECT DISTINCT ON (partner_id) partner_id, call_date, outcome_id FROM cold_call_log
                 ORDER BY partner_id, call_date DESC, id DESC) l
         WHERE l.partner_id = p.id
        """
    )
    env.invalidate_all()
    Module = env["ir.module.module"]
    if Module.search_count([("name", "=", "mcube_integration"), ("state", "in", ["installed", "to upgrade"])]):
        Module.search([("name", "=", "cold_call_dialer_mcube"), ("state", "=", "uninstalled")]).button_install()
