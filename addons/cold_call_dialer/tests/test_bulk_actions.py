from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import DialerCase

ACTION_MODULE = "odoo.addons.cold_call_dialer.wizards.cold_call_bulk_action"


@tagged("post_install", "-at_install")
class TestBulkActions(DialerCase):
    """Add tags and Schedule activity on contacts picked in the Contacts list: as the user, on all
    of them or none, in the background for large picks, like Set call outcome."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hot, cls.fair = cls.env["res.partner.category"].create([{"name": "DT Hot"}, {"name": "DT Fair 2026"}])
        cls.alpha.category_id = [Command.link(cls.fair.id)]

    def wizard(self, model, partners, user=None, **values):
        context = {"active_model": "res.partner", "active_ids": partners.ids}
        return self.env[model].with_user(user or self.rep).with_context(**context).create(values)

    def tags(self, partners, user=None):
        return self.wizard("cold.call.bulk.tag", partners, user, category_ids=[Command.set((self.hot | self.fair).ids)])

    def activity(self, partners, user=None, **values):
        values = {
            "date_deadline": fields.Date.today() + timedelta(days=2),
            "summary": "Send the catalogue",
            "note": "Ask for <b>Asha</b>",
            **values,
        }
        return self.wizard("cold.call.bulk.activity", partners, user, **values)

    def test_tags_are_added_to_the_picked_contacts_only(self):
        action = self.tags(self.alpha | self.bravo).action_confirm()
        self.assertEqual(action["params"]["type"], "success")
        for partner in self.alpha | self.bravo:
            self.assertEqual(partner.category_id & (self.hot | self.fair), self.hot | self.fair)
        self.assertIn(self.tag, self.alpha.category_id)  # the tags it had stay
        self.assertFalse(self.charlie.category_id & self.hot)

    def test_one_activity_on_each_picked_contact(self):
        wizard = self.activity(self.alpha | self.bravo, user_id=self.rep_two.id)
        self.assertEqual(wizard.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        wizard.action_confirm()
        for partner in self.alpha | self.bravo:
            activity = partner.activity_ids
            self.assertEqual(len(activity), 1)
            self.assertEqual(
                (activity.user_id, activity.summary, activity.date_deadline),
                (self.rep_two, "Send the catalogue", fields.Date.today() + timedelta(days=2)),
            )
            self.assertIn("Ask for &lt;b&gt;Asha&lt;/b&gt;", activity.note)
        self.assertFalse(self.charlie.activity_ids)

    def test_bad_dates_and_assignees_are_refused_before_anything_changes(self):
        portal = new_test_user(self.env, login="dialer_bulk_portal", groups="base.group_portal")
        for values in ({"date_deadline": date(2020, 1, 1)}, {"user_id": portal.id}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.activity(self.alpha, **values).action_confirm()
        self.assertFalse(self.alpha.activity_ids)

    def test_large_picks_run_in_background_jobs_as_the_user(self):
        with patch(f"{ACTION_MODULE}.SYNC_LIMIT", 2), trap_jobs() as trap:
            self.assertIn("background", self.tags(self.callable_partners).action_confirm()["params"]["message"])
            self.activity(self.callable_partners).action_confirm()
            trap.assert_jobs_count(2)
            for job in trap.enqueued_jobs:
                self.assertEqual((job.recordset.env.uid, job.recordset.env.su), (self.rep.id, False))
                self.assertEqual(job.channel, "root.cold_call")
            self.assertFalse(self.callable_partners.activity_ids)
            trap.perform_enqueued_jobs()
        self.assertEqual(len(self.callable_partners.activity_ids), 5)
        self.assertTrue(all(self.hot in partner.category_id for partner in self.callable_partners))

    def test_contacts_the_user_cannot_modify_are_refused_and_nothing_changes(self):
        self.env["ir.rule"].create(
            {
                "name": "Dialer test: locked contact",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain_force": str([("id", "!=", self.bravo.id)]),
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        with self.assertRaisesRegex(AccessError, r"not allowed to modify 1 of these contacts \(DT Bravo\)"):
            self.tags(self.alpha | self.bravo).action_confirm()
        with self.assertRaisesRegex(AccessError, "DT Bravo"):
            self.activity(self.alpha | self.bravo).action_confirm()
        self.assertFalse(self.alpha.category_id & self.hot)
        self.assertFalse(self.alpha.activity_ids)

    def test_only_dialer_users(self):
        outsider = new_test_user(
            self.env, login="dialer_bulk_outsider", groups="base.group_user,base.group_partner_manager"
        )
        for model in ("cold.call.bulk.tag", "cold.call.bulk.activity"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.wizard(model, self.alpha, outsider)
