"""Names and limits shared by the webhook, the models and the settings: one place, so a
model never has to import them from a controller."""

from datetime import timedelta

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

PARAM_TOKEN = "mcube_integration.webhook_token"
PARAM_ALLOWED_IPS = "mcube_integration.allowed_ips"
PARAM_DEFAULT_USER = "mcube_integration.default_user_id"
PARAM_DEFAULT_TEAM = "mcube_integration.default_team_id"
PARAM_COUNTRY = "mcube_integration.country_id"
PARAM_TIMEZONE = "mcube_integration.timezone"
DEFAULT_TIMEZONE = "Asia/Kolkata"

JOB_CHANNEL = "root.mcube"
JOB_MAX_RETRIES = 8
# New events are processed by batch jobs: each call's events always go to the same one of
# PARAM_BATCH_JOBS parallel jobs (set it to the capacity of the job channel), up to
# BATCH_SIZE events per job run, in one transaction.
PARAM_BATCH_JOBS = "mcube_integration.batch_jobs"
DEFAULT_BATCH_JOBS = 2
BATCH_SIZE = 100
# A failed run is retried automatically after each of these delays, then the event is failed.
AUTO_RETRY_DELAYS = (timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6))
LIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")
# An event still pending this long after it arrived, with no live job, had its job lost.
# Its job is enqueued again while automatic retries remain.
LOST_JOB_DELAY = timedelta(minutes=30)
