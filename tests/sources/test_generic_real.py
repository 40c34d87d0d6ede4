"""Real conference sites read with no profile at all (issue 17), checked talk by talk.

Each site of ``../shared/sites`` is served on 127.0.0.1 and read by the real command line
with the built-in profiles switched off (``TOPICS_BUILTIN_PROFILES=off``), so ``topics``
must find the talk links and learn the talk pages' template by itself. What it publishes
is compared, talk by talk, with what selectors written here by hand (from
``../shared/README.md``, checked against the HTML) read from the HTML files directly: the
full title, the whole abstract (every block of it, whitespace aside) and the track or
category where the page shows one. Then ``topics profile`` writes the profile it infers,
and that file, passed back with ``--profile``, must give the same talks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers import REPO, saved_corpus
from tests.helpers.loopback import start_server
from topics.corpus import Corpus

pytestmark = pytest.mark.shared

#: Share of the linked talks that must be published with the right title and abstract.
MIN_SHARE = 0.95


@dataclass(frozen=True)
class Site:
    """A real site and the hand-written selectors that read it."""

    folder: str
    given: tuple[str, ...]  # the list pages given to topics run
    programme: tuple[str, ...]  # every list page of the programme: the talks expected
    links: str  # the talk links on a list page
    title: str
    abstract: tuple[str, ...]  # every block, in page order
    track: str = ""  # the track or category, when the page shows one
    title_track: str = ""  # a regex whose group 1, before the title, is the category


_DAYS = ("friday", "saturday", "sunday", "monday", "tuesday")
SITES = {
    # Symposion, the talks: a one-paragraph "Description" per talk
    "pycon-us-2019": Site(
        "pycon-us",
        ("/2019/schedule/talks/list/",),
        ("/2019/schedule/talks/list/",),
        links='h2 > a[id^="presentation-"][href]',
        title="div.box-content > h2",
        abstract=("div.box-content > div.description", "div.box-content > div.abstract"),
    ),
    # the same template, whose sponsor tutorials have a "Description" and an "Abstract"
    "pycon-us-2019-tutorials": Site(
        "pycon-us",
        ("/2019/schedule/sponsor-tutorials/list/",),
        ("/2019/schedule/sponsor-tutorials/list/",),
        links='h2 > a[id^="presentation-"][href]',
        title="div.box-content > h2",
        abstract=("div.box-content > div.description", "div.box-content > div.abstract"),
    ),
    "pycon-us-2023": Site(
        "pycon-us",
        ("/2023/schedule/talks/",),
        ("/2023/schedule/talks/",),
        links='td.slot span.title a[href*="presentation/"]',
        title="div.panel-heading > h3",
        title_track=r"^(Talks|Charlas): ",
        abstract=("div.panel-body > div.description",),
    ),
    "pycon-us-2025": Site(
        "pycon-us",
        ("/2025/schedule/talks/",),
        ("/2025/schedule/talks/",),
        links='a[href*="/schedule/presentation/"]',
        title="hgroup.presentation-detail-header-headline > h1",
        track="hgroup.presentation-detail-header-headline > span.pill",
        abstract=("main div.max-medium > div.content",),
    ),
    # Zookeepr, given its Friday page only: the other day pages must be found
    "pyconau-2015": Site(
        "pyconau-2015",
        ("/programme/schedule/friday/",),
        tuple(f"/programme/schedule/{day}/" for day in _DAYS),
        links='a[href*="/view_talk"]',
        title="div.internal-content > h2",
        abstract=("div#proposal > div.abstract",),
    ),
}


def flat(text: str) -> str:
    """A text with every whitespace removed: how texts are compared."""
    return "".join(text.split())


def page_file(root: Path, url: str) -> Path:
    """The file the static server answers ``url`` with."""
    path = root / urlsplit(url).path.lstrip("/")
    return path / "index.html" if path.is_dir() else path


@dataclass
class Expected:
    title: str
    abstract: str
    track: str


def expected_talks(site: Site, root: Path, base: str) -> dict[Path, Expected]:
    """Every talk page linked from the programme's list pages, read by hand."""
    talks = {}
    for path in site.programme:
        list_url = base + path
        soup = BeautifulSoup(page_file(root, list_url).read_bytes(), "lxml")
        for anchor in soup.select(site.links):
            file = page_file(root, urljoin(list_url, anchor["href"]))
            if file in talks:
                continue
            page = BeautifulSoup(file.read_bytes(), "lxml")
            title = " ".join(page.select_one(site.title).get_text(" ").split())
            track = ""
            if site.title_track:
                match = re.match(site.title_track, title)
                track, title = match.group(1), title[match.end() :]
            elif site.track and page.select_one(site.track):
                track = " ".join(page.select_one(site.track).get_text(" ").split())
            blocks = page.select(", ".join(site.abstract))
            abstract = "\n\n".join(b.get_text() for b in blocks)
            talks[file] = Expected(title, abstract, track)
    return talks


