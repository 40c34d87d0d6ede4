"""Talks from an iCalendar feed (``.ics``): pretalx, frab, Indico and most calendar tools.

Format: RFC 5545 (https://www.rfc-editor.org/rfc/rfc5545), parsed with the `icalendar
<https://icalendar.readthedocs.io>`_ package. A file is a calendar when its bytes start
with ``BEGIN:VCALENDAR`` (after a byte order mark and whitespace), whatever its name or
media type. Each ``VEVENT`` with a ``SUMMARY`` is one talk:

=========  ===================================================================
field      from
=========  ===================================================================
title      ``SUMMARY``
abstract   ``DESCRIPTION`` (plain text, Markdown or HTML, as in schedules)
speakers   ``ATTENDEE`` names (``CN``; rooms, resources and non-participants left
           out); else a ``Speakers:`` first line of the description (Indico);
           else the ``ORGANIZER``'s name, unless one organizer has every event
           of the calendar (then it is the conference, not a speaker)
track      the first of the ``CATEGORIES``; the others are tags
day, time  ``DTSTART``, as the calendar writes it in the event's time zone
           (``YYYY-MM-DD``, ``HH:MM``); a UTC time is shown in the calendar's
           ``X-WR-TIMEZONE`` when it names one
start,     ``DTSTART`` and ``DTEND`` (else ``DTSTART`` plus ``DURATION``) with their
end        UTC offset; a floating time (no ``TZID``, no ``Z``) in the calendar's
           ``X-WR-TIMEZONE``, else no usable time; an all-day event has none
timezone   the IANA name of the ``TZID``, else ``X-WR-TIMEZONE``
room       ``LOCATION``
url        ``URL`` (http(s) only)
id         ``UID`` (before its ``@``), else the title
language   the ``LANGUAGE`` parameter of the description or summary
=========  ===================================================================

What exporters add around the talk is taken apart, not kept as text:

* pretalx (``PRODID:-//pretalx//<host>//<event>``) writes ``SUMMARY`` as ``<title> -
  <speaker>, <speaker>`` and ``DESCRIPTION`` as the talk's abstract only (its
  ``pretalx/schedule/models/slot.py``, ``TalkSlot.build_ical``): the title and the
  speakers are split at the last `` - ``; the talk's longer description, which the JSON
  export (:mod:`topics.sources.pretalx`) gives too, is not in the calendar. The event
  is the ``PRODID``'s last part, the event slug of pretalx's URLs.
* Indico (``indico/modules/events/ical.py``) starts ``DESCRIPTION`` with a ``Speakers:
  name (affiliation), ...`` line and ends it with the event's URL: the line gives the
  speakers (without affiliations) and both are left out of the abstract.

The calendar's name is ``X-WR-CALNAME`` or RFC 7986's ``NAME``. Files are untrusted:
at most :data:`~topics.sources.http.MAX_BYTES` bytes are read, bytes that are not UTF-8
(RFC 5545's charset) become U+FFFD, a malformed calendar is a one-line
:class:`SourceError`, and an event whose properties are broken (a date that is not
one) loses those properties only.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar.prop import vCategory, vDDDTypes

from ..corpus import Corpus, Talk, slugify, unique_ids
from . import times
from .errors import SourceError, one_line
from .formats import is_calendar
from .localfile import read_file
from .sniffing import looks_like_html
from .text import combine_texts
from .times import When

if TYPE_CHECKING:
    from .http import Fetcher

_FOLD = re.compile(rb"\r?\n[ \t]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PRETALX = re.compile(r"-//pretalx//[^/]*//([^/]+)")
_SPEAKERS_LINE = re.compile(r"\A\s*Speakers?:[ \t]*([^\n]*)\n?", re.IGNORECASE)
#: One name of a "Speakers:" line, with its "(affiliation)", which may hold commas.
_SPEAKER = re.compile(r"([^,()]+)(?:\([^()]*\))?")
_NOT_SPEAKERS = frozenset({"ROOM", "RESOURCE"})


def load_ical(location: str, fetcher: Fetcher | None = None) -> Corpus:
    """Load the talks of an iCalendar file or URL.

    Parameters
    ----------
    location : str
        A local file path, or an http(s) URL (fetched like one file: robots.txt is for
        crawls).
    fetcher : Fetcher, optional
        Used for URLs; a non-caching one is made when omitted.

    Returns
    -------
    Corpus
        See :func:`parse_ical`.

    Raises
    ------
    SourceError
        If the file cannot be read or fetched, is larger than
        :data:`~topics.sources.http.MAX_BYTES` bytes, or is not a calendar with events.
    """
    if location.startswith(("http://", "https://")):
        from .http import Fetcher, FetchError  # a local file needs no HTTP library

        try:
            content = (fetcher or Fetcher()).get(location, robots=False).content
        except FetchError as exc:
            raise SourceError(f"cannot fetch calendar {exc}") from None
    else:
        content = read_file(location, "calendar")
    return parse_ical(content, location)


@dataclass
class _Calendar:
    """What every event of one calendar shares."""

    pretalx_event: str
    zone: ZoneInfo | None
    organizer: str  # the organizer of every event: the conference, not a speaker


def parse_ical(content: bytes, source: str = "") -> Corpus:
    """Read the talks of an iCalendar file (see the module's documentation for the fields).

    Parameters
    ----------
    content : bytes
        The file's bytes, UTF-8 (RFC 5545 section 3.1.4).
    source : str
        Where the bytes come from, for messages and :attr:`Corpus.source`.

    Returns
    -------
    Corpus
        One talk per ``VEVENT`` with a ``SUMMARY``, in file order; ``title`` is the
        calendar's name, else the pretalx event, else the file's name.

    Raises
    ------
    SourceError
        If the content does not start with ``BEGIN:VCALENDAR``, cannot be parsed, or
        holds no event with a summary. The message is one line naming ``source``.
    """
    where = source or "calendar"
    if not is_calendar(content):
        if looks_like_html(content):
            raise SourceError(f"{where} is an HTML page, not an iCalendar file (BEGIN:VCALENDAR)")
        start = content.lstrip()[:20]
        raise SourceError(
            f"{where} is not an iCalendar file (starts {start!r}, not BEGIN:VCALENDAR)"
        )
    # Unfolded before decoding: a fold may split a UTF-8 character (RFC 5545 section 3.1).
    text = _FOLD.sub(b"", content.removeprefix(b"\xef\xbb\xbf")).decode("utf-8", "replace")
    try:  # icalendar parses and walks nested components without recursion
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise SourceError(f"{where} is not a valid iCalendar file: {one_line(exc)}") from None
    if not calendars:  # icalendar drops a component that is never closed
        raise SourceError(f"{where} ends before its END:VCALENDAR line (cut short?)")
    talks, names = [], []
    for calendar in calendars:
        names += [_text(calendar.get(key)) for key in ("X-WR-CALNAME", "NAME")]
        talks += _talks(calendar)
    if not talks:
        raise SourceError(f"{where} is a calendar without any event with a summary (VEVENT)")
    ids = unique_ids(slugify(t.id) for t in talks)
    talks = [replace(t, id=talk_id) for t, talk_id in zip(talks, ids, strict=True)]
    event = next((t.event for t in talks if t.event), "")
    title = next((n for n in names if n), "") or event or _stem(source) or "calendar"
    return Corpus(talks=talks, title=title, source=source)


def _talks(calendar) -> list[Talk]:
    events = [e for e in calendar.walk("VEVENT") if _text(e.get("SUMMARY"))]
    organizers = {_name(_first(e.get("ORGANIZER"))) for e in events}
    pretalx = _PRETALX.match(_text(calendar.get("PRODID")))
    shared = _Calendar(
        pretalx_event=pretalx.group(1) if pretalx else "",
        zone=times.zone(_text(calendar.get("X-WR-TIMEZONE"))),
        organizer=organizers.pop() if len(events) > 1 and len(organizers) == 1 else "",
    )
    return [_talk(event, shared) for event in events]


def _talk(event, calendar: _Calendar) -> Talk:
    title = _text(event.get("SUMMARY"))
    description = _text(event.get("DESCRIPTION"), line=False)
    url = _http(_text(event.get("URL")))
    speakers: tuple[str, ...] = tuple(
        name
        for attendee in _all(event.get("ATTENDEE"))
        if (name := _name(attendee))
        and str(attendee.params.get("CUTYPE", "")).upper() not in _NOT_SPEAKERS
        and str(attendee.params.get("ROLE", "")).upper() != "NON-PARTICIPANT"
    )
    if calendar.pretalx_event:
        title, speakers = _pretalx_summary(title)
    speakers_line = _SPEAKERS_LINE.match(description)
    if speakers_line:
        description = description[speakers_line.end() :]
        speakers = speakers or tuple(
            name for m in _SPEAKER.finditer(speakers_line.group(1)) if (name := m.group(1).strip())
        )
    if url and description.rstrip().endswith(url):
        description = description.rstrip().removesuffix(url)
    organizer = _name(_first(event.get("ORGANIZER")))
    if not speakers and organizer and organizer != calendar.organizer:
        speakers = (organizer,)
    day, time = _when(event.get("DTSTART"), calendar.zone)
    when = _span(event, calendar.zone)
    names = (_text(c) for value in _all(event.get("CATEGORIES")) for c in _cats(value))
    categories = list(dict.fromkeys(name for name in names if name))
    uid = _text(event.get("UID")).partition("@")[0]
    return Talk(
        id=uid or title,
        title=title,
        abstract=combine_texts(title, description),
        speakers=tuple(dict.fromkeys(speakers)),
        track=categories[0] if categories else "",
        tags=tuple(categories[1:]),
        day=day,
        time=time,
        room=_text(event.get("LOCATION")),
        url=url,
        event=calendar.pretalx_event,
        language=_language(event),
        **when.fields(),
    )


def _pretalx_summary(summary: str) -> tuple[str, tuple[str, ...]]:
    """``"<title> - <name>, <name>"``, pretalx's SUMMARY, as title and speakers."""
    if summary.endswith(" -"):  # a talk without speakers
        return summary.removesuffix(" -").strip(), ()
    title, dash, names = summary.rpartition(" - ")
    if not dash or not title.strip():
        return summary, ()
    return title.strip(), tuple(n for name in names.split(", ") if (n := name.strip()))


def _when(value, zone: ZoneInfo | None) -> tuple[str, str]:
    """Day and time of a ``DTSTART``; ``("", "")`` when it is missing or broken."""
    moment = value.dt if isinstance(value, vDDDTypes) else None
    if isinstance(moment, datetime):
        if zone is not None and moment.utcoffset() == timedelta(0):
            with contextlib.suppress(OverflowError, ValueError):  # year 1 or 9999: as UTC
                moment = moment.astimezone(zone)
        return moment.date().isoformat(), f"{moment.hour:02d}:{moment.minute:02d}"
    if isinstance(moment, date):
        return moment.isoformat(), ""
    return "", ""


def _span(event, zone: ZoneInfo | None) -> When:
    """Start, end and time zone of an event (see the module's documentation)."""
    start, end = (_moment(event.get(key), zone) for key in ("DTSTART", "DTEND"))
    length = getattr(_first(event.get("DURATION")), "dt", None)
    if start is None:
        return When()
    if isinstance(start.tzinfo, ZoneInfo) and start.tzinfo.key != "UTC":
        name = start.tzinfo.key
    else:
        name = zone.key if zone is not None else ""
    try:  # a VTIMEZONE of the calendar's own may fail on a date it does not cover
        return times.when(start, end, length if isinstance(length, timedelta) else None, name)
    except (ValueError, OverflowError, TypeError):
        return When()


def _moment(value, zone: ZoneInfo | None) -> datetime | None:
    """An aware date-time of a ``DTSTART`` or ``DTEND``; a floating one in ``zone``."""
    moment = _first(value)
    moment = moment.dt if isinstance(moment, vDDDTypes) else None
    if not isinstance(moment, datetime):
        return None
    try:
        offset = moment.utcoffset()
    except (ValueError, OverflowError, TypeError):
        return None
    if offset is None:
        return moment.replace(tzinfo=zone) if zone is not None else None
    return moment


def _language(event) -> str:
    for key in ("DESCRIPTION", "SUMMARY"):
        value = _first(event.get(key))
        language = getattr(value, "params", {}).get("LANGUAGE") if value is not None else None
        if isinstance(language, str) and language.strip():
            return language.strip()
    return ""


def _all(value) -> list:
    """A property's values: icalendar gives a list when the property is repeated."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _first(value):
    values = _all(value)
    return values[0] if values else None


def _cats(value) -> list:
    return list(value.cats) if isinstance(value, vCategory) else [value]


def _name(address) -> str:
    """The ``CN`` (common name) of an ``ATTENDEE`` or ``ORGANIZER``; never its e-mail."""
    params = getattr(address, "params", None)
    name = params.get("CN") if params is not None else None
    return _text(name) if isinstance(name, str) else ""


def _text(value, line: bool = True) -> str:
    """A text property as a string (the first when repeated), control characters
    dropped; ``line``: whitespace runs made one space."""
    value = _first(value)
    if not isinstance(value, str):
        return ""
    text = _CONTROL.sub("", str(value)).replace("\r\n", "\n")
    return " ".join(text.split()) if line else text.strip()


def _http(url: str) -> str:
    return url if url.startswith(("http://", "https://")) and not re.search(r"\s", url) else ""


def _stem(source: str) -> str:
    path = urlsplit(source).path if source.startswith(("http://", "https://")) else source
    return Path(path).stem
