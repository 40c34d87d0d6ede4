"""Bad input through the real command line: exit code 1 and exactly one line saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import error_line
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import Corpus, Talk


def _talks(n: int, abstract=lambda i: f"Abstract number {i} about topic {i}.") -> list[dict]:
    return [{"title": f"Talk {i} on subject {i}", "abstract": abstract(i)} for i in range(n)]


def _csv(rows: list[dict]) -> bytes:
    lines = ["title,abstract", *(f'"{r["title"]}","{r["abstract"]}"' for r in rows)]
    return ("\n".join(lines) + "\n").encode()


#: name -> (file name, bytes, extra arguments, the message's telling part)
CASES = {
    "empty": ("talks.csv", b"title,abstract\n", [], "talks.csv holds no talk with a title"),
    "one talk": (
        "talks.csv",
        _csv(_talks(1)),
        [],
        "'Talk 0 on subject 0'): topics need 2 talks or more",
    ),
    "same abstracts": (
        "talks.csv",
        _csv(_talks(20, abstract=lambda i: "To be announced.")),
        [],
        "have the same abstract ('to be announced.'...)",
    ),
    "same texts": (
        "talks.json",
        json.dumps([{"title": "Keynote", "abstract": "TBA"}] * 5).encode(),
        [],
        "have the same title and abstract: no topics to tell apart",
    ),
    "more topics than talks": (
        "talks.csv",
        _csv(_talks(20)),
        ["--topics", "500"],
        "500 topics asked for, but there are only 20 talks",
    ),
    "undecodable bytes": (
        "talks.csv",
        "title,abstract\nCafé,Crème brûlée\n".encode("latin-1"),
        [],
        "is not UTF-8 text (byte 0xe9 at offset 18)",
    ),
    "HTML saved as .xml": (
        "schedule.xml",
        b"<!DOCTYPE html>\n<html><head><title>Schedule</title></head><body><p>Hi</body></html>",
        [],
        "is an HTML page, not a schedule (frab XML or c3voc JSON)",
    ),
    "JSON saved as .csv": (
        "talks.csv",
        json.dumps(_talks(3)).encode(),
        [],
        "is named CSV but holds JSON (rename it .json)",
    ),
    "XML saved as .json": (
        "schedule.json",
        b"<?xml version='1.0'?><schedule><day/></schedule>",
        [],
        "is named JSON but holds HTML or XML markup",
    ),
    "schedule without events": (
        "schedule.xml",
        b"<schedule><conference><title>Empty</title></conference></schedule>",
        [],
        "is a schedule without any titled event",
    ),
}

ROWS = {
    "empty": "A CSV file with a header and no talk",
    "one talk": "A corpus of one talk",
    "same abstracts": "20 talks whose abstracts are all the same ('To be announced.')",
    "same texts": "5 talks with the same title and abstract",
    "more topics than talks": "--topics 500 on 20 talks",
    "undecodable bytes": "A CSV file in Latin-1, not UTF-8",
    "HTML saved as .xml": "An HTML page saved as schedule.xml",
    "JSON saved as .csv": "A JSON file of talks named .csv",
    "XML saved as .json": "Schedule XML named .json",
    "schedule without events": "A frab schedule.xml without any event",
}


def _one_error_line(capsys) -> str:
    return error_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            name, id=name, marks=reliability(ROWS[name], f"Exit 1, one line: “…{CASES[name][3]}”")
        )
        for name in CASES
    ],
)
def test_bad_input_gets_one_line_and_exit_1(case, tmp_path, capsys):
    name, content, extra, message = CASES[case]
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "site"
    code = main(["run", str(source), "--cache", str(tmp_path / "cache"), "--out", str(out), *extra])
    assert code == 1
    assert message in _one_error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize("name", ["notes.txt", "talks.jsonl", "programme.ics", "event-folder"])
def test_missing_source_is_no_such_file(name, tmp_path, capsys):
    missing = tmp_path / name
    code = main(["crawl", str(missing), "--cache", str(tmp_path / "cache")])
    assert code == 1
    assert _one_error_line(capsys).startswith(f"topics: error: no such file or folder: {missing} (")


@reliability(
    "A list page on which the profile's talk_links selector finds no link",
    "Exit 1: one line naming the page, the selector and the profile",
)
def test_list_page_without_talk_links_names_the_selector(serve, tmp_path, capsys):
    (tmp_path / "www" / "list").mkdir(parents=True)
    (tmp_path / "www" / "list" / "index.html").write_text(
        "<!DOCTYPE html><html><body><ul class='sessions'><li>No links here</li></ul></body></html>"
    )
    server = serve(tmp_path / "www")
    profile = tmp_path / "mine.toml"
    profile.write_text('name = "mine"\ntalk_links = "ul.talks a"\ntitle = "h1"\n')
    args = ["run", f"{server.url}/list/", "--profile", str(profile), "--cache",
            str(tmp_path / "cache"), "--out", str(tmp_path / "site")]  # fmt: skip
    assert main(args) == 1
    err = _one_error_line(capsys)
    assert f"no talk links on {server.url}/list/" in err
    assert "the talk_links selector 'ul.talks a' of profile 'mine' matched nothing" in err


@reliability(
    "A saved corpus whose talk id is ../../etc/passwd, built with 'topics build'",
    "Exit 1: one line naming the unsafe id; nothing written",
)
def test_unsafe_id_in_a_saved_corpus_is_refused(tmp_path, capsys):
    talks = [
        Talk(id=f"talk-{i}", title=f"Talk {i}", abstract=f"Words {i} more {i}") for i in range(4)
    ]
    talks.append(Talk(id="../../etc/passwd", title="Escape", abstract="Paths and folders"))
    Corpus(talks=talks).save(tmp_path / "talks.jsonl")
    args = ["build", "--corpus", str(tmp_path / "talks.jsonl"), "--cache", str(tmp_path / "c"),
            "--out", str(tmp_path / "site"), "--topics", "2"]  # fmt: skip
    assert main(args) == 1
    assert "unsafe talk id '../../etc/passwd'" in _one_error_line(capsys)
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["c", "talks.jsonl"]


#: Profile files that are no profile: name -> (TOML text, the message's telling part).
PROFILES = {
    "deep arrays": ("abstract = " + "[" * 100_000, "nests arrays or tables too deeply"),
    "deep tables": ("abstract = " + "{a = " * 100_000, "nests arrays or tables too deeply"),
    "huge integer": ("abstract = " + "9" * 5000, "is not valid TOML: Exceeds the limit"),
    "huge value": (
        "abstract = [" + "1, " * 100_000 + "]",
        "abstract must be a CSS selector or a list of them, not [1, 1, 1, 1, 1, 1, ...]",
    ),
}


@reliability(
    "A profile file of 'abstract = ' and 100,000 '[' (or '{a = '), one with a 5000-digit"
    " integer, one whose abstract is a list of 100,000 numbers, given as --profile",
    "Exit 1, one line of at most 300 characters naming the file and what is wrong (no"
    " RecursionError traceback); nothing fetched",
)
@pytest.mark.parametrize("case", list(PROFILES), ids=list(PROFILES))
def test_unreadable_profile_file_gets_one_line(case, serve, tmp_path, capsys):
    text, message = PROFILES[case]
    profile = tmp_path / "deep.toml"
    profile.write_text(text)
    (tmp_path / "www" / "list").mkdir(parents=True)
    (tmp_path / "www" / "list" / "index.html").write_text("<ul><li><a href='/t/1/'>1</a></ul>")
    server = serve(tmp_path / "www")
    args = ["run", f"{server.url}/list/", "--profile", str(profile), "--cache",
            str(tmp_path / "cache"), "--out", str(tmp_path / "site")]  # fmt: skip
    assert main(args) == 1
    assert f"profile file {profile}" in (err := _one_error_line(capsys))
    assert message in err
    assert len(err) <= 300
    assert server.requests == []
