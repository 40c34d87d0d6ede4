"""Talks from a feed: RSS 0.9x, 1.0 and 2.0, and Atom.

Feeds are parsed with `feedparser <https://feedparser.readthedocs.io>`_. A document is a
feed when its root element, after a byte order mark, an XML declaration, comments,
processing instructions and a document type, is ``<rss>`` (RSS 0.91-2.0,
https://www.rssboard.org/rss-specification), an ``<rdf:RDF>`` in RSS 1.0's or 0.90's
namespace (https://web.resource.org/rss/1.0/spec), or a ``<feed>`` in Atom's namespace
(RFC 4287, or Atom 0.3): read from the bytes, whatever the file's name or the media type
it is served with. A frab ``<schedule>`` is none of them. Each entry is one talk:

=========  ===================================================================
field      from
=========  ===================================================================
title      the entry's title, HTML made plain text; an entry without one is
           titled by the first line of its text, one without either skipped
abstract   its content, else its summary, HTML made plain text as crawled pages
           are (:func:`topics.text.html_to_text`); empty when the entry has
           neither (the site then says no abstract was published)
speakers   its authors' names (Atom ``author``, RSS ``dc:creator``, the name an
           RSS ``author`` gives in parentheses); never an e-mail address
track      its first category (label, else term); the others are its tags
day, time  ``published``, else ``updated``, as the feed writes it
           (``YYYY-MM-DD``, ``HH:MM``: no time for a date alone)
url        its link (http(s) only; relative to the feed's URL)
id         its id (``guid``), else its link: a URL's last path segment, else
           the id as a slug
language   the ``xml:lang`` of its text, else the feed's language
=========  ===================================================================

An arXiv entry (id ``http://arxiv.org/abs/<arXiv id>``) has the arXiv identifier without
its version as id (``2401.01234v2`` -> ``2401-01234``: one talk whatever the version),
its ``arxiv:primary_category`` as track and its other categories as tags.

arXiv's API, which answers in Atom, is read page by page by :mod:`topics.sources.arxiv`.

Feeds are untrusted. At most :data:`~topics.sources.http.MAX_BYTES` bytes are read; the
bytes are decoded as their byte order mark, the HTTP charset or the XML declaration say
(else as UTF-8), and bytes that do not decode become U+FFFD. A feed that declares XML
entities (``<!ENTITY``) is refused: no real feed needs them, and their expansion is what
XML bombs use (a billion laughs, or one long entity repeated: feedparser's fallback parser
expands what expat refuses) and how external entities read local files. feedparser is
given the bytes, never a URL or a file name (it would fetch or open them), so nothing is
fetched from a feed; its HTML sanitiser and its rewriting of URLs inside HTML are off, as
the texts are made plain text here and escaped by the site. Every failure is a one-line
:class:`SourceError`.
"""

from __future__ import annotations

import contextlib
import email.utils
import html
import io
import logging
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.parsers import expat

import feedparser

from ..corpus import MAX_TITLE, Corpus, Talk, slugify, unique_ids
from .errors import SourceError
from .formats import SNIFF_BYTES, decode_xml, is_feed
from .localfile import read_file
from .sniffing import looks_like_html
from .talkpages import talk_id
from .text import combine_texts, html_to_text

if TYPE_CHECKING:
    from .http import Fetcher

logger = logging.getLogger(__name__)

#: Media types feeds are served with (any type is read when the bytes are a feed).
MEDIA_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})

#: Largest feed read when it is not well-formed XML, in bytes: feedparser's lenient
#: parser, which reads damaged XML, takes seconds of CPU a megabyte.
MAX_LOOSE_BYTES = 2 * 1024 * 1024

