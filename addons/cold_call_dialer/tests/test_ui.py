import tempfile
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from odoo.addons.cold_call_audio.tests.speech import join, silence, speak

from .common import DialerFixturesMixin


class DialerTourCase(DialerFixturesMixin, HttpCase):
    """A rep with a shared saved search of two prospects (and one without a phone)."""

    @classmethod
    def setup_tour_fixtures(cls, with_status_field=True):
        cls.setup_dialer_fixtures(with_status_field=with_status_field)
        cls.rep.password = cls.rep.login  # start_tour logs in with the login as password
        cls.tour_tag = cls.env["res.partner.category"].create({"name": "Tour prospects"})
        cls.tour_alpha, cls.tour_bravo, cls.tour_no_phone = cls.env["res.partner"].create(
            [
                {"name": "Tour Alpha", "mobile": "+91 98450 77001", "country_id": cls.india.id},
                {"name": "Tour Bravo", "phone": "080 4123 7702", "country_id": cls.india.id},
                {"name": "Tour Charlie", "email": "charlie@example.com"},
            ]
        )
        (cls.tour_alpha | cls.tour_bravo | cls.tour_no_phone).category_id = cls.tour_tag
        cls.tour_filter = cls.make_filter("Tour prospects", [("category_id", "in", [cls.tour_tag.id])])

    @classmethod
    def make_tour_delta(cls, **values):
        """A third prospect of the tour's list, with a mobile, after Tour Bravo in the list's order."""
        return cls.env["res.partner"].create(
            {
                "name": "Tour Delta",
                "mobile": "+91 98450 77004",
                "country_id": cls.india.id,
                "category_id": cls.tour_tag.ids,
                **values,
            }
        )

    def start_rep_tour(self, tour):
        self.start_tour("/web", tour, login=self.rep.login)

    def chatter_notes(self, partner):
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("message_type", "=", "comment")]
        )


@tagged("post_install", "-at_install")
class TestDialerUi(DialerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()

    def test_open_dialer_from_the_menu(self):
        self.start_tour("/web", "cold_call_dialer_open", login="admin")

    def test_rep_calls_a_list(self):
        self.start_rep_tour("cold_call_dialer_calling")

        self.assertEqual(self.tour_alpha.x_cold_call_status, "callback")
        note = self.chatter_notes(self.tour_alpha)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.rep.partner_id)
        self.assertIn("Callback Requested", note.body)
        # What the rep typed is text, not markup; the line break is kept.
        self.assertIn("Spoke to &lt;b&gt;Asha&lt;/b&gt;<br>Call back on Monday", note.body)
        self.assertNotIn("<b>Asha</b>", note.body)

        activity = self.tour_alpha.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.rep)

        log = self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertRecordValues(
            log,
            [
                {
                    "user_id": self.rep.id,
                    "filter_id": self.tour_filter.id,
                    "outcome_id": self.outcome("callback").id,
                    "connected": True,
                    "follow_up_scheduled": True,
                }
            ],
        )
        # The rep moved on: Tour Bravo is now held for them; only its status was changed, from outside the Dialer.
        hold = self.env["cold.call.hold"].search([("partner_id", "=", self.tour_bravo.id)])
        self.assertEqual(hold.user_id, self.rep)
        self.assertEqual(self.tour_bravo.x_cold_call_status, "meeting")
        self.assertFalse(self.chatter_notes(self.tour_bravo))
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.tour_bravo.id)]))


@tagged("post_install", "-at_install")
class TestDialerAutoDialUi(DialerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()
        cls.tour_delta = cls.make_tour_delta()

    def test_auto_dial_calls_the_next_contact_unless_cancelled(self):
        self.start_rep_tour("cold_call_dialer_auto_dial")

        logs = self.env["cold.call.log"].search([("partner_id", "in", (self.tour_alpha | self.tour_bravo).ids)])
        self.assertEqual(logs.partner_id, self.tour_alpha | self.tour_bravo)
        # The countdown was cancelled on Tour Delta: nothing logged, the rep still holds it.
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.tour_delta.id)]))
        self.assertEqual(self.env["cold.call.hold"].search([("partner_id", "=", self.tour_delta.id)]).user_id, self.rep)


