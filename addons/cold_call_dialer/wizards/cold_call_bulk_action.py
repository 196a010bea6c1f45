from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Up to this many contacts are updated within the request; more go to the job queue, in chunks
# small enough for a job to finish well within a worker's time limit.
SYNC_LIMIT = 200
CHUNK_SIZE = 500
# Contacts named in the error when some of them may not be changed.
NAMES_SHOWN = 10


class ColdCallBulkAction(models.AbstractModel):
    """What the Dialer's actions on the contacts picked in the Contacts list share (Set call
    outcome, Add tags, Schedule activity): they run as the user, with their rights, on all the
    contacts or none; a large pick (thousands of contacts after "Select all") is done by queue
    jobs so that the request never times out, each job running as the user who asked and
    checking their rights again."""

    _name = "cold.call.bulk.action"
    _description = "Dialer Action on Contacts"

    partner_count = fields.Integer("Contacts", readonly=True)
    in_background = fields.Boolean(compute="_compute_in_background")

    @api.model
    def default_get(self, fields_list):
        """Refuse at once, with the reason, when nobody is picked or the user is no Dialer user."""
        self.env["cold.call.dialer"]._check_dialer_user()
        values = super().default_get(fields_list)
        if "partner_count" in fields_list:
            values["partner_count"] = len(self._selected_partners())
        return values

    @api.depends("partner_count")
    def _compute_in_background(self):
        for wizard in self:
            wizard.in_background = wizard.partner_count > SYNC_LIMIT

    @api.model
    def _selected_partners(self):
        partners = self.env["res.partner"].browse(self.env["cold.call.selection"]._selected_partner_ids())
        if not partners:
            raise UserError(_("None of the selected contacts can be found any more."))
        return partners

    def _run_on_selection(self, method, args, description, done_message, queued_message):
        """``method(partner_ids, *args)`` on the picked contacts, once all of them are known to be
        writable by the user: in the request for a few, else in queue jobs as the user. The user
        is told ``done_message(count)`` or ``queued_message(count)``."""
        self.ensure_one()
        self.env["cold.call.dialer"]._check_dialer_user()
        partners = self._selected_partners()
        self._check_writable(partners)
        if len(partners) <= SYNC_LIMIT:
            getattr(self.browse(), method)(partners.ids, *args)
            return self._notification(description, done_message(len(partners)), "success")
        # Enqueued as the user (never as superuser): the job keeps their rights and company.
        as_user = self.with_user(self.env.user).browse()
        ids = partners.ids
        for start in range(0, len(ids), CHUNK_SIZE):
            getattr(as_user.with_delay(description=description), method)(ids[start : start + CHUNK_SIZE], *args)
        return self._notification(description, queued_message(len(partners)), "info")

    @api.model
    def _writable_partners(self, partner_ids):
        """The contacts of a job or a request, checked again when it runs: rights may have
        changed while the job waited, and then nothing of this chunk is changed."""
        self.env["cold.call.dialer"]._check_dialer_user()
        partners = self.env["res.partner"].browse(partner_ids).exists()
        self._check_writable(partners)
        return partners

    @api.model
    def _check_writable(self, partners):
        """Refuse, naming them, when the user may not change some of ``partners``."""
        try:
            partners.check_access_rights("write")
        except AccessError as error:
            raise AccessError(_("You are not allowed to modify contacts: none of them was changed.")) from error
        refused = partners - partners._filter_access_rules("write")
        if refused:
            # Names only, of contacts the user picked: their read rights may have changed since.
            names = ", ".join(refused[:NAMES_SHOWN].sudo().mapped("display_name"))
            if len(refused) > NAMES_SHOWN:
                names = _("%(names)s and %(count)s more", names=names, count=len(refused) - NAMES_SHOWN)
            raise AccessError(
                _(
                    "You are not allowed to modify %(count)s of these contacts (%(names)s): none of them was "
                    "changed. Leave them out of the selection, or ask an administrator.",
                    count=len(refused),
                    names=names,
                )
            )

    @api.model
    def _notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
