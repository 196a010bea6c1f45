from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDialerUi(HttpCase):
    def test_open_dialer_from_the_menu(self):
        self.start_tour("/web", "cold_call_dialer_open", login="admin")
