"""Sources: everything that yields the talks of a conference as a :class:`~topics.corpus.Corpus`.

``load`` picks the source from what the user named: a list page URL (crawled with a
site profile), a pyvideo event, a local pyvideo folder, or a saved corpus file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..corpus import Corpus
from .crawler import crawl
from .errors import SourceError
from .http import Fetcher
from .pyvideo import DEFAULT_DATA, load_event, load_folder
from .schedule import load_schedule
from .tables import is_table, load_table

#: What ``topics run`` builds when given no source: the original EuroPython topic site's event.
DEFAULT_SOURCE = "pyvideo:europython-2016"

__all__ = ["DEFAULT_DATA", "DEFAULT_SOURCE", "Fetcher", "SourceError", "load", "load_all"]


def load_all(sources: Sequence[str], fetcher: Fetcher, **options) -> Corpus:
    """Read several sources (editions of a conference, say) into one corpus.

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
    return Corpus.merge([load(s, fetcher, **options) for s in sources or [DEFAULT_SOURCE]])


def load(
    source: str | None,
    fetcher: Fetcher,
    profile: str | None = None,
    pyvideo_data: str = DEFAULT_DATA,
    progress: bool = False,
) -> Corpus:
    """Read the talks ``source`` names.

    Parameters
    ----------
    source : str or None
        One of: an http(s) URL of a conference's talk list page; ``pyvideo:<event>``
        (read from ``pyvideo_data``); a local pyvideo event folder (holding
        ``category.json``); a CSV, JSON or JSON Lines file of talks (see
        :mod:`topics.sources.tables`), such as a corpus saved by :meth:`Corpus.save`;
        a frab/pentabarf ``schedule.xml`` or c3voc ``schedule.json``, as a file or URL.
        ``None`` means :data:`DEFAULT_SOURCE`.
    fetcher : Fetcher
        Fetches (and caches) every page read over HTTP.
    profile : str, optional
        Name of a built-in site profile for a list page URL; detected when omitted.
    pyvideo_data : str
        Local folder or URL of pyvideo's ``data`` repository.
    progress : bool
        Show a progress bar while crawling.

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
        return load_event(source.removeprefix("pyvideo:"), pyvideo_data, fetcher)
    if source.startswith(("http://", "https://")):
        if urlsplit(source).path.endswith((".xml", ".json")):
            return load_schedule(source, fetcher)
        return crawl(source, fetcher, profile=profile, progress=progress)
    path = Path(source)
    if path.is_dir():
        return load_folder(path)
    if is_table(path):
        return load_table(path)
    if path.is_file():
        return load_schedule(source)
    raise SourceError(
        f"{source!r} is neither a URL, 'pyvideo:<event>', a pyvideo event folder nor a corpus file"
    )
