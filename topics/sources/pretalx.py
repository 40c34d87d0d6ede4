"""Talks of a pretalx event: its schedule export, else its talk pages.

pretalx (https://pretalx.com, https://github.com/pretalx/pretalx) serves every event
under ``https://<host>/<event>/``. Its public schedule export
``<event>/schedule/export/schedule.json`` is the c3voc/frab ``schedule.json``
(title, abstract, description, track, persons, language, room, start; format:
https://c3voc.de/wiki/schedule), read with :func:`topics.sources.schedule.parse_schedule`.
When the export cannot be had (switched off by a proxy, disallowed by robots.txt, an
error, not a schedule), the talk pages ``<event>/talk/<CODE>/`` linked from the
no-JavaScript schedule ``<event>/schedule/nojs`` (or, on older pretalx, the session
list ``<event>/talk/``) are crawled with the built-in ``pretalx`` profile; those pages
show no track.

A page is recognised as pretalx's by its ``<meta name="generator" content="pretalx">``
(every public pretalx page since 2018), its ``<pretalx-schedule>`` widget, or its
static files under ``/static/agenda/`` and ``/static/cfp/``.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from ..corpus import Corpus
from .builtin_profiles import get_profile
from .crawler import MAX_PAGES, CrawlFailure, crawl_site, crawl_warning
from .errors import SourceError
from .http import Fetcher, FetchError
from .schedule import parse_schedule
from .talkpages import parse_html

logger = logging.getLogger(__name__)

#: Where, under an event's URL, pretalx publishes its frab-compatible JSON schedule.
EXPORT = "schedule/export/schedule.json"
#: Pages under an event's URL that link every talk page, tried in order.
LIST_PAGES = ("schedule/nojs", "talk/")


def is_pretalx(soup: BeautifulSoup) -> bool:
    """Whether a parsed page was served by pretalx (see the module's documentation)."""
    generator = soup.find("meta", attrs={"name": "generator"})
    if generator is not None and str(generator.get("content", "")).lower().startswith("pretalx"):
        return True
    if soup.find("pretalx-schedule") is not None:
        return True
    return soup.select_one('link[href*="/static/agenda/"], link[href*="/static/cfp/"]') is not None


def event_url(url: str) -> str:
    """The event's root URL, ``https://host/<event>/``, from any URL of the event.

    Raises
    ------
    SourceError
        If the URL's path is empty (pretalx serves each event under its own path).
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise SourceError(
            f"{url} is a pretalx site but not an event: give the event's URL,"
            " such as https://pretalx.com/democon/"
        )
    return f"{parts.scheme}://{parts.netloc}/{segments[0]}/"


def load_pretalx(
    url: str,
    fetcher: Fetcher,
    progress: bool = False,
    failures: list[CrawlFailure] | None = None,
    max_pages: int = MAX_PAGES,
) -> Corpus:
    """Load a pretalx event's talks: the JSON export, else its talk pages.

    Parameters
    ----------
    url : str
        Any URL of the event: its root ``https://host/<event>/``, its schedule page, a
        talk page.
    fetcher : Fetcher
        Fetches (and caches) every page; pages stay on the event's origin (scheme, host
        and port).
    progress : bool
        Show a progress bar while crawling talk pages.
    failures : list of CrawlFailure, optional
        Receives the talk pages that failed (HTML crawl only); logged when omitted.
    max_pages : int
        Largest number of talk pages read (HTML crawl only).

    Returns
    -------
    Corpus
        From the export: one talk per scheduled session, with track; ``event`` is the
        event's slug (its acronym in the export). From the HTML: one talk per talk page.

    Raises
    ------
    SourceError
        If neither the export nor any list page of talk pages can be read.
    """
    base = event_url(url)
    export = base + EXPORT
    try:
        page = fetcher.get(export, site=base)
        corpus = parse_schedule(page.content, export)
    except (FetchError, SourceError) as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        logger.info("no schedule export at %s (%s): crawling the talk pages", export, reason)
    else:
        corpus.source = base
        return corpus
    return _crawl_talk_pages(base, fetcher, progress, failures, max_pages)


def _crawl_talk_pages(
    base: str,
    fetcher: Fetcher,
    progress: bool,
    failures: list[CrawlFailure] | None,
    max_pages: int,
) -> Corpus:
    slug = urlsplit(base).path.strip("/")
    profile = get_profile("pretalx")
    errors = []
    for path in LIST_PAGES:
        try:
            result = crawl_site(
                base + path, fetcher, profile=profile, progress=progress, max_pages=max_pages
            )
        except SourceError as exc:
            errors.append(str(exc))
            continue
        if failures is not None:
            failures.extend(result.failures)
        elif result.failures:
            crawl_warning(result)
        corpus = result.corpus
        corpus.talks = [replace(t, event=slug) for t in corpus.talks]
        corpus.title = _event_title(base + path, fetcher) or slug
        corpus.source = base
        return corpus
    raise SourceError(
        f"pretalx event {base}: no schedule export at {base + EXPORT} and no talk pages"
        f" ({'; '.join(errors)})"
    )


def _event_title(list_url: str, fetcher: Fetcher) -> str:
    """The event's name, from the header of its list page (already in the cache)."""
    try:
        soup = parse_html(fetcher.get(list_url, site=list_url))
    except (FetchError, SourceError):
        return ""
    heading = soup.select_one("header h1")
    return " ".join(heading.get_text(" ").split()) if heading is not None else ""
