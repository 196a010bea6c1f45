from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestPage(DialerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bulk_tag = cls.env["res.partner.category"].create({"name": "Dialer paging"})
        values = []
        for index in range(60):
            values.append(
                {
                    # Two contacts share each name: the id breaks the tie.
                    "name": f"DP Contact {index // 2:02d}",
                    "mobile": f"+91 98450 1{index:04d}",
                    "category_id": [(4, cls.bulk_tag.id)],
                }
            )
        values += [{"name": f"DP Silent {index}", "category_id": [(4, cls.bulk_tag.id)]} for index in range(7)]
        cls.bulk = cls.env["res.partner"].create(values)
        cls.bulk_filter = cls.make_filter("DP all", [("category_id", "in", [cls.bulk_tag.id])])

    def test_paging_math_and_contacts_skipped_for_no_phone(self):
        first = self.dialer().get_page(self.bulk_filter.id, 1, 25)
        self.assertEqual((first["total"], first["page"], first["pages"], first["page_size"]), (60, 1, 3, 25))
        self.assertEqual(first["skipped_no_phone"], 7)
        self.assertEqual(len(first["contacts"]), 25)
        last = self.dialer().get_page(self.bulk_filter.id, 3, 25)
        self.assertEqual((last["page"], len(last["contacts"])), (3, 10))
        whole = self.dialer().get_page(self.bulk_filter.id, 1, 100)
        self.assertEqual((whole["pages"], len(whole["contacts"])), (1, 60))

    def test_counts_sent_back_are_reused_when_flipping_pages(self):
        first = self.dialer().get_page(self.shared_filter.id, 1, 25)
        self.assertEqual((first["total"], first["skipped_no_phone"]), (5, 2))
        self.bravo.phone = False
        counts = {key: first[key] for key in ("total", "skipped_no_phone", "waiting")}
        page = self.dialer().get_page(self.shared_filter.id, 1, 25, counts=counts)
        # The screen's counts are reused; the contacts themselves are read fresh.
        self.assertEqual((page["total"], page["skipped_no_phone"]), (5, 2))
        self.assertNotIn(self.bravo.id, self.page_ids(page))
        # Without counts, the list is counted again.
        page = self.dialer().get_page(self.shared_filter.id, 1, 25)
        self.assertEqual((page["total"], page["skipped_no_phone"]), (4, 3))
        for counts in (
            {"total": -1, "skipped_no_phone": 0, "waiting": 0},
            {"total": "5"},
            [5, 2],
            {"total": True, "skipped_no_phone": 0, "waiting": 0},
        ):
            with self.subTest(counts=counts), self.assertRaises(ValidationError):
                self.dialer().get_page(self.shared_filter.id, 1, 25, counts=counts)

    def test_order_is_stable_by_name_then_id(self):
        pages = [self.dialer().get_page(self.bulk_filter.id, page, 25) for page in (1, 2, 3)]
        ids = [contact_id for page in pages for contact_id in self.page_ids(page)]
        expected = self.bulk.filtered("mobile").sorted(lambda p: (p.name, p.id)).ids
        self.assertEqual(ids, expected)
        self.assertEqual(len(set(ids)), 60)

    def test_flipping_from_the_page_on_screen_follows_the_same_order(self):
        """Next and previous pages are read from the contact next to them, across the groups of the
        order (free to call, outside calling hours, waiting), and match the pages by offset."""
        self.env["ir.config_parameter"].set_param("cold_call_dialer.calling_hours_start", "9.0")
        self.env["ir.config_parameter"].set_param("cold_call_dialer.calling_hours_end", "19.0")
        callable_bulk = self.bulk.filtered("mobile")
        callable_bulk.write({"tz": "Asia/Kolkata"})
        callable_bulk[1::4].write({"tz": "America/New_York"})  # 02:30 there: outside the hours
        with freeze_time("2024-06-03 06:30:00"):
            callable_bulk[2::5].write({"cold_call_next_at": "2024-06-03 12:00:00"})
            expected = callable_bulk.sorted(
                lambda p: (bool(p.cold_call_next_at), p.tz == "America/New_York", p.name, p.id)
            ).ids
            pages = {}
            page = self.dialer().get_page(self.bulk_filter.id, 1, 25)
            counts = {key: page[key] for key in ("total", "skipped_no_phone", "waiting")}
            self.assertEqual(counts["waiting"], 12)
            pages[1] = self.page_ids(page)
            for number in (2, 3):
                after = pages[number - 1][-1]
                pages[number] = self.page_ids(
                    self.dialer().get_page(self.bulk_filter.id, number, 25, counts=counts, after_partner_id=after)
                )
            self.assertEqual(pages[1] + pages[2] + pages[3], expected)
            back = self.dialer().get_page(self.bulk_filter.id, 2, 25, counts=counts, before_partner_id=pages[3][0])
            self.assertEqual(self.page_ids(back), pages[2])
            offset = self.dialer().get_page(self.bulk_filter.id, 2, 25, counts=counts)
            self.assertEqual(self.page_ids(offset), pages[2])
            # The contact to page from is gone: the page is read by offset.
            gone = self.env["res.partner"].create({"name": "DP Gone"})
            gone.unlink()
            fallback = self.dialer().get_page(self.bulk_filter.id, 2, 25, counts=counts, after_partner_id=gone.id)
            self.assertEqual(self.page_ids(fallback), pages[2])
            # A contact of page 1 leaves the list (do not call): the next page still starts right
            # after the page on screen, where an offset would skip a contact.
            self.env["res.partner"].browse(pages[1][0]).x_cold_call_status = "do_not_call"
            after = self.dialer().get_page(self.bulk_filter.id, 2, 25, counts=counts, after_partner_id=pages[1][-1])
            self.assertEqual(self.page_ids(after), pages[2])
            self.assertEqual(
                self.page_ids(self.dialer().get_page(self.bulk_filter.id, 2, 25, counts=counts)),
                pages[2][1:] + pages[3][:1],
            )
        for bad in ("5", -1, True, 1.5):
            with self.subTest(anchor=bad), self.assertRaises(ValidationError):
                self.dialer().get_page(self.bulk_filter.id, 2, 25, after_partner_id=bad)
        both = {"after_partner_id": pages[1][-1], "before_partner_id": pages[3][0]}
        with self.assertRaises(ValidationError):
            self.dialer().get_page(self.bulk_filter.id, 2, 25, **both)

    def test_contacts_in_their_calling_hours_come_first_day_and_night(self):
        """Contacts without a zone of their own follow the company's (Kolkata): in its day they come
        first with those whose zone is in hours too; in its night, only contacts whose own zone is
        in hours come first."""
        self.env["ir.config_parameter"].set_param("cold_call_dialer.calling_hours_start", "9.0")
        self.env["ir.config_parameter"].set_param("cold_call_dialer.calling_hours_end", "19.0")
        self.env.company.partner_id.tz = "Asia/Kolkata"
        Partner = self.env["res.partner"]
        company_zone = Partner.create({"name": "TZ A company's", "mobile": "+919812300001"})
        new_york = Partner.create({"name": "TZ B New York", "mobile": "+12025550101", "tz": "America/New_York"})
        kolkata = Partner.create({"name": "TZ C Kolkata", "mobile": "+919812300003", "tz": "Asia/Kolkata"})
        self.assertFalse(company_zone.cold_call_tz)
        domain = [("id", "in", (company_zone | new_york | kolkata).ids)]
        Lists = self.env["cold.call.list"].with_user(self.rep)
        for when, order in (
            ("2024-06-03 06:30:00", company_zone | kolkata | new_york),  # noon in Kolkata, 02:30 in New York
            ("2024-06-03 20:30:00", new_york | company_zone | kolkata),  # 02:00 in Kolkata, 16:30 in New York
        ):
            with self.subTest(when=when), freeze_time(when):
                self.assertEqual(Lists._contacts(domain, 10), order)
                self.assertEqual(Lists._contacts(domain, 10, latest_call_first=True), order)

    def test_next_page_after_calling_the_page_on_screen(self):
        """A rep who called the page on screen flips to the contacts after it, in both orders (by
        name, latest call first): those called now wait at the end of the list, where the last of
        them would start the next page. The screen says where that contact stood on its page."""
        Lists = self.env["cold.call.list"].with_user(self.rep)
        callable_bulk = self.bulk.filtered("mobile")
        domain = [("id", "in", callable_bulk.ids)]
        for latest in (False, True):
            with self.subTest(latest_call_first=latest), freeze_time("2024-06-03 06:30:00"):
                callable_bulk.write({"cold_call_next_at": False})
                first = Lists._contacts(domain, 25, latest_call_first=latest)
                second = Lists._contacts(domain, 25, after_id=first[-1].id, latest_call_first=latest)
                first.sudo().write({"cold_call_next_at": "2024-06-04 06:30:00"})
                flipped = Lists._contacts(
                    domain, 25, after_id=first[-1].id, anchor_waiting=False, latest_call_first=latest
                )
                self.assertEqual(flipped, second)
                self.assertNotEqual(
                    Lists._contacts(domain, 25, after_id=first[-1].id, latest_call_first=latest), second
                )
                among_waiting = Lists._contacts(
                    domain, 5, after_id=first[0].id, anchor_waiting=True, latest_call_first=latest
                )
                self.assertEqual(among_waiting, first[1:6], "a page of waiting contacts flips among them")
                before = Lists._contacts(
                    domain, 5, before_id=second[5].id, anchor_waiting=False, latest_call_first=latest
                )
                self.assertEqual(before, second[:5])
        page = self.dialer().get_page(self.bulk_filter.id, 1, 25)
        counts = {key: page[key] for key in ("total", "skipped_no_phone", "waiting")}
        shown = self.page_ids(page)
        self.env["res.partner"].browse(shown).write({"cold_call_next_at": fields.Datetime.now() + timedelta(days=1)})
        after = self.dialer().get_page(
            self.bulk_filter.id, 2, 25, counts=counts, after_partner_id=shown[-1], anchor_waiting=False
        )
        self.assertEqual(self.page_ids(after), self.page_ids(self.dialer().get_page(self.bulk_filter.id, 1, 25)))
        for bad in ({"anchor_waiting": False}, {"after_partner_id": shown[-1], "anchor_waiting": "no"}):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                self.dialer().get_page(self.bulk_filter.id, 2, 25, counts=counts, **bad)

    def test_page_past_the_end_shows_the_last_page(self):
        result = self.dialer().get_page(self.bulk_filter.id, 9, 50)
        self.assertEqual((result["page"], result["pages"], len(result["contacts"])), (2, 2, 10))

    def test_empty_list_has_one_empty_page(self):
        empty = self.make_filter("DP nobody", [("id", "=", 0)])
        result = self.dialer().get_page(empty.id, 1, 25)
        self.assertEqual((result["total"], result["page"], result["pages"], result["contacts"]), (0, 1, 1, []))

    def test_bad_page_or_size_is_refused(self):
        for page, size in ((0, 25), (-1, 25), ("2", 25), (1, 30), (1, 0), (1, "50")):
            with self.subTest(page=page, size=size), self.assertRaises(ValidationError):
                self.dialer().get_page(self.bulk_filter.id, page, size)

    def test_contact_rows(self):
        self.alpha.x_cold_call_status = "callback"
        result = self.dialer().get_page(self.shared_filter.id, 1, 25)
        rows = {row["id"]: row for row in result["contacts"]}
        self.assertEqual(list(rows), [self.alpha.id, self.bravo.id, self.charlie.id, self.delta.id, self.echo.id])
        alpha = rows[self.alpha.id]
        self.assertEqual(alpha["name"], "DT Alpha")
        self.assertEqual(alpha["company"], "Kaveri Mills")
        self.assertEqual(alpha["mobile"], "+91 98450 00001")
        self.assertEqual(alpha["phone"], "+91 80 4123 0001")
        # Each number comes ready to dial in E.164; the mobile is the number to call.
        self.assertEqual((alpha["mobile_dial"], alpha["phone_dial"]), ("+919845000001", "+918041230001"))
        self.assertEqual(alpha["call_number"], "+919845000001")
        self.assertEqual((alpha["status_value"], alpha["status_label"]), ("callback", "Callback Requested"))
        self.assertFalse(alpha["last_call_date"])
        self.assertEqual(rows[self.bravo.id]["call_number"], "+918041230002")
        self.assertEqual(rows[self.bravo.id]["function"], "Buyer")
        self.assertEqual(rows[self.charlie.id]["call_number"], "+919845000003")
        self.assertEqual(rows[self.delta.id]["call_number"], "+919845000004")
        self.assertEqual(rows[self.echo.id]["call_number"], "+919845000005")
        self.assertFalse(rows[self.echo.id]["status_value"])

    def test_numbers_that_fail_validation_are_still_dialable(self):
        uk = self.env.ref("base.uk")
        odd = self.env["res.partner"].create(
            [
                {"name": "DT Odd Drama", "mobile": "07700 900123", "country_id": uk.id},
                {"name": "DT Odd Words", "phone": "ask reception: 4421", "country_id": self.india.id},
            ]
        )
        odd.category_id = self.tag
        rows = {row["id"]: row for row in self.dialer().get_page(self.shared_filter.id, 1, 25)["contacts"]}
        drama, words = (rows[partner.id] for partner in odd)
        # A reserved (fictional) UK range: shown as typed, dialled in E.164 all the same.
        self.assertEqual((drama["mobile"], drama["call_number"]), ("07700 900123", "+447700900123"))
        # Text that holds no phone number is shown for the rep to read, with nothing to dial: the
        # one phone path (cold_call_phone) has no E.164 form for it, here as anywhere else.
        self.assertEqual((words["phone"], words["call_number"]), ("ask reception: 4421", False))

    def test_last_call_is_shown(self):
        self.dialer().log_call(self.bravo.id, status="voicemail", duration=12, list_key=self.shared_filter.id)
        row = next(
            r for r in self.dialer().get_page(self.shared_filter.id, 1, 25)["contacts"] if r["id"] == self.bravo.id
        )
        self.assertTrue(row["last_call_date"])
        self.assertEqual(row["last_call_outcome"], "No Answer - Voicemail Left")

    def test_preview_shows_the_first_five(self):
        preview = self.dialer().get_preview(self.bulk_filter.id)
        self.assertEqual(len(preview["contacts"]), 5)
        self.assertEqual((preview["total"], preview["skipped_no_phone"]), (60, 7))

    def test_open_first_holds_and_returns_the_card(self):
        result = self.dialer().get_page(self.shared_filter.id, 1, 25, open_first=True)
        card = result["current"]
        self.assertEqual(card["contact"]["id"], self.alpha.id)
        self.assertEqual(card["last_calls"], [])
        hold = self.env["cold.call.hold"].search([("partner_id", "=", self.alpha.id)])
        self.assertEqual(hold.user_id, self.rep)

    def test_refresh_reports_changes_made_elsewhere(self):
        rows = self.dialer().refresh_contacts([self.alpha.id, self.bravo.id])
        self.assertEqual([row["callable"] for row in rows], [True, True])
        self.alpha.x_cold_call_status = "meeting"
        self.bravo.write({"phone": False})
        rows = {row["id"]: row for row in self.dialer().refresh_contacts([self.alpha.id, self.bravo.id])}
        self.assertEqual(rows[self.alpha.id]["status_label"], "Meeting Booked")
        self.assertFalse(rows[self.bravo.id]["callable"])
        with self.assertRaises(ValidationError):
            self.dialer().refresh_contacts("1,2")
