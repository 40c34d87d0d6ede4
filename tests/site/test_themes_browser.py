"""FOSDEM 2024 (874 talks, 100 topics) in headless Chromium: themes over topics.

The index shows its themes above the fold on a desktop and on a phone and stays short;
the map's legend lists the themes, in colours any two of which differ by CIEDE2000 > 10,
and choosing a theme highlights its talks. Built once by ``topics run`` from ``../shared``
(skipped when absent).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from coloraide import Color

from tests.helpers.browser import open_page, serious_axe_violations, wait_until
from topics.cli import main

pytestmark = pytest.mark.browser

#: (width, height) of the screens: a wide desktop and a phone, CSS pixels.
SCREENS = ((1440, 900), (390, 844))

#: Tallest index page on a phone, CSS pixels (it was 50,000 with one card per topic).
PHONE_INDEX_HEIGHT = 6_000


@pytest.fixture(scope="module")
def fosdem(shared, tmp_path_factory) -> Path:
    schedule = shared / "data" / "schedules" / "fosdem-2024.xml"
    if not schedule.is_file():
        pytest.skip(f"{schedule} is absent")
    folder = tmp_path_factory.mktemp("fosdem")
    site = folder / "site"
    assert main(["run", str(schedule), "--out", str(site), "--cache", str(folder / "c")]) == 0
    return site


def _themes(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".theme-grid > .theme",
        """items => items.map(item => ({
            top: item.getBoundingClientRect().top,
            label: item.querySelector('h3').textContent.trim(),
            topics: item.querySelectorAll('.theme-topics a').length,
        }))""",
    )


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_index_shows_themes_above_the_fold(browser, artifacts, fosdem, width, height):
    page, log = open_page(browser, viewport={"width": width, "height": height})
    page.goto((fosdem / "index.html").as_uri())
    page.wait_for_load_state("load")
    wait_until(page, "() => Array.from(document.images).every(i => i.complete)")
    themes = _themes(page)
    assert 4 <= len(themes) <= 12
    assert themes[0]["top"] < height - 100, "the first theme is below the fold"
    assert sum(theme["topics"] for theme in themes) == 100  # every topic, once
    assert page.locator(".topic-grid").count() == 0  # no wall of topic cards
    total = page.evaluate("document.documentElement.scrollHeight")
    if width < 500:
        assert total < PHONE_INDEX_HEIGHT, f"the index is {total}px tall on a phone"
    page.screenshot(path=str(artifacts / f"themes-fosdem-index-{width}.png"))
    page.screenshot(path=str(artifacts / f"themes-fosdem-index-{width}-full.png"), full_page=True)
    log.assert_clean(fosdem.as_uri() + "/")
    page.context.close()


def test_topic_page_names_its_theme(browser, fosdem):
    page, log = open_page(browser)
    page.goto((fosdem / "topics" / "1.html").as_uri())
    link = page.locator(".eyebrow a[href*='index.html#theme-']")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state("load")
    anchor = page.evaluate("location.hash")
    labels = page.eval_on_selector_all(f"{anchor} .theme-topics a", "as => as.map(a => a.href)")
    assert any(href.endswith("/topics/1.html") for href in labels)
    log.assert_clean(fosdem.as_uri() + "/")
    page.context.close()


def _pixel(page, i: int) -> list[int]:
    """The canvas's RGBA at the centre of talk ``i``'s dot."""
    return page.evaluate(
        """i => {
            const canvas = document.querySelector('.map-canvas');
            const p = window.topicsMapView.screenPosition(i);
            const scale = canvas.width / canvas.getBoundingClientRect().width;
            const x = Math.round(p.x * scale), y = Math.round(p.y * scale);
            return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
        }""",
        i,
    )


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_map_legend_lists_themes_in_distinct_colours_and_highlights_one(
    browser, artifacts, fosdem, width, height
):
    page, log = open_page(browser, viewport={"width": width, "height": height})
    page.goto((fosdem / "map.html").as_uri())
    page.wait_for_load_state("load")
    wait_until(page, "() => window.topicsMapView !== undefined")
    buttons = page.locator(".legend-theme")
    index_labels = [t["label"] for t in _index_themes(browser, fosdem)]
    assert buttons.count() == len(index_labels)
    legend = page.eval_on_selector_all(
        ".legend-theme",
        """bs => bs.map(b => ({
            label: b.querySelector('span:not(.swatch):not(.muted)').textContent.trim(),
            color: getComputedStyle(b.querySelector('.swatch')).backgroundColor,
        }))""",
    )
    assert [entry["label"] for entry in legend] == index_labels
    colors = [entry["color"] for entry in legend]
    distances = {
        (a, b): Color(a).delta_e(Color(b), method="2000")
        for a, b in itertools.combinations(colors, 2)
    }
    assert min(distances.values()) > 10, min(distances.items(), key=lambda item: item[1])
    # The dots are drawn in their theme's colour.
    data = json.loads(
        (fosdem / "map" / "points.js").read_text("utf-8").split("=", 1)[1].rstrip(";\n")
    )
    for topic in data["topics"]:
        assert Color(topic["color"]).to_string() == Color(colors[topic["theme"]]).to_string()
    # Choosing a theme, with the keyboard, highlights its talks and dims the others.
    theme = 1
    lit = [i for i, t in enumerate(data["talks"]) if data["topics"][t[2]]["theme"] == theme]
    dim = [i for i, t in enumerate(data["talks"]) if data["topics"][t[2]]["theme"] != theme]
    before = _pixel(page, lit[0])
    buttons.nth(theme).focus()
    page.keyboard.press("Enter")
    assert buttons.nth(theme).get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.topicsMapView.selectedTheme()") == theme
    assert all(page.evaluate(f"window.topicsMapView.isLit({i})") for i in lit[:50])
    assert not any(page.evaluate(f"window.topicsMapView.isLit({i})") for i in dim[:50])
    assert _pixel(page, lit[0]) == before  # drawn as before, opaque
    assert before[3] == 255
    faded = [_pixel(page, i) for i in dim[:20]]
    # Dimmed: mostly transparent (a dot may lie under a highlighted one).
    assert sum(p[3] < 128 for p in faded) >= 15, faded
    page.screenshot(path=str(artifacts / f"themes-fosdem-map-{width}.png"), full_page=True)
    page.keyboard.press("Space")  # pressed again: every talk shown
    assert buttons.nth(theme).get_attribute("aria-pressed") == "false"
    assert page.evaluate(f"window.topicsMapView.isLit({dim[0]})")
    # Each theme's topics are listed under it.
    page.locator(".legend-topics summary").nth(theme).click()
    assert page.locator(".legend-topics").nth(theme).locator("a").first.is_visible()
    log.assert_clean(fosdem.as_uri() + "/")
    page.context.close()


def _index_themes(browser, fosdem: Path) -> list[dict]:
    page, _ = open_page(browser)
    page.goto((fosdem / "index.html").as_uri())
    themes = _themes(page)
    page.context.close()
    return themes


@pytest.mark.parametrize("name", ["index.html", "map.html"])
def test_index_and_map_with_themes_have_no_serious_axe_violation(browser, fosdem, name):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto((fosdem / name).as_uri())
        page.wait_for_load_state("load")
        assert serious_axe_violations(page) == []
    finally:
        context.close()
