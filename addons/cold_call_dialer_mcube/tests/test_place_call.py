from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

from .common import ALPHA_NUMBER, API_TOKEN, PROMOTIONAL_DID, REP_EXECUTIVE, WEBHOOK_TOKEN, BridgeFixturesMixin

# Each way MCUBE can fail, and the sentence the rep reads.
FAILURES = {
    "refusal": "MCUBE refused the call: your number is not enabled for outbound calls, or you are on a call.",
    "client_error": "MCUBE refused the request (HTTP 400).",
    "server_error": "MCUBE had an error (HTTP 503): try again in a moment.",
    "garbage": "MCUBE's answer could not be read: the call was probably not placed.",
    "slow": "MCUBE did not answer in time: if your phone does not ring shortly, dial the number yourself.",
    "closed": "MCUBE cannot be reached right now.",
}


@tagged("post_install", "-at_install")
class TestPlaceCall(BridgeFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()

    def test_call_placed_with_national_numbers_and_the_attempt_refid(self):
        result = self.place_call()
        attempt = self.attempt(result)
        self.assertEqual(
            result,
            {
                "ok": True,
                "warning": "The register was not checked for this number within 15 days (never checked).",
                "attempt_id": attempt.id,
                "refid": attempt.refid,
                "state": "requested",
                "mcube_call_id": "FAKE-0001",
            },
        )
        self.assertEqual(
            self.fake.last_request,
            {
                "HTTP_AUTHORIZATION": API_TOKEN,
                "exenumber": REP_EXECUTIVE[-10:],
                "custnumber": ALPHA_NUMBER[-10:],
                "refurl": "1",
                "refid": attempt.refid,
                "did": PROMOTIONAL_DID,
            },
        )
        self.assertRecordValues(
            attempt,
            [
                {
                    "partner_id": self.alpha.id,
                    "user_id": self.rep.id,
                    "company_id": self.env.company.id,
                    "executive_number": REP_EXECUTIVE,
                    "customer_number": ALPHA_NUMBER,
                    "state": "requested",
                    "mcube_call_id": "FAKE-0001",
                    "error": False,
                }
            ],
        )
        self.assertTrue(attempt.refid.startswith("ccd-"))
        self.assertEqual(attempt.mcube_answer, '{"status": "success", "callid": "FAKE-0001"}')
        # The rep reads their own attempt; the other rep does not see it.
        self.assertEqual(attempt.with_user(self.rep).state, "requested")
        self.assertFalse(self.env["cold.call.mcube.attempt"].with_user(self.rep_two).search([]))

    def test_text_answer_gives_its_call_id(self):
        self.use_mode("ok_text")
        result = self.place_call()
        self.assertTrue(result["ok"])
        self.assertEqual(self.attempt(result).mcube_call_id, "FAKE-0001")

    def test_chosen_number_of_the_contact(self):
        self.place_call(number="+918041230001")  # Alpha's landline
        self.assertEqual(self.fake.last_request["custnumber"], "8041230001")
        with self.assertRaises(ValidationError):
            self.place_call(number="+919999999999")

    def test_webhook_url_sent_when_set(self):
        self.env.company.mcube_send_webhook_url = True
        self.place_call()
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url").rstrip("/")
        self.assertEqual(self.fake.last_request["refurl"], f"{base_url}/mcube/webhook?token={WEBHOOK_TOKEN}")

    def test_each_company_calls_through_its_own_account(self):
        """Two companies, two MCUBE accounts: a rep's calls go through their company's account,
        with its webhook token, and their attempts stay in it."""
        company_b = self.env["res.company"].create(
            {
                "name": "Dialer B",
                "country_id": self.india.id,
                "mcube_webhook_token": "webhook-token-of-b",
                "mcube_api_token": "api-token-of-b",
                "mcube_click_to_call_url": self.fake.url,
                "mcube_send_webhook_url": True,
                "cold_call_window_start": 0.0,
                "cold_call_window_end": 24.0,
            }
        )
        self.env["cold.call.caller.id"].create({"number": "1400000002", "company_id": company_b.id})
        rep_b = new_test_user(
            self.env,
            login="dialer_rep_b",
            groups="base.group_user,base.group_partner_manager,cold_call_dialer.group_cold_call_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        rep_b.mcube_executive_number = "+919812345678"
        contact_b = self.env["res.partner"].create({"name": "DT B", "mobile": "9845000099", "company_id": company_b.id})
        result = self.place_call(contact_b, user=rep_b)
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.fake.last_request["HTTP_AUTHORIZATION"], "api-token-of-b")
        self.assertTrue(self.fake.last_request["refurl"].endswith("?token=webhook-token-of-b"))
        self.assertEqual(self.attempt(result).company_id, company_b)
        self.assertFalse(
            self.env["cold.call.mcube.attempt"].with_user(self.manager).search([("id", "=", result["attempt_id"])])
        )
        self.place_call()
        self.assertEqual(self.fake.last_request["HTTP_AUTHORIZATION"], API_TOKEN)
        self.assertEqual(self.fake.last_request["refurl"], "1")

    def test_each_failure_is_one_sentence_and_a_failed_attempt(self):
        for mode, sentence in FAILURES.items():
            with self.subTest(mode=mode):
                self.use_mode(mode)
                self.fake.delay = 1.5
                timeouts = patch.object(self.registry["cold.call.mcube.attempt"], "_timeouts", lambda self: (1, 0.3))
                with timeouts, self.assertLogs(level="DEBUG") as logs:
                    result = self.place_call()
                attempt = self.attempt(result)
                self.assertEqual(
                    result, {"ok": False, "error": sentence, "tel": f"tel:{ALPHA_NUMBER}", "attempt_id": attempt.id}
                )
                self.assertEqual((attempt.state, attempt.error), ("failed", sentence))
                self.assertFalse(attempt.mcube_call_id)
                for text in (*logs.output, attempt.mcube_answer or "", attempt.error):
                    self.assertNotIn(API_TOKEN, text)

    def test_requests_are_counted_for_the_metrics_by_result(self):
        self.env["mcube.metric"].search([]).unlink()
        self.place_call()
        self.use_mode("refusal")
        self.place_call()
        self.place_call()
        exposition = self.env["mcube.metric"]._exposition()
        company = self.env.company.id
        self.assertIn(f'mcube_click_to_call_total{{company_id="{company}",result="requested"}} 1\n', exposition)
        self.assertIn(f'mcube_click_to_call_total{{company_id="{company}",result="refused"}} 2\n', exposition)
        health = self.env.company._mcube_health()
        self.assertEqual(health["click_to_call_errors"], 2, "the dashboard and Settings show them")

    def test_client_error_answer_kept_without_the_tokens(self):
        self.env.company.mcube_send_webhook_url = True
        self.use_mode("client_error")
        attempt = self.attempt(self.place_call())
        self.assertIn(WEBHOOK_TOKEN, self.fake.last_request["refurl"])
        self.assertIn("Bad request", attempt.mcube_answer)
        self.assertIn("***", attempt.mcube_answer)
        self.assertNotIn(API_TOKEN, attempt.mcube_answer)
        self.assertNotIn(WEBHOOK_TOKEN, attempt.mcube_answer)

    def test_failure_notified_on_the_bus(self):
        self.use_mode("refusal")
        attempt = self.attempt(self.place_call())
        self.assertEqual(
            self.bus_payloads(self.rep),
            [
                {
                    "attempt_id": attempt.id,
                    "refid": attempt.refid,
                    "partner_id": self.alpha.id,
                    "state": "failed",
                    "duration": 0,
                    "recording_url": False,
                    "audio": False,
                    "mcube_status": False,
                    "error": FAILURES["refusal"],
                    "suggested_outcome": False,
                }
            ],
        )

    def test_bad_address_in_settings(self):
        # Stored before the address was checked (Settings refuse it now).
        self.env.cr.execute("UPDATE res_company SET mcube_click_to_call_url = 'api.mcube.com/outbound'")
        self.env.company.invalidate_recordset(["mcube_click_to_call_url"])
        result = self.place_call()
        self.assertFalse(result["ok"])
        self.assertIn("is not valid", result["error"])

    def test_non_indian_number_refused_with_the_tel_link(self):
        uk = self.env["res.partner"].create(
            {"name": "DT London", "mobile": "+44 7700 900123", "country_id": self.env.ref("base.uk").id}
        )
        result = self.place_call(uk)
        self.assertEqual(
            result,
            {
                "ok": False,
                "error": "MCUBE calls Indian numbers only: +447700900123 is not one.",
                "tel": "tel:+447700900123",
                "attempt_id": False,
            },
        )
        self.assertFalse(self.fake.requests)
        self.assertFalse(self.env["cold.call.mcube.attempt"].search([("partner_id", "=", uk.id)]))

    def test_not_set_up_or_no_executive_number(self):
        self.assertTrue(self.dialer().get_filters()["click_to_call"])
        no_number = new_test_user(
            self.env,
            login="dialer_rep_no_number",
            groups="base.group_user,base.group_partner_manager,cold_call_dialer.group_cold_call_user",
        )
        self.assertFalse(self.dialer(no_number).get_filters()["click_to_call"])
        result = self.place_call(self.charlie, user=no_number)
        self.assertEqual(result["tel"], "tel:+919845000003")
        self.assertIn("You have no MCUBE executive number", result["error"])

        self.env.company.mcube_api_token = False
        self.assertFalse(self.dialer().get_filters()["click_to_call"])
        result = self.place_call()
        self.assertFalse(result["ok"])
        self.assertIn("Click-to-call is not set up", result["error"])
        self.assertFalse(self.fake.requests)

    def test_calls_that_must_not_be_made_raise(self):
        outsider = new_test_user(self.env, login="not_a_rep", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.place_call(user=outsider)
        self.dialer(self.rep_two).open_contact([self.bravo.id])
        with self.assertRaisesRegex(UserError, "another sales rep"):
            self.place_call(self.bravo)
        with self.assertRaisesRegex(UserError, "no phone number"):
            self.place_call(self.no_phone_one)
        self.bravo.x_cold_call_status = "do_not_call"
        with self.assertRaisesRegex(UserError, "must not be called"):
            self.place_call(self.bravo, user=self.rep_two)
        self.assertFalse(self.fake.requests)

    def test_token_setting_is_for_administrators_only(self):
        Settings = self.env["res.config.settings"]
        self.assertIn("cold_call_mcube_api_token", Settings.fields_get())
        self.assertNotIn("cold_call_mcube_api_token", Settings.with_user(self.manager).fields_get())
        Settings.create({"cold_call_mcube_api_token": "new-token", "cold_call_mcube_endpoint": self.fake.url}).execute()
        self.assertEqual(self.env.company.mcube_api_token, "new-token")
        with self.assertRaises(ValidationError):
            Settings.create({"cold_call_mcube_endpoint": "ftp://mcube.example.com"})
