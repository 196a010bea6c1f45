"""Names and limits shared by the webhook, the models and the settings: one place, so a
model never has to import them from a controller."""

from datetime import timedelta

from odoo.addons.queue_job.job import ENQUEUED, PENDING, STARTED, WAIT_DEPENDENCIES

WEBHOOK_PATH = "/mcube/webhook"
MAX_BODY_BYTES = 64 * 1024
TOKEN_HEADER = "X-MCUBE-Token"
RETRY_AFTER_SECONDS = "30"
# Request headers stored with an event for support; never the token.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Length",
    "User-Agent",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Real-Ip",
    "X-Request-Id",
)

DEFAULT_TIMEZONE = "Asia/Kolkata"
# The bus notification of the incoming-call pop-up (static/src/incoming_call).
POP_UP = "mcube_integration/incoming_call"

JOB_CHANNEL = "root.mcube"
JOB_MAX_RETRIES = 8
# New events are processed by batch jobs: each call's events always go to the same one of its
# company's parallel jobs (res.company.mcube_batch_jobs), up to BATCH_SIZE events per job run,
# in one transaction.
DEFAULT_BATCH_JOBS = 2
BATCH_SIZE = 100
# A failed run is retried automatically after each of these delays, then the event is failed.
AUTO_RETRY_DELAYS = (timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6))
# A job not started yet, as queue_job tells one apart for its identity keys
# (Job.job_record_with_same_identity_key); a live job may also have started.
WAITING_JOB_STATES = (WAIT_DEPENDENCIES, PENDING, ENQUEUED)
LIVE_JOB_STATES = (*WAITING_JOB_STATES, STARTED)
# An event still pending this long after it arrived, with no live job, had its job lost.
# Its job is enqueued again while automatic retries remain.
LOST_JOB_DELAY = timedelta(minutes=30)
# A recording is downloaded this long after its call's events are processed: a burst of call events
# drains first, with the CPU to itself (docs/BENCHMARKS.md measures the drain with downloads beside it).
RECORDING_DELAY = timedelta(minutes=1)

METRICS_PATH = "/mcube/metrics"
# The bearer token of the metrics endpoint (Settings); empty: the endpoint is off.
METRICS_TOKEN_PARAM = "mcube_integration.metrics_token"
MIN_TOKEN_LENGTH = 24
# Failed call events are counted over this window for the health card and the failure alert.
FAILURE_WINDOW = timedelta(hours=24)

ROUTE_PATH = "/mcube/route"
# A routing answer MCUBE reports a call for is joined to the call when it comes this soon after.
ROUTE_JOIN_WINDOW = timedelta(minutes=15)
# How long the routing endpoint may wait for a lock or a query before it answers the fallback number.
ROUTE_DEADLINE_MS = 300
