from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.cold_call_phone.tools import phone

from .common import McubeCase


@tagged("post_install", "-at_install")
class TestPhone(McubeCase, TransactionCase):
    def normalize(self, number):
        """A number as MCUBE sends it, read in the MCUBE country of the current company."""
        return phone.e164(number, self.env.company._mcube_country().code)

    def set_country(self, country):
        settings = self.env["res.config.settings"].create({"mcube_country_id": country.id})
        settings.execute()

    def test_phone_formats_of_the_samples(self):
        normalize = self.normalize
        for number in ("9876500011", "+91 98765 00011", "09876500011", "919876500011", "0091 98765 00011",
                       "+91-98765-00011", "098765-00011", 9876500011):  # fmt: skip
            self.assertEqual(normalize(number), "+919876500011", number)
        self.assertEqual(normalize("08045678901"), "+918045678901")
        self.assertEqual(normalize("918045678901"), "+918045678901")
        self.assertEqual(normalize("919812312312"), "+919812312312")
        for garbage in ("", None, False, "abc", "Anonymous", "+12", "12-ab"):
            self.assertFalse(normalize(garbage), garbage)

    def test_implausible_numbers_get_a_stable_key(self):
        normalize = self.normalize
        self.assertEqual(normalize("1234567890"), "+911234567890")
        self.assertEqual(normalize("911234567890"), "+911234567890")
        self.assertEqual(normalize("01234567890"), "+911234567890")

    def test_country_from_settings_then_company(self):
        self.env.company.mcube_country_id = self.env.ref("base.be")
        self.assertEqual(self.normalize("0470 12 34 56"), "+32470123456")
        self.env.company.mcube_country_id = False
        self.env.company.country_id = self.env.ref("base.in")
        self.assertEqual(self.normalize("9876500011"), "+919876500011")

    def test_lead_and_partner_numbers_use_their_own_country_first(self):
        belgium = self.env.ref("base.be")
        lead = self.env["crm.lead"].create({"name": "Brussels", "phone": "0470 12 34 56", "country_id": belgium.id})
        partner = self.env["res.partner"].create({"name": "Pune", "phone": "020 1234 5678", "mobile": "98765 00011"})
        self.assertEqual(lead.mcube_phone_sanitized, "+32470123456")
        self.assertFalse(lead.mcube_mobile_sanitized)
        self.assertEqual(partner.mcube_phone_sanitized, "+912012345678")
        self.assertEqual(partner.mcube_mobile_sanitized, "+919876500011")

    def test_changing_the_country_recomputes_numbers_without_a_country(self):
        belgium, india = self.env.ref("base.be"), self.env.ref("base.in")
        lead = self.env["crm.lead"].create({"name": "No country", "phone": "0470 12 34 56", "mobile": "0470 65 43 21"})
        partner = self.env["res.partner"].create({"name": "No country", "mobile": "0470 12 34 56", "active": False})
        pinned = self.env["crm.lead"].create({"name": "Indian", "phone": "0470 12 34 56", "country_id": india.id})
        before = pinned.mcube_phone_sanitized
        self.assertEqual(lead.mcube_phone_sanitized, "+91470123456")
        self.set_country(belgium)
        self.env.invalidate_all()
        self.assertEqual((lead.mcube_phone_sanitized, lead.mcube_mobile_sanitized), ("+32470123456", "+32470654321"))
        self.assertEqual(partner.mcube_mobile_sanitized, "+32470123456")
        self.assertEqual(pinned.mcube_phone_sanitized, before, "a record's own country wins")
        stored = self.env["crm.lead"].search([("mcube_phone_sanitized", "=", "+32470123456")])
        self.assertEqual(stored, lead, "stored in the database, not only in the cache")
        self.set_country(india)
        self.env.invalidate_all()
        self.assertEqual(lead.mcube_phone_sanitized, "+91470123456")

    def test_recompute_only_when_the_default_country_changes(self):
        with patch.object(type(self.env["mcube.phone.mixin"]), "_mcube_recompute_countryless") as recompute:
            self.set_country(self.env.ref("base.in"))
            recompute.assert_not_called()
            self.set_country(self.env.ref("base.be"))
            recompute.assert_called_once()
