"""The workspace: the cache folder, laid out one way for the command line and the Python API.

A cache folder (``--cache``, default ``cache``) holds::

    pages/          every page and file fetched over HTTP (see topics.sources.http.Fetcher)
    talks.jsonl     the last corpus read, as JSON Lines (see topics.corpus.Corpus.save)
    model/v<N>/     the model's and the site's costly steps (a joblib.Memory), of
                    version N = MODEL_CACHE_VERSION

``topics crawl``/``topics run`` and :func:`topics.load` both read their sources through
:func:`read_sources`, so a notebook and the command line share pages, corpus and model
results: a corpus loaded in a notebook can be built with ``topics build``, and the reverse.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from joblib import Memory

from .corpus import Corpus
from .sources import DEFAULT_DATA, Fetcher, SourceError, load_all
from .sources.http import CONCURRENCY, TIMEOUT

#: The cache folder used unless told otherwise.
DEFAULT_CACHE = "cache"

#: Version of the results in the model cache. joblib.Memory keys a result by its cached
#: function's own code and arguments only: this is raised when a result changes otherwise
#: (a constant or a function it calls), so that no result of older code is read back.
#: 2: the first numbered version (results of older code were kept in ``model/`` itself).
#: 3: the model's modules moved into ``topics.model`` (pickled analyzers name their class
#: by its module), the fits became ``topics.model.exact``/``minibatch`` functions.
#: 4: a fitted analyzer notes the corpus's verbs and plurals (``verbs_``, ``plural_share_``).
MODEL_CACHE_VERSION = 4

#: Environment variable naming the pyvideo data repository (a folder or URL).
PYVIDEO_DATA_VARIABLE = "TOPICS_PYVIDEO_DATA"


def pyvideo_data() -> str:
    """The pyvideo data repository: ``$TOPICS_PYVIDEO_DATA``, else pyvideo's GitHub repository."""
    return os.environ.get(PYVIDEO_DATA_VARIABLE, DEFAULT_DATA)


def corpus_file(cache: str | os.PathLike = DEFAULT_CACHE) -> Path:
    """Where the corpus read last is saved: ``<cache>/talks.jsonl``."""
    return Path(cache) / "talks.jsonl"


def model_memory(cache: str | os.PathLike = DEFAULT_CACHE) -> Memory:
    """The :class:`joblib.Memory` of the model and site steps: ``<cache>/model/v<N>``, N
    being :data:`MODEL_CACHE_VERSION`. The results of other versions are deleted."""
    folder = Path(cache) / "model"
    current = folder / f"v{MODEL_CACHE_VERSION}"
    if folder.is_dir():
        for other in folder.iterdir():
            if other != current:
                shutil.rmtree(other, ignore_errors=True)
    return Memory(current, verbose=0)


def open_fetcher(
    cache: str | os.PathLike = DEFAULT_CACHE,
    delay: float | None = None,
    concurrency: int = CONCURRENCY,
    timeout: float = TIMEOUT[1],
    refresh: bool = False,
) -> Fetcher:
    """A fetcher whose page cache is ``<cache>/pages``.

    Parameters
    ----------
    cache : path
        The cache folder.
    delay : float, optional
        Seconds between two requests to one host (``None``: ``$TOPICS_CRAWL_DELAY`` or the
        default; a robots.txt Crawl-delay asking for more wins, up to
        :data:`~topics.sources.http.MAX_WAIT`).
    concurrency : int
        Requests in flight to one host at a time.
    timeout : float
        Seconds one request may take in all: connecting, sending, the answer's headers
        and body (connecting waits at most the default connect timeout). Each retry and
        each redirect hop has its own.
    refresh : bool
        Revalidate cached pages with conditional requests.
    """
    return Fetcher(
        cache_dir=str(cache),
        delay=delay,
        concurrency=concurrency,
        refresh=refresh,
        timeout=(min(TIMEOUT[0], timeout), timeout),
    )


def read_sources(
    sources: Sequence[str],
    fetcher: Fetcher,
    corpus_path: str | os.PathLike,
    **options,
) -> Corpus:
    """Read the talks of ``sources`` into one corpus and save it to ``corpus_path``.

    Parameters
    ----------
    sources : sequence of str
        As for :func:`topics.sources.load`; empty means its default source.
    fetcher : Fetcher
        From :func:`open_fetcher`.
    corpus_path : path
        Where the corpus is saved (JSON Lines), atomically.
    **options
        Passed to :func:`topics.sources.load` (``profile``, ``pyvideo_data``, ``progress``,
        ``failures``).

    Returns
    -------
    Corpus

    Raises
    ------
    SourceError
        If a source cannot be read or holds no talk; nothing is saved then.
    """
    corpus = load_all(sources, fetcher, **options)
    if not len(corpus):
        raise SourceError(f"no talks found in {' + '.join(sources) or corpus.source}")
    corpus.save(corpus_path)
    return corpus
