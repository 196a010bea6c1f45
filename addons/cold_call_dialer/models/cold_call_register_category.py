from odoo import fields, models


class ColdCallRegisterCategory(models.Model):
    """A category of commercial calls on India's National Customer Preference Register (TRAI
    TCCCPR 2018): a subscriber blocks some of them, a promotional call list calls for one, a
    consent covers some. Shipped as data, with the register's codes, which scrub files use."""

    _name = "cold.call.register.category"
    _description = "Register Category"
    _order = "code"

    name = fields.Char(required=True, translate=True)
    code = fields.Integer(required=True, help="The register's code of the category (1 to 8), as scrub files write it.")

    _sql_constraints = [("code_unique", "UNIQUE(code)", "Each register category has its own code.")]
