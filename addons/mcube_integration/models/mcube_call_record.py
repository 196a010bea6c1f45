import logging
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL, groupby

from odoo.addons.cold_call_phone.tools import phone

from ..const import DEFAULT_TIMEZONE, POP_UP, RECORDING_DELAY
from ..tools.networks import parse_allowed_networks
from ..tools.payload import MISSED_STATUSES
from .mcube_route import ROUTED_RULES, RULES

_logger = logging.getLogger(__name__)


class McubeCallRecord(models.Model):
    """One phone call tracked by MCUBE, merged from its call-start and hangup events
    (in any order) and linked to the lead and salesperson it belongs to."""

    _name = "mcube.call.record"
    _inherit = ["cold.call.audio.mixin"]
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
    phone_number = fields.Char(
        index=True, readonly=True, help="The customer's number in E.164; empty when MCUBE sent none (Anonymous)."
    )
    virtual_number = fields.Char(readonly=True, help="The MCUBE DID the call went through (clicktocalldid), in E.164.")
    agent_phone = fields.Char(readonly=True, help="The agent's phone (emp_phone), in E.164.")
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
    route_id = fields.Many2one(
        "mcube.route", string="Routing", readonly=True, ondelete="set null", help="The routing decision of the call."
    )
    assignment_rule = fields.Selection(RULES, readonly=True, help="What gave the call its salesperson.")
    assignment_reason = fields.Char(readonly=True, help="Why the call went to its salesperson.")
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
    def write(self, vals):
        """Downloads and transcripts that end are counted for the metrics (/mcube/metrics)."""
        for fname, metric in (
            ("audio_state", "mcube_recordings_total"),
            ("transcript_state", "mcube_transcripts_total"),
        ):
            state = vals.get(fname)
            if state and state != "waiting":
                changed = [record for record in self if record[fname] != state]
                for company, records in groupby(changed, lambda record: record.company_id.id):
                    self.env["mcube.metric"]._add(metric, company, len(records), state=state)
        return super().write(vals)

    def _compute_duration_display(self):
        for record in self:
            minutes, seconds = divmod(record.duration or 0, 60)
            record.duration_display = f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"

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
        ended._pop_up_end()
        self._queue_recordings()

    def _queue_recordings(self):
        """Download the recordings MCUBE just sent links for, in companies that keep them in Odoo, a
        minute later (RECORDING_DELAY)."""
        self.filtered(
            lambda record: (
                record.recording_url
                and not record.audio_state
                and record.company_id.sudo().mcube_recording_storage == "store"
            )
        )._queue_audio_fetch(eta=RECORDING_DELAY)

    def _audio_url(self):
        return self.recording_url

    def _audio_fetch_options(self):
        company = self.company_id.sudo()
        return {
            "allow_http": company.mcube_recording_allow_http,
            "trusted_networks": parse_allowed_networks(company.mcube_recording_trusted_networks),
        }

    def _audio_transcribe(self):
        return self.company_id.sudo().mcube_recording_transcribe

    @api.model
    def _cron_purge_recordings(self):
        """Delete the recordings stored longer than their company keeps them (transcripts stay)."""
        companies = self.env["res.company"].sudo().search([("mcube_recording_retention_days", ">", 0)])
        for company in companies:
            before = fields.Datetime.now() - timedelta(days=company.mcube_recording_retention_days)
            records = self.sudo().search(
                [("company_id", "=", company.id), ("audio_state", "=", "stored"), ("call_date", "<", before)]
            )
            records._purge_audio()
            _logger.info(
                "MCUBE recordings: %s deleted in %s (kept %s days)",
                len(records),
                company.name,
                company.mcube_recording_retention_days,
            )

    def _pop_up_end(self):
        """Tell the salesperson's screen that these inbound calls ended: the pop-up of an
        answered call closes, a missed one's says so (see crm.lead._mcube_pop_up)."""
        messages = []
        for record in self.filtered(lambda record: record.direction == "inbound" and record.user_id):
            payload = {"call_id": record.call_id, "state": "ended"}
            if record.status in MISSED_STATUSES and record.phone_number:
                caller = self.env["crm.lead"]._mcube_caller(record.phone_number, record.company_id, record.user_id)
                payload.update(state="missed", **caller)
            messages.append((record.user_id.partner_id, POP_UP, payload))
        self.env["bus.bus"]._sendmany(messages)

    @api.model
    def _values_from_call(self, data, event):
        company = event.company_id
        code = company._mcube_country().code
        numbers = {
            fname: phone.e164(data[key], code)
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
            "call_date": self._to_utc(data["start_time"], company) or event.received_at,
            "end_date": self._to_utc(data["end_time"], company),
            "duration": data["duration"],
            "recording_url": data["recording_url"],
            "disconnected_by": data["disconnected_by"],
            "refid": data["refid"],
        }

    @api.model
    def _to_utc(self, value, company):
        """Naive UTC datetime for Odoo from MCUBE's local time (in the company's MCUBE time zone)."""
        if not value:
            return False
        if value.tzinfo is None:
            value = pytz.timezone(company.mcube_timezone or DEFAULT_TIMEZONE).localize(value)
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
        """Link the persons and leads still missing: each call's person is decided once
        (``_decide_person``); its lead is the caller's open lead in the company (that person's
        first), else one created for that person; an owned lead keeps its owner. Looked up for
        all the calls of a company at once."""
        todo = self.filtered(
            lambda record: (
                not record.user_id
                or record._lead_missing()
                or (record.lead_id and not record.lead_id.user_id)
                or (record.agent_phone and record.assignment_rule in ROUTED_RULES)
            )
        )
        Lead = self.env["crm.lead"]
        for company, records in todo.grouped("company_id").items():
            records = records.with_company(company)
            records.filtered(
                lambda record: not record.user_id or record.assignment_rule in ROUTED_RULES
            )._decide_person(company)
            missing = records.filtered(lambda record: record._lead_missing())
            owners = {record.phone_number: record.user_id for record in missing}
            leads = Lead._mcube_find_by_phones(set(owners), company, owners)
            firsts = {}
            for record in missing.filtered_domain([("phone_number", "not in", list(leads))]):
                firsts.setdefault(record.phone_number, record)
            if firsts:
                leads.update(Lead._mcube_create_for_calls(firsts, company))
            for record in records:
                record._link_lead(leads, company)

    def _decide_person(self, company):
        """Who takes each call, and why, kept on the call: the owner of its virtual number, or the
        agent who took it (even when a rule chose someone else first: MCUBE's hunt went on);
        else the answer MCUBE asked for before it (routing endpoint); else, for an inbound call,
        the assignment rule (mcube.route._decide). An outbound call without any gets its lead's
        owner (``_link_lead``)."""
        Route = self.env["mcube.route"]
        pairs = [(record.virtual_number, record.agent_phone) for record in self]
        agents = self._salespeople(pairs, company)
        undecided = self.filtered(lambda record: not record.user_id)
        inbound = undecided.filtered(lambda record: record.direction != "outbound")
        requested = Route._joinable(inbound)
        routed = inbound.filtered(lambda record: not requested.get(record) and not agents[record._pair()])
        known = routed and Route._known(company, routed.mapped("phone_number"), routed.mapped("virtual_number"))
        for record in self:
            agent = agents[record._pair()]
            route = requested.get(record)
            if record.user_id and agent in (record.user_id, self.env["res.users"]):
                continue
            if route:
                route.call_record_id = record
            if route and agent and agent != route.user_id:
                record.route_id = route
                route = None
            if record in routed:
                route = Route._decide(
                    company,
                    record.phone_number,
                    record.virtual_number,
                    "call",
                    call_id=record.call_id,
                    call_record=record,
                    known=known,
                )
            if route:
                vals = {"user_id": route.user_id.id, "route_id": route.id}
                vals.update(assignment_rule=route.rule, assignment_reason=route.reason)
            elif agent and agent.mcube_virtual_number == record.virtual_number:
                vals = {"user_id": agent.id, "assignment_rule": "number"}
                vals["assignment_reason"] = _("Owner of the number %s", record.virtual_number)
            elif agent:
                vals = {"user_id": agent.id, "assignment_rule": "agent"}
                vals["assignment_reason"] = _("Agent: took the call on %s", record.agent_phone)
            else:
                continue
            record.write(vals)

    @api.model
    def _salespeople(self, pairs, company):
        """{(virtual number, agent phone): salesperson} for the E.164 numbers of calls: the
        internal user of the company owning the DID, else the one whose executive number is the
        agent phone. Only numbers that administrators and sales managers set say who takes a
        call, never a phone a rep can type on a contact. One query for all of them."""
        dids = {did for did, _agent in pairs if did}
        agents = {agent for _did, agent in pairs if agent}
        Users = self.env["res.users"]
        users = Users
        if dids or agents:
            users = Users.search_fetch(
                [
                    ("share", "=", False),
                    ("company_ids", "in", company.id),
                    "|",
                    ("mcube_virtual_number", "in", list(dids)),
                    ("mcube_executive_number", "in", list(agents)),
                ],
                ["mcube_virtual_number", "mcube_executive_number"],
            )

        def salesperson(did, agent):
            return (
                users.filtered(lambda user: did and user.mcube_virtual_number == did)[:1]
                or users.filtered(lambda user: agent and user.mcube_executive_number == agent)[:1]
            )

        return {(did, agent): salesperson(did, agent) for did, agent in set(pairs)}

    def _pair(self):
        return self.virtual_number, self.agent_phone

    def _lead_missing(self):
        return not self.lead_id and bool(self.phone_number)

    def _link_lead(self, leads, company):
        """Link the call to its caller's lead (``leads``: {number: lead}); a call nobody took yet
        (outbound, without an agent) goes to its lead's owner, else to the default salesperson,
        and an unowned lead to the call's person, else to the default team."""
        self.ensure_one()
        company = company.sudo()
        lead = self.lead_id
        if self._lead_missing():
            lead = leads[self.phone_number]
            self.write({"lead_id": lead.id, "partner_id": lead.partner_id.id})
        if not self.user_id and lead.user_id:
            self.write({"user_id": lead.user_id.id, "assignment_rule": "sticky"})
            self.assignment_reason = _("Sticky: owner of lead %s", lead.name)
        elif not self.user_id and company.mcube_default_user_id:
            self.write({"user_id": company.mcube_default_user_id.id, "assignment_rule": "fallback"})
            self.assignment_reason = _("Fallback: the company's default salesperson")
        if lead and not lead.user_id and self.user_id:
            lead.user_id = self.user_id
        if lead and not lead.user_id and not lead.team_id and company.mcube_default_team_id:
            lead.team_id = company.mcube_default_team_id

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
                record.lead_id._mcube_schedule_call_back(record.phone_number, record.user_id)

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
        # The recording is on the call record, which only its salesperson and managers read: the
        # lead's followers and readers get a link to the record, never the recording's address.
        link = Markup('<a href="#" data-oe-model="mcube.call.record" data-oe-id="%s">%s</a>') % (self.id, self.call_id)
        if self.recording_url:
            rows.append((_("Recording"), _("on the call record")))
        return Markup("<p>%s</p><ul>%s</ul>") % (
            Markup(_("MCUBE call %s")) % link,
            Markup().join(Markup("<li>%s: %s</li>") % (label, value) for label, value in rows if value),
        )
