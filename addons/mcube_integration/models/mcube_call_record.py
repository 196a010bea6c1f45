import pytz
from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.tools import SQL

from ..const import DEFAULT_TIMEZONE, PARAM_DEFAULT_TEAM, PARAM_DEFAULT_USER, PARAM_TIMEZONE
from ..tools.payload import MISSED_STATUSES

# The customer, the DID and the agent phone of a parsed call, in this order.
NOTIFY_NUMBERS = ("customer_number", "virtual_number", "agent_phone")


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
    def _notify_incoming(self, call, event):
        """Pop up an inbound call on its salesperson's screen as soon as MCUBE says it starts,
        without waiting for the job queue: the salesperson owning the DID (or the agent's
        phone) gets the caller's lead or contact, found by number in the company of the
        call's ``event``."""
        if call["phase"] != "start" or call["direction"] != "inbound" or not call["customer_number"]:
            return
        phones = self.env["mcube.phone.mixin"]
        company = event.company_id
        numbers = [phones._mcube_normalize_phone(call[key]) if call[key] else False for key in NOTIFY_NUMBERS]
        caller, did_and_agent = numbers[0], (numbers[1], numbers[2])
        user = self.env["res.users"]._mcube_find_salespeople([did_and_agent], company)[did_and_agent]
        if not user or not caller:
            return
        lead = self.env["crm.lead"]._mcube_find_by_phones({caller}, company).get(caller, self.env["crm.lead"])
        partner = lead.partner_id or self.env["res.partner"]._mcube_find_by_phones({caller}, company).get(caller)
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
        """Merge an event into its call (data: its parsed payload), created if needed: start
        and hangup merge in either order, a redelivery only fills blanks. Returns the record
        and whether this event ended the call; its lead, salesperson and note come next, for
        all the events of a batch at once (_settle)."""
        values = self._values_from_call(data, event)
        record = self._lock_call(values.pop("call_id"), event.company_id)
        was_completed = record.state == "completed"
        record.write(record._merge_values(values, event.phase, fill_only=event.delivery > 1))
        return record, record.state == "completed" and not was_completed

    def _settle(self, ended):
        """Link the leads and salespeople of calls just merged, then log on their leads the
        calls that ended (``ended``)."""
        self._assign()
        ended.filtered("lead_id")._log_on_lead()

    @api.model
    def _values_from_call(self, data, event):
        phones = self.env["mcube.phone.mixin"]
        numbers = {
            fname: phones._mcube_normalize_phone(data[key]) or data[key]
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
        row-locked for this transaction by the same statement, so that jobs for one call run
        one after the other. When another job created it after this transaction started,
        PostgreSQL raises a serialization failure: the job is retried and then sees the
        record. Expected conflicts are not logged as errors."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mcube_call_record (call_id, state, duration, company_id,
                                               create_uid, create_date, write_uid, write_date)
                VALUES (%(call_id)s, 'ongoing', 0, %(company)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (call_id) DO UPDATE SET write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                RETURNING id
                """,
                call_id=call_id,
                company=company.id,
                uid=self.env.uid,
                now=now,
            ),
            log_exceptions=False,
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
        """Link the leads and salespeople still missing: DID owner, then agent phone, then
        the lead owner, then the Settings default; an owned lead keeps its owner. Leads,
        contacts, salespeople and teams are taken from each call's company only, and looked
        up for all the calls at once."""
        todo = self.filtered(
            lambda record: not record.user_id
            or record._lead_missing()
            or (record.lead_id and not record.lead_id.user_id)
        )
        for company, records in todo.grouped("company_id").items():
            records = records.with_company(company)
            pairs = [(record.virtual_number, record.agent_phone) for record in records]
            agents = self.env["res.users"]._mcube_find_salespeople(pairs, company)
            default_user = self._default_salesperson(company)
            default_team = self._default_team(company)
            missing = records.filtered(lambda record: record._lead_missing())
            leads = self.env["crm.lead"]._mcube_find_by_phones(set(missing.mapped("phone_number")), company)
            new = missing.filtered_domain([("phone_number", "not in", list(leads))])
            if new:
                leads.update(new._create_leads(agents, default_user, default_team))
            for record in records:
                agent = agents[record.virtual_number, record.agent_phone]
                record._assign_found(agent, default_user, default_team, leads)

    def _lead_missing(self):
        return not self.lead_id and (self.phone_number or "").startswith("+")

    def _assign_found(self, agent, default_user, default_team, leads):
        self.ensure_one()
        lead = self.lead_id
        if self._lead_missing():
            lead = leads[self.phone_number]
            self.write({"lead_id": lead.id, "partner_id": lead.partner_id.id})
        if lead and not lead.user_id and (agent or default_user):
            lead.user_id = agent or default_user
        if lead and not lead.user_id and not lead.team_id and default_team:
            lead.team_id = default_team
        user = self.user_id or agent or lead.user_id or default_user
        if user != self.user_id:
            self.user_id = user

    @api.model
    def _company_for(self, virtual_number):
        """The company of a call, known as it arrives: the one of the user owning its DID,
        else the default salesperson's, else the main company."""
        return self.env["res.company"].browse(self.sudo()._company_id_for(virtual_number or ""))

    @api.model
    @tools.ormcache("virtual_number")
    def _company_id_for(self, virtual_number):
        """Cached by the number as MCUBE writes it, for every webhook request asks: owners of
        virtual numbers, users' companies and the Settings (country included) change rarely,
        and changing them clears the cache."""
        number = virtual_number and self.env["mcube.phone.mixin"]._mcube_normalize_phone(virtual_number)
        domain = [("mcube_virtual_number", "=", number), ("share", "=", False)]
        owner = number and self.env["res.users"].search_fetch(domain, ["company_id"], limit=1)
        user = owner or self._default_salesperson()
        return user.company_id.id or self.env["ir.model.data"]._xmlid_to_res_id("base.main_company")

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

    def _create_leads(self, agents, default_user, default_team):
        """A lead for each new caller, named after its first call, for the contact with that
        number if there is one; all created at once, in the calls' company. The numbers are
        locked first so that two jobs never make two leads for one number."""
        company = self.company_id
        firsts = {}
        for record in self:
            firsts.setdefault(record.phone_number, record)
        self.env["mcube.phone.lock"]._acquire(firsts)
        partners = self.env["res.partner"]._mcube_find_by_phones(set(firsts), company)
        medium_id = self.env["ir.model.data"]._xmlid_to_res_id("utm.utm_medium_phone", raise_if_not_found=False)
        vals_list = []
        for number, record in firsts.items():
            partner = partners.get(number, self.env["res.partner"])
            user = agents[record.virtual_number, record.agent_phone] or default_user
            who = partner.display_name or number
            if record.direction == "inbound":
                name = _("Inbound call from %s", who)
            elif record.direction == "outbound":
                name = _("Outbound call to %s", who)
            else:
                name = _("Call with %s", who)
            vals = {
                "name": name,
                "partner_id": partner.id,
                "user_id": user.id,
                "company_id": company.id,
                "medium_id": medium_id,
            }
            if not partner.phone and not partner.mobile:
                vals["phone"] = number
            if not user and default_team:
                vals["team_id"] = default_team.id
            vals_list.append(vals)
        # The call note posted next is the lead's history; an assignment e-mail per call is noise.
        leads = self.env["crm.lead"].with_context(mail_create_nolog=True, mail_auto_subscribe_no_notify=True)
        return dict(zip(firsts, leads.create(vals_list), strict=True))

    def _log_on_lead(self):
        """A chatter note on each lead for its calls that ended (one note per lead for all of
        them, logged at once: a note notifies nobody); missed inbound calls also get a
        call-back activity for the salesperson, due today."""
        selections = {
            fname: dict(self._fields[fname]._description_selection(self.env)) for fname in ("direction", "status")
        }
        bodies = {}
        for record in self:
            bodies[record.lead_id.id] = bodies.get(record.lead_id.id, Markup()) + record._note(selections)
        self.lead_id._message_log_batch(bodies, message_type="comment")
        for record in self:
            if record.direction == "inbound" and record.status in MISSED_STATUSES:
                record._schedule_call_back()

    def _note(self, selections):
        self.ensure_one()
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
        return body

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
