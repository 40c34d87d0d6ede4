"""A crawl killed half-way, run again, fetches only the pages it did not have yet.

``topics crawl`` runs as a subprocess against the loopback site (tests/loopback.py) of
30 talk pages. The site answers the first 12 talk pages, then holds every further talk
request: once both of the crawler's two connections wait there, every page answered
before has been stored (each worker stores a page before it asks for the next), and the
test kills the process, with SIGKILL (no chance to clean up) or SIGINT (Ctrl-C, which
exits at once with code 130). The second run's requests are counted on the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.helpers import REPO, saved_corpus
from tests.helpers.loopback import PROFILE_TOML, running_site
from tests.reliability_table import reliability
from topics.cli import main

TALKS = [f"/talk/t{n:02d}/" for n in range(30)]
ANSWERED = 12


@pytest.fixture
def gated_site():
    with running_site(TALKS) as site:
        site.gate = threading.Event()
        site.gate_after = ANSWERED
        yield site


def _wait(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the crawl did not get there in time")
        time.sleep(0.02)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
@reliability(
    "A crawl of 30 talk pages killed after 12 (SIGKILL, or Ctrl-C), then run again",
    "The rerun fetched exactly the 18 missing pages (not the list page, nothing twice);"
    " Ctrl-C exits with 130 at once",
)
def test_killed_crawl_resumes_with_only_the_rest(gated_site, tmp_path, how, capsys):
    site = gated_site
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    args = ["crawl", f"{site.url}/list/", "--profile", str(profile),
            "--cache", str(tmp_path / "cache"), "--delay", "0", "--concurrency", "2"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "topics", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # both connections wait on held talk pages: the first 12 are answered and stored
    _wait(lambda: site.gate.is_set() and site.in_flight == 2)
    answered = site.paths("/talk/")[:ANSWERED]
    held = site.paths("/talk/")[ANSWERED:]
    assert len(held) == 2 and not set(held) & set(answered)

    crawl.send_signal(how)
    start = time.monotonic()
    _, err = crawl.communicate(timeout=60)
    assert time.monotonic() - start < 10  # Ctrl-C does not wait for the held answers
    site.release.set()
    if how == signal.SIGKILL:
        assert crawl.returncode == -signal.SIGKILL
    else:
        assert crawl.returncode == 130, err
        assert "interrupted; everything fetched so far is cached" in err
    assert not (tmp_path / "cache" / "corpora").exists()

    site.gate = None
    before = len(site.requests)
    assert main(args) == 0
    second = [r.path for r in site.requests[before:]]
    fetched_again = [p for p in second if p.startswith("/talk/")]
    assert "/list/" not in second  # the list page came from the cache
    assert len(fetched_again) == len(set(fetched_again))  # each page once
    assert not set(fetched_again) & set(answered)  # nothing it already had
    assert sorted(fetched_again) == sorted(set(TALKS) - set(answered))  # exactly the rest
    corpus = saved_corpus(tmp_path / "cache")
    assert [t.title for t in corpus] == [f"Talk t{n:02d}" for n in range(30)]
    assert f"({len(fetched_again)} pages fetched, the rest from the cache)" in (
        capsys.readouterr().err
    )
