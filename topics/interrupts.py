"""Ctrl-C while the ``topics`` command starts: the process ends at once.

Until the command line has imported its libraries (about a second: scikit-learn, SciPy,
the site), nothing is fetched or built, and Python's own answer to SIGINT, a
KeyboardInterrupt raised wherever the signal lands, is not safe: raised inside a
finaliser or a weak reference's callback it is printed and swallowed (the command then
runs on as if not interrupted), raised between taking a lock and the ``try`` that
releases it, it leaves the lock taken (the command then hangs). ``python -m topics``
(:mod:`topics.__main__`) therefore starts with :func:`exit_on_ctrl_c`; the command line
calls :func:`catch_ctrl_c` once it can catch KeyboardInterrupt itself and keep what it
fetched.
"""

from __future__ import annotations

import os
import signal

#: The exit code of an interrupted command (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


def exit_at_once(signum: int, frame: object) -> None:
    """SIGINT handler: one line on standard error, then exit code :data:`INTERRUPTED`,
    without the interpreter's shutdown."""
    os.write(2, b"topics: interrupted\n")
    os._exit(INTERRUPTED)


def exit_on_ctrl_c() -> None:
    """Make Ctrl-C end the process at once (:func:`exit_at_once`); main thread only."""
    signal.signal(signal.SIGINT, exit_at_once)


def catch_ctrl_c() -> None:
    """Python's SIGINT handler (KeyboardInterrupt) again, if :func:`exit_on_ctrl_c` had
    replaced it; any other handler (a caller's, in this process) is left alone."""
    if signal.getsignal(signal.SIGINT) is exit_at_once:
        signal.signal(signal.SIGINT, signal.default_int_handler)
