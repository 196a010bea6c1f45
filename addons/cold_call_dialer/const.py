from odoo.tools.translate import _lt

STATUS_FIELD = "x_cold_call_status"
STATUS_FIELD_LABEL = _lt("Cold Call Status")
STATUS_FIELD_HELP = _lt("Outcome of the last cold call, set by the Dialer.")
# (value, label, connected, suggests a follow-up, do not call) of the options created with the field.
DEFAULT_STATUS_OPTIONS = [
    ("no_answer", _lt("No Answer - No Voicemail"), False, False, False),
    ("voicemail", _lt("No Answer - Voicemail Left"), False, False, False),
    ("not_interested", _lt("Connected - Not Interested"), True, False, False),
    ("interested", _lt("Connected - Interested"), True, True, False),
    ("callback", _lt("Callback Requested"), True, True, False),
    ("gatekeeper", _lt("Gatekeeper Block"), False, False, False),
    ("meeting", _lt("Meeting Booked"), True, False, False),
    ("wrong_number", _lt("Wrong Number"), False, False, False),
    ("do_not_call", _lt("Dead / Do Not Call"), False, False, True),
]

HOLD_MINUTES_PARAM = "cold_call_dialer.hold_minutes"
DEFAULT_HOLD_MINUTES = 15
# Contacts a rep may hold open at once: the one on screen and the ones prefetched after it.
OPEN_HOLDS_PER_REP = 3

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
PREVIEW_SIZE = 5
PAGE_ORDER = "name, id"
# The list screen counts up to this many contacts per list ("1000+"): exact counts of every list
# would scan the whole address book once per list. Pages and previews count exactly.
COUNT_CAP = 1000
MAX_DURATION = 24 * 3600

NEVER_CALLED = "never_called"
CALLBACKS_DUE = "callbacks_due"
