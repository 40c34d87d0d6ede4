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
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from joblib import Parallel, delayed

from ..corpus import Corpus, Talk, unique_ids
from ..progress import decided, track
from .builtin_profiles import detect_profile, get_profile, matching_profile
from .defaults import MAX_PAGES
from .errors import SourceError
from .http import Fetcher, FetchError, Page
from .inference import Inference, Sample, learn_fields
from .inference_pages import spread
from .links import same_page, site_links
from .profiles import Profile
from .talklinks import MAX_PROGRAMME_PAGES, find_programme_pages, find_talk_links, link_text
from .talkpages import (
    TalkPageError,
    _inline_text,
    corpus_title,
    event_name,
    parse_html,
    parse_talk,
    talk_links,
)

logger = logging.getLogger(__name__)

#: Talk pages sampled to infer a site's profile.
SAMPLE_SIZE = 12


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
        A built-in profile's name (see :data:`topics.sources.builtin_profiles.PROFILES`), a
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
    pages = fetch_all(links, fetcher, site=page.url)
    bar = "talk pages" if progress else None
    for url, fetched in track(pages, len(links), "page", bar=bar):
        try:
            if isinstance(fetched, FetchError):
                raise fetched
            if fetched.url in seen:  # two links redirecting to one page
                decided("page skipped: %s is %s, read already", url, fetched.url)
                continue
            seen.add(fetched.url)
            talk = parse_talk(fetched, chosen, event=event)
            # one page under two queries (?day=friday, ?day=saturday): one talk
            same = (urlsplit(fetched.url).path, talk.title, talk.abstract, talk.speakers)
            if same in seen_talks:
                decided("page skipped: %s is the same talk as a page read already", url)
                continue
            seen_talks.add(same)
            talks.append(talk)
        except (FetchError, TalkPageError) as exc:
            failures.append(CrawlFailure(url, getattr(exc, "reason", None) or str(exc)))

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
