from odoo.tests import BaseCase, tagged

from ..tools.phone import e164, indian, international, mcube_number


@tagged("post_install", "-at_install")
class TestPhone(BaseCase):
    def test_e164_of_every_way_a_number_is_written(self):
        for number in ("9845012345", "09845012345", "919845012345", "0091 98450 12345", "+91-98450-12345", 9845012345):
            self.assertEqual(e164(number, "IN"), "+919845012345", number)
        self.assertEqual(e164("0470 12 34 56", "BE"), "+32470123456")
        self.assertEqual(e164("+32 470 12 34 56", "IN"), "+32470123456", "a prefix wins over the country")
        for garbage in ("", None, False, "abc", "Anonymous", "+12", "12-ab", "ask reception: 4421"):
            self.assertIs(e164(garbage, "IN"), False, garbage)

    def test_numbers_outside_the_known_ranges_keep_a_stable_form(self):
        """phone_validation refuses a number of a range its metadata does not know (new, reserved);
        a number of a possible length still gets its E.164 form, so that its calls match."""
        self.assertEqual(e164("07700 900123", "GB"), "+447700900123")
        self.assertEqual(e164("0470 12 34 56", "IN"), "+91470123456")

    def test_mcube_dials_indian_numbers_as_ten_digits(self):
        self.assertEqual(mcube_number("+919845000001"), "9845000001")
        self.assertEqual(mcube_number("+918041234567"), "8041234567")
        for other in ("+447700900123", "+9112345", "+9118001234567", "9845000001", False, None):
            self.assertIsNone(mcube_number(other), other)

    def test_indian_numbers_by_their_country_code(self):
        for number in ("+919845000001", "+918041234567", "+911401234567"):
            self.assertTrue(indian(number), number)
        for number in ("+14155550100", "+447911123456", "+9610123456", False, ""):
            self.assertFalse(indian(number), number)

    def test_international_display_or_as_typed(self):
        self.assertEqual(international("09845012345", "IN"), "+91 98450 12345")
        self.assertEqual(international("07700 900123", "GB"), "07700 900123")
        self.assertEqual(international("ask reception: 4421", "IN"), "ask reception: 4421")
        self.assertEqual(international(False, "IN"), "")
