"""Data prepared once per machine from installed packages: the per-user cache.

Some resources of the model are shipped by libraries in a form that is slow to load:
py3langid's language detector is a 4.5 MB LZMA archive holding 68 MB of arrays (0.4-0.8 s
of CPU to unpack at every start), and the function words of
:func:`topics.model.languages.function_words` are computed from wordfreq's frequency lists
of 26 languages (0.6 s to import and read). Both depend only on the installed packages
and on the code of :mod:`topics.model.languages`, so the first run on a machine prepares
them and saves them here, as a font cache does; later runs read them in milliseconds
(docs/decisions.md, "One conference in seconds").

Where: ``$TOPICS_USER_CACHE`` when set (an empty value turns the cache off), else the
platform's per-user cache folder (``~/.cache/topics`` on Linux, from platformdirs). An
entry is a folder named by a digest of what it was made from (package versions, the
source file, the code of :mod:`topics.model.languages`); it is written under a temporary
name and renamed, so that two processes preparing it at once leave one whole entry and a
reader never sees half of one. When the folder cannot be written or read, the caller
computes the resource as if there were no cache: the cache saves time, never changes a
result.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

#: Environment variable naming the per-user cache folder; empty: no cache.
ENV = "TOPICS_USER_CACHE"


def cache_dir() -> Path | None:
    """The per-user cache folder (maybe not created yet), or None when turned off.

    Returns
    -------
    Path or None
        ``$TOPICS_USER_CACHE`` when set and not empty; None when set to ``""``; else
        :func:`platformdirs.user_cache_dir` of ``topics``.
    """
    value = os.environ.get(ENV)
    if value is not None:
        return Path(value).expanduser() if value.strip() else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("topics", appauthor=False))


def digest(*parts: object) -> str:
    """A short hex digest of ``parts`` (their ``repr``), naming a cache entry."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def file_digest(path: str | os.PathLike) -> str:
    """A hex digest of a file's bytes: a cache entry made from a module's code changes
    when the module does."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def entry(name: str, write: Callable[[Path], None]) -> Path | None:
    """The folder of a cache entry, written by ``write`` when it does not exist yet.

    Parameters
    ----------
    name : str
        Folder name of the entry inside :func:`cache_dir`, digest included.
    write : callable
        ``write(folder)`` fills an empty folder with the entry's files.

    Returns
    -------
    Path or None
        The entry's folder; None when the cache is turned off or cannot be written
        (``write``'s own errors other than ``OSError`` propagate).
    """
    root = cache_dir()
    if root is None:
        return None
    final = root / name
    if final.is_dir():
        return final
    try:
        root.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    except OSError:
        return None
    try:
        write(partial)
        partial.rename(final)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        # Another process may have renamed its own copy into place first.
        return final if final.is_dir() else None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def remove(folder: Path) -> None:
    """Remove a damaged entry, so that the next run writes it again; errors ignored."""
    shutil.rmtree(folder, ignore_errors=True)
