from odoo.tools.translate import _lt

STATUS_FIELD = "x_cold_call_status"
STATUS_FIELD_LABEL = _lt("Cold Call Status")
STATUS_FIELD_HELP = _lt("Outcome of the last cold call, set by the Dialer.")
# Calling hours, in the contact's own time zone, as hours of the day (float_time).
CALLING_START_PARAM = "cold_call_dialer.calling_hours_start"
CALLING_END_PARAM = "cold_call_dialer.calling_hours_end"
DEFAULT_CALLING_START = 9.0
DEFAULT_CALLING_END = 19.0

HOLD_MINUTES_PARAM = "cold_call_dialer.hold_minutes"
DEFAULT_HOLD_MINUTES = 15
# Contacts a rep may hold open at once: the one on screen and the ones prefetched after it.
OPEN_HOLDS_PER_REP = 3

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
PREVIEW_SIZE = 5
# The list screen counts up to this many contacts per list ("1000+"): exact counts of every list
# would scan the whole address book once per list. Pages and previews count exactly.
COUNT_CAP = 1000
MAX_DURATION = 24 * 3600
# A call saved later than it was made (the Dialer's outbox, offline): how old it may be.
MAX_CALL_AGE_DAYS = 7
# The key a browser gives a call so that it is saved once: letters, digits, - and _.
CLIENT_KEY_PATTERN = r"[A-Za-z0-9_-]{8,64}"
# A voice note is a few minutes at most: 16 kHz mono WAV (what the Dialer records) is ~1.9 MB a minute.
MAX_VOICE_NOTE_SECONDS = 5 * 60
MAX_VOICE_NOTE_BYTES = 12 * 1024 * 1024
MEETING_MINUTES = (15, 30, 45, 60, 90, 120)

NEVER_CALLED = "never_called"
CALLBACKS_DUE = "callbacks_due"
HOT_LEADS = "hot_leads"

# The Dialer dashboard's periods, and the longest custom one (its heat map groups calls by hour).
DASHBOARD_PERIODS = ("today", "week", "month", "custom")
DASHBOARD_MAX_DAYS = 366
# Bus notification sent to Dialer managers when calls are saved: open dashboards refresh.
FIGURES_NOTIFICATION = "cold_call_dialer/figures"
# Bus notification naming contacts changed elsewhere: open Dialers re-read those of their page.
CONTACTS_NOTIFICATION = "cold_call_dialer/contacts"
# The bus channels, one per company, of its Dialer users and of its Dialer managers (see ir_websocket.py).
REPS_CHANNEL = "cold_call_dialer/reps"
MANAGERS_CHANNEL = "cold_call_dialer/managers"
