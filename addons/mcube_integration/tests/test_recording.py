import base64
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.cold_call_audio.tests.recording_server import RecordingServer
from odoo.addons.cold_call_audio.tests.speech import join, silence, speak
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import McubeCase, sample

HANGUP = "inbound_answered_hangup"
# Sentences whose key words the shipped engine hears in espeak-ng's voice at 8 kHz (docs/BENCHMARKS.md
# gives its word error rate on a wider corpus).
FIRST, SECOND = "we can book a demo on friday", "we already have a supplier"


class RecordingCase(McubeCase):
    """A company that keeps recordings in Odoo, and a fake recording storage on localhost (a
    trusted private network for it) serving a call spoken by espeak-ng at 8 kHz."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storage = cls.enterClassContext(RecordingServer())
        cls.call_wav = join(speak(FIRST), speak(SECOND), gap=1.0)
        cls.env.company.write(
            {
                "mcube_recording_storage": "store",
                "mcube_recording_transcribe": True,
                "mcube_recording_allow_http": True,
                "mcube_recording_trusted_networks": "127.0.0.1/32",
                "mcube_recording_retention_days": 0,
            }
        )
        Keyword = cls.env["cold.call.keyword"]
        Keyword.search([]).active = False
        cls.demo = Keyword.create({"name": "Demo", "phrases": "demo\non friday", "sequence": 1})
        cls.supplier = Keyword.create({"name": "Has a supplier", "phrases": "already have", "sequence": 2})
        cls.later = Keyword.create({"name": "Call later", "phrases": "call me later", "sequence": 3})

    def call_with(self, url, call_id):
        """Ingest a hangup whose recording is at ``url`` and run every job it leads to (the
        download, then the transcript); returns the call record."""
        with trap_jobs() as trap:
            self.store(sample(HANGUP, callid=call_id, filename=url))
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        record = self.record_of(call_id)
        record.invalidate_recordset()
        return record

    def attachment_of(self, record):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", record._name), ("res_id", "=", record.id), ("res_field", "=", "audio_file")])
        )


@tagged("post_install", "-at_install")
class TestRecording(RecordingCase, TransactionCase):
    def test_a_recording_is_stored_transcribed_tagged_and_found_by_its_words(self):
        url = self.storage.add("/rec/call-1.wav", self.call_wav)
        record = self.call_with(url, "REC-1")
        self.assertEqual((record.audio_state, record.audio_error), ("stored", False))
        self.assertEqual(self.storage.hits["/rec/call-1.wav"], 1)
        attachment = self.attachment_of(record)
        self.assertEqual(attachment.raw, self.call_wav)
        self.assertEqual(attachment.mimetype, "audio/wav")
        self.assertAlmostEqual(record.audio_duration, len(self.call_wav) / 16000, delta=1)

        self.assertEqual(record.transcript_state, "done")
        for word in ("friday", "already"):
            self.assertIn(word, record.transcript)
        segments = record.transcript_segments
        self.assertGreaterEqual(len(segments), 2, segments)
        self.assertTrue(all(s["start"] < s["end"] for s in segments))
        self.assertIn("friday", segments[0]["text"])
        self.assertIn("already", segments[-1]["text"])
        self.assertGreater(segments[-1]["start"], segments[0]["end"])
        self.assertEqual(record.keyword_ids, self.demo | self.supplier)

        self.assertEqual(self.CallRecord.search([("transcript", "ilike", "friday")]), record)
        self.assertFalse(self.CallRecord.search([("transcript", "ilike", "warranty")]))
        self.assertEqual(self.CallRecord.search([("keyword_ids", "=", self.supplier.id)]), record)

    def test_a_link_only_company_downloads_nothing(self):
        self.env.company.mcube_recording_storage = "link"
        url = self.storage.add("/rec/link-only.wav", self.call_wav)
        record = self.call_with(url, "REC-LINK")
        self.assertEqual(record.recording_url, url)
        self.assertFalse(record.audio_state)
        self.assertEqual(self.storage.hits["/rec/link-only.wav"], 0)

    def test_no_transcript_when_the_company_does_not_want_one(self):
        self.env.company.mcube_recording_transcribe = False
        record = self.call_with(self.storage.add("/rec/quiet.wav", self.call_wav), "REC-NOTX")
        self.assertEqual(record.audio_state, "stored")
        self.assertFalse(record.transcript_state)

    def test_each_bad_download_leaves_a_state_and_a_sentence_and_no_audio(self):
        html = b"<!DOCTYPE html><html><body>Sign in</body></html>"
        header_only = self.call_wav[:44] + b"\x00garbage"
        corrupt = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\xff" * 40
        cases = [
            ("gone", self.storage.add("/rec/gone.wav", b"no", "text/plain", status=404), "expired", "404"),
            ("html", self.storage.add("/rec/page.wav", html, "text/html"), "failed", "audio"),
            ("html as audio", self.storage.add("/rec/lying.wav", html, "audio/wav"), "failed", "audio"),
            ("empty", self.storage.add("/rec/empty.wav", b""), "failed", "empty"),
            ("corrupt", self.storage.add("/rec/corrupt.wav", corrupt), "failed", ""),
            ("to private", self.storage.redirect("/rec/moved.wav", "http://10.1.2.3/rec.wav"), "failed", "10.1.2.3"),
            ("metadata", "http://169.254.169.254/latest/meta-data/", "failed", "169.254.169.254"),
        ]
        for number, (name, url, state, said) in enumerate(cases):
            with self.subTest(name):
                record = self.call_with(url, f"REC-BAD-{number}")
                self.assertEqual(record.audio_state, state)
                self.assertTrue(record.audio_error)
                self.assertIn(said.lower(), record.audio_error.lower())
                self.assertFalse(self.attachment_of(record))
                self.assertFalse(record.transcript_state)
        with self.subTest("not a web address"):
            # The webhook keeps http(s) links only: nothing to download.
            record = self.call_with("file:///etc/passwd", "REC-FILE")
            self.assertEqual((record.recording_url, record.audio_state), (False, False))
        with self.subTest("truncated after the header"):
            record = self.call_with(self.storage.add("/rec/short.wav", header_only), "REC-SHORT")
            self.assertIn(record.audio_state, ("stored", "failed"))
            self.assertNotEqual(record.transcript_state, "waiting")

    def test_https_only_and_public_addresses_only_unless_allowed(self):
        url = self.storage.add("/rec/plain.wav", self.call_wav)
        self.env.company.mcube_recording_allow_http = False
        record = self.call_with(url, "REC-HTTP")
        self.assertEqual(record.audio_state, "failed")
        self.assertIn("https", record.audio_error)
        self.env.company.write({"mcube_recording_allow_http": True, "mcube_recording_trusted_networks": False})
        record = self.call_with(url, "REC-LOOPBACK")
        self.assertEqual(record.audio_state, "failed")
        self.assertIn("127.0.0.1", record.audio_error)
        self.assertEqual(self.storage.hits["/rec/plain.wav"], 0)

    def test_a_redirect_to_the_storage_is_followed(self):
        target = self.storage.add("/rec/real.wav", self.call_wav)
        record = self.call_with(self.storage.redirect("/rec/signed.wav", target), "REC-REDIRECT")
        self.assertEqual(record.audio_state, "stored")

    def test_a_server_error_is_retried_then_fails_on_the_last_try(self):
        self.env.company.mcube_recording_transcribe = False
        url = self.storage.add("/rec/busy.wav", b"busy", "text/plain", status=503)
        fine = self.storage.add("/rec/fine.wav", self.call_wav)
        with trap_jobs() as trap:
            self.store(sample(HANGUP, callid="REC-503", filename=url))
            self.store(sample(HANGUP, callid="REC-FINE", filename=fine, callto="9876543299"))
            trap.perform_enqueued_jobs()  # the events, then their downloads
            trap.perform_enqueued_jobs()
            record = self.record_of("REC-503")
            self.assertEqual(self.record_of("REC-FINE").audio_state, "stored")
            self.assertEqual((record.audio_state, record.audio_attempts), ("waiting", 1))
            self.assertIn("503", record.audio_error)
            self.assertEqual([job.recordset for job in trap.enqueued_jobs], [record])
            self.assertGreater(trap.enqueued_jobs[0].eta, fields.Datetime.now())
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        self.assertEqual((record.audio_state, record.audio_attempts), ("failed", 3))
        self.assertIn("503", record.audio_error)
        self.assertEqual(self.storage.hits["/rec/busy.wav"], 4)
        self.storage.add("/rec/busy.wav", self.call_wav)
        with trap_jobs() as trap:
            record.with_user(self.manager).action_audio_retry()
            trap.perform_enqueued_jobs()
        self.assertEqual((record.audio_state, record.audio_attempts), ("stored", 0))

    def test_silent_and_corrupt_audio_fail_their_transcript_with_a_sentence(self):
        record = self.call_with(self.storage.add("/rec/silent.wav", silence(3)), "REC-SILENT")
        self.assertEqual(record.audio_state, "stored")
        self.assertEqual(record.transcript_state, "failed")
        self.assertIn("silent", record.transcript_error)
        self.assertFalse(record.transcript)

    def test_a_transcript_stopped_halfway_writes_nothing(self):
        """A crash inside the engine (or a job killed mid-way: its transaction is rolled back) leaves
        no half transcript: the record says the transcript failed, or is still waiting for a retry."""
        url = self.storage.add("/rec/crash.wav", self.call_wav)
        with (
            patch("odoo.addons.cold_call_audio.tools.transcribe.transcribe", side_effect=RuntimeError("boom")),
            mute_logger("odoo.addons.cold_call_audio.models.cold_call_audio_mixin"),
        ):
            record = self.call_with(url, "REC-CRASH")
        self.assertEqual(record.transcript_state, "failed")
        self.assertIn("boom", record.transcript_error)
        self.assertFalse(record.transcript or record.transcript_segments or record.keyword_ids)

    def test_retention_deletes_old_recordings_and_keeps_their_transcript(self):
        old = self.call_with(self.storage.add("/rec/old.wav", self.call_wav), "REC-OLD")
        new = self.call_with(self.storage.add("/rec/new.wav", self.call_wav), "REC-NEW")
        old.sudo().call_date = fields.Datetime.now() - timedelta(days=31)
        new.sudo().call_date = fields.Datetime.now() - timedelta(days=29)
        self.env.company.mcube_recording_retention_days = 30
        with patch("odoo.addons.mcube_integration.models.mcube_call_record._logger.info") as log:
            self.CallRecord._cron_purge_recordings()
        log.assert_called_once()
        self.assertEqual(log.call_args.args[1:], (1, self.env.company.name, 30))
        self.assertEqual((old.audio_state, new.audio_state), ("purged", "stored"))
        self.assertFalse(self.attachment_of(old))
        self.assertTrue(self.attachment_of(new))
        self.assertIn("friday", old.transcript)

    def test_a_lost_job_is_flagged(self):
        url = self.storage.add("/rec/lost.wav", self.call_wav)
        with trap_jobs() as trap:
            self.store(sample(HANGUP, callid="REC-LOST", filename=url))
            trap.perform_enqueued_jobs()  # the download job is trapped, never run: lost
        record = self.record_of("REC-LOST")
        self.assertEqual(record.audio_state, "waiting")
        self.env.cr.execute(
            "UPDATE mcube_call_record SET write_date = now() - interval '3 hours' WHERE id = %s", [record.id]
        )
        self.env["cold.call.audio.mixin"]._cron_fail_lost_audio_jobs()
        record.invalidate_recordset()
        self.assertEqual(record.audio_state, "failed")
        self.assertIn("stopped", record.audio_error)

    def test_settings_refuse_bad_networks_and_negative_retention(self):
        with self.assertRaises(ValidationError):
            self.env.company.mcube_recording_trusted_networks = "10.0.0.0/8, nonsense"
        with self.assertRaises(ValidationError):
            self.env.company.mcube_recording_retention_days = -1


@tagged("post_install", "-at_install")
class TestRecordingAccess(RecordingCase, HttpCase):
    def test_only_users_who_read_the_call_get_its_audio(self):
        record = self.call_with(self.storage.add("/rec/private.wav", self.call_wav), "REC-ACCESS")
        self.assertEqual(record.user_id, self.salesman_did)
        path = f"/web/content/mcube.call.record/{record.id}/audio_file"
        for login, allowed in (("mcube_did", True), ("mcube_manager", True), ("mcube_other", False)):
            with self.subTest(login):
                self.authenticate(login, login)
                response = self.url_open(path)
                if allowed:
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.content, self.call_wav)
                    ranged = self.url_open(path, headers={"Range": "bytes=0-3"})
                    self.assertEqual((ranged.status_code, ranged.content), (206, b"RIFF"))
                else:
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(b"RIFF", response.content)
        self.assertEqual(base64.b64decode(record.audio_file), self.call_wav)

    def test_a_manager_plays_the_recording_and_jumps_to_a_sentence(self):
        record = self.call_with(self.storage.add("/rec/tour.wav", self.call_wav), "REC-TOUR")
        self.assertEqual(record.transcript_state, "done")
        self.start_tour(
            f"/web#model=mcube.call.record&id={record.id}&view_type=form",
            "mcube_integration_recording_player",
            login="mcube_manager",
        )
