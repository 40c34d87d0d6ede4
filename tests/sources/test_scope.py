"""Crawls stay where they were sent and send no credentials; ids and fields stay bounded."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.helpers import saved_corpus
from tests.helpers.loopback import PROFILE_TOML, running_site
from tests.reliability_table import reliability
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
from topics.sources.http import Fetcher, FetchError, origin
from topics.sources.profiles import load_profile
from topics.sources.talkpages import talk_links


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
    assert len(saved_corpus(tmp_path / "cache")) == 4
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


@reliability(
    "A list page at http://conf.example/list/ linking the same host as http://conf.example:80/,"
    " HTTP://CONF.EXAMPLE/, https://conf.example/ and http://conf.example:8080/",
    "The first two are the list page's origin (default port, case) and are kept as talk"
    " links; the other scheme and the other port are not",
)
def test_scope_is_the_origin_scheme_host_and_port(tmp_path):
    assert origin("http://Conf.Example/list/") == ("http", "conf.example", 80)
    assert origin("http://conf.example:80/x") == origin("http://u:p@conf.example/")
    assert origin("https://conf.example/") == ("https", "conf.example", 443)
    for bad in ("ftp://conf.example/", "http://conf.example:x/", "http://h:99999/", "/talk/"):
        assert origin(bad) is None, bad
    same = ["http://conf.example:80/talk/a/", "HTTP://CONF.EXAMPLE/talk/b/", "/talk/c/"]
    other = ["https://conf.example/talk/d/", "http://conf.example:8080/talk/e/"]
    items = "".join(f"<li><a href='{href}'>talk</a></li>" for href in same + other)
    soup = BeautifulSoup(f"<ul class='talks'>{items}</ul>", "lxml")
    (tmp_path / "miniconf.toml").write_text(PROFILE_TOML)
    links = talk_links("http://conf.example/list/", soup, load_profile(tmp_path / "miniconf.toml"))
    assert links == [
        "http://conf.example:80/talk/a/",
        "http://CONF.EXAMPLE/talk/b/",  # urljoin lowers the scheme only
        "http://conf.example/talk/c/",
    ]


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
