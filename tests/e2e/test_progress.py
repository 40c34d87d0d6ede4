"""What a run shows while it works: stage lines, progress bars on a terminal (and only
there), ``--quiet`` and ``--verbose``, the run report ``run.json``, and Ctrl-C at any stage.

The corpus is real: PyCon US 2019's talk list and its 95 talk pages (``../shared``),
served on 127.0.0.1 and crawled over HTTP, so the crawl has pages to count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.helpers import REPO, run_report, saved_corpus_file, shared_path
from tests.helpers.loopback import start_server
from tests.helpers.terminal import BAR, run_in_terminal
from tests.reliability_table import reliability
from topics.report import SCHEMA

pytestmark = pytest.mark.shared

LIST = "/2019/schedule/talks/list/"
#: The stages of a run choosing k on a corpus of one language, in the order they start.
STAGES = [
    "read sources",
    "detect languages",
    "vectorize",
    "choose k",
    "word clouds",
    "site view",
    "pages",
    "search index",
    "publish",
]
SUMMARY = re.compile(
    r"95 talks, (\d+) topics \(chosen by stability and coherence\): site in .+/index\.html"
    r" \(\d+\.\d s\)"
)
INTERRUPTED = "topics: interrupted; everything fetched so far is cached"


@pytest.fixture(scope="module")
def site_url():
    root = shared_path() / "sites" / "pycon-us"
    if not (root / LIST.strip("/") / "index.html").is_file():
        pytest.skip(f"real data not available: {root} is absent (set TOPICS_SHARED)")
    server, httpd = start_server(root)
    yield server.url + LIST
    httpd.shutdown()
    httpd.server_close()


def _env(**more: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "TOPICS_CRAWL_DELAY": "0", **more}


def _topics(*args: str) -> subprocess.CompletedProcess:
    """``python -m topics ARGS`` with stdout and stderr piped."""
    return subprocess.run(
        [sys.executable, "-m", "topics", *args],
        env=_env(), cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def piped(site_url, tmp_path_factory):
    """A cold run with its output piped: (the run, its cache folder)."""
    folder = tmp_path_factory.mktemp("piped")
    cache = folder / "cache"
    run = _topics("run", site_url, "--cache", str(cache), "--out", str(folder / "site"))
    assert run.returncode == 0, run.stderr
    return run, cache


def _stage_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """The stages started (``name ...``) and ended (``name: 1.2 s[, count]``), in order."""
    started = [line.removesuffix(" ...") for line in lines if line.endswith(" ...")]
    ended = [
        m.group(1) for line in lines if (m := re.fullmatch(r"(.+): \d+\.\d s(, \d+ \w+)?", line))
    ]
    return started, ended


def test_a_run_in_a_terminal_shows_each_stage_and_bars(site_url, tmp_path):
    cache = tmp_path / "cache"
    args = ["run", site_url, "--cache", str(cache), "--out", str(tmp_path / "site")]
    terminal = run_in_terminal(args, _env())
    assert terminal.returncode == 0, terminal.output
    screen = terminal.screen()
    started, ended = _stage_lines(screen)
    assert sorted(started) == sorted(STAGES), screen
    assert sorted(ended) == sorted(STAGES), screen
    for stage, total in [("read sources", 95), ("choose k", None), ("word clouds", None)]:
        bars = terminal.bars(stage)
        assert bars, f"no bar drawn for {stage}"
        assert any(done > 0 for done, _ in bars), f"{stage}'s bar never moved: {bars}"
        if total is not None:
            assert {t for _, t in bars} == {total}
    report = run_report(cache)
    assert terminal.bars("choose k")[-1][1] == len(report["model"]["candidates"])
    assert terminal.bars("word clouds")[-1][1] == report["model"]["n_topics"]
    # Each bar is taken off the screen when its stage ends: none is left.
    assert not [line for line in screen if BAR.search(line)], screen
    assert SUMMARY.fullmatch(screen[-1]), screen


def test_a_piped_run_shows_stage_lines_and_no_carriage_return(piped):
    run, _ = piped
    assert "\r" not in run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    started, ended = _stage_lines(lines)
    assert sorted(started) == sorted(STAGES)
    assert sorted(ended) == sorted(STAGES)
    assert "read sources: " in run.stderr and ", 95 talks" in run.stderr
    assert SUMMARY.fullmatch(lines[-1]), lines


def test_run_json_follows_its_schema_and_has_the_stage_times(piped):
    run, cache = piped
    report = run_report(cache)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(report)]
    assert not errors
    assert [s["name"] for s in report["stages"]] == _ended_in_order(run.stderr)
    by_name = {s["name"]: s for s in report["stages"]}
    assert by_name["read sources"]["count"] == 95
    assert by_name["choose k"]["count"] == len(report["model"]["candidates"]) >= 2
    assert by_name["word clouds"]["count"] == report["model"]["n_topics"]
    assert all(s["seconds"] >= 0 for s in report["stages"])
    assert report["command"][:2] == ["topics", "run"]
    assert report["corpus"]["talks"] == 95
    assert report["model"]["chosen"] == report["model"]["n_topics"]
    assert report["model"]["chosen"] in [c["k"] for c in report["model"]["candidates"]]
    assert report["versions"]["scikit-learn"]
    # What the stage lines said is what run.json holds.
    for stage in report["stages"]:
        assert f"{stage['name']}: {stage['seconds']:.1f} s" in run.stderr


def _ended_in_order(stderr: str) -> list[str]:
    return _stage_lines(stderr.splitlines())[1]


def test_an_invalid_report_fails_the_schema(piped):
    _, cache = piped
    report = run_report(cache)
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    del report["stages"][0]["count"]
    report["model"]["candidates"][0]["k"] = "five"
    assert len(list(validator.iter_errors(report))) == 2


def test_quiet_prints_exactly_the_summary(piped, site_url, tmp_path):
    _, cache = piped
    run = _topics("run", site_url, "-q", "--cache", str(cache), "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and SUMMARY.fullmatch(lines[0]), lines


def test_verbose_lists_every_k_candidate_with_its_score(piped, site_url, tmp_path):
    _, cache = piped
    out = str(tmp_path / "site")
    run = _topics("run", site_url, "--verbose", "--cache", str(cache), "--out", out)
    assert run.returncode == 0, run.stderr
    candidates = run_report(cache)["model"]
    listed = re.findall(r"^  k=(\d+) \(en\): .* score (\d\.\d{3})$", run.stderr, re.M)
    assert listed == [(str(c["k"]), f"{c['score']:.3f}") for c in candidates["candidates"]]
    assert f"  k={candidates['chosen']} chosen (en), among {len(listed)} candidates" in run.stderr
    assert "  languages with topics: English (95); left out" in run.stderr
    started, _ = _stage_lines(run.stderr.splitlines())
    assert sorted(started) == sorted(STAGES)


def test_build_says_which_corpus_it_read_and_when_it_was_crawled(piped, tmp_path):
    _, cache = piped
    corpus = saved_corpus_file(cache)
    run = _topics("build", "--topics", "6", "--cache", str(cache), "--out", str(tmp_path / "s"))
    assert run.returncode == 0, run.stderr
    crawled = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(corpus.stat().st_mtime))
    assert "read 95 talks from http://127.0.0.1:" in run.stderr
    assert f", crawled {crawled} <- {corpus}" in run.stderr
    # k given: a fit, no choice.
    started, ended = _stage_lines(run.stderr.splitlines())
    assert "fit" in started and "fit" in ended and "choose k" not in started
    report = run_report(cache)
    assert report["command"][:2] == ["topics", "build"]
    assert report["model"]["asked"] == 6 and report["model"]["candidates"] == []


def _pages_cache(piped, tmp_path: Path) -> Path:
    """A cache holding the crawled pages but no model: the crawl is quick, the rest cold."""
    cache = tmp_path / "cache"
    shutil.copytree(piped[1] / "pages", cache / "pages")
    return cache


def _leftovers(mark: str, wait: float = 2.0) -> list[str]:
    """The command lines of the processes whose environment holds ``mark`` (workers left
    behind), ``wait`` seconds on: loky's resource tracker, not a worker, ends by itself
    once the command has ended (within half a second), having deleted its shared memory."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                    found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/environ").is_file(), reason="needs Linux's /proc")
