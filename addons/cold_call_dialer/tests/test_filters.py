from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.cold_call_dialer.models.cold_call_list import SlowSavedSearch

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestFilters(DialerCase):
    def lists_by_name(self, user=None):
        """The lists as the screen shows them: those of ``get_filters``, with ``get_counts`` filled in."""
        data = self.dialer(user).get_filters()
        counts = {entry["key"]: entry for entry in self.dialer(user).get_counts()}
        return {entry["name"]: {**entry, **counts[entry["key"]]} for entry in data["quick_lists"] + data["filters"]}

    def test_lists_come_before_their_counts(self):
        self.make_filter("DT broken", "[('name', '=', undefined_name)]")
        data = self.dialer().get_filters()
        lists = {entry["name"]: entry for entry in data["quick_lists"] + data["filters"]}
        self.assertNotIn("count", lists["DT prospects"])
        self.assertFalse(lists["DT prospects"]["error"])
        # A search that cannot be evaluated shows its error at once.
        self.assertIn("cannot be used in the Dialer", lists["DT broken"]["error"])
        counts = self.dialer().get_counts()
        self.assertEqual(
            [entry["key"] for entry in counts], [entry["key"] for entry in data["quick_lists"] + data["filters"]]
        )
        broken = next(entry for entry in counts if entry["key"] == lists["DT broken"]["key"])
        self.assertEqual(broken["count"], False)
        self.assertEqual(broken["error"], lists["DT broken"]["error"])
        employee = new_test_user(self.env, login="dialer_counter", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.dialer(employee).get_counts()

    def test_lists_own_and_shared_searches_with_callable_counts(self):
        self.make_filter("DT mine", [("category_id", "in", [self.tag.id]), ("mobile", "!=", False)], user=self.rep)
        self.make_filter("DT someone else's", [("category_id", "in", [self.tag.id])], user=self.rep_two)
        self.make_filter("DT on leads", "[]").model_id = "res.users"
        lists = self.lists_by_name()
        # Five prospects have a phone; the two without are never counted.
        self.assertEqual(lists["DT prospects"]["count"], 5)
        self.assertTrue(lists["DT prospects"]["shared"])
        self.assertEqual(lists["DT mine"]["count"], 3)
        self.assertFalse(lists["DT mine"]["shared"])
        self.assertNotIn("DT someone else's", lists)
        self.assertNotIn("DT on leads", lists)
        self.assertIn("DT someone else's", self.lists_by_name(self.rep_two))

    def test_do_not_call_contacts_are_not_counted(self):
        self.bravo.x_cold_call_status = "do_not_call"
        self.assertEqual(self.lists_by_name()["DT prospects"]["count"], 4)

    def test_domain_evaluates_uid_and_context_today_in_the_user_timezone(self):
        self.alpha.user_id = self.rep
        self.bravo.user_id = self.rep
        self.charlie.user_id = self.rep_two
        self.alpha.date = date(2024, 3, 2)
        self.bravo.date = date(2024, 3, 1)
        self.make_filter(
            "DT mine from today",
            f"[('category_id', 'in', [{self.tag.id}]), ('user_id', '=', uid), "
            "('date', '>=', context_today().strftime('%Y-%m-%d'))]",
        )
        self.make_filter(
            "DT mine since yesterday",
            f"[('category_id', 'in', [{self.tag.id}]), ('user_id', '=', uid), "
            "('date', '>=', (context_today() - relativedelta(days=1)).strftime('%Y-%m-%d'))]",
        )
        # 20:00 UTC on March 1st is already March 2nd in India: the rep's today is March 2nd.
        with freeze_time("2024-03-01 20:00:00"):
            lists = self.lists_by_name()
            self.assertEqual(lists["DT mine from today"]["count"], 1)
            self.assertEqual(lists["DT mine since yesterday"]["count"], 2)
            page = self.dialer().get_page(lists["DT mine since yesterday"]["key"], 1, 25)
            self.assertEqual(self.page_ids(page), [self.alpha.id, self.bravo.id])
            # The other rep owns only Charlie.
            self.assertEqual(self.lists_by_name(self.rep_two)["DT mine since yesterday"]["count"], 0)

    def test_web_client_datetime_helpers(self):
        """Searches saved from the browser may use ``to_utc()`` and the date shortcuts of the web client."""
        with freeze_time("2024-03-01 20:00:00"):
            context = self.env["cold.call.list"].with_user(self.rep)._eval_context()
            midnight = safe_eval("datetime.datetime.combine(context_today(), datetime.time(0, 0, 0)).to_utc()", context)
            self.assertEqual(midnight, datetime(2024, 3, 1, 18, 30))  # midnight in India, in UTC
            self.assertEqual(safe_eval("today", context), "2024-03-02")
            self.assertEqual(safe_eval("uid", context), self.rep.id)
        self.make_filter(
            "DT web helpers",
            f"[('category_id', 'in', [{self.tag.id}]), ('create_date', '>=', "
            "datetime.datetime.combine(context_today() - relativedelta(years=1), datetime.time(0, 0, 0))"
            ".to_utc().strftime('%Y-%m-%d %H:%M:%S'))]",
        )
        entry = self.lists_by_name()["DT web helpers"]
        self.assertFalse(entry["error"])
        self.assertEqual(entry["count"], 5)

    def test_broken_searches_are_listed_with_their_error(self):
        self.make_filter("DT unknown field", "[('x_no_such_field', '=', 1)]")
        self.make_filter("DT unknown name", "[('user_id', '=', my_own_id)]")
        self.make_filter("DT not python", "[('name', '=', ")
        self.make_filter("DT not a list", "42")
        # Fails in PostgreSQL itself; listed first, so the searches after it prove the transaction survived.
        self.make_filter("DT a bad id", "[('id', 'in', [1, 'x'])]")
        with mute_logger("odoo.sql_db"):
            lists = self.lists_by_name()
        for name in ("DT unknown field", "DT unknown name", "DT not python", "DT not a list", "DT a bad id"):
            with self.subTest(name=name):
                self.assertIs(lists[name]["count"], False)
                self.assertTrue(lists[name]["error"])
        self.assertIn("x_no_such_field", lists["DT unknown field"]["error"])
        self.assertIn("my_own_id", lists["DT unknown name"]["error"])
        self.assertIn("not a list", lists["DT not a list"]["error"])
        self.assertIn("integer", lists["DT a bad id"]["error"])
        # The good list still works next to the broken ones.
        self.assertEqual(lists["DT prospects"]["count"], 5)

    def test_opening_a_broken_search_gives_a_clear_error(self):
        broken = self.make_filter("DT broken", "[('user_id', '=', my_own_id)]")
        with self.assertRaisesRegex(UserError, "cannot be used"):
            self.dialer().get_page(broken.id, 1, 25)
        with self.assertRaisesRegex(UserError, "cannot be used"):
            self.dialer().get_preview(broken.id)

    def test_unknown_or_foreign_list_is_refused(self):
        private = self.make_filter("DT private", [("id", "!=", 0)], user=self.rep_two)
        with self.assertRaisesRegex(UserError, "no longer exists or is not shared"):
            self.dialer().get_page(private.id, 1, 25)
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.dialer().get_page("everybody", 1, 25)

    def test_never_called_quick_list(self):
        self.dialer().log_call(self.alpha.id, status="no_answer", list_key=self.shared_filter.id)
        page = self.dialer().get_page("never_called", 1, 200)
        ids = self.page_ids(page)
        self.assertNotIn(self.alpha.id, ids)
        self.assertIn(self.bravo.id, ids)
        self.assertNotIn(self.no_phone_one.id, ids)

    def test_callbacks_due_quick_list(self):
        today = date(2024, 3, 10)
        for partner, user, deadline in (
            (self.alpha, self.rep, date(2024, 3, 10)),
            (self.bravo, self.rep, date(2024, 3, 1)),
            (self.charlie, self.rep, date(2024, 3, 11)),
            (self.delta, self.rep_two, date(2024, 3, 1)),
        ):
            partner.activity_schedule("mail.mail_activity_data_call", date_deadline=deadline, user_id=user.id)
        self.echo.activity_schedule("mail.mail_activity_data_todo", date_deadline=today, user_id=self.rep.id)
        with freeze_time("2024-03-10 06:00:00"):
            page = self.dialer().get_page("callbacks_due", 1, 25)
            lists = self.lists_by_name()
        self.assertEqual(self.page_ids(page), [self.alpha.id, self.bravo.id])
        self.assertEqual(lists["Callbacks due"]["count"], 2)

    def test_list_counts_are_capped(self):
        self.env["res.partner"].create(
            [
                {"name": f"DT Bulk {i:04d}", "phone": f"+91 80 4000 {i:04d}", "category_id": [(4, self.tag.id)]}
                for i in range(1001)
            ]
        )
        entry = self.lists_by_name()["DT prospects"]
        self.assertEqual(entry["count"], 1000)
        self.assertTrue(entry["count_capped"])
        self.assertEqual(self.dialer().get_page(self.shared_filter.id, 1, 25)["total"], 1006)

    def test_only_dialer_users_can_list(self):
        employee = new_test_user(self.env, login="dialer_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.dialer(employee).get_filters()

    def test_costly_or_unplain_searches_are_refused_before_they_run(self):
        """A search that could loop or allocate at will is never evaluated: one search saved by
        anyone must not stall every rep's Dialer (this one would take minutes of CPU)."""
        costly = {
            "DT sum of a billion": "[('id', '=', sum(range(10**9)))]",
            "DT power": f"[('id', 'in', [{self.alpha.id}] * 10**8)]",
            "DT comprehension": "[('id', 'in', [i for i in range(10**9)])]",
            "DT lambda": "[('id', '=', (lambda: 1)())]",
            "DT method call": "[('name', '=', 'x'.zfill(1000000000))]",
            "DT too long": "[('id', 'in', [{}])]".format(", ".join(["1"] * 60_000)),
        }
        for name, domain in costly.items():
            self.make_filter(name, domain, user=self.rep_two)
            self.make_filter(name + " shared", domain)
        lists = self.lists_by_name()
        for name in costly:
            with self.subTest(name=name):
                self.assertIs(lists[name + " shared"]["count"], False)
                self.assertIn("cannot be used in the Dialer", lists[name + " shared"]["error"])
        self.assertEqual(lists["DT prospects"]["count"], 5)
        shared = self.env["ir.filters"].search([("name", "=", "DT sum of a billion shared")])
        with self.assertRaisesRegex(UserError, "not allowed"):
            self.dialer().get_page(shared.id, 1, 25)
        # The web client's own helpers stay allowed.
        self.make_filter(
            "DT web helpers only",
            f"[('category_id', 'in', [{self.tag.id}]), ('create_date', '>=', "
            "(context_today() - relativedelta(days=1)).strftime('%Y-%m-%d')), ('user_id', '!=', -uid)]",
        )
        self.assertEqual(self.lists_by_name()["DT web helpers only"]["count"], 5)

    def test_a_slow_count_is_cut_short_and_reported(self):
        Lists = self.env["cold.call.list"].with_user(self.rep)

        def slow_count():
            self.env.cr.execute("SELECT pg_sleep(5)")

        with mute_logger("odoo.sql_db"), self.assertRaises(SlowSavedSearch) as caught:
            Lists._count_budget(slow_count)
        self.assertIn("too long", Lists._describe_error(caught.exception))
        # The transaction goes on, without the short timeout.
        self.env.cr.execute("SHOW statement_timeout")
        self.assertNotEqual(self.env.cr.fetchone()[0], "500ms")
        self.assertEqual(Lists._count_budget(lambda: 42), 42)
