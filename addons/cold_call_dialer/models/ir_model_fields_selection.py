from odoo import fields, models


class IrModelFieldsSelection(models.Model):
    """What each outcome of the admin-owned ``x_cold_call_status`` field means to the Dialer.

    Options are data the admins own, so their meaning lives next to them
    instead of being hard-coded on values or labels.
    """

    _inherit = "ir.model.fields.selection"

    cold_call_connected = fields.Boolean(
        "Counts as Connected", help="Calls with this outcome reached someone: they count in the connect rate."
    )
    cold_call_follow_up = fields.Boolean(
        "Suggests a Follow-up", help="The Dialer switches the follow-up on when this outcome is picked."
    )
    cold_call_do_not_call = fields.Boolean(
        "Do Not Call", help="Contacts with this outcome are never offered in the Dialer again."
    )
