import functools
import json
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, get_lang

from odoo.addons.cold_call_phone.tools import phone

from ..tools import compliance
from ..tools.time_zone import local_datetime

PURPOSES = [("promotional", "Promotional"), ("service", "Service or Transactional")]
RESULTS = [("allowed", "Allowed"), ("warned", "Allowed with a Warning"), ("refused", "Refused")]
RULES = [
    ("allowed", "Allowed"),
    ("number", "Phone number"),
    ("opt_out", "Opt-out"),
    ("window", "Calling window"),
    ("register_unknown", "Register not checked"),
    ("register_full", "Register: fully blocked"),
    ("register_category", "Register: category blocked"),
    ("register_band", "Register: time band"),
    ("register_day", "Register: day"),
    ("caller_id", "Caller ID"),
]
ENTRY_POINTS = [("phone", "Phone (tel: link)"), ("mcube", "MCUBE click-to-call")]


def format_date_in(date_format, value):
    """``value`` as the user's language writes dates (its ``date_format``), for the rep's sentences."""
    return value.strftime(date_format)


def names(category_ids, categories):
    """The names of ``category_ids`` in the register's order (``categories``: {id: (code, name)})."""
    return ", ".join(categories[category][1] for category in sorted(category_ids, key=lambda c: categories[c][0]))


