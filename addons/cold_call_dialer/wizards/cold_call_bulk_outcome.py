from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import STATUS_FIELD


class ColdCallBulkOutcome(models.TransientModel):
    """ "Set call outcome" on the contacts picked in the Contacts list.

    Each contact gets a chatter note saying so: a status that changes without a trace would be
    taken for a call. No call log is created, since no call was made.
    """

    _name = "cold.call.bulk.outcome"
    _inherit = "cold.call.bulk.action"
    _description = "Set Call Outcome on Contacts"

    status = fields.Selection(selection="_selection_status", string="Outcome", required=True)
    note = fields.Text(help="Added to the note posted on each contact.")

    @api.model
    def _selection_status(self):
        """The outcomes as the admins define them now, never a copy."""
        return [(outcome.value, outcome.name) for outcome in self.env["cold.call.outcome"]._offered()]

    @api.model
    def default_get(self, fields_list):
        """Refuse at once, with the reason, when there is no outcome to set."""
        self._check_outcome_field()
        return super().default_get(fields_list)

    def action_confirm(self):
        """Set the outcome on the picked contacts: at once for a few, through queue jobs for more."""
        self.ensure_one()
        self._check_outcome_field()
        outcome = self._outcome(self.status)
        return self._run_on_selection(
            "_cold_call_set_outcome",
            (outcome.value, self.note or ""),
            _("Set call outcome “%(outcome)s” on contacts", outcome=outcome.name),
            lambda count: _("“%(outcome)s” set on %(count)s contacts.", outcome=outcome.name, count=count),
            lambda count: _(
                "“%(outcome)s” is being set on %(count)s contacts in the background: "
                "reload the list in a few minutes to see it.",
                outcome=outcome.name,
                count=count,
            ),
        )

    @api.model
    def _cold_call_set_outcome(self, partner_ids, value, note):
        """Write the outcome and post the note on ``partner_ids``, as the current user. Run in the
        request or as a queue job: rights and the outcome are checked again here, since they may
        have changed while the job waited; then nothing of this chunk is changed."""
        outcome = self._outcome(value)
        partners = self._writable_partners(partner_ids)
        self.env["cold.call.log"]._apply_outcome(partners, outcome, self._note_body(outcome, note))
        return _("“%(outcome)s” set on %(count)s contacts.", outcome=outcome.name, count=len(partners))

    @api.model
    def _outcome(self, value):
        Outcomes = self.env["cold.call.outcome"]
        return Outcomes._pick(value, Outcomes._offered())

    @api.model
    def _check_outcome_field(self):
        if not self.env["cold.call.outcome"]._status_field():
            raise UserError(
                _(
                    "Contacts have no call outcome field (%s): the Dialer logs notes only. An administrator "
                    "can create it in Dialer > Configuration > Settings.",
                    STATUS_FIELD,
                )
            )

    @api.model
    def _note_body(self, outcome, note):
        body = Markup("<p><b>%s</b> %s</p>") % (_("Call outcome set in bulk:"), outcome.name)
        if note.strip():
            body += Markup("<p>%s</p>") % self.env["cold.call.log"]._text_to_html(note.strip())
        return body