@reliability(
    "Ctrl-C (SIGINT to the process group, as a terminal sends it) to 'topics run' in a"
    " terminal while it crawls (bar drawn), detects languages, chooses k (bar drawn),"
    " draws word clouds (bar drawn) and renders pages",
    "Exit 130 within 1 s each time, one line 'topics: interrupted; ...', the bars taken off"
    " the screen, no traceback (from the workers either), no worker process left",
)
@pytest.mark.parametrize(
    ("marker", "delay", "cold"),
    [
        ("read sources:  ", 0.2, True),  # the crawl's bar, pages fetched one by one
        ("detect languages ...", 0.0, False),
        ("choose k:  ", 0.1, False),  # the bar of the candidates of k
        ("word clouds:  ", 0.3, False),  # workers drawing (or starting up)
        ("pages ...", 0.0, False),
    ],
)
def test_ctrl_c_at_any_stage_stops_within_a_second(piped, marker, delay, cold, tmp_path):
    cache = tmp_path / "cache" if cold else _pages_cache(piped, tmp_path)
    url = run_report(piped[1])["corpus"]["source"]
    args = ["run", url, "--cache", str(cache), "--out", str(tmp_path / "site")]
    if cold:
        args += ["--delay", "0.05"]
    mark = f"topics-test-{uuid.uuid4().hex}"
    terminal = run_in_terminal(args, _env(TOPICS_TEST_MARK=mark), marker, delay)
    screen = terminal.screen()
    assert terminal.returncode == 130, terminal.output
    assert terminal.stopped_in < 1.0, terminal.stopped_in
    assert screen[-1] == INTERRUPTED, screen
    assert INTERRUPTED not in screen[:-1]
    assert "Traceback" not in terminal.output and "Warning" not in terminal.output
    assert not [line for line in screen if BAR.search(line)], screen
    assert not (tmp_path / "site").exists()
    assert _leftovers(mark) == []
