"""Every page type of the site in headless Chromium: search, map, similar talks, editions,
no request leaving the site, no console error, no serious accessibility violation (axe-core),
screenshots at phone and desktop widths.

Two sites, each built once for this module: the hand-written two-edition tiny corpus
(always), and EuroPython 2016 built by ``topics run`` from ``../shared`` (skipped when
the shared data are absent).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import saved_corpus
from tests.helpers.browser import (
    broken_images,
    isolated_dot,
    open_page,
    serious_axe_violations,
    wait_until,
)
from tests.helpers.tiny_site import EVENTS, fitted_two_events
from topics.cli import main
from topics.corpus import Corpus, Talk
from topics.model.summary import ModelSummary
from topics.site import build_site
from topics.site.search_index import process_term, tokenize

pytestmark = pytest.mark.browser

#: Screen widths of the screenshots: a phone and a wide desktop.
WIDTHS = (390, 1440)


@dataclass
class Site:
    """A built site and the corpus it was built from."""

    name: str
    root: Path
    corpus: Corpus

    def url(self, path: str) -> str:
        return (self.root / path).as_uri()

    @property
    def prefix(self) -> str:
        return self.root.as_uri() + "/"

    def page_types(self) -> dict[str, str]:
        """One page of every type the site has: type -> path from the root."""
        types = {
            "index": "index.html",
            "search": "search.html",
            "map": "map.html",
            "speakers": "speakers.html",
            "topic": "topics/1.html",
            "talk": f"talks/{self.corpus.talks[0].id}.html",
        }
        for optional in ("editions", "unassigned"):
            if (self.root / f"{optional}.html").is_file():
                types[optional] = f"{optional}.html"
        return types


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Site:
    corpus, _model, summary = fitted_two_events()
    root = build_site(corpus, summary, tmp_path_factory.mktemp("tiny") / "site")
    return Site("tiny", root, corpus)


@pytest.fixture(scope="module")
def europython(shared, tmp_path_factory) -> Site:
    folder = tmp_path_factory.mktemp("europython")
    site, cache = folder / "site", folder / "cache"
    args = ["run", "--pyvideo-data", str(shared / "data" / "pyvideo"), "--out", str(site)]
    assert main([*args, "--cache", str(cache)]) == 0
    return Site("europython-2016", site, saved_corpus(cache))


@pytest.fixture(params=["tiny", "europython"])
def site(request) -> Site:
    return request.getfixturevalue(request.param)


def _page_cases() -> list:
    types = ["index", "search", "map", "speakers", "topic", "talk", "editions", "unassigned"]
    return [
        pytest.param(name, t, id=f"{name}-{t}") for name in ("tiny", "europython") for t in types
    ]


# Words to search for ---------------------------------------------------------------------


def _terms(text: str) -> set[str]:
    return {t for t in map(process_term, tokenize(text)) if t}


def _near(a: str, b: str, limit: int) -> bool:
    """Whether the edit distance of ``a`` and ``b`` is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def distinctive_words(corpus: Corpus, count: int = 5) -> list[tuple[str, int]]:
    """Words of a talk's abstract found in no other talk (title, abstract or speakers), that
    begin no other indexed word and are no typo away from one: (word, talk index) pairs."""
    per_talk = [_terms(f"{t.title} {t.abstract} {' '.join(t.speakers)}") for t in corpus.talks]
    frequency = Counter(term for terms in per_talk for term in terms)
    vocabulary = sorted(frequency)
    picked: list[tuple[str, int]] = []
    for i, talk in enumerate(corpus.talks):
        for word in sorted(_terms(talk.abstract)):
            if frequency[word] != 1 or len(word) < 7 or not word.isalpha():
                continue
            if any(v != word and v.startswith(word) for v in vocabulary):
                continue
            if any(v != word and _near(word, v, int(len(word) * 0.2)) for v in vocabulary):
                continue
            picked.append((word, i))
            break
        if len(picked) == count:
            break
    assert picked, "no distinctive word in the corpus"
    return picked


# Helpers -----------------------------------------------------------------------------------


def axe_violations(browser, url: str) -> list[str]:
    """Serious and critical axe-core violations of the page at ``url``."""
    # Injecting axe is an inline script: this context alone bypasses the page's CSP.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        return serious_axe_violations(page)
    finally:
        context.close()


