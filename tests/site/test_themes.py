"""Themes on the site: the index lists themes with their topics, topic pages name their
theme, the map colours by theme, the palette's colours are told apart, and a rebuild
renders again what the themes change."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from coloraide import Color
from joblib import Memory

from tests.helpers.tiny_site import N_TOPICS, fitted
from topics.site import build_site
from topics.site.publish import MARKER
from topics.site.views import PALETTE, RenderError

#: The tiny site's three topics in two themes, by hand.
THEMES, LABELS = np.array([1, 0, 1]), ["numbers · arrays", "web · testing"]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _map_data(site: Path) -> dict:
    text = (site / "map" / "points.js").read_text("utf-8")
    return json.loads(text.split("=", 1)[1].rstrip(";\n"))


def test_palette_colours_differ_by_ciede2000_above_10_and_contrast_with_white():
    # 20 colours: a site without themes has at most 20 topics, one with themes 4 to 12
    # themes of the main language (and one per other language).
    assert len(PALETTE) >= 20
    pairs = {
        (a, b): Color(a).delta_e(Color(b), method="2000")
        for a, b in itertools.combinations(PALETTE, 2)
    }
    closest = min(pairs, key=pairs.get)
    assert pairs[closest] > 10, (closest, pairs[closest])
    assert all(Color(c).contrast("white") >= 3 for c in PALETTE)


@pytest.fixture(scope="module")
def memory(tmp_path_factory) -> Memory:
    return Memory(tmp_path_factory.mktemp("cache"), verbose=0)


@pytest.fixture(scope="module")
def themed(tmp_path_factory, memory) -> Path:
    corpus, _model, summary = fitted()
    summary = replace(summary, topic_themes=THEMES, theme_labels=LABELS)
    return build_site(corpus, summary, tmp_path_factory.mktemp("themed") / "site", memory=memory)


def test_index_lists_themes_with_their_topics_instead_of_cards(themed):
    page = soup(themed / "index.html")
    assert page.select(".topic-grid") == []
    themes = page.select(".theme-grid > .theme")
    assert [t.h3.get_text(strip=True) for t in themes] == LABELS
    listed = {}
    for number, theme in enumerate(themes, 1):
        assert theme["id"] == f"theme-{number}"
        assert theme.img["src"] == f"wordclouds/theme-{number}.png"
        assert (themed / theme.img["src"]).is_file()
        assert f"--topic: {PALETTE[number - 1]}" in theme["style"]
        for link in theme.select(".theme-topics a"):
            listed[link["href"]] = number
    assert listed == {f"topics/{k + 1}.html": int(THEMES[k]) + 1 for k in range(N_TOPICS)}
    assert "grouped into 2 themes" in page.select_one(".lead").get_text()


def test_topic_pages_name_their_theme_and_take_its_colour(themed):
    for k in range(N_TOPICS):
        page = soup(themed / "topics" / f"{k + 1}.html")
        link = page.select_one(".eyebrow a")
        assert link["href"] == f"../index.html#theme-{THEMES[k] + 1}"
        assert link.get_text() == LABELS[THEMES[k]]
        assert PALETTE[THEMES[k]] in page.select_one(".eyebrow .swatch")["style"]


def test_map_colours_topics_by_theme_and_its_legend_lists_themes(themed):
    data = _map_data(themed)
    assert [t["theme"] for t in data["topics"]] == THEMES.tolist()
    assert [t["color"] for t in data["topics"]] == [PALETTE[t] for t in THEMES]
    legend = soup(themed / "map.html").select(".legend-theme")
    assert [b.select_one("span:not(.swatch):not(.muted)").get_text() for b in legend] == LABELS
    assert [b["data-theme"] for b in legend] == ["0", "1"]
    assert all(b["aria-pressed"] == "false" and b.name == "button" for b in legend)


def test_site_without_themes_keeps_its_flat_list(tmp_path, memory):
    corpus, _model, summary = fitted()
    assert summary.themes is None
    site = build_site(corpus, summary, tmp_path / "site", memory=memory)
    page = soup(site / "index.html")
    assert page.select(".theme-grid") == [] and len(page.select(".topic-grid > li")) == N_TOPICS
    assert not list((site / "wordclouds").glob("theme-*"))
    assert [t["theme"] for t in _map_data(site)["topics"]] == [-1] * N_TOPICS
    assert soup(site / "map.html").select(".legend-theme") == []


@pytest.mark.parametrize("themes", [[0, 1], [0, 1, 2], [0, -1, 1]])
def test_themes_that_do_not_fit_the_topics_are_refused(tmp_path, themes):
    corpus, _model, summary = fitted()
    bad = replace(summary, topic_themes=np.array(themes), theme_labels=LABELS)
    with pytest.raises(RenderError, match="topic_themes"):
        build_site(corpus, bad, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_rebuild_renders_again_what_new_themes_change(tmp_path, memory):
    corpus, _model, summary = fitted()
    out = tmp_path / "site"
    build_site(
        corpus, replace(summary, topic_themes=THEMES, theme_labels=LABELS), out, memory=memory
    )
    before = json.loads((out / MARKER).read_text())["parts"]
    other = ["web · django", "numbers · testing"]
    build_site(
        corpus, replace(summary, topic_themes=1 - THEMES, theme_labels=other), out, memory=memory
    )
    after = json.loads((out / MARKER).read_text())["parts"]
    assert before["topics"] != after["topics"] and before["map"] != after["map"]
    link = soup(out / "topics" / "1.html").select_one(".eyebrow a")
    assert link.get_text() == other[1 - THEMES[0]]
    assert [t["theme"] for t in _map_data(out)["topics"]] == (1 - THEMES).tolist()
