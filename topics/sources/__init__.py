"""Sources: everything that yields the talks of a conference as a :class:`~topics.corpus.Corpus`.

:func:`load` picks the source from what the user named (see :data:`KINDS`): a pretalx
event (recognised from its page), a list page URL (crawled with a site profile, built in
or inferred from the site: :mod:`topics.sources.inference`), a schedule file or URL, an
iCalendar feed (file or URL), an RSS or Atom feed (file or URL), arXiv's listing of a
category, a pyvideo event, a local pyvideo folder, a CSV/JSON/JSONL file.
Every source returns a :class:`~topics.corpus.Corpus`; crawling sources report the pages
that failed in the ``failures`` list they are given.

The module of a kind of source is imported when that kind is tried: reading a local
folder or file of talks loads no HTTP, HTML, calendar or feed library (docs/decisions.md,
"One conference in seconds").
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..corpus import Corpus
from .defaults import DEFAULT_DATA, MAX_PAGES
from .errors import SourceError
from .formats import MEDIA_TYPE as CALENDAR_TYPE
from .formats import SNIFF_BYTES, is_calendar, is_feed

if TYPE_CHECKING:
    from .crawler import CrawlFailure
    from .http import Fetcher
    from .profiles import Profile

#: What ``topics run`` builds when given no source: the original EuroPython topic site's event.
DEFAULT_SOURCE = "pyvideo:europython-2016"

#: What ``topics sources`` lists: each kind of source, with an example.
KINDS: tuple[tuple[str, str], ...] = (
    ("pretalx event (schedule export, else its talk pages)", "https://pretalx.com/democon/"),
    (
        "talk list page, crawled with a site profile (built in, --profile, or inferred)",
        "https://us.pycon.org/2019/schedule/talks/list/",
    ),
    ("frab/pentabarf schedule.xml, c3voc schedule.json (file or URL)", "fosdem-2024.xml"),
    (
        "iCalendar feed: pretalx, frab, Indico, calendar tools (.ics file or URL)",
        "https://pretalx.com/democon/schedule/export/schedule.ics",
    ),
    (
        "RSS 0.9x/1.0/2.0 or Atom feed: blogs, conference news (file or URL)",
        "https://blog.example.org/feed.xml",
    ),
    (
        "arXiv: a category's most recent papers, or an arXiv API query URL (--max-pages)",
        "arxiv:cs.CL",
    ),
    ("pyvideo event, read from --pyvideo-data", "pyvideo:europython-2016"),
    ("pyvideo event folder (category.json + videos/*.json)", "data/pyvideo/scipy-2019"),
    ("CSV, JSON or JSONL file of talks (also .gz)", "talks.csv, cache/corpora/x.jsonl"),
)

__all__ = [
    "DEFAULT_DATA",
    "DEFAULT_SOURCE",
    "KINDS",
    "CrawlFailure",
    "Fetcher",
    "SourceError",
    "load",
    "load_all",
]

#: Public names of this package that live in a module imported on first use (PEP 562).
_LAZY = {"CrawlFailure": "crawler", "Fetcher": "http"}


def __getattr__(name: str):
    """``CrawlFailure`` and ``Fetcher``, imported from their module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)


def load_all(sources: Sequence[str], fetcher: Fetcher, **options) -> Corpus:
    """Read several sources (editions of a conference, say) into one corpus.

    A talk page read from two sources (two list pages of one programme) is kept once.

    Parameters
    ----------
    sources : sequence of str
        Each as for :func:`load`; empty means :data:`DEFAULT_SOURCE`.
    fetcher : Fetcher
    **options
        Passed to :func:`load`.

    Raises
    ------
    SourceError
        If any source cannot be read.
    """
    corpora = [load(s, fetcher, **options) for s in sources or [DEFAULT_SOURCE]]
    if len(corpora) > 1:  # list pages of one programme lead to the same talk pages
        seen: set[str] = set()
        for n, corpus in enumerate(corpora):
            talks = [t for t in corpus.talks if not t.url or t.url not in seen]
            seen.update(t.url for t in corpus.talks if t.url)
            if len(talks) < len(corpus.talks):
                corpora[n] = replace(corpus, talks=talks)
        corpora = [c for c in corpora if len(c)] or corpora[:1]
    return Corpus.merge(corpora)