def search(page, query: str) -> list[str]:
    """Type ``query`` into the page's search box; the hrefs of the results, best first."""
    box = page.locator("#search-input")
    box.fill("")
    box.type(query, delay=5)
    page.wait_for_selector(
        f'.search-results[data-query="{query}"], .search-status:text("No talk matches")'
    )
    return page.eval_on_selector_all(".search-results a.talk-link", "as => as.map(a => a.href)")


def _prepare(page, page_type: str, site: Site) -> None:
    """Put the page in the state worth a screenshot (results shown, map drawn)."""
    # Load the lazy images below the fold too, for the full-page screenshot.
    eager = "images => images.forEach(i => i.loading = 'eager')"
    page.eval_on_selector_all("img[loading=lazy]", eager)
    wait_until(page, "() => Array.from(document.images).every(i => i.complete)")
    if page_type == "search":
        word, _ = distinctive_words(site.corpus, 1)[0]
        search(page, word)
    if page_type == "map":
        wait_until(page, "() => window.topicsMapView !== undefined")


# Every page type ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "page_type"), _page_cases())
def test_page_type_is_clean_accessible_and_fits_phones(
    request, browser, artifacts, name, page_type
):
    site = request.getfixturevalue(name)
    types = site.page_types()
    if page_type not in types:
        pytest.skip(f"the {site.name} site has no {page_type} page")
    url = site.url(types[page_type])
    for width in WIDTHS:
        page, log = open_page(browser, viewport={"width": width, "height": 900})
        page.goto(url)
        page.wait_for_load_state("load")
        _prepare(page, page_type, site)
        assert broken_images(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page_type} is {overflow}px wider than a {width}px screen"
        page.screenshot(
            path=str(artifacts / f"site-{site.name}-{page_type}-{width}.png"), full_page=True
        )
        log.assert_clean(site.prefix)
        assert all(url.startswith("file://") for url in log.requests)
        page.context.close()
    assert axe_violations(browser, url) == []


def test_every_page_type_over_http_stays_on_the_site(browser, tiny, serve):
    server = serve(tiny.root)
    for page_type, path in tiny.page_types().items():
        page, log = open_page(browser)
        page.goto(f"{server.url}/{path}")
        page.wait_for_load_state("load")
        _prepare(page, page_type, tiny)
        log.assert_clean(server.url + "/")
        page.context.close()
    assert server.count("/search/shard-0.js") >= 1  # the index loaded over HTTP too
    assert server.count("/map/points.js") == 1


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_content_security_policy_blocks_outside_and_inline_scripts(browser, tiny, serve, scheme):
    base = tiny.prefix if scheme == "file" else serve(tiny.root).url + "/"
    page, log = open_page(browser)
    page.goto(base + "index.html")
    page.wait_for_load_state("load")
    blocked = page.evaluate(
        """() => new Promise(resolve => {
            const seen = [];
            document.addEventListener("securitypolicyviolation", e => {
                seen.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
                if (seen.length === 2) resolve(seen);
            });
            const outside = document.createElement("script");
            outside.src = "https://cdn.example.invalid/x.js";
            document.head.appendChild(outside);
            const inline = document.createElement("script");
            inline.textContent = "window.inlineRan = true";
            document.head.appendChild(inline);
            setTimeout(() => resolve(seen), 2000);
        })"""
    )
    assert sorted(blocked) == ["script-src-elem https://cdn.example.invalid/x.js",
                               "script-src-elem inline"]  # fmt: skip
    assert page.evaluate("window.inlineRan === undefined")
    # Chromium reports the request, and that it was refused before it left the browser.
    outside = [u for u in log.requests if "example.invalid" in u]
    assert all(f"{u} (csp)" in log.failed for u in outside), log.failed
    # The site's own scripts did run under that policy.
    assert page.evaluate("typeof window.topicsSearch") == "object"


# Search ------------------------------------------------------------------------------------


