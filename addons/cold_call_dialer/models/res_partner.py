import datetime

import pytz

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..const import (
    CALLING_END_PARAM,
    CALLING_START_PARAM,
    CONTACTS_NOTIFICATION,
    DEFAULT_CALLING_END,
    DEFAULT_CALLING_START,
    REPS_CHANNEL,
    STATUS_FIELD,
)
from ..tools.phone import phone_formats
from ..tools.time_zone import local_time, zones_in_hours

ROW_FIELDS = [
    "name",
    "parent_id",
    "company_name",
    "function",
    "phone",
    "mobile",
    "country_id",
    "cold_call_last_date",
    "cold_call_last_outcome",
    "cold_call_next_at",
    "cold_call_tz",
]
HAS_PHONE_DOMAIN = ["|", ("phone", "!=", False), ("mobile", "!=", False)]
NO_PHONE_DOMAIN = [("phone", "=", False), ("mobile", "=", False)]


class ResPartner(models.Model):
    _inherit = "res.partner"

    cold_call_log_ids = fields.One2many(
        "cold.call.log", "partner_id", "Cold Calls", groups="cold_call_dialer.group_cold_call_user"
    )
    cold_call_count = fields.Integer(compute="_compute_cold_call_count", groups="cold_call_dialer.group_cold_call_user")
    cold_call_last_date = fields.Datetime(
        "Last Cold Call", compute="_compute_cold_call_last", store=True, readonly=True, copy=False
    )
    cold_call_last_outcome = fields.Char(
        "Last Cold Call Outcome", compute="_compute_cold_call_last", store=True, readonly=True, copy=False
    )
    cold_call_next_at = fields.Datetime(
        "Call Again From",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the last call's outcome (retry wait, attempts cap): the Dialer does not offer the contact before.",
    )
    cold_call_tz = fields.Char(
        "Calling Time Zone",
        compute="_compute_cold_call_tz",
        store=True,
        help="The contact's time zone, else its country's main one: calling hours apply in it.",
    )

    def _auto_init(self):
        """Create the last-call columns empty: computing them one contact at a time would slow down
        installing on a large address book, and no contact has been called yet anyway."""
        for name, sql_type in (("cold_call_last_date", "timestamp"), ("cold_call_last_outcome", "varchar")):
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

    @api.depends("tz", "country_id")
    def _compute_cold_call_tz(self):
        for partner in self:
            country_zones = pytz.country_timezones.get(partner.country_id.code or "", [False])
            partner.cold_call_tz = partner.tz or country_zones[0]

    @api.depends("cold_call_log_ids.call_date", "cold_call_log_ids.status_label")
    def _compute_cold_call_last(self):
        for partner in self:
            last = max(partner.cold_call_log_ids, key=lambda log: (log.call_date, log.id), default=None)
            partner.cold_call_last_date = last.call_date if last else False
            partner.cold_call_last_outcome = last.status_label if last else False

    @api.depends_context("uid")
    def _compute_cold_call_count(self):
        counts = dict(
            self.env["cold.call.log"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.cold_call_count = counts.get(partner, 0)

    def write(self, vals):
        result = super().write(vals)
        if STATUS_FIELD in vals or "cold_call_next_at" in vals:
            self._cold_call_notify_changed()
        return result

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

    def action_view_cold_calls(self):
        """The calls logged on this contact, from its form's smart button."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cold_call_dialer.cold_call_log_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["views"] = [(False, "tree"), (False, "form")]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # The Dialer's view of contacts
    # ------------------------------------------------------------------

    @api.model
    def _cold_call_fields(self, options):
        return [*ROW_FIELDS, STATUS_FIELD] if options else ROW_FIELDS

    @api.model
    def _cold_call_callable_domain(self, options):
        """Contacts the Dialer may offer: with a phone, and not marked do-not-call."""
        do_not_call = [option["value"] for option in options if option["do_not_call"]]
        if not do_not_call:
            return list(HAS_PHONE_DOMAIN)
        return expression.AND([HAS_PHONE_DOMAIN, [(STATUS_FIELD, "not in", do_not_call)]])

    @api.model
    def _cold_call_count(self, domain, options):
        """(contacts to call, contacts without a phone, contacts waiting) matching ``domain``, in one
        scan of the table. Contacts to call include the waiting ones, which pages show last."""
        self.flush_model(["phone", "mobile", "cold_call_next_at", *([STATUS_FIELD] if options else [])])
        query = self._search(domain)
        if query.is_empty():
            return 0, 0, 0
        callable_where = self._where_calc(self._cold_call_callable_domain(options), active_test=False).where_clause
        no_phone_where = self._where_calc(NO_PHONE_DOMAIN, active_test=False).where_clause
        self.env.cr.execute(
            query.select(
                SQL("COUNT(*) FILTER (WHERE %s)", callable_where),
                SQL("COUNT(*) FILTER (WHERE %s)", no_phone_where),
                SQL("COUNT(*) FILTER (WHERE %s AND %s)", callable_where, self._cold_call_waiting_sql()),
            )
        )
        return tuple(self.env.cr.fetchone())

    @api.model
    def _cold_call_waiting_sql(self):
        return SQL(
            "(%s IS NOT NULL AND %s > %s)",
            SQL.identifier(self._table, "cold_call_next_at"),
            SQL.identifier(self._table, "cold_call_next_at"),
            fields.Datetime.now(),
        )

    @api.model
    def _cold_call_hours(self):
        """(start, end) of the calling hours, as times of day."""
        params = self.env["ir.config_parameter"].sudo()

        def as_time(param, default):
            try:
                hours = min(max(float(params.get_param(param) or default), 0.0), 24.0)
            except ValueError:
                hours = default
            minutes = min(round(hours * 60), 24 * 60 - 1)
            return datetime.time(minutes // 60, minutes % 60)

        return as_time(CALLING_START_PARAM, DEFAULT_CALLING_START), as_time(CALLING_END_PARAM, DEFAULT_CALLING_END)

    @api.model
    def _cold_call_page(self, domain, limit, offset=0, after_id=False, before_id=False, from_end=False):
        """A page of the contacts matching ``domain``: those free to call first, then those outside
        their calling hours, then those still waiting; by name within each group.

        Besides ``offset``, a page can be asked next to the one on screen: the contacts right
        ``after_id`` or ``before_id`` (keyset), or the last ``limit`` ones (``from_end``). These
        cost the same anywhere in a long list, where an offset sorts every contact before it.
        """
        key = self._cold_call_order_key()
        self.flush_model(["name", "cold_call_tz", "cold_call_next_at"])
        query = self._search(domain)
        anchor = after_id or before_id
        if anchor:
            operator = SQL(">" if after_id else "<")
            terms = SQL(", ").join(key)
            query.add_where(SQL("(%s) %s (SELECT %s FROM res_partner WHERE id = %s)", terms, operator, terms, anchor))
        descending = bool(before_id or from_end)
        query.order = SQL(", ").join(SQL("%s DESC", part) if descending else part for part in key)
        query.offset, query.limit = (0 if anchor or from_end else offset), limit
        ids = query.get_result_ids()
        return self.browse(ids[::-1] if descending else ids)

    @api.model
    def _cold_call_order_key(self):
        """The order of a page as SQL terms: waiting last, then outside the calling hours, name, id."""
        now = fields.Datetime.now()
        table = self._table
        return [
            self._cold_call_waiting_sql(),
            SQL(
                "NOT (COALESCE(%s, %s) = ANY(%s::varchar[]))",
                SQL.identifier(table, "cold_call_tz"),
                self._cold_call_company_tz(),
                zones_in_hours(now, *self._cold_call_hours()),
            ),
            SQL("COALESCE(%s, '')", SQL.identifier(table, "name")),
            SQL.identifier(table, "id"),
        ]

    @api.model
    def _cold_call_company_tz(self):
        return self.env.company.partner_id.tz or self.env.user.tz or "UTC"

    def _cold_call_rows(self, options):
        """What the Dialer shows of each contact, in a handful of queries whatever the count."""
        labels = {option["value"]: option["label"] for option in options}
        holds = self.env["cold.call.hold"]._active_by_partner(self.ids)
        default_country = self.env.company.country_id
        now = fields.Datetime.now()
        start, end = self._cold_call_hours()
        company_tz = self._cold_call_company_tz()
        rows = []
        for partner in self:
            country = partner.country_id or default_country
            status = partner[STATUS_FIELD] if options else False
            hold = holds.get(partner.id)
            phone, phone_dial = partner._cold_call_phone_formats(partner.phone, country)
            mobile, mobile_dial = partner._cold_call_phone_formats(partner.mobile, country)
            rows.append(
                {
                    "id": partner.id,
                    "name": partner.name or partner.display_name,
                    "company": partner.parent_id.name or partner.company_name or "",
                    "function": partner.function or "",
                    "phone": phone,
                    "phone_dial": phone_dial,
                    "mobile": mobile,
                    "mobile_dial": mobile_dial,
                    "call_number": mobile_dial or phone_dial,
                    "status_value": status or False,
                    "status_label": labels.get(status, status) if status else False,
                    "last_call_date": fields.Datetime.to_string(partner.cold_call_last_date),
                    "last_call_outcome": partner.cold_call_last_outcome or False,
                    "held_by": hold.user_id.name if hold and hold.user_id.id != self.env.uid else False,
                    "waiting_until": fields.Datetime.to_string(partner.cold_call_next_at)
                    if partner.cold_call_next_at and partner.cold_call_next_at > now
                    else False,
                    **partner._cold_call_local_time(now, start, end, company_tz),
                }
            )
        return rows

    def _cold_call_local_time(self, now, start, end, company_tz):
        """The contact's local time ("HH:MM") and whether it is outside the calling hours."""
        local = local_time(now, self.cold_call_tz or company_tz)
        return {"local_time": local.strftime("%H:%M"), "outside_hours": not start <= local <= end}

    @api.model
    def _cold_call_phone_formats(self, number, country):
        if not number:
            return "", False
        return phone_formats(number, country.code or None, country.phone_code or None)

    def _cold_call_card(self, options):
        """The call screen's card: the contact, its last calls the user may see and recent chatter notes."""
        self.ensure_one()
        logs = self.env["cold.call.log"].search_fetch(
            [("partner_id", "=", self.id)], ["call_date", "user_id", "status_label", "duration"], limit=5
        )
        messages = self.env["mail.message"].search_fetch(
            [("model", "=", "res.partner"), ("res_id", "=", self.id), ("message_type", "=", "comment")],
            ["body", "date", "author_id"],
            limit=5,
            order="id desc",
        )
        return {
            "contact": self._cold_call_rows(options)[0],
            "last_calls": [
                {
                    "id": log.id,
                    "date": fields.Datetime.to_string(log.call_date),
                    "user": log.user_id.name,
                    "outcome": log.status_label or False,
                    "duration": log.duration,
                }
                for log in logs
            ],
            "notes": [
                {
                    "id": message.id,
                    "date": fields.Datetime.to_string(message.date),
                    "author": message.author_id.name or "",
                    "body": message.body,
                }
                for message in messages
            ],
        }

    def _cold_call_log(self, option, duration, note, list_name, ir_filter, next_steps):
        """Record a call on this contact in one savepoint: outcome written, note in the chatter,
        the next steps the rep asked for, call-log row, and a hold that keeps the other reps away.

        :param next_steps: checked values of ``follow_up`` (activity values), ``meeting``
            ((start, minutes)) and ``mail_template`` (a mail.template), each optional
        """
        self.ensure_one()
        Log = self.env["cold.call.log"]
        call_date = fields.Datetime.now()
        note_body = Log._note_body(option, duration, call_date, note)
        with self.env.cr.savepoint():
            values = {"cold_call_next_at": Log._next_call_at(self, option, call_date)}
            if option:
                values[STATUS_FIELD] = option["value"]
            self.write(values)
            # A logged note, like the chatter's "Log note", without making the rep a follower of
            # every contact they call (a note notifies nobody anyway).
            self._message_log(body=note_body, message_type="comment")
            follow_up = next_steps.get("follow_up")
            if follow_up:
                self.activity_schedule(
                    "mail.mail_activity_data_call", note=Log._text_to_html(note), automated=False, **follow_up
                )
            opportunity, opportunity_created = self.env["crm.lead"], False
            if option and option["creates_opportunity"]:
                opportunity, opportunity_created = opportunity._cold_call_opportunity(self, note_body)
            meeting = self.env["calendar.event"]
            if next_steps.get("meeting"):
                meeting = meeting._cold_call_book(self, *next_steps["meeting"], opportunity)
            template = next_steps.get("mail_template") or self.env["mail.template"]
            if template:
                self.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
            # Reps cannot create call logs themselves (reports must not lie): only this method does.
            log = Log.sudo().create(
                {
                    "call_date": call_date,
                    "user_id": self.env.uid,
                    "partner_id": self.id,
                    "filter_id": ir_filter.id,
                    "list_name": list_name,
                    "status_value": option["value"] if option else False,
                    "status_label": option["label"] if option else False,
                    "duration": duration,
                    "connected": bool(option and option["connected"]),
                    "follow_up_scheduled": bool(follow_up),
                    "opportunity_id": opportunity.id,
                    "opportunity_created": opportunity_created,
                    "calendar_event_id": meeting.id,
                    "mail_template_id": template.id,
                }
            )
            self.env["cold.call.hold"]._acquire(self.id, logged=True)
        return log.sudo(False)
