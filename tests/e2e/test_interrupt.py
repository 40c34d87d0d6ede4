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
