"""Site profiles: where a conference website keeps its talk links and each talk's fields.

A :class:`Profile` names CSS selectors (the subset of CSS Selectors Level 4 that
soupsieve implements, https://facelessuser.github.io/soupsieve/) for the links on a
programme's list page and for the fields of a talk page. :data:`PROFILES` holds the
built-in ones; :func:`detect_profile` picks one from a fetched list page.

The built-in profiles were written against these sites:

``pycon-us-2019``
    PyCon US 2019 (Symposion, the Django conference app PyCon ran until 2019):
    list ``/2019/schedule/talks/list/`` (or the grid ``/2019/schedule/talks/``, which
    adds the Charlas), talk pages ``/2019/schedule/presentation/<id>/``.
    Descriptions are raw Markdown text, kept as plain text.
``pycon-us-2023``
    PyCon US 2023: list ``/2023/schedule/talks/`` (a grid), talk pages
    ``/2023/schedule/presentation/<id>/``; titles read ``"Talks: <title>"``.
``pycon-us-2025``
    PyCon US 2025: list ``/2025/schedule/talks/`` (a grid, repeated as a list for
    small screens), talk pages ``/2025/schedule/presentation/<id>/``.
``europython-2016``
    EuroPython 2016 (epcon, the EuroPython conference app): schedule grid with
    ``td.event div.name a`` links, talk pages ``/conference/talks/<slug>``. Written
    from the epcon templates (https://github.com/EuroPython/epcon), not checked
    against a copy of the site.
``pretalx``
    pretalx (https://pretalx.com and self-hosted), from 2021 on: the no-JavaScript
    schedule ``/<event>/schedule/nojs`` links talk pages ``/<event>/talk/<CODE>/``
    (title, abstract, description, speakers, "<date> <start>-<end>, <room>"; no
    track). Written against pretalx 2025.2's templates (``agenda/talk.html``,
    ``agenda/schedule_nojs.html``). :mod:`topics.sources.pretalx` uses it only when an
    event's schedule export is missing.

Inferred profiles
-----------------
A site no built-in profile matches gets a profile inferred from its own pages
(:mod:`topics.sources.inference`), named ``"inferred"``; ``topics profile URL`` writes it
as a profile file. Detection skips the built-in profiles when the environment variable
``TOPICS_BUILTIN_PROFILES`` is ``off`` (:data:`BUILTIN_VARIABLE`): tests read the sites
the built-in profiles were written for as if they were new.

Profile files
-------------
Any other site is described in a TOML file (https://toml.io/en/v1.0.0) whose keys are
the fields of :class:`Profile` (``topics sources`` lists them), given on the command
line as ``--profile my-site.toml``. Only ``talk_links`` and ``title`` are required;
``name`` defaults to the file's name. A selector field takes one CSS selector or a list
tried in order::

    # mycon.toml -- topics run https://mycon.example/2024/talks/ --profile mycon.toml
    talk_links = "ul.talks li > a"            # the talk links, on the list page
    title = "h1.talk-title"                   # then, on each talk page:
    abstract = ["div.abstract", "div.description"]   # the first that matches
    abstract_parts = ["div.description", "div.abstract"]  # or all, in page order
    list_pages = "nav.days a"                 # the programme's other list pages
    speakers = "span.speaker"                 # every match is one speaker
    track = "a.track"
    when = "p.when"                           # "Friday 10:30-11:00 in Room 1"
    conference = "MyCon"                      # the site's title: "MyCon 2024"
    event_prefix = "mycon"                    # talks' event: "mycon-2024"
"""

from __future__ import annotations

import logging
import reprlib
import tomllib
from dataclasses import InitVar, dataclass
from pathlib import Path

import regex

from .errors import SourceError

logger = logging.getLogger(__name__)

#: Longest text a profile's ``when_pattern`` or ``title_prefix`` reads, in characters (a
#: "when" line, the start of a title): a talk keeps 200 of each of day, time and room.
PATTERN_INPUT = 1_000
#: CPU time a profile's pattern may take on one text, in seconds; then it has not matched.
PATTERN_TIMEOUT = 0.5

#: A clock time as Django's ``P`` format writes it ("1:20 p.m.", "noon"), or ``HH:MM``.
_CLOCK = r"(?:\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?|noon|midnight|\d{1,2}:\d{2})"

