from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import McubeCase, sample

# 2026-11-30 is a Monday; the office works 09:00-18:00 in Kolkata (UTC+5:30), Monday to Friday.
MONDAY_10_IST = "2026-11-30 04:30:00"
MONDAY_1130_IST = "2026-11-30 06:00:00"
MONDAY_1020_IST = "2026-11-30 04:50:00"
FRIDAY_1730_IST = "2026-12-04 12:00:00"
SATURDAY_1330_IST = "2026-12-05 08:00:00"
NEXT_MONDAY_10_IST = "2026-12-07 04:30:00"


@tagged("post_install", "-at_install")
class TestAlerts(McubeCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mcube.metric"].search([]).unlink()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Kolkata office",
                "tz": "Asia/Kolkata",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (0, 0, {"name": str(day), "dayofweek": str(day), "hour_from": 9, "hour_to": 18}) for day in range(5)
                ],
            }
        )
        cls.admin_a = new_test_user(cls.env, login="mcube_admin_a", groups="base.group_system")
        cls.env.company.write(
            {
                "resource_calendar_id": cls.calendar.id,
                "mcube_alert_user_id": cls.admin_a.id,
                "mcube_alert_silence_minutes": 60,
                "mcube_alert_failures": 3,
            }
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Branch B", "mcube_webhook_token": "branch-b-token-77", "resource_calendar_id": cls.calendar.id}
        )
        cls.admin_b = new_test_user(
            cls.env,
            login="mcube_admin_b",
            groups="base.group_system",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.company_b.mcube_alert_user_id = cls.admin_b
        cls.alert_type = cls.env.ref("mcube_integration.mail_activity_type_mcube_alert")

    def alerts(self, company):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", company.partner_id.id),
                ("activity_type_id", "=", self.alert_type.id),
            ]
        )

    def event_arrives(self, company, when):
        with freeze_time(when):
            self.env["mcube.metric"]._count_webhook(202, company.id, "accepted")

    def run_cron(self, when):
        with freeze_time(when):
            self.env["res.company"]._cron_mcube_alerts()

    def test_silence_in_working_hours_alerts_the_administrator_once_and_clears(self):
        company = self.env.company
        self.event_arrives(company, MONDAY_10_IST)
        self.run_cron(MONDAY_1020_IST)
        self.assertFalse(self.alerts(company), "20 minutes of silence is not an outage")
        self.run_cron(MONDAY_1130_IST)
        self.run_cron(MONDAY_1130_IST)
        alert = self.alerts(company)
        self.assertEqual(len(alert), 1, "one alert, however often the cron runs")
        self.assertEqual(alert.user_id, self.admin_a)
        self.assertIn("No call event from MCUBE for 90 minutes of working hours", alert.summary)
        self.assertFalse(self.alerts(self.company_b), "another company's alert is its own")
        self.event_arrives(company, MONDAY_1130_IST)
        self.run_cron(MONDAY_1130_IST)
        self.assertFalse(self.alerts(company), "events flow again: the alert is gone")

    def test_nights_and_weekends_do_not_count_as_silence(self):
        company = self.env.company
        self.event_arrives(company, FRIDAY_1730_IST)
        self.run_cron(SATURDAY_1330_IST)
        self.assertFalse(self.alerts(company), "30 minutes of Friday and a Saturday")
        self.run_cron(NEXT_MONDAY_10_IST)
        self.assertIn("90 minutes", self.alerts(company).summary, "Friday's 30 minutes and Monday's first hour")

    def test_each_company_alerts_its_own_administrator(self):
        self.event_arrives(self.env.company, MONDAY_1130_IST)
        self.event_arrives(self.company_b, MONDAY_10_IST)
        self.run_cron(MONDAY_1130_IST)
        self.assertFalse(self.alerts(self.env.company))
        self.assertEqual(self.alerts(self.company_b).user_id, self.admin_b)

    def test_a_company_that_never_received_an_event_or_turned_alerts_off_is_left_alone(self):
        self.run_cron(NEXT_MONDAY_10_IST)
        self.assertFalse(self.alerts(self.company_b), "still setting up")
        self.event_arrives(self.company_b, MONDAY_10_IST)
        self.company_b.mcube_alert_silence_minutes = 0
        self.run_cron(NEXT_MONDAY_10_IST)
        self.assertFalse(self.alerts(self.company_b))

    def test_failures_over_the_threshold_alert_until_retried(self):
        company = self.env.company
        self.event_arrives(company, MONDAY_10_IST)
        with freeze_time(MONDAY_1020_IST):
            events = self.Event.browse(
                [self.store(sample("inbound_call_start", callid=f"failing-{n}"))[0].id for n in range(3)]
            )
            events[:2].write({"state": "failed", "last_error": "broken"})
        self.run_cron(MONDAY_1020_IST)
        self.assertFalse(self.alerts(company), "2 failures, the threshold is 3")
        with freeze_time(MONDAY_1020_IST):
            events[2].write({"state": "failed", "last_error": "broken"})
        self.run_cron(MONDAY_1020_IST)
        self.assertIn("Call events failed in the last 24 hours: 3", self.alerts(company).summary)
        with freeze_time(MONDAY_1020_IST):
            events.write({"state": "done"})
        self.run_cron(MONDAY_1020_IST)
        self.assertFalse(self.alerts(company))

    def test_the_administrator_must_work_for_the_company(self):
        with self.assertRaises(ValidationError):
            self.company_b.mcube_alert_user_id = self.admin_a
        with self.assertRaises(ValidationError):
            self.env.company.mcube_alert_failures = -1

    def test_settings_show_the_status_and_refuse_a_weak_metrics_token(self):
        self.event_arrives(self.env.company, MONDAY_10_IST)
        with freeze_time(MONDAY_1130_IST):
            self.store(sample("inbound_call_start", callid="waiting-1"))
            settings = Form(self.env["res.config.settings"])
            self.assertEqual(settings.mcube_backlog, 1)
            self.assertEqual(str(settings.mcube_last_event_at), MONDAY_10_IST)
            self.assertIn("No call event from MCUBE", settings.mcube_alerts)
        settings = self.env["res.config.settings"].create({})
        settings.action_mcube_generate_metrics_token()
        self.assertGreaterEqual(len(self.env["ir.config_parameter"].get_param("mcube_integration.metrics_token")), 24)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"mcube_metrics_token": "short"})
