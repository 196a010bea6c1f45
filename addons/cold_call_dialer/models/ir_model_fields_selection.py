from odoo import api, models


class IrModelFieldsSelection(models.Model):
    """Options of the admin-owned outcome field come and go with their outcomes
    (``cold.call.outcome``), wherever an administrator edits them."""

    _inherit = "ir.model.fields.selection"

    @api.model_create_multi
    def create(self, vals_list):
        options = super().create(vals_list)
        self.env["cold.call.outcome"]._sync_options(options)
        return options

    def write(self, vals):
        result = super().write(vals)
        if {"name", "value"}.intersection(vals):
            self.env["cold.call.outcome"]._sync_options(self)
        return result

    def unlink(self):
        self.env["cold.call.outcome"]._retire_options(self)
        return super().unlink()