_DECLARATION = re.compile(r"\A\s*<\?xml\b[^<>]{0,500}\?>")
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
#: An arXiv abstract page: its identifier (new style 2401.01234, old style hep-th/9901001)
#: and version.
_ARXIV_ID = re.compile(
    r"https?://(?:www\.|export\.)?arxiv\.org/abs/([a-z.-]+/\d{7}|\d{4}\.\d{4,5})(v\d+)?\Z",
    re.IGNORECASE,
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_EMAIL = re.compile(r"\S+@\S+")
_TAG_START = re.compile(r"<[a-zA-Z/!]")


def load_feed(location: str, fetcher: Fetcher | None = None) -> Corpus:
    """Load the talks of an RSS or Atom feed, from a file or a URL.

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
        See :func:`parse_feed`.

    Raises
    ------
    SourceError
        If the file cannot be read or fetched, is larger than
        :data:`~topics.sources.http.MAX_BYTES` bytes, or is not a feed with entries.
    """
    if location.startswith(("http://", "https://")):
        from .http import Fetcher, FetchError  # a local file needs no HTTP library

        try:
            page = (fetcher or Fetcher()).get(location, robots=False)
        except FetchError as exc:
            raise SourceError(f"cannot fetch feed {exc}") from None
        return parse_feed(page.content, page.url, page.encoding)
    return parse_feed(read_file(location, "feed"), location)


def parse_feed(content: bytes, source: str = "", charset: str | None = None) -> Corpus:
    """Read the talks of an RSS or Atom feed (see the module's documentation for the fields).

    Parameters
    ----------
    content : bytes
        The feed's bytes.
    source : str
        Where the bytes come from: for messages, :attr:`Corpus.source`, and, when a
        URL, the base of relative links.
    charset : str, optional
        The charset the HTTP ``Content-Type`` declared (it wins over the XML declaration,
        RFC 7303 section 3.2).

    Returns
    -------
    Corpus
        One talk per entry with a title or a text, in feed order; ``title`` is the
        feed's title, else the file's name.

    Raises
    ------
    SourceError
        If the content is not a feed, declares entities, cannot be parsed, or holds no
        entry with a title or a text. The message is one line naming ``source``.
    """
    where = source or "feed"
    parsed = parse_document(content, source, charset)
    talks = entry_talks(parsed)
    if not talks:
        raise SourceError(f"{where} is a feed without any entry with a title or a text")
    title = _plain(parsed.feed.get("title", ""), _is_html(parsed, parsed.feed.get("title_detail")))
    return Corpus(talks=talks, title=title or _stem(source) or "feed", source=source)


def parse_document(content: bytes, source: str, charset: str | None) -> feedparser.FeedParserDict:
    """The feed parsed by feedparser, after the checks of the module's documentation.

    Raises
    ------
    SourceError
        If ``content`` is not a feed, declares entities, or cannot be parsed.
    """
    where = source or "feed"
    if not is_feed(content):
        if looks_like_html(content[:SNIFF_BYTES]):
            raise SourceError(f"{where} is an HTML page, not an RSS or Atom feed")
        start = content.lstrip()[:20]
        raise SourceError(
            f"{where} is not an RSS or Atom feed (starts {start!r}, not <rss>, <rdf:RDF> or"
            " an Atom <feed>)"
        )
    text = decode_xml(content, charset)
    if _ENTITY.search(text):
        raise SourceError(
            f"{where} declares XML entities (<!ENTITY): not read (feeds need none; their"
            " expansion is how XML bombs and external entities work)"
        )
    declaration = _DECLARATION.match(text)
    body = text[declaration.end() :] if declaration else text
    data = ('<?xml version="1.0" encoding="utf-8"?>' + body).encode("utf-8", "replace")
    if len(data) > MAX_LOOSE_BYTES and not _well_formed(data):
        raise SourceError(
            f"{where} is not well-formed XML and larger than {MAX_LOOSE_BYTES} bytes: not read"
            " (a damaged feed is read leniently only up to that size)"
        )
    headers = {"content-type": "application/xml; charset=utf-8"}
    if source.startswith(("http://", "https://")):
        headers["content-location"] = source  # the base of relative links, nothing fetched
    try:  # a stream: feedparser fetches a URL, or opens a file, given as a string
        return feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError) as exc:
        raise SourceError(f"{where} is not a valid feed: {_oneone_space(exc)}") from None


