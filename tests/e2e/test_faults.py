"""Faults provoked on purpose: corrupted caches, a failing template, a build killed half-way,
two runs at once sharing one cache folder. Each checks that nothing already done is lost.

(A crawl killed half-way is tests/test_resume.py.)
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, error_line, saved_corpus, snapshot
from tests.helpers.loopback import PROFILE_TOML, running_site
from tests.helpers.tiny_site import tiny_corpus
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import Corpus
from topics.site import templates as site_templates
from topics.site.publish import MARKER
from topics.sources.tables import load_table

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _topics(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "topics", *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, with the workers it starts
    )


@pytest.fixture
def loopback():
    with running_site([f"/talk/t{n}/" for n in range(8)]) as site:
        yield site


def _cache_entries(cache: Path) -> dict[str, Path]:
    """Page cache entries by URL: the output file joblib stores for each."""
    entries = {}
    for metadata in cache.rglob("metadata.json"):
        url = json.loads(metadata.read_text())["input_args"]["url"].strip("'")
        entries[url] = metadata.parent / "output.pkl"
    return entries


@reliability(
    "Page cache entries corrupted between two crawls: one file cut short, one garbage"
    " bytes, one a valid pickle of the wrong type",
    "The second crawl fetched exactly those 3 pages again (nothing else), gave the same"
    " talks, and said so in one line each, without a traceback",
)
def test_corrupted_page_cache_entries_are_fetched_again(loopback, tmp_path, capsys):
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    cache = tmp_path / "cache"
    args = ["crawl", f"{loopback.url}/list/", "--profile", str(profile), "--cache", str(cache)]
    assert main(args) == 0
    first = saved_corpus(cache)
    entries = _cache_entries(cache / "pages")
    cut, garbage, wrong = (entries[f"{loopback.url}/talk/t{n}/"] for n in (1, 4, 6))
    cut.write_bytes(cut.read_bytes()[:40])
    garbage.write_bytes(b"\x80\x05not a pickle at all")
    wrong.write_bytes(pickle.dumps({"url": "not a page"}))
    capsys.readouterr()

    before = len(loopback.requests)
    assert main(args) == 0
    again = [r.path for r in loopback.requests[before:] if r.path != "/robots.txt"]
    assert sorted(again) == ["/talk/t1/", "/talk/t4/", "/talk/t6/"]
    assert saved_corpus(cache) == first
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("an unreadable cache entry of _fetch was recomputed") == 2
    before = len(loopback.requests)
    assert main(args) == 0  # and the entries written again are good
    assert loopback.requests[before:] == []


def _write_corpus(folder: Path) -> Path:
    return tiny_corpus().save(folder / "tiny.jsonl")


@reliability(
    "Every model cache file (joblib Memory output) cut short before a second build",
    "The build recomputed them, exit code 0, and published the same pages",
)
def test_corrupted_model_cache_is_recomputed(tmp_path, capsys):
    corpus = _write_corpus(tmp_path)
    args = ["build", "--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
            "--out", str(tmp_path / "site"), "--topics", "3"]  # fmt: skip
    assert main(args) == 0
    before = snapshot(tmp_path / "site")
    outputs = list((tmp_path / "cache" / "model").rglob("output.pkl"))
    assert len(outputs) >= 4
    for output in outputs:
        output.write_bytes(output.read_bytes()[: len(output.read_bytes()) // 2])
    capsys.readouterr()
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "an unreadable cache entry of" in err
    after = snapshot(tmp_path / "site")
    pages = [name for name in before if name.endswith(".html")]
    assert {name: after[name] for name in pages} == {name: before[name] for name in pages}


@reliability(
    "A site template that fails (an undefined name) while rebuilding a published site",
    "Exit code 1, one line saying the template failed; the previous site is byte for byte"
    " the same and no temporary folder is left",
)
def test_failed_template_keeps_the_last_good_site(tmp_path, capsys, monkeypatch):
    corpus = _write_corpus(tmp_path)
    out = tmp_path / "public" / "site"
    args = ["build", "--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
            "--out", str(out), "--topics", "3"]  # fmt: skip
    assert main(args) == 0
    before = snapshot(out)
    broken = tmp_path / "templates"
    shutil.copytree(site_templates.TEMPLATES, broken)
    (broken / "topic.html").write_text("{{ topic.no_such_field }}")
    monkeypatch.setattr(site_templates, "TEMPLATES", broken)
    capsys.readouterr()
    assert main(args) == 1
    err = error_line(capsys.readouterr().err)
    assert err.startswith("topics: error: a site template failed, the previous site is kept")
    assert "no_such_field" in err
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]


@reliability(
    "A build killed (SIGKILL) while it writes the new site over a published one",
    "The published site is byte for byte the same; the next build publishes the new one"
    " and deletes the killed build's temporary folder",
)
def test_killed_build_leaves_the_published_site(tmp_path):
    corpus = _write_corpus(tmp_path)
    out = tmp_path / "site"
    args = ["build", "--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
            "--out", str(out), "--topics", "3"]  # fmt: skip
    assert main(args) == 0
    before = snapshot(out)
    changed = Corpus(talks=tiny_corpus().talks[:-1], title="Changed")
    changed.save(corpus)
    build = _topics(*args)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".site.new-*/index.html")):  # half-way: writing pages
        assert build.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(build.pid, signal.SIGKILL)  # the build and every worker it started
    build.communicate(timeout=60)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.glob(".site.new-*")] != []  # what the build left
    assert main(args) == 0
    assert "Changed" in (out / "index.html").read_text(encoding="utf-8")
    assert (out / MARKER).is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # cleaned


@reliability(
    "Two 'topics run' processes at once, sharing one cache folder and one site folder",
    "Both exit 0; the corpus, every cache entry and the site are whole (a third run reads"
    " the cache and builds the same site)",
)
def test_two_runs_at_once_share_a_cache(tmp_path):
    source = _write_corpus(tmp_path)
    out = tmp_path / "site"
    args = [str(source), "--cache", str(tmp_path / "cache"), "--out", str(out), "--topics", "3"]
    runs = [_topics("run", *args) for _ in range(2)]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert saved_corpus(tmp_path / "cache").talks == load_table(source).talks
    built = snapshot(out)
    assert len([name for name in built if name.startswith("talks/")]) == len(tiny_corpus())
    third = _topics("run", *args)
    _, err = third.communicate(timeout=600)
    assert third.returncode == 0, err
    assert "unreadable cache entry" not in err
    again = snapshot(out)
    pages = [name for name in built if name.endswith(".html")]
    assert {n: again[n] for n in pages} == {n: built[n] for n in pages}


@reliability(
    "Two crawls of one site at once, sharing one page cache",
    "Both read every talk; a third crawl is served entirely from the cache",
)
def test_two_crawls_at_once_share_a_page_cache(loopback, tmp_path):
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    cache = str(tmp_path / "cache")
    args = ["crawl", f"{loopback.url}/list/", "--profile", str(profile), "--cache", cache]
    crawls = [_topics(*args, "--corpus", str(tmp_path / f"talks-{n}.jsonl")) for n in range(2)]
    results = [crawl.communicate(timeout=120) for crawl in crawls]
    assert [crawl.returncode for crawl in crawls] == [0, 0], results
    first, second = (Corpus.load(tmp_path / f"talks-{n}.jsonl") for n in range(2))
    assert first == second and len(first) == 8
    before = len(loopback.requests)
    assert main([*args, "--corpus", str(tmp_path / "talks-3.jsonl")]) == 0
    assert len(loopback.requests) == before
