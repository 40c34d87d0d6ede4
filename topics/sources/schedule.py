"""Talks from a conference schedule: frab / pentabarf ``schedule.xml`` or c3voc ``schedule.json``.

Both formats come from pentabarf, were extended by frab and are exported by pretalx,
osem and others (FOSDEM, Chaos Communication Congress/Camp, FrOSCon, ...). Formats:

* XML -- ``<schedule><conference>...</conference><day><room><event id=...>`` with
  ``title``, ``subtitle``, ``track``, ``type``, ``abstract``, ``description``,
  ``persons/person``, ``links``, ``start``, ``date``, ``room``, ``slug``, ``language``,
  ``url``. Schema: https://github.com/voc/schedule/blob/master/validator/xsd/schedule.xml.xsd
  (also https://c3voc.de/schedule/schema.xsd); documentation:
  https://c3voc.de/wiki/schedule; frab: https://github.com/frab/frab; pentabarf:
  https://github.com/nevs/pentabarf.
* JSON -- the c3voc ``schedule.json`` of https://github.com/voc/schedule: the format
  frab and pretalx export, ``schedule.conference.days[].rooms{name: [event, ...]}`` with
  events as in the XML and ``persons[{public_name | name}]``; also the newer draft
  (https://c3voc.de/schema/schedule2, ``validator/json/schema2.json`` in that repository)
  with a flat ``schedule.events`` list, ``participants``, ``track``/``room`` objects and
  localized (``{"en": ..., "de": ...}``) texts.

Which of the two a file is, is read from its bytes, never from its name or media type.
Files are untrusted: XML is parsed with lxml configured to resolve no entities, load no
DTD and use no network (``resolve_entities=False, no_network=True, load_dtd=False``); an
entity reference is dropped from the text. Every failure is a :class:`SourceError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..corpus import Corpus, Talk, slugify, unique_ids
from . import times
from .errors import SourceError, one_line
from .formats import BOMS
from .text import combine_texts
from .times import When, from_schedule

if TYPE_CHECKING:
    from .http import Fetcher

#: Types of the schedule2 draft's non-talk entries (breaks, meta events): skipped.
_META_TYPES = frozenset({"BREAK", "META"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"T(\d{2}:\d{2})")
#: Markdown links and images (pretalx texts are Markdown): keep the link text only.
# Patterns are written to run in linear time on any input (no "[^>]*" scans past a "<").
#: The start of an HTML page (a web page saved as schedule.xml), after any XML
#: declaration and comments.
_HTML = re.compile(
    r"\A[\ufeff\s]*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s/>])",
    re.IGNORECASE | re.DOTALL,
)
#: The start of a frab schedule: XML declaration, comments and document type, then <schedule>.
_SCHEDULE_XML = re.compile(
    r"\A(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!doctype[^>\[]*>\s*)*<schedule[\s/>]",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class _Event:
    """One event as read from either format, before it becomes a :class:`Talk`."""

    key: str
    title: str
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    speakers: tuple[str, ...] = ()
    track: str = ""
    day: str = ""
    time: str = ""
    room: str = ""
    url: str = ""
    language: str = ""
    when: When = field(default_factory=When)


def load_schedule(location: str, fetcher: Fetcher | None = None) -> Corpus:
    """Load a frab/pentabarf ``schedule.xml`` or a c3voc ``schedule.json`` as a corpus.

    Formats: https://github.com/voc/schedule (XML schema
    ``validator/xsd/schedule.xml.xsd``, JSON schema ``validator/json/schema2.json``) and
    https://c3voc.de/wiki/schedule. See :func:`parse_schedule`.

    Parameters
    ----------
    location : str
        A local file path, or an http(s) URL.
    fetcher : Fetcher, optional
        Used for URLs; a non-caching one is made when omitted.

    Returns
    -------
    Corpus
        One talk per titled event, in schedule order; ``source`` is ``location``.

    Raises
    ------
    SourceError
        If the file cannot be read or fetched, or is not a schedule with events.
    """
    if location.startswith(("http://", "https://")):
        from .http import Fetcher, FetchError  # a local file needs no HTTP library

        try:
            content = (fetcher or Fetcher()).get(location, robots=False).content
        except FetchError as exc:
            raise SourceError(f"cannot fetch schedule {exc}") from None
    else:
        try:
            content = Path(location).read_bytes()
        except FileNotFoundError:
            raise SourceError(f"no schedule file at {location}") from None
        except OSError as exc:
            raise SourceError(f"cannot read schedule {location}: {exc.strerror or exc}") from None
    return parse_schedule(content, location)


def parse_schedule(content: bytes, source: str = "") -> Corpus:
    """Read the talks of a schedule, XML or JSON, told apart by the content's first character.

    Each event becomes a :class:`Talk`: ``id`` from its ``slug`` (else its ``id``, ``guid``
    or title), made unique; ``abstract`` is the plain text of the subtitle, the (HTML or
    Markdown) abstract and the description, a text contained in another one given only once
    and a text equal to the title left out; ``speakers`` from the persons; ``day`` the
    event's date (``YYYY-MM-DD``) and ``time`` its start as the schedule writes it
    (``HH:MM``); ``start``, ``end`` and ``timezone`` from the event's date-time and duration
    (schedule2: ``start`` and ``end``) in the conference's ``time_zone_name`` (see
    :func:`topics.sources.times.from_schedule`); ``url`` only when http(s); ``event`` is the
    conference acronym. Events without a title (and the schedule2 draft's ``BREAK``/``META``
    entries) are skipped.

    Formats: frab/pentabarf XML
    (https://github.com/voc/schedule/blob/master/validator/xsd/schedule.xml.xsd) and the
    c3voc JSON (https://github.com/voc/schedule, https://c3voc.de/schema/schedule2).

    Parameters
    ----------
    content : bytes
        The file's bytes (UTF-8, or as its XML declaration or byte order mark says).
    source : str
        Where the bytes come from, for messages and :attr:`Corpus.source`.

    Returns
    -------
    Corpus
        At least one talk; ``title`` is the conference title.

    Raises
    ------
    SourceError
        If the content is neither XML nor JSON, is an HTML page, is malformed, is not a
        schedule, or holds no titled event. The message is one line naming ``source``.
    """
    where = source or "schedule"
    kind = _sniff(content)
    if kind == "xml" and _HTML.match(content[:1024].decode("utf-8", errors="ignore")):
        raise SourceError(
            f"{where} is an HTML page, not a schedule (frab XML or c3voc JSON): give the"
            " schedule's export, or the page's URL to crawl it"
        )
    if kind == "xml":
        title, acronym, events = _read_xml(content, where)
    elif kind == "json":
        title, acronym, events = _read_json(content, where)
    else:
        start = content.lstrip()[:20]
        raise SourceError(f"{where} is neither schedule XML nor schedule JSON (starts {start!r})")
    return _corpus(title, acronym, events, source, where)


def is_schedule(content: bytes, media_type: str = "") -> bool:
    """Whether a fetched document is a schedule rather than a web page, from its bytes.

    For URLs whose path does not say ``.xml`` or ``.json`` (FOSDEM's
    ``https://fosdem.org/2024/schedule/xml``).

    Parameters
    ----------
    content : bytes
        The document.
    media_type : str
        Its media type, lower case without parameters; never a schedule when HTML.

    Returns
    -------
    bool
        True for JSON, or XML whose root element is ``<schedule>``, not served as HTML.
    """
    if media_type in ("text/html", "application/xhtml+xml"):
        return False
    head = _head(content)
    return head[:1] in ("{", "[") or bool(_SCHEDULE_XML.match(head))


def _sniff(content: bytes) -> str:
    first = _head(content)[:1]
    return {"<": "xml", "{": "json", "[": "json"}.get(first, "")


def _head(content: bytes) -> str:
    """The first 1024 bytes decoded (as their byte order mark says), leading space removed."""
    head = content[:1024]
    codec = "utf-8"
    for bom, name in BOMS:
        if head.startswith(bom):
            head, codec = head[len(bom) :], name
            break
    return head.decode(codec, errors="ignore").lstrip(" \t\r\n\x00\ufeff")


# --- XML -------------------------------------------------------------------------------


def _read_xml(content: bytes, where: str) -> tuple[str, str, list[_Event]]:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:  # exc.msg has no "(<string>, line n)" suffix
        raise SourceError(f"{where} is not well-formed XML: {one_line(exc.msg or exc)}") from None
    except (etree.LxmlError, ValueError) as exc:
        raise SourceError(f"{where} is not well-formed XML: {one_line(exc)}") from None
    if root is None or not isinstance(root.tag, str):
        raise SourceError(f"{where} is an XML file without a root element")
    name = root.tag.rpartition("}")[2]
    if name != "schedule":
        raise SourceError(f"{where} is XML but not a schedule: root element <{name}>")
    conference = root.find("conference")
    title = _xml_text(conference.find("title")) if conference is not None else ""
    acronym = _xml_text(conference.find("acronym")) if conference is not None else ""
    zone = _xml_text(conference.find("time_zone_name")) if conference is not None else ""
    events = [
        event
        for day in root.iterfind("day")
        for room in day.iterfind("room")
        for element in room.iterfind("event")
        if (
            event := _xml_event(
                element, acronym, day.get("date") or "", room.get("name") or "", zone
            )
        )
    ]
    return title, acronym, events


def _xml_event(element, acronym: str, date: str, room: str, zone: str) -> _Event | None:
    def text(tag: str) -> str:
        return _xml_text(element.find(tag))

    title = text("title")
    if not title:
        return None
    speakers = tuple(name for p in element.iterfind("persons/person") if (name := _xml_text(p)))
    start = text("date")
    return _Event(
        key=text("slug") or _numbered(acronym, element.get("id")) or element.get("guid") or title,
        title=title,
        subtitle=text("subtitle"),
        abstract=_xml_html(element.find("abstract")),
        description=_xml_html(element.find("description")),
        speakers=speakers,
        track=text("track"),
        day=_date(start) or _date(date),
        time=text("start") or _clock(start),
        room=text("room") or room,
        url=_http(text("url")),
        language=text("language"),
        when=from_schedule(start, date, text("start"), text("duration"), zone),
    )


def _xml_text(element) -> str:
    """Text of an element and its descendants, entity references left out, trimmed."""
    if element is None:
        return ""
    return " ".join(_gather(element).split())


def _gather(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_gather(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _xml_html(element) -> str:
    """The HTML an element holds: escaped text (FOSDEM) or child elements (XHTML)."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", with_tail=False))
        parts.append(child.tail or "")
    return "".join(parts)


# --- JSON ------------------------------------------------------------------------------


def is_c3voc(data: object) -> bool:
    """Whether parsed JSON is a c3voc schedule: a ``schedule`` object holding ``conference``."""
    schedule = data.get("schedule") if isinstance(data, dict) else None
    return isinstance(schedule, dict) and "conference" in schedule


def schedule_from_json(data: object, source: str = "") -> Corpus:
    """Read the talks of a c3voc schedule already parsed from JSON, as :func:`parse_schedule`.

    Parameters
    ----------
    data : object
        What :func:`json.loads` gave for the document.
    source : str
        Where the document comes from, for messages and :attr:`Corpus.source`.

    Raises
    ------
    SourceError
        If ``data`` is not a c3voc schedule or holds no titled event (one line naming
        ``source``).
    """
    where = source or "schedule"
    return _corpus(*_json_schedule(data, where), source, where)


def _read_json(content: bytes, where: str) -> tuple[str, str, list[_Event]]:
    try:
        data = json.loads(content)
    except RecursionError:
        raise SourceError(f"{where} is JSON nested too deeply to be a schedule") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, huge integers
        raise SourceError(f"{where} is not valid JSON: {one_line(exc)}") from None
    return _json_schedule(data, where)


def _json_schedule(data: object, where: str) -> tuple[str, str, list[_Event]]:
    schedule = data.get("schedule") if isinstance(data, dict) else None
    if not isinstance(schedule, dict):
        raise SourceError(f"{where} is JSON but not a c3voc schedule: no 'schedule' object")
    conference = schedule.get("conference")
    if not isinstance(conference, dict):
        raise SourceError(f"{where} is not a c3voc schedule: no 'schedule.conference' object")
    title = _line(conference.get("title"))
    acronym = _line(conference.get("acronym"))
    days = conference.get("days")
    days = [d for d in days if isinstance(d, dict)] if isinstance(days, list) else []
    zone = _line(conference.get("time_zone_name"))
    if any(isinstance(day.get("rooms"), dict) for day in days):
        events = list(_legacy_events(days, acronym, zone))
    elif isinstance(schedule.get("events"), list):
        events = list(_schedule2_events(schedule["events"], conference, acronym, zone))
    else:
        raise SourceError(
            f"{where} is not a c3voc schedule: neither 'schedule.conference.days[].rooms' "
            "nor 'schedule.events'"
        )
    return title, acronym, events


def _legacy_events(days: list[dict], acronym: str, zone: str) -> Iterator[_Event]:
    """Events of the frab/pretalx ``schedule.json``: ``days[].rooms{name: [event]}``."""
    for day in days:
        rooms = day.get("rooms")
        if not isinstance(rooms, dict):
            continue
        for room, entries in rooms.items():
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, dict) and (title := _line(entry.get("title"))):
                    language = _line(entry.get("language"))
                    date = _text(entry.get("date"))
                    yield _Event(
                        key=_key(entry, acronym, title),
                        title=title,
                        subtitle=_line(entry.get("subtitle"), language),
                        abstract=_text(entry.get("abstract"), language),
                        description=_text(entry.get("description"), language),
                        speakers=_people(entry.get("persons")),
                        track=_name(entry.get("track")),
                        day=_date(date) or _date(_text(day.get("date"))),
                        time=_line(entry.get("start")) or _clock(date),
                        room=_name(entry.get("room")) or str(room),
                        url=_http(_line(entry.get("url"))),
                        language=language,
                        when=from_schedule(
                            date,
                            _text(day.get("date")),
                            _line(entry.get("start")),
                            _line(entry.get("duration")),
                            zone,
                        ),
                    )