def _well_formed(data: bytes) -> bool:
    """Whether ``data`` parses as XML (expat, which feedparser tries first)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def entry_talks(parsed: feedparser.FeedParserDict) -> list[Talk]:
    """One talk per entry of a parsed feed that has a title or a text, each id once."""
    language = one_space(parsed.feed.get("language", ""))
    talks, keys = [], []
    for entry in parsed.entries:
        talk = _talk(entry, language, parsed)
        if talk is not None:
            talks.append(talk)
            keys.append(talk.id)
    ids = unique_ids(slugify(key) for key in keys)
    return [replace(talk, id=new) for talk, new in zip(talks, ids, strict=True)]


def _talk(entry, language: str, parsed: feedparser.FeedParserDict) -> Talk | None:
    """One entry as a talk (its id not yet a unique slug); ``None`` without title or text."""
    title = _plain(entry.get("title", ""), _is_html(parsed, entry.get("title_detail")))
    # The content, else the summary (a shorter version of it, RFC 4287 section 4.2.13;
    # feedparser gives an entry with content only the content as summary, marked as text)
    texts = [(part.get("value", ""), part) for part in entry.get("content", []) or []]
    if not any(isinstance(value, str) and value.strip() for value, _ in texts):
        texts = [(entry.get("summary", ""), entry.get("summary_detail"))]
    fragments = [_html(value, _is_html(parsed, detail)) for value, detail in texts]
    abstract = _drop_title(title, combine_texts(title, *fragments))
    if not title:
        title = _headline(abstract)
        if not title:
            return None
    arxiv = _ARXIV_ID.match(one_space(entry.get("id", "")))
    url = _http(entry.get("link", ""))
    names = [one_space(str(t.get("label") or t.get("term") or "")) for t in entry.get("tags", [])]
    categories = list(dict.fromkeys(name for name in names if name))
    if arxiv:
        primary = one_space(str((entry.get("arxiv_primary_category") or {}).get("term", "")))
        categories = list(dict.fromkeys(c for c in [primary, *categories] if c))
    day, time = _when(entry)
    detail = entry.get("summary_detail") or entry.get("title_detail") or {}
    return Talk(
        id=arxiv.group(1) if arxiv else _key(entry, url, title),
        title=title,
        abstract=abstract,
        speakers=_speakers(entry),
        track=categories[0] if categories else "",
        tags=tuple(categories[1:]),
        day=day,
        time=time,
        url=url,
        language=one_space(str(detail.get("language") or "")) or language,
    )


def _is_html(parsed: feedparser.FeedParserDict, detail) -> bool:
    """Whether a text of the feed is HTML: in Atom, as its ``type`` says (RFC 4287 section
    3.1); in RSS, always, as readers take it (RSS gives no type, and feedparser's guess
    from the tags it finds varies with them)."""
    if not str(parsed.get("version", "")).startswith("atom"):
        return True
    return str((detail or {}).get("type", "")).lower() in _HTML_TYPES


def _html(value, is_html: bool) -> str:
    """A text of the feed as HTML, for :func:`combine_texts`: plain text is escaped, its
    blank lines kept as paragraphs; HTML without tags is wrapped, so that its entities
    are read."""
    if not isinstance(value, str):
        return ""
    if is_html:
        return value if _TAG_START.search(value[:100_000]) else f"<p>{value}</p>"
    paragraphs = re.split(r"\n\s*\n", value)
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())


def _plain(value, is_html: bool, limit: int = 10 * MAX_TITLE) -> str:
    """A one-line text (a title) of the feed, HTML made plain; read ``limit`` characters."""
    if not isinstance(value, str):
        return ""
    value = value[:limit]
    return one_space(html_to_text(_html(value, True)) if is_html else value)


def _drop_title(title: str, abstract: str) -> str:
    """The abstract without leading paragraphs that repeat the title (blog posts often
    start with it as a heading)."""
    paragraphs = abstract.split("\n\n")
    flat = " ".join(title.casefold().split())
    while paragraphs and flat and " ".join(paragraphs[0].casefold().split()) == flat:
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def _headline(text: str, length: int = 80) -> str:
    """A title for an untitled entry: its text's first line, cut at a word."""
    line = one_space(text.split("\n", 1)[0]) if text else ""
    if len(line) <= length:
        return line
    cut = line[:length].rsplit(" ", 1)[0] or line[:length]
    return f"{cut}…"


def _speakers(entry) -> tuple[str, ...]:
    names = []
    for author in entry.get("authors", []) or []:
        name = one_space(str(author.get("name") or "")) if isinstance(author, dict) else ""
        if name and not _EMAIL.fullmatch(name):
            names.append(name)
    return tuple(dict.fromkeys(names))


def _when(entry) -> tuple[str, str]:
    """Day and time of an entry, as the feed writes them (RFC 822 or ISO 8601), else as
    feedparser reads them (in UTC); ``("", "")`` when it has no date."""
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)  # not entry.get: feedparser maps "updated" to "published"
        if not isinstance(raw, str) or not raw.strip():
            continue
        raw = raw.strip()[:100]
        moment = None
        with contextlib.suppress(ValueError, TypeError, IndexError, OverflowError):
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment is None:
            with contextlib.suppress(ValueError, TypeError, IndexError, OverflowError):
                moment = email.utils.parsedate_to_datetime(raw)
        if moment is not None:
            date_only = len(raw) <= 10
            return moment.date().isoformat(), "" if date_only else f"{moment:%H:%M}"
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed is not None:
            with contextlib.suppress(ValueError, TypeError, IndexError, OverflowError):
                moment = datetime(*parsed[:6])
                return moment.date().isoformat(), f"{moment:%H:%M}"
    return "", ""


def _key(entry, url: str, title: str) -> str:
    """What an entry's talk id is made from: its id (a URL's last segment), link, title."""
    guid = one_space(str(entry.get("id") or ""))
    for candidate in (guid, url):
        if candidate.startswith(("http://", "https://")):
            return talk_id(candidate)
        if candidate:
            return candidate
    return title


def _http(url) -> str:
    url = url.strip() if isinstance(url, str) else ""
    return url if url.startswith(("http://", "https://")) and not re.search(r"\s", url) else ""


def one_space(text: str) -> str:
    """``text`` on one line, its whitespace runs one space."""
    return " ".join(text.split())


def _stem(source: str) -> str:
    path = urlsplit(source).path if source.startswith(("http://", "https://")) else source
    return Path(path).stem


def _oneone_space(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or error.__class__.__name__
