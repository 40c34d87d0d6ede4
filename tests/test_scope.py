"""Crawls stay where they were sent and send no credentials; ids and fields stay bounded."""

from __future__ import annotations

import pytest

from topics.cli import main
from topics.corpus import (
    MAX_ABSTRACT,
    MAX_FIELD,
    MAX_ID,
    MAX_TITLE,
    Corpus,
    CorpusError,
    Talk,
    check_topic_input,
    is_safe_id,
    slugify,
)
from topics.sources.http import Fetcher, FetchError

from .loopback import PROFILE_TOML, running_site
from .reliability_table import reliability


@pytest.fixture
def site():
    with running_site([f"/talk/t{n:02d}/" for n in range(10)]) as site:
        yield site


@reliability(
    "A list page linking 10 talk pages crawled with --max-pages 4",
    "Only the first 4 talk pages were requested; one line says the others were left out",
)
def test_page_cap_reads_the_first_pages_only(site, tmp_path, capsys):
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    args = ["crawl", f"{site.url}/list/", "--profile", str(profile), "--max-pages", "4",
            "--cache", str(tmp_path / "cache")]  # fmt: skip
    assert main(args) == 0
    assert sorted(site.paths("/talk/")) == [f"/talk/t{n:02d}/" for n in range(4)]
    assert len(Corpus.load(tmp_path / "cache" / "talks.jsonl")) == 4
    err = capsys.readouterr().err
    assert f"{site.url}/list/ links 10 talk pages: only the first 4 are read" in err


@reliability(
    "A ~/.netrc holding a password for the crawled host, and URLs with user:password@,"
    " file: and ftp:",
    "No Authorization header was sent; the other URLs were refused without a request",
)
def test_no_credentials_and_no_other_schemes(site, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login eve password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    fetcher = Fetcher(robots=False)
    fetcher.get(f"{site.url}/talk/t00/")
    host = site.url.removeprefix("http://")
    refused = [f"http://eve:secret@{host}/talk/t01/", "file:///etc/passwd", f"ftp://{host}/x"]
    for url in refused:
        with pytest.raises(FetchError):
            fetcher.get(url)
    assert site.paths() == ["/talk/t00/"]
    assert "Authorization" not in site.requests[0].headers


def test_slugs_cannot_escape_or_name_devices():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("/absolute/path") == "absolute-path"
    assert slugify("a\x00b") == "a-b"
    assert slugify("CON") == "con-talk" and slugify("lpt1") == "lpt1-talk"
    assert slugify("x" * 1000) == "x" * MAX_ID
    assert slugify("...") == "talk"
    for bad in ("../x", "/etc", "con", "a" * 101, "", "A", "a.html", "a\x00"):
        assert not is_safe_id(bad), bad
    assert is_safe_id("talk-12")


def test_long_fields_are_cut():
    talk = Talk(
        id="t",
        title="t" * 10_000_000,
        abstract="a" * (MAX_ABSTRACT + 5),
        speakers=("s" * 1000,),
        room="r" * 1000,
        url="https://x.example/" + "u" * 5000,
    )
    assert len(talk.title) == MAX_TITLE and talk.title.endswith("…")
    assert len(talk.abstract) == MAX_ABSTRACT
    assert len(talk.speakers[0]) == MAX_FIELD and len(talk.room) == MAX_FIELD
    assert talk.url == ""
    short = Talk(id="t", title="Short", url="https://x.example/t")
    assert short.title == "Short" and short.url == "https://x.example/t"


def test_check_topic_input():
    talks = [Talk(id=f"t{i}", title=f"Title {i}", abstract=f"Text {i}") for i in range(3)]
    check_topic_input(Corpus(talks=talks), 3)
    check_topic_input(Corpus(talks=talks), "auto")
    with pytest.raises(CorpusError, match="no talks"):
        check_topic_input(Corpus(), "auto")
    with pytest.raises(CorpusError, match="4 topics asked for, but there are only 3 talks"):
        check_topic_input(Corpus(talks=talks), 4)
    empty = [Talk(id=f"t{i}", title=f"Title {i}") for i in range(3)]
    check_topic_input(Corpus(talks=empty), 2)  # no abstracts at all: titles tell them apart
