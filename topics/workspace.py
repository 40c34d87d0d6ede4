"""The workspace: the cache folder, laid out one way for the command line and the Python API.

A cache folder (``--cache``, default ``cache``) holds::

    pages/          every page and file fetched over HTTP (see topics.sources.http.Fetcher)
    corpora/        one corpus per list of sources read, as JSON Lines
                    (<name>-<hash>.jsonl, see corpus_file and topics.corpus.Corpus.save)
    model/v<N>/     the model's and the site's costly steps (a joblib.Memory), of
                    version N = MODEL_CACHE_VERSION

``topics crawl``/``topics run`` and :func:`topics.load` both read their sources through
:func:`read_sources`, so a notebook and the command line share pages, corpus and model
results: a corpus loaded in a notebook can be built with ``topics build``, and the reverse.
Each list of sources has its own corpus file, so that a crawl never replaces the corpus
of other sources; ``topics build`` reads the one of the sources it is given, or the only
one the cache holds (:func:`find_corpus`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from joblib import Memory

from .corpus import Corpus, CorpusError, slugify
from .sources import DEFAULT_DATA, DEFAULT_SOURCE, SourceError, load_all
from .sources.defaults import CONCURRENCY, TIMEOUT

if TYPE_CHECKING:
    from .sources.http import Fetcher

#: The cache folder used unless told otherwise.
DEFAULT_CACHE = "cache"

#: Version of the results in the model cache. joblib.Memory keys a result by its cached
#: function's own code and arguments only: this is raised when a result changes otherwise
#: (a constant or a function it calls), so that no result of older code is read back.
#: 2: the first numbered version (results of older code were kept in ``model/`` itself).
#: 3: the model's modules moved into ``topics.model`` (pickled analyzers name their class
#: by its module), the fits became ``topics.model.exact``/``minibatch`` functions.
#: 4: ``choose_k`` measures candidates with short fits and continues the chosen one's.
#: 5: a fitted analyzer notes the corpus's verbs and plurals (``verbs_``, ``plural_share_``).
#: 6: an analyzer reads a plural used as a verb ("it permits") as a verb: its ``verbs_``
#: and ``plural_share_`` change, and with them the labels of cached models.
MODEL_CACHE_VERSION = 6

#: Folder of the cache holding one corpus per list of sources.
CORPORA = "corpora"

#: Environment variable naming the pyvideo data repository (a folder or URL).
PYVIDEO_DATA_VARIABLE = "TOPICS_PYVIDEO_DATA"


def pyvideo_data() -> str:
    """The pyvideo data repository: ``$TOPICS_PYVIDEO_DATA``, else pyvideo's GitHub repository."""
    return os.environ.get(PYVIDEO_DATA_VARIABLE, DEFAULT_DATA)


def corpus_file(cache: str | os.PathLike = DEFAULT_CACHE, sources: Sequence[str] = ()) -> Path:
    """Where the corpus of ``sources`` is saved: ``<cache>/corpora/<name>-<hash>.jsonl``.

    ``name`` is made of the sources for people (a URL's host and path, a file's name,
    ``pyvideo-europython-2016``), ``hash`` 8 hex digits of the sources themselves (local
    paths made absolute, so ``../x`` and ``/abs/x`` are one corpus); no sources means
    :data:`~topics.sources.DEFAULT_SOURCE`.

    Examples
    --------
    >>> corpus_file("cache", ["pyvideo:europython-2016"]).parent.as_posix()
    'cache/corpora'
    """
    keys = [_source_key(s) for s in (list(sources) or [DEFAULT_SOURCE])]
    digest = hashlib.sha256(json.dumps(keys).encode("utf-8")).hexdigest()[:8]
    name = slugify("-".join(_source_name(s) for s in (list(sources) or [DEFAULT_SOURCE])), 60)
    return Path(cache) / CORPORA / f"{name}-{digest}.jsonl"


def saved_corpora(cache: str | os.PathLike = DEFAULT_CACHE) -> list[Path]:
    """The corpus files of the cache, by name (``talks.jsonl``, where older versions saved
    the last corpus read, included)."""
    found = sorted((Path(cache) / CORPORA).glob("*.jsonl"))
    legacy = Path(cache) / "talks.jsonl"
    return [*found, legacy] if legacy.is_file() else found


def find_corpus(cache: str | os.PathLike = DEFAULT_CACHE, sources: Sequence[str] = ()) -> Path:
    """The corpus file ``topics build`` reads: the one of ``sources``, else the only one.

    Raises
    ------
    CorpusError
        If ``sources`` were not read into this cache, or none are given and the cache
        holds no corpus or several (the message lists them: the user chooses).
    """
    if sources:
        path = corpus_file(cache, sources)
        if not path.is_file():
            named = " ".join(sources)
            raise CorpusError(f"no corpus of {named} in {cache}: run 'topics crawl {named}' first")
        return path
    saved = saved_corpora(cache)
    if not saved:
        raise CorpusError(f"no corpus in {cache}: run 'topics crawl SOURCE' first")
    if len(saved) > 1:
        names = ", ".join(f"{_described(p)}" for p in saved)
        raise CorpusError(
            f"{cache} holds {len(saved)} corpora ({names}): say which with"
            " 'topics build SOURCE...' or --corpus FILE"
        )
    return saved[0]


def _described(path: Path) -> str:
    """A saved corpus for a message: its sources (from its first line), else its file."""
    try:
        with path.open(encoding="utf-8") as lines:
            header = json.loads(lines.readline() or "{}")
        source = header["corpus"]["source"]
    except (OSError, ValueError, KeyError, TypeError):
        source = None
    return source if isinstance(source, str) and source else str(path)


def _source_key(source: str) -> str:
    if "://" in source or source.startswith(("pyvideo:", "arxiv:")):
        return source
    return str(Path(source).resolve())


def _source_name(source: str) -> str:
    if "://" in source:
        return source.split("://", 1)[1]
    if source.startswith(("pyvideo:", "arxiv:")):
        return source
    return Path(source).name or source


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
    from .sources.http import Fetcher

    return Fetcher(
        cache_dir=str(cache),
        delay=delay,
        concurrency=concurrency,
        refresh=refresh,
        timeout=(min(TIMEOUT[0], timeout), timeout),
    )


class FetcherOnDemand:
    """The fetcher of :func:`open_fetcher`, opened when a source first uses it: sources read
    from local files (a pyvideo folder, a file of talks) import no HTTP library.

    Parameters
    ----------
    *args, **kwargs
        Those of :func:`open_fetcher`.

    Attributes
    ----------
    fetcher : Fetcher or None
        The fetcher, once a source has used it; ``None`` while none has.
    """

    def __init__(self, *args, **kwargs) -> None:
        self._args, self._kwargs = args, kwargs
        self._lock = threading.Lock()  # a crawl's threads may be the first to use it
        self.fetcher: Fetcher | None = None

    def __getattr__(self, name: str):
        # Called for names the object lacks: the fetcher's attributes and methods.
        if name.startswith("_") or name == "fetcher":
            raise AttributeError(name)
        with self._lock:
            if self.fetcher is None:
                self.fetcher = open_fetcher(*self._args, **self._kwargs)
        return getattr(self.fetcher, name)


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