def test_search_lists_the_talk_of_a_distinctive_word_first(browser, site):
    page, log = open_page(browser)
    page.goto(site.url("index.html"))
    timings = []
    for word, i in distinctive_words(site.corpus):
        results = search(page, word)
        assert results, word
        assert results[0].endswith(f"/talks/{site.corpus.talks[i].id}.html"), word
        timings.append(page.evaluate("window.topicsSearch.last.searchMs"))
    assert statistics.median(timings) < 100, timings
    first = page.locator(".search-results a.talk-link").first
    first.click()
    page.wait_for_url(re.compile(r"/talks/[a-z0-9-]+\.html$"))
    log.assert_clean(site.prefix)


def test_search_page_reads_the_query_and_keyboard_reaches_results(browser, site):
    word, i = distinctive_words(site.corpus, 1)[0]
    page, log = open_page(browser)
    page.goto(site.url("search.html") + f"?q={word}")
    page.wait_for_selector(f'.search-results[data-query="{word}"]')
    assert page.evaluate("document.activeElement.id") == "search-input"  # autofocus
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.endswith(f"talks/{site.corpus.talks[i].id}.html")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/talks/{site.corpus.talks[i].id}\.html$"))
    log.assert_clean(site.prefix)


def test_search_of_a_word_no_talk_has(browser, tiny):
    page, log = open_page(browser)
    page.goto(tiny.url("index.html"))
    assert search(page, "zzyzxqv") == []
    assert "No talk matches" in page.locator(".search-status").inner_text()
    page.locator("#search-input").press("Escape")
    assert page.locator(".search-results").is_hidden()
    log.assert_clean(tiny.prefix)


# Map ---------------------------------------------------------------------------------------


def test_map_hover_shows_the_title_and_a_click_opens_the_talk(browser, site):
    page, log = open_page(browser)
    page.goto(site.url("map.html"))
    wait_until(page, "() => window.topicsMapView !== undefined")
    canvas = page.locator("canvas.map-canvas")
    canvas.scroll_into_view_if_needed()
    # A dot with no other dot near it, so that the pointer can only mean that one.
    i, x, y = isolated_dot(page)
    assert i >= 0, "every dot has a neighbour within 24 px"
    talk_id, title = page.evaluate(
        f"[window.topicsMapView.talks[{i}][3], window.topicsMapView.talks[{i}][4]]"
    )
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + x + 2, box["y"] + y + 1)
    tip = page.locator(".map-tip")
    tip.wait_for(state="visible")
    assert title in tip.inner_text()
    page.mouse.click(box["x"] + x + 2, box["y"] + y + 1)
    page.wait_for_url(re.compile(rf"/talks/{talk_id}\.html$"))
    assert page.locator("h1").inner_text() == title
    log.assert_clean(site.prefix)


def test_map_says_tap_on_a_touch_screen_and_hover_with_a_mouse(browser, tiny):
    said = {}
    for name, options in {
        "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
        "desktop": {"viewport": {"width": 1440, "height": 900}},
    }.items():
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(tiny.url("map.html"))
        said[name] = page.locator("figure.map-figure figcaption").inner_text()
        context.close()
    assert said["phone"].startswith("Tap a dot to open its talk") and "Hover" not in said["phone"]
    assert said["desktop"].startswith("Hover a dot") and "Tap" not in said["desktop"]


def test_map_zooms_with_buttons_and_keys(browser, tiny):
    page, log = open_page(browser)
    page.goto(tiny.url("map.html"))
    wait_until(page, "() => window.topicsMapView !== undefined")
    before = page.evaluate("window.topicsMapView.screenPosition(0)")
    page.get_by_role("button", name="Zoom in").click()
    zoomed = page.evaluate("window.topicsMapView.screenPosition(0)")
    assert zoomed != before
    page.locator("canvas.map-canvas").focus()
    page.keyboard.press("ArrowLeft")
    page.get_by_role("button", name="Reset").click()
    assert page.evaluate("window.topicsMapView.screenPosition(0)") == before
    log.assert_clean(tiny.prefix)


# Similar talks, editions -------------------------------------------------------------------


