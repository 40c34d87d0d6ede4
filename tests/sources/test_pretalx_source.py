"""The pretalx source on hand-written pages in pretalx's markup (no pretalx needed).

The real server is tests/test_pretalx.py; these check the logic quickly: detection,
the event's URL, the export first, the talk pages when the export is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers.pretalx_pages import HEAD, HEADER, talk_page
from topics.sources import SourceError, load
from topics.sources.http import Fetcher
from topics.sources.pretalx import event_url, is_pretalx

EXPORT = {
    "schedule": {
        "version": "1.0",
        "conference": {
            "acronym": "democon",
            "title": "DemoCon 2031",
            "days": [
                {
                    "index": 1,
                    "date": "2031-05-05",
                    "rooms": {
                        "Main hall": [
                            {
                                "id": 1, "code": "AAAAAA", "slug": "democon-1-typing",
                                "title": "Typing, gradually", "date": "2031-05-05T10:00:00+02:00",
                                "start": "10:00", "room": "Main hall", "track": "Python",
                                "language": "en", "abstract": "Types **help**.",
                                "description": "We add [mypy](https://mypy-lang.org) to CI.",
                                "persons": [{"code": "P1", "public_name": "Ada Lovelace"}],
                                "url": "https://pretalx.example/democon/talk/AAAAAA/",
                            },
                            {
                                "id": 2, "code": "BBBBBB", "slug": "democon-2-async",
                                "title": "Async, explained", "date": "2031-05-05T11:00:00+02:00",
                                "start": "11:00", "room": "Main hall", "track": "Python",
                                "language": "en", "abstract": "Event loops.",
                                "description": "", "persons": [{"public_name": "Alan Turing"}],
                                "url": "https://pretalx.example/democon/talk/BBBBBB/",
                            },
                        ]
                    },
                }
            ],
        },
    }
}  # fmt: skip


@pytest.fixture
def pretalx_site(tmp_path) -> Path:
    root = tmp_path / "site"
    pages = {
        "democon/index.html": f"<html><head>{HEAD}</head><body>{HEADER}"
        "<a href='/democon/schedule/'>View conference schedule</a></body></html>",
        "democon/schedule/index.html": f"<html><head>{HEAD}</head><body>{HEADER}"
        "<pretalx-schedule></pretalx-schedule></body></html>",
        "democon/schedule/nojs/index.html": f"<html><head>{HEAD}</head><body>{HEADER}"
        "<div id='fahrplan'><a href='/democon/talk/AAAAAA/'><div class='title'>Typing</div></a>"
        "<a href='/democon/talk/BBBBBB/'><div class='title'>Async</div></a></div>"
        "<a href='/democon/talk/'>Sessions</a></body></html>",
        "democon/talk/AAAAAA/index.html": talk_page(
            "Typing, gradually", "Types <strong>help</strong>.", "We add mypy to CI.",
            "Ada Lovelace", "2031-05-05 <time>10:00</time>\u2013<time>10:30</time>",
        ),
        "democon/talk/BBBBBB/index.html": talk_page(
            "Async, explained", "Event loops.", "", "Alan Turing",
            "2031-05-05 <time>11:00</time>\u2013<time>11:30</time>",
        ),
        "democon/schedule/export/schedule.json": json.dumps(EXPORT),
    }  # fmt: skip
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_event_export_is_read_first(pretalx_site, serve, tmp_path):
    server = serve(pretalx_site)
    corpus = load(f"{server.url}/democon/", Fetcher(tmp_path / "c"))
    assert corpus.title == "DemoCon 2031"
    assert corpus.source == f"{server.url}/democon/"
    typing, asyncio = corpus.talks
    assert (typing.title, typing.track, typing.speakers) == (
        "Typing, gradually",
        "Python",
        ("Ada Lovelace",),
    )
    # Markdown links keep their text; other Markdown is kept as written
    assert typing.abstract == "Types **help**.\n\nWe add mypy to CI."
    assert (typing.day, typing.time, typing.room) == ("2031-05-05", "10:00", "Main hall")
    assert asyncio.abstract == "Event loops."
    assert server.requests == ["/robots.txt", "/democon/", "/democon/schedule/export/schedule.json"]


def test_talk_pages_when_the_export_is_missing(pretalx_site, serve, tmp_path):
    (pretalx_site / "democon/schedule/export/schedule.json").unlink()
    server = serve(pretalx_site)
    failures: list = []
    corpus = load(f"{server.url}/democon/schedule/", Fetcher(tmp_path / "c"), failures=failures)
    assert failures == []
    assert corpus.title == "DemoCon 2031"
    typing, asyncio = corpus.talks
    assert typing.title == "Typing, gradually"
    assert typing.abstract == "Types help.\n\nWe add mypy to CI."
    assert typing.speakers == ("Ada Lovelace",)
    assert (typing.day, typing.time, typing.room) == ("2031-05-05", "10:00\u201310:30", "Main hall")
    assert (typing.event, typing.id) == ("democon", "aaaaaa")
    assert typing.url == f"{server.url}/democon/talk/AAAAAA/"
    assert asyncio.abstract == "Event loops."
    assert server.count("/democon/talk/") == 2
    assert server.count("/democon/speaker/") == 0  # only talk pages are crawled


def test_export_that_is_not_a_schedule_falls_back_to_the_talk_pages(pretalx_site, serve, tmp_path):
    (pretalx_site / "democon/schedule/export/schedule.json").write_text("<html>login</html>")
    server = serve(pretalx_site)
    corpus = load(f"{server.url}/democon/", Fetcher(tmp_path / "c"))
    assert [t.title for t in corpus] == ["Typing, gradually", "Async, explained"]


def test_detection_and_event_url():
    def soup(html: str) -> BeautifulSoup:
        return BeautifulSoup(html, "lxml")

    assert is_pretalx(soup(f"<head>{HEAD}</head>"))
    assert is_pretalx(soup("<body><pretalx-schedule></pretalx-schedule></body>"))
    assert is_pretalx(soup('<link rel="stylesheet" href="/static/cfp/css/base.css">'))
    assert not is_pretalx(soup('<meta name="generator" content="WordPress 6.5">'))
    assert event_url("https://pretalx.com/democon/schedule/nojs") == "https://pretalx.com/democon/"
    assert event_url("https://cfp.example.org/pycon-2031/talk/ABC/") == (
        "https://cfp.example.org/pycon-2031/"
    )
    with pytest.raises(SourceError, match="a pretalx site but not an event"):
        event_url("https://pretalx.com/")