def _schedule2_events(entries: list, conference: dict, acronym: str, zone: str) -> Iterator[_Event]:
    """Events of the schedule2 draft: a flat ``schedule.events`` list."""
    tracks = _names_by(conference.get("tracks"), "slug")
    rooms = _names_by(conference.get("rooms"), "guid")
    for entry in entries:
        if not isinstance(entry, dict) or _text(entry.get("type")).upper() in _META_TYPES:
            continue
        language = _line(entry.get("language"))
        title = _line(entry.get("title"), language)
        if not title:
            continue
        track, room, start = entry.get("track"), entry.get("room"), _text(entry.get("start"))
        yield _Event(
            key=_key(entry, acronym, title),
            title=title,
            subtitle=_line(entry.get("subtitle"), language),
            abstract=_text(entry.get("abstract"), language),
            description=_text(entry.get("description"), language),
            speakers=_people(entry.get("participants") or entry.get("persons")),
            track=_name(track)
            or tracks.get(_text(_get(track, "slug")), "")
            or _text(_get(track, "slug")),
            day=_date(start),
            time=_clock(start),
            room=_name(room) or rooms.get(_text(_get(room, "guid")), ""),
            url=_http(_line(entry.get("url"))),
            language=language,
            when=_schedule2_when(entry, start, zone),
        )