def load(
    source: str | None,
    fetcher: Fetcher,
    profile: str | Profile | None = None,
    pyvideo_data: str = DEFAULT_DATA,
    progress: bool = False,
    failures: list[CrawlFailure] | None = None,
    max_pages: int | None = None,
) -> Corpus:
    """Read the talks ``source`` names.

    Parameters
    ----------
    source : str or None
        One of: an http(s) URL of a pretalx event (any page of it: recognised from the
        page, see :mod:`topics.sources.pretalx`) or of a conference's talk list page;
        ``pyvideo:<event>`` (read from ``pyvideo_data``); a local pyvideo event folder (holding
        ``category.json``); a CSV, JSON or JSON Lines file of talks (see
        :mod:`topics.sources.tables`), such as a corpus saved by :meth:`Corpus.save`;
        a frab/pentabarf ``schedule.xml`` or c3voc ``schedule.json``, as a file or URL;
        an iCalendar feed (see :mod:`topics.sources.ical`), as a file or URL: told by
        its ``.ics`` name, its ``text/calendar`` type or its first bytes
        (``BEGIN:VCALENDAR``); an RSS or Atom feed (see :mod:`topics.sources.feeds`), as a
        file or URL, told by its root element whatever its name or type;
        ``arxiv:<category>`` or an arXiv API query URL (read page by page, see
        :func:`~topics.sources.arxiv.load_arxiv`). ``None`` means :data:`DEFAULT_SOURCE`.
    fetcher : Fetcher
        Fetches (and caches) every page read over HTTP.
    profile : str or Profile, optional
        For a list page URL: a built-in site profile's name, a TOML profile file's path
        (see :mod:`topics.sources.profiles`) or a :class:`Profile`; detected from the
        page when omitted, else inferred from the site.
    pyvideo_data : str
        Local folder or URL of pyvideo's ``data`` repository.
    progress : bool
        Show a progress bar while crawling.
    failures : list of CrawlFailure, optional
        Receives the pages a crawl could not read (they are logged when omitted).
    max_pages : int, optional
        Largest number of talk pages a crawl reads from one list page (default
        :data:`~topics.sources.crawler.MAX_PAGES`), or of API pages read from arXiv
        (default :data:`~topics.sources.arxiv.ARXIV_PAGES`).

    Returns
    -------
    Corpus

    Raises
    ------
    SourceError
        If the source is of no known kind or cannot be read.
    """
    source = source or DEFAULT_SOURCE
    if source.startswith("pyvideo:"):
        from .pyvideo import load_event

        return load_event(source.removeprefix("pyvideo:"), pyvideo_data, fetcher)
    if source.startswith(("arxiv:", "http://", "https://")):
        return _load_remote(source, fetcher, profile, progress, failures, max_pages)
    path = Path(source)
    if not path.exists():
        raise SourceError(
            f"no such file or folder: {source} (a source is a URL, 'pyvideo:<event>',"
            " 'arxiv:<category>', a pyvideo event folder or a file of talks)"
        )
    if path.is_dir():
        from .pyvideo import load_folder

        return load_folder(path)
    if path.suffix.lower() == ".ics" or (path.is_file() and is_calendar(_head(path))):
        from .ical import load_ical

        return load_ical(source)
    if path.is_file() and is_feed(_head(path)):
        from .feeds import load_feed

        return load_feed(source)
    from .tables import is_table, load_table

    if is_table(path):
        return load_table(path)
    if path.is_file():
        from .schedule import load_schedule

        return load_schedule(source)
    raise SourceError(
        f"{source!r} is neither a URL, 'pyvideo:<event>', 'arxiv:<category>', a pyvideo event"
        " folder nor a file of talks"
    )


