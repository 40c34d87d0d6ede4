"""Reading the pages of a crawl with a site profile: a list page's talk links, a talk
page's fields."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

from ..corpus import Talk, folded, slugify
from .errors import SourceError, one_line
from .http import Page
from .links import site_links
from .profiles import Profile, match_pattern
from .sniffing import UNKNOWN_TYPES, decode_html, describe_binary, looks_like_html
from .structured import event_fields
from .text import element_text

#: Media types read as HTML; a body of a type in
#: :data:`~topics.sources.sniffing.UNKNOWN_TYPES` (or with none) is, when its bytes are.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


class TalkPageError(SourceError):
    """A talk page was fetched but holds no usable talk (no title, not HTML, empty)."""


def parse_html(page: Page) -> BeautifulSoup:
    """Parse a fetched page as HTML.

    A page served as :data:`HTML_TYPES` is HTML; one served with no ``Content-Type``,
    as ``application/octet-stream``, ``text/plain`` or another type in
    :data:`~topics.sources.sniffing.UNKNOWN_TYPES` is HTML when its first bytes are
    (:func:`~topics.sources.sniffing.looks_like_html`, the WHATWG MIME Sniffing
    rules). Its bytes are decoded as a browser does
    (:func:`~topics.sources.sniffing.decode_html`: byte order mark, HTTP charset,
    ``<meta charset>``, else UTF-8 or Windows-1252; an ISO-8859-1 label means
    Windows-1252); bytes invalid in that encoding become U+FFFD.

    Raises
    ------
    TalkPageError
        If the page is not HTML (by its ``Content-Type``, or by its bytes when the type
        says nothing), its body is empty, or the parser gives up on it.
    """
    if page.content_type not in HTML_TYPES:
        if page.content_type not in UNKNOWN_TYPES:
            raise TalkPageError(f"not an HTML page ({page.content_type})")
        if page.content.strip() and not looks_like_html(page.content):
            served = page.content_type or "no Content-Type"
            what = describe_binary(page.content) or "bytes that do not start like HTML"
            raise TalkPageError(f"not an HTML page ({served}, {what})")
    if not page.content.strip():
        raise TalkPageError("empty page")
    text, _ = decode_html(page.content, page.encoding)
    try:
        return BeautifulSoup(text, "lxml")
    except (ValueError, LookupError, ParserRejectedMarkup) as exc:
        raise TalkPageError(f"unreadable page ({one_line(exc)})") from None


def talk_links(page_url: str, soup: BeautifulSoup, profile: Profile) -> list[str]:
    """The talk page URLs a list page links to.

    Links matched by ``profile.talk_links`` are resolved against the page URL (or its
    ``<base href>``), stripped of their fragment, and kept when they are http(s) links
    to the list page's origin (scheme, host and port: :func:`~topics.sources.http.origin`)
    other than the list page itself; repeats are dropped, first occurrence first.

    Raises
    ------
    SourceError
        If no link is left; the message names the selector and the profile.
    """
    matched = soup.select(profile.talk_links)
    links = dict.fromkeys(url for _, url in site_links(page_url, soup, matched))
    if not links:
        parts = urlsplit(page_url)
        found = (
            f"matched {len(matched)} elements but none links to a page on"
            f" {parts.scheme}://{parts.netloc}"
            if matched
            else "matched nothing"
        )
        raise SourceError(
            f"no talk links on {page_url}: the talk_links selector {profile.talk_links!r}"
            f" of profile {profile.name!r} {found}"
        )
    return list(links)


def parse_talk(page: Page, profile: Profile, event: str = "") -> Talk:
    """Read one talk from its page.

    Parameters
    ----------
    page : Page
        The fetched talk page.
    profile : Profile
        Says where each field is.
    event : str
        Stored in :attr:`Talk.event`.

    Returns
    -------
    Talk
        Its ``id`` is :func:`talk_id` of the page URL; its ``url`` the page URL.

    Raises
    ------
    TalkPageError
        If the page is not HTML, is empty, or has no title.
    """
    soup = parse_html(page)
    fmt = profile.abstract_format
    title = _clean_title(_first(soup, profile.title, _inline_text), profile)
    abstract = _parts(soup, profile.abstract_parts, fmt) or _first(
        soup, profile.abstract, lambda el: element_text(el, fmt)
    )
    details = _first(soup, profile.details, lambda el: element_text(el, fmt))
    if details and folded(details) not in folded(abstract):
        abstract = f"{abstract}\n\n{details}" if abstract else details
    strip = _label_stripper(profile.value_prefix)
    track = strip(_first(soup, profile.track, _inline_text))
    if profile.title_prefix:
        match = match_pattern(profile.title_prefix, title, at_start=True)
        if match:
            title = title[match.end() :].strip()
            if not track and "track" in match.groupdict():
                track = match["track"] or ""
    day, time, room = parse_when(_first(soup, profile.when, _inline_text), profile.when_pattern)
    fields = {
        "speakers": tuple(dict.fromkeys(v for v in map(strip, _all(soup, profile.speakers)) if v)),
        "track": track,
        "tags": tuple(dict.fromkeys(v for v in map(strip, _all(soup, profile.tags)) if v)),
        "day": strip(_first(soup, profile.day, _inline_text)) or day,
        "time": strip(_first(soup, profile.time, _inline_text)) or time,
        "room": strip(_first(soup, profile.room, _inline_text)) or room,
        "language": strip(_first(soup, profile.language, _inline_text)),
        "start": "",  # only from structured data: pages write no time zone
        "end": "",
    }
    if profile.structured_data:
        data = event_fields(page.content, page.url)
        title = title or data.get("title", "")
        abstract = abstract or data.get("abstract", "")
        fields |= {key: data[key] for key, value in fields.items() if not value and key in data}
    if not title:
        raise TalkPageError(f"no title (selectors {', '.join(profile.title)})")
    return Talk(
        id=talk_id(page.url), title=title, abstract=abstract, url=page.url, event=event, **fields
    )


def _clean_title(title: str, profile: Profile) -> str:
    """The title without the profile's ``title_suffix`` (a site name after it)."""
    if profile.title_suffix:
        match = match_pattern(profile.title_suffix, title)
        if match and match.end() == len(title) and match.start() > 0:
            title = title[: match.start()].strip()
    return title


