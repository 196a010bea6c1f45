from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import tagged

from odoo.addons.cold_call_dialer.const import STATUS_FIELD
from odoo.addons.cold_call_dialer.hooks import post_init_hook

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestOutcomes(DialerCase):
    """Outcomes are records of their own, one per option of the outcome field."""

    def option(self, value):
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        return field.selection_ids.filtered(lambda option: option.value == value)

    def offered(self):
        return [option["value"] for option in self.dialer().get_filters()["status_options"]]

    def test_each_option_has_its_outcome(self):
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        outcomes = self.env["cold.call.outcome"]._offered()
        self.assertEqual(outcomes.selection_id, field.selection_ids)
        self.assertEqual(outcomes.mapped("value"), field.selection_ids.mapped("value"))
        self.assertEqual(outcomes.mapped("name"), field.selection_ids.mapped("name"))

    def test_editing_a_meaning_never_reloads_the_registry(self):
        with patch.object(Registry, "setup_models", autospec=True, side_effect=Registry.setup_models) as setup:
            self.outcome("gatekeeper").write({"connected": True, "retry_hours": 48, "sequence": 50})
            self.dialer().log_call(self.alpha.id, status="gatekeeper", list_key="never_called")
        setup.assert_not_called()
        log = self.env["cold.call.log"].search([("partner_id", "=", self.alpha.id)])
        self.assertTrue(log.connected)
        self.assertEqual(self.offered()[-1], "gatekeeper")

    def test_a_renamed_outcome_stays_one_outcome_in_the_reports(self):
        self.dialer().log_call(self.alpha.id, status="callback", list_key="never_called")
        self.option("callback").name = "Call Me Back"
        self.dialer().log_call(self.bravo.id, status="callback", list_key="never_called")
        logs = self.env["cold.call.log"].search([("partner_id", "in", (self.alpha | self.bravo).ids)])
        groups = self.env["cold.call.log"]._read_group([("id", "in", logs.ids)], ["outcome_id"], ["__count"])
        self.assertEqual([(outcome.name, count) for outcome, count in groups], [("Call Me Back", 2)])
        self.assertEqual(self.alpha.cold_call_last_outcome_id.name, "Call Me Back")
        # Renamed from the outcomes list, the option (what contacts show) follows.
        self.outcome("callback").name = "Ring Back"
        self.assertEqual(self.option("callback").name, "Ring Back")
        labels = dict(self.env["res.partner"].fields_get([STATUS_FIELD])[STATUS_FIELD]["selection"])
        self.assertEqual(labels["callback"], "Ring Back")

    def test_a_deleted_option_retires_its_outcome_and_the_calls_keep_it(self):
        self.dialer().log_call(self.alpha.id, status="gatekeeper", list_key="never_called")
        outcome = self.outcome("gatekeeper")
        self.option("gatekeeper").unlink()
        self.assertFalse(outcome.active)
        self.assertNotIn("gatekeeper", self.offered())
        log = self.env["cold.call.log"].search([("partner_id", "=", self.alpha.id)])
        self.assertEqual(log.outcome_id, outcome)
        self.assertEqual(log.outcome_id.name, "Gatekeeper Block")
        # An option of the same value later takes its outcome back, meaning included.
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        self.env["ir.model.fields.selection"].create({"field_id": field.id, "value": "gatekeeper", "name": "Gate"})
        self.assertTrue(outcome.active)
        self.assertEqual((outcome.name, outcome.retry_hours), ("Gate", 24))
        self.assertIn("gatekeeper", self.offered())

    def test_outcomes_made_by_administrators_are_options(self):
        outcome = self.env["cold.call.outcome"].create(
            {"name": "Demo Done", "value": "demo_done", "connected": True, "sequence": 99}
        )
        self.assertEqual(outcome.selection_id, self.option("demo_done"))
        self.assertEqual(self.offered()[-1], "demo_done")
        self.dialer().log_call(self.alpha.id, status="demo_done", list_key="never_called")
        self.assertEqual(self.alpha[STATUS_FIELD], "demo_done")
        with self.assertRaisesRegex(UserError, "archive it instead"):
            outcome.unlink()
        unused = self.env["cold.call.outcome"].create({"name": "Unused", "value": "unused"})
        option = unused.selection_id
        unused.unlink()
        self.assertFalse(option.exists())

    def test_archived_outcomes_are_not_offered(self):
        self.outcome("voicemail").active = False
        self.assertNotIn("voicemail", self.offered())
        with self.assertRaisesRegex(UserError, "not an outcome anymore"):
            self.dialer().log_call(self.alpha.id, status="voicemail", list_key="never_called")

    def test_an_administrators_own_field_keeps_its_options_at_install(self):
        """The Dialer installed where the field exists already: the options keep their labels,
        those of a default value take its meaning, the others get an outcome without meaning."""
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        self.env["ir.model.fields.selection"].create({"field_id": field.id, "value": "own_value", "name": "Own Value"})
        self.option("voicemail").name = "Left a Message"
        # As before the install: the default outcomes are not linked, the other options have none.
        self.env.cr.execute('UPDATE cold_call_outcome SET selection_id = NULL, name = \'{"en_US": "x"}\'')
        self.env.cr.execute("DELETE FROM cold_call_outcome WHERE value = 'own_value'")
        self.env.invalidate_all()
        self.assertEqual(self.offered(), [])
        post_init_hook(self.env)
        self.assertEqual(self.offered(), field.selection_ids.mapped("value"))
        self.assertEqual(self.outcome("voicemail").name, "Left a Message")
        self.assertEqual(self.outcome("voicemail").retry_hours, 24)
        self.assertEqual(self.outcome("own_value").name, "Own Value")
        self.assertFalse(self.outcome("own_value").connected)
