from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_queue_job_is_installed_with_the_module(self):
        module = self.env["ir.module.module"].search([("name", "=", "queue_job")])
        self.assertEqual(module.state, "installed")