@tagged("post_install", "-at_install")
class TestDialerComplianceUi(DialerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()
        cls.tour_delta = cls.make_tour_delta()
        cls.env["phone.blacklist"].sudo().add("+918041237702")  # Tour Bravo's phone

    def test_a_refused_contact_is_shown_with_why_and_auto_dial_passes_over_it(self):
        self.start_rep_tour("cold_call_dialer_compliance")

        self.assertTrue(self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)]))
        self.assertFalse(self.env["cold.call.log"].search([("partner_id", "=", self.tour_bravo.id)]))
        # The rep ended on Tour Bravo, opened on purpose to read why; nothing was dialled.
        self.assertEqual(self.env["cold.call.hold"].search([("partner_id", "=", self.tour_bravo.id)]).user_id, self.rep)
        self.assertFalse(self.env["cold.call.compliance.check"].sudo().search([("user_id", "=", self.rep.id)]))


@tagged("post_install", "-at_install")
class TestDialerNextStepsUi(DialerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()
        mills = cls.env["res.partner"].create({"name": "Tour Mills", "is_company": True})
        cls.tour_alpha.write({"parent_id": mills.id, "email": "alpha@example.com"})
        cls.tour_delta = cls.make_tour_delta(parent_id=mills.id)

    def test_calls_lead_to_opportunities_meetings_and_emails(self):
        self.start_rep_tour("cold_call_dialer_next_steps")

        Log = self.env["cold.call.log"]
        alpha_log, bravo_log, delta_log = (
            Log.search([("partner_id", "=", partner.id)])
            for partner in (self.tour_alpha, self.tour_bravo, self.tour_delta)
        )
        # Interested opened an opportunity for the rep; the same company's second interested call joined it.
        opportunity = alpha_log.opportunity_id
        self.assertRecordValues(opportunity, [{"type": "opportunity", "user_id": self.rep.id}])
        self.assertEqual(delta_log.opportunity_id, opportunity)
        self.assertEqual(
            self.env["crm.lead"].search_count([("partner_id", "child_of", self.tour_alpha.commercial_partner_id.id)]), 1
        )
        # The meeting is in the calendar, with the rep and the contact, linked to Bravo's opportunity.
        meeting = bravo_log.calendar_event_id
        self.assertEqual(meeting.partner_ids, self.rep.partner_id | self.tour_bravo)
        self.assertEqual(meeting.opportunity_id, bravo_log.opportunity_id)
        self.assertTrue(meeting.opportunity_id)
        self.assertEqual(meeting.start.date(), (fields.Datetime.now() + timedelta(days=3)).date())
        # The thank-you e-mail went through Alpha's chatter.
        self.assertEqual(alpha_log.mail_template_id, self.env.ref("cold_call_dialer.mail_template_thanks"))
        sent = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.tour_alpha.id),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ]
        )
        self.assertIn(self.tour_alpha, sent.partner_ids)


