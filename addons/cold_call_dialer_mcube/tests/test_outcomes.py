from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

from .common import BridgeFixturesMixin

DEFAULTS = "NoAnswer, Busy, Cancel, Failed"


class OutcomesCase(BridgeFixturesMixin, TransactionCase):
    with_status_field = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures(cls.with_status_field)
        cls.Outcomes = cls.env["cold.call.outcome"]

    def load_defaults(self, mode):
        """Load the module's default MCUBE statuses as installing (init) or upgrading (update) does."""
        convert_file(self.env, "cold_call_dialer_mcube", "data/cold_call_outcome_data.xml", {}, mode, False)


@tagged("post_install", "-at_install")
class TestOutcomes(OutcomesCase):
    def test_options_carry_their_mcube_statuses(self):
        options = self.dialer().get_filters()["status_options"]
        statuses = {option["value"]: option["mcube_statuses"] for option in options}
        self.assertEqual(statuses["no_answer"], ["NoAnswer", "Busy", "Cancel", "Failed"])
        self.assertEqual(statuses["interested"], [])

    def test_defaults_come_with_the_install_and_upgrades_keep_what_admins_set(self):
        no_answer = self.outcome("no_answer")
        no_answer.mcube_statuses = False
        self.load_defaults("init")
        self.assertEqual(no_answer.mcube_statuses, DEFAULTS)
        no_answer.mcube_statuses = "Busy"
        self.load_defaults("update")
        self.assertEqual(no_answer.mcube_statuses, "Busy")

    def test_suggestion_is_the_first_option_listing_the_raw_or_normalized_status(self):
        def suggest(raw, status):
            return self.Outcomes._mcube_suggestion(raw, status).value

        self.assertEqual(suggest("NoAnswer", "no_answer"), "no_answer")
        self.assertEqual(suggest("Busy", "busy"), "no_answer")
        self.assertEqual(suggest("no answer", False), "no_answer")
        self.assertEqual(suggest("Executive Busy", "busy"), "no_answer")
        self.assertFalse(suggest("ANSWER", "answered"))
        self.assertFalse(suggest("", False))
        self.outcome("interested").mcube_statuses = "answered"
        self.outcome("callback").mcube_statuses = "ANSWER"
        self.assertEqual(suggest("ANSWER", "answered"), "interested")
        # An archived outcome is not offered, so not suggested either.
        self.outcome("interested").active = False
        self.assertEqual(suggest("ANSWER", "answered"), "callback")


@tagged("post_install", "-at_install")
class TestOutcomesWithoutField(OutcomesCase):
    """Notes-only mode: no outcome field until an administrator creates it."""

    with_status_field = False

    def test_no_suggestion_until_the_field_is_created_with_the_default_statuses(self):
        """One test: the registry keeps a created field until the end of the class."""
        self.assertEqual(self.Outcomes._offered()._screen_values(), [])
        self.assertFalse(self.Outcomes._mcube_suggestion("NoAnswer", "no_answer"))
        self.Outcomes._create_status_field()
        self.assertEqual(self.outcome("no_answer").mcube_statuses, DEFAULTS)
        self.assertFalse(self.outcome("interested").mcube_statuses)
        self.assertEqual(self.Outcomes._mcube_suggestion("NoAnswer", "no_answer").value, "no_answer")
