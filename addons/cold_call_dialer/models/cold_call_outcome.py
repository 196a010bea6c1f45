import datetime

from psycopg2.extras import Json

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.translate import code_translations

from ..const import STATUS_FIELD, STATUS_FIELD_HELP, STATUS_FIELD_LABEL

# What the Dialer's screen gets of each outcome, besides its value and label.
SCREEN_FIELDS = (
    "connected",
    "follow_up",
    "do_not_call",
    "creates_opportunity",
    "books_meeting",
    "retry_hours",
    "wait_for_next_step",
    "max_attempts",
    "attempt_window_days",
)


def translated(term, lang):
    """A term of this module's code (``_lt``) in ``lang``, for the field created in every language."""
    return code_translations.get_python_translations("cold_call_dialer", lang).get(term._source, term._source)


class ColdCallOutcome(models.Model):
    """What an outcome of a call means to the Dialer: one record per option of the admin-owned
    contact field ``x_cold_call_status``.

    The options say which outcomes exist and how contacts show them; this record keeps their
    meaning (flags, retry cadence, order), so that editing a meaning never touches the options,
    whose every change reloads the registry. Outcomes are created and retired with the options
    (see ir_model_fields_selection.py); call logs point at them, so reports survive a rename.
    """

    _name = "cold.call.outcome"
    _description = "Call Outcome"
    _order = "sequence, id"

    name = fields.Char("Outcome", required=True, translate=True, help="The option's label, as contacts show it.")
    value = fields.Char(required=True, help="The option's value, stored on contacts.")
    selection_id = fields.Many2one(
        "ir.model.fields.selection",
        "Option",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The option of the outcome field; empty once the option was deleted.",
    )
    sequence = fields.Integer(default=10, help="The order of the outcomes on the call screen (keys 1 to 9).")
    active = fields.Boolean(default=True, help="Archived outcomes are not offered in the Dialer.")
    connected = fields.Boolean(
        "Counts as Connected", help="Calls with this outcome reached someone: they count in the connect rate."
    )
    follow_up = fields.Boolean(
        "Suggests a Follow-up", help="The Dialer switches the follow-up on when this outcome is picked."
    )
    do_not_call = fields.Boolean(help="Contacts with this outcome are never offered in the Dialer again.")
    creates_opportunity = fields.Boolean(
        "Creates an Opportunity",
        help="Saving the call opens a CRM opportunity for the contact, or adds the note to its open one.",
    )
    books_meeting = fields.Boolean(
        "Books a Meeting", help="The rep picks the meeting's date and time, and a calendar event is created."
    )
    retry_hours = fields.Integer(
        "Retry After (hours)", help="The contact is not offered again before this many hours. 0: no wait."
    )
    wait_for_next_step = fields.Boolean(
        "Wait for the Next Step",
        help="The contact is offered again on the date of the follow-up or meeting booked on the call, or as soon "
        "as the opportunity is won or lost; the retry wait applies to a call with neither date.",
    )
    max_attempts = fields.Integer(
        "Attempts Cap",
        help="After this many calls within the window, the contact is not offered until the window has passed. "
        "0: no cap.",
    )
    attempt_window_days = fields.Integer("Cap Window (days)", default=7)
    call_count = fields.Integer("Calls", compute="_compute_call_count")

    _sql_constraints = [
        ("value_unique", "UNIQUE(value)", "Each option of the outcome field has one outcome."),
        ("retry_hours_positive", "CHECK(retry_hours >= 0)", "The retry wait cannot be negative."),
        ("max_attempts_positive", "CHECK(max_attempts >= 0)", "The attempts cap cannot be negative."),
        ("window_positive", "CHECK(attempt_window_days >= 0)", "The cap window cannot be negative."),
    ]

    def _compute_call_count(self):
        # Every call counts, whoever made it: the count decides whether an outcome may be deleted.
        Log = self.env["cold.call.log"].sudo()
        counts = dict(Log._read_group([("outcome_id", "in", self.ids)], ["outcome_id"], ["__count"]))
        for outcome in self:
            outcome.call_count = counts.get(outcome, 0)

    # ------------------------------------------------------------------
    # The outcomes the Dialer offers
    # ------------------------------------------------------------------

    @api.model
    def _status_field(self):
        """The outcome field on contacts, or None: without it the Dialer works in notes-only mode."""
        field = self.env["res.partner"]._fields.get(STATUS_FIELD)
        return field if field is not None and field.type == "selection" else None

    @api.model
    def _offered(self):
        """The outcomes a rep can pick, in their order: active ones with an option of the field."""
        if not self._status_field():
            return self.browse()
        return self.sudo().search([("selection_id", "!=", False)]).sudo(False)

    @api.model
    def _pick(self, value, offered):
        """The outcome a rep picked among ``offered`` (empty in notes-only mode), or a clear error."""
        if not offered:
            if value:
                raise UserError(
                    _("Outcomes are not available: the Dialer is in notes-only mode. Log the call with a note.")
                )
            return offered
        if not value:
            raise UserError(_("Pick an outcome for this call."))
        outcome = offered.filtered(lambda outcome: outcome.value == value)
        if not outcome:
            raise UserError(
                _("“%s” is not an outcome anymore: the options changed in Odoo. Refresh and pick another one.", value)
            )
        return outcome

    def _screen_values(self):
        """The outcomes as the Dialer's screen takes them: value, label and meaning."""
        return [
            {"id": outcome.id, "value": outcome.value, "label": outcome.name}
            | {fname: outcome[fname] for fname in SCREEN_FIELDS}
            for outcome in self
        ]

    def _next_call_at(self, partner, call_date, next_step_at=False):
        """When ``partner`` may be offered again after a call with this outcome: after its retry
        wait (at ``next_step_at``, the follow-up or meeting of the call, for an outcome that
        waits for it), and once the attempts cap is reached, when the oldest counted attempt
        leaves the window. False: at once (and for a call logged without an outcome)."""
        if not self:
            return False
        self.ensure_one()
        waits = []
        if self.wait_for_next_step and next_step_at:
            waits.append(next_step_at)
        elif self.retry_hours > 0:
            waits.append(call_date + datetime.timedelta(hours=self.retry_hours))
        if self.max_attempts > 0:
            window = datetime.timedelta(days=max(self.attempt_window_days, 1))
            earlier = (
                self.env["cold.call.log"]
                .sudo()
                .search_fetch(
                    [("partner_id", "=", partner.id), ("call_date", ">", call_date - window)],
                    ["call_date"],
                    order="call_date desc, id desc",
                    limit=self.max_attempts - 1,
                )
            )
            if len(earlier) + 1 >= self.max_attempts:
                oldest = earlier[-1].call_date if earlier else call_date
                waits.append(oldest + window)
        return max(waits, default=False)

    # ------------------------------------------------------------------
    # Outcomes and options
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """An outcome an administrator creates (Call Outcomes) is a new option of the field; one
        loaded from data (the defaults) only takes the option of its value, if the field has one,
        so that installing never adds options to a field an administrator made."""
        outcomes = super().create(vals_list)
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        if not field or self.env.context.get("cold_call_from_options"):
            return outcomes
        existing = field.selection_ids.filtered(lambda option: option.value in outcomes.mapped("value"))
        self._sync_options(existing)
        new = outcomes.filtered(lambda outcome: outcome.value not in existing.mapped("value"))
        if new and not self.env.context.get("install_module"):
            field.write({"selection_ids": [Command.create(outcome._option_values()) for outcome in new]})
        return outcomes

    def write(self, vals):
        """A new label or value is the option's: contacts show it too (changing an option reloads
        the registry; changing a meaning does not)."""
        result = super().write(vals)
        option_vals = {fname: vals[fname] for fname in ("name", "value") if fname in vals}
        if option_vals and not self.env.context.get("cold_call_from_options"):
            self.selection_id.with_context(cold_call_from_options=True).write(option_vals)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_called(self):
        called = self.filtered("call_count")
        if called:
            raise UserError(
                _(
                    "“%s” was used on calls, which keep it for the reports: archive it instead.",
                    called[0].name,
                )
            )

    def unlink(self):
        """Deleting an outcome deletes its option: contacts with it lose their status, as when an
        administrator deletes the option itself."""
        options = self.selection_id
        result = super().unlink()
        options.with_context(cold_call_from_options=True).unlink()
        return result

    def _option_values(self):
        self.ensure_one()
        return {"value": self.value, "name": self.name, "sequence": self.sequence}

    @api.model
    def _sync_options(self, options):
        """Give each option of the outcome field among ``options`` its outcome: the one linked to
        it, else the one of the same value (a default, or one whose option was deleted), else a new
        one without meaning. The outcome takes the option's value and label in every language and
        is offered again. Used when options are created or changed, and on install and upgrade."""
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        options = options.filtered(lambda option: field and option.field_id == field)
        if not options:
            return self.browse()
        Outcome = self.sudo().with_context(active_test=False, cold_call_from_options=True)
        known = Outcome.search(["|", ("selection_id", "in", options.ids), ("value", "in", options.mapped("value"))])
        missing = options.filtered(
            lambda option: option not in known.selection_id and option.value not in known.mapped("value")
        )
        Outcome.create(
            [{"name": option.name, "value": option.value, "sequence": option.sequence} for option in missing]
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE cold_call_outcome o
                   SET selection_id = s.id, value = s.value, name = s.name, active = TRUE
                  FROM ir_model_fields_selection s
                 WHERE s.id IN %s AND (o.selection_id = s.id OR (o.value = s.value AND o.selection_id IS NULL))
                """,
                tuple(options.ids),
            )
        )
        self.invalidate_model(["selection_id", "value", "name", "active"])
        return Outcome.search([("selection_id", "in", options.ids)])

    @api.model
    def _retire_options(self, options):
        """Archive the outcomes of deleted ``options``: calls keep them, the Dialer no longer offers them."""
        retired = self.sudo().search([("selection_id", "in", options.ids)])
        retired.with_context(cold_call_from_options=True).write({"active": False})

    @api.model
    def _create_status_field(self):
        """Create ``x_cold_call_status`` on contacts as a custom field the admins own, with an
        option for each outcome that has none (the defaults, at first), labels in every language.
        Does nothing when the field exists already."""
        if not (self.env.su or self.env.user.has_group("base.group_system")):
            raise AccessError(_("Only administrators can create the outcome field."))
        IrFields = self.env["ir.model.fields"].sudo()
        existing = IrFields.search([("model", "=", "res.partner"), ("name", "=", STATUS_FIELD)])
        if existing:
            return existing
        outcomes = self.sudo().with_context(active_test=False).search([("selection_id", "=", False)])
        self.env.cr.execute(SQL("SELECT id, name FROM cold_call_outcome WHERE id IN %s", tuple(outcomes.ids) or (0,)))
        labels = dict(self.env.cr.fetchall())
        field = IrFields.with_context(lang="en_US").create(
            {
                "name": STATUS_FIELD,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "ttype": "selection",
                "state": "manual",
                "field_description": translated(STATUS_FIELD_LABEL, "en_US"),
                "help": translated(STATUS_FIELD_HELP, "en_US"),
                "selection_ids": [Command.create(outcome._option_values()) for outcome in outcomes],
            }
        )
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for fname, term in (("field_description", STATUS_FIELD_LABEL), ("help", STATUS_FIELD_HELP)):
            field.update_field_translations(fname, {lang: translated(term, lang) for lang in langs})
        # The options take the outcomes' labels in every language (the defaults are translated data),
        # which linking the new options to their outcomes replaced by the English ones.
        for outcome_id, name in labels.items():
            self.env.cr.execute(SQL("UPDATE cold_call_outcome SET name = %s WHERE id = %s", Json(name), outcome_id))
        self.env.cr.execute(
            SQL(
                """UPDATE ir_model_fields_selection s SET name = o.name
                     FROM cold_call_outcome o WHERE o.selection_id = s.id AND s.field_id = %s""",
                field.id,
            )
        )
        self.invalidate_model(["name"])
        self.env["ir.model.fields.selection"].invalidate_model(["name"])
        self.env.registry.clear_cache()
        return field