#: Default :attr:`Profile.when_pattern`: ``"<day> <start>-<end> in <room>"`` (the dash may
#: be an en dash), as in "Thursday 1:20 p.m.-4:40 p.m. in Room 21" or
#: "Friday, May 16th, 2025 11 a.m.-11:30 a.m. in Hall C".
WHEN_PATTERN = (
    rf"^(?P<day>.+?)\s+(?P<time>{_CLOCK}\s*[\u2013\u2014-]\s*{_CLOCK})\s+in\s+(?P<room>.+)$"
)

#: :attr:`Profile.when_pattern` of inferred profiles, for any "<day> <time> <room>" line:
#: the text before the first clock time is the day, the time (or range) follows, and what
#: comes after a separator ("in", ",", "@", "|", "-") is the room, as in "2031-05-05
#: 10:00-10:30, Main hall" or "Sat 12:00 @ Aula 1".
ANY_WHEN_PATTERN = (
    rf"^(?P<day>.*?)[\s,;:\u2013\u2014-]*(?P<time>{_CLOCK}(?:\s*[\u2013\u2014-]\s*{_CLOCK})?)"
    rf"(?:\s*(?:,|;|\bin\b|@|\||\u00b7|[\u2013\u2014-])\s*(?P<room>\S.*?))?\s*$"
)

Selectors = tuple[str, ...]

_SELECTOR_FIELDS = (
    "title",
    "abstract",
    "abstract_parts",
    "details",
    "speakers",
    "track",
    "tags",
    "when",
    "day",
    "time",
    "room",
    "language",
    "markers",
)


@dataclass(frozen=True)
class Profile:
    """How to read the talks of one conference website.

    Every selector field is a tuple of CSS selectors tried in order: the first one that
    yields a non-empty value wins (a plain string is taken as a one-selector tuple).
    Single-valued fields (title, abstract, track, when, day, time, room, language) read
    the first element matched; list fields (speakers, tags) read every element matched.
    Only ``name``, ``talk_links`` and ``title`` are required.

    Parameters
    ----------
    name : str
        Identifier used on the command line, such as ``"pycon-us-2019"``.
    description : str
        One line for people: which site and years the profile was written for.
    talk_links : str
        Selector of the ``<a href>`` elements on the list page that lead to talk pages.
    list_pages : str
        Selector of the ``<a href>`` elements on the list page that lead to the other
        list pages of the programme (one per day, say); their talk links are read too.
    title : tuple of str
        Selectors of the talk title on a talk page. A page without a title is a failure.
    abstract : tuple of str
        Selectors of the element holding the talk's description; missing means ``""``.
    abstract_parts : tuple of str
        Selectors of the parts of the abstract (a "Description" and an "Abstract", say):
        every element they select, in page order, is one part, and the parts joined by
        blank lines are the abstract. When they select something, ``abstract`` is not
        read.
    details : tuple of str
        Selectors of a second, longer text (pretalx's "description" after its
        "abstract"), appended to the abstract unless the abstract already holds it.
    speakers, tags : tuple of str
        Selectors of the elements holding one speaker name, or one tag, each.
    track : tuple of str
        Selectors of the track or category.
    when : tuple of str
        Selectors of an element whose text says day, time and room together; it is
        parsed with ``when_pattern``.
    when_pattern : str
        Regular expression searched in the (whitespace-normalised) ``when`` text; its
        named groups ``day``, ``time``, ``room`` give those fields. When it does not
        match, the whole text becomes ``day``. See :func:`match_pattern` for its limits.
    day, time, room : tuple of str
        Selectors of those fields on their own; they take precedence over ``when``.
    language : tuple of str
        Selectors of the talk's language code.
    title_prefix : str
        Regular expression matched at the start of the title and removed (such as
        ``"Talks: "``). If it has a named group ``track`` and the profile's ``track``
        selectors find nothing, that group gives the track. See :func:`match_pattern`.
    title_suffix : str
        Regular expression searched at the end of the title and removed (such as
        ``" | MyCon 2024"`` after a ``<title>``).
    value_prefix : str
        Regular expression matched at the start of the speakers, track, tags, day, time,
        room and language values and removed (a label such as ``"Track: "``).
    structured_data : {"", "Event"}
        ``"Event"``: fields the selectors leave empty are read from the page's
        schema.org Event data (JSON-LD or microdata; :mod:`topics.sources.structured`).
    abstract_format : {"html", "text"}
        ``"html"``: line breaks in the source are spaces, as a browser shows them.
        ``"text"``: the element holds plain text or Markdown whose line breaks matter.
    url_pattern : str
        Regular expression searched in the list page URL; a hint for detection.
    markers : tuple of str
        Selectors that match on this site's list page and rarely elsewhere; hints
        for detection.
    event_prefix : str
        Start of the event identifier: ``"pycon-us"`` gives ``"pycon-us-2019"`` with
        the year found in the list page URL (or ``year``).
    conference : str
        Human-readable conference name, such as ``"PyCon US"``.
    year : str
        The edition the profile was written for, used when the URL holds no year.
    check_selectors : bool, default True
        Parse every selector to check it is valid CSS (``False`` for the built-in
        profiles, which a test checks; not a field).

    Raises
    ------
    SourceError
        If ``name`` or ``talk_links`` or ``title`` is empty, a selector is not valid
        CSS, a pattern is not a valid regular expression, or ``abstract_format`` is
        unknown.
    """

    name: str
    description: str
    talk_links: str
    title: Selectors
    abstract: Selectors = ()
    abstract_parts: Selectors = ()
    details: Selectors = ()
    speakers: Selectors = ()
    track: Selectors = ()
    tags: Selectors = ()
    when: Selectors = ()
    when_pattern: str = WHEN_PATTERN
    day: Selectors = ()
    time: Selectors = ()
    room: Selectors = ()
    language: Selectors = ()
    title_prefix: str = ""
    title_suffix: str = ""
    value_prefix: str = ""
    structured_data: str = ""
    list_pages: str = ""
    abstract_format: str = "html"
    url_pattern: str = ""
    markers: Selectors = ()
    event_prefix: str = ""
    conference: str = ""
    year: str = ""

    #: Whether the selectors are parsed to check them (the built-in profiles skip it:
    #: soupsieve's first parse costs 0.1 s of CPU, at every start; a test checks them).
    check_selectors: InitVar[bool] = True

    def __post_init__(self, check_selectors: bool) -> None:
        if not self.name or not self.talk_links or not self.title:
            raise SourceError(
                f"a profile needs a name, {required_fields()}; got name={self.name!r}"
            )
        if check_selectors:
            _check_selector(self.name, "talk_links", self.talk_links)
            if self.list_pages:
                _check_selector(self.name, "list_pages", self.list_pages)
        for key in _SELECTOR_FIELDS:
            value = getattr(self, key)
            value = ((value,) if value else ()) if isinstance(value, str) else tuple(value)
            object.__setattr__(self, key, value)
            for selector in value if check_selectors else ():
                _check_selector(self.name, key, selector)
        for key in ("when_pattern", "title_prefix", "title_suffix", "value_prefix", "url_pattern"):
            try:
                regex.compile(getattr(self, key))
            except regex.error as exc:
                raise SourceError(
                    f"profile {self.name!r}: {key} is not a regular expression ({exc})"
                ) from None
        if self.abstract_format not in ("html", "text"):
            raise SourceError(
                f"profile {self.name!r}: abstract_format must be 'html' or 'text',"
                f" not {self.abstract_format!r}"
            )
        if self.structured_data not in ("", "Event"):
            raise SourceError(
                f"profile {self.name!r}: structured_data must be 'Event' or empty,"
                f" not {self.structured_data!r}"
            )


