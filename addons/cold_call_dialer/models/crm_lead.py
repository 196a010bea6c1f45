from odoo import fields, models

# A change of these may close an opportunity (won, lost, archived).
CLOSING_FIELDS = {"stage_id", "active", "probability"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def write(self, vals):
        result = super().write(vals)
        if CLOSING_FIELDS.intersection(vals):
            self._cold_call_release_contacts()
        return result

    def _cold_call_release_contacts(self):
        """A won or lost opportunity no longer keeps its contact waiting: a contact whose last
        call waits for its next step (see ``cold.call.outcome.wait_for_next_step``) is offered
        again at once."""
        closed = self.filtered(lambda lead: not lead.active or lead.stage_id.is_won)
        now = fields.Datetime.now()
        waiting = closed.partner_id.sudo().filtered(
            lambda partner: (
                partner.cold_call_next_at
                and partner.cold_call_next_at > now
                and partner.cold_call_last_outcome_id.wait_for_next_step
            )
        )
        if waiting:
            waiting.cold_call_next_at = False
