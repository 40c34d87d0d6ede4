"""The pipeline from Python (a notebook, a script): :func:`load`, :func:`crawl`, :func:`build_site`.

These are the command line's ``topics crawl`` and ``topics build`` as functions: the same
sources, the same cache folder and layout (:mod:`topics.workspace`), the same saved corpus
and site. So ``topics build`` can fit and render what a notebook loaded, and a notebook
re-reads from the cache what ``topics crawl`` fetched, without a request.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from sklearn.utils.validation import check_memory

from .corpus import Corpus
from .model import TopicModel
from .site import build_site as publish_site
from .sources import CrawlFailure, SourceError
from .sources.defaults import CONCURRENCY, TIMEOUT
from .sources.profiles import Profile
from .workspace import DEFAULT_CACHE, corpus_file, open_fetcher, read_sources
from .workspace import pyvideo_data as default_pyvideo_data


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
        ``<cache>/pages`` and the corpus is saved to ``<cache>/corpora/`` (one file per list of
        sources, :func:`topics.workspace.corpus_file`), where ``topics build`` finds it.
    profile : str or Profile, optional
        Site profile for a talk list page (name, TOML file or :class:`Profile`); detected
        from the page when omitted, else inferred from the site.
    pyvideo_data : str, optional
        pyvideo's data repository, a folder or URL, for ``pyvideo:`` sources;
        ``$TOPICS_PYVIDEO_DATA`` or https://github.com/pyvideo/data when omitted.
    delay : float, optional
        Seconds between two requests to one host (``$TOPICS_CRAWL_DELAY`` or
        :data:`~topics.sources.http.DELAY` when omitted).
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
        corpus_file(cache, sources),
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


def build_site(
    corpus: Corpus, model: TopicModel, path: str | os.PathLike, force: bool = False
) -> Path:
    """Build the topic site of a corpus with a model fitted on it, as ``topics build`` does.

    Parameters
    ----------
    corpus : Corpus
        The talks the model was fitted on, in the same order.
    model : TopicModel
        Fitted; its ``memory``, when set, caches the word clouds and the site's view.
    path : path
        The site folder: absent, empty, or a site built before (it is replaced; the files
        in it that are not the site's, a ``CNAME`` for instance, are kept).
    force : bool
        Build also into a non-empty folder that topics did not make (its files named like
        the site's are replaced, the others kept).

    Returns
    -------
    pathlib.Path
        ``path``; open ``index.html`` in a browser.

    Raises
    ------
    topics.site.RenderError, FileExistsError, OSError
        As :func:`topics.site.build_site`.
    """
    memory = check_memory(model.memory) if model.memory is not None else None
    return publish_site(corpus, model.summary(), path, memory=memory, force=force)
