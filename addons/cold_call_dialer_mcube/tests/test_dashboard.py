from datetime import datetime, timedelta

from odoo.tests.common import TransactionCase

from odoo.addons.cold_call_dialer.tests.common import DialerFixturesMixin

NOON = datetime(2026, 3, 5, 12, 0)


class TestDashboardCallbacks(DialerFixturesMixin, TransactionCase):
    """The dashboard's MCUBE follow-up on 5 March 2026 (UTC): missed inbound calls nobody called
    back, and the median time to call back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures()
        cls.team = cls.env["crm.team"].create({"name": "Callback team", "member_ids": [(6, 0, cls.rep.ids)]})
        cls.seq = 0
        cls.call("+919800000101", hours=-30, user=cls.rep)  # yesterday, still waiting
        cls.call("+919800000102", hours=-5, status="busy")
        cls.call("+919800000102", hours=-4)
        cls.call("+919800000103", hours=-3, partner=cls.alpha)
        cls.call("+919800000103", hours=-2, direction="outbound", status="answered")  # 60 min later
        cls.call("+919800000104", hours=-2, partner=cls.bravo)
        cls.dialer_call(cls.bravo, NOON - timedelta(hours=1, minutes=30))  # 30 min later
        cls.call("+919800000105", hours=-240)  # ten days ago: out of the window
        cls.call("+919800000106", hours=-1, status="answered")
        cls.call("+919800000107", hours=-6, direction="outbound", status="answered")
        cls.call("+919800000107", hours=-5)  # the earlier outbound call is no callback

    @classmethod
    def call(cls, number, hours, direction="inbound", status="no_answer", user=None, partner=None):
        cls.seq += 1
        return (
            cls.env["mcube.call.record"]
            .sudo()
            .create(
                {
                    "call_id": f"DASH-{cls.seq}",
                    "phone_number": number,
                    "call_date": NOON + timedelta(hours=hours),
                    "direction": direction,
                    "status": status,
                    "state": "completed",
                    "user_id": (user or cls.rep_two).id,
                    "partner_id": partner.id if partner else False,
                }
            )
        )

    @classmethod
    def dialer_call(cls, partner, when):
        cls.env["cold.call.log"].create(
            {"call_date": when, "user_id": cls.rep.id, "partner_id": partner.id, "list_name": "Never called"}
        )

    def callbacks(self, **kwargs):
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz="UTC")
        return dashboard.get_data("custom", "2026-03-05", "2026-03-05", **kwargs)["mcube_callbacks"]

    def test_missed_calls_not_called_back_oldest_first(self):
        callbacks = self.callbacks()
        pending = [(row["phone_number"], row["missed"], row["call_date"], row["owner"]) for row in callbacks["pending"]]
        self.assertEqual(
            pending,
            [
                ("+919800000101", 1, "2026-03-04 06:00:00", "Rita Rep"),
                ("+919800000102", 2, "2026-03-05 07:00:00", "Ravi Rep"),
                ("+919800000107", 1, "2026-03-05 07:00:00", "Ravi Rep"),
            ],
        )
        self.assertEqual(callbacks["pending_count"], 3)

    def test_median_time_to_call_back_this_period(self):
        callbacks = self.callbacks()
        self.assertEqual((callbacks["called_back"], callbacks["median_minutes"]), (2, 45))
        self.call("+919800000101", hours=-29, direction="outbound", status="no_answer")
        callbacks = self.callbacks()
        self.assertNotIn("+919800000101", [row["phone_number"] for row in callbacks["pending"]])
        self.assertEqual(callbacks["called_back"], 2, "yesterday's missed call is not this period's")

    def test_team_filter_keeps_its_members_callbacks(self):
        callbacks = self.callbacks(team_id=self.team.id)
        self.assertEqual([row["phone_number"] for row in callbacks["pending"]], ["+919800000101"])
        self.assertEqual(callbacks["median_minutes"], False)

    def test_other_companies_callbacks_stay_out(self):
        other = self.env["res.company"].create({"name": "Other company"})
        self.env["mcube.call.record"].search([("phone_number", "=", "+919800000101")]).company_id = other
        self.assertNotIn("+919800000101", [row["phone_number"] for row in self.callbacks()["pending"]])


class TestDashboardRouting(DialerFixturesMixin, TransactionCase):
    """The dashboard's call routing on 5 March 2026 (UTC): calls and new leads per rep by what
    assigned them, and the routed calls nobody answered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures()
        cls.seq = 0

    def route(self, user, rule, status="answered", hours=-1, lead=False, reported=True):
        type(self).seq += 1
        when = NOON + timedelta(hours=hours)
        route = self.env["mcube.route"].create(
            {
                "company_id": self.env.company.id,
                "caller_number": f"+91980000{self.seq:04d}",
                "user_id": user.id,
                "rule": rule,
                "reason": rule,
                "source": "request",
            }
        )
        self.env.cr.execute("UPDATE mcube_route SET create_date = %s WHERE id = %s", [when, route.id])
        if not reported:
            return
        record = self.env["mcube.call.record"].create(
            {
                "call_id": f"ROUTED-{self.seq}",
                "phone_number": route.caller_number,
                "call_date": when,
                "direction": "inbound",
                "status": status,
                "state": "completed",
                "user_id": user.id,
                "route_id": route.id,
                "assignment_rule": rule,
            }
        )
        route.call_record_id = record
        if lead:
            made = self.env["crm.lead"].create({"name": "New", "user_id": user.id, "mcube_assignment_rule": rule})
            self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [when, made.id])

    def routing(self, **kwargs):
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager).with_context(tz="UTC")
        return dashboard.get_data("custom", "2026-03-05", "2026-03-05", **kwargs)["mcube_routing"]

    def test_calls_and_new_leads_per_rep_by_reason_and_the_unanswered(self):
        self.route(self.rep, "round_robin", lead=True)
        self.route(self.rep, "round_robin", status="no_answer")
        self.route(self.rep, "sticky")
        self.route(self.rep_two, "round_robin", lead=True)
        self.route(self.rep_two, "fallback", status="busy")
        self.route(self.rep_two, "round_robin", reported=False)
        self.route(self.rep_two, "round_robin", hours=-30)  # yesterday: another period
        routing = self.routing()
        self.assertEqual(
            routing["rules"], [["sticky", "Sticky"], ["round_robin", "Round-robin"], ["fallback", "Fallback"]]
        )
        self.assertEqual(
            routing["rows"],
            [
                {"user": "Ravi Rep", "calls": {"round_robin": 1, "fallback": 1}, "leads": {"round_robin": 1}},
                {"user": "Rita Rep", "calls": {"round_robin": 2, "sticky": 1}, "leads": {"round_robin": 1}},
            ],
        )
        self.assertEqual((routing["missed"], routing["unreported"]), (2, 1))


