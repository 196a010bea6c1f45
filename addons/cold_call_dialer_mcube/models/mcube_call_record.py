import statistics

from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.mcube_integration.const import ROUTE_JOIN_WINDOW
from odoo.addons.mcube_integration.tools.payload import MISSED_STATUSES
from odoo.addons.queue_job.exception import RetryableJobError

from ..const import (
    JOIN_RETRY_SECONDS,
    JOIN_WAIT,
    JOIN_WINDOW_AFTER,
    JOIN_WINDOW_BEFORE,
    PENDING_CALLBACKS_SHOWN,
    REFID_PREFIX,
)


class McubeCallRecord(models.Model):
    """A call MCUBE reports for a Dialer click-to-call belongs to the rep's attempt: it is
    joined to it (contact, rep, live state) instead of being assigned like an unknown call,
    so that an outbound call to a known contact never becomes a new lead."""

    _inherit = "mcube.call.record"

    def _settle(self, ended):
        """Calls that end change the managers' callback figures: open dashboards refresh, once
        per batch of events."""
        if ended:
            self.env["cold.call.dashboard"]._notify_figures_changed(ended.company_id)
        return super()._settle(ended)

    @api.model
    def _cold_call_callbacks(self, since, start, end, users=None):
        """Missed inbound calls (from ``since``) and their callbacks, for the Dialer dashboard.

        A missed call is called back by the first later call to its number: an outbound MCUBE
        call, or a Dialer call logged on its contact. Returns the numbers still waiting, oldest
        first (each with its first missed call), and the median minutes to a callback of the
        calls missed from ``start`` to ``end``. Read as superuser within the user's companies:
        Dialer managers see callbacks without MCUBE rights."""
        domain = [
            ("direction", "=", "inbound"),
            ("status", "in", MISSED_STATUSES),
            ("phone_number", "!=", False),
            ("call_date", ">=", since),
            ("call_date", "<", end),
            ("company_id", "in", self.env.companies.ids),
        ]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        self.env.cr.execute(
            SQL(
                """
                SELECT r.id, r.phone_number, r.call_date,
                       (SELECT MIN(later.call_date) FROM (
                            SELECT o.call_date FROM mcube_call_record o
                             WHERE o.phone_number = r.phone_number AND o.direction = 'outbound'
                               AND o.call_date > r.call_date
                            UNION ALL
                            SELECT l.call_date FROM cold_call_log l
                             WHERE l.partner_id = r.partner_id AND l.call_date > r.call_date
                       ) later)
                  FROM mcube_call_record r
                 WHERE r.id IN %s
                 ORDER BY r.call_date, r.id
                """,
                self.sudo()._search(domain).subselect(),
            )
        )
        waiting, delays = {}, []
        for record_id, number, call_date, called_back_at in self.env.cr.fetchall():
            if called_back_at is None:
                waiting.setdefault(number, []).append(record_id)
            elif call_date >= start:
                delays.append((called_back_at - call_date).total_seconds() / 60)
        first_ids = sorted(ids[0] for ids in waiting.values())
        records = self.sudo().browse(first_ids).sorted(lambda record: (record.call_date, record.id))
        return {
            "pending_count": len(waiting),
            "pending": [
                {
                    "id": record.id,
                    "phone_number": record.phone_number,
                    "call_date": fields.Datetime.to_string(record.call_date),
                    "missed": len(waiting[record.phone_number]),
                    "contact": record.partner_id.display_name or record.lead_id.display_name or "",
                    "partner_id": record.partner_id.id,
                    "lead_id": record.lead_id.id,
                    "owner": record.user_id.name or "",
                }
                for record in records[:PENDING_CALLBACKS_SHOWN]
            ],
            "called_back": len(delays),
            "median_minutes": round(statistics.median(delays)) if delays else False,
        }

    @api.model
    def _cold_call_routing(self, start, end, users=None):
        """How the inbound calls from ``start`` to ``end`` and the leads made from them were
        assigned, per salesperson and rule, and the routed calls nobody answered: missed, or
        routing answers MCUBE never reported a call for. For the Dialer dashboard: read as
        superuser within the user's companies (Dialer managers need no MCUBE rights)."""
        companies = [("company_id", "in", self.env.companies.ids)]
        who = [] if users is None else [("user_id", "in", users.ids)]
        calls = self.sudo()._read_group(
            companies + who + [("call_date", ">=", start), ("call_date", "<", end), ("assignment_rule", "!=", False)],
            ["user_id", "assignment_rule"],
            ["__count"],
        )
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                companies
                + who
                + [("create_date", ">=", start), ("create_date", "<", end), ("mcube_assignment_rule", "!=", False)],
                ["user_id", "mcube_assignment_rule"],
                ["__count"],
            )
        )
        rows = {}
        for kind, groups in (("calls", calls), ("leads", leads)):
            for user, rule, count in groups:
                row = rows.setdefault(user, {"user": user.name or _("Nobody"), "calls": {}, "leads": {}})
                row[kind][rule] = count
        routed = [("assignment_rule", "not in", ("number", "agent"))]
        missed = self.sudo().search_count(
            companies
            + who
            + routed
            + [("call_date", ">=", start), ("call_date", "<", end)]
            + [("status", "in", MISSED_STATUSES)]
        )
        unreported = (
            self.env["mcube.route"]
            .sudo()
            .search_count(
                companies
                + who
                + [
                    ("source", "=", "request"),
                    ("call_record_id", "=", False),
                    ("create_date", ">=", start),
                    ("create_date", "<", min(end, fields.Datetime.now() - ROUTE_JOIN_WINDOW)),
                ]
            )
        )
        labels = dict(self._fields["assignment_rule"]._description_selection(self.env))
        used = {rule for row in rows.values() for kind in ("calls", "leads") for rule in row[kind]}
        return {
            "rules": [[rule, label] for rule, label in labels.items() if rule in used],
            "rows": sorted(rows.values(), key=lambda row: row["user"]),
            "missed": missed,
            "unreported": unreported,
        }

    def _assign(self):
        """Run for every event of the call, after its values are merged: a call joined to a
        Dialer attempt takes the attempt's contact and rep, and no lead is looked up or
        created; the other calls are assigned as before."""
        joined = self.browse()
        for record in self:
            attempt = record._cold_call_attempt()
            if attempt:
                values = {"partner_id": attempt.partner_id.id, "user_id": attempt.user_id.id}
                record.write({fname: value for fname, value in values.items() if record[fname].id != value})
                attempt._join(record)
                joined |= record
        return super(McubeCallRecord, self - joined)._assign()

    def _cold_call_attempt(self):
        """The Dialer attempt this call answers: the one joined already, else the one whose
        refid MCUBE echoed, else a recent unjoined attempt between the same two numbers.

        The attempt row is locked, so that two calls cannot both join it; a conflict with a
        concurrent job is a serialization failure, which the job retries."""
        Attempt = self.env["cold.call.mcube.attempt"].sudo()
        attempt = Attempt.search([("call_record_id", "=", self.id)], limit=1)
        if not attempt and self.refid:
            by_refid = Attempt.search([("refid", "=", self.refid)], limit=1)
            if not by_refid and self.refid.startswith(REFID_PREFIX):
                self._cold_call_wait_for_attempt()
            attempt = by_refid.filtered(lambda found: not found.call_record_id)
        if not attempt:
            attempt = self._cold_call_attempt_by_numbers()
        if not attempt:
            return attempt
        self.env.cr.execute(
            SQL("SELECT call_record_id FROM cold_call_mcube_attempt WHERE id = %s FOR UPDATE", attempt.id),
            log_exceptions=False,
        )
        joined_id = self.env.cr.fetchone()[0]
        return attempt if joined_id in (None, self.id) else Attempt

    def _cold_call_may_hear(self):
        """Whether the current user may hear this call's recording: they read the call record, or
        the click-to-call or Dialer log it belongs to (each under its own access rules)."""
        self.ensure_one()
        return any(
            Model.check_access_rights("read", raise_exception=False)
            and Model.search_count([(fname, "=", self.id)], limit=1)
            for Model, fname in (
                (self, "id"),
                (self.env["cold.call.mcube.attempt"], "call_record_id"),
                (self.env["cold.call.log"], "mcube_call_record_id"),
            )
        )

    def _cold_call_audio(self):
        """What the Dialer plays of this call: its stored recording and transcript, or False."""
        self.ensure_one()
        if self.audio_state != "stored":
            return False
        return {
            "label": _("Recording"),
            "src": f"/cold_call_dialer_mcube/recording/{self.id}",
            "segments": self.transcript_segments or [],
            "keywords": self.keyword_ids.mapped("name"),
        }

    def _audio_stored(self):
        """The rep's call screen plays the recording as soon as it is in."""
        super()._audio_stored()
        self._cold_call_notify_attempts()

    def _transcript_done(self):
        """The transcript, its keywords and the outcome they suggest reach the rep's call screen."""
        super()._transcript_done()
        self._cold_call_notify_attempts()

    def _cold_call_notify_attempts(self):
        self.env["cold.call.mcube.attempt"].sudo().search([("call_record_id", "in", self.ids)])._notify()

    def _cold_call_attempt_by_numbers(self):
        """For events without our refid: the latest attempt from the agent's number to the
        customer's, made shortly before the call started and not joined to a call yet."""
        Attempt = self.env["cold.call.mcube.attempt"].sudo()
        if self.direction == "inbound" or not (self.agent_phone and self.phone_number and self.call_date):
            return Attempt
        return Attempt.search(
            [
                ("call_record_id", "=", False),
                ("state", "=", "requested"),
                ("executive_number", "=", self.agent_phone),
                ("customer_number", "=", self.phone_number),
                ("create_date", ">=", self.call_date - JOIN_WINDOW_BEFORE),
                ("create_date", "<=", self.call_date + JOIN_WINDOW_AFTER),
            ],
            order="create_date desc, id desc",
            limit=1,
        )

    def _cold_call_wait_for_attempt(self):
        """MCUBE may report a call before the Dialer request that placed it is committed: its
        attempt is not visible yet. A recent call retries the job shortly (queue_job), rather
        than becoming a lead; past JOIN_WAIT the attempt is gone (its request failed) and the
        call is assigned like any other."""
        if abs(fields.Datetime.now() - (self.call_date or fields.Datetime.now())) < JOIN_WAIT:
            raise RetryableJobError(
                _("MCUBE call %s: its Dialer request is not saved yet.", self.call_id), seconds=JOIN_RETRY_SECONDS
            )
