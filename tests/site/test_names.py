"""What the site names for people: the source by its name, events by their names."""

from __future__ import annotations

from dataclasses import replace

from bs4 import BeautifulSoup

from tests.helpers.tiny_site import fitted
from topics.corpus import Corpus, Talk
from topics.site import build_site


def test_footer_names_the_source_not_its_path_and_events_by_name(tmp_path):
    corpus, _, summary = fitted()
    local = Corpus(
        talks=list(corpus), title="TinyCon 2024", source="../shared/data/pyvideo/tinycon-2024"
    )
    site = build_site(local, summary, tmp_path / "site")
    talk = corpus.talks[0]
    page = BeautifulSoup((site / "talks" / f"{talk.id}.html").read_text("utf-8"), "html.parser")
    footer = " ".join(page.select_one("footer").get_text(" ").split()).replace(" .", ".")
    assert "../" not in footer and "shared/data" not in footer, footer
    assert "Talks of TinyCon 2024, read from tinycon-2024." in footer
    details = {div.dt.get_text(): div.dd.get_text() for div in page.select("dl.details > div")}
    assert details["Event"] == "TinyCon 2024"


def test_event_names_come_from_the_title_parts():
    talks = [
        Talk(id="a", title="A", event="europython-2016"),
        Talk(id="b", title="B", event="europython2019"),
        Talk(id="c", title="C", event="ep-x"),
        Talk(id="d", title="D"),
    ]
    corpus = Corpus(talks, title="EuroPython 2016 + EuroPython 2019 + Other")
    assert corpus.event_names() == {
        "europython-2016": "EuroPython 2016",
        "europython2019": "EuroPython 2019",
        "ep-x": "ep-x",
    }
    assert replace(corpus, title="").event_names()["europython-2016"] == "europython-2016"
