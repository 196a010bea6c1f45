from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from odoo.addons.cold_call_dialer.const import STATUS_FIELD

from .common import DialerCase
from .test_ui import DialerTourCase


@tagged("post_install", "-at_install")
class TestCallThese(DialerCase):
    def call_these(self, partners=None, domain=None, user=None):
        """Run "Call these" as the Contacts list does, on ``partners`` ticked or ``domain`` searched."""
        context = {"active_model": "res.partner", "active_ids": partners.ids if partners else []}
        if domain is not None:
            context["active_domain"] = domain
        action = self.env.ref("cold_call_dialer.res_partner_action_call_these").with_user(user or self.rep)
        return action.with_context(**context).run()

    def selection_filters(self, user=None):
        return self.env["ir.filters"].search(
            [
                ("model_id", "=", "res.partner"),
                ("name", "=", "Dialer selection"),
                ("user_id", "=", (user or self.rep).id),
            ]
        )

    def test_opens_the_dialer_on_exactly_the_ticked_contacts(self):
        picked = self.alpha | self.charlie | self.echo
        action = self.call_these(picked, domain=[("category_id", "in", [self.tag.id])])
        ir_filter = self.selection_filters()
        self.assertEqual(len(ir_filter), 1)
        self.assertEqual(ir_filter.user_id, self.rep)
        self.assertFalse(ir_filter.action_id)
        self.assertEqual(self.env["cold.call.list"]._domain(ir_filter), [("id", "in", sorted(picked.ids))])
        self.assertEqual((action["type"], action["tag"]), ("ir.actions.client", "cold_call_dialer.dialer"))
        self.assertEqual(action["params"], {"list_key": ir_filter.id})
        # The ticked ids stay out of the Dialer's URL.
        self.assertFalse(action["context"]["active_ids"])
        page = self.dialer().get_page(action["params"]["list_key"], 1, 25)
        self.assertCountEqual(self.page_ids(page), picked.ids)
        self.assertIn(ir_filter.id, [entry["key"] for entry in self.dialer().get_filters()["filters"]])

    def test_running_it_again_replaces_the_users_selection(self):
        self.call_these(self.alpha | self.bravo)
        first = self.selection_filters()
        action = self.call_these(self.delta)
        self.assertEqual(self.selection_filters(), first)
        self.assertEqual(action["params"]["list_key"], first.id)
        self.assertEqual(self.page_ids(self.dialer().get_page(first.id, 1, 25)), self.delta.ids)
        # Each rep has their own.
        self.call_these(self.echo, user=self.rep_two)
        other = self.selection_filters(self.rep_two)
        self.assertNotEqual(other, first)
        self.assertEqual(self.page_ids(self.dialer(self.rep_two).get_page(other.id, 1, 25)), self.echo.ids)
        self.assertEqual(self.page_ids(self.dialer().get_page(first.id, 1, 25)), self.delta.ids)

    def test_select_all_saves_the_search(self):
        domain = [("category_id", "in", [self.tag.id]), ("mobile", "!=", False)]
        mobiles = self.partners.filtered("mobile")
        # Every contact of the search ticked: the search is saved, so it follows later changes.
        action = self.call_these(mobiles, domain=domain)
        ir_filter = self.selection_filters()
        self.assertEqual(self.env["cold.call.list"]._domain(ir_filter), domain)
        self.assertCountEqual(self.page_ids(self.dialer().get_page(action["params"]["list_key"], 1, 25)), mobiles.ids)
        # Beyond the ids the web client sends after "Select all", only the search knows them all.
        self.env["ir.config_parameter"].set_param("web.active_ids_limit", 1)
        self.call_these(self.alpha, domain=[("category_id", "in", [self.tag.id])])
        self.assertEqual(self.env["cold.call.list"]._domain(ir_filter), [("category_id", "in", [self.tag.id])])
        page = self.dialer().get_page(ir_filter.id, 1, 25)
        self.assertCountEqual(self.page_ids(page), self.callable_partners.ids)

    def test_contacts_the_user_may_not_modify_can_still_be_called(self):
        """Calling only needs to see the contacts (logging the call checks the rest)."""
        self.env["ir.rule"].create(
            {
                "name": "Dialer test: locked contacts",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain_force": str([("id", "!=", self.alpha.id)]),
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        action = self.call_these(self.alpha | self.bravo)
        page = self.dialer().get_page(action["params"]["list_key"], 1, 25)
        self.assertCountEqual(self.page_ids(page), (self.alpha | self.bravo).ids)

    def test_only_dialer_users_and_contacts_list_selections(self):
        outsider = new_test_user(self.env, login="dialer_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["cold.call.selection"].with_user(outsider).with_context(
                active_model="res.partner", active_ids=self.alpha.ids
            ).action_call_these()
        with self.assertRaisesRegex(UserError, "Contacts list"):
            self.env["cold.call.selection"].with_user(self.rep).with_context(
                active_model="crm.lead", active_ids=[1]
            ).action_call_these()
        self.assertFalse(self.selection_filters())

    def test_too_many_ticked_contacts_are_refused_with_advice(self):
        ids = list(range(1, 30001))
        with self.assertRaisesRegex(UserError, "Select all"):
            self.env["cold.call.selection"].with_user(self.rep).with_context(
                active_model="res.partner", active_ids=ids
            ).action_call_these()


@tagged("post_install", "-at_install")
class TestContactsActionsUi(DialerTourCase):
    """The two actions of the Contacts list, as a rep uses them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()

    def test_set_call_outcome_from_the_contacts_list(self):
        self.start_rep_tour("cold_call_dialer_bulk_outcome")
        self.assertEqual((self.tour_alpha | self.tour_bravo).mapped(STATUS_FIELD), ["callback", "callback"])
        self.assertFalse(self.tour_no_phone[STATUS_FIELD])

    def test_call_these_opens_the_dialer_on_them(self):
        (self.tour_alpha | self.tour_bravo).write({STATUS_FIELD: "callback"})
        self.start_rep_tour("cold_call_dialer_call_these")
        ir_filter = self.env["ir.filters"].search([("name", "=", "Dialer selection"), ("user_id", "=", self.rep.id)])
        picked = sorted((self.tour_alpha | self.tour_bravo).ids)
        self.assertEqual(self.env["cold.call.list"]._domain(ir_filter), [("id", "in", picked)])

    def test_add_tags_and_schedule_an_activity_on_selected_contacts(self):
        hot = self.env["res.partner.category"].create({"name": "Tour hot"})
        self.start_rep_tour("cold_call_dialer_bulk_tags_activity")
        for partner in self.tour_alpha | self.tour_bravo:
            self.assertIn(hot, partner.category_id)
            self.assertEqual(partner.activity_ids.summary, "Send the catalogue")
            self.assertEqual(partner.activity_ids.user_id, self.rep)
        self.assertFalse(self.tour_no_phone.activity_ids)

    def test_export_calls_of_selected_contacts(self):
        self.manager.password = self.manager.login
        self.start_tour("/web", "cold_call_dialer_export_selected", login=self.manager.login)
