import datetime
import json

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from .common import DialerCase

KOLKATA = "Asia/Kolkata"  # UTC+05:30, no daylight saving time


def utc(text):
    return datetime.datetime.fromisoformat(text)


class TestDashboard(DialerCase):
    """Each figure of the dashboard checked against call logs built here, in the manager's time
    zone (Kolkata), for the week of Monday 2 March 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.tz = KOLKATA
        cls.won_stage = cls.env["crm.stage"].create({"name": "Dashboard won", "is_won": True})
        cls.opportunity = cls.env["crm.lead"].create(
            {"name": "Kaveri deal", "type": "opportunity", "partner_id": cls.alpha.id}
        )
        cls.meeting = cls.env["calendar.event"].create(
            {"name": "Demo", "start": "2026-03-05 06:00:00", "stop": "2026-03-05 07:00:00"}
        )
        cls.team = cls.env["crm.team"].create({"name": "Dashboard team", "member_ids": [(6, 0, cls.rep.ids)]})
        shared = cls.shared_filter
        cls.log(cls.rep, "2026-03-02 04:00", True, 120, cls.alpha, shared, created=True, meeting=cls.meeting)
        cls.log(cls.rep, "2026-03-02 04:20", False, 0, cls.bravo, shared)
        cls.log(cls.rep, "2026-03-03 12:00", True, 60, cls.alpha, list_name="Never called", opportunity=True)
        # Around the period's edges in Kolkata: 00:10 on Tuesday, before and after the week
        cls.log(cls.rep_two, "2026-03-02 18:40", True, 30, cls.charlie, list_name="Never called")
        cls.log(cls.rep_two, "2026-03-01 18:00", True, 45, cls.charlie, list_name="Never called")
        cls.log(cls.rep_two, "2026-03-08 18:29", False, 0, cls.delta, list_name="Never called")
        cls.log(cls.rep_two, "2026-03-08 18:30", True, 10, cls.delta, list_name="Never called")
        cls.opportunity.stage_id = cls.won_stage

    @classmethod
    def log(cls, user, when, connected, duration, partner, ir_filter=None, list_name=None, **links):
        return cls.env["cold.call.log"].create(
            {
                "call_date": utc(when),
                "user_id": user.id,
                "partner_id": partner.id,
                "filter_id": ir_filter.id if ir_filter else False,
                "list_name": ir_filter.name if ir_filter else list_name,
                "outcome_id": cls.outcome("interested" if connected else "no_answer").id,
                "connected": connected,
                "duration": duration,
                "opportunity_id": cls.opportunity.id if links.get("opportunity") or links.get("created") else False,
                "opportunity_created": links.get("created", False),
                "calendar_event_id": links["meeting"].id if links.get("meeting") else False,
            }
        )

    def data(self, **kwargs):
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz=KOLKATA)
        return dashboard.get_data(**{"period": "custom", "date_from": "2026-03-02", "date_to": "2026-03-08", **kwargs})

    def test_leaderboard_figures_per_rep(self):
        rows = {row["user_id"]: row for row in self.data()["leaderboard"]}
        self.assertEqual(list(rows), [self.rep.id, self.rep_two.id], "most calls first")
        figures = ("calls", "connected", "connect_rate", "talk_time", "meetings", "opportunities")
        self.assertEqual(
            {key: rows[self.rep.id][key] for key in figures}, dict(zip(figures, (3, 2, 66.7, 180, 1, 1), strict=True))
        )
        self.assertEqual(
            {key: rows[self.rep_two.id][key] for key in figures},
            dict(zip(figures, (2, 1, 50.0, 30, 0, 0), strict=True)),
        )

    def test_each_figure_opens_the_calls_it_counts(self):
        data = self.data()
        Log = self.env["cold.call.log"].with_user(self.manager)
        for row in data["leaderboard"]:
            for figure in ("calls", "connected", "meetings", "opportunities"):
                domain = [*data["domain"], *data["figure_domains"][figure], ("user_id", "=", row["user_id"])]
                self.assertEqual(Log.search_count(domain), row[figure], (row["name"], figure))

    def test_funnel_for_the_period_and_per_list(self):
        data = self.data()
        steps = ("calls", "connected", "interested", "meetings", "won")
        self.assertEqual([data["funnel"][step] for step in steps], [5, 3, 2, 1, 1])
        self.assertEqual(data["funnel"]["connect_rate"], 60.0)
        lists = {row["name"]: row for row in data["lists"]}
        shared = lists[self.shared_filter.name]
        self.assertEqual([shared[step] for step in steps], [2, 1, 1, 1, 1])
        self.assertEqual(
            (shared["filter_id"], shared["contacts"], shared["connect_rate"]), (self.shared_filter.id, 2, 50.0)
        )
        never = lists["Never called"]
        self.assertEqual([never[step] for step in steps], [3, 2, 1, 0, 1])
        self.assertEqual((never["filter_id"], never["contacts"]), (False, 3))

    def test_a_won_opportunity_counts_once_per_list(self):
        other = self.env["crm.lead"].create({"name": "Lost deal", "type": "opportunity"})
        self.log(self.rep, "2026-03-04 05:00", True, 10, self.echo, self.shared_filter, opportunity=True)
        self.env["cold.call.log"].search([("partner_id", "=", self.echo.id)]).opportunity_id = other
        self.assertEqual(self.data()["funnel"]["won"], 1)

    def test_contacts_left_are_what_the_dialer_offers(self):
        offered = {f["key"]: f for f in self.dialer(self.manager).get_counts()}
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager)
        left = dashboard.get_lists_left()
        self.assertTrue(left, "every saved search of the Dialer")
        self.assertEqual(set(left), {row["filter_id"] for row in self.data()["lists"] if row["filter_id"]})
        for filter_id, entry in left.items():
            self.assertEqual(entry["count"], offered[filter_id]["count"])
        with self.assertRaises(AccessError):
            dashboard.with_user(self.rep).get_lists_left()
        self.assertEqual(left[self.shared_filter.id], {"count": 5, "count_capped": False, "error": False})

    def test_heat_map_cells_in_the_managers_time_zone(self):
        heat_map = self.data()["heat_map"]
        # [weekday (0 is Monday), hour, calls, connected]
        self.assertEqual(heat_map["cells"], [[0, 9, 2, 1], [1, 0, 1, 1], [1, 17, 1, 1], [6, 23, 1, 0]])
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz="UTC")
        utc_cells = dashboard.get_data("custom", "2026-03-02", "2026-03-08")["heat_map"]["cells"]
        self.assertIn([0, 18, 1, 1], utc_cells, "the same call at 18:40 UTC on Monday")

    def test_heat_map_in_a_quarter_hour_time_zone(self):
        """Kathmandu is UTC+05:45: calls a minute apart around its midnight fall on two days."""
        self.log(self.rep, "2026-03-04 18:14", True, 30, self.echo, list_name="Never called")
        self.log(self.rep, "2026-03-04 18:15", False, 0, self.echo, list_name="Never called")
        self.log(self.rep, "2026-03-04 18:16", False, 0, self.echo, list_name="Never called")
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz="Asia/Kathmandu")
        cells = dashboard.get_data("custom", "2026-03-04", "2026-03-05")["heat_map"]["cells"]
        self.assertIn([2, 23, 1, 1], cells, "18:14 UTC is 23:59 on Wednesday there")
        self.assertIn([3, 0, 2, 0], cells, "18:15 and 18:16 UTC are past midnight")

    def test_team_filter_keeps_its_members_calls(self):
        data = self.data(team_id=self.team.id)
        self.assertEqual([row["user_id"] for row in data["leaderboard"]], [self.rep.id])
        self.assertEqual(data["funnel"]["calls"], 3)
        self.assertEqual(sum(cell[2] for cell in data["heat_map"]["cells"]), 3)
        self.assertIn({"id": self.team.id, "name": self.team.display_name}, data["teams"])

    def test_periods_follow_the_managers_calendar(self):
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz=KOLKATA)
        today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=5, minutes=30))).date()
        start, end, first, last = dashboard._period_bounds("today")
        self.assertEqual((first, last), (today, today))
        self.assertEqual(end - start, datetime.timedelta(days=1))
        self.assertEqual(
            start, datetime.datetime.combine(today, datetime.time.min) - datetime.timedelta(hours=5, minutes=30)
        )
        for week_start, weekday in (("1", 0), ("7", 6)):
            self.env["res.lang"]._lang_get(self.manager.lang).week_start = week_start
            first, last = dashboard._period_bounds("week")[2:]
            self.assertEqual((first.weekday(), (last - first).days), (weekday, 6))
            self.assertTrue(first <= today <= last)
        first, last = dashboard._period_bounds("month")[2:]
        self.assertEqual((first.day, first.month, (last + datetime.timedelta(days=1)).day), (1, today.month, 1))

    def test_bad_periods_and_teams_are_refused(self):
        for kwargs in (
            {"period": "year"},
            {"date_from": "2026-03-09"},
            {"date_from": "yesterday"},
            {"date_to": False},
            {"date_from": "2024-01-01", "date_to": "2026-03-08"},
            {"team_id": "1"},
            {"team_id": 99999999},
        ):
            with self.subTest(**kwargs), self.assertRaises(ValidationError):
                self.data(**{"team_id": False, **kwargs})

    def test_only_dialer_managers_see_the_dashboard(self):
        with self.assertRaises(AccessError):
            self.env["cold.call.dashboard"].with_user(self.rep).get_data()

    def test_a_reps_private_search_shows_under_its_name(self):
        private = self.make_filter("Rita's own", [("id", "=", self.echo.id)], user=self.rep)
        self.log(self.rep, "2026-03-04 05:00", False, 0, self.echo, private)
        row = next(row for row in self.data()["lists"] if row["name"] == "Rita's own")
        self.assertEqual(row["calls"], 1)
        self.assertNotIn(private.id, self.env["cold.call.dashboard"].with_user(self.manager).get_lists_left())

    def test_the_reps_tally_has_the_dashboards_figures(self):
        self.dialer().log_call(self.alpha.id, status="no_answer", duration=12, list_key="never_called")
        result = self.dialer().log_call(self.bravo.id, status="interested", duration=40, list_key="never_called")
        tally = result["tally"]
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz=self.rep.tz)
        row = next(row for row in dashboard.get_data("today")["leaderboard"] if row["user_id"] == self.rep.id)
        figures = ("calls", "connected", "connect_rate", "talk_time", "meetings", "opportunities")
        self.assertEqual({key: tally[key] for key in figures}, {key: row[key] for key in figures})
        self.assertEqual(
            (tally["calls"], tally["connected"], tally["talk_time"], tally["opportunities"]), (2, 1, 52, 1)
        )
        self.assertEqual(tally["outcomes"], [["Connected - Interested", 1], ["No Answer - No Voicemail", 1]])
        self.assertEqual(self.dialer().get_filters()["tally"], tally)

    @mute_logger("odoo.models.unlink")
    def test_saved_calls_refresh_the_managers_dashboards(self):
        self.env["bus.bus"].search([]).unlink()
        self.dialer().log_call(self.alpha.id, status="no_answer", list_key="never_called")
        self.env.flush_all()

        def notifications(channel):
            channel = json_dump(channel_with_db(self.env.cr.dbname, (self.env.company, channel)))
            messages = [json.loads(bus.message) for bus in self.env["bus.bus"].search([("channel", "=", channel)])]
            return [message for message in messages if message["type"] == "cold_call_dialer/figures"]

        # Managers listen to their companies' managers channel (see tests/test_live_bus.py).
        self.assertEqual(len(notifications("cold_call_dialer/managers")), 1)
        self.assertEqual(notifications("cold_call_dialer/reps"), [], "reps do not get the managers' refreshes")
