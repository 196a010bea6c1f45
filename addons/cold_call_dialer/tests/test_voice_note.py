import base64

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.cold_call_audio.tests.speech import silence, speak
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import DialerCase, DialerFixturesMixin

SAID = "the price is too high"


@tagged("post_install", "-at_install")
class TestVoiceNote(DialerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spoken = speak(SAID, rate=16000)

    def note_of(self, log):
        log.invalidate_recordset()
        return log.sudo().note_message_id

    def save(self, voice_note, note="Typed by the rep.", partner=None):
        return self.dialer().log_call(
            (partner or self.alpha).id,
            status="callback",
            duration=60,
            note=note,
            list_key=self.shared_filter.id,
            voice_note=voice_note,
        )

    def test_a_voice_note_is_kept_transcribed_and_joins_the_chatter_note(self):
        with trap_jobs() as trap:
            result = self.save({"data": base64.b64encode(self.spoken).decode()})
            log = self.env["cold.call.log"].browse(result["log_id"])
            # Saved before the transcript is ready: the typed note is in the chatter, the audio on the log.
            self.assertEqual(log.audio_state, "stored")
            self.assertEqual(log.transcript_state, "waiting")
            body = self.note_of(log).body
            self.assertIn("Typed by the rep.", body)
            self.assertNotIn("Voice note", body)
            trap.assert_jobs_count(1, only=log._transcribe)
            trap.perform_enqueued_jobs()
        self.assertEqual(log.transcript_state, "done")
        for word in ("price", "high"):
            self.assertIn(word, log.transcript)
        body = self.note_of(log).body
        self.assertIn("Typed by the rep.", body)
        self.assertIn("Voice note:", body)
        self.assertIn("price", body)
        card = self.dialer()._card(self.alpha, self.dialer()._outcomes(), self.dialer()._rules(False))
        self.assertEqual(
            card["last_calls"][0]["audio"],
            [{"label": "Voice note", "src": f"/web/content/cold.call.log/{log.id}/audio_file"}],
        )

    def test_an_unusable_transcript_says_why_in_the_chatter(self):
        with trap_jobs() as trap:
            result = self.save({"data": base64.b64encode(silence(2, 16000)).decode()})
            trap.perform_enqueued_jobs()
        log = self.env["cold.call.log"].browse(result["log_id"])
        self.assertEqual(log.transcript_state, "failed")
        self.assertIn("not transcribed", self.note_of(log).body)
        self.assertIn("Typed by the rep.", self.note_of(log).body)

    def test_a_bad_voice_note_is_refused_and_nothing_is_saved(self):
        html = base64.b64encode(b"<html><script>alert(1)</script></html>").decode()
        corrupt = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\xff" * 40).decode()
        long_note = base64.b64encode(silence(6 * 60, 8000)).decode()
        cases = {
            "not base64": {"data": "%%%not-base64%%%"},
            "not audio": {"data": html},
            "corrupt": {"data": corrupt},
            "empty": {"data": ""},
            "a number": {"data": 42},
            "not a dict": "UklGRg==",
            "too long": {"data": long_note},
        }
        logs = self.env["cold.call.log"].search_count([])
        for name, voice_note in cases.items():
            with self.subTest(name):
                with self.assertRaises(ValidationError):
                    self.save(voice_note)
                self.assertEqual(self.env["cold.call.log"].search_count([]), logs)
        self.assertFalse(self.alpha.x_cold_call_status)

    def test_reps_cannot_write_or_hear_another_reps_voice_note(self):
        with trap_jobs():
            result = self.save({"data": base64.b64encode(self.spoken).decode()})
        log = self.env["cold.call.log"].browse(result["log_id"])
        other = log.with_user(self.rep_two)
        with self.assertRaises(AccessError):
            other.write({"audio_file": base64.b64encode(b"RIFF")})
        with self.assertRaises(AccessError):
            other.action_audio_retry()


@tagged("post_install", "-at_install")
class TestVoiceNoteNotesOnly(DialerFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dialer_fixtures(with_status_field=False)

    def test_a_voice_note_alone_is_the_note(self):
        spoken = base64.b64encode(speak(SAID, rate=16000)).decode()
        with trap_jobs():
            result = (
                self.env["cold.call.dialer"]
                .with_user(self.rep)
                .log_call(self.alpha.id, note="", list_key=self.shared_filter.id, voice_note={"data": spoken})
            )
        self.assertEqual(self.env["cold.call.log"].browse(result["log_id"]).audio_state, "stored")
