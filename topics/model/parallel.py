"""Where the parallel work runs: this machine's processes, or a Dask cluster.

Every embarrassingly parallel step of ``topics`` is a :class:`joblib.Parallel` call:
language detection and TF-IDF rows in chunks (:mod:`topics.model.minibatch`), the
candidate numbers of topics and stability fits (:mod:`topics.model.selection`), word
clouds (:mod:`topics.site.wordclouds`), similar talks per topic
(:mod:`topics.model.similarity`) and topic and talk pages (:mod:`topics.site.pages`).
Inside :func:`cluster`, joblib's Dask backend
(https://joblib.readthedocs.io/en/stable/auto_examples/parallel/distributed_backend_simple.html)
sends those same calls to the workers of a ``dask.distributed`` scheduler instead of
local processes; nothing else changes. Workers need ``topics`` installed; results come
back to this process, which writes every file, so workers need no shared disk (local
processes write the pages they render themselves, see :func:`runs_here`).

Dask is optional: ``pip install 'topics[dask]'``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import joblib
from joblib.parallel import get_active_backend


class ClusterError(RuntimeError):
    """The Dask cluster cannot be used (Dask not installed)."""


@contextmanager
def cluster(scheduler=None) -> Iterator[object]:
    """Run the joblib work started inside this block on a Dask cluster.

    Parameters
    ----------
    scheduler : str, dask.distributed.Client or None
        The scheduler's address (``"tcp://host:8786"``), or a connected client; ``None``
        leaves joblib's default (local processes) in place.

    Yields
    ------
    dask.distributed.Client or None
        The client in use.

    Raises
    ------
    ClusterError
        If Dask (``dask.distributed``) is not installed.
    OSError
        If the scheduler cannot be reached within 10 seconds.
    """
    if scheduler is None:
        yield None
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise ClusterError(
            "a Dask scheduler was given but dask.distributed is not installed: "
            "pip install 'topics[dask]'"
        ) from None
    if isinstance(scheduler, Client):
        with joblib.parallel_config(backend="dask"):
            yield scheduler
        return
    with Client(str(scheduler), timeout=10) as client, joblib.parallel_config(backend="dask"):
        yield client


def runs_here() -> bool:
    """Whether joblib's parallel work now runs on this machine (not inside :func:`cluster`),
    so that its workers can write files where this process would."""
    dask = sys.modules.get("joblib._dask")  # joblib's Dask backend, once it has been used
    backend, _ = get_active_backend()
    return dask is None or not isinstance(backend, dask.DaskDistributedBackend)
