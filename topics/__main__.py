"""``python -m topics``, and the ``topics`` command: :func:`topics.cli.main`, guarded.

Ctrl-C gives one line and exit code 130 from the first moment on, also while the
libraries (scikit-learn, NumPy, ...) are being imported, which takes about a second and
happens before :func:`topics.cli.main` can catch anything. Nothing heavy is imported
before the guard is in place (``topics/__init__.py`` imports lazily).
"""

import os
import sys

#: The exit code of an interrupted command (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


def main() -> int:
    """Run the ``topics`` command line; returns the exit code."""
    try:
        from .cli import main as run

        return run()
    except KeyboardInterrupt:
        print("topics: interrupted", file=sys.stderr)
        sys.stderr.flush()
        # Ended here, without the interpreter's shutdown: an interrupt that landed inside
        # a library's import can make CPython end the process by SIGINT (exit code -2)
        # once it shuts down, although the interrupt was handled. Nothing needs closing:
        # the command line catches interrupts itself once its libraries are imported.
        os._exit(INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