def _label_stripper(pattern: str):
    """A function removing ``pattern`` (a label such as "Track:") from a value's start;
    the pattern runs within :func:`~topics.sources.profiles.match_pattern`'s limits."""
    if not pattern:
        return lambda value: value

    def strip(value: str) -> str:
        match = match_pattern(pattern, value, at_start=True) if value else None
        return value[match.end() :].strip() if match else value.strip()

    return strip


def _parts(soup: BeautifulSoup, selectors: tuple[str, ...], fmt: str) -> str:
    """Every element the selectors select, in page order (one inside another read once),
    as text joined by blank lines."""
    if not selectors:
        return ""
    found = soup.select(", ".join(selectors))
    chosen = set(map(id, found))
    parts = (
        element_text(el, fmt)
        for el in found
        if not any(id(parent) in chosen for parent in el.parents)
    )
    return "\n\n".join(part for part in parts if part)


def parse_when(text: str, pattern: str) -> tuple[str, str, str]:
    """Split a "when" line into day, time and room.

    Parameters
    ----------
    text : str
        Such as ``"Thursday 1:20 p.m.-4:40 p.m. in Room 21"``.
    pattern : str
        Regular expression with named groups ``day``, ``time``, ``room`` (any of them),
        searched in ``text``; see :data:`topics.sources.profiles.WHEN_PATTERN`, and
        :func:`topics.sources.profiles.match_pattern` for the limits it runs within.

    Returns
    -------
    tuple of str
        ``(day, time, room)``; ``(text, "", "")`` when the pattern does not match.
    """
    text = " ".join(text.split())
    match = match_pattern(pattern, text) if text else None
    if not match:
        return text, "", ""
    groups = match.groupdict()
    day, time, room = ((groups.get(key) or "").strip() for key in ("day", "time", "room"))
    return day, time, room


def _inline_text(element: Tag | None) -> str:
    """The element's text on one line, whitespace normalised (a ``<meta>``'s content)."""
    if element is None:
        return ""
    if element.name == "meta":
        return " ".join(str(element.get("content") or "").split())
    return " ".join(element_text(element).split())


def _first(soup: BeautifulSoup, selectors: tuple[str, ...], read) -> str:
    """The value read from the first element of the first selector that gives one."""
    for selector in selectors:
        element = soup.select_one(selector)
        if element is not None:
            value = read(element)
            if value:
                return value
    return ""


def _all(soup: BeautifulSoup, selectors: tuple[str, ...]) -> tuple[str, ...]:
    """The texts of all elements of the first selector that gives any, deduplicated."""
    for selector in selectors:
        values = (_inline_text(el) for el in soup.select(selector))
        found = tuple(dict.fromkeys(v for v in values if v))
        if found:
            return found
    return ()


def talk_id(url: str) -> str:
    """A slug naming a talk page, from the last meaningful segment of its URL path.

    ``index.html`` and file extensions are dropped, and a query string is appended.

    Examples
    --------
    >>> talk_id("https://us.pycon.org/2019/schedule/presentation/235/")
    '235'
    >>> talk_id("https://us.pycon.org/2023/schedule/presentation/127/index.html")
    '127'
    >>> talk_id("https://ep2016.europython.eu/conference/talks/the-gil-is-dead")
    'the-gil-is-dead'
    """
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    if segments and re.fullmatch(r"(?i)index\.\w+", segments[-1]):
        segments.pop()
    name = re.sub(r"(?i)\.(html?|php|aspx?|jsp)$", "", segments[-1]) if segments else ""
    if parts.query:
        name = f"{name}-{unquote(parts.query)}"
    return slugify(name or parts.hostname or "talk")


def event_name(list_url: str, profile: Profile) -> str:
    """Identifier of the event a list page belongs to, such as ``"pycon-us-2019"``.

    The profile's ``event_prefix`` followed by the first year in the URL's host and path
    (or the profile's ``year``); a profile without a prefix gives the host's slug.
    """
    parts = urlsplit(list_url)
    found = _YEAR.search(f"{parts.hostname or ''}{parts.path}")
    year = found.group() if found else profile.year
    if profile.event_prefix:
        return f"{profile.event_prefix}-{year}" if year else profile.event_prefix
    return slugify(f"{parts.hostname or ''}-{year}" if year else parts.hostname or "event")


def corpus_title(list_url: str, profile: Profile) -> str:
    """Human-readable name of the event, such as ``"PyCon US 2019"``; ``""`` if unknown."""
    if not profile.conference:
        return ""
    parts = urlsplit(list_url)
    found = _YEAR.search(f"{parts.hostname or ''}{parts.path}")
    return f"{profile.conference} {found.group() if found else profile.year}".strip()
