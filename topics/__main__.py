"""``python -m topics``, and the ``topics`` command: :func:`topics.cli.main`, guarded.

Ctrl-C gives one line and exit code 130 from the first moment on, also while the
libraries (scikit-learn, NumPy, ...) are being imported, which takes about a second and
happens before :func:`topics.cli.main` can catch anything: until then the signal ends
the process at once (:mod:`topics.interrupts`). Nothing heavy is imported before the
guard is in place (``topics/__init__.py`` imports lazily).
"""

import atexit
import gc
import os
import sys
import threading

from .interrupts import INTERRUPTED, exit_on_ctrl_c


def main() -> int:
    """Run the ``topics`` command line; returns the exit code."""
    exit_on_ctrl_c()  # until the command line can catch it (topics.interrupts)
    try:
        # No cyclic garbage collections while the command line's modules are imported:
        # nothing they make is garbage (see topics.cli.frozen_imports).
        gc.disable()
        from .cli import main as run

        gc.enable()
        code = run()
    except KeyboardInterrupt:
        print("topics: interrupted", file=sys.stderr)
        sys.stderr.flush()
        # An interrupt just outside the command line's own handling (it catches them once
        # its libraries are imported). Ended here, without the interpreter's shutdown,
        # which could end the process by SIGINT (exit code -2) although it was handled.
        os._exit(INTERRUPTED)
    if code == INTERRUPTED:
        # Told in one line already, everything fetched is saved and the workers are
        # stopped: ended at once too, not after the interpreter's shutdown (a second or
        # more, with threads of the parallel work still computing).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(INTERRUPTED)
    _stop_idle_workers()
    if _nothing_running():
        # The interpreter's shutdown frees every module's objects one by one (scikit-learn,
        # SciPy, pandas, matplotlib): 0.3 s of CPU, a second or more on a loaded machine,
        # for nothing (docs/decisions.md, "One conference in seconds"). The exit handlers
        # still run (logging's flush among them).
        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()
        os._exit(code)
    return code


def _stop_idle_workers() -> None:
    """Stop joblib's worker processes (loky's reusable executor, idle once the command has
    returned) and wait for them, as the interpreter's shutdown would: then the process
    can end without that shutdown."""
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    if loky is not None and loky._executor is not None:
        loky._executor.shutdown(wait=True)
        loky._executor = None


def _nothing_running() -> bool:
    """Whether the process runs nothing but this thread: no thread left that the
    interpreter's shutdown would wait for, and no worker process of joblib's (loky).
    The resource trackers that loky starts may be left: each ends by itself when this
    process has ended (it reads the end of its pipe), as after the normal shutdown,
    which does not stop them either; joblib's temporary folders are deleted by its exit
    handler."""
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        return False
    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    return loky is None or loky._executor is None


if __name__ == "__main__":
    sys.exit(main())
