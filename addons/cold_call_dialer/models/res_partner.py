import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index

from odoo.addons.cold_call_phone.tools import phone

from ..const import CONTACTS_NOTIFICATION, REPS_CHANNEL, STATUS_FIELD

# What the calls logged on a contact say about it: only the server writes it.
CALL_HISTORY_FIELDS = {"cold_call_last_date", "cold_call_last_outcome_id", "cold_call_next_at"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    cold_call_log_ids = fields.One2many(
        "cold.call.log", "partner_id", "Cold Calls", groups="cold_call_dialer.group_cold_call_user"
    )
    cold_call_count = fields.Integer(compute="_compute_cold_call_count", groups="cold_call_dialer.group_cold_call_user")
    cold_call_last_date = fields.Datetime(
        "Last Cold Call",
        compute="_compute_cold_call_last",
        store=True,
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    cold_call_last_outcome_id = fields.Many2one(
        "cold.call.outcome",
        "Last Cold Call Outcome",
        compute="_compute_cold_call_last",
        store=True,
        readonly=True,
        copy=False,
        ondelete="restrict",
        index="btree_not_null",
        groups="base.group_user",
    )
    cold_call_next_at = fields.Datetime(
        "Call Again From",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the last call's outcome (retry wait, attempts cap): the Dialer does not offer the contact before.",
        groups="base.group_user",
    )
    cold_call_tz = fields.Char(
        "Calling Time Zone",
        compute="_compute_cold_call_tz",
        store=True,
        index="btree_not_null",
        help="The contact's time zone, else its country's main one: calling hours apply in it.",
        groups="base.group_user",
    )

    def _auto_init(self):
        """Create the last-call columns empty: computing them one contact at a time would slow down
        installing on a large address book, and no contact has been called yet anyway."""
        for name, sql_type in (("cold_call_last_date", "timestamp"), ("cold_call_last_outcome_id", "int4")):
            if not column_exists(self.env.cr, self._table, name):
                create_column(self.env.cr, self._table, name, sql_type)
        if not column_exists(self.env.cr, self._table, "cold_call_tz"):
            # Filled in one statement rather than computed contact by contact, for the same reason.
            create_column(self.env.cr, self._table, "cold_call_tz", "varchar")
            zones = SQL(", ").join(SQL("(%s, %s)", code, tzs[0]) for code, tzs in pytz.country_timezones.items())
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner p SET cold_call_tz = COALESCE(p.tz, z.tz)
                         FROM res_country c, (VALUES %s) AS z(code, tz)
                        WHERE c.id = p.country_id AND z.code = c.code""",
                    zones,
                )
            )
            self.env.cr.execute(
                "UPDATE res_partner SET cold_call_tz = tz WHERE cold_call_tz IS NULL AND tz IS NOT NULL"
            )
        return super()._auto_init()

    def init(self):
        """The Dialer reads a page of a list by name (cold.call.list._contacts): this index gives
        that order, so a page reads its fifty contacts rather than sorting the whole list."""
        super().init()
        create_index(self.env.cr, "res_partner_cold_call_name_idx", self._table, ["(COALESCE(name, ''))", "id"])

    @api.depends("tz", "country_id")
    def _compute_cold_call_tz(self):
        for partner in self:
            country_zones = pytz.country_timezones.get(partner.country_id.code or "", [False])
            partner.cold_call_tz = partner.tz or country_zones[0]

    @api.depends("cold_call_log_ids.call_date", "cold_call_log_ids.outcome_id")
    def _compute_cold_call_last(self):
        for partner in self:
            last = max(partner.cold_call_log_ids, key=lambda log: (log.call_date, log.id), default=None)
            partner.cold_call_last_date = last.call_date if last else False
            partner.cold_call_last_outcome_id = last.outcome_id if last else False

    @api.depends_context("uid")
    def _compute_cold_call_count(self):
        counts = dict(
            self.env["cold.call.log"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.cold_call_count = counts.get(partner, 0)

    def write(self, vals):
        """The call history (last call, its outcome, when to call again) follows from the calls
        logged: only the server writes it (as superuser, see ``cold.call.log._apply_outcome``),
        or a Dialer manager who corrects it, with a note in the chatter."""
        history = CALL_HISTORY_FIELDS.intersection(vals)
        if history and not self.env.su:
            self._cold_call_correct_history(vals, history)
        result = super().write(vals)
        if STATUS_FIELD in vals or "cold_call_next_at" in vals:
            self._cold_call_notify_changed()
        return result

    def _cold_call_correct_history(self, vals, fnames):
        """A manager's correction of the call history, traced in each contact's chatter."""
        if not self.env.user.has_group("cold_call_dialer.group_cold_call_manager"):
            raise AccessError(_("The call history of a contact follows from its logged calls: it cannot be changed."))
        new = self.new(vals)
        for partner in self:
            changes = Markup().join(
                Markup("<li>%s: %s → %s</li>")
                % (
                    self._fields[fname].string,
                    self._fields[fname].convert_to_display_name(partner[fname], partner) or "",
                    self._fields[fname].convert_to_display_name(new[fname], new) or "",
                )
                for fname in sorted(fnames)
            )
            partner._message_log(body=Markup("<p>%s</p><ul>%s</ul>") % (_("Call history corrected:"), changes))

    def _cold_call_notify_changed(self):
        """Tell the open Dialers that these contacts changed, so that their pages update without
        a refresh (see static/src/dialer/live_updates.js): the Dialer users of the contacts'
        companies (of all, for a contact of none) get the ids and re-read those of their page
        with their own rights."""
        companies = self.company_id
        if any(not partner.company_id for partner in self):
            companies = self.env["res.company"].sudo().search([])
        message = {"ids": self.ids}
        self.env["bus.bus"]._sendmany(
            [((company, REPS_CHANNEL), CONTACTS_NOTIFICATION, message) for company in companies]
        )

    def _cold_call_dial_numbers(self):
        """The contact's numbers the Dialer dials, in E.164, mobile first (read in the contact's
        country, else the company's)."""
        self.ensure_one()
        code = (self.country_id or self.env.company.country_id).code
        return [number for number in (phone.e164(self.mobile, code), phone.e164(self.phone, code)) if number]

    def action_view_cold_calls(self):
        """The calls logged on this contact, from its form's smart button."""
        self.ensure_one()
        self.env["cold.call.log"].check_access_rights("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("cold_call_dialer.cold_call_log_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["views"] = [(False, "tree"), (False, "form")]
        action["context"] = {"default_partner_id": self.id}
        return action