@tagged("post_install", "-at_install")
class TestDialerNotesOnlyUi(DialerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures(with_status_field=False)

    def test_rep_logs_notes_without_the_status_field(self):
        self.start_rep_tour("cold_call_dialer_notes_only")

        self.assertNotIn("x_cold_call_status", self.env["res.partner"]._fields)
        note = self.chatter_notes(self.tour_alpha)
        self.assertEqual(len(note), 1)
        self.assertIn("Receptionist says the buyer is back next week", note.body)
        log = self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertRecordValues(log, [{"user_id": self.rep.id, "outcome_id": False}])


@tagged("post_install", "-at_install")
class TestDashboardUi(DialerTourCase):
    """A Dialer manager reads the dashboard: today, a past week, one team, one rep's calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()
        cls.manager.password = cls.manager.login
        cls.manager.tz = "Asia/Kolkata"
        cls.env["crm.team"].create({"name": "Dashboard team", "member_ids": [(6, 0, cls.rep.ids)]})
        now = fields.Datetime.now()
        calls = [
            (cls.rep, now, True, cls.alpha),
            (cls.rep, now, False, cls.bravo),
            (cls.rep_two, now, False, cls.charlie),
            # Monday 2 March 2026, in Kolkata
            (cls.rep, "2026-03-02 04:00:00", True, cls.alpha),
            (cls.rep, "2026-03-02 05:00:00", False, cls.bravo),
            (cls.rep_two, "2026-03-03 06:00:00", True, cls.charlie),
            (cls.rep_two, "2026-03-04 06:00:00", False, cls.delta),
            (cls.rep_two, "2026-03-05 06:00:00", False, cls.echo),
        ]
        cls.env["cold.call.log"].create(
            [
                {
                    "call_date": when,
                    "user_id": user.id,
                    "partner_id": partner.id,
                    "filter_id": cls.tour_filter.id,
                    "list_name": cls.tour_filter.name,
                    "connected": connected,
                    "duration": 60 if connected else 0,
                }
                for user, when, connected, partner in calls
            ]
        )

    def test_manager_reads_the_dashboard(self):
        self.start_tour("/web", "cold_call_dialer_dashboard", login=self.manager.login)


@tagged("post_install", "-at_install")
class TestDialerPhoneUi(DialerTourCase):
    """The Dialer on a phone (390 x 844, touch)."""

    browser_size = "390,844"  # Chromium reads "width,height"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()

    def test_save_and_next_stays_within_the_thumbs_reach(self):
        dialer = "/web#action=cold_call_dialer.cold_call_dialer_action"
        self.start_tour(dialer, "cold_call_dialer_phone", login=self.rep.login)
        self.assertEqual(self.tour_alpha.x_cold_call_status, "do_not_call")


@tagged("post_install", "-at_install")
class TestHotLeadsUi(DialerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()
        cls.rep.groups_id |= cls.env.ref("sales_team.group_sale_salesman")
        # Interested 40 days ago: its wait is over, its opportunity still open.
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            cls.env["cold.call.dialer"].with_user(cls.rep).log_call(
                cls.tour_alpha.id, status="interested", list_key="never_called"
            )
        cls.env["cold.call.hold"].search([]).unlink()

    def test_hot_leads_list_the_interested_contacts(self):
        self.start_rep_tour("cold_call_dialer_hot_leads")


def fake_microphone(wav_path=None):
    """Chromium with a fake microphone: it plays ``wav_path`` in a loop and the permission prompt is
    accepted; without a file, every permission prompt is denied (a rep who blocked the microphone)."""
    spawn = ChromeBrowser._spawn_chrome
    if wav_path:
        flags = [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav_path}",
        ]
    else:
        flags = ["--use-fake-device-for-media-stream", "--deny-permission-prompts"]
    return patch.object(ChromeBrowser, "_spawn_chrome", lambda browser, cmd: spawn(browser, [cmd[0], *flags, *cmd[1:]]))


@tagged("post_install", "-at_install")
class TestDialerVoiceNoteUi(DialerTourCase):
    """A rep records a voice note after a call with the browser's microphone (Chromium's fake one,
    playing speech espeak-ng made): it is kept on the call log, transcribed, and joins the note."""

    SAID = "the price is too high"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_tour_fixtures()

    def test_a_voice_note_recorded_in_the_browser_is_kept_and_transcribed(self):
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            # Chromium loops the file: silence after the sentence keeps the loop's words apart.
            wav.write(join(speak(self.SAID, rate=16000), silence(3, 16000), gap=0))
            wav.flush()
            with fake_microphone(wav.name):
                self.start_rep_tour("cold_call_dialer_voice_note")
        log = self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertEqual(log.audio_state, "stored")
        self.assertGreaterEqual(log.audio_duration, 4)
        self.assertEqual(log.transcript_state, "waiting")
        log._transcribe()  # the job queued by the save
        self.assertEqual(log.transcript_state, "done", log.transcript_error)
        self.assertIn("high", log.transcript)
        note = log.sudo().note_message_id.body
        self.assertIn("Typed while the voice note waits", note)
        self.assertIn("high", note)

    def test_a_blocked_microphone_says_so_and_the_call_is_saved_without_it(self):
        with fake_microphone():
            self.start_rep_tour("cold_call_dialer_voice_note_denied")
        log = self.env["cold.call.log"].search([("partner_id", "=", self.tour_alpha.id)])
        self.assertFalse(log.audio_state)
        self.assertIn("No voice note today", log.sudo().note_message_id.body)
