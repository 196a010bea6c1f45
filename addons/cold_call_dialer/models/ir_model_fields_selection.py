from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import code_translations

from ..const import DEFAULT_STATUS_OPTIONS, OPTION_FLAGS, STATUS_FIELD, STATUS_FIELD_HELP, STATUS_FIELD_LABEL


class IrModelFieldsSelection(models.Model):
    """The options of the admin-owned ``x_cold_call_status`` field, and what each means to the Dialer.

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
    cold_call_creates_opportunity = fields.Boolean(
        "Creates an Opportunity",
        help="Saving the call opens a CRM opportunity for the contact, or adds the note to its open one.",
    )
    cold_call_books_meeting = fields.Boolean(
        "Books a Meeting", help="The rep picks the meeting's date and time, and a calendar event is created."
    )
    cold_call_retry_hours = fields.Integer(
        "Retry After (hours)", help="The contact is not offered again before this many hours. 0: no wait."
    )
    cold_call_max_attempts = fields.Integer(
        "Attempts Cap",
        help="After this many calls within the window, the contact is not offered until the window has passed. "
        "0: no cap.",
    )
    cold_call_attempt_window_days = fields.Integer("Cap Window (days)", default=7)

    @api.model
    def _cold_call_status_field(self):
        """The outcome field on contacts, or None: without it the Dialer works in notes-only mode."""
        field = self.env["res.partner"]._fields.get(STATUS_FIELD)
        return field if field is not None and field.type == "selection" else None

    @api.model
    def _cold_call_options(self):
        """Outcomes as ``fields_get`` gives them (value, translated label) plus what each means,
        read live so that options the admins change show up at once."""
        if not self._cold_call_status_field():
            return []
        selection = self.env["res.partner"].fields_get([STATUS_FIELD], ["selection"])[STATUS_FIELD]["selection"]
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        meanings = {option.value: option for option in self.sudo().search([("field_id", "=", field.id)])}
        empty = self.browse()
        return [
            {
                "value": value,
                "label": label,
                **{flag: meanings.get(value, empty)[f"cold_call_{flag}"] for flag in OPTION_FLAGS},
            }
            for value, label in selection
        ]

    @api.model
    def _cold_call_pick(self, status, options):
        """The option a rep picked, among ``options`` (from ``_cold_call_options``), or None in notes-only mode."""
        if not options:
            if status:
                raise UserError(
                    _("Outcomes are not available: the Dialer is in notes-only mode. Log the call with a note.")
                )
            return None
        if not status:
            raise UserError(_("Pick an outcome for this call."))
        option = next((option for option in options if option["value"] == status), None)
        if option is None:
            raise UserError(
                _(
                    "“%s” is not an outcome anymore: the options changed in Odoo. Refresh and pick another one.",
                    status,
                )
            )
        return option

    @api.model
    def _cold_call_create_status_field(self):
        """Create ``x_cold_call_status`` on contacts as a custom field the admins own, with the
        default outcomes in every installed language. Does nothing when the field exists already."""
        if not (self.env.su or self.env.user.has_group("base.group_system")):
            raise AccessError(_("Only administrators can create the outcome field."))
        IrFields = self.env["ir.model.fields"].sudo()
        existing = IrFields.search([("model", "=", "res.partner"), ("name", "=", STATUS_FIELD)])
        if existing:
            return existing
        field = IrFields.with_context(lang="en_US").create(
            {
                "name": STATUS_FIELD,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "ttype": "selection",
                "state": "manual",
                "field_description": self._cold_call_translated(STATUS_FIELD_LABEL, "en_US"),
                "help": self._cold_call_translated(STATUS_FIELD_HELP, "en_US"),
                "selection_ids": [
                    Command.create(
                        {
                            "value": value,
                            "name": self._cold_call_translated(label, "en_US"),
                            "sequence": sequence,
                            **{f"cold_call_{flag}": meaning for flag, meaning in meanings.items()},
                        }
                    )
                    for sequence, (value, label, meanings) in enumerate(DEFAULT_STATUS_OPTIONS, start=1)
                ],
            }
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        if langs:
            for fname, term in (("field_description", STATUS_FIELD_LABEL), ("help", STATUS_FIELD_HELP)):
                field.update_field_translations(fname, {lang: self._cold_call_translated(term, lang) for lang in langs})
            labels = {value: label for value, label, _meanings in DEFAULT_STATUS_OPTIONS}
            for option in field.selection_ids:
                option.update_field_translations(
                    "name", {lang: self._cold_call_translated(labels[option.value], lang) for lang in langs}
                )
            self.env.registry.clear_cache()
        return field

    @api.model
    def _cold_call_translated(self, lazy_term, lang):
        """``lazy_term`` in ``lang``: the default outcomes are data, stored in every installed language."""
        return code_translations.get_python_translations("cold_call_dialer", lang).get(
            lazy_term._source, lazy_term._source
        )

    @api.model
    def _cold_call_fill_default_meanings(self):
        """On upgrade, give the default options of an existing outcome field the meanings added
        since it was created (opportunity, meeting, retry cadence), where the admins left them empty."""
        field = self.env["ir.model.fields"].sudo().search([("model", "=", "res.partner"), ("name", "=", STATUS_FIELD)])
        defaults = {value: meanings for value, _label, meanings in DEFAULT_STATUS_OPTIONS}
        for option in field.selection_ids:
            for flag, meaning in defaults.get(option.value, {}).items():
                if not option[f"cold_call_{flag}"]:
                    option[f"cold_call_{flag}"] = meaning
