"""Reading talks from Python (a notebook, a script): :func:`load` and :func:`crawl`.

These are the command line's ``topics crawl`` as functions: the same sources, the same
cache folder and layout (:mod:`topics.cache`), the same saved corpus. So ``topics build``
can fit and render what a notebook loaded, and a notebook re-reads from the cache what
``topics crawl`` fetched, without a request.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .cache import DEFAULT_CACHE, corpus_file, open_fetcher, read_sources
from .cache import pyvideo_data as default_pyvideo_data
from .corpus import Corpus
from .sources import CrawlFailure, SourceError
from .sources.http import CONCURRENCY, TIMEOUT
from .sources.profiles import Profile


def load(
    source: str | Sequence[str] | None = None,
    *,
    cache: str | os.PathLike = DEFAULT_CACHE,
    profile: str | Profile | None = None,
    pyvideo_data: str | None = None,
    delay: float | None = None,
    concurrency: int = CONCURRENCY,
    timeout: float = TIMEOUT[1],
    refresh: bool = False,
    progress: bool = False,
    failures: list[CrawlFailure] | None = None,
) -> Corpus:
    """Read the talks of a conference, as ``topics crawl SOURCE`` does.

    Parameters
    ----------
    source : str or sequence of str, optional
        What ``topics crawl`` takes (``topics sources`` lists the kinds): a pretalx event
        URL, a talk list page URL, ``"pyvideo:<event>"`` such as
        ``"pyvideo:europython-2016"``, a pyvideo event folder, a frab ``schedule.xml`` or
        c3voc ``schedule.json`` (file or URL), an iCalendar ``.ics`` feed (file or URL),
        or a CSV/JSON/JSONL file of talks. Several
        sources (editions of a conference) are joined into one corpus; ``None`` reads
        ``pyvideo:europython-2016``.
    cache : path, default "cache"
        The cache folder, as the command line's ``--cache``: pages are cached in
        ``<cache>/pages`` and the corpus is saved to ``<cache>/talks.jsonl``.
    profile : str or Profile, optional
        Site profile for a talk list page (name, TOML file or :class:`Profile`); detected
        from the page when omitted, else inferred from the site.
    pyvideo_data : str, optional
        pyvideo's data repository, a folder or URL, for ``pyvideo:`` sources;
        ``$TOPICS_PYVIDEO_DATA`` or https://github.com/pyvideo/data when omitted.
    delay : float, optional
        Seconds between two requests to one host (``$TOPICS_CRAWL_DELAY`` or 1 s when
        omitted).
    concurrency : int
        Requests in flight to one host at a time.
    timeout : float
        Seconds one request may take in all (connecting, the answer's headers and body);
        each retry and each redirect hop has its own.
    refresh : bool
        Revalidate cached pages with conditional requests.
    progress : bool
        Show a progress bar while crawling.
    failures : list of CrawlFailure, optional
        Receives the pages that could not be read; they are logged when omitted.

    Returns
    -------
    Corpus
        Its :meth:`~topics.corpus.Corpus.to_pandas` gives one row per talk.

    Raises
    ------
    topics.sources.SourceError
        If a source is of no known kind, cannot be read, or holds no talk.
    """
    sources = [source] if isinstance(source, str) else list(source or [])
    fetcher = open_fetcher(cache, delay, concurrency, timeout, refresh)
    return read_sources(
        sources,
        fetcher,
        corpus_file(cache),
        profile=profile,
        pyvideo_data=pyvideo_data or default_pyvideo_data(),
        progress=progress,
        failures=failures,
    )


def crawl(url: str, profile: str | Profile | None = None, **options) -> Corpus:
    """Crawl a conference's talk list page (or pretalx event), as ``topics crawl URL``.

    Parameters
    ----------
    url : str
        http(s) URL of the page listing the talks, or of a pretalx event.
    profile : str or Profile, optional
        Site profile: a built-in name (``topics sources`` lists them), a TOML profile
        file, or a :class:`Profile`; detected from the page when omitted, else inferred
        from the site.
    **options
        As for :func:`load` (``cache``, ``delay``, ``failures``, ...).

    Returns
    -------
    Corpus

    Raises
    ------
    topics.sources.SourceError
        If ``url`` is not an http(s) URL, or the page cannot be read or lists no talk.
    """
    if not url.startswith(("http://", "https://")):
        raise SourceError(f"not an http(s) URL: {url!r} (topics.load reads files and folders)")
    return load(url, profile=profile, **options)
