import re

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import TOKEN, McubeCase, sample


@tagged("post_install", "-at_install")
class TestSettings(McubeCase, TransactionCase):
    def test_settings_are_the_companys(self):
        team = self.env["crm.team"].create({"name": "Phones"})
        settings = self.env["res.config.settings"].create(
            {
                "mcube_allowed_ips": "203.0.113.7, 198.51.100.0/24",
                "mcube_default_user_id": self.salesman_other.id,
                "mcube_default_team_id": team.id,
                "mcube_country_id": self.env.ref("base.in").id,
                "mcube_timezone": "Asia/Calcutta",
            }
        )
        settings.execute()
        company = self.env.company
        self.assertEqual(company.mcube_allowed_ips, "203.0.113.7, 198.51.100.0/24")
        self.assertEqual(company.mcube_default_user_id, self.salesman_other)
        self.assertEqual(company.mcube_default_team_id, team)
        self.assertEqual(company.mcube_timezone, "Asia/Calcutta")
        self.assertEqual(company.mcube_webhook_token, TOKEN)
        reloaded = self.env["res.config.settings"].create({})
        self.assertEqual(reloaded.mcube_default_user_id, self.salesman_other)
        self.assertEqual(reloaded.mcube_webhook_token, TOKEN)

    def test_timezone_defaults_to_india(self):
        company = self.env["res.company"].create({"name": "MCUBE new company"})
        self.assertEqual(company.mcube_timezone, "Asia/Kolkata")
        settings = self.env["res.config.settings"].with_company(company).create({})
        self.assertEqual(settings.mcube_timezone, "Asia/Kolkata")

    def test_generate_token(self):
        settings = self.env["res.config.settings"].create({})
        action = settings.action_mcube_generate_token()
        token = self.env.company.mcube_webhook_token
        self.assertNotEqual(token, TOKEN)
        self.assertRegex(token, r"^[A-Za-z0-9_-]{40,}$")
        self.assertEqual(action["tag"], "reload")
        self.env["res.config.settings"].create({}).action_mcube_generate_token()
        self.assertNotEqual(self.env.company.mcube_webhook_token, token)

    def test_webhook_url_to_copy(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://crm.example.com/")
        self.assertEqual(
            self.env["res.config.settings"].create({}).mcube_webhook_url, "https://crm.example.com/mcube/webhook"
        )

    def test_webhook_url_in_the_settings_form(self):
        """The form opens with an onchange, where a compute without dependencies is
        never run: the URL field was empty, and the Copy button copied nothing."""
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://crm.example.com")
        spec = {"company_id": {}, "mcube_webhook_url": {}, "mcube_webhook_token": {}}
        values = self.env["res.config.settings"].onchange({}, [], spec)["value"]
        self.assertEqual(values["mcube_webhook_url"], "https://crm.example.com/mcube/webhook")

    def test_bad_allow_list_is_refused(self):
        for value in ("10.0.0.0/33", "example.com", "10.0.0.1, nope"):
            with self.assertRaisesRegex(ValidationError, re.escape(value.split(", ")[-1])):
                self.env["res.config.settings"].create({"mcube_allowed_ips": value})

    def test_lead_calls_button_and_tab(self):
        self.ingest(sample("inbound_call_start"))
        self.ingest(sample("inbound_answered_hangup"))
        self.ingest(sample("outbound_noanswer", callto="9876543210"))
        lead = self.record_of("MC-20251113-000123").lead_id
        self.assertEqual(lead.mcube_call_count, 2)
        self.assertEqual(lead.mcube_last_call_date, self.record_of("MC-20251113-000987").call_date)
        action = lead.action_view_mcube_calls()
        self.assertEqual(action["res_model"], "mcube.call.record")
        self.assertEqual(self.CallRecord.search(action["domain"]), lead.mcube_call_record_ids)
        arch = lead.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="mcube_call_record_ids"', arch)
        self.assertRegex(arch, r'name="recording_url"[^>]*widget="url"')