def _schedule2_when(entry: dict, start: str, zone: str) -> When:
    """A schedule2 event's time: ``start`` and ``end``, else the deprecated ``duration``."""
    where = times.zone(zone)
    return times.when(
        times.moment(start, where),
        times.moment(_text(entry.get("end")), where),
        times.duration(_text(entry.get("duration"))),
        zone,
    )


def _get(value, key: str):
    return value.get(key) if isinstance(value, dict) else None


def _names_by(items, key: str) -> dict[str, str]:
    if not isinstance(items, list):
        return {}
    return {
        _text(item.get(key)): _line(item.get("name"))
        for item in items
        if isinstance(item, dict) and _text(item.get(key))
    }


def _key(entry: dict, acronym: str, title: str) -> str:
    return (
        _text(entry.get("slug"))
        or _numbered(acronym, _text(entry.get("id")))
        or _text(entry.get("guid"))
        or title
    )


def _people(persons) -> tuple[str, ...]:
    names = []
    for person in persons if isinstance(persons, list) else ():
        if isinstance(person, dict):
            fields = ("public_name", "full_public_name", "name", "full_name")
            name = next((n for f in fields if (n := _line(person.get(f)))), "")
        else:
            name = _line(person)
        if name:
            names.append(name)
    return tuple(names)


