import datetime
from collections import Counter

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import get_lang

from ..const import DASHBOARD_MAX_DAYS, DASHBOARD_PERIODS, FIGURES_NOTIFICATION, MANAGERS_CHANNEL
from .cold_call_log import FIGURES, connect_rate


class ColdCallDashboard(models.AbstractModel):
    """The Dialer managers' dashboard (static/src/dashboard): one call per refresh returns every
    figure of a period and a sales team, from a few grouped queries on the call logs, never one
    query per rep or per list."""

    _name = "cold.call.dashboard"
    _description = "Dialer Dashboard"

    @api.model
    def get_data(self, period="today", date_from=False, date_to=False, team_id=False):
        """The figures of the calls made in ``period`` ("today", "week", "month" or "custom" from
        ``date_from`` to ``date_to``, days in the manager's time zone) by the members of sales
        team ``team_id`` (every rep when False)."""
        self._check_manager()
        start, end, first_day, last_day = self._period_bounds(period, date_from, date_to)
        team = self._team(team_id)
        reps = (team.member_ids | team.user_id) if team else None
        domain = [("call_date", ">=", start), ("call_date", "<", end)]
        if reps is not None:
            domain.append(("user_id", "in", reps.ids))
        data = {
            "period": {
                "period": period,
                "date_from": fields.Date.to_string(first_day),
                "date_to": fields.Date.to_string(last_day),
                "team_id": team.id,
            },
            "teams": [{"id": t.id, "name": t.display_name} for t in self.env["crm.team"].search([])],
            "domain": domain,
            "figure_domains": {
                "calls": [],
                "connected": [("connected", "=", True)],
                "talk_time": [("duration", ">", 0)],
                "meetings": [("calendar_event_id", "!=", False)],
                "opportunities": [("opportunity_created", "=", True)],
            },
            "heat_map": self._heat_map(domain),
            "complaints": self.env["cold.call.complaint"]._recent(),
        }
        # per rep and list at once: one pass over the calls gives the leaderboard and the lists
        figures = self.env["cold.call.log"]._figures(domain, ["user_id", "filter_id", "list_name"])
        data["leaderboard"] = self._leaderboard(figures)
        data.update(self._lists(domain, figures))
        data.update(self._section_figures(start, end, reps))
        return data

    @api.model
    def get_lists_left(self):
        """{saved search id: the contacts the Dialer still offers of it}, asked after the figures
        are on screen, as the Dialer's list screen asks its counts: they count contacts, not
        calls, and change with neither the period nor the team."""
        self._check_manager()
        Lists = self.env["cold.call.list"]
        callable_domain = Lists._callable_domain(self.env["cold.call.outcome"]._offered())
        return {ir_filter.id: Lists._contacts_left(ir_filter, callable_domain) for ir_filter in Lists._saved_searches()}

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("cold_call_dialer.group_cold_call_manager"):
            raise AccessError(_("Only Dialer administrators see the dashboard."))

    @api.model
    def _section_figures(self, start, end, users):
        """The figures of the sections other modules add to the dashboard (``dashboardSections`` in
        dashboard.js), for calls from ``start`` to ``end``; ``users`` are the team's reps, or None
        for every rep."""
        return {}

    @api.model
    def _notify_figures_changed(self, companies):
        """Tell the Dialer managers of ``companies`` that figures changed, on their companies'
        managers channel (see ir_websocket.py), so that open dashboards refresh."""
        self.env["bus.bus"]._sendmany(
            [((company, MANAGERS_CHANNEL), FIGURES_NOTIFICATION, {}) for company in companies]
        )

    @api.model
    def _period_bounds(self, period, date_from=False, date_to=False):
        """(start, end) of ``period`` as naive UTC datetimes, end excluded, and its first and last
        days, in the user's time zone; weeks start on the day of the user's language."""
        tz = pytz.timezone(self._tz())
        today = datetime.datetime.now(tz).date()
        if period == "today":
            first = last = today
        elif period == "week":
            week_start = int(get_lang(self.env).week_start) - 1
            first = today - datetime.timedelta(days=(today.weekday() - week_start) % 7)
            last = first + datetime.timedelta(days=6)
        elif period == "month":
            first = today.replace(day=1)
            last = first + relativedelta(months=1, days=-1)
        elif period == "custom":
            try:
                first, last = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
            except (TypeError, ValueError) as error:
                raise ValidationError(_("Give the period's dates as YYYY-MM-DD.")) from error
            if not (first and last) or first > last:
                raise ValidationError(_("Pick a first day on or before the last day."))
            if (last - first).days >= DASHBOARD_MAX_DAYS:
                raise ValidationError(_("Pick a period of at most %s days.", DASHBOARD_MAX_DAYS))
        else:
            raise ValidationError(_("Pick a period among %s.", ", ".join(DASHBOARD_PERIODS)))

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(first), utc(last + datetime.timedelta(days=1)), first, last

    @api.model
    def _tz(self):
        tz = self.env.context.get("tz") or self.env.user.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    @api.model
    def _team(self, team_id):
        if not team_id:
            return self.env["crm.team"]
        team = self.env["crm.team"].browse(team_id).exists() if isinstance(team_id, int) else None
        if not team:
            raise ValidationError(_("This sales team does not exist any more."))
        return team

    @api.model
    def _leaderboard(self, figures):
        """Per rep: the figures of their calls, most calls first; ``figures`` by (rep, list, name)."""
        reps = {}
        for (user, _filter, _name), values in figures.items():
            row = reps.setdefault(user, {"user_id": user.id, "name": user.name, **dict.fromkeys(FIGURES, 0)})
            for figure in FIGURES:
                row[figure] += values[figure]
        for row in reps.values():
            row["connect_rate"] = connect_rate(row)
        return sorted(reps.values(), key=lambda row: (-row["calls"], row["name"]))

    @api.model
    def _heat_map(self, domain):
        """Calls and connected calls per weekday (0 is Monday) and hour of the day, in the user's
        time zone, as ``[weekday, hour, calls, connected]`` cells with calls. Counted per quarter
        hour in UTC, then placed in the user's hours: every time zone's offset is a multiple of a
        quarter hour, and no call is converted on its own."""
        Log = self.env["cold.call.log"]
        Log.flush_model()
        query = Log._search(domain)
        self.env.cr.execute(
            SQL(
                "SELECT date_bin('15 minutes', %s, TIMESTAMP '2000-01-01'), COALESCE(%s, FALSE), COUNT(*)"
                " FROM %s WHERE %s GROUP BY 1, 2",
                SQL.identifier(Log._table, "call_date"),
                SQL.identifier(Log._table, "connected"),
                query.from_clause,
                query.where_clause or SQL("TRUE"),
            )
        )
        tz = pytz.timezone(self._tz())
        cells = {}
        for quarter, connected, count in self.env.cr.fetchall():
            local = pytz.utc.localize(quarter).astimezone(tz)
            cell = cells.setdefault((local.weekday(), local.hour), [local.weekday(), local.hour, 0, 0])
            cell[2] += count
            cell[3] += count if connected else 0
        return {
            "cells": sorted(cells.values()),
            "week_start": int(get_lang(self.env).week_start) - 1,
        }

    @api.model
    def _lists(self, domain, figures):
        """The funnel, for all the calls and per list: dialed, connected, interested, meeting and
        won (opportunities of the calls won since); and per list the contacts called. Every saved
        search of the Dialer has its row; calls from quick lists or deleted searches are grouped
        by the list name they were made from. ``figures`` are the calls' by (rep, list, name)."""
        Log = self.env["cold.call.log"]
        groupby = ["filter_id", "list_name"]
        contacts = {
            (ir_filter.id, name): count
            for ir_filter, name, count in Log._read_group(domain, groupby, ["partner_id:count_distinct"])
        }
        won_domain = [("id", "in", Log._search(domain)), ("opportunity_id.stage_id.is_won", "=", True)]
        # Won opportunities count even if the manager may not read CRM: only the count is shown.
        # the few won opportunities with their lists: counted per list, and once in all
        won_pairs = Log.sudo()._read_group(won_domain, [*groupby, "opportunity_id"])
        won = Counter((ir_filter.id, name) for ir_filter, name, _opportunity in won_pairs)
        total_won = len({opportunity for *_list, opportunity in won_pairs})
        rows = {
            ("filter", ir_filter.id): self._list_row(("filter", ir_filter.id), ir_filter.id, ir_filter.name)
            for ir_filter in self.env["cold.call.list"]._saved_searches()
        }
        total = self._list_row(("all", ""), False, "")
        for ir_filter, name in {(ir_filter, name) for _user, ir_filter, name in figures}:
            key = ("filter", ir_filter.id) if ir_filter else ("name", name)
            # a rep's private search is not readable by the manager: it shows under its list name
            row = rows.setdefault(key, self._list_row(key, ir_filter.id, name))
            row["contacts"] += contacts.get((ir_filter.id, name), 0)
            row["won"] += won.get((ir_filter.id, name), 0)
        for (_user, ir_filter, name), values in figures.items():
            row = rows["filter", ir_filter.id] if ir_filter else rows["name", name]
            for entry in (row, total):
                for figure in FIGURES:
                    entry[figure] += values[figure]
        total["won"] = total_won
        for entry in (*rows.values(), total):
            entry["connect_rate"] = connect_rate(entry)
        lists = sorted(rows.values(), key=lambda row: (-row["calls"], row["name"].lower()))
        return {"funnel": total, "lists": lists}

    @api.model
    def _list_row(self, key, filter_id, name):
        """A list's figures before its calls are added."""
        return {
            **dict.fromkeys(FIGURES, 0),
            "key": "-".join(map(str, key)),
            "filter_id": filter_id,
            "name": name,
            "contacts": 0,
            "won": 0,
        }
