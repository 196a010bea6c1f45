from typing import NamedTuple

from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..const import DEFAULT_BATCH_JOBS, DEFAULT_TIMEZONE, FAILURE_WINDOW
from ..tools.networks import parse_allowed_networks

# A change of these changes which company the webhook serves, or how the webhook reads numbers.
CACHED_FIELDS = {"mcube_webhook_token", "mcube_allowed_ips", "mcube_batch_jobs", "mcube_country_id", "country_id"}


class McubeAccount(NamedTuple):
    """What the webhook needs of the company whose MCUBE account sent a request."""

    company_id: int
    allowed_ips: str
    batch_jobs: int
    country_code: str


class ResCompany(models.Model):
    """MCUBE settings belong to the company whose MCUBE account they are: MCUBE posts each call
    with its account's webhook token, which says the call's company. Two companies with two
    accounts share one database without meeting."""

    _inherit = "res.company"

    mcube_webhook_token = fields.Char(
        "MCUBE Token",
        copy=False,
        groups="base.group_system",
        help="MCUBE sends it with each call event: it says the event is this company's. "
        "Without a token the webhook refuses this company's events.",
    )
    mcube_allowed_ips = fields.Char(
        "MCUBE Allowed Addresses",
        help="Comma separated IP addresses or networks (CIDR), e.g. 203.0.113.7, 198.51.100.0/24. Empty: any.",
        groups="base.group_system",
    )
    mcube_default_user_id = fields.Many2one(
        "res.users",
        "MCUBE Default Salesperson",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="For calls whose virtual number and agent phone match no user of the company, when no member of "
        "the team is available (and the team has no fallback of its own).",
        groups="base.group_system",
    )
    mcube_default_team_id = fields.Many2one(
        "crm.team",
        "MCUBE Default Sales Team",
        domain="[('company_id', 'in', [id, False])]",
        help="Takes the callers of virtual numbers that are nobody's (and of calls without one): its available "
        "members in turn (round-robin), else the default salesperson.",
        groups="base.group_system",
    )
    mcube_country_id = fields.Many2one(
        "res.country",
        "MCUBE Country",
        help="Country of numbers sent without a prefix. Empty: the company's country (India when it has none).",
        groups="base.group_system",
    )
    mcube_timezone = fields.Selection(
        _tz_get,
        "MCUBE Timezone",
        default=DEFAULT_TIMEZONE,
        help="MCUBE sends local times without an offset.",
        groups="base.group_system",
    )
    mcube_batch_jobs = fields.Integer(
        "Parallel MCUBE Jobs",
        default=DEFAULT_BATCH_JOBS,
        help="How many jobs process the company's new MCUBE events at once; together, the companies' jobs share "
        "the capacity of the job channel root.mcube (queue_job's channels option).",
        groups="base.group_system",
    )

    mcube_route_format = fields.Selection(
        [("json", "JSON object"), ("text", "Plain text (one number)"), ("hunt", "Comma-separated hunt list")],
        "MCUBE Routing Answer",
        default="json",
        required=True,
        help='How the routing endpoint answers MCUBE: a JSON object {"number": ..., "numbers": [...]}, the '
        "number to ring as plain text, or the numbers to ring in turn, comma separated.",
        groups="base.group_system",
    )
    mcube_route_fallback_number = fields.Char(
        "MCUBE Fallback Number",
        help="Rung when nobody can take a caller, or when Odoo cannot decide in time. Stored in E.164.",
        groups="base.group_system",
    )

    mcube_recording_storage = fields.Selection(
        [("store", "Keep in Odoo"), ("link", "Link only")],
        "MCUBE Recordings",
        default="store",
        required=True,
        help="Keep in Odoo: each call's recording is downloaded into Odoo, played there and transcribed. "
        "Link only: Odoo keeps MCUBE's link, which may expire.",
        groups="base.group_system",
    )
    mcube_recording_retention_days = fields.Integer(
        "Keep Recordings (days)",
        help="Recordings stored in Odoo are deleted this many days after their call (transcripts stay). 0: kept.",
        groups="base.group_system",
    )
    mcube_recording_transcribe = fields.Boolean(
        "Transcribe Recordings", default=True, help="Transcribe each stored recording.", groups="base.group_system"
    )
    mcube_recording_allow_http = fields.Boolean(
        "Allow Recordings over HTTP",
        help="Download recordings from http:// links too. Off: https only, so nobody on the way can change them.",
        groups="base.group_system",
    )
    mcube_recording_trusted_networks = fields.Char(
        "Recording Servers on Private Networks",
        help="Comma separated IP addresses or networks (CIDR) of your own recording servers on a private network. "
        "Recordings are never downloaded from other private, loopback or link-local addresses.",
        groups="base.group_system",
    )
    mcube_alert_user_id = fields.Many2one(
        "res.users",
        "MCUBE Administrator",
        domain=[("share", "=", False)],
        help="Gets an activity when MCUBE goes silent or call events fail. Empty: the administrator (admin).",
        groups="base.group_system",
    )
    mcube_alert_silence_minutes = fields.Integer(
        "Alert After Silence (min)",
        default=60,
        help="Alert when no call event has arrived for this many minutes of the company's working hours. 0: never.",
        groups="base.group_system",
    )
    mcube_alert_failures = fields.Integer(
        "Alert After Failures",
        default=10,
        help="Alert when this many call events failed in the last 24 hours. 0: never.",
        groups="base.group_system",
    )

    _sql_constraints = [
        ("mcube_webhook_token_unique", "UNIQUE(mcube_webhook_token)", "Each company needs its own MCUBE token."),
    ]

    @api.constrains("mcube_allowed_ips", "mcube_recording_trusted_networks")
    def _check_mcube_networks(self):
        for company in self:
            for networks in (company.mcube_allowed_ips, company.mcube_recording_trusted_networks):
                try:
                    parse_allowed_networks(networks)
                except ValueError as error:
                    raise ValidationError(_("%s is not an IP address or network (CIDR).", error.args[0])) from error

    @api.constrains("mcube_recording_retention_days")
    def _check_mcube_recording_retention_days(self):
        if any(company.mcube_recording_retention_days < 0 for company in self):
            raise ValidationError(_("Keep recordings for 0 days (always) or more."))

    @api.constrains("mcube_alert_silence_minutes", "mcube_alert_failures")
    def _check_mcube_alerts(self):
        if any(company.mcube_alert_silence_minutes < 0 or company.mcube_alert_failures < 0 for company in self):
            raise ValidationError(_("Alert thresholds are 0 (never) or more."))

    @api.constrains("mcube_alert_user_id")
    def _check_mcube_alert_user(self):
        for company in self:
            user = company.mcube_alert_user_id
            if user and (user.share or company not in user.company_ids):
                raise ValidationError(_("%s cannot take %s's MCUBE alerts.", user.name, company.name))

    @api.constrains("mcube_batch_jobs")
    def _check_mcube_batch_jobs(self):
        if any(not 1 <= company.mcube_batch_jobs <= 64 for company in self):
            raise ValidationError(_("Run between 1 and 64 MCUBE jobs at once."))

    @api.constrains("mcube_default_user_id", "mcube_default_team_id")
    def _check_mcube_defaults(self):
        """A default of another company would quietly never be used: refuse it."""
        for company in self:
            user, team = company.mcube_default_user_id, company.mcube_default_team_id
            if user and (user.share or company not in user.company_ids):
                raise ValidationError(_("%s cannot take %s's MCUBE calls.", user.name, company.name))
            if team.company_id and team.company_id != company:
                raise ValidationError(_("The sales team %s is not %s's.", team.name, company.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.env["res.users"]._mcube_normalize_numbers(vals, ("mcube_route_fallback_number",))
        return super().create(vals_list)

    def write(self, vals):
        """A new MCUBE country changes the E.164 numbers of the company's leads and contacts that
        have no country of their own: they are computed again, or calls stop matching them."""
        self.env["res.users"]._mcube_normalize_numbers(vals, ("mcube_route_fallback_number",))
        countries = {company: company._mcube_country() for company in self}
        if CACHED_FIELDS.intersection(vals):
            self.env.registry.clear_cache()  # _mcube_accounts
        result = super().write(vals)
        changed = self.filtered(lambda company: company._mcube_country() != countries[company])
        if changed:
            self.env["mcube.phone.mixin"]._mcube_recompute_countryless(changed)
        return result

    def _mcube_country(self):
        """The country of numbers MCUBE sends without a prefix: the setting, else the company's, else India."""
        self.ensure_one()
        company = self.sudo()
        return company.mcube_country_id or company.country_id or self.env.ref("base.in", raise_if_not_found=False)

    @api.model
    def _mcube_account(self, token):
        """The McubeAccount of the company whose webhook token is ``token``, or None. Every token
        is compared, in constant time."""
        found = None
        for company_token, account in self._mcube_accounts():
            if token and tools.consteq(company_token.encode(), token.encode()):
                found = account
        return found

    @api.model
    @tools.ormcache()
    def _mcube_accounts(self):
        """(token, McubeAccount) of each company with a token: cached, since every webhook
        request asks and these settings change rarely (writing them clears the cache)."""
        companies = self.sudo().search([("mcube_webhook_token", "!=", False)])
        return tuple(
            (
                company.mcube_webhook_token,
                McubeAccount(
                    company.id, company.mcube_allowed_ips or "", company.mcube_batch_jobs, company._mcube_country().code
                ),
            )
            for company in companies
        )

    # ------------------------------------------------------------------
    # Health and alerts
    # ------------------------------------------------------------------

    def _mcube_health(self):
        """What an administrator or manager needs to see that MCUBE's calls arrive: the last event,
        the backlog, recent failures, and the alerts that hold now."""
        self.ensure_one()
        company = self.sudo()
        Event = self.env["mcube.event"].sudo()
        since = fields.Datetime.now() - FAILURE_WINDOW
        backlog = Event._backlog(company.ids)[company.id]
        health = {
            "company_id": company.id,
            "company": company.name,
            "configured": bool(company.mcube_webhook_token),
            "last_event_at": company._mcube_last_event_at(),
            "backlog": backlog["pending"],
            "oldest_pending_at": backlog["oldest"] or False,
            "failures": Event.search_count(
                [("company_id", "=", company.id), ("state", "=", "failed"), ("write_date", ">=", since)]
            ),
        }
        health["alerts"] = company._mcube_alert_reasons(health)
        return health

    def _mcube_last_event_at(self):
        """When MCUBE last reached the webhook with an event, from the counters (any node, one
        indexed row), else from the events themselves (those received before the counters)."""
        self.ensure_one()
        last = self.env["mcube.metric"]._last_update("mcube_events_received_total", self.ids).get(self.id)
        if not last:
            last = self.env["mcube.event"].sudo().search([("company_id", "=", self.id)], limit=1).received_at
        return last or False

    def _mcube_alert_reasons(self, health):
        """The sentences of the alerts that hold: silence for too long in working hours (only once
        MCUBE has sent something: a company still setting up is not alerted), too many failures."""
        self.ensure_one()
        reasons = []
        last, minutes = health["last_event_at"], self.mcube_alert_silence_minutes
        calendar = self.resource_calendar_id
        if health["configured"] and last and minutes and calendar:
            silent = calendar.get_work_hours_count(last, fields.Datetime.now()) * 60
            if silent >= minutes:
                reasons.append(
                    _(
                        "No call event from MCUBE for %(minutes)s minutes of working hours "
                        "(the last one at %(last)s UTC).",
                        minutes=int(silent),
                        last=fields.Datetime.to_string(last),
                    )
                )
        if self.mcube_alert_failures and health["failures"] >= self.mcube_alert_failures:
            reasons.append(
                _("Call events failed in the last 24 hours: %s (CRM > MCUBE > Failed events).", health["failures"])
            )
        return reasons

    @api.model
    def _cron_mcube_alerts(self):
        """Raise, update or clear each MCUBE company's alert: one activity for its MCUBE
        administrator on the company's contact, gone by itself once the problem is."""
        self.env["mcube.metric"]._compact()  # bounded, whether anything scrapes or not
        self.env["mcube.event"].sudo()._reconcile_state_counts()
        for company in self.sudo().search([("mcube_webhook_token", "!=", False)]):
            company._mcube_sync_alert(company._mcube_health()["alerts"])

    def _mcube_sync_alert(self, reasons):
        self.ensure_one()
        activity_type = self.env.ref("mcube_integration.mail_activity_type_mcube_alert")
        alerts = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.partner_id.id),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        if not reasons:
            alerts.unlink()
            return
        user = self.mcube_alert_user_id or self.env.ref("base.user_admin", raise_if_not_found=False)
        values = {
            "summary": reasons[0] if len(reasons) == 1 else _("MCUBE: %s problems", len(reasons)),
            "note": Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % reason for reason in reasons),
            "user_id": user.id,
        }
        if alerts[:1] and (alerts[:1].summary, alerts[:1].user_id.id) == (values["summary"], user.id):
            alerts[:1].note = values["note"]
        elif alerts:
            alerts[:1].write(values)
        else:
            alerts.create(
                {
                    **values,
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        alerts[1:].unlink()