def _name(value) -> str:
    """A track or room: a string, or an object with a ``name``."""
    if isinstance(value, dict):
        value = value.get("name")
    return _line(value)


def _line(value, language: str = "") -> str:
    """A JSON value as one line of text (titles, names), see :func:`_text`."""
    return " ".join(_text(value, language).split())


def _text(value, language: str = "") -> str:
    """A JSON value as trimmed text: strings and numbers; a localized ``{lang: text}`` map
    gives the text in ``language``, else English, else the first one."""
    if isinstance(value, dict):
        texts = [v for v in value.values() if isinstance(v, str) and v.strip()]
        value = value.get(language) or value.get("en") or (texts[0] if texts else "")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


# --- both ------------------------------------------------------------------------------


def _numbered(acronym: str, number: str | None) -> str:
    if not number:
        return ""
    return f"{acronym}-{number}" if acronym else number


def _date(text: str) -> str:
    match = _DATE.match(text.strip())
    return match.group() if match else ""


def _clock(text: str) -> str:
    match = _CLOCK.search(text)
    return match.group(1) if match else ""


def _http(url: str) -> str:
    return url if url.startswith(("http://", "https://")) and not re.search(r"\s", url) else ""


def _corpus(title: str, acronym: str, events: list[_Event], source: str, where: str) -> Corpus:
    if not events:
        raise SourceError(f"{where} is a schedule without any titled event")
    ids = unique_ids(slugify(event.key) for event in events)
    talks = [
        Talk(
            id=talk_id,
            title=event.title,
            abstract=combine_texts(event.title, event.subtitle, event.abstract, event.description),
            speakers=event.speakers,
            track=event.track,
            day=event.day,
            time=event.time,
            room=event.room,
            url=event.url,
            event=acronym,
            language=event.language,
            **event.when.fields(),
        )
        for talk_id, event in zip(ids, events, strict=True)
    ]
    return Corpus(talks=talks, title=title or acronym or Path(source).stem, source=source)
