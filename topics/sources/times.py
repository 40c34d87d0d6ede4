"""When a talk takes place, as time-zone-aware start and end: what every source reads.

Sources write times in many ways: frab's XML and the c3voc ``schedule.json`` give an ISO
8601 date-time with its UTC offset (``2024-02-03T09:30:00+01:00``), a duration
(``00:25``, or ISO 8601's ``PT25M``) and the conference's time zone
(``Europe/Brussels``); iCalendar gives ``DTSTART``/``DTEND`` in a named zone or UTC;
tables may give ``start``/``end`` columns; schema.org Event data ``startDate``; crawled
pages write ``Friday 10:30-11:00`` or ``3:30 p.m. to 5 p.m.``, without a date or a zone.
This module turns them into :class:`When`: ISO 8601 start and end with their UTC offset, in
the talk's time zone when it is known, and the zone's IANA name. A time without a UTC offset
is usable only in a known zone; a day without a date (``Friday``) never is: such a talk has
no usable time (``When()``).

Formats: ISO 8601 / RFC 3339 (https://www.rfc-editor.org/rfc/rfc3339), the IANA time
zone database (https://www.iana.org/time-zones), c3voc's schedule
(https://c3voc.de/wiki/schedule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Longest a talk may last: a longer span (a typo, a whole-conference entry) has no end.
MAX_DURATION = timedelta(days=2)


@dataclass(frozen=True)
class When:
    """A talk's time: ISO 8601 start and end with UTC offset, and the zone's IANA name.

    ``start`` is ``""`` when the source gives no usable time; ``end`` is ``""`` when
    only the start is known; ``timezone`` is ``""`` when the source names no zone (the
    offset is still known).
    """

    start: str = ""
    end: str = ""
    timezone: str = ""

    def fields(self) -> dict[str, str]:
        """The :class:`~topics.corpus.Talk` fields: ``start``, ``end``, ``timezone``."""
        return {"start": self.start, "end": self.end, "timezone": self.timezone}


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone ``name`` (``"Europe/Brussels"``), or ``None`` when unknown."""
    name = name.strip()
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, not a key, a folder
        return None


def moment(text: str, where: ZoneInfo | None = None) -> datetime | None:
    """An ISO 8601 date-time as an aware :class:`~datetime.datetime`.

    Parameters
    ----------
    text : str
        ``2024-02-03T09:30:00+01:00``, ``2024-02-03T08:30:00Z``, ``2024-02-03 09:30``.
    where : ZoneInfo or None
        The zone of a date-time written without an offset, and the zone the result is
        given in.

    Returns
    -------
    datetime or None
        ``None`` when ``text`` is not a date-time, or has no offset and ``where`` is
        ``None`` (a floating time is no usable time).
    """
    text = text.strip()
    if not 16 <= len(text) <= 40 or not text[:4].isdigit():
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=where) if where is not None else None
    return _in(value, where)


def _in(value: datetime, where: ZoneInfo | None) -> datetime:
    if where is None:
        return value
    try:
        return value.astimezone(where)
    except (OverflowError, ValueError):  # year 1 or 9999
        return value


_HOURS_MINUTES = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?")
_ISO_DURATION = re.compile(
    r"P(?!$)(?:(\d{1,3})D)?(?:T(?=\d)(?:(\d{1,3})H)?(?:(\d{1,4})M)?(?:(\d{1,6})(?:\.\d+)?S)?)?",
    re.IGNORECASE,
)


def duration(text: str) -> timedelta | None:
    """A duration: ``00:25``, ``01:30:00`` (frab) or ISO 8601's ``PT1H30M`` (schedule2).

    Returns
    -------
    timedelta or None
        ``None`` when ``text`` is neither, is zero, or is longer than :data:`MAX_DURATION`.
    """
    text = text.strip()
    if match := _HOURS_MINUTES.fullmatch(text):
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        value = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    elif match := _ISO_DURATION.fullmatch(text):
        days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        value = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    else:
        return None
    return value if timedelta(0) < value <= MAX_DURATION else None


