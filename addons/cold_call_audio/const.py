"""Job channels and limits of call audio: one place, read by the models and odoo.conf's docs."""

from datetime import timedelta

# Downloads have a channel of their own, so that they never wait behind call events nor delay them.
FETCH_CHANNEL = "root.recording"
# Transcription takes a CPU core for a while: one at a time (odoo.conf sets root.transcription:1).
TRANSCRIPTION_CHANNEL = "root.transcription"
# A recording server that is down or slow: the download is tried again after each of these.
FETCH_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
TRANSCRIPTION_MAX_RETRIES = 3
MAX_AUDIO_BYTES = 50 * 1024 * 1024
FETCH_TIMEOUT = 30
# Longer audio would outlast a worker's CPU limit (odoo.conf's limit_time_cpu) on a 2-core machine.
MAX_TRANSCRIBED_SECONDS = 30 * 60
# A record still waiting this long, with no live job for it, lost its job (failed, cancelled or killed).
LOST_JOB_DELAY = timedelta(hours=2)
