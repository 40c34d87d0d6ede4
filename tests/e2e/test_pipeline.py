"""End to end: `topics run` against real conference sites served on 127.0.0.1."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers import error_line
from topics.cli import main

pytestmark = pytest.mark.shared

LIST_PAGES = {
    "2019": "/2019/schedule/talks/list/",
    "2023": "/2023/schedule/talks/",
    "2025": "/2025/schedule/talks/",
}


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _listed_talks(list_page: Path, list_path: str, year: str) -> set[str]:
    """Paths of the talk pages a list page links to, read independently of the crawler."""
    pattern = re.compile(rf"^/{year}/schedule/presentation/\d+/")
    paths = set()
    for a in _soup(list_page).find_all("a", href=True):
        path = urlsplit(urljoin(list_path, a["href"])).path.removesuffix("index.html")
        if pattern.match(path):
            paths.add(path)
    return paths


def _run(*args: str) -> int:
    return main(["run", *args])


@pytest.mark.parametrize("year", sorted(LIST_PAGES))
def test_pycon_us_site_has_every_talk_and_topic(year, shared, serve, tmp_path):
    root = shared / "sites" / "pycon-us"
    list_path = LIST_PAGES[year]
    server = serve(root)
    site, cache = tmp_path / "site", tmp_path / "cache"
    expected = _listed_talks(root / list_path.lstrip("/") / "index.html", list_path, year)
    if year == "2019":
        assert len(expected) == 95

    assert _run(server.url + list_path, "--out", str(site), "--cache", str(cache)) == 0

    pages = sorted((site / "talks").glob("*.html"))
    originals = {}
    for page in pages:
        soup = _soup(page)
        original = soup.select_one("a.original")["href"]
        originals[urlsplit(original).path.removesuffix("index.html")] = soup
    assert set(originals) == expected, "one site page per talk linked from the list"
    for path, soup in originals.items():
        source = _soup(root / path.lstrip("/") / "index.html")
        title = " ".join(soup.h1.get_text().split())
        assert title and title in " ".join(source.get_text(" ").split()), path
        assert soup.select("section.abstract p:not(.muted)"), f"{path} has no abstract"
    n_topics = len(_soup(site / "index.html").select(".card"))
    assert n_topics >= 2
    assert sorted(p.name for p in (site / "topics").glob("*.html")) == sorted(
        f"{n}.html" for n in range(1, n_topics + 1)
    )


def test_second_run_fetches_no_talk_page_and_recomputes_nothing(shared, serve, tmp_path):
    server = serve(shared / "sites" / "pycon-us")
    cache = tmp_path / "cache"
    args = [server.url + LIST_PAGES["2019"], "--cache", str(cache)]

    assert _run(*args, "--out", str(tmp_path / "first")) == 0
    fetched = server.count("/2019/schedule/presentation/")
    assert fetched == 95
    entries = sorted(p for p in (cache / "model").rglob("*") if p.is_file())

    assert _run(*args, "--out", str(tmp_path / "second")) == 0
    assert server.count("/2019/schedule/presentation/") == fetched, "talk pages refetched"
    # Every costly step (languages, TF-IDF, NMF, site view, word clouds) came from the
    # cache: no new entry was written. Times are in benchmarks/, not here.
    assert sorted(p for p in (cache / "model").rglob("*") if p.is_file()) == entries
    first, second = (tmp_path / "first" / "topics"), (tmp_path / "second" / "topics")
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())


def test_europython_2016_from_a_local_pyvideo_folder(shared, tmp_path):
    site = tmp_path / "site"
    data = str(shared / "data" / "pyvideo")
    assert _run("--pyvideo-data", data, "--out", str(site), "--cache", str(tmp_path / "c")) == 0
    assert len(list((site / "talks").glob("*.html"))) == 169
    assert "EuroPython 2016" in _soup(site / "index.html").title.get_text()


def test_europython_2016_from_pyvideo_served_over_http(shared, serve, tmp_path):
    server = serve(shared / "data" / "pyvideo")
    site = tmp_path / "site"
    cache = str(tmp_path / "cache")
    assert _run("pyvideo:europython-2016", "--pyvideo-data", server.url, "--out", str(site),
                "--cache", cache) == 0  # fmt: skip
    assert len(list((site / "talks").glob("*.html"))) == 169
    assert server.count("/europython-2016/videos/") >= 169


def test_console_script_reports_failure_in_one_line(tmp_path):
    """A dead server: exit code 1 and one line saying why."""
    result = subprocess.run(
        [sys.executable, "-m", "topics", "run", "http://127.0.0.1:9/schedule/",
         "--cache", str(tmp_path / "c"), "--out", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "could not connect" in error_line(result.stderr)
    assert not (tmp_path / "site").exists()