class TestDashboardHealth(DialerFixturesMixin, TransactionCase):
    """The dashboard's MCUBE status: one row per company of the manager that has MCUBE set up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures()
        cls.env.company.mcube_webhook_token = "health-token-a-123"
        cls.env["mcube.event"].search([]).unlink()
        cls.other = cls.env["res.company"].create({"name": "Elsewhere", "mcube_webhook_token": "health-token-b-456"})
        cls.plain = cls.env["res.company"].create({"name": "No MCUBE"})

    def health(self, companies):
        dashboard = (
            self.env["cold.call.dashboard"].with_user(self.manager).with_context(allowed_company_ids=companies.ids)
        )
        return {row["company"]: row for row in dashboard.get_data("today")["mcube_health"]}

    def test_the_managers_companies_with_mcube_only(self):
        self.manager.company_ids |= self.other | self.plain
        self.env["mcube.metric"]._count_webhook(202, self.env.company.id, "accepted")
        rows = self.health(self.env.company | self.plain)
        self.assertEqual(list(rows), [self.env.company.name], "a company without MCUBE has no status")
        self.assertTrue(rows[self.env.company.name]["last_event_at"])
        self.assertEqual(rows[self.env.company.name]["alerts"], [])
        self.assertEqual(list(self.health(self.env.company | self.other)), [self.env.company.name, "Elsewhere"])
