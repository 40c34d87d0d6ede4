"""What the command imports: help and listings answer without loading the model's libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.programme import programme

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "pandas", "wordcloud", "matplotlib")
#: What only other kinds of source (pages and files over HTTP, HTML, calendars, feeds) or
#: reStructuredText abstracts need.
NOT_FOR_LOCAL_TALKS = (
    *("requests", "urllib3", "protego", "bs4", "soupsieve", "html5lib"),
    *("icalendar", "feedparser", "docutils"),
)


def imported(*args: str) -> set[str]:
    """Top-level packages imported by ``python -m topics ARGS`` (``-X importtime``)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "topics", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("sources",)])
def test_help_and_sources_import_no_model_library(args):
    assert imported(*args) & set(HEAVY) == set()


def test_model_package_imports_the_estimator_only_when_asked():
    code = (
        "import sys, topics.model.wordclouds, topics.model.summary; "
        "print(sorted(m for m in ('sklearn', 'pandas') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


def test_imports_are_frozen_out_of_collections_until_the_command_ends(tmp_path):
    import gc

    from topics.cli import frozen_imports, main

    enabled = gc.isenabled()
    try:
        with frozen_imports():
            assert not gc.isenabled()
            made = [[] for _ in range(100)]
        assert gc.get_freeze_count() >= len(made)
        assert gc.isenabled() == enabled
    finally:
        gc.unfreeze()
    event = REPO / "tests" / "fixtures" / "pyvideo" / "minicon-2020"
    args = ["run", str(event), "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "site")]
    assert main([*args, "--topics", "2", "-q"]) == 0
    assert gc.get_freeze_count() == 0 and gc.isenabled() == enabled  # as before the call


def _schedule(path: Path) -> Path:
    """The toy programme as a frab schedule.xml (plain abstracts, no time zone)."""
    events = "".join(
        f"<event id='{n}'><title>{talk.title}</title><abstract>{talk.abstract}</abstract>"
        f"<persons><person>{talk.speakers[0]}</person></persons></event>"
        for n, talk in enumerate(programme(spanish=False))
    )
    path.write_text(
        "<schedule><conference><title>TestCon</title></conference>"
        f"<day date='2024-02-03'><room name='A'>{events}</room></day></schedule>",
        encoding="utf-8",
    )
    return path


def _pyvideo_folder(folder: Path) -> Path:
    """The toy programme as a pyvideo event folder: category.json, videos/<id>.json."""
    (folder / "videos").mkdir(parents=True)
    (folder / "category.json").write_text(json.dumps({"title": "TestCon"}), encoding="utf-8")
    for talk in programme(spanish=False):
        video = {"title": talk.title, "description": talk.abstract, "speakers": talk.speakers}
        (folder / "videos" / f"{talk.id}.json").write_text(json.dumps(video), encoding="utf-8")
    return folder


@pytest.mark.parametrize("kind", ["pyvideo folder", "jsonl", "schedule"])
def test_a_run_of_local_talks_imports_no_http_html_feed_or_calendar_library(kind, tmp_path):
    if kind == "jsonl":
        source = programme(spanish=False).save(tmp_path / "talks.jsonl")
    elif kind == "schedule":
        source = _schedule(tmp_path / "schedule.xml")
    else:
        source = _pyvideo_folder(tmp_path / "testcon-2024")
    names = imported(
        "run",
        str(source),
        *("--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "site")),
        *("--topics", "4", "-q"),
    )
    assert (tmp_path / "site" / "index.html").is_file()
    assert {"sklearn", "jinja2"} <= names  # the run did fit and render
    assert names & set(NOT_FOR_LOCAL_TALKS) == set()
