"""The built site in headless Chromium: navigation, no outside requests, images, screenshots."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers.browser import broken_images, open_page
from tests.helpers.tiny_site import SCRIPT_TITLE, fitted
from topics.cli import main
from topics.site import build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    corpus, _model, summary = fitted()
    return build_site(corpus, summary, tmp_path_factory.mktemp("browser") / "site")


def _walk(
    page,
    log,
    index_url: str,
    prefix: str,
    shots: Path | None = None,
    title: str = "TinyCon 2024 & friends",
    n_topics: int = 3,
    shot_prefix: str = "",
) -> None:
    """Index -> first topic card -> first talk, checking each page on the way."""

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        assert broken_images(page) == [], f"images that did not load on {name}"
        if shots is not None:
            page.screenshot(path=str(shots / f"{shot_prefix}{name}.png"), full_page=True)

    page.goto(index_url)
    assert page.locator("h1").inner_text() == title
    assert page.locator(".card img.cloud").count() == n_topics
    check("index")

    # The whole card is a link: click the middle of its word cloud, not its title.
    card = page.locator(".card").first
    cloud = card.locator("img.cloud").bounding_box()
    card.click(position={"x": cloud["width"] / 2, "y": cloud["height"] / 2})
    page.wait_for_url(re.compile(r"/topics/1\.html$"))
    assert page.locator(".talk-list a").count() >= 1
    check("topic")

    first_talk = page.locator(".talk-list a").first
    title = first_talk.inner_text()
    first_talk.click()
    page.wait_for_url(re.compile(r"/talks/[a-z0-9-]+\.html$"))
    assert page.locator("h1").inner_text() == title
    assert page.locator(".mix a").count() >= 1
    check("talk")

    log.assert_clean(prefix)


def test_navigation_from_file_url(browser, site, artifacts):
    page, log = open_page(browser)
    _walk(page, log, (site / "index.html").as_uri(), site.as_uri() + "/", shots=artifacts)
    assert all(url.startswith("file://") for url in log.requests)


def test_navigation_over_http(browser, site, serve):
    server = serve(site)
    page, log = open_page(browser)
    _walk(page, log, f"{server.url}/index.html", server.url + "/")
    assert server.count("/wordclouds/") >= 3
    assert server.count("/static/style.css") >= 1


@pytest.mark.shared
def test_europython_2016_site_built_by_topics_run(browser, shared, tmp_path, artifacts):
    """The real pipeline's site: file:// navigation, no outside request, no console error."""
    site = tmp_path / "site"
    args = [
        "run",
        "--pyvideo-data",
        str(shared / "data" / "pyvideo"),
        "--out",
        str(site),
        "--topics",
        "10",
    ]
    assert main([*args, "--cache", str(tmp_path / "cache")]) == 0
    page, log = open_page(browser)
    _walk(
        page,
        log,
        (site / "index.html").as_uri(),
        site.as_uri() + "/",
        shots=artifacts,
        title="EuroPython 2016",
        n_topics=json.loads((site / ".topics-site").read_text())["topics"],  # the model's choice
        shot_prefix="europython-2016-",
    )


def test_small_screen_has_no_horizontal_overflow(browser, site, artifacts):
    page, log = open_page(browser, viewport={"width": 375, "height": 740})
    for path, shot in [("index.html", "index-mobile"), ("talks/testing-web-apps.html", None)]:
        page.goto((site / path).as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 375px screen"
        if shot:
            page.screenshot(path=str(artifacts / f"{shot}.png"), full_page=True)
    log.assert_clean(site.as_uri() + "/")


def test_hostile_talk_text_stays_text(browser, site):
    page, log = open_page(browser)
    page.goto((site / "talks" / "script-alert.html").as_uri())
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    assert page.locator("main script, main img").count() == 0
    assert page.locator("a.original").count() == 0  # javascript: URL never linked
    log.assert_clean(site.as_uri() + "/")


def test_skip_link_is_first_and_focus_is_visible(browser, site):
    page, _ = open_page(browser)
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # moved into view
    page.keyboard.press("Tab")  # site title
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
