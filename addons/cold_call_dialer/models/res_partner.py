import functools

import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from odoo.addons.phone_validation.tools import phone_validation

from ..const import STATUS_FIELD

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
]
HAS_PHONE_DOMAIN = ["|", ("phone", "!=", False), ("mobile", "!=", False)]
NO_PHONE_DOMAIN = [("phone", "=", False), ("mobile", "=", False)]


@functools.lru_cache(maxsize=4096)
def phone_formats(number, country_code, country_phone_code):
    """(number to show, number to dial) of a typed phone number, through phone_validation.

    One fallback for numbers it rejects (a new or reserved range): shown as typed, dialled in
    E.164 when phonenumbers finds the length possible, else as the digits typed. Cached: a page
    shows the same numbers again and again, and parsing them is most of the cost of a page.
    """
    try:
        return (
            phone_validation.phone_format(number, country_code, country_phone_code, "INTERNATIONAL"),
            phone_validation.phone_format(number, country_code, country_phone_code, "E164"),
        )
    except UserError:
        return number, _possible_e164(number, country_code)


def _possible_e164(number, country_code):
    """The fallback of ``phone_formats``: E.164 of a number of possible length, else its digits."""
    try:
        parsed = phonenumbers.parse(number, country_code or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return "".join(char for char in number if char.isdigit() or char == "+") or False


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

    def _auto_init(self):
        """Create the last-call columns empty: computing them one contact at a time would slow down
        installing on a large address book, and no contact has been called yet anyway."""
        for name, sql_type in (("cold_call_last_date", "timestamp"), ("cold_call_last_outcome", "varchar")):
            if not column_exists(self.env.cr, self._table, name):
                create_column(self.env.cr, self._table, name, sql_type)
        return super()._auto_init()

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
        """(contacts to offer, contacts without a phone) matching ``domain``, in one scan of the table."""
        self.flush_model(["phone", "mobile", *([STATUS_FIELD] if options else [])])
        query = self._search(domain)
        if query.is_empty():
            return 0, 0
        callable_where = self._where_calc(self._cold_call_callable_domain(options), active_test=False).where_clause
        no_phone_where = self._where_calc(NO_PHONE_DOMAIN, active_test=False).where_clause
        self.env.cr.execute(
            query.select(
                SQL("COUNT(*) FILTER (WHERE %s)", callable_where),
                SQL("COUNT(*) FILTER (WHERE %s)", no_phone_where),
            )
        )
        return tuple(self.env.cr.fetchone())

    def _cold_call_rows(self, options):
        """What the Dialer shows of each contact, in a handful of queries whatever the count."""
        labels = {option["value"]: option["label"] for option in options}
        holds = self.env["cold.call.hold"]._active_by_partner(self.ids)
        default_country = self.env.company.country_id
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
                }
            )
        return rows

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
            if option:
                self.write({STATUS_FIELD: option["value"]})
            self.message_post(body=note_body, message_type="comment", subtype_xmlid="mail.mt_note")
            follow_up = next_steps.get("follow_up")
            if follow_up:
                self.activity_schedule(
                    "mail.mail_activity_data_call", note=Log._text_to_html(note), automated=False, **follow_up
                )
            opportunity = self.env["crm.lead"]
            if option and option["creates_opportunity"]:
                opportunity, _created = opportunity._cold_call_opportunity(self, note_body)
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
                    "calendar_event_id": meeting.id,
                    "mail_template_id": template.id,
                }
            )
            self.env["cold.call.hold"]._acquire(self.id, logged=True)
        return log.sudo(False)