def when(
    start: datetime | None,
    end: datetime | None = None,
    length: timedelta | None = None,
    timezone: str = "",
) -> When:
    """A :class:`When` from aware date-times.

    Parameters
    ----------
    start, end : datetime or None
        Aware date-times; a naive one counts as missing.
    length : timedelta or None
        The duration, used when ``end`` is missing.
    timezone : str
        The IANA zone of the talk: both times are given in it; ignored when unknown.

    Returns
    -------
    When
        Empty without an aware ``start``; without ``end`` when it is not after ``start``
        or is more than :data:`MAX_DURATION` after it.
    """
    if start is None or start.utcoffset() is None:
        return When()
    where = zone(timezone)
    if end is None or end.utcoffset() is None:
        end = start + length if length is not None else None
    if end is not None and not timedelta(0) < end - start <= MAX_DURATION:
        end = None
    start = _in(start, where)
    return When(
        start=start.isoformat(),
        end=_in(end, where).isoformat() if end is not None else "",
        timezone=timezone.strip() if where is not None else "",
    )


def from_schedule(date_time: str, day: str, clock: str, length: str, timezone: str) -> When:
    """The time of a frab or c3voc schedule event.

    Parameters
    ----------
    date_time : str
        The event's ``date`` (frab, c3voc) or ``start`` (schedule2): an ISO 8601
        date-time, with its offset.
    day, clock : str
        The event's day (``2024-02-03``) and start (``09:30``): used, in ``timezone``,
        when ``date_time`` is missing or has no offset.
    length : str
        ``duration``: ``00:25`` or ``PT25M``.
    timezone : str
        The conference's ``time_zone_name``.
    """
    where = zone(timezone)
    start = moment(date_time, where)
    if start is None and where is not None:
        start = _on(day, clock, where)
    return when(start, None, duration(length), timezone)


def _on(day: str, clock: str, where: ZoneInfo) -> datetime | None:
    try:
        on = date.fromisoformat(day.strip()[:10])
    except ValueError:
        return None
    start, _ = clock_range(clock)
    return datetime.combine(on, start, tzinfo=where) if start is not None else None


# "10:30", "10h30", "1:20 p.m.", "5 p.m.", "noon": one end of a range.
_CLOCK = r"(?:(\d{1,2})(?:[:h](\d{2}))?\s*(a\.?\s?m\b\.?|p\.?\s?m\b\.?)?|\b(noon|midnight)\b)"
_RANGE = re.compile(
    rf"(?<![\d:]){_CLOCK}(?:\s*(?:-|\u2013|\u2014|to|until)\s*{_CLOCK})?(?![\d:])", re.IGNORECASE
)


def clock_range(text: str) -> tuple[time | None, time | None]:
    """The first clock time, or range of them, in a text as crawled pages write it.

    ``"Friday 10:30-11:00"``, ``"Thursday 1:20 p.m.-4:40 p.m. in Room 21"`` (an en or em
    dash too), ``"3:30 p.m. to 5 p.m."``, ``"14h00"``. A lone number is a time only with
    ``a.m.`` or ``p.m.`` (``"Room 21"`` is not 9 p.m.).

    Returns
    -------
    (time or None, time or None)
        Start and end, naive; ``(None, None)`` when ``text`` holds no time.
    """
    for match in _RANGE.finditer(text):
        groups = match.groups()
        first, second = _clock(*groups[:4]), _clock(*groups[4:])
        if first is None:
            continue
        if second is not None and groups[2] is None and groups[6] is not None:
            # "1:20-4:40 p.m.": the first end shares the second's half of the day
            first = _clock(*groups[:2], groups[6], None) or first
        return first, second
    return None, None


def _clock(hour: str | None, minute: str | None, half: str | None, word: str | None):
    if word:
        return time(12) if word.lower() == "noon" else time(0)
    if hour is None or (minute is None and half is None):
        return None
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower().startswith("p") else 0)
    return time(h, m) if h <= 23 else None