def _load_remote(
    source: str,
    fetcher: Fetcher,
    profile: str | Profile | None,
    progress: bool,
    failures: list[CrawlFailure] | None,
    max_pages: int | None,
) -> Corpus:
    """``arxiv:<category>`` or an http(s) URL: arXiv's API, a calendar, a feed or schedule,
    else a page (see :func:`_load_url`)."""
    from .arxiv import is_arxiv_api, load_arxiv

    if source.startswith("arxiv:") or is_arxiv_api(source):
        return load_arxiv(source, fetcher, max_pages=max_pages, failures=failures)
    pages = MAX_PAGES if max_pages is None else max_pages
    if urlsplit(source).path.lower().endswith(".ics"):
        from .ical import load_ical

        return load_ical(source, fetcher)
    if urlsplit(source).path.endswith(".xml"):
        return _load_xml(source, fetcher)
    if urlsplit(source).path.endswith(".json"):
        from .schedule import load_schedule

        return load_schedule(source, fetcher)
    return _load_url(source, fetcher, profile, progress, failures, pages)


def _load_xml(url: str, fetcher: Fetcher) -> Corpus:
    """A URL named ``.xml``: an RSS or Atom feed (``feed.xml``) or a frab schedule, told
    apart by the document's root element."""
    from .feeds import parse_feed
    from .http import FetchError
    from .schedule import parse_schedule

    try:
        page = fetcher.get(url, robots=False)
    except FetchError as exc:
        raise SourceError(f"cannot fetch feed or schedule {exc}") from None
    if is_feed(page.content):
        return parse_feed(page.content, page.url, page.encoding)
    return parse_schedule(page.content, url)


def _load_url(
    url: str,
    fetcher: Fetcher,
    profile: str | Profile | None,
    progress: bool,
    failures: list[CrawlFailure] | None,
    max_pages: int,
) -> Corpus:
    """A page URL: a calendar, a feed, a schedule or a pretalx event when the page says so,
    else a list page."""
    from .crawler import crawl, crawl_site, crawl_warning
    from .feeds import parse_feed
    from .http import FetchError
    from .ical import parse_ical
    from .pretalx import is_pretalx, load_pretalx
    from .schedule import is_schedule, parse_schedule
    from .talkpages import parse_html

    if profile is not None:
        return crawl(
            url, fetcher, profile=profile, progress=progress, failures=failures, max_pages=max_pages
        )
    try:
        page = fetcher.get(url)
    except FetchError as exc:
        raise SourceError(f"cannot fetch the talk list page {exc}") from None
    if page.content_type == CALENDAR_TYPE or is_calendar(page.content):
        return parse_ical(page.content, page.url)
    if is_feed(page.content):  # whatever its type: application/rss+xml, text/xml, text/html
        return parse_feed(page.content, page.url, page.encoding)
    if is_schedule(page.content, page.content_type):  # a schedule URL not named .xml/.json
        return parse_schedule(page.content, url)
    try:
        pretalx = is_pretalx(parse_html(page))
    except (SourceError, ValueError, LookupError):
        pretalx = False
    if pretalx:
        return load_pretalx(
            page.url, fetcher, progress=progress, failures=failures, max_pages=max_pages
        )
    result = crawl_site(url, fetcher, progress=progress, page=page, max_pages=max_pages)
    if failures is not None:
        failures.extend(result.failures)
    elif result.failures:
        crawl_warning(result)
    return result.corpus


def _head(path: Path) -> bytes:
    """A file's first bytes, to tell its format; ``b""`` when it cannot be read."""
    try:
        with path.open("rb") as file:
            return file.read(SNIFF_BYTES)
    except OSError:
        return b""
