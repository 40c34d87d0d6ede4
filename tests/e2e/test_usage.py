"""Usage errors through ``python -m topics``: exit code 2, one line, no traceback, nothing
written; and options may come anywhere among the sources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, REPO, error_line, saved_corpus, snapshot
from tests.helpers.tiny_site import tiny_corpus
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import Corpus

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _topics(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "topics", *args],
        env=ENV,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _usage_error(done: subprocess.CompletedProcess, command: str = "run") -> str:
    """The one line of a usage error."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"topics {command}: error: "), line
    return line


#: Option values that are no seed, pause or wait: (arguments, the message's telling part).
BAD_ARGUMENTS = {
    "negative seed": (["--seed", "-1"], "--seed: must be 0 to 4294967295, not -1"),
    "seed over 32 bits": (["--seed", "4294967296"], "--seed: must be 0 to 4294967295"),
    "infinite delay": (["--delay", "inf"], "--delay: must be 0 to 3600 seconds, not inf"),
    "huge delay": (["--delay", "1e300"], "--delay: must be 0 to 3600 seconds, not 1e300"),
    "NaN delay": (["--delay", "nan"], "--delay: must be 0 to 3600 seconds, not nan"),
    "infinite timeout": (["--timeout", "inf"], "--timeout: must be more than 0 and at most"),
    "zero timeout": (["--timeout", "0"], "--timeout: must be more than 0 and at most 3600"),
    "huge concurrency": (["--concurrency", "100000000"], "--concurrency: must be 1 to 32"),
}


