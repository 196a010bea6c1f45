"""Names, defaults and limits of the click-to-call bridge: one place for the models, the
settings and the tests."""

from datetime import timedelta

DEFAULT_ENDPOINT = "https://api.mcube.com/Restmcube-api/outbound-calls"
# Where integrators end a call in progress (token + MCUBE's call id); not published by MCUBE.
DEFAULT_RELEASE_ENDPOINT = "https://config.mcube.com/hangup-api/call-release"

# (connect, read) seconds: the rep waits on the Call button for at most this long.
TIMEOUTS = (3.05, 10)
# Our refids start with this, so that an event echoing one is known to be ours.
REFID_PREFIX = "ccd-"
# An event may find no attempt only because the rep's request is still waiting for MCUBE's
# answer (its transaction is not committed): the event's job waits for a call this recent.
JOIN_WAIT = timedelta(minutes=2)
JOIN_RETRY_SECONDS = 10
# A rep has one live call at a time; one that MCUBE never reported ended stops counting
# after this long, and as soon as the rep logs it.
LIVE_CALL_LIMIT = timedelta(hours=2)
LIVE_STATES = ("requested", "ringing", "connected")
# An event without our refid joins an attempt of the same numbers made this long before the
# call started (or a little after: the clocks of MCUBE and Odoo differ).
JOIN_WINDOW_BEFORE = timedelta(minutes=30)
JOIN_WINDOW_AFTER = timedelta(minutes=5)

BUS_TYPE = "cold_call_dialer_mcube/call"
# Attempt states in the order a call goes through them; events never move one backwards.
STATE_RANK = {"requested": 0, "failed": 0, "ringing": 1, "connected": 2, "ended": 3}

# The dashboard lists missed inbound calls not called back from at least this far back, so that
# yesterday's unanswered callers still show on "Today".
CALLBACK_WINDOW = timedelta(days=7)
PENDING_CALLBACKS_SHOWN = 50