class ColdCallComplianceCheck(models.Model):
    """India's telemarketing rules (TRAI TCCCPR 2018 as amended), decided once for every call:
    ``_verdicts`` says whether each contact may be called now from a list of a given purpose, with
    one sentence for the rep; the Dialer shows it on every row and card, skips refused contacts
    and refuses their calls, and ``_record`` keeps each check that allowed or refused a call as
    evidence (a row of this model, written by the server only). docs/COMPLIANCE.md lists the
    rules and their sources."""

    _name = "cold.call.compliance.check"
    _description = "Compliance Check"
    _order = "id desc"
    _rec_name = "number"

    create_date = fields.Datetime("Checked At", readonly=True, index=True)
    user_id = fields.Many2one("res.users", "Sales Rep", required=True, readonly=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True, index=True, ondelete="cascade")
    number = fields.Char(readonly=True, help="The number checked, in E.164.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    list_name = fields.Char("Call List", readonly=True)
    filter_id = fields.Many2one("ir.filters", "Saved Search", readonly=True, ondelete="set null")
    purpose = fields.Selection(PURPOSES, readonly=True)
    category_id = fields.Many2one("cold.call.register.category", "Register Category", readonly=True)
    entry_point = fields.Selection(ENTRY_POINTS, readonly=True)
    result = fields.Selection(RESULTS, required=True, readonly=True, index=True)
    rule = fields.Selection(RULES, required=True, readonly=True)
    reason = fields.Text(readonly=True, help="What the rep was told.")
    data = fields.Text("Data Used", readonly=True, help="What the check read, as it read it.")

    # ------------------------------------------------------------------
    # The decision
    # ------------------------------------------------------------------

    @api.model
    def _verdicts(self, partners, purpose, category, numbers=None):
        """{partner id: verdict} for calling each of ``partners`` now from a list of ``purpose``
        ("promotional" or "service") and register ``category`` (may be empty), at the number
        ``numbers`` gives (``{partner id: E.164}``), by default the one the Dialer dials.

        A verdict is ``{"allowed", "result", "rule", "reason", "warning", "data"}``: ``reason``
        is the sentence for the rep (why it is refused, or what allowed it), ``warning`` what
        the rep must know about an allowed call. A handful of queries, whatever the count."""
        numbers = numbers or {partner.id: next(iter(partner._cold_call_dial_numbers()), False) for partner in partners}
        facts = self._facts(purpose, category, [number for number in numbers.values() if number])
        fallback_tz = self.env["cold.call.list"]._company_tz()
        verdicts = {}
        for partner in partners:
            number = numbers.get(partner.id)
            local = local_datetime(facts["now"], partner.cold_call_tz or fallback_tz)
            data = {
                "number": number or False,
                "purpose": purpose,
                "category": category.name or False,
                "local_time": local.strftime("%Y-%m-%d %H:%M"),
                "time_zone": partner.cold_call_tz or fallback_tz,
            }
            verdicts[partner.id] = self._decide(number, local, facts, data)
        return verdicts

    @api.model
    def _facts(self, purpose, category, numbers):
        """What the verdicts on ``numbers`` read, in one query per source: the company's rules,
        the opt-outs, the register preferences and, for promotional calls, the consents."""
        company = self.env.company.sudo()
        now = fields.Datetime.now()
        # The numbers are E.164 already: core's search of the blacklist would parse each again.
        self.env["phone.blacklist"].flush_model(["number", "active"])
        self.env.cr.execute(
            SQL("SELECT number, write_date FROM phone_blacklist WHERE active AND number = ANY(%s)", numbers)
        )
        opt_outs = dict(self.env.cr.fetchall())
        max_age = company.cold_call_register_max_age
        categories = self.env["cold.call.register.category"].sudo().search([])
        return {
            "now": now,
            "purpose": purpose,
            "category": category,
            "categories": {category.id: (category.code, category.name) for category in categories},
            "window": (company.cold_call_window_start, company.cold_call_window_end),
            "max_age": max_age,
            "fresh_from": fields.Date.context_today(self) - timedelta(days=max_age),
            "refuse_unknown": company._cold_call_unknown_refused(),
            "opt_outs": opt_outs,
            "entries": self.env["cold.call.register.entry"]._preferences(numbers),
            "scopes": self.env["cold.call.consent"]._scopes(numbers, now) if purpose == "promotional" else {},
            "date": functools.partial(format_date_in, get_lang(self.env).date_format),
        }

    @api.model
    def _decide(self, number, local, facts, data):
        """One verdict, the rules in the order docs/COMPLIANCE.md gives: the number, opt-outs,
        the calling window, then, for promotional calls to Indian numbers, the register and the
        consents."""
        if not number:
            return self._verdict("refused", "number", _("No valid phone number to call."), data)
        if number in facts["opt_outs"]:
            data["opt_out"] = fields.Datetime.to_string(facts["opt_outs"][number])
            since = facts["date"](facts["opt_outs"][number].date())
            return self._verdict("refused", "opt_out", _("Opted out of calls since %s (phone blacklist).", since), data)
        start, end = data["window"] = facts["window"]
        if not compliance.in_window(local, start, end):
            return self._verdict(
                "refused",
                "window",
                _(
                    "It is %(time)s for this contact: calls are allowed from %(start)s to %(end)s.",
                    time=local.strftime("%H:%M"),
                    start=compliance.clock(start),
                    end=compliance.clock(end),
                ),
                data,
            )
        if facts["purpose"] != "promotional":
            return self._verdict("allowed", "allowed", _("Service call: the register does not apply."), data)
        if not phone.indian(number):
            return self._verdict(
                "allowed", "allowed", _("Not an Indian number: India's register does not apply."), data
            )
        return self._decide_register(
            facts["entries"].get(number), facts["scopes"].get(number, set()), local, facts, data
        )

    @api.model
    def _decide_register(self, entry, scope, local, facts, data):
        """The register preference ``entry`` (a dict, see ``cold.call.register.entry._preferences``)
        and the consents' ``scope`` (category ids) on a promotional call."""
        codes = facts["categories"]
        data["register"] = bool(entry) and {
            **entry,
            "category_ids": sorted(codes[category][0] for category in entry["category_ids"]),
            "checked_on": fields.Date.to_string(entry["checked_on"]),
        }
        if not entry or entry["checked_on"] < facts["fresh_from"]:
            last = _("last checked %s", facts["date"](entry["checked_on"])) if entry else _("never checked")
            sentence = _(
                "The register was not checked for this number within %(days)s days (%(last)s).",
                days=facts["max_age"],
                last=last,
            )
            if facts["refuse_unknown"]:
                return self._verdict("refused", "register_unknown", sentence, data)
            return self._verdict("warned", "register_unknown", _("Register not checked."), data, warning=sentence)
        category = facts["category"]
        needed = {category.id} if category else set(codes) if entry["full_block"] else entry["category_ids"]
        blocked = needed if entry["full_block"] else needed & entry["category_ids"]
        data["consent_scope"] = sorted(codes[category][0] for category in scope)
        if needed and needed <= scope:
            return self._verdict("allowed", "allowed", _("Consent on record for %s.", names(needed, codes)), data)
        checked = facts["date"](entry["checked_on"])
        if blocked:
            rule = "register_full" if entry["full_block"] else "register_category"
            sentence = (
                _("Fully blocked on the Do-Not-Disturb register (checked %s); no consent on record.", checked)
                if entry["full_block"]
                else _(
                    "On the Do-Not-Disturb register for %(categories)s (checked %(date)s); no consent on record.",
                    categories=names(blocked, codes),
                    date=checked,
                )
            )
            return self._verdict("refused", rule, sentence, data)
        bands = compliance.parse_bands(entry["time_bands"])
        if not compliance.in_bands(local, bands):
            return self._verdict(
                "refused",
                "register_band",
                _(
                    "Accepts promotional calls only %(bands)s (register, checked %(date)s); it is %(time)s there.",
                    bands=", ".join(f"{compliance.clock(s)}-{compliance.clock(e)}" for s, e in bands),
                    date=checked,
                    time=local.strftime("%H:%M"),
                ),
                data,
            )
        days = compliance.parse_days(entry["days"])
        if not compliance.on_days(local, days):
            return self._verdict(
                "refused",
                "register_day",
                _(
                    "Accepts promotional calls only on %(days)s (register, checked %(date)s); it is %(today)s there.",
                    days=", ".join(compliance.DAYS[day].capitalize() for day in days),
                    date=checked,
                    today=compliance.DAYS[local.weekday()].capitalize(),
                ),
                data,
            )
        return self._verdict("allowed", "allowed", _("Register checked %s: not blocked.", checked), data)

    @api.model
    def _verdict(self, result, rule, reason, data, warning=False):
        return {
            "allowed": result != "refused",
            "result": result,
            "rule": rule,
            "reason": reason,
            "warning": warning,
            "data": data,
        }

    # ------------------------------------------------------------------
    # Lists and evidence
    # ------------------------------------------------------------------

    @api.model
    def _list_rules(self, list_key, partner=None):
        """(purpose, register category, list name, saved search) of the list a call is made from.
        Quick lists and lists without a purpose are promotional, in the company's default
        category. A service list is taken at its word only for a ``partner`` it holds: a rep
        cannot make a call a service call by naming another list."""
        Lists = self.env["cold.call.list"]
        name, ir_filter = Lists._label(list_key) if list_key else (_("No list"), self.env["ir.filters"])
        default_category = self.env.company.sudo().cold_call_register_category_id
        if not ir_filter:
            return "promotional", default_category, name, ir_filter
        purpose = ir_filter.cold_call_purpose or "promotional"
        if purpose == "service" and partner is not None:
            domain = Lists._domain(ir_filter) if not Lists._domain_error(ir_filter) else None
            if domain is None or not self.env["res.partner"].search_count([("id", "=", partner.id), *domain]):
                purpose = "promotional"
        if purpose != "promotional":
            return purpose, self.env["cold.call.register.category"], name, ir_filter
        return purpose, ir_filter.cold_call_category_id or default_category, name, ir_filter

    @api.model
    def _record(self, partner, verdict, entry_point, list_rules):
        """Keep the check that allowed or refused a call (as superuser: reps never write evidence)."""
        purpose, category, list_name, ir_filter = list_rules
        return self.sudo().create(
            {
                "user_id": self.env.uid,
                "partner_id": partner.id,
                "number": verdict["data"].get("number") or False,
                "company_id": self.env.company.id,
                "list_name": list_name,
                "filter_id": ir_filter.id,
                "purpose": purpose,
                "category_id": category.id,
                "entry_point": entry_point,
                "result": verdict["result"],
                "rule": verdict["rule"],
                "reason": verdict["warning"] or verdict["reason"],
                "data": json.dumps(verdict["data"], indent=1, sort_keys=True, default=str),
            }
        )
