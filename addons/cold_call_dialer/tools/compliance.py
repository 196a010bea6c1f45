"""India's calling preferences as the register writes them: pure functions, no environment.

A subscriber's preference on the National Customer Preference Register may name the time bands
and the days they accept commercial calls on. The suite keeps both as short texts a manager can
type and a scrub file gives (``"10-12,14-16"``, ``"mon,tue,sat"``): these functions read them,
and say whether a local time falls inside.
"""

import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    **{day: index for index, day in enumerate(DAYS)},
    **{name: index for index, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))},
    "saturday": 5,
    "sunday": 6,
}
DAY_GROUPS = {"weekdays": range(5), "weekday": range(5), "weekends": range(5, 7), "weekend": range(5, 7)}
SEPARATORS = re.compile(r"[,;|#/\s]+")
BAND = re.compile(r"^(\d{1,2})(?::00)?-(\d{1,2})(?::00)?$")


def parse_bands(text):
    """The hour ranges of ``text`` as sorted ``(start, end)`` pairs (``"10-12,14-16"``), ``[]``
    for an empty text. Raises ValueError for a band that is not ``H-H`` within 0-24."""
    bands = []
    for part in SEPARATORS.split((text or "").strip()):
        if not part:
            continue
        match = BAND.match(part)
        start, end = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        if start is None or not 0 <= start < end <= 24:
            raise ValueError(f"“{part}” is not a time band such as 10-12 (hours 0 to 24)")
        bands.append((start, end))
    return sorted(set(bands))


def parse_days(text):
    """The weekdays of ``text`` (``"mon,tue"``, full names, ranges such as ``mon-fri``,
    ``weekdays``, ``weekends``) as sorted indexes, Monday 0; ``[]`` for an empty text. Raises
    ValueError for an unknown day."""
    days = set()
    for part in SEPARATORS.split((text or "").strip().lower()):
        if not part:
            continue
        first, _dash, last = part.partition("-")
        if part in DAY_GROUPS:
            days.update(DAY_GROUPS[part])
        elif first in DAY_NAMES and (not last or last in DAY_NAMES):
            start, end = DAY_NAMES[first], DAY_NAMES[last or first]
            days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
        else:
            raise ValueError(f"“{part}” is not a day such as mon, tuesday or mon-fri")
    return sorted(days)


def format_bands(bands):
    return ",".join(f"{start:02d}-{end:02d}" for start, end in bands)


def format_days(days):
    return ",".join(DAYS[day] for day in days)


def clock(value):
    """A float time of day as people read it: ``9.5`` is ``09:30``."""
    minutes = hours(value)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours(value):
    """A float time of day (``9.5`` for 09:30) as minutes since midnight."""
    return round(value * 60)


def in_window(local, start, end):
    """Whether ``local`` (a datetime or time) lies in ``[start, end)``, both float hours."""
    minutes = local.hour * 60 + local.minute
    return hours(start) <= minutes < hours(end)


def in_bands(local, bands):
    """Whether ``local`` lies in one of ``bands`` (all hours when there are none)."""
    return not bands or any(start * 60 <= local.hour * 60 + local.minute < end * 60 for start, end in bands)


def on_days(local, days):
    """Whether ``local`` (a datetime) falls on one of ``days`` (any day when there are none)."""
    return not days or local.weekday() in days
