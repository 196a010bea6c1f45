import base64
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.job import ENQUEUED, PENDING, STARTED, WAIT_DEPENDENCIES

from ..const import (
    FETCH_CHANNEL,
    FETCH_RETRY_DELAYS,
    FETCH_TIMEOUT,
    LOST_JOB_DELAY,
    MAX_AUDIO_BYTES,
    MAX_TRANSCRIBED_SECONDS,
    TRANSCRIPTION_CHANNEL,
    TRANSCRIPTION_MAX_RETRIES,
)
from ..tools import audio, fetch, transcribe

_logger = logging.getLogger(__name__)

LIVE_JOB_STATES = (WAIT_DEPENDENCIES, PENDING, ENQUEUED, STARTED)


class ColdCallAudioMixin(models.AbstractModel):
    """The sound of a call kept on its record: the audio as an attachment (downloaded by a job, or
    given), its transcript with time stamps, and the keywords said. Each step has a state and, when
    it failed, one sentence saying why; every job writes its result at once, so that a job stopped
    halfway leaves the record as it was, and a lost job is found by a cron."""

    _name = "cold.call.audio.mixin"
    _description = "Call Audio"

    audio_file = fields.Binary("Audio", attachment=True, copy=False, readonly=True)
    audio_state = fields.Selection(
        string="Audio",
        selection=[
            ("waiting", "Downloading"),
            ("stored", "Stored"),
            ("failed", "Failed"),
            ("expired", "Link Expired"),
            ("purged", "Deleted (Retention)"),
        ],
        readonly=True,
        copy=False,
        help="Empty: no audio in Odoo (none given, or kept as a link only).",
    )
    audio_error = fields.Char("Audio Problem", readonly=True, copy=False)
    audio_duration = fields.Integer("Audio Length (s)", readonly=True, copy=False)
    audio_attempts = fields.Integer("Download Attempts", readonly=True, copy=False)
    transcript = fields.Text(readonly=True, copy=False, index="trigram", help="What was said, as the engine heard it.")
    transcript_segments = fields.Json(readonly=True, copy=False)
    transcript_state = fields.Selection(
        [("waiting", "Transcribing"), ("done", "Done"), ("failed", "Failed")],
        string="Transcript Status",
        readonly=True,
        copy=False,
    )
    transcript_error = fields.Char("Transcript Problem", readonly=True, copy=False)
    keyword_ids = fields.Many2many("cold.call.keyword", string="Keywords Said", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # What the concrete model says
    # ------------------------------------------------------------------

    def _audio_url(self):
        """Where the audio is to be downloaded from; empty: nothing to download."""
        return False

    def _audio_fetch_options(self):
        """fetch.fetch's options for this record's company (allow_http, trusted_networks)."""
        return {}

    def _audio_transcribe(self):
        """Whether stored audio is transcribed."""
        return True

    def _audio_stored(self):
        """Called when the audio is stored: live screens."""

    def _transcript_done(self):
        """Called when the transcript job ended, done or failed: chatter notes, suggestions."""

    # ------------------------------------------------------------------
    # Audio
    # ------------------------------------------------------------------

    def _queue_audio_fetch(self, eta=None):
        """One job downloads the audio of these records (those that came together, e.g. a batch of
        call events): a job per record would cost every call event a job of its own."""
        if not self:
            return
        self.write({"audio_state": "waiting", "audio_error": False, "audio_attempts": 0})
        self.with_delay(
            channel=FETCH_CHANNEL,
            eta=eta,
            description=_("Store the recordings of %s", ", ".join(self[:3].mapped("display_name"))),
        )._fetch_audio()

    def _fetch_audio(self):
        """Job: download each record's audio into it. A temporary failure (timeout, server error)
        is tried again later for that record alone, after each of FETCH_RETRY_DELAYS; then, or for a
        failure that trying again cannot help, the record says why."""
        for record in self.filtered(lambda record: record.audio_state == "waiting" and record._audio_url()):
            try:
                data, _content_type = fetch.fetch(
                    record._audio_url(),
                    max_bytes=MAX_AUDIO_BYTES,
                    timeout=FETCH_TIMEOUT,
                    accept=lambda content_type, head: bool(audio.sniff(head)),
                    **record._audio_fetch_options(),
                )
            except fetch.FetchError as error:
                if error.retry and record.audio_attempts < len(FETCH_RETRY_DELAYS):
                    record.write({"audio_attempts": record.audio_attempts + 1, "audio_error": str(error)})
                    record.with_delay(
                        channel=FETCH_CHANNEL,
                        eta=FETCH_RETRY_DELAYS[record.audio_attempts - 1],
                        description=_("Store the recording of %s", record.display_name),
                    )._fetch_audio()
                else:
                    record.write({"audio_state": "expired" if error.expired else "failed", "audio_error": str(error)})
                continue
            record._store_audio(data)

    def _store_audio(self, data):
        """Keep ``data`` (bytes) as the record's audio if it is audio, then transcribe it."""
        self.ensure_one()
        try:
            mimetype = audio.sniff(data)
            if not mimetype:
                raise audio.AudioError(_("The file is not audio."))
            seconds = audio.duration(data)
        except audio.AudioError as error:
            self.write({"audio_state": "failed", "audio_error": str(error)})
            return False
        self.write(
            {
                "audio_file": base64.b64encode(data),
                "audio_state": "stored",
                "audio_error": False,
                "audio_duration": round(seconds),
            }
        )
        # Odoo's guess reads a RIFF file as WebP: the browser must be told it is audio.
        self._audio_attachment().mimetype = mimetype
        self._audio_stored()
        if self._audio_transcribe():
            self._queue_transcription()
        return True

    def _purge_audio(self):
        """Delete the stored audio (retention): the transcript stays."""
        self.write({"audio_file": False, "audio_state": "purged"})

    def _audio_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", "audio_file")], limit=1
            )
        )

    # ------------------------------------------------------------------
    # Transcript
    # ------------------------------------------------------------------

    def _queue_transcription(self):
        self.write({"transcript_state": "waiting", "transcript_error": False})
        for record in self:
            record.with_delay(
                channel=TRANSCRIPTION_CHANNEL,
                max_retries=TRANSCRIPTION_MAX_RETRIES,
                description=_("Transcribe the audio of %s", record.display_name),
            )._transcribe()

    def _transcribe(self):
        """Job: transcribe the stored audio; the text, its time stamps and the keywords said are
        written together. Audio the engine cannot read fails with its reason; trying again would
        not help. Database errors are queue_job's to retry."""
        self.ensure_one()
        if self.transcript_state != "waiting":
            return
        try:
            if self.audio_duration > MAX_TRANSCRIBED_SECONDS:
                raise audio.AudioError(
                    _("The audio is too long to transcribe (over %s minutes).", MAX_TRANSCRIBED_SECONDS // 60)
                )
            data = self._audio_attachment().raw
            if not data:
                raise audio.AudioError(_("There is no audio to transcribe."))
            segments = transcribe.transcribe(data)
        except (audio.AudioError, transcribe.TranscriptionError) as error:
            self.write({"transcript_state": "failed", "transcript_error": str(error)})
            self._transcript_done()
            return
        except psycopg2.Error:
            raise
        except Exception as error:  # a bug or a broken engine must not leave the record transcribing
            _logger.exception("Transcription of %s failed", self)
            self.write({"transcript_state": "failed", "transcript_error": _("The engine failed: %s", error)})
            self._transcript_done()
            return
        text = "\n".join(segment["text"] for segment in segments)
        self.write(
            {
                "transcript": text,
                "transcript_segments": segments,
                "transcript_state": "done",
                "transcript_error": False if text else _("No words were recognised."),
                "keyword_ids": [fields.Command.set(self.env["cold.call.keyword"]._found_in(text, self.company_id).ids)],
            }
        )
        self._transcript_done()

    def action_audio_retry(self):
        """Try a failed download or transcript again (managers, from the record)."""
        (
            self.filtered(lambda record: record.audio_state in ("failed", "waiting") and record._audio_url())
        )._queue_audio_fetch()
        self.filtered(
            lambda record: record.audio_state == "stored" and record.transcript_state in ("failed", "waiting")
        )._queue_transcription()

    # ------------------------------------------------------------------
    # Lost jobs
    # ------------------------------------------------------------------

    @api.model
    def _cron_fail_lost_audio_jobs(self):
        """Safety net behind queue_job's requeue of dead jobs: a download or transcript still waiting
        long after it was asked for, with no live job for its record, had its job fail, get cancelled
        or die (a killed worker): the record says so, and the Try Again button starts over."""
        since = fields.Datetime.now() - LOST_JOB_DELAY
        for name in self.env.registry.descendants([self._name], "_inherit"):
            Model = self.env[name].sudo()
            if Model._abstract or name == self._name:
                continue
            for state_field, error_field, method, error in (
                ("audio_state", "audio_error", "_fetch_audio", _("The download job stopped before it finished.")),
                (
                    "transcript_state",
                    "transcript_error",
                    "_transcribe",
                    _("The transcription job stopped before it finished."),
                ),
            ):
                waiting = Model.search([(state_field, "=", "waiting"), ("write_date", "<", since)])
                if not waiting:
                    continue
                self.env.cr.execute(
                    SQL(
                        """SELECT records::jsonb -> 'ids' FROM queue_job
                            WHERE model_name = %s AND method_name = %s AND state IN %s""",
                        name,
                        method,
                        LIVE_JOB_STATES,
                    )
                )
                live = {record_id for (ids,) in self.env.cr.fetchall() for record_id in ids or ()}
                lost = waiting.browse([record_id for record_id in waiting.ids if record_id not in live])
                lost.write({state_field: "failed", error_field: error})
                if lost:
                    _logger.warning("%s: %s %s job(s) were lost", name, len(lost), method)
