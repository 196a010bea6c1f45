from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DialerCase


@tagged("post_install", "-at_install")
class TestNextSteps(DialerCase):
    """What a call leads to in CRM, the calendar and the contact's mailbox, saved with the call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "Dialer test team", "member_ids": [(4, cls.rep.id)]})
        cls.thanks = cls.env.ref("cold_call_dialer.mail_template_thanks")
        (cls.alpha | cls.bravo).email = "buyer@example.com"

    def opportunities(self, partner):
        return self.env["crm.lead"].search([("partner_id", "child_of", partner.commercial_partner_id.id)])

    def test_interested_opens_an_opportunity_for_the_rep_and_their_team(self):
        result = self.dialer().log_call(
            self.alpha.id, status="interested", note="Wants a quote", list_key="never_called"
        )
        opportunity = self.opportunities(self.alpha)
        self.assertEqual(len(opportunity), 1)
        self.assertRecordValues(
            opportunity,
            [{"type": "opportunity", "partner_id": self.alpha.id, "user_id": self.rep.id, "team_id": self.team.id}],
        )
        self.assertEqual(result["opportunity"]["id"], opportunity.id)
        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertEqual(log.opportunity_id, opportunity)
        self.assertIn("Wants a quote", opportunity.message_ids[0].body)

    def test_an_open_opportunity_of_the_contact_or_its_company_gets_the_call_instead(self):
        colleague = self.env["res.partner"].create(
            {"name": "DT Colleague", "phone": "080 4123 0009", "parent_id": self.company.id}
        )
        self.dialer().log_call(self.alpha.id, status="interested", note="First", list_key="never_called")
        first = self.opportunities(self.alpha)
        result = self.dialer(self.rep_two).log_call(
            colleague.id, status="interested", note="Second", list_key="never_called"
        )
        self.assertEqual(self.opportunities(self.alpha), first, "no second opportunity for the same company")
        self.assertEqual(result["opportunity"]["id"], first.id)
        self.assertIn("Second", first.message_ids[0].body)
        # Once won, the next interested call opens a new deal.
        first.action_set_won()
        self.dialer().log_call(self.alpha.id, status="interested", list_key="never_called")
        self.assertEqual(len(self.opportunities(self.alpha)), 2)

    def test_outcomes_without_the_flag_open_no_opportunity(self):
        result = self.dialer().log_call(self.alpha.id, status="callback", list_key="never_called")
        self.assertFalse(self.opportunities(self.alpha))
        self.assertIs(result["opportunity"], False)  # plain JSON for the screen

    def test_a_booked_meeting_needs_its_date_and_lands_in_the_calendar(self):
        with self.assertRaisesRegex(ValidationError, "books a meeting"):
            self.dialer().log_call(self.bravo.id, status="meeting", list_key="never_called")
        for bad in ({"start": "yesterday"}, self.meeting(hours=-2), self.meeting(minutes=7), "tomorrow"):
            with self.subTest(meeting=bad), self.assertRaises(ValidationError):
                self.dialer().log_call(self.bravo.id, status="meeting", meeting=bad, list_key="never_called")
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.bravo.id)]))
        self.assertFalse(self.bravo.x_cold_call_status)

        meeting = self.meeting(minutes=45)
        result = self.dialer().log_call(self.bravo.id, status="meeting", meeting=meeting, list_key="never_called")
        event = self.env["calendar.event"].browse(result["meeting_id"])
        self.assertEqual(event.start, fields.Datetime.to_datetime(meeting["start"]))
        self.assertEqual(event.stop - event.start, timedelta(minutes=45))
        self.assertEqual(event.partner_ids, self.rep.partner_id | self.bravo)
        self.assertEqual(event.user_id, self.rep)
        # Meeting Booked also opens the opportunity, and the meeting is linked to it.
        self.assertEqual(event.opportunity_id, self.opportunities(self.bravo))
        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertEqual((log.calendar_event_id, log.opportunity_id), (event, event.opportunity_id))

    def test_an_email_is_previewed_then_sent_through_the_chatter(self):
        data = self.dialer().get_filters()
        self.assertIn(self.thanks.id, [t["id"] for t in data["mail_templates"]])
        preview = self.dialer().preview_mail(self.alpha.id, self.thanks.id)
        self.assertIn("DT Alpha", preview["subject"])
        self.assertIn("DT Alpha", preview["body"])
        self.assertEqual(preview["email_to"], "buyer@example.com")

        result = self.dialer().log_call(
            self.alpha.id, status="callback", mail_template_id=self.thanks.id, list_key="never_called"
        )
        sent = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.alpha.id),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ]
        )
        self.assertEqual(len(sent), 1)
        self.assertIn("Thank you for taking the time", sent.body)
        self.assertIn(self.alpha, sent.partner_ids)
        self.assertEqual(self.env["cold.call.log"].browse(result["log_id"]).mail_template_id, self.thanks)

    def test_only_emails_offered_in_the_dialer_can_be_sent(self):
        other = self.env["mail.template"].create(
            {"name": "Not for the Dialer", "model_id": self.env.ref("base.model_res_partner").id}
        )
        for template_id in (other.id, 999999999, "1"):
            with self.subTest(template_id=template_id), self.assertRaises(ValidationError):
                self.dialer().log_call(
                    self.alpha.id, status="callback", mail_template_id=template_id, list_key="never_called"
                )
        with self.assertRaises(ValidationError):
            self.dialer().preview_mail(self.alpha.id, other.id)
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.alpha.id)]))

    def test_the_meanings_live_on_the_outcome_options(self):
        options = {option["value"]: option for option in self.dialer().get_filters()["status_options"]}
        self.assertTrue(options["interested"]["creates_opportunity"])
        self.assertTrue(options["meeting"]["books_meeting"])
        self.assertEqual(
            (
                options["no_answer"]["retry_hours"],
                options["no_answer"]["max_attempts"],
                options["no_answer"]["attempt_window_days"],
            ),
            (4, 3, 7),
        )
        self.assertTrue(options["wrong_number"]["do_not_call"])
        self.outcome("callback").creates_opportunity = True
        self.dialer().log_call(self.alpha.id, status="callback", list_key="never_called")
        self.assertTrue(self.opportunities(self.alpha))

    def test_an_email_needs_an_address(self):
        with self.assertRaisesRegex(ValidationError, "no e-mail address"):
            self.dialer().log_call(
                self.charlie.id, status="callback", mail_template_id=self.thanks.id, list_key="never_called"
            )
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.charlie.id)]))
