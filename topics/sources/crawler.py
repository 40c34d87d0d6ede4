"""Crawl a conference website: its talk list page, then every talk page it links to.

The site's layout comes from a :class:`~topics.sources.profiles.Profile` (named, read
from a TOML file, detected from the list page, or, on a site no built-in profile knows,
inferred from its pages: :func:`infer_site_profile`; the run logs which, one line, on
this module's logger at INFO). The profile's ``list_pages`` (day tabs) are read too,
and their talk links joined. Every page goes through a
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
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup
from joblib import Parallel, delayed
from tqdm import tqdm

from ..corpus import Corpus, Talk, slugify, unique_ids
from ..text import element_text
from .errors import SourceError
from .http import Fetcher, FetchError, Page
from .inference import Inference, Sample, learn_fields, spread
from .links import same_page, site_links
from .profiles import Profile, detect_profile, get_profile, match_pattern, matching_profile
from .sniffing import UNKNOWN_TYPES, decode_html, describe_binary, looks_like_html
from .structured import event_fields
from .talklinks import MAX_PROGRAMME_PAGES, find_programme_pages, find_talk_links, link_text

logger = logging.getLogger(__name__)

#: Default largest number of talk pages read from one list page (the ``--max-pages`` option).
MAX_PAGES = 5000

#: Talk pages sampled to infer a site's profile.
SAMPLE_SIZE = 12

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
        page when omitted, else inferred from the site (:func:`infer_site_profile`).
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
        built-in profile; if no profile is given, none fits the page and none can be
        inferred from it; if the
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
    if isinstance(profile, Profile):
        chosen = profile
    elif profile is not None:
        chosen = get_profile(profile)
    else:
        chosen = matching_profile(page.url, soup) or _infer(page, soup, fetcher)
        logger.info("profile: %s", profile_summary(chosen))
    failures: list[CrawlFailure] = []
    links = talk_links(page.url, soup, chosen)
    for _, found in programme_links(page, soup, chosen, fetcher, failures):
        links += [link for link in found if link not in links]
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
    seen: set[str] = set()
    seen_talks: set[tuple] = set()
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
            talk = parse_talk(fetched, chosen, event=event)
            # one page under two queries (?day=friday, ?day=saturday): one talk
            same = (urlsplit(fetched.url).path, talk.title, talk.abstract, talk.speakers)
            if same in seen_talks:
                continue
            seen_talks.add(same)
            talks.append(talk)
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


def programme_links(
    page: Page,
    soup: BeautifulSoup,
    profile: Profile,
    fetcher: Fetcher,
    failures: list[CrawlFailure],
) -> Iterator[tuple[str, list[str]]]:
    """The talk links of the programme's other list pages (``profile.list_pages``).

    At most :data:`~topics.sources.talklinks.MAX_PROGRAMME_PAGES` pages are read, on the
    list page's origin, one link level deep; a page that cannot be fetched is added to
    ``failures``, and one without talk links gives none.

    Yields
    ------
    (str, list of str)
        Each list page's URL and the talk page URLs it links to.
    """
    if not profile.list_pages:
        return
    anchors = soup.select(profile.list_pages)
    urls = [u for _, u in site_links(page.url, soup, anchors) if not same_page(u, page.url)]
    urls = list(dict.fromkeys(urls))[:MAX_PROGRAMME_PAGES]
    for url, fetched in fetch_all(urls, fetcher, site=page.url):
        if isinstance(fetched, FetchError):
            failures.append(CrawlFailure(url, fetched.reason))
            continue
        try:
            other = parse_html(fetched)
            yield fetched.url, talk_links(fetched.url, other, profile)
        except SourceError:  # a day without talks
            continue


def _infer(page: Page, soup: BeautifulSoup, fetcher: Fetcher) -> Profile:
    """The profile inferred from the site, or the error saying no profile fits."""
    try:
        return infer_site_profile(page, soup, fetcher).profile
    except SourceError as exc:
        reason = str(exc)
    try:  # a built-in profile whose URL pattern fits: its error names its selector
        return detect_profile(page.url, soup)
    except SourceError as exc:
        raise SourceError(f"{exc}; none could be inferred: {reason}") from None


def infer_profile(urls: list[str], fetcher: Fetcher) -> Inference:
    """Infer the profile of a site from its list page(s), as ``topics profile URL...`` does.

    Parameters
    ----------
    urls : list of str
        The talk list page, then other list pages of the same programme (if any).
    fetcher : Fetcher

    Returns
    -------
    Inference
        See :func:`infer_site_profile`.

    Raises
    ------
    SourceError
        If a page cannot be fetched or is not HTML, or no profile can be inferred.
    """
    pages = []
    for url in urls:
        try:
            pages.append(fetcher.get(url))
        except FetchError as exc:
            raise SourceError(f"cannot fetch the talk list page {exc}") from None
    try:
        soup = parse_html(pages[0])
    except TalkPageError as exc:
        raise SourceError(f"talk list page {pages[0].url}: {exc}") from None
    return infer_site_profile(pages[0], soup, fetcher, more=pages[1:])


def infer_site_profile(
    page: Page,
    soup: BeautifulSoup,
    fetcher: Fetcher,
    more: list[Page] | None = None,
    sample_size: int = SAMPLE_SIZE,
) -> Inference:
    """Infer a site's profile from its list page and a sample of its talk pages.

    The talk links and the programme's other list pages (day tabs) are found on the
    list page (:func:`~topics.sources.talklinks.find_talk_links`,
    :func:`~topics.sources.talklinks.find_programme_pages`); ``sample_size`` talk pages,
    spread over the list, are fetched (through ``fetcher``, on the list page's origin,
    cached for the crawl that follows) and their fields learnt
    (:func:`~topics.sources.inference.learn_fields`).

    Parameters
    ----------
    page : Page
        The list page.
    soup : bs4.BeautifulSoup
        The parsed list page.
    fetcher : Fetcher
    more : list of Page, optional
        Other list pages of the same programme, given by the user: their talk links
        (by the same selector) join the sample's pool.
    sample_size : int
        Talk pages sampled.

    Returns
    -------
    Inference

    Raises
    ------
    SourceError
        If the list page has no group of talk links, fewer than 2 sampled talk pages
        can be read, or no title is found on them.
    """
    group = find_talk_links(page.url, soup)
    texts = {url: list(found) for url, found in group.texts.items()}
    list_selector, others = find_programme_pages(page.url, soup)
    pages = list(more or [])
    pages += [p for _, p in fetch_all(others, fetcher, site=page.url) if isinstance(p, Page)]
    followed = []
    for other in pages:
        try:
            other_soup = parse_html(other)
        except TalkPageError:
            continue
        found = site_links(other.url, other_soup, other_soup.select(group.selector))
        if found and other not in (more or []):
            followed.append(other.url)
        for anchor, url in found:
            texts.setdefault(url, []).append(link_text(anchor))
    if not followed:
        list_selector = ""
    samples = []
    for url, fetched in fetch_all(spread(list(texts), sample_size), fetcher, site=page.url):
        if isinstance(fetched, FetchError):
            continue
        try:
            samples.append(Sample(fetched.url, parse_html(fetched), texts[url], fetched.content))
        except TalkPageError:
            continue
    if len(samples) < 2:
        raise SourceError(
            f"the talk links of {page.url} ({group.selector}) lead to fewer than 2 pages"
            " that could be read, too few to learn from"
        )
    learnt = learn_fields(samples)
    profile = Profile(
        name="inferred",
        description=f"inferred from {page.url} and {len(samples)} of its talk pages",
        talk_links=group.selector,
        list_pages=list_selector,
        **learnt.fields,
    )
    return Inference(
        profile=profile,
        shares=learnt.shares,
        n_links=len(texts),
        n_sampled=len(samples),
        list_pages=followed,
    )


def profile_summary(profile: Profile) -> str:
    """One line saying which profile a crawl uses: a built-in one's name, or what was
    inferred."""
    if profile.name != "inferred":
        return f"built-in {profile.name}"
    fields = [f"talk links {profile.talk_links}"]
    if profile.list_pages:
        fields.append(f"list pages {profile.list_pages}")
    for key in ("title", "abstract_parts", "speakers", "track", "when", "room"):
        value = getattr(profile, key)
        if value:
            fields.append(f"{key} {', '.join(value)}")
    return "inferred: " + "; ".join(fields)


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
    if details and _flat(details) not in _flat(abstract):
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


def _flat(text: str) -> str:
    return " ".join(text.casefold().split())


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
