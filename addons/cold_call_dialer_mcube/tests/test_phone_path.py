from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import BridgeFixturesMixin

# Numbers as people and MCUBE write them, with their one E.164 form (False: not a phone number)
# and the 10 digits MCUBE dials (None: MCUBE calls Indian mobiles and landlines only).
MOBILE = ("+919845012345", "9845012345")
LANDLINE = ("+918041234567", "8041234567")
NUMBERS = {
    "9845012345": MOBILE,
    "09845012345": MOBILE,
    "919845012345": MOBILE,
    "+919845012345": MOBILE,
    "+91 98450 12345": MOBILE,
    "0091 98450 12345": MOBILE,
    "00919845012345": MOBILE,
    "+91-98450-12345": MOBILE,
    "098450-12345": MOBILE,
    "(+91) 98450 12345": MOBILE,
    "080 4123 4567": LANDLINE,
    "08041234567": LANDLINE,
    "918041234567": LANDLINE,
    "+91 80 4123 4567": LANDLINE,
    "0091-80-41234567": LANDLINE,
    "1800 123 4567": ("+9118001234567", None),
    "+44 20 7946 0958": ("+442079460958", None),
    "0044 20 7946 0958": ("+442079460958", None),
    "+1 415 555 2671": ("+14155552671", None),
    "abc": (False, None),
    "Anonymous": (False, None),
    "+12": (False, None),
    "12-ab": (False, None),
    "ask reception: 4421": (False, None),
}


@tagged("post_install", "-at_install")
class TestPhonePath(BridgeFixturesMixin, TransactionCase):
    """Every entry point reads a number the same way (cold_call_phone): the webhook, the Dialer,
    click-to-call, the lookups of callers and the MCUBE numbers of users, for an Indian company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()
        cls.env.company.country_id = cls.india

    def webhook(self, index, number):
        """The customer's number of the call record a webhook event with ``number`` makes."""
        payload = {"callid": f"PATH-{index}", "callto": number, "direction": "outbound", "clicktocalldid": ""}
        return self.ingest(payload).phone_number

    def dialed(self, number):
        """A contact with ``number``, and the number the Dialer dials for it."""
        partner = self.env["res.partner"].create({"name": f"Path {number}", "mobile": number})
        return partner, self.dialer().refresh_contacts([partner.id])[0]["mobile_dial"]

    def click_to_call(self, partner):
        """What the Dialer's Call asks of MCUBE for ``partner``: the number dialed, or why not."""
        self.fake.requests.clear()
        try:
            result = self.place_call(partner)
        except UserError:
            return "no number"
        return self.fake.last_request["custnumber"] if result["ok"] else "refused"

    def lookup(self, number):
        """The E.164 number a lead stores for lookups, and the number of the caller's lead the
        pop-up's button opens."""
        lead = self.env["crm.lead"].create({"name": f"Path {number}", "phone": number})
        try:
            opened = self.env["crm.lead"].browse(self.env["crm.lead"].mcube_open_caller(number)["res_id"])
        except UserError:
            opened = self.env["crm.lead"]
        return lead.mcube_phone_sanitized, opened.mcube_phone_sanitized

    def did(self, number):
        try:
            with self.env.cr.savepoint():
                self.rep_two.mcube_virtual_number = number
        except ValidationError:
            return False
        return self.rep_two.mcube_virtual_number

    def test_one_answer_per_number_at_every_entry_point(self):
        for index, (number, (e164, mcube)) in enumerate(NUMBERS.items()):
            with self.subTest(number=number):
                partner, dialed = self.dialed(number)
                sanitized, opened = self.lookup(number)
                answers = {
                    "webhook": self.webhook(index, number),
                    "dialer": dialed,
                    "lookup": sanitized,
                    "pop-up button": opened,
                    "virtual number": self.did(number),
                }
                self.assertEqual(answers, dict.fromkeys(answers, e164))
                expected_call = mcube or ("refused" if e164 else "no number")
                self.assertEqual(self.click_to_call(partner), expected_call)
                self.env["cold.call.hold"].search([("partner_id", "=", partner.id)]).unlink()