def test_bad_delay_variable_is_a_usage_error(serve, tmp_path):
    server = serve(FIXTURES / "schedules")
    done = subprocess.run(
        [sys.executable, "-m", "topics", "crawl", f"{server.url}/frab.xml",
         "--cache", str(tmp_path / "cache")],
        env={**ENV, "TOPICS_CRAWL_DELAY": "inf"}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    line = _usage_error(done, "crawl")
    assert "$TOPICS_CRAWL_DELAY: must be 0 to 3600 seconds, not inf" in line
    assert server.requests == []


@reliability(
    "--seed -1, --seed 4294967296, --delay inf, --delay 1e300, --delay nan, --timeout inf,"
    " --timeout 0, --concurrency 100000000, each to 'python -m topics run' of a schedule"
    " served over HTTP",
    "Exit 2 and one line naming the option and its range; no traceback, nothing fetched or written",
)
@pytest.mark.parametrize("case", list(BAD_ARGUMENTS), ids=list(BAD_ARGUMENTS))
def test_bad_option_values_are_usage_errors(case, serve, tmp_path):
    server = serve(FIXTURES / "schedules")
    arguments, message = BAD_ARGUMENTS[case]
    done = _topics("run", f"{server.url}/frab.xml", "--cache", str(tmp_path / "cache"),
                   "--out", str(tmp_path / "site"), "--topics", "2", *arguments)  # fmt: skip
    assert f"argument {message}" in _usage_error(done)
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


@reliability(
    "Options between the sources: 'topics run A --out X B', 'topics crawl A --cache C B';"
    " a source named -odd.jsonl after '--'",
    "Both sources are read into one corpus, and the options apply; -odd.jsonl is read",
)
def test_options_may_come_between_sources(tmp_path):
    first, second = tiny_corpus().talks[:7], tiny_corpus().talks[7:]
    Corpus(talks=first, title="First").save(tmp_path / "a.jsonl")
    Corpus(talks=second, title="Second").save(tmp_path / "b.jsonl")
    done = _topics("crawl", "a.jsonl", "--cache", "c", "b.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(saved_corpus(tmp_path / "c")) == len(tiny_corpus())
    done = _topics("run", "a.jsonl", "--out", "site", "--topics", "2", "b.jsonl", "--cache",
                   "c", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{len(tiny_corpus())} talks, 2 topics" in done.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    Corpus(talks=first, title="Odd").save(tmp_path / "-odd.jsonl")  # a source after --
    done = _topics("crawl", "--cache", "d", "--", "-odd.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(saved_corpus(tmp_path / "d")) == len(first)
    # a stray argument is still a usage error
    assert "unrecognized arguments: stray" in _usage_error(_topics("sources", "stray"), "sources")


@reliability(
    "--cache inside a published --out, --out . (holding the default cache), --corpus inside --out",
    "Exit 2 and one line saying what overlaps; the cache and the site are untouched",
)
def test_overlapping_folders_are_refused(tmp_path):
    tiny = tiny_corpus().save(tmp_path / "tiny.jsonl")
    site, cache = tmp_path / "site", tmp_path / "site" / "cache"
    done = _topics("build", "--corpus", str(tiny), "--out", str(site), "--topics", "2")
    assert done.returncode == 0, done.stderr
    (cache / "pages").mkdir(parents=True)
    (cache / "pages" / "page").write_text("fetched an hour ago")
    before = snapshot(tmp_path)
    done = _topics("run", str(tiny), "--cache", str(cache), "--out", str(site), "--topics", "2")
    assert f"--cache {cache} and --out {site} overlap" in _usage_error(done)
    done = _topics("run", str(tiny), "--out", ".", "--topics", "2", cwd=site)
    assert "--cache cache and --out . overlap" in _usage_error(done)
    done = _topics("build", "--corpus", str(site / "talks.jsonl"), "--out", str(site))
    assert "is inside --out" in _usage_error(done, "build")
    assert snapshot(tmp_path) == before


@reliability(
    "'topics crawl mine.csv --corpus mine.csv', and 'topics run link.csv --corpus mine.csv'"
    " with link.csv a symbolic link to mine.csv",
    "Exit 2 and one line: the corpus would overwrite the source; mine.csv is untouched",
)
def test_corpus_never_overwrites_a_source(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("title,abstract\nA talk,About things\nAnother,About more things\n")
    (tmp_path / "link.csv").symlink_to(mine)
    before = snapshot(tmp_path)
    done = _topics("crawl", "mine.csv", "--corpus", "mine.csv", cwd=tmp_path)
    assert "--corpus mine.csv is the source mine.csv" in _usage_error(done, "crawl")
    done = _topics("run", "link.csv", "--corpus", str(mine), cwd=tmp_path)
    assert "saving the talks would overwrite it" in _usage_error(done)
    assert snapshot(tmp_path) == before


def test_local_files_read_say_nothing_of_pages(tmp_path, capsys):
    Corpus(talks=tiny_corpus().talks, title="Tiny").save(tmp_path / "talks-in.jsonl")
    for source in (tmp_path / "talks-in.jsonl", FIXTURES / "pyvideo" / "minicon-2020"):
        assert main(["crawl", str(source), "--cache", str(tmp_path / "empty-cache")]) == 0
        err = capsys.readouterr().err
        (line,) = [line for line in err.splitlines() if line.startswith("crawled ")]
        assert "pages" not in line and "cache)" not in line, line


def test_each_source_keeps_its_corpus_and_build_says_which_it_reads(tmp_path, capsys):
    first = tiny_corpus().talks[:7]
    Corpus(talks=tiny_corpus().talks, title="Whole").save(tmp_path / "whole.jsonl")
    Corpus(talks=first, title="First").save(tmp_path / "first.jsonl")
    cache, out = str(tmp_path / "cache"), str(tmp_path / "site")
    whole, part = str(tmp_path / "whole.jsonl"), str(tmp_path / "first.jsonl")
    assert main(["crawl", whole, "--cache", cache]) == 0
    assert main(["build", "--cache", cache, "--out", out, "--topics", "2"]) == 0  # the only one
    assert f"13 talks of {whole} (" in capsys.readouterr().err
    assert main(["crawl", part, "--cache", cache]) == 0
    assert len(list((tmp_path / "cache" / "corpora").glob("*.jsonl"))) == 2  # none replaced
    capsys.readouterr()
    assert main(["build", "--cache", cache, "--out", out, "--topics", "2"]) == 1
    error = _one_error_line(capsys)
    assert "holds 2 corpora" in error and whole in error and part in error
    assert "'topics build SOURCE...' or --corpus FILE" in error
    assert main(["build", whole, "--cache", cache, "--out", out, "--topics", "2"]) == 0
    assert f"13 talks of {whole} (" in capsys.readouterr().err
    assert main(["build", "other.jsonl", "--cache", cache, "--out", out]) == 1
    assert "no corpus of other.jsonl in " in _one_error_line(capsys)


def _one_error_line(capsys) -> str:
    return error_line(capsys.readouterr().err)
