"""The user's files in and beside the site folder: a build deletes only what topics made.

Through the command line (``topics build`` of the tiny corpus), then ``build_site`` for the
rarer cases.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.helpers import snapshot
from tests.helpers.tiny_site import fitted, fitted_two_events, tiny_corpus
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import Corpus
from topics.site import build_site
from topics.site.publish import _OLDER_SITE, MARKER

#: What a user puts into a published site's folder: GitHub Pages' files, a checkout, notes.
USER_FILES = {
    "CNAME": "topics.example.org\n",
    ".nojekyll": "",
    ".git/HEAD": "ref: refs/heads/gh-pages\n",
    ".git/objects/ab/cdef": "a git object",
    "notes.txt": "what I changed by hand",
    "drafts/idea.md": "# a page to come",
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def _build(tmp_path: Path, *extra: str, title: str = "TinyCon") -> int:
    corpus = tmp_path / "tiny.jsonl"
    Corpus(talks=tiny_corpus().talks, title=title).save(corpus)
    return main(["build", "--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
                 "--out", str(tmp_path / "site"), "--topics", "3", *extra])  # fmt: skip


@reliability(
    "A published site into which the user put CNAME, .nojekyll, a .git folder, notes.txt"
    " and a drafts folder, rebuilt with another corpus",
    "The new site is published and every file of the user's is there, unchanged",
)
def test_rebuild_keeps_the_users_files_in_the_site(tmp_path):
    assert _build(tmp_path) == 0
    site = tmp_path / "site"
    _write(site, USER_FILES)
    assert _build(tmp_path, title="Changed") == 0
    assert "Changed" in (site / "index.html").read_text(encoding="utf-8")
    built = snapshot(site)
    assert {name: built.get(name) for name in USER_FILES} == {
        name: text.encode() for name, text in USER_FILES.items()
    }
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert _build(tmp_path, title="Again") == 0  # and again: they are still not the site's
    assert {name: (site / name).read_text() for name in USER_FILES} == USER_FILES


@reliability(
    "Folders of the user's beside the site named like a build's temporary folders"
    " (.site.old-backup, .site.new-draft, .site.old-0123abcd, .site.old- and 32 hex digits"
    " without the marker), and one a killed build left",
    "The user's folders are untouched; only the killed build's folder (its exact name,"
    " holding the marker) is deleted",
)
def test_leftover_cleanup_spares_the_users_sibling_folders(tmp_path):
    assert _build(tmp_path) == 0
    users = [".site.old-backup", ".site.new-draft", ".site.old-0123abcd", ".site.old-" + "a" * 32]
    for name in users:
        _write(tmp_path / name, {"precious.txt": name})
    killed = tmp_path / f".site.new-{uuid.uuid4().hex}"  # as a killed build leaves it
    _write(killed, {MARKER: '{"generator": "topics"}', "index.html": "half-written"})
    assert _build(tmp_path, title="Changed") == 0
    assert not killed.exists()
    for name in users:
        assert (tmp_path / name / "precious.txt").read_text() == name


@reliability(
    "'topics build' into a folder topics did not make, holding notes.txt and index.html;"
    " then the same with --force",
    "Exit 1 and one line suggesting --force, the folder untouched; with --force the site is"
    " built there, index.html replaced and notes.txt kept",
)
def test_folder_not_made_by_topics_needs_force(tmp_path, capsys):
    site = tmp_path / "site"
    _write(site, {"notes.txt": "mine", "index.html": "my page"})
    assert _build(tmp_path) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a site built by topics" in err and "--force" in err
    assert snapshot(site) == {"notes.txt": b"mine", "index.html": b"my page"}
    assert not (tmp_path / "cache").exists()  # refused before any work
    assert _build(tmp_path, "--force") == 0
    assert (site / "notes.txt").read_text() == "mine"
    assert "TinyCon" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / MARKER).is_file()
    assert _build(tmp_path, title="Changed") == 0  # a site now: no --force needed
    assert (site / "notes.txt").read_text() == "mine"


def test_users_file_named_like_a_new_part_of_the_site_needs_force(tmp_path):
    out = tmp_path / "site"
    build_site(*fitted()[::2], out)
    (out / "editions.html").write_text("my editions")  # the site has none: one event
    with pytest.raises(FileExistsError, match=r"holds editions\.html, which topics did not"):
        build_site(*fitted_two_events()[::2], out)  # two events: it has one now
    assert (out / "editions.html").read_text() == "my editions"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    build_site(*fitted_two_events()[::2], out, force=True)
    assert "my editions" not in (out / "editions.html").read_text(encoding="utf-8")


def test_site_of_an_older_marker_keeps_the_users_files(tmp_path):
    out = tmp_path / "site"
    build_site(*fitted()[::2], out)
    marker = json.loads((out / MARKER).read_text())
    marker.pop("files", None)  # as built before the marker listed the site's files
    (out / MARKER).write_text(json.dumps(marker))
    (out / "CNAME").write_text("topics.example.org")
    (out / "old-page.html").write_text("mine")
    (out / "editions.html").write_text("an older build's page")
    build_site(*fitted()[::2], out)
    assert (out / "CNAME").read_text() == "topics.example.org"
    assert (out / "old-page.html").read_text() == "mine"
    assert not (out / "editions.html").exists()  # a site's page: this site has none
    assert set(json.loads((out / MARKER).read_text())["files"]) < _OLDER_SITE
