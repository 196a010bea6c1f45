from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

from .common import ALPHA_NUMBER, PROMOTIONAL_DID, BridgeFixturesMixin

IST_10_00 = "2026-05-06 04:30:00"
IST_22_00 = "2026-05-06 16:30:00"


@tagged("post_install", "-at_install")
class TestClickToCallCompliance(BridgeFixturesMixin, TransactionCase):
    """India's rules on the server's click-to-call: a call they refuse never reaches MCUBE,
    whatever the browser sends, and an allowed one goes out from the caller ID its purpose needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()
        cls.env.company.write(
            {
                "country_id": cls.india.id,
                "cold_call_window_start": 9.0,
                "cold_call_window_end": 21.0,
                "cold_call_register_unknown": "auto",
                "cold_call_register_imported_on": False,
            }
        )
        cls.real_estate = cls.env["cold.call.register.category"].search([("code", "=", 2)])
        cls.promo_filter = cls.make_filter("DT promo", [("category_id", "in", [cls.tag.id])])
        cls.promo_filter.cold_call_category_id = cls.real_estate
        cls.service_filter = cls.make_filter("DT service", [("category_id", "in", [cls.tag.id])])
        cls.service_filter.cold_call_purpose = "service"

    def last_check(self):
        return self.env["cold.call.compliance.check"].sudo().search([], order="id desc", limit=1)

    def assert_refused(self, result, sentence):
        self.assertEqual(result, {"ok": False, "refused": True, "error": sentence, "tel": False, "attempt_id": False})
        self.assertEqual(self.fake.calls, 0, "MCUBE was asked for a refused call")
        self.assertFalse(self.env["cold.call.mcube.attempt"].search([("partner_id", "=", self.alpha.id)]))
        self.assertEqual((self.last_check().result, self.last_check().entry_point), ("refused", "mcube"))

    @freeze_time(IST_10_00)
    def test_promotional_call_goes_out_from_a_140_number(self):
        result = self.place_call(list_key=self.promo_filter.id)
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.fake.last_request["did"], PROMOTIONAL_DID)
        self.assertEqual(self.attempt(result).caller_id, PROMOTIONAL_DID)
        check = self.last_check()
        self.assertEqual((check.result, check.rule, check.purpose), ("warned", "register_unknown", "promotional"))
        self.assertIn('"caller_id_series": "140"', check.data)
        self.assertEqual(
            result["warning"], "The register was not checked for this number within 15 days (never checked)."
        )

    @freeze_time(IST_10_00)
    def test_promotional_call_without_a_140_number_is_refused(self):
        self.caller_id.active = False
        self.env["cold.call.caller.id"].create([{"number": "+91 80 4567 8901"}, {"number": "1600123456"}])
        result = self.place_call(list_key=self.promo_filter.id)
        self.assert_refused(
            result,
            f"Promotional calls go out from a 140-series number only, and {self.env.company.name} has none: ask an "
            "administrator to add it under Dialer > Configuration > MCUBE Caller IDs.",
        )
        self.assertEqual(self.last_check().rule, "caller_id")
        # Without a list, a call is promotional too.
        self.assertTrue(self.place_call()["refused"])

    @freeze_time(IST_10_00)
    def test_service_calls_of_a_regulated_company_need_a_160_number(self):
        self.env.company.cold_call_regulated = True
        result = self.place_call(list_key=self.service_filter.id)
        self.assertTrue(result["refused"])
        self.assertIn("from a 160-series number only", result["error"])
        service_did = self.env["cold.call.caller.id"].create({"number": "0091 1601 234567"})
        self.assertEqual((service_did.number, service_did.series), ("1601234567", "1600"))
        result = self.place_call(list_key=self.service_filter.id)
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.fake.last_request["did"], "1601234567")

    @freeze_time(IST_10_00)
    def test_service_calls_of_other_companies_prefer_160_then_any_number_then_mcubes_default(self):
        other_did = self.env["cold.call.caller.id"].create({"number": "8045678901"})
        self.place_call(list_key=self.service_filter.id)
        self.assertEqual(self.fake.last_request["did"], "8045678901")
        self.env["cold.call.caller.id"].create({"number": "1600123456"})
        self.place_call(list_key=self.service_filter.id)
        self.assertEqual(self.fake.last_request["did"], "1600123456")
        (other_did | self.caller_id).active = False
        self.env["cold.call.caller.id"].search([("series", "=", "1600")]).active = False
        self.place_call(list_key=self.service_filter.id)
        self.assertNotIn("did", self.fake.last_request)

    @freeze_time(IST_10_00)
    def test_register_and_opt_out_refusals_reach_mcube_never(self):
        self.env["cold.call.register.entry"].create(
            {"number": ALPHA_NUMBER, "category_ids": [Command.set(self.real_estate.ids)]}
        )
        result = self.place_call(list_key=self.promo_filter.id)
        self.assertIn("On the Do-Not-Disturb register for Real Estate", result["error"])
        self.assert_refused(result, result["error"])
        # A service list the contact is not on does not make the call a service call.
        outsider = self.make_filter("Service, others", [("name", "=", "nobody")])
        outsider.cold_call_purpose = "service"
        self.assertTrue(self.place_call(list_key=outsider.id)["refused"])
        self.env["phone.blacklist"].sudo().add(ALPHA_NUMBER)
        result = self.place_call(list_key=self.service_filter.id)
        self.assertIn("Opted out of calls since", result["error"])
        self.assertEqual(self.fake.calls, 0)

    @freeze_time(IST_22_00)
    def test_no_call_outside_the_window(self):
        result = self.place_call(list_key=self.service_filter.id)
        self.assert_refused(result, "It is 22:00 for this contact: calls are allowed from 09:00 to 21:00.")

    def test_caller_ids_are_kept_by_administrators_of_the_company(self):
        with self.assertRaises(ValidationError):
            self.env["cold.call.caller.id"].create({"number": "not a number"})
        with self.assertRaises(AccessError):
            self.env["cold.call.caller.id"].with_user(self.manager).create({"number": "1409876543"})
        other = self.env["res.company"].create({"name": "Other Co", "country_id": self.india.id})
        self.env["cold.call.caller.id"].create({"number": "1409876543", "company_id": other.id})
        rep_other = new_test_user(
            self.env,
            login="rep_other_co",
            groups="base.group_user,cold_call_dialer.group_cold_call_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        seen = self.env["cold.call.caller.id"].with_user(rep_other).search([])
        self.assertEqual(seen.mapped("number"), ["1409876543"])
        # The other company's 140 number never places this company's calls.
        self.caller_id.active = False
        with freeze_time(IST_10_00):
            self.assertTrue(self.place_call(list_key=self.promo_filter.id)["refused"])
