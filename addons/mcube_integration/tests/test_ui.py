from odoo.tests import HttpCase, tagged

from .common import McubeCase, sample


@tagged("post_install", "-at_install")
class TestUi(McubeCase, HttpCase):
    def test_salesperson_browses_calls_and_lead(self):
        self.ingest(
            sample("inbound_answered_hangup", agentname="<b>Priya</b>", filename="https://rec.example.com/MC-1.wav")
        )
        self.start_tour("/web", "mcube_integration_call_records", login="mcube_did")

    def test_administrator_finds_the_webhook_url_in_the_settings(self):
        self.start_tour("/web", "mcube_integration_settings", login="admin")

    def test_sales_manager_sets_virtual_numbers_in_the_list(self):
        self.start_tour("/web", "mcube_integration_numbers", login="mcube_manager")
        self.assertEqual(self.salesman_other.mcube_virtual_number, "+918044445555")
