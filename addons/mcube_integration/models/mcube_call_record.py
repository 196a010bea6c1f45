import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..const import DEFAULT_TIMEZONE, PARAM_DEFAULT_TEAM, PARAM_DEFAULT_USER, PARAM_TIMEZONE
from ..tools.payload import MISSED_STATUSES

# The customer, the DID and the agent phone of a parsed call, in this order.
NOTIFY_NUMBERS = ("customer_number", "virtual_number", "agent_phone")
OPEN_LEAD_DOMAIN = [("active", "=", True), "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)]


class McubeCallRecord(models.Model):
    """One phone call tracked by MCUBE, merged from its call-start and hangup events
    (in any order) and linked to the lead and salesperson it belongs to."""

    _name = "mcube.call.record"
    _description = "MCUBE call record"
    _order = "call_date desc, id desc"
    _rec_name = "call_id"

    call_id = fields.Char(string="Call ID", required=True, readonly=True)
    state = fields.Selection(
        [("ongoing", "Ongoing"), ("completed", "Completed")],
        default="ongoing",
        required=True,
        readonly=True,
        help="Completed once the hangup event is in; never goes back to ongoing.",
    )
    lead_id = fields.Many2one("crm.lead", index=True, readonly=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null")
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, readonly=True, ondelete="set null")
    phone_number = fields.Char(index=True, readonly=True, help="The customer's number, in E.164 when it is one.")
    virtual_number = fields.Char(readonly=True, help="The MCUBE DID the call went through (clicktocalldid).")
    agent_phone = fields.Char(readonly=True)
    agent_name = fields.Char(readonly=True)
    group_name = fields.Char(string="Group", readonly=True)
    direction = fields.Selection([("inbound", "Inbound"), ("outbound", "Outbound")], readonly=True)
    status = fields.Selection(
        [
            ("answered", "Answered"),
            ("no_answer", "Missed"),
            ("busy", "Busy"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
        ],
        readonly=True,
        help="Normalized from the status MCUBE sent (kept as Raw Status).",
    )
    raw_status = fields.Char(readonly=True)
    call_date = fields.Datetime(index=True, readonly=True)
    end_date = fields.Datetime(readonly=True)
    duration = fields.Integer(readonly=True, help="Talk time in seconds.")
    duration_display = fields.Char(string="Duration (h:mm:ss)", compute="_compute_duration_display")
    recording_url = fields.Char(string="Recording", readonly=True)
    disconnected_by = fields.Char(readonly=True)
    refid = fields.Char(string="Reference", readonly=True, help="Echo of the refid sent with a click-to-call.")
    event_ids = fields.One2many("mcube.event", "call_record_id", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company of its first event: leads, contacts and salespeople are matched in it.",
    )

    _sql_constraints = [
        ("call_id_unique", "UNIQUE(call_id)", "A call is recorded once per MCUBE call id."),
    ]

    @api.depends("duration")
    def _compute_duration_display(self):
        for record in self:
            minutes, seconds = divmod(record.duration or 0, 60)
            record.duration_display = f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"

    @api.model
    def _notify_incoming(self, call, company):
        """Pop up an inbound call on its salesperson's screen as soon as MCUBE says it starts,
        without waiting for the job queue: the salesperson owning the DID (or the agent's
        phone) gets the caller's lead or contact, found by number in the call's company."""
        if call["phase"] != "start" or call["direction"] != "inbound" or not call["customer_number"]:
            return
        phones = self.env["mcube.phone.mixin"]
        numbers = [phones._mcube_normalize_phone(call[key]) if call[key] else False for key in NOTIFY_NUMBERS]
        user = self._find_salesperson(numbers[1], numbers[2], company)
        if not user or not numbers[0]:
            return
        lead = self._find_lead_by_phone(numbers[0], company)
        partner = lead.partner_id or self._find_partner_by_phone(numbers[0], company)
        self.env["bus.bus"]._sendone(
            user.partner_id,
            "mcube_integration/incoming_call",
            {
                "call_id": call["call_id"],
                "number": numbers[0],
                "lead": {"id": lead.id, "name": lead.name} if lead else False,
                "partner": {"id": partner.id, "name": partner.display_name} if partner else False,
            },
        )

    @api.model
    def _upsert_from_event(self, event, data):
        """Create or update the call of an event (data: its parsed payload); start and
        hangup merge in either order, a redelivery only fills blanks. The record works
        in its company, so that leads are found and created there."""
        values = self._values_from_call(data, event)
        record = self._lock_call(values.pop("call_id"), event.company_id)
        record = record.with_company(record.company_id)
        was_completed = record.state == "completed"
        record.write(record._merge_values(values, event.phase, fill_only=event.delivery > 1))
        record._assign()
        if record.state == "completed" and not was_completed and record.lead_id:
            record._log_on_lead()
        return record

    @api.model
    def _values_from_call(self, data, event):
        phones = self.env["mcube.phone.mixin"]
        country = phones._mcube_default_country()
        numbers = {
            fname: phones._mcube_normalize_phone(data[key], country) or data[key]
            for fname, key in (
                ("phone_number", "customer_number"),
                ("virtual_number", "virtual_number"),
                ("agent_phone", "agent_phone"),
            )
        }
        return {
            **numbers,
            "call_id": data["call_id"],
            "direction": data["direction"],
            "agent_name": data["agent_name"],
            "group_name": data["group_name"],
            "raw_status": data["raw_status"],
            "status": data["status"],
            "call_date": self._to_utc(data["start_time"]) or event.received_at,
            "end_date": self._to_utc(data["end_time"]),
            "duration": data["duration"],
            "recording_url": data["recording_url"],
            "disconnected_by": data["disconnected_by"],
            "refid": data["refid"],
        }

    @api.model
    def _to_utc(self, value):
        """Naive UTC datetime for Odoo from MCUBE's local time (timezone from Settings)."""
        if not value:
            return False
        if value.tzinfo is None:
            tz_name = self.env["ir.config_parameter"].sudo().get_param(PARAM_TIMEZONE) or DEFAULT_TIMEZONE
            value = pytz.timezone(tz_name).localize(value)
        return value.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _lock_call(self, call_id, company):
        """The call's record, created if needed (in the company of its first event) and
        row-locked for this transaction, so that jobs for one call run one after the
        other. When another job created it after this transaction started, PostgreSQL
        raises a serialization failure: the job is retried and then sees the record.
        Expected conflicts are not logged as errors."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mcube_call_record (call_id, state, duration, company_id,
                                               create_uid, create_date, write_uid, write_date)
                VALUES (%(call_id)s, 'ongoing', 0, %(company)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (call_id) DO NOTHING
                """,
                call_id=call_id,
                company=company.id,
                uid=self.env.uid,
                now=now,
            ),
            log_exceptions=False,
        )
        self.env.cr.execute(
            SQL("SELECT id FROM mcube_call_record WHERE call_id = %s FOR UPDATE", call_id), log_exceptions=False
        )
        return self.browse(self.env.cr.fetchone()[0])

    def _merge_values(self, values, phase, fill_only=False):
        """Values to write so that nothing moves backwards: empty values never erase,
        a start event only fills blanks, the hangup event is the final word. A
        redelivery (fill_only) brings what the first delivery lacked, e.g. a recording
        URL known later: it fills blanks and overwrites nothing."""
        self.ensure_one()
        vals = {}
        for fname, value in values.items():
            if value in (False, None, "") or self[fname] == value:
                continue
            if not self[fname] or (phase == "hangup" and not fill_only):
                vals[fname] = value
        if phase == "hangup" and self.state != "completed":
            vals["state"] = "completed"
        return vals

    def _assign(self):
        """Link the lead and the salesperson still missing: DID owner, then agent phone,
        then the lead owner, then the Settings default; an owned lead keeps its owner.
        Leads, contacts, salespeople and teams are taken from the call's company only."""
        self.ensure_one()
        lead = self.lead_id
        lead_missing = not lead and (self.phone_number or "").startswith("+")
        if self.user_id and not lead_missing and (not lead or lead.user_id):
            return
        company = self.company_id
        agent = self._find_salesperson(self.virtual_number, self.agent_phone, company)
        default_user = self._default_salesperson(company)
        default_team = self._default_team(company)
        if lead_missing:
            lead = self._find_lead_by_phone(self.phone_number, company) or self._create_lead(agent or default_user)
            self.write({"lead_id": lead.id, "partner_id": lead.partner_id.id})
        if lead and not lead.user_id and (agent or default_user):
            lead.user_id = agent or default_user
        if lead and not lead.user_id and not lead.team_id and default_team:
            lead.team_id = default_team
        user = self.user_id or agent or lead.user_id or default_user
        if user != self.user_id:
            self.user_id = user

    @api.model
    def _find_salesperson(self, virtual_number, agent_phone, company):
        users = self.env["res.users"]
        in_company = [("share", "=", False), ("company_ids", "in", company.id)]
        if virtual_number:
            user = users.search([("mcube_virtual_number", "=", virtual_number), *in_company], limit=1)
            if user:
                return user
        if agent_phone and agent_phone.startswith("+"):
            user = users.search([("mcube_executive_number", "=", agent_phone), *in_company], limit=1)
            if user:
                return user
            phones = self.env["mcube.phone.mixin"]
            country = phones._mcube_default_country()
            candidates = users.search([*in_company, "|", ("phone", "!=", False), ("mobile", "!=", False)])
            for user in candidates:
                if agent_phone in (
                    phones._mcube_normalize_phone(user.phone, country),
                    phones._mcube_normalize_phone(user.mobile, country),
                ):
                    return user
        return users

    @api.model
    def _default_salesperson(self, company=None):
        """The Settings default, when it may work in the company (any company if None)."""
        user_id = self.env["ir.config_parameter"].sudo().get_param(PARAM_DEFAULT_USER)
        user = self.env["res.users"].browse(int(user_id)).exists() if user_id else self.env["res.users"]
        return user.filtered(lambda u: u.active and not u.share and (not company or company in u.company_ids))

    @api.model
    def _default_team(self, company):
        team_id = self.env["ir.config_parameter"].sudo().get_param(PARAM_DEFAULT_TEAM)
        team = self.env["crm.team"].browse(int(team_id)).exists() if team_id else self.env["crm.team"]
        return team.filtered(lambda t: not t.company_id or t.company_id == company)

    @api.model
    def _find_lead_by_phone(self, number, company):
        """Most recently active open lead of the company with that number (indexed columns
        only), else the open lead of an earlier call from it (numbers phonenumbers cannot
        validate)."""
        open_in_company = OPEN_LEAD_DOMAIN + [("company_id", "in", [company.id, False])]
        lead = self.env["crm.lead"].search(
            open_in_company
            + [
                "|",
                "|",
                ("phone_sanitized", "=", number),
                ("mcube_phone_sanitized", "=", number),
                ("mcube_mobile_sanitized", "=", number),
            ],
            order="write_date desc, id desc",
            limit=1,
        )
        if lead:
            return lead
        earlier = self.search(
            [("phone_number", "=", number), ("lead_id", "any", open_in_company)], order="call_date desc", limit=1
        )
        return earlier.lead_id

    @api.model
    def _find_partner_by_phone(self, number, company):
        return self.env["res.partner"].search(
            [
                ("company_id", "in", [company.id, False]),
                "|",
                ("mcube_phone_sanitized", "=", number),
                ("mcube_mobile_sanitized", "=", number),
            ],
            order="write_date desc, id desc",
            limit=1,
        )

    def _create_lead(self, user):
        """A lead for the caller: for the partner with that number if there is one. The
        number is locked first so that two calls from one new number make one lead."""
        self.ensure_one()
        self.env["mcube.phone.lock"]._acquire(self.phone_number)
        partner = self._find_partner_by_phone(self.phone_number, self.company_id)
        who = partner.display_name or self.phone_number
        if self.direction == "inbound":
            name = _("Inbound call from %s", who)
        elif self.direction == "outbound":
            name = _("Outbound call to %s", who)
        else:
            name = _("Call with %s", who)
        medium = self.env.ref("utm.utm_medium_phone", raise_if_not_found=False)
        vals = {
            "name": name,
            "partner_id": partner.id,
            "user_id": user.id,
            "company_id": self.company_id.id,
            "medium_id": medium.id if medium else False,
        }
        if not partner.phone and not partner.mobile:
            vals["phone"] = self.phone_number
        if not user and self._default_team(self.company_id):
            vals["team_id"] = self._default_team(self.company_id).id
        # The call note posted next is the lead's history; an assignment e-mail per call is noise.
        leads = self.env["crm.lead"].with_context(mail_create_nolog=True, mail_auto_subscribe_no_notify=True)
        return leads.create(vals)

    def _log_on_lead(self):
        """One chatter note per completed call; missed inbound calls also get a call-back
        activity for the salesperson, due today."""
        self.ensure_one()
        lead = self.lead_id
        selections = {
            fname: dict(self._fields[fname]._description_selection(self.env)) for fname in ("direction", "status")
        }
        rows = [
            (_("Direction"), selections["direction"].get(self.direction)),
            (_("Status"), selections["status"].get(self.status) or self.raw_status),
            (_("Duration"), self.duration_display),
            (_("Number"), self.phone_number),
            (_("Agent"), self.agent_name or self.user_id.name),
            (_("Virtual number"), self.virtual_number),
        ]
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            _("MCUBE call %s", self.call_id),
            Markup().join(Markup("<li>%s: %s</li>") % (label, value) for label, value in rows if value),
        )
        if self.recording_url:
            body += Markup('<p><a href="%s" target="_blank" rel="noopener noreferrer">%s</a></p>') % (
                self.recording_url,
                _("Listen to the recording"),
            )
        lead.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        if self.direction == "inbound" and self.status in MISSED_STATUSES:
            self._schedule_call_back()

    def _schedule_call_back(self):
        lead = self.lead_id
        user = lead.user_id or self.user_id or lead.team_id.user_id
        if not user:
            return
        lead.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=fields.Date.context_today(lead.with_context(tz=user.tz)),
            summary=_("Call back"),
            note=Markup("<p>%s</p>") % _("Missed call from %s", self.phone_number),
            user_id=user.id,
        )
