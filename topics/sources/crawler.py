"""Crawl a conference website: its talk list page, then every talk page it links to.

The site's layout comes from a :class:`~topics.sources.profiles.Profile` (named, read
from a TOML file, or detected from the list page). Every page goes through a
:class:`~topics.sources.http.Fetcher`, which paces requests, honours robots.txt and
caches each page as it arrives, so a second crawl, or one resumed after an interruption,
reads what it had from the cache. Talk pages are fetched ``fetcher.concurrency`` at a
time (:func:`fetch_all`) and read in list order; the crawl stays on the list page's origin
(scheme, host and port, see :func:`~topics.sources.http.origin`), follows only http(s)
links, and reads at most ``max_pages`` talk pages (:data:`MAX_PAGES`).

A talk page that cannot be fetched or read does not stop the crawl: :func:`crawl_site`
returns it in :attr:`CrawlResult.failures`, and :func:`crawl` (what
:func:`topics.sources.load` calls) adds them to the ``failures`` list it is given, or
logs them as one warning on the ``topics.sources.crawler`` logger, and returns the talks
it could read.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup
from joblib import Parallel, delayed
from tqdm import tqdm

from ..corpus import Corpus, Talk, folded, slugify, unique_ids
from .errors import SourceError
from .http import Fetcher, FetchError, Page, origin
from .profiles import Profile, detect_profile, get_profile, match_pattern
from .sniffing import UNKNOWN_TYPES, decode_html, describe_binary, looks_like_html
from .text import element_text

logger = logging.getLogger(__name__)

#: Default largest number of talk pages read from one list page (the ``--max-pages`` option).
MAX_PAGES = 5000

#: Media types read as HTML; a body of a type in
#: :data:`~topics.sources.sniffing.UNKNOWN_TYPES` (or with none) is, when its bytes are.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


class CrawlFailure(NamedTuple):
    """A talk page that gave no talk.

    Attributes
    ----------
    url : str
        The talk page's URL, as linked from the list page.
    reason : str
        One line: the HTTP error, or what the page lacked.
    """

    url: str
    reason: str


@dataclass
class CrawlResult:
    """What a crawl found.

    Attributes
    ----------
    corpus : Corpus
        The talks read, in list page order.
    profile : Profile
        The profile used (given or detected).
    links : list of str
        The talk page URLs found on the list page, deduplicated, in page order.
    failures : list of CrawlFailure
        Talk pages that could not be fetched or read, in list page order.
    left_out : int
        Talk pages linked beyond the ``max_pages`` cap, not fetched.
    """

    corpus: Corpus
    profile: Profile
    links: list[str] = field(default_factory=list)
    failures: list[CrawlFailure] = field(default_factory=list)
    left_out: int = 0


class TalkPageError(SourceError):
    """A talk page was fetched but holds no usable talk (no title, not HTML, empty)."""


def crawl(
    list_url: str,
    fetcher: Fetcher,
    profile: str | Profile | None = None,
    progress: bool = False,
    failures: list[CrawlFailure] | None = None,
    max_pages: int = MAX_PAGES,
) -> Corpus:
    """Crawl a conference's talk list page and the talk pages it links to.

    Talk pages that fail are skipped: added to ``failures`` when given, else logged as
    one warning on this module's logger. :func:`crawl_site` gives them as data too.

    Parameters
    ----------
    list_url : str
        http(s) URL of the page listing the talks.
    fetcher : Fetcher
        Fetches and caches every page; its ``concurrency`` says how many talk pages
        are fetched at a time.
    profile : str or Profile, optional
        A built-in profile's name (see :data:`topics.sources.profiles.PROFILES`), a
        profile file's path (``.toml``), or a :class:`Profile`; detected from the list
        page when omitted.
    progress : bool
        Show a progress bar on stderr while fetching talk pages.
    failures : list of CrawlFailure, optional
        Receives the talk pages that failed, instead of the log.
    max_pages : int
        Largest number of talk pages fetched; the list page's first ones are kept and the
        rest left out, with a warning on this module's logger.

    Returns
    -------
    Corpus
        One talk per talk page read, in list page order.

    Raises
    ------
    SourceError
        See :func:`crawl_site`.
    """
    result = crawl_site(list_url, fetcher, profile=profile, progress=progress, max_pages=max_pages)
    if failures is not None:
        failures.extend(result.failures)
    elif result.failures:
        crawl_warning(result)
    return result.corpus


def crawl_warning(result: CrawlResult) -> None:
    """Log a crawl's failures as one warning on this module's logger."""
    logger.warning(
        "%d of %d talk pages skipped:\n%s",
        len(result.failures),
        len(result.links),
        "\n".join(f"  {f.url}: {f.reason}" for f in result.failures),
    )


def crawl_site(
    list_url: str,
    fetcher: Fetcher,
    profile: str | Profile | None = None,
    progress: bool = False,
    page: Page | None = None,
    max_pages: int = MAX_PAGES,
) -> CrawlResult:
    """Crawl like :func:`crawl`, returning the failures and the profile used too.

    Every talk page is fetched with ``site`` set to the list page's URL: links to other
    origins (another scheme, host or port) are not followed, nor redirects to them.

    Parameters
    ----------
    list_url, fetcher, profile, progress, max_pages
        See :func:`crawl`.
    page : Page, optional
        The list page, when the caller fetched it already.

    Returns
    -------
    CrawlResult

    Raises
    ------
    SourceError
        If the list page cannot be fetched or is not HTML; if ``profile`` names no
        built-in profile; if no profile is given and none fits the page; if the
        profile's ``talk_links`` selector finds no talk link on the page (the message
        names the selector and the profile); or if not one talk page could be read.
    """
    if page is None:
        try:
            page = fetcher.get(list_url)
        except FetchError as exc:
            raise SourceError(f"cannot fetch the talk list page {exc}") from None
    try:
        soup = parse_html(page)
    except TalkPageError as exc:
        raise SourceError(f"talk list page {page.url}: {exc}") from None
    if profile is None:
        chosen = detect_profile(page.url, soup)
    elif isinstance(profile, Profile):
        chosen = profile
    else:
        chosen = get_profile(profile)
    links = talk_links(page.url, soup, chosen)
    left_out = max(0, len(links) - max_pages)
    if left_out:
        logger.warning(
            "%s links %d talk pages: only the first %d are read (the page cap, --max-pages)",
            page.url,
            len(links),
            max_pages,
        )
        links = links[:max_pages]
    event = event_name(page.url, chosen)

    talks: list[Talk] = []
    failures: list[CrawlFailure] = []
    seen: set[str] = set()
    bar = tqdm(
        total=len(links), desc="talk pages", unit="page", file=sys.stderr, disable=not progress
    )
    for url, fetched in fetch_all(links, fetcher, site=page.url):
        bar.update()
        try:
            if isinstance(fetched, FetchError):
                raise fetched
            if fetched.url in seen:  # two links redirecting to one page
                continue
            seen.add(fetched.url)
            talks.append(parse_talk(fetched, chosen, event=event))
        except (FetchError, TalkPageError) as exc:
            failures.append(CrawlFailure(url, getattr(exc, "reason", None) or str(exc)))
    bar.close()

    if not talks:
        shown = "; ".join(f"{f.url}: {f.reason}" for f in failures[:3])
        raise SourceError(
            f"none of the {len(links)} talk pages linked from {page.url} could be read"
            f" with profile {chosen.name!r} ({shown})"
        )
    ids = unique_ids(t.id for t in talks)
    talks = [replace(t, id=i) for t, i in zip(talks, ids, strict=True)]
    title = corpus_title(page.url, chosen) or _inline_text(soup.title)
    corpus = Corpus(talks=talks, title=title, source=page.url)
    return CrawlResult(
        corpus=corpus, profile=chosen, links=links, failures=failures, left_out=left_out
    )


def fetch_all(
    urls: list[str], fetcher: Fetcher, site: str | None = None
) -> Iterator[tuple[str, Page | FetchError]]:
    """Fetch pages ``fetcher.concurrency`` at a time, yielding them in the order given.

    Pages already in the cache are yielded without a thread or a request (unless the
    fetcher revalidates them: ``refresh``); the others
    are fetched with :class:`joblib.Parallel` (threading backend), each thread through
    the fetcher's per-host gate, and stored in the cache as each arrives: a crawl
    interrupted (even killed) half-way keeps what it had.

    Parameters
    ----------
    urls : list of str
    fetcher : Fetcher
    site : str, optional
        A URL whose origin (scheme, host and port) the pages and their redirects must
        stay on.

    Yields
    ------
    (str, Page or FetchError)
        Each URL with its page, or the error that stopped it.
    """

    def one(url: str) -> Page | FetchError:
        try:
            return fetcher.get(url, site=site)
        except FetchError as exc:
            return exc

    # with refresh, cached pages are revalidated over the network: in parallel too
    missing = [url for url in urls if fetcher.refresh or not fetcher.is_cached(url)]
    fetched: Iterator[Page | FetchError] = iter(())
    if missing:
        n_jobs = min(fetcher.concurrency, len(missing))
        parallel = Parallel(n_jobs=n_jobs, backend="threading", return_as="generator")
        fetched = parallel(delayed(one)(url) for url in missing)
    cached = set(urls) - set(missing)
    for url in urls:
        yield url, (one(url) if url in cached else next(fetched))


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
        raise TalkPageError(f"unreadable page ({' '.join(str(exc).split())[:200]})") from None


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
    base = page_url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = urljoin(page_url, str(base_tag["href"]).strip())
    site = origin(page_url)
    own = urldefrag(page_url)[0]
    matched = soup.select(profile.talk_links)
    links: dict[str, None] = {}
    for anchor in matched:
        href = str(anchor.get("href") or "").strip()
        if not href:
            continue
        url = urldefrag(urljoin(base, href))[0]
        if site is not None and origin(url) == site and url != own:
            links.setdefault(url, None)
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
    title = _first(soup, profile.title, _inline_text)
    abstract = _first(soup, profile.abstract, lambda el: element_text(el, profile.abstract_format))
    details = _first(soup, profile.details, lambda el: element_text(el, profile.abstract_format))
    if details and folded(details) not in folded(abstract):
        abstract = f"{abstract}\n\n{details}" if abstract else details
    track = _first(soup, profile.track, _inline_text)
    if profile.title_prefix:
        match = match_pattern(profile.title_prefix, title, at_start=True)
        if match:
            title = title[match.end() :].strip()
            if not track and "track" in match.groupdict():
                track = match["track"] or ""
    if not title:
        raise TalkPageError(f"no title (selectors {', '.join(profile.title)})")
    day, time, room = parse_when(_first(soup, profile.when, _inline_text), profile.when_pattern)
    return Talk(
        id=talk_id(page.url),
        title=title,
        abstract=abstract,
        speakers=_all(soup, profile.speakers),
        track=track,
        tags=_all(soup, profile.tags),
        day=_first(soup, profile.day, _inline_text) or day,
        time=_first(soup, profile.time, _inline_text) or time,
        room=_first(soup, profile.room, _inline_text) or room,
        url=page.url,
        event=event,
        language=_first(soup, profile.language, _inline_text),
    )


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
    """The element's text on one line, whitespace normalised."""
    if element is None:
        return ""
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