def match_pattern(pattern: str, text: str, at_start: bool = False) -> regex.Match | None:
    """Search a profile's pattern in crawled text, within a time limit.

    Profile patterns come from users' files too, and a pattern can take exponential
    time on some texts (``(a|aa)+$`` on a run of ``a``, say), so they are run by the
    regex package (https://github.com/mrabarnett/mrab-regex; the syntax of Python's
    :mod:`re`), which stops a match after :data:`PATTERN_TIMEOUT` seconds of CPU time,
    on the first :data:`PATTERN_INPUT` characters of ``text`` only.

    Parameters
    ----------
    pattern : str
        A regular expression, as a profile's ``when_pattern`` or ``title_prefix``.
    text : str
        The text it reads (its first :data:`PATTERN_INPUT` characters).
    at_start : bool
        Match at the start of ``text`` only (:func:`regex.match`), else anywhere.

    Returns
    -------
    regex.Match or None
        None when the pattern does not match, or took too long: then one warning on
        this module's logger says so, and the pattern is not run again in this process
        (a crawl of 5,000 pages built to be slow would take 5,000 times the limit).
    """
    if pattern in _TIMED_OUT:
        return None
    find = regex.match if at_start else regex.search
    try:
        return find(pattern, text[:PATTERN_INPUT], timeout=PATTERN_TIMEOUT)
    except TimeoutError:
        _TIMED_OUT.add(pattern)
        logger.warning(
            "the profile pattern %r took over %s s of CPU time on %r...: it is taken as"
            " matching nothing, there and on every page after",
            pattern[:100],
            PATTERN_TIMEOUT,
            text[:60],
        )
        return None