def topics(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command line, with the built-in profiles switched off."""
    env = os.environ | {
        "PYTHONPATH": str(REPO),
        "TOPICS_BUILTIN_PROFILES": "off",
        "TOPICS_CRAWL_DELAY": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "topics", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


@dataclass
class Run:
    root: Path
    base: str
    work: Path
    corpus: Corpus
    stderr: str


@pytest.fixture(scope="module", params=sorted(SITES))
def published(request, shared, tmp_path_factory) -> Run:
    """``topics run`` on one site, its built-in profiles off."""
    site = SITES[request.param]
    root = shared / "sites" / site.folder
    server, httpd = start_server(root)
    work = tmp_path_factory.mktemp(request.param)
    urls = [server.url + path for path in site.given]
    # options after the sources too
    done = topics("run", *urls, "--cache", str(work / "cache"), "--topics", "5",
                  "--out", str(work / "site"), cwd=work)  # fmt: skip
    request.addfinalizer(httpd.server_close)
    request.addfinalizer(httpd.shutdown)
    assert done.returncode == 0, done.stderr
    corpus = saved_corpus(work / "cache")
    return Run(root, server.url, work, corpus, done.stderr)


def test_talks_are_found_and_read_without_a_profile(published, request):
    name = request.node.callspec.params["published"]
    site = SITES[name]
    expected = expected_talks(site, published.root, published.base)
    talks = {page_file(published.root, t.url): t for t in published.corpus}
    assert "topics: profile: inferred: talk links" in published.stderr
    assert (published.work / "site" / "index.html").is_file()

    found = [file for file in expected if file in talks]
    titles = [f for f in found if talks[f].title == expected[f].title]
    abstracts = [f for f in found if flat(talks[f].abstract) == flat(expected[f].abstract)]
    both = set(titles) & set(abstracts)
    shown = [f for f in found if expected[f].track]
    tracks = [f for f in shown if talks[f].track == expected[f].track]
    print(
        f"\n{name}: {len(expected)} talks linked, {len(talks)} published,"
        f" {len(found)} of the linked; title {len(titles)}, abstract {len(abstracts)},"
        f" both {len(both)} ({len(both) / len(expected):.1%}); track shown on {len(shown)},"
        f" right on {len(tracks)}"
    )
    assert len(both) >= MIN_SHARE * len(expected), [
        (talks[f].title, expected[f].title) for f in found if f not in both
    ][:5]
    assert len(tracks) >= MIN_SHARE * len(shown)
    assert len(talks) <= len(expected)  # nothing but talks
    if name == "pycon-us-2019-tutorials":  # the description and the abstract, in order
        two = [f for f in both if expected[f].abstract.count("\n\n") >= 1]
        assert len(two) >= 4
    if name == "pyconau-2015":  # Friday's page gave the talks of every day
        days = {re.search(r"day=(\w+)", t.url).group(1) for t in published.corpus}
        assert days == {"friday", "saturday", "sunday"}


def test_inferred_profile_file_gives_the_same_talks(published, request):
    site = SITES[request.node.callspec.params["published"]]
    work = published.work
    urls = [published.base + path for path in site.given]
    cache = str(work / "cache")
    inferred = topics("profile", *urls, "--cache", cache, "--out", str(work / "site.toml"),
                      cwd=work)  # fmt: skip
    assert inferred.returncode == 0, inferred.stderr
    text = (work / "site.toml").read_text()
    assert re.search(r"title = .*# found on \d+ of \d+ sampled pages", text), text
    again = topics("crawl", *urls, "--profile", str(work / "site.toml"), "--cache", cache,
                   "--corpus", str(work / "again.jsonl"), cwd=work)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "topics: profile:" not in again.stderr  # the user's profile, nothing detected
    assert Corpus.load(work / "again.jsonl").talks == published.corpus.talks
