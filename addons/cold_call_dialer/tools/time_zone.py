"""Local times for the calling hours: pure functions.

One source (the system's time-zone data through ``zoneinfo``) for both the order of a page, done
in SQL, and the local time shown on each row, so that the two never disagree.
"""

import datetime
import functools
import zoneinfo

import pytz


@functools.lru_cache(maxsize=1024)
def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.timezone.utc


def local_datetime(now, tz_name):
    """``now`` (naive, UTC) as the wall-clock date and time of ``tz_name``; UTC for a zone the system does not know."""
    return now.replace(tzinfo=datetime.timezone.utc).astimezone(_zone(tz_name))


def local_time(now, tz_name):
    """``now`` (naive, UTC) as the wall-clock time of ``tz_name``."""
    return local_datetime(now, tz_name).time()


def zones_in_hours(now, start, end):
    """The time-zone names whose local time at ``now`` lies between ``start`` and ``end``: comparing
    a contact's zone with this list costs PostgreSQL far less than converting each contact's time."""
    return [name for name in pytz.all_timezones if start <= local_time(now, name) <= end]
