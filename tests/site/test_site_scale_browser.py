"""A large generated site in headless Chromium: split search index loaded per query, topic
pages with a pager, and a map of many talks that stays responsive."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.browser import open_page
from tests.helpers.generated_site import generated, own_word
from topics.site import build_site, pages, search_index
from topics.site.layout import talk_positions
from topics.site.views import PALETTE

pytestmark = pytest.mark.browser

N_TALKS = 3_000


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """3,000 talks in three topics of 1,000; the search index cut into ~15 KB shards."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_BYTES", 15_000)
        patch.setattr(pages, "PAGES_PER_JOB", 1_000)  # the parallel rendering path too
        corpus, summary = generated(N_TALKS)
        return build_site(corpus, summary, tmp_path_factory.mktemp("large") / "site")


def _search(page, query: str) -> list[str]:
    box = page.locator("#search-input")
    box.fill(query)
    page.wait_for_selector(f'.search-results[data-query="{query}"]')
    return page.eval_on_selector_all(".search-results a.talk-link", "as => as.map(a => a.href)")


def test_search_loads_only_the_shards_a_query_needs(browser, large, serve):
    shards = len(list((large / "search").glob("shard-*.js")))
    assert shards > 20
    server = serve(large)
    page, log = open_page(browser)
    page.goto(f"{server.url}/search.html")
    word = own_word(1234)
    assert _search(page, word) == [f"{server.url}/talks/talk-1234.html"]
    first = server.count("/search/shard-")
    assert 1 <= first <= 2, server.requests
    assert server.count("/search/base.js") == 1 and server.count("/search/docs-") == 1
    # A typo after the second letter, and a prefix, find the same talk.
    typo = word[:3] + ("a" if word[3] != "a" else "b") + word[4:]
    assert _search(page, typo)[0] == f"{server.url}/talks/talk-1234.html"
    assert _search(page, word[:-1])[0].startswith(f"{server.url}/talks/talk-")
    # Two words of different shards: both shards load, and AND ranks the talk first.
    results = _search(page, f"kernel {own_word(7)}")
    assert results == [f"{server.url}/talks/talk-7.html"]
    assert server.count("/search/shard-") < shards / 4
    common = _search(page, "postgres")
    assert len(common) == 50  # the best 50 of the hundreds found are shown
    corpus, _ = generated(N_TALKS)
    expected = sum("postgres" in talk.abstract.split() for talk in corpus)
    assert f"{expected} talks found" in page.inner_text(".search-status")
    log.assert_clean(server.url + "/")
    page.context.close()


def test_topic_pages_have_a_working_pager(browser, large, serve, artifacts):
    server = serve(large)
    page, log = open_page(browser)
    page.goto(f"{server.url}/topics/1.html")
    assert "1000 talks" in page.inner_text("#talks-heading")
    assert page.locator("ol.ranked > li").count() == 100
    page.click('.pager a[rel="next"]')
    page.wait_for_url("**/topics/1-2.html")
    assert page.locator("ol.ranked").get_attribute("start") == "101"
    reset = "e => getComputedStyle(e).counterReset"  # the numbers shown go on from 101
    assert page.eval_on_selector("ol.ranked", reset) == "rank 100"
    assert page.locator('.pager a[aria-current="page"]').inner_text() == "2"
    page.click('.pager a:text-is("10")')
    page.wait_for_url("**/topics/1-10.html")
    assert page.locator('.pager a[rel="next"]').count() == 0
    page.screenshot(path=str(artifacts / "site-large-topic-page-10.png"), full_page=False)
    page.click('.pager a[rel="prev"]')
    page.wait_for_url("**/topics/1-9.html")
    log.assert_clean(server.url + "/")
    page.context.close()


def test_map_of_100k_talks_stays_responsive(browser, large, tmp_path, artifacts):
    """The map page with 100,000 talks laid out by topics.site.layout (titles are short here)."""
    site = tmp_path / "site"
    shutil.copytree(large, site)
    W = np.random.default_rng(3).dirichlet(np.full(20, 0.2), size=100_000)
    positions, centres, radii = talk_positions(W)
    data = {
        "topics": [
            {"n": k + 1, "label": f"Topic {k + 1}", "color": PALETTE[k % 12],
             "href": f"topics/{k + 1}.html", "x": float(x), "y": float(y), "r": float(r)}
            for k, ((x, y), r) in enumerate(zip(centres, radii, strict=True))
        ],
        "talks": [
            [round(float(x), 4), round(float(y), 4), int(k), f"talk-{i}", f"Talk {i}"]
            for i, ((x, y), k) in enumerate(zip(positions, W.argmax(axis=1), strict=True))
        ],
    }  # fmt: skip
    (site / "map" / "points.js").write_text(f"window.topicsMap = {json.dumps(data)};\n")
    page, log = open_page(browser)
    started = time.monotonic()
    page.goto((site / "map.html").as_uri())
    deadline = started + 20
    while not page.evaluate("() => window.topicsMapView !== undefined"):
        assert time.monotonic() < deadline, "the map was not drawn in 20 s"
        time.sleep(0.05)
    drawn_s = time.monotonic() - started
    assert page.evaluate("() => window.topicsMapView.talks.length") == 100_000
    # Pointing at dots: each move finds the dot under the pointer and redraws the canvas.
    move_ms = page.evaluate(
        """() => {
            const view = window.topicsMapView, canvas = document.querySelector("canvas");
            const box = canvas.getBoundingClientRect();
            const started = performance.now();
            for (let i = 0; i < 100; i++) {
                const p = view.screenPosition((i * 997) % view.talks.length);
                canvas.dispatchEvent(new PointerEvent("pointermove",
                    {clientX: box.left + p.x, clientY: box.top + p.y, bubbles: true}));
            }
            return (performance.now() - started) / 100;
        }"""
    )
    assert move_ms < 50, f"{move_ms:.1f} ms per pointer move"
    zoom_ms = page.evaluate(
        """() => {
            const started = performance.now();
            document.querySelector('[data-zoom="in"]').click();
            return performance.now() - started;
        }"""
    )
    assert zoom_ms < 2000, f"{zoom_ms:.0f} ms to redraw 100,000 dots after zooming"
    measured = {"load_and_draw_s": drawn_s, "pointer_move_ms": move_ms, "zoom_redraw_ms": zoom_ms}
    (artifacts / "map-100k.json").write_text(json.dumps(measured, indent=1) + "\n")
    page.screenshot(path=str(artifacts / "site-map-100k.png"))
    log.assert_clean(site.as_uri())
    page.context.close()
