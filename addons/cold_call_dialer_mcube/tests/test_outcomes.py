from odoo.tests import TransactionCase, tagged

from ..hooks import post_init_hook
from .common import BridgeFixturesMixin

DEFAULTS = "NoAnswer, Busy, Cancel, Failed"


class OutcomesCase(BridgeFixturesMixin, TransactionCase):
    with_status_field = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures(cls.with_status_field)
        cls.Options = cls.env["ir.model.fields.selection"]

    def option(self, value):
        field = self.env["ir.model.fields"]._get("res.partner", "x_cold_call_status")
        return self.Options.search([("field_id", "=", field.id), ("value", "=", value)])


@tagged("post_install", "-at_install")
class TestOutcomes(OutcomesCase):
    def test_options_carry_their_mcube_statuses(self):
        options = self.dialer().get_filters()["status_options"]
        statuses = {option["value"]: option["mcube_statuses"] for option in options}
        self.assertEqual(statuses["no_answer"], ["NoAnswer", "Busy", "Cancel", "Failed"])
        self.assertEqual(statuses["interested"], [])

    def test_install_hook_fills_empty_defaults_only(self):
        no_answer = self.option("no_answer")
        no_answer.cold_call_mcube_statuses = False
        post_init_hook(self.env)
        self.assertEqual(no_answer.cold_call_mcube_statuses, DEFAULTS)
        no_answer.cold_call_mcube_statuses = "Busy"
        post_init_hook(self.env)
        self.assertEqual(no_answer.cold_call_mcube_statuses, "Busy")

    def test_suggestion_is_the_first_option_listing_the_raw_or_normalized_status(self):
        suggest = self.Options._cold_call_mcube_suggestion
        self.assertEqual(suggest("NoAnswer", "no_answer"), "no_answer")
        self.assertEqual(suggest("Busy", "busy"), "no_answer")
        self.assertEqual(suggest("no answer", False), "no_answer")
        self.assertEqual(suggest("Executive Busy", "busy"), "no_answer")
        self.assertFalse(suggest("ANSWER", "answered"))
        self.assertFalse(suggest("", False))
        self.option("interested").cold_call_mcube_statuses = "answered"
        self.option("callback").cold_call_mcube_statuses = "ANSWER"
        self.assertEqual(suggest("ANSWER", "answered"), "interested")


@tagged("post_install", "-at_install")
class TestOutcomesWithoutField(OutcomesCase):
    """Notes-only mode: no outcome field until an administrator creates it."""

    with_status_field = False

    def test_no_suggestion_until_the_field_is_created_with_the_default_statuses(self):
        """One test: the registry keeps a created field until the end of the class."""
        post_init_hook(self.env)  # nothing to fill
        self.assertEqual(self.Options._cold_call_options(), [])
        self.assertFalse(self.Options._cold_call_mcube_suggestion("NoAnswer", "no_answer"))
        self.Options._cold_call_create_status_field()
        self.assertEqual(self.option("no_answer").cold_call_mcube_statuses, DEFAULTS)
        self.assertFalse(self.option("interested").cold_call_mcube_statuses)
        self.assertEqual(self.Options._cold_call_mcube_suggestion("NoAnswer", "no_answer"), "no_answer")