def test_talk_page_lists_five_similar_talks(browser, site):
    page, log = open_page(browser)
    page.goto(site.url("topics/1.html"))
    page.locator("ol.talk-list.ranked a.talk-link").first.click()
    page.wait_for_url(re.compile(r"/talks/[a-z0-9-]+\.html$"))
    similar = page.locator(".similar a.talk-link")
    assert similar.count() == 5
    title = similar.first.inner_text()
    similar.first.click()
    page.wait_for_url(re.compile(r"/talks/[a-z0-9-]+\.html$"))
    assert page.locator("h1").inner_text() == title
    log.assert_clean(site.prefix)


def test_editions_page_of_a_two_event_corpus(browser, tiny):
    page, log = open_page(browser)
    page.goto(tiny.url("index.html"))
    page.locator(".site-nav a", has_text="Editions").click()
    page.wait_for_url(re.compile(r"/editions\.html$"))
    headers = page.locator("table.editions thead th").all_inner_texts()
    assert headers[1:] == list(EVENTS)
    assert page.locator("table.editions tbody tr").count() == 3
    log.assert_clean(tiny.prefix)


@pytest.mark.shared
def test_editions_page_of_europython_2016_and_2019(browser, shared, tmp_path):
    data = str(shared / "data" / "pyvideo")
    site = tmp_path / "site"
    sources = ["pyvideo:europython-2016", "pyvideo:europython-2019"]
    try:
        code = main(["run", *sources, "--pyvideo-data", data, "--out", str(site),
                     "--cache", str(tmp_path / "cache")])  # fmt: skip
    except SystemExit:
        pytest.skip("topics run takes one source only (multi-source runs are the lead's)")
    assert code == 0
    page, log = open_page(browser)
    page.goto((site / "editions.html").as_uri())
    headers = page.locator("table.editions thead th").all_inner_texts()
    assert headers[1:] == ["EuroPython 2016", "EuroPython 2019"]  # the events by name
    log.assert_clean(site.as_uri() + "/")


# A 1,000-talk conference -------------------------------------------------------------------


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> Site:
    """1,000 talks of generated text (eight themes of 40 made-up words each); every 50th
    talk also has a word of its own."""
    rng = np.random.default_rng(7)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "gu"]
    words = sorted({"".join(rng.choice(syllables, 4)) for _ in range(600)})[:320]
    themes = np.array(words).reshape(8, 40)
    talks = []
    W = rng.dirichlet(np.full(8, 0.15), size=1000)
    for i, mix in enumerate(W):
        counts = rng.multinomial(90, mix)
        text = " ".join(w for k, c in enumerate(counts) for w in rng.choice(themes[k], c))
        if i % 50 == 7:  # a word of this talk's alone, to search for
            text += " " + "".join(rng.choice(list("bcdfghjklmnpqrstvwxz"), 12))
        talks.append(
            Talk(
                id=f"talk-{i:04d}",
                title=" ".join(rng.choice(themes[int(mix.argmax())], 4)).capitalize(),
                abstract=text,
                speakers=(f"Speaker {i % 700:03d}",),
                event="gencon-2025",
            )
        )
    H = np.zeros((8, len(words)))
    for k in range(8):
        H[k, [words.index(w) for w in themes[k]]] = np.linspace(1, 0.1, 40)
    corpus = Corpus(talks=talks, title="GenCon 2025", source="generated")
    root = tmp_path_factory.mktemp("thousand") / "site"
    labels = [" · ".join(words[j] for j in np.argsort(-row)[:3]) for row in H]
    summary = ModelSummary(labels, np.array(words, dtype=object), H, W)
    build_site(corpus, summary, root)
    return Site("gencon-1000", root, corpus)


def test_search_answers_within_100_ms_on_a_1000_talk_conference(browser, thousand):
    page, log = open_page(browser)
    page.goto(thousand.url("index.html"))
    timings = []
    for word, i in distinctive_words(thousand.corpus, 10):
        results = search(page, word)
        assert results[0].endswith(f"/talks/{thousand.corpus.talks[i].id}.html")
        timings.append(page.evaluate("window.topicsSearch.last.searchMs"))
    for query in ("kalo", "mine ruti", "zz"):  # prefixes, two words, nothing
        search(page, query)
        timings.append(page.evaluate("window.topicsSearch.last.searchMs"))
    assert statistics.median(timings) < 100, timings
    assert max(timings) < 250, timings
    log.assert_clean(thousand.prefix)
