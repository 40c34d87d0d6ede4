"""Run ``python -m topics`` under a pseudo-terminal (the ``pty`` module), as in a user's
terminal: stderr is a TTY of 120 columns, and Ctrl-C can be sent to the whole job (the
process group, as a terminal does) when a given text appears in its output."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass

from tests.helpers import REPO

#: A tqdm bar as drawn: "choose k:  50%|█████     | 3/6 [00:01<00:01, ...]".
BAR = re.compile(r"(\d+)%\|.*\| *(\d+)/(\d+) \[")


@dataclass
class Terminal:
    """What a run in the pseudo-terminal wrote, and how it ended."""

    output: str
    returncode: int
    #: Seconds from Ctrl-C to the end of the process (None: not interrupted).
    stopped_in: float | None

    def screen(self) -> list[str]:
        """The lines left on the screen: each line's carriage returns applied (what comes
        after one overwrites the line from its start), trailing spaces dropped."""
        lines = []
        for line in self.output.replace("\r\n", "\n").split("\n"):
            shown = ""
            for part in line.split("\r"):
                shown = part + shown[len(part) :]
            lines.append(shown.rstrip())
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def bars(self, stage: str) -> list[tuple[int, int]]:
        """(done, total) of every drawing of ``stage``'s bar."""
        found = []
        for part in re.split(r"[\r\n]", self.output):
            if part.startswith(f"{stage}:"):
                match = BAR.search(part)
                if match:
                    found.append((int(match.group(2)), int(match.group(3))))
        return found


def run_in_terminal(
    args: list[str],
    env: dict[str, str],
    interrupt_at: str | None = None,
    delay: float = 0.0,
    timeout: float = 300,
) -> Terminal:
    """Run ``python -m topics ARGS`` with stdin, stdout and stderr on a pseudo-terminal.

    Parameters
    ----------
    args : list of str
    env : dict
        The environment (``PYTHONPATH`` pointing at the checkout).
    interrupt_at : str, optional
        When this text appears in the output, wait ``delay`` seconds, then send SIGINT
        to the process group, as Ctrl-C in a terminal does.
    timeout : float
        Seconds the run may take.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "topics", *args],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    output, sent, ended = b"", None, None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.005)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every writer has closed the terminal
                    data = b""
                if not data:
                    break
                output += data
            elif process.poll() is not None:
                break
            if sent is None and interrupt_at is not None and interrupt_at.encode() in output:
                time.sleep(delay)
                os.killpg(process.pid, signal.SIGINT)
                sent = time.monotonic()
        else:
            raise TimeoutError(f"topics {' '.join(args)} ran for more than {timeout} s")
        process.wait(timeout=10)
        ended = time.monotonic()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)
    stopped_in = None if sent is None else ended - sent
    return Terminal(output.decode("utf-8", "replace"), process.returncode, stopped_in)
