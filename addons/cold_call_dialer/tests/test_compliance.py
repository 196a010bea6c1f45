import base64
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import MANAGER_GROUPS, REP_GROUPS, DialerCase

# Times in UTC; the contacts are in India (UTC+05:30).
IST_10_00 = "2026-05-06 04:30:00"  # a Wednesday
IST_08_59 = "2026-05-06 03:29:00"
IST_09_00 = "2026-05-06 03:30:00"
IST_20_59 = "2026-05-06 15:29:00"
IST_21_00 = "2026-05-06 15:30:00"
IST_13_10 = "2026-05-06 07:40:00"
ALPHA = "+919845000001"  # DT Alpha's mobile, the number the Dialer calls
CHARLIE = "+919845000003"


@tagged("post_install", "-at_install")
class ComplianceCase(DialerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {
                "country_id": cls.india.id,
                "cold_call_window_start": 9.0,
                "cold_call_window_end": 21.0,
                "cold_call_register_unknown": "auto",
                "cold_call_register_imported_on": False,
                "cold_call_register_category_id": False,
                "cold_call_register_max_age": 15,
                "cold_call_regulated": False,
            }
        )
        Categories = cls.env["cold.call.register.category"]
        cls.real_estate = Categories.search([("code", "=", 2)])
        cls.education = Categories.search([("code", "=", 3)])
        cls.finance = Categories.search([("code", "=", 1)])
        cls.promo_filter = cls.make_filter("DT real estate", [("category_id", "in", [cls.tag.id])])
        cls.promo_filter.write({"cold_call_category_id": cls.real_estate.id})
        cls.service_filter = cls.make_filter("DT service", [("category_id", "in", [cls.tag.id])])
        cls.service_filter.cold_call_purpose = "service"

    def register(self, number, checked_on=None, **values):
        return self.env["cold.call.register.entry"].create(
            {"number": number, "checked_on": checked_on or date(2026, 5, 5), **values}
        )

    def consent(self, number, categories, **values):
        return self.env["cold.call.consent"].create(
            {"number": number, "category_ids": [Command.set(categories.ids)], "source": "web form", **values}
        )

    def verdict(self, partner=None, list_key=None, user=None):
        """The compliance of a contact as its row in the Dialer shows it."""
        partner = partner or self.alpha
        rows = self.dialer(user).refresh_contacts([partner.id], list_key=list_key or self.promo_filter.id)
        return rows[0]["compliance"]

    def checks(self):
        return self.env["cold.call.compliance.check"].sudo().search([], order="id desc")


