"""Ctrl-C in the first second of ``python -m topics``, while scikit-learn, SciPy and pandas
are being imported: one line and exit code 130, no traceback.

The interrupt is sent when the process has loaded NumPy's compiled core (seen in
``/proc/<pid>/maps``), then a little later: the interpreter has started, and the imports
of the libraries (about a second) have begun but not ended. Earlier than that, Python
itself is starting up (and runs the environment's ``.pth`` files), which no program can
guard.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.helpers.tiny_site import tiny_corpus
from tests.reliability_table import reliability

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _numpy_loaded(pid: int) -> bool:
    try:
        return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:  # gone already
        return True


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs Linux's /proc")
@reliability(
    "Ctrl-C (SIGINT) to 'python -m topics run' while it imports its libraries: as soon as"
    " NumPy is loaded, and 0.05, 0.1, 0.2 and 0.3 s later",
    "Exit 130 and one line, 'topics: interrupted'; no traceback",
)
@pytest.mark.parametrize("after", [0.0, 0.05, 0.1, 0.2, 0.3])
def test_ctrl_c_during_imports_gives_one_line(after, tmp_path):
    source = tiny_corpus().save(tmp_path / "tiny.jsonl")
    args = ["run", str(source), "--cache", str(tmp_path / "cache"), "--out",
            str(tmp_path / "site")]  # fmt: skip
    run = subprocess.Popen(
        [sys.executable, "-m", "topics", *args],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not _numpy_loaded(run.pid) and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(after)
    assert run.poll() is None, "the run ended before it was interrupted"
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert run.returncode == 130, err
    assert err.splitlines() == ["topics: interrupted"]
    assert not (tmp_path / "site").exists()


#: A finaliser that runs while Ctrl-C arrives: Python raises the KeyboardInterrupt inside
#: it, prints it as ignored, and runs on.
_FINALISER = """
import os, signal, sys, time
from topics.interrupts import exit_on_ctrl_c
if sys.argv[1] == "guarded":
    exit_on_ctrl_c()
class Slow:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)
Slow()
print("ran on")
"""


@pytest.mark.parametrize("guarded", [True, False])
def test_ctrl_c_in_a_finaliser_ends_the_starting_command(guarded):
    done = subprocess.run(
        [sys.executable, "-c", _FINALISER, "guarded" if guarded else "plain"],
        env=ENV, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if guarded:
        assert (done.returncode, done.stdout, done.stderr) == (130, "", "topics: interrupted\n")
    else:  # what Python alone does, which a starting command cannot afford
        assert done.returncode == 0 and done.stdout == "ran on\n"
        assert "KeyboardInterrupt" in done.stderr


def test_the_command_line_catches_ctrl_c_itself_once_it_can():
    from topics.interrupts import catch_ctrl_c, exit_at_once, exit_on_ctrl_c

    previous = signal.getsignal(signal.SIGINT)
    try:
        exit_on_ctrl_c()
        assert signal.getsignal(signal.SIGINT) is exit_at_once
        catch_ctrl_c()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

        def mine(signum, frame):
            pass

        signal.signal(signal.SIGINT, mine)
        catch_ctrl_c()  # a handler of the caller's own is left alone
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, previous)