#: Patterns that took too long once (see :func:`match_pattern`).
_TIMED_OUT: set[str] = set()


def _check_selector(profile: str, key: str, selector: str) -> None:
    import soupsieve  # imported by the first profile checked: the built-in ones are not

    try:
        soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, TypeError) as exc:
        message = str(exc).splitlines()[0]
        raise SourceError(
            f"profile {profile!r}: {key} selector {selector!r} is not valid CSS ({message})"
        ) from None


#: Every field of a profile file, with one line saying what it holds.
FIELDS: dict[str, str] = {
    "name": "identifier, such as 'mycon-2024' (default: the file's name)",
    "description": "one line for people: which site and years the profile is for",
    "talk_links": "REQUIRED: CSS selector of the <a href> talk links on the list page",
    "list_pages": "selector of links to the programme's other list pages (day tabs)",
    "title": "REQUIRED: selector(s) of the talk's title on a talk page",
    "abstract": "selector(s) of the element holding the talk's description",
    "abstract_parts": "selector(s) of the abstract's parts: all, in page order (wins)",
    "details": "selector(s) of a longer text appended to the abstract",
    "speakers": "selector(s) matching one speaker name each",
    "track": "selector(s) of the track or category",
    "tags": "selector(s) matching one tag each",
    "when": "selector(s) of a 'day time in room' line, split by when_pattern",
    "when_pattern": "regular expression with groups day, time, room, searched in 'when'",
    "day": "selector(s) of the day alone (wins over 'when')",
    "time": "selector(s) of the time alone",
    "room": "selector(s) of the room alone",
    "language": "selector(s) of the talk's language",
    "title_prefix": "regular expression removed from the start of titles, e.g. 'Talks: '",
    "title_suffix": "regular expression removed from the end of titles, e.g. ' | MyCon'",
    "value_prefix": "regular expression removed from the start of other values ('Track:')",
    "structured_data": "'Event': read empty fields from schema.org Event data (JSON-LD)",
    "abstract_format": "'html' (line breaks are spaces) or 'text' (Markdown, breaks kept)",
    "url_pattern": "regular expression matching the list page URL (detection hint)",
    "markers": "selector(s) found on this site's list page (detection hints)",
    "event_prefix": "start of the talks' event name; the year in the URL is appended",
    "conference": "conference name for the site's title; the year is appended",
    "year": "the edition, when the URL holds no year",
}


def required_fields() -> str:
    """Say, in one line, which fields a profile needs (for error messages)."""
    return (
        "talk_links (CSS selector of the talk links on the list page) and title (selector"
        " of the title on a talk page); optionally abstract (or abstract_parts), details,"
        " speakers, track, tags, when (or day, time, room), language and list_pages selectors"
    )


def load_profile(path: str | Path) -> Profile:
    """Read a profile file: TOML (https://toml.io/en/v1.0.0) with :data:`FIELDS` as keys.

    Parameters
    ----------
    path : str or Path
        The file. ``name`` defaults to its stem, ``description`` to its path.

    Returns
    -------
    Profile

    Raises
    ------
    SourceError
        If the file cannot be read, is not TOML (or nests arrays or tables too deeply
        to be read), has a key that is no profile field
        (the message lists the fields), a value of the wrong type (a selector field
        takes a string or a list of strings, the others a string), or makes an
        invalid :class:`Profile`.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"cannot read profile file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SourceError(f"profile file {path} is not UTF-8 text") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise SourceError(f"profile file {path} nests arrays or tables too deeply") from None
    except ValueError as exc:  # TOMLDecodeError, or an integer of over 4300 digits
        raise SourceError(f"profile file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise SourceError(
            f"profile file {path}: unknown field(s) {', '.join(unknown)};"
            f" the fields are {', '.join(FIELDS)}"
        )
    for key, value in data.items():
        if key in _SELECTOR_FIELDS:
            ok = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            )
            wanted = "a CSS selector or a list of them"
        else:
            ok, wanted = isinstance(value, str), "a string"
        if not ok:
            raise SourceError(
                f"profile file {path}: {key} must be {wanted}, not {reprlib.repr(value)}"
            )
    data.setdefault("name", path.stem)
    data.setdefault("description", f"profile file {path}")
    data.setdefault("talk_links", "")
    data.setdefault("title", ())
    if not data["talk_links"] or not data["title"]:
        raise SourceError(f"profile file {path} needs {required_fields()}")
    return Profile(**data)
