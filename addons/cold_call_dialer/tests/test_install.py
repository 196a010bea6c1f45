from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_dialer_menu_opens_the_client_action(self):
        menu = self.env.ref("cold_call_dialer.cold_call_dialer_menu_dialer")
        self.assertEqual(menu.action.tag, "cold_call_dialer.dialer")
        self.assertIn(self.env.ref("cold_call_dialer.group_cold_call_user"), menu.parent_id.groups_id)

    def test_admin_is_a_dialer_administrator(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("cold_call_dialer.group_cold_call_manager"))
