from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import STATUS_FIELD

# Up to this many contacts are updated within the request; more go to the job queue, in chunks
# small enough for a job to finish well within a worker's time limit.
SYNC_LIMIT = 200
CHUNK_SIZE = 500
# Contacts named in the error when some of them may not be changed.
NAMES_SHOWN = 10


class ColdCallBulkOutcome(models.TransientModel):
    """ "Set call outcome" on the contacts picked in the Contacts list.

    The outcome is written as the user, with their rights, and each contact gets a chatter note
    saying so: a status that changes without a trace would be taken for a call. No call log is
    created, since no call was made. A large pick (thousands of contacts after "Select all") is
    done by queue jobs so that the request never times out; each job runs as the user who asked
    and checks their rights again.
    """

    _name = "cold.call.bulk.outcome"
    _description = "Set Call Outcome on Contacts"

    status = fields.Selection(selection="_selection_status", string="Outcome", required=True)
    note = fields.Text(help="Added to the note posted on each contact.")
    partner_count = fields.Integer("Contacts", readonly=True)
    in_background = fields.Boolean(compute="_compute_in_background")

    @api.model
    def _selection_status(self):
        """The outcomes as the admins define them now, never a copy."""
        return [(outcome.value, outcome.name) for outcome in self.env["cold.call.outcome"]._offered()]

    @api.model
    def default_get(self, fields_list):
        """Refuse at once, with the reason, when there is nothing to set or nobody to set it on."""
        self.env["cold.call.dialer"]._check_dialer_user()
        self._check_outcome_field()
        values = super().default_get(fields_list)
        if "partner_count" in fields_list:
            partner_ids = self.env["cold.call.selection"]._selected_partner_ids()
            if not partner_ids:
                raise UserError(_("None of the selected contacts can be found any more."))
            values["partner_count"] = len(partner_ids)
        return values

    @api.depends("partner_count")
    def _compute_in_background(self):
        for wizard in self:
            wizard.in_background = wizard.partner_count > SYNC_LIMIT

    def action_confirm(self):
        """Set the outcome on the picked contacts: at once for a few, through queue jobs for more.
        Either way every contact is checked first, and none is changed if the user may not
        change them all."""
        self.ensure_one()
        self.env["cold.call.dialer"]._check_dialer_user()
        self._check_outcome_field()
        outcome = self._outcome(self.status)
        partners = self.env["res.partner"].browse(self.env["cold.call.selection"]._selected_partner_ids())
        if not partners:
            raise UserError(_("None of the selected contacts can be found any more."))
        self._check_writable(partners)
        if len(partners) <= SYNC_LIMIT:
            self._cold_call_set_outcome(partners.ids, outcome.value, self.note or "")
            message = _("“%(outcome)s” set on %(count)s contacts.", outcome=outcome.name, count=len(partners))
            return self._notification(message, "success")
        # Enqueued as the user (never as superuser): the job keeps their rights and company.
        wizard_as_user = self.with_user(self.env.user).browse()
        description = _("Set call outcome “%(outcome)s” on contacts", outcome=outcome.name)
        ids = partners.ids
        for start in range(0, len(ids), CHUNK_SIZE):
            chunk = ids[start : start + CHUNK_SIZE]
            wizard_as_user.with_delay(description=description)._cold_call_set_outcome(
                chunk, outcome.value, self.note or ""
            )
        message = _(
            "“%(outcome)s” is being set on %(count)s contacts in the background: "
            "reload the list in a few minutes to see it.",
            outcome=outcome.name,
            count=len(partners),
        )
        return self._notification(message, "info")

    @api.model
    def _cold_call_set_outcome(self, partner_ids, value, note):
        """Write the outcome and post the note on ``partner_ids``, as the current user. Run in the
        request or as a queue job: rights and the outcome are checked again here, since they may
        have changed while the job waited; then nothing of this chunk is changed."""
        self.env["cold.call.dialer"]._check_dialer_user()
        outcome = self._outcome(value)
        partners = self.env["res.partner"].browse(partner_ids).exists()
        self._check_writable(partners)
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
    def _check_writable(self, partners):
        """Refuse, naming them, when the user may not change some of ``partners``."""
        try:
            partners.check_access_rights("write")
        except AccessError as error:
            raise AccessError(
                _("You are not allowed to modify contacts: the call outcome was not set on any of them.")
            ) from error
        refused = partners - partners._filter_access_rules("write")
        if refused:
            # Names only, of contacts the user picked: their read rights may have changed since.
            names = ", ".join(refused[:NAMES_SHOWN].sudo().mapped("display_name"))
            if len(refused) > NAMES_SHOWN:
                names = _("%(names)s and %(count)s more", names=names, count=len(refused) - NAMES_SHOWN)
            raise AccessError(
                _(
                    "You are not allowed to modify %(count)s of these contacts (%(names)s): the call outcome "
                    "was not set on any of them. Leave them out of the selection, or ask an administrator.",
                    count=len(refused),
                    names=names,
                )
            )

    @api.model
    def _note_body(self, outcome, note):
        body = Markup("<p><b>%s</b> %s</p>") % (_("Call outcome set in bulk:"), outcome.name)
        if note.strip():
            body += Markup("<p>%s</p>") % self.env["cold.call.log"]._text_to_html(note.strip())
        return body

    @api.model
    def _notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Set call outcome"),
                "message": message,
                "type": kind,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
