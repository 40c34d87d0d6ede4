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

import signal
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


@contextmanager
def workers_ignore_ctrl_c() -> Iterator[None]:
    """Start joblib's worker processes (loky's) with Ctrl-C blocked, inside the block.

    A terminal sends Ctrl-C (SIGINT) to every process of the command, workers too: each
    would raise KeyboardInterrupt, and one still starting up prints its traceback on
    the terminal. This process alone must answer: it stops the parallel work (joblib
    terminates the workers) and says so in one line. SIGINT is blocked in the thread
    that starts a worker while it starts it, and a blocked signal stays blocked across
    ``exec`` (POSIX), as CPython's resource tracker does for itself (bpo-33613). Where
    loky cannot be wrapped so (another loky, no ``pthread_sigmask``), nothing changes.
    """
    try:
        from joblib.externals.loky.backend import fork_exec as module
    except ImportError:  # Windows: no fork_exec
        module = None
    start = getattr(module, "fork_exec", None)
    if start is None or not hasattr(signal, "pthread_sigmask"):
        yield
        return

    def blocked_start(*args, **kwargs):
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return start(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    module.fork_exec = blocked_start
    try:
        yield
    finally:
        module.fork_exec = start


def stop_workers() -> None:
    """End joblib's local worker processes now (loky's reusable executor): they are killed,
    with the work they hold, and their memory-mapped arrays deleted. After Ctrl-C the
    command ends at once and leaves no worker behind; the next parallel call starts new
    ones."""
    try:
        from joblib.externals.loky import reusable_executor
    except ImportError:
        return
    executor = getattr(reusable_executor, "_executor", None)
    if executor is None:
        return
    if hasattr(executor, "terminate"):  # joblib's: deletes its memory-mapped arrays too
        executor.terminate(kill_workers=True)
    else:
        executor.shutdown(wait=True, kill_workers=True)
