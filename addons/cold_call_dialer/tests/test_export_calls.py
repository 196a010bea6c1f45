import codecs
import csv
import io
import zipfile
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import DialerFixturesMixin

try:
    import openpyxl
except ImportError:  # not an Odoo requirement: the XLSX is then only checked to be an archive
    openpyxl = None


class ExportFixturesMixin(DialerFixturesMixin):
    """Calls on two lists in March 2024, made by two reps, one of them the evening of March 31st in India."""

    @classmethod
    def setup_export_fixtures(cls):
        cls.setup_dialer_fixtures()
        cls.manager.tz = "Asia/Kolkata"
        cls.other_filter = cls.make_filter("DT other list", [("category_id", "in", [cls.tag.id])])
        cls.logs = {}
        calls = [
            # (name, rep, UTC time, contact, list, outcome)
            ("feb", cls.rep, "2024-02-29 18:00:00", cls.alpha, cls.shared_filter, "no_answer"),  # 23:30 Feb 29 IST
            ("mar_first", cls.rep, "2024-02-29 19:00:00", cls.bravo, cls.shared_filter, "interested"),  # 00:30 Mar 1
            ("mar_mid", cls.rep_two, "2024-03-15 06:00:00", cls.charlie, cls.shared_filter, "meeting"),
            ("mar_other_list", cls.rep, "2024-03-15 07:00:00", cls.delta, cls.other_filter, "voicemail"),
            ("mar_quick", cls.rep, "2024-03-16 07:00:00", cls.echo, "never_called", "callback"),
            ("mar_last", cls.rep_two, "2024-03-31 18:00:00", cls.alpha, cls.shared_filter, "callback"),  # 23:30 IST
            ("apr", cls.rep, "2024-03-31 19:00:00", cls.bravo, cls.shared_filter, "no_answer"),  # 00:30 Apr 1
        ]
        for name, rep, when, partner, call_list, status in calls:
            list_key = call_list if isinstance(call_list, str) else call_list.id
            values = {"status": status, "list_key": list_key, "duration": 42}
            if status == "meeting":
                values["meeting"] = {"start": "2024-03-20 04:30:00", "minutes": 30}
            cls.env["cold.call.hold"].search([("partner_id", "=", partner.id)]).unlink()
            with freeze_time(when):
                result = cls.env["cold.call.dialer"].with_user(rep).log_call(partner.id, **values)
            cls.logs[name] = cls.env["cold.call.log"].browse(result["log_id"])

    def export(self, user=None, **values):
        values = {"list_key": f"filter:{self.shared_filter.id}", "date_from": date(2024, 3, 1), **values}
        values.setdefault("date_to", date(2024, 3, 31))
        return self.env["cold.call.log.export"].with_user(user or self.manager).create(values)

    def csv_rows(self, wizard):
        wizard.file_format = "csv"
        filename, content, mimetype = wizard._export_file()
        self.assertEqual((filename, mimetype), ("cold_calls_2024-03-01_2024-03-31.csv", "text/csv;charset=utf-8"))
        # The byte-order mark tells Excel the file is UTF-8: non-ASCII names stay readable.
        self.assertTrue(content.startswith(codecs.BOM_UTF8))
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@tagged("post_install", "-at_install")
class TestExportCalls(ExportFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_export_fixtures()

    def test_csv_holds_exactly_the_calls_of_the_list_and_days(self):
        rows = self.csv_rows(self.export())
        self.assertEqual(
            rows[0][:12],
            [
                "Date/Time",
                "Sales Rep",
                "Contact",
                "Company",
                "Number Dialed",
                "Call List",
                "Outcome",
                "Duration (s)",
                "Connected",
                "Follow-up",
                "Opportunity",
                "Meeting",
            ],
        )
        # The manager's days and times (India): the calls of Feb 29th 23:30 and Apr 1st 00:30 are out.
        self.assertEqual(
            [row[:3] + row[5:7] for row in rows[1:]],
            [
                ["2024-03-01 00:30:00", "Rita Rep", "DT Bravo", "DT prospects", "Connected - Interested"],
                ["2024-03-15 11:30:00", "Ravi Rep", "DT Charlie", "DT prospects", "Meeting Booked"],
                ["2024-03-31 23:30:00", "Ravi Rep", "DT Alpha", "DT prospects", "Callback Requested"],
            ],
        )
        bravo, charlie, alpha = rows[1:]
        self.assertEqual(bravo[7:11], ["42", "Yes", "No", self.logs["mar_first"].opportunity_id.name])
        self.assertEqual(charlie[11], "2024-03-20 10:00:00")
        # The number the Dialer dialed: Alpha's mobile, not the landline.
        self.assertEqual(alpha[3:5], ["Kaveri Mills", "+919845000001"])
        self.assertEqual(alpha[9], "No")

    def test_other_lists_and_all_lists(self):
        rows = self.csv_rows(self.export(list_key="name:Never called"))
        self.assertEqual([row[2] for row in rows[1:]], ["DT Echo"])
        rows = self.csv_rows(self.export(list_key=f"filter:{self.other_filter.id}"))
        self.assertEqual([row[2] for row in rows[1:]], ["DT Delta"])
        rows = self.csv_rows(self.export(list_key="all"))
        self.assertEqual([row[2] for row in rows[1:]], ["DT Bravo", "DT Charlie", "DT Delta", "DT Echo", "DT Alpha"])

    def test_non_ascii_names_survive_the_csv(self):
        self.bravo.name = "डीटी ब्रावो Müller"
        rows = self.csv_rows(self.export())
        self.assertEqual(rows[1][2], "डीटी ब्रावो Müller")

    def test_calls_of_selected_contacts(self):
        """Export Calls in the Action menu of selected contacts: their calls, from every list."""
        action = self.env.ref("cold_call_dialer.cold_call_log_export_action_contacts")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.groups_id, self.env.ref("cold_call_dialer.group_cold_call_manager"))
        Export = self.env["cold.call.log.export"].with_user(self.manager)
        context = {"active_model": "res.partner", "active_ids": (self.alpha | self.delta).ids}
        wizard = Export.with_context(context).create({"date_from": date(2024, 3, 1), "date_to": date(2024, 3, 31)})
        self.assertEqual(wizard.partner_ids, self.alpha | self.delta)
        self.assertEqual([row[2] for row in self.csv_rows(wizard)[1:]], ["DT Delta", "DT Alpha"])
        # Opened elsewhere, the wizard is for every contact.
        context = {"active_model": "crm.lead", "active_ids": self.alpha.ids}
        self.assertFalse(Export.with_context(context).create({}).partner_ids)

    def test_older_calls_show_the_number_the_dialer_dials(self):
        self.logs["mar_mid"].sudo().phone_number = False
        charlie = self.csv_rows(self.export())[2]
        self.assertEqual(charlie[4], "+919845000003")

    def test_list_choices_are_the_lists_calls_were_made_from(self):
        Export = self.env["cold.call.log.export"].with_user(self.manager)
        selection = Export.fields_get(["list_key"])["list_key"]["selection"]
        self.assertEqual(selection[0], ("all", "All lists"))
        self.assertLessEqual(
            {
                (f"filter:{self.shared_filter.id}", "DT prospects"),
                (f"filter:{self.other_filter.id}", "DT other list"),
                ("name:Never called", "Never called"),
            },
            set(selection),
        )
        # A private saved search shows whose it is: every rep has a "Dialer selection".
        mine = self.make_filter("DT mine", [("id", "=", self.alpha.id)], user=self.rep)
        self.dialer().log_call(self.alpha.id, status="no_answer", list_key=mine.id)
        selection = dict(Export.fields_get(["list_key"])["list_key"]["selection"])
        self.assertEqual(selection[f"filter:{mine.id}"], "DT mine (Rita Rep)")

    def test_xlsx_is_a_workbook_with_the_same_rows(self):
        filename, content, mimetype = self.export(file_format="xlsx")._export_file()
        self.assertTrue(filename.endswith(".xlsx"))
        self.assertIn("spreadsheetml", mimetype)
        self.assertTrue(content)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertIn("xl/worksheets/sheet1.xml", archive.namelist())
        if openpyxl:
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            values = list(sheet.values)
            self.assertEqual(len(values), 4)
            self.assertEqual(values[1][0], datetime(2024, 3, 1, 0, 30))
            self.assertEqual(values[1][2], "DT Bravo")

    def test_this_month_by_default_and_dates_in_order(self):
        with freeze_time("2024-02-10 12:00:00"):
            wizard = self.env["cold.call.log.export"].with_user(self.manager).create({})
        self.assertEqual((wizard.date_from, wizard.date_to), (date(2024, 2, 1), date(2024, 2, 29)))
        with self.assertRaises(ValidationError):
            self.export(date_from=date(2024, 4, 1))

    def test_reps_cannot_export(self):
        with self.assertRaises(AccessError):
            self.export(user=self.rep)
        wizard = self.export()
        with self.assertRaises(AccessError):
            wizard.with_user(self.rep)._export_file()
        with self.assertRaises(AccessError):
            wizard.with_user(self.rep).action_export()
        menu = self.env.ref("cold_call_dialer.cold_call_dialer_menu_export_calls")
        self.assertEqual(menu.groups_id, self.env.ref("cold_call_dialer.group_cold_call_manager"))

    def test_export_action_downloads_through_the_route(self):
        wizard = self.export()
        action = wizard.action_export()
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/cold_call_dialer/export_calls/{wizard.id}",
                "target": "download",
            },
        )


@tagged("post_install", "-at_install")
class TestExportCallsRoute(ExportFixturesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_export_fixtures()

    def test_route_serves_the_file_to_the_manager_who_asked_only(self):
        wizard = self.export(file_format="csv")
        url = f"/cold_call_dialer/export_calls/{wizard.id}"
        self.authenticate("dialer_manager", "dialer_manager")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn("cold_calls_2024-03-01_2024-03-31.csv", response.headers["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual([row[2] for row in rows[1:]], ["DT Bravo", "DT Charlie", "DT Alpha"])
        self.authenticate("dialer_rep", "dialer_rep")
        self.assertEqual(self.url_open(url).status_code, 403)
