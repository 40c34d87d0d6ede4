"""Crawl the real PyCon US archive (../shared/sites/pycon-us) over HTTP, profiles detected."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

import pytest
from bs4 import BeautifulSoup

from topics.sources.crawler import crawl_site
from topics.sources.http import Fetcher

pytestmark = pytest.mark.shared

#: year -> (list page, expected profile)
YEARS = {
    2019: ("/2019/schedule/talks/list/", "pycon-us-2019"),
    2023: ("/2023/schedule/talks/", "pycon-us-2023"),
    2025: ("/2025/schedule/talks/", "pycon-us-2025"),
}
TALK_PAGE = re.compile(r"/schedule/presentation/\d+/")


def distinct_talk_links(list_page, base_url: str) -> set[str]:
    """Every link to a talk page on a list page, found without any profile."""
    soup = BeautifulSoup(list_page.read_bytes(), "lxml")
    urls = {urldefrag(urljoin(base_url, a["href"]))[0] for a in soup.select("a[href]")}
    return {u for u in urls if TALK_PAGE.search(u)}


@pytest.fixture(scope="module")
def site(shared):
    return shared / "sites" / "pycon-us"


@pytest.mark.parametrize("year", sorted(YEARS))
def test_crawl_pycon_us(year, site, serve, tmp_path):
    path, profile = YEARS[year]
    server = serve(site)
    list_url = server.url + path
    expected_links = distinct_talk_links(site / path.lstrip("/") / "index.html", list_url)
    if year == 2019:
        assert len(expected_links) == 95

    result = crawl_site(list_url, Fetcher(tmp_path / "cache"))

    assert result.profile.name == profile
    assert result.failures == []
    corpus = result.corpus
    assert set(result.links) == expected_links
    assert len(corpus) == len(expected_links)
    assert corpus.title == f"PyCon US {year}"
    generic = {"", "Talks", "Description", f"PyCon US {year}", f"PyCon {year}"}
    for talk in corpus:
        assert talk.event == f"pycon-us-{year}"
        assert talk.title not in generic, talk.url
        assert "PyCon" not in talk.title and not talk.title.startswith("Talks:"), talk.url
        assert len(talk.abstract.split()) >= 5, talk.url
        assert talk.speakers and all(talk.speakers), talk.url
        assert talk.day and talk.time and talk.room, talk.url
    # titles tell the talks apart (2025 has four "Lightning Talks" sessions)
    assert len({t.title for t in corpus}) >= len(corpus) - 3
    n_talk_requests = server.count(f"/{year}/schedule/presentation/")
    assert n_talk_requests == len(corpus)

    again = crawl_site(list_url, Fetcher(tmp_path / "cache"))
    assert again.corpus.talks == corpus.talks
    assert server.count(f"/{year}/schedule/presentation/") == n_talk_requests
