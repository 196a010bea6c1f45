from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.cold_call_audio.tests.recording_server import RecordingServer
from odoo.addons.cold_call_audio.tests.speech import speak
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BridgeFixturesMixin

SAID = "the price is too high"


class RecordingFixtures(BridgeFixturesMixin):
    """A click-to-call whose recording MCUBE keeps on a storage of the company's own network."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bridge_fixtures()
        cls.storage = cls.enterClassContext(RecordingServer())
        cls.spoken = speak(SAID)
        cls.env.company.write(
            {
                "mcube_recording_storage": "store",
                "mcube_recording_transcribe": True,
                "mcube_recording_allow_http": True,
                "mcube_recording_trusted_networks": "127.0.0.1/32",
            }
        )
        Keyword = cls.env["cold.call.keyword"]
        Keyword.search([]).active = False
        cls.too_high = Keyword.create(
            {"name": "Too expensive", "phrases": "too high\ntoo expensive", "outcome_id": cls.outcome("callback").id}
        )

    def recorded_call(self, path="/rec/click.wav"):
        """A click-to-call answered for 42 s whose recording was downloaded and transcribed."""
        attempt = self.attempt(self.place_call())
        url = self.storage.add(path, self.spoken)
        payload = self.event_payload(attempt, "hangup", status="ANSWER", duration=42)
        record = self.ingest({**payload, "filename": url})
        with trap_jobs() as trap:
            record._fetch_audio()
            trap.perform_enqueued_jobs()
        self.env.invalidate_all()
        return attempt, record


@tagged("post_install", "-at_install")
class TestRecordingOnTheCallScreen(RecordingFixtures, TransactionCase):
    def test_the_recording_its_words_and_their_outcome_reach_the_reps_call_screen(self):
        attempt, record = self.recorded_call()
        self.assertEqual((record.audio_state, record.transcript_state), ("stored", "done"))
        self.assertEqual(record.keyword_ids, self.too_high)
        payloads = self.bus_payloads(self.rep)
        audio = payloads[-1]["audio"]
        self.assertEqual(audio["src"], f"/cold_call_dialer_mcube/recording/{record.id}")
        self.assertEqual(audio["keywords"], ["Too expensive"])
        self.assertIn("high", " ".join(segment["text"] for segment in audio["segments"]))
        # The status MCUBE sent suggests nothing; the words said suggest a callback.
        self.assertEqual(payloads[-1]["suggested_outcome"], "callback")
        stored = [payload for payload in payloads if payload["audio"]]
        self.assertFalse(stored[0]["audio"]["segments"], "the player comes before the transcript")
        self.assertFalse(self.bus_payloads(self.rep_two))

    def test_the_dialer_history_plays_the_recording_of_a_logged_call(self):
        attempt, record = self.recorded_call("/rec/history.wav")
        self.dialer().log_call(self.alpha.id, status="callback", duration=42, mcube_attempt_id=attempt.id)
        card = self.dialer()._card(self.alpha, self.dialer()._outcomes(), self.dialer()._rules(False))
        (audio,) = card["last_calls"][0]["audio"]
        self.assertEqual(audio["src"], f"/cold_call_dialer_mcube/recording/{record.id}")


@tagged("post_install", "-at_install")
class TestRecordingRoute(RecordingFixtures, HttpCase):
    def test_the_rep_who_made_the_call_hears_it_and_nobody_else_does(self):
        _attempt, record = self.recorded_call("/rec/route.wav")
        path = f"/cold_call_dialer_mcube/recording/{record.id}"
        self.authenticate("dialer_rep", "dialer_rep")
        response = self.url_open(path)
        self.assertEqual((response.status_code, response.content), (200, self.spoken))
        self.assertNotIn("attachment", response.headers.get("Content-Disposition", ""))
        download = self.url_open(path + "?download=1")
        self.assertIn("attachment", download.headers["Content-Disposition"])
        self.assertIn(f"{record.call_id}.wav", download.headers["Content-Disposition"])

        self.authenticate("dialer_rep_two", "dialer_rep_two")
        for url in (path, f"/web/content/mcube.call.record/{record.id}/audio_file"):
            with self.subTest(url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotEqual(response.content, self.spoken)
        self.assertEqual(self.url_open("/cold_call_dialer_mcube/recording/999999999").status_code, 404)
