from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.cold_call_dialer.const import STATUS_FIELD
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import DialerCase, DialerFixturesMixin

WIZARD_MODULE = "odoo.addons.cold_call_dialer.wizards.cold_call_bulk_action"
BULK_HEADLINE = "Call outcome set in bulk:"


@tagged("post_install", "-at_install")
class TestBulkOutcome(DialerCase):
    def wizard(self, partners=None, user=None, domain=None, **values):
        """The wizard as the Contacts list opens it, on ``partners`` ticked or ``domain`` searched."""
        context = {"active_model": "res.partner", "active_ids": partners.ids if partners else []}
        if domain is not None:
            context["active_domain"] = domain
        Wizard = self.env["cold.call.bulk.outcome"].with_user(user or self.rep).with_context(**context)
        return Wizard.create({"status": "no_answer", **values})

    def bulk_notes(self, partners):
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids), ("body", "ilike", BULK_HEADLINE)]
        )

    def forbid_writing(self, partners):
        """An ir.rule that keeps everybody but the superuser from modifying ``partners``."""
        self.env["ir.rule"].create(
            {
                "name": "Dialer test: locked contacts",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain_force": str([("id", "not in", partners.ids)]),
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )

    def test_small_selection_runs_at_once_with_a_note_each(self):
        partners = self.alpha | self.bravo | self.no_phone_one
        self.no_phone_one.active = False  # ticked in a list showing archived contacts
        wizard = self.wizard(partners, status="voicemail", note="Bought list\n<b>already</b> called")
        self.assertEqual(wizard.partner_count, 3)
        self.assertFalse(wizard.in_background)
        with trap_jobs() as trap:
            action = wizard.action_confirm()
            trap.assert_jobs_count(0)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(partners.mapped(STATUS_FIELD), ["voicemail"] * 3)
        self.assertEqual(self.charlie[STATUS_FIELD], False)
        notes = self.bulk_notes(partners)
        self.assertEqual(sorted(notes.mapped("res_id")), sorted(partners.ids))
        self.assertEqual(notes.author_id, self.rep.partner_id)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        body = notes[0].body
        self.assertIn("No Answer - Voicemail Left", body)
        self.assertIn("Bought list<br>&lt;b&gt;already&lt;/b&gt; called", body)
        # No call was made: the reports and the last call on the contact stay as they were.
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "in", partners.ids)]))

    def test_thousand_contacts_run_in_background_jobs_as_the_user(self):
        tag = self.env["res.partner.category"].create({"name": "Dialer bulk test"})
        partners = self.env["res.partner"].create(
            [{"name": f"DT Bulk {index:04d}", "category_id": [Command.link(tag.id)]} for index in range(1000)]
        )
        wizard = self.wizard(partners, status="not_interested", note="Imported from the fair")
        self.assertTrue(wizard.in_background)
        with trap_jobs() as trap:
            action = wizard.action_confirm()
            self.assertEqual(action["params"]["type"], "info")
            self.assertIn("in the background", action["params"]["message"])
            trap.assert_jobs_count(2)
            for job in trap.enqueued_jobs:
                self.assertEqual((job.recordset.env.uid, job.recordset.env.su), (self.rep.id, False))
                self.assertEqual(job.channel, "root.cold_call")
                self.assertEqual(len(job.args[0]), 500)
            self.assertFalse(any(partners.mapped(STATUS_FIELD)))
            trap.perform_enqueued_jobs()
        self.assertEqual(partners.mapped(STATUS_FIELD), ["not_interested"] * 1000)
        notes = self.bulk_notes(partners)
        self.assertEqual(len(notes), 1000)
        self.assertEqual(set(notes.mapped("res_id")), set(partners.ids))

    def test_select_all_beyond_the_ids_limit_uses_the_search(self):
        self.env["ir.config_parameter"].set_param("web.active_ids_limit", 2)
        domain = [("category_id", "in", [self.tag.id])]
        wizard = self.wizard(self.alpha | self.bravo, domain=domain, status="gatekeeper")
        self.assertEqual(wizard.partner_count, 7)
        wizard.action_confirm()
        self.assertEqual(self.partners.mapped(STATUS_FIELD), ["gatekeeper"] * 7)
        # Below the limit, only the ticked contacts count even though the search comes along.
        self.wizard(self.charlie, domain=domain, status="callback").action_confirm()
        self.assertEqual(self.partners.mapped(STATUS_FIELD), ["gatekeeper"] * 2 + ["callback"] + ["gatekeeper"] * 4)

    def test_contacts_the_user_cannot_modify_are_refused_and_nothing_changes(self):
        self.forbid_writing(self.bravo | self.charlie)
        wizard = self.wizard(self.callable_partners, status="wrong_number")
        with self.assertRaisesRegex(AccessError, r"not allowed to modify 2 of these contacts \(DT Bravo, DT Charlie\)"):
            wizard.action_confirm()
        self.assertFalse(any(self.callable_partners.mapped(STATUS_FIELD)))
        self.assertFalse(self.bulk_notes(self.callable_partners))
        # Background path: refused before any job is queued.
        with patch(f"{WIZARD_MODULE}.SYNC_LIMIT", 2), trap_jobs() as trap:
            with self.assertRaises(AccessError):
                self.wizard(self.callable_partners, status="wrong_number").action_confirm()
            trap.assert_jobs_count(0)

    def test_users_without_contact_rights_are_refused(self):
        reader = new_test_user(
            self.env, login="dialer_reader", groups="base.group_user,cold_call_dialer.group_cold_call_user"
        )
        with self.assertRaisesRegex(AccessError, "not allowed to modify contacts"):
            self.wizard(self.alpha, user=reader).action_confirm()
        self.assertFalse(self.alpha[STATUS_FIELD])
        outsider = new_test_user(self.env, login="dialer_outsider", groups="base.group_user,base.group_partner_manager")
        with self.assertRaises(AccessError):
            self.wizard(self.alpha, user=outsider)

    def test_job_checks_the_rights_again_when_it_runs(self):
        with patch(f"{WIZARD_MODULE}.SYNC_LIMIT", 2), trap_jobs() as trap:
            self.wizard(self.callable_partners, status="interested").action_confirm()
            trap.assert_jobs_count(1)
            self.forbid_writing(self.echo)
            with self.assertRaisesRegex(AccessError, "DT Echo"):
                trap.perform_enqueued_jobs()
        self.assertFalse(any(self.callable_partners.mapped(STATUS_FIELD)))
        self.assertFalse(self.bulk_notes(self.callable_partners))

    def test_a_value_that_is_not_an_option_is_refused(self):
        with self.assertRaises(ValueError):
            self.wizard(self.alpha, status="sold_out")
        wizard = self.wizard(self.alpha, status="gatekeeper")
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        field.selection_ids.filtered(lambda option: option.value == "gatekeeper").unlink()
        with self.assertRaisesRegex(UserError, "is not an outcome anymore"):
            wizard.action_confirm()
        self.assertFalse(self.alpha[STATUS_FIELD])

    def test_options_are_read_live(self):
        field = self.env["ir.model.fields"]._get("res.partner", STATUS_FIELD)
        self.env["ir.model.fields.selection"].create({"field_id": field.id, "value": "demo_done", "name": "Demo Done"})
        selection = self.env["cold.call.bulk.outcome"].fields_get(["status"])["status"]["selection"]
        self.assertEqual(selection, self.env["res.partner"].fields_get([STATUS_FIELD])[STATUS_FIELD]["selection"])
        self.assertIn(("demo_done", "Demo Done"), selection)
        self.wizard(self.alpha, status="demo_done").action_confirm()
        self.assertEqual(self.alpha[STATUS_FIELD], "demo_done")

    def test_action_is_offered_to_dialer_users_on_the_contacts_list(self):
        action = self.env.ref("cold_call_dialer.cold_call_bulk_outcome_action")
        self.assertEqual((action.binding_model_id.model, action.binding_view_types), ("res.partner", "list"))
        bindings = self.env["ir.actions.actions"].with_user(self.rep).get_bindings("res.partner")["action"]
        self.assertIn(action.id, [binding["id"] for binding in bindings])


@tagged("post_install", "-at_install")
class TestBulkOutcomeWithoutField(DialerFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures(with_status_field=False)

    def test_the_action_says_the_field_is_missing(self):
        Wizard = self.env["cold.call.bulk.outcome"].with_user(self.rep)
        Wizard = Wizard.with_context(active_model="res.partner", active_ids=self.alpha.ids)
        with self.assertRaisesRegex(UserError, "no call outcome field"):
            Wizard.default_get(["status", "note", "partner_count"])