class TestRules(ComplianceCase):
    def test_calling_window_in_the_contacts_local_time(self):
        self.register(ALPHA)
        for moment, allowed in ((IST_08_59, False), (IST_09_00, True), (IST_20_59, True), (IST_21_00, False)):
            with self.subTest(moment=moment), freeze_time(moment):
                verdict = self.verdict(list_key=self.service_filter.id)
                self.assertEqual(verdict["allowed"], allowed, verdict)
        with freeze_time(IST_21_00):
            self.assertIn(
                "It is 21:00 for this contact: calls are allowed from 09:00 to 21:00.", self.verdict()["reason"]
            )
        # A contact in New York at 10:00 IST is at 00:30 there.
        self.charlie.tz = "America/New_York"
        with freeze_time(IST_10_00):
            self.assertTrue(self.verdict(self.alpha, self.service_filter.id)["allowed"])
            self.assertFalse(self.verdict(self.charlie, self.service_filter.id)["allowed"])
        # Each company sets its own window.
        self.env.company.write({"cold_call_window_start": 6.5, "cold_call_window_end": 23.0})
        with freeze_time(IST_21_00):
            self.assertTrue(self.verdict(list_key=self.service_filter.id)["allowed"])

    def test_window_is_validated(self):
        for start, end in ((21.0, 9.0), (-1.0, 9.0), (9.0, 25.0), (9.0, 9.0)):
            with self.subTest(start=start, end=end), self.assertRaises(ValidationError):
                self.env.company.write({"cold_call_window_start": start, "cold_call_window_end": end})

    @freeze_time(IST_10_00)
    def test_opt_out_blocks_the_number_on_every_contact_and_purpose(self):
        twin = self.env["res.partner"].create(
            {
                "name": "DT Twin",
                "mobile": "098450 00001",
                "country_id": self.india.id,
                "category_id": [(4, self.tag.id)],
            }
        )
        self.env["phone.blacklist"].sudo().add(ALPHA)
        for partner in (self.alpha, twin):
            for list_key in (self.promo_filter.id, self.service_filter.id):
                verdict = self.verdict(partner, list_key)
                self.assertFalse(verdict["allowed"])
                self.assertIn("Opted out of calls since", verdict["reason"])
        self.assertTrue(self.verdict(self.charlie, self.service_filter.id)["allowed"])
        # Unblocked in core, the number is called again.
        self.env["phone.blacklist"].sudo().remove(ALPHA)
        self.assertTrue(self.verdict(twin, self.service_filter.id)["allowed"])

    @freeze_time(IST_10_00)
    def test_do_not_call_outcome_opts_the_number_out(self):
        twin = self.env["res.partner"].create({"name": "DT Twin", "phone": "+91 98450 00001"})
        self.dialer().log_call(self.alpha.id, status="do_not_call", note="Asked us never to call again")
        blocked = self.env["phone.blacklist"].sudo().search([("number", "=", ALPHA)])
        self.assertTrue(blocked.active)
        # The landline of the contact too: both of its numbers are its owner's.
        self.assertTrue(self.env["phone.blacklist"].sudo().search([("number", "=", "+918041230001")]))
        self.assertFalse(self.verdict(twin, self.service_filter.id)["allowed"])

    @freeze_time(IST_10_00)
    def test_unknown_number_warns_until_the_first_import_then_refuses(self):
        verdict = self.verdict()
        self.assertTrue(verdict["allowed"])
        self.assertEqual(
            verdict["warning"], "The register was not checked for this number within 15 days (never checked)."
        )
        self.env.company.cold_call_register_imported_on = fields.Datetime.now()
        verdict = self.verdict()
        self.assertFalse(verdict["allowed"])
        self.assertIn("never checked", verdict["reason"])
        self.env.company.cold_call_register_unknown = "warn"
        self.assertTrue(self.verdict()["allowed"])
        self.env.company.write({"cold_call_register_unknown": "strict", "cold_call_register_imported_on": False})
        self.assertFalse(self.verdict()["allowed"])
        # Service calls do not depend on the register.
        self.assertTrue(self.verdict(list_key=self.service_filter.id)["allowed"])

    @freeze_time(IST_10_00)
    def test_a_stale_check_counts_as_unknown(self):
        self.env.company.cold_call_register_unknown = "strict"
        entry = self.register(ALPHA, checked_on=date(2026, 4, 21))  # 15 days before 6 May
        self.assertTrue(self.verdict()["allowed"])
        entry.checked_on = date(2026, 4, 20)
        verdict = self.verdict()
        self.assertFalse(verdict["allowed"])
        self.assertIn("last checked 04/20/2026", verdict["reason"])
        self.env.company.cold_call_register_max_age = 30
        self.assertTrue(self.verdict()["allowed"])

    @freeze_time(IST_10_00)
    def test_full_block_and_categories(self):
        entry = self.register(ALPHA, full_block=True)
        verdict = self.verdict()
        self.assertFalse(verdict["allowed"])
        self.assertEqual(
            verdict["reason"],
            "Fully blocked on the Do-Not-Disturb register (checked 05/05/2026); no consent on record.",
        )
        entry.write({"full_block": False, "category_ids": [Command.set((self.real_estate | self.finance).ids)]})
        self.assertEqual(
            self.verdict()["reason"],
            "On the Do-Not-Disturb register for Real Estate (checked 05/05/2026); no consent on record.",
        )
        # A list of another category calls it.
        self.promo_filter.cold_call_category_id = self.education
        self.assertTrue(self.verdict()["allowed"])
        # A list without a category takes the company's, else any blocked category blocks it.
        self.promo_filter.cold_call_category_id = False
        self.assertFalse(self.verdict()["allowed"])
        self.env.company.cold_call_register_category_id = self.education
        self.assertTrue(self.verdict()["allowed"])
        # Quick lists are promotional, in the company's category.
        self.env.company.cold_call_register_category_id = self.finance
        self.assertFalse(self.verdict(list_key="never_called")["allowed"])
        # Service lists ignore the register.
        entry.full_block = True
        self.assertTrue(self.verdict(list_key=self.service_filter.id)["allowed"])

    @freeze_time(IST_10_00)
    def test_consent_unblocks_only_its_scope_and_revoking_takes_effect_at_once(self):
        self.register(ALPHA, category_ids=[Command.set((self.real_estate | self.education).ids)])
        consent = self.consent(ALPHA, self.education)
        self.assertFalse(self.verdict()["allowed"], "consent for education does not cover real estate")
        consent_re = self.consent("+91 98450-00001", self.real_estate, reference="FORM-77")
        verdict = self.verdict()
        self.assertTrue(verdict["allowed"])
        self.assertEqual(verdict["reason"], "Consent on record for Real Estate.")
        consent_re.action_revoke()
        self.assertEqual(consent_re.state, "revoked")
        self.assertFalse(self.verdict()["allowed"])
        self.assertIn("Consent revoked.", consent_re.message_ids.mapped("preview"))
        with self.assertRaises(UserError):
            consent_re.revoked_at = False
        with self.assertRaises(UserError):
            consent.unlink()
        # Consent given in another company counts for that company only.
        other = self.env["res.company"].create({"name": "Other Co"})
        self.consent(ALPHA, self.real_estate, company_id=other.id)
        self.assertFalse(self.verdict()["allowed"])

    @freeze_time(IST_10_00)
    def test_fully_blocked_number_with_consent_for_the_lists_category(self):
        self.register(ALPHA, full_block=True)
        self.consent(ALPHA, self.real_estate)
        self.assertTrue(self.verdict()["allowed"])
        self.promo_filter.cold_call_category_id = False
        self.assertFalse(self.verdict()["allowed"], "a list without category needs consent for every category")

    def test_time_bands_and_days(self):
        self.register(ALPHA, time_bands="10-12, 14-16", days="mon,wednesday")
        with freeze_time(IST_10_00):
            self.assertTrue(self.verdict()["allowed"])
        with freeze_time(IST_13_10):
            verdict = self.verdict()
            self.assertFalse(verdict["allowed"])
            self.assertEqual(
                verdict["reason"],
                "Accepts promotional calls only 10:00-12:00, 14:00-16:00 (register, checked 05/05/2026); "
                "it is 13:10 there.",
            )
        with freeze_time("2026-05-07 04:30:00"):  # Thursday 10:00 IST
            self.assertIn("only on Mon, Wed", self.verdict()["reason"])
            self.assertTrue(self.verdict(list_key=self.service_filter.id)["allowed"])

    def test_bands_and_days_are_read_the_ways_files_write_them(self):
        entry = self.register(ALPHA, time_bands="14:00-16:00; 10-12", days="Mon-Fri")
        self.assertEqual((entry.time_bands, entry.days), ("10-12,14-16", "mon,tue,wed,thu,fri"))
        entry.days = "weekends|wed"
        self.assertEqual(entry.days, "wed,sat,sun")
        entry.days = "fri-mon"
        self.assertEqual(entry.days, "mon,fri,sat,sun")

    def test_bad_bands_and_days_are_refused(self):
        for values in ({"time_bands": "9-25"}, {"time_bands": "noon"}, {"days": "someday"}, {"time_bands": "12-10"}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.register(ALPHA, **values)

    @freeze_time(IST_10_00)
    def test_numbers_the_phone_path_cannot_read_and_foreign_numbers(self):
        self.env.company.cold_call_register_unknown = "strict"
        garbage = self.env["res.partner"].create(
            {"name": "DT Garbage", "mobile": "12", "category_id": [(4, self.tag.id)]}
        )
        verdict = self.verdict(garbage)
        self.assertFalse(verdict["allowed"])
        self.assertEqual(verdict["reason"], "No valid phone number to call.")
        london = self.env["res.partner"].create(
            {"name": "DT London", "mobile": "+44 20 7946 0000", "tz": "Asia/Kolkata", "category_id": [(4, self.tag.id)]}
        )
        verdict = self.verdict(london)
        self.assertTrue(verdict["allowed"])
        self.assertEqual(verdict["reason"], "Not an Indian number: India's register does not apply.")
        # A 10-digit number without a country is read in the company's country (India): checked.
        self.env.company.country_id = self.india
        nowhere = self.env["res.partner"].create({"name": "DT Nowhere", "mobile": "9845000077", "tz": "Asia/Kolkata"})
        self.assertIn("never checked", self.verdict(nowhere)["reason"])


class TestEntryPoints(ComplianceCase):
    @freeze_time(IST_10_00)
    def test_page_shows_refused_contacts_with_the_reason_and_next_contact_passes_over_them(self):
        self.register(ALPHA, full_block=True)
        self.register(CHARLIE, category_ids=[Command.set(self.real_estate.ids)])
        page = self.dialer().get_page(self.promo_filter.id, 1, 25, open_first=True)
        rows = {row["id"]: row for row in page["contacts"]}
        self.assertEqual(len(rows), 5, "refused contacts stay in the list")
        self.assertFalse(rows[self.alpha.id]["compliance"]["allowed"])
        self.assertIn("Fully blocked", rows[self.alpha.id]["compliance"]["reason"])
        self.assertFalse(rows[self.charlie.id]["compliance"]["allowed"])
        self.assertTrue(rows[self.bravo.id]["compliance"]["allowed"])
        # The first contact opened is the first allowed one, the refused ones passed over with why.
        self.assertEqual(page["current"]["contact"]["id"], self.bravo.id)
        self.assertEqual([(s["id"], s["reason"]) for s in page["skipped"]], [(self.alpha.id, "refused")])
        self.assertIn("Fully blocked", page["skipped"][0]["sentence"])
        # Skip and Save & next pass over refused contacts too.
        ids = [self.charlie.id, self.delta.id]
        opened = self.dialer().open_contact(ids, list_key=self.promo_filter.id)
        self.assertEqual(opened["current"]["contact"]["id"], self.delta.id)
        result = self.dialer().log_call(
            self.delta.id,
            status="no_answer",
            list_key=self.promo_filter.id,
            next_partner_ids=[self.alpha.id, self.echo.id],
        )
        self.assertEqual(result["next"]["contact"]["id"], self.echo.id)
        self.assertEqual(result["skipped"][0]["reason"], "refused")
        # Picked on purpose, a refused contact opens, showing why: its calls stay refused.
        card = self.dialer().open_contact([self.alpha.id], list_key=self.promo_filter.id, on_purpose=True)["current"]
        self.assertFalse(card["contact"]["compliance"]["allowed"])
        # The same contacts on a service list are offered.
        page = self.dialer().get_page(self.service_filter.id, 1, 25, open_first=True)
        self.assertEqual(page["current"]["contact"]["id"], self.alpha.id)

    @freeze_time(IST_10_00)
    def test_call_these_lists_are_promotional_and_checked(self):
        self.env["phone.blacklist"].sudo().add(ALPHA)
        action = (
            self.env.ref("cold_call_dialer.res_partner_action_call_these")
            .with_user(self.rep)
            .with_context(active_model="res.partner", active_ids=(self.alpha | self.bravo).ids)
            .run()
        )
        page = self.dialer().get_page(action["params"]["list_key"], 1, 25, open_first=True)
        rows = {row["id"]: row["compliance"] for row in page["contacts"]}
        self.assertFalse(rows[self.alpha.id]["allowed"])
        self.assertTrue(rows[self.bravo.id]["allowed"])
        self.assertEqual(page["current"]["contact"]["id"], self.bravo.id)
        result = self.dialer().check_call(self.alpha.id, list_key=action["params"]["list_key"])
        self.assertFalse(result["tel"])
        self.assertEqual((self.checks()[0].purpose, self.checks()[0].list_name), ("promotional", "Dialer selection"))

    @freeze_time(IST_10_00)
    def test_check_call_refuses_without_a_tel_link_and_keeps_the_evidence(self):
        self.register(ALPHA, category_ids=[Command.set(self.real_estate.ids)], source="Scrub 5 May")
        result = self.dialer().check_call(self.alpha.id, list_key=self.promo_filter.id)
        self.assertEqual(
            result,
            {
                "allowed": False,
                "reason": "On the Do-Not-Disturb register for Real Estate (checked 05/05/2026); no consent on record.",
                "warning": False,
                "tel": False,
            },
        )
        check = self.checks()[0]
        self.assertRecordValues(
            check,
            [
                {
                    "user_id": self.rep.id,
                    "partner_id": self.alpha.id,
                    "number": ALPHA,
                    "purpose": "promotional",
                    "category_id": self.real_estate.id,
                    "filter_id": self.promo_filter.id,
                    "entry_point": "phone",
                    "result": "refused",
                    "rule": "register_category",
                    "company_id": self.env.company.id,
                }
            ],
        )
        self.assertIn('"source": "Scrub 5 May"', check.data)
        self.assertIn('"local_time": "2026-05-06 10:00"', check.data)
        # Another of the contact's numbers is checked on its own.
        result = self.dialer().check_call(self.alpha.id, list_key=self.promo_filter.id, number="+918041230001")
        self.assertTrue(result["allowed"])
        self.assertEqual(result["tel"], "tel:+918041230001")
        self.assertEqual(self.checks()[0].result, "warned")
        with self.assertRaises(ValidationError):
            self.dialer().check_call(self.alpha.id, list_key=self.promo_filter.id, number="+919999999999")

    @freeze_time(IST_10_00)
    def test_a_service_list_counts_only_for_contacts_it_holds(self):
        self.register(ALPHA, full_block=True)
        outsider_list = self.make_filter("DT service, others", [("name", "=", "DT Bravo")])
        outsider_list.cold_call_purpose = "service"
        result = self.dialer().check_call(self.alpha.id, list_key=outsider_list.id)
        self.assertFalse(result["allowed"])
        self.assertEqual(self.checks()[0].purpose, "promotional")
        self.assertTrue(self.dialer().check_call(self.alpha.id, list_key=self.service_filter.id)["allowed"])
        self.assertEqual(self.checks()[0].purpose, "service")

    def test_only_dialer_administrators_set_purposes_and_change_service_lists(self):
        own = self.make_filter("Rita's list", [("name", "ilike", "DT")], user=self.rep)
        with self.assertRaises(AccessError):
            own.with_user(self.rep).cold_call_purpose = "service"
        with self.assertRaises(AccessError):
            own.with_user(self.rep).cold_call_category_id = self.education
        with self.assertRaises(AccessError):
            self.service_filter.with_user(self.rep).domain = "[]"
        with self.assertRaises(AccessError):
            self.env["ir.filters"].with_user(self.rep).create(
                {"name": "Mine", "model_id": "res.partner", "user_id": self.rep.id, "cold_call_purpose": "service"}
            )
        own.with_user(self.rep).domain = "[('name', 'ilike', 'DT A')]"
        self.promo_filter.with_user(self.manager).cold_call_purpose = "service"
        self.service_filter.with_user(self.manager).domain = "[('name', 'ilike', 'DT')]"
        # A copy of a service list is promotional.
        self.assertEqual(self.service_filter.copy().cold_call_purpose, "promotional")

    @freeze_time(IST_10_00)
    def test_evidence_is_for_managers_of_the_company(self):
        self.dialer().check_call(self.alpha.id, list_key=self.promo_filter.id)
        Checks = self.env["cold.call.compliance.check"]
        with self.assertRaises(AccessError):
            Checks.with_user(self.rep).search([])
        self.assertEqual(len(Checks.with_user(self.manager).search([])), len(self.checks()))
        with self.assertRaises(AccessError):
            Checks.with_user(self.manager).search([]).write({"result": "allowed"})
        other = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="other_manager",
            groups=MANAGER_GROUPS,
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(Checks.with_user(outsider).search([]))
        rep_other = new_test_user(
            self.env, login="other_rep", groups=REP_GROUPS, company_id=other.id, company_ids=[Command.set(other.ids)]
        )
        for model in ("cold.call.register.entry", "cold.call.consent", "cold.call.complaint"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(rep_other).search([])


class TestImportAndComplaints(ComplianceCase):
    def run_import(self, kind, text, filename="scrub.csv"):
        wizard = (
            self.env["cold.call.register.import"]
            .with_user(self.manager)
            .create({"kind": kind, "file": base64.b64encode(text.encode()), "filename": filename})
        )
        wizard.action_import()
        return wizard

    @freeze_time(IST_10_00)
    def test_register_file_imports_good_rows_and_lists_bad_ones(self):
        self.register(CHARLIE, full_block=True, checked_on=date(2026, 4, 1))
        text = "\n".join(
            [
                "Number;Preference;Time Bands;Days;Checked On;Source",
                "9845000001;2#5;10-12;mon,wed;05-05-2026;DLT scrub",
                "+91 98450 00003;NA;;;2026-05-04;",
                "12345;0;;;;",
                "9845000004;9;;;;",
                "9845000005;1;25-26;;;",
                "9845000006;1;;;2026-06-01;",
                ";;;;;",
                "9845000007;0;;funday;;",
                "9845000008;0;;;;",
            ]
        )
        wizard = self.run_import("register", text)
        self.assertEqual((wizard.imported_count, wizard.bad_count), (3, 5))
        lines = wizard.bad_lines.splitlines()
        self.assertEqual([line.split(":")[0] for line in lines], ["Line 4", "Line 5", "Line 6", "Line 7", "Line 9"])
        self.assertIn("“12345” is not a phone number", lines[0])
        self.assertIn("not a list of register codes", lines[1])
        self.assertIn("in the future", lines[3])
        Entries = self.env["cold.call.register.entry"]
        alpha = Entries.search([("number", "=", ALPHA)])
        self.assertRecordValues(
            alpha,
            [
                {
                    "full_block": False,
                    "time_bands": "10-12",
                    "days": "mon,wed",
                    "checked_on": date(2026, 5, 5),
                    "source": "DLT scrub",
                }
            ],
        )
        self.assertEqual(alpha.category_ids.mapped("code"), [2, 5])
        # Imported again, a number's record is replaced, never doubled.
        charlie = Entries.search([("number", "=", CHARLIE)])
        self.assertRecordValues(charlie, [{"full_block": False, "checked_on": date(2026, 5, 4), "source": "scrub.csv"}])
        self.assertEqual(Entries.search_count([("number", "=", "+919845000008")]), 1)
        self.assertTrue(Entries.search([("number", "=", "+919845000008")]).full_block)
        self.assertFalse(Entries.search([("number", "in", ["+919845000004", "+919845000005", "+919845000006"])]))
        # The first register file makes the automatic policy strict.
        self.assertTrue(self.env.company.cold_call_register_imported_on)
        self.assertFalse(self.verdict(self.delta)["allowed"])

    def test_a_file_without_a_number_column_or_not_utf8_changes_nothing(self):
        entries = self.env["cold.call.register.entry"].search([])
        with self.assertRaises(UserError):
            self.run_import("register", "phone_no,pref\n9845000001,0\n")
        with self.assertRaises(UserError):
            self.run_import("register", "")
        wizard = (
            self.env["cold.call.register.import"]
            .with_user(self.manager)
            .create({"kind": "register", "file": base64.b64encode("number\n98450\xe9".encode("latin-1"))})
        )
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self.env["cold.call.register.entry"].search([]), entries)
        self.assertFalse(self.env.company.cold_call_register_imported_on)
        with self.assertRaises(AccessError):
            self.env["cold.call.register.import"].with_user(self.rep).create({"kind": "register", "file": b"eA=="})

    @freeze_time(IST_10_00)
    def test_consent_file(self):
        text = (
            "number,categories,source,reference,given_at,revoked_at\n"
            "9845000001,2,web form,F-1,2026-05-01 10:00,\n"
            "9845000003,0,call,R-2,2026-05-01,\n"
            "9845000004,3|4,signed form,S-3,2026-05-01,2026-05-02\n"
            "9845000005,,web form,F-4,,\n"
            "9845000006,2,web form,F-5,2027-01-01,\n"
        )
        wizard = self.run_import("consent", text, "consents.csv")
        self.assertEqual((wizard.imported_count, wizard.bad_count), (2, 3))
        consents = self.env["cold.call.consent"].search([("source", "in", ["web form", "signed form"])], order="number")
        self.assertEqual(consents.mapped("number"), [ALPHA, "+919845000004"])
        self.assertEqual(consents.mapped("state"), ["active", "revoked"])
        self.assertEqual(consents[1].category_ids.mapped("code"), [3, 4])

    @freeze_time(IST_10_00)
    def test_complaint_opts_the_number_out_and_counts_on_the_dashboard(self):
        log = self.dialer().log_call(self.alpha.id, status="no_answer", list_key=self.promo_filter.id)
        call = self.env["cold.call.log"].browse(log["log_id"])
        Complaints = self.env["cold.call.complaint"].with_user(self.manager)
        # Earlier complaints of the database are left out of the window.
        Complaints.search([]).sudo().write({"received_on": date(2026, 1, 1)})
        Complaints.create({"number": "098450 00001", "call_log_id": call.id, "description": "Called twice"})
        self.assertFalse(self.verdict(list_key=self.service_filter.id)["allowed"])
        dashboard = self.env["cold.call.dashboard"].with_user(self.manager)
        self.assertEqual(dashboard.get_data()["complaints"]["count"], 1)
        self.assertEqual(dashboard.get_data()["complaints"]["level"], "ok")
        for day in (1, 5):
            Complaints.create({"number": f"+91984500010{day}", "received_on": date(2026, 5, 6) - timedelta(days=day)})
        self.assertEqual(dashboard.get_data()["complaints"]["level"], "warning")
        Complaints.create({"number": "+919845000110", "received_on": date(2026, 4, 26)})  # 10 days before
        self.assertEqual(dashboard.get_data()["complaints"]["count"], 3)
        Complaints.create([{"number": f"+91984500012{n}"} for n in range(2)])
        self.assertEqual(
            dashboard.get_data()["complaints"], {**dashboard.get_data()["complaints"], "count": 5, "level": "danger"}
        )
        with self.assertRaises(AccessError):
            self.env["cold.call.complaint"].with_user(self.rep).create({"number": ALPHA})
