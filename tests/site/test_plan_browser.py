"""The attendee's plan in headless Chromium (issue 21): save toggles, clashes, recommendations,
the .ics download, the share link, file:// and JavaScript off, axe-core.

Two sites, each built once for this module: a hand-written 13-talk conference with times
(always; the same talks without times too), and FOSDEM 2024 built by ``topics run`` from
``../shared`` (skipped when the shared data are absent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from icalendar import Calendar

from tests.helpers import saved_corpus
from tests.helpers.browser import isolated_dot, open_page, serious_axe_violations, wait_until
from tests.helpers.tiny_site import fitted
from topics.cli import main
from topics.corpus import Corpus
from topics.site import build_site
from topics.site.plan import SCALE

pytestmark = pytest.mark.browser

#: Recommendations the must-show checks: each nearer than any talk not shown.
CHECKED = 5


@dataclass
class PlanSite:
    """A built site, its corpus and the W its talk-topics export holds."""

    root: Path
    corpus: Corpus
    W: np.ndarray

    def url(self, path: str) -> str:
        """The file:// URL of ``path``, its query or fragment kept as is."""
        cut = min((i for i in (path.find("?"), path.find("#")) if i >= 0), default=len(path))
        return (self.root / path[:cut]).as_uri() + path[cut:]

    @property
    def prefix(self) -> str:
        return self.root.as_uri() + "/"

    @property
    def key(self) -> str:
        """The localStorage key of this site's plan (static/plan.js)."""
        return "topics-plan " + self.prefix

    def talk(self, talk_id: str):
        return next(t for t in self.corpus if t.id == talk_id)

    def export(self) -> dict:
        text = (self.root / "plan" / "talks.js").read_text(encoding="utf-8")
        return json.loads(text.removeprefix("window.topicsPlan = ").rstrip().rstrip(";"))


def _site(root: Path, corpus: Corpus) -> PlanSite:
    listing = json.loads((root / "data" / "talk-topics.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in listing["talks"]] == [t.id for t in corpus]
    return PlanSite(root, corpus, np.array([t["weights"] for t in listing["talks"]]))


def timed_tiny() -> Corpus:
    """The tiny conference with times: two days in Brussels, talks 0, 1 and 2 overlapping."""
    corpus, _, _ = fitted()
    first = datetime.fromisoformat("2024-02-03T09:00:00+01:00")
    talks = []
    for i, talk in enumerate(corpus):
        start = first + timedelta(days=i // 7, minutes=60 * (i % 7))
        if i in (1, 2):
            start = first + timedelta(minutes=30)  # overlap talk 0 (09:00-09:45)
        talks.append(
            replace(
                talk,
                start=start.isoformat(),
                end=(start + timedelta(minutes=45)).isoformat(),
                timezone="Europe/Brussels",
                room=f"Room {i % 3 + 1}",
                url=f"https://tiny.example/talks/{talk.id}/",
            )
        )
    return Corpus(talks=talks, title=corpus.title, source=corpus.source)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> PlanSite:
    _, _, summary = fitted()
    corpus = timed_tiny()
    root = build_site(corpus, summary, tmp_path_factory.mktemp("tiny-plan") / "site")
    return _site(root, corpus)


@pytest.fixture(scope="module")
def untimed(tmp_path_factory) -> PlanSite:
    corpus, _, summary = fitted()
    root = build_site(corpus, summary, tmp_path_factory.mktemp("untimed") / "site")
    return _site(root, corpus)


@pytest.fixture(scope="module")
def fosdem(shared, tmp_path_factory) -> PlanSite:
    folder = tmp_path_factory.mktemp("fosdem-plan")
    schedule = shared / "data" / "schedules" / "fosdem-2024.xml"
    args = ["run", str(schedule), "--out", str(folder / "site"), "--topics", "65"]
    assert main([*args, "--cache", str(folder / "cache")]) == 0
    return _site(folder / "site", saved_corpus(folder / "cache"))


# Helpers ---------------------------------------------------------------------------------


def overlapping(a, b) -> bool:
    return datetime.fromisoformat(a.start) < datetime.fromisoformat(
        b.end
    ) and datetime.fromisoformat(b.start) < datetime.fromisoformat(a.end)


def fosdem_choice(site: PlanSite) -> list[str]:
    """Three FOSDEM talks: two about Rust in different rooms that overlap, and a third
    Rust talk overlapping neither."""
    rust = [t for t in site.corpus if "rust" in t.title.lower()]
    a = rust[0]
    b = next(t for t in site.corpus if t is not a and t.room != a.room and overlapping(a, t))
    c = next(t for t in rust if t not in (a, b) and not overlapping(a, t) and not overlapping(b, t))
    return [a.id, b.id, c.id]


def save_on_talk_pages(page, site: PlanSite, ids: list[str]) -> None:
    """Save each talk with its page's toggle: the first with the keyboard, the others with
    a click."""
    for n, talk_id in enumerate(ids):
        page.goto(site.url(f"talks/{talk_id}.html"))
        button = page.locator(".save-row .save-toggle")
        assert button.get_attribute("aria-pressed") == "false"
        if n == 0:
            button.focus()
            page.keyboard.press("Enter")
        else:
            button.click()
        assert button.get_attribute("aria-pressed") == "true"


def saved_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".plan-days .plan-list > li > .save-toggle", "bs => bs.map(b => b.dataset.saveId)"
    )


def clashing_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".plan-list > li.has-clash > .save-toggle", "bs => bs.map(b => b.dataset.saveId)"
    )


def recommendations(page) -> list[tuple[str, float]]:
    rows = page.eval_on_selector_all(
        ".plan-recommendations > li", "lis => lis.map(li => [li.dataset.talkId, li.dataset.score])"
    )
    return [(talk_id, float(score)) for talk_id, score in rows]


def cosines(W: np.ndarray, saved: list[int]) -> np.ndarray:
    """Cosine of every row of W with the mean of the saved rows made to sum to 1."""
    mean = (W[saved] / W[saved].sum(axis=1, keepdims=True)).mean(axis=0)
    norms = np.linalg.norm(W, axis=1) * np.linalg.norm(mean)
    return np.divide(W @ mean, norms, out=np.zeros(len(W)), where=norms > 0)


def export_cosines(export: dict, saved: list[int]) -> np.ndarray:
    """The same from the compact export, as static/plan.js computes it."""
    n_topics = len(export["topics"])
    M = np.zeros((len(export["talks"]), n_topics))
    for i, row in enumerate(export["talks"]):
        mix = row[8]
        M[i, mix[0::2]] = mix[1::2]
    assert M.max() <= SCALE
    return cosines(M, saved)


def axe(browser, site: PlanSite, path: str, ids: list[str], action: str = "") -> list[str]:
    """Serious and critical axe-core violations of ``path`` with ``ids`` saved."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(site.url("index.html"))
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [site.key, json.dumps(ids)])
        page.goto(site.url(path))
        page.wait_for_load_state("load")
        if action:
            page.evaluate(action)
        return serious_axe_violations(page)
    finally:
        context.close()


# Must-show 1: FOSDEM 2024 ------------------------------------------------------------------


def test_fosdem_plan_clash_recommendations_reload_and_ics(browser, fosdem, artifacts):
    ids = fosdem_choice(fosdem)
    page, log = open_page(browser)
    save_on_talk_pages(page, fosdem, ids)
    page.goto(fosdem.url("plan.html"))
    assert sorted(saved_ids(page)) == sorted(ids)
    assert sorted(clashing_ids(page)) == sorted(ids[:2])
    status = page.locator(".plan-status").inner_text()
    assert "3 talks saved; 1 clash" in status and "Europe/Brussels" in status
    page.screenshot(path=str(artifacts / "plan-fosdem-2024.png"), full_page=True)

    # Recommendations: the browser's cosines are those of the export; the first five are
    # nearer (cosine of the model's W) to the plan than every talk not shown.
    shown = recommendations(page)
    assert len(shown) == 10
    index = {t.id: i for i, t in enumerate(fosdem.corpus)}
    saved = [index[i] for i in ids]
    from_export = export_cosines(fosdem.export(), saved)
    for talk_id, score in shown:
        assert score == pytest.approx(from_export[index[talk_id]], abs=1e-6)
    exact = cosines(fosdem.W, saved)
    others = np.ones(len(exact), dtype=bool)
    others[saved] = False
    others[[index[i] for i, _ in shown]] = False
    first = [exact[index[i]] for i, _ in shown[:CHECKED]]
    assert min(first) > exact[others].max(), (first, exact[others].max())
    assert all(abs(score - exact[index[i]]) < 1e-3 for i, score in shown)
    reasons = page.locator(".plan-recommendations .plan-reason").all_inner_texts()
    assert all(r.startswith("shares ") and "of your talks" in r for r in reasons[:CHECKED])

    # Reloading keeps the plan
    page.reload()
    assert sorted(saved_ids(page)) == sorted(ids)
    assert sorted(clashing_ids(page)) == sorted(ids[:2])

    # The calendar: three events at their times in Europe/Brussels
    with page.expect_download() as info:
        page.click("[data-plan-ics]")
    download = info.value
    assert download.suggested_filename == "plan.ics"
    raw = Path(download.path()).read_bytes()
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert sorted(str(e["UID"]).partition("@")[0] for e in events) == sorted(ids)
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    for event in events:
        talk = fosdem.talk(str(event["UID"]).partition("@")[0])
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert start == datetime.fromisoformat(talk.start)
        assert end == datetime.fromisoformat(talk.end)
        assert str(start.tzinfo) == "Europe/Brussels" and start.utcoffset() == timedelta(hours=1)
        assert str(event["SUMMARY"]) == talk.title
        assert str(event["LOCATION"]) == talk.room
        assert talk.url and talk.url in str(event["DESCRIPTION"])
    log.assert_clean(fosdem.prefix)


# Must-show 2: the share link ----------------------------------------------------------------


def test_share_link_reproduces_the_plan_in_a_fresh_browser(browser, fosdem):
    ids = fosdem_choice(fosdem)
    page, _ = open_page(browser)
    save_on_talk_pages(page, fosdem, ids)
    page.goto(fosdem.url("plan.html"))
    link = page.input_value("#plan-share")
    assert link.startswith(fosdem.url("plan.html") + "#ids=")
    assert link.split("#ids=")[1].split(".") == ids
    before = (saved_ids(page), clashing_ids(page), recommendations(page))
    page.context.close()

    friend, log = open_page(browser)  # a new context: nothing saved
    friend.goto(link)
    assert saved_ids(friend) == []
    assert friend.locator(".plan-import").is_visible()
    listed = friend.eval_on_selector_all(".plan-import-list a", "as => as.map(a => a.href)")
    assert listed == [fosdem.url(f"talks/{i}.html") for i in ids]
    friend.click("[data-plan-import]")
    assert (saved_ids(friend), clashing_ids(friend), recommendations(friend)) == before
    log.assert_clean(fosdem.prefix)


# Must-show 3: file://, JavaScript off ---------------------------------------------------------


def test_without_javascript_pages_read_and_have_no_save_buttons(browser, tiny):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for path in ("index.html", "topics/1.html", f"talks/{tiny.corpus.talks[0].id}.html"):
            page.goto(tiny.url(path))
            assert page.locator("h1").inner_text().strip()
            assert page.locator(".save-toggle").count() == 0
        page.goto(tiny.url("talks/" + tiny.corpus.talks[0].id + ".html"))
        assert page.locator(".abstract p").first.inner_text().strip()
        page.goto(tiny.url("plan.html"))
        assert page.locator("h1").inner_text() == "My plan"
        assert "needs JavaScript" in page.locator("main").inner_text()
        assert page.locator(".save-toggle, [data-plan-ics]").filter(visible=True).count() == 0
    finally:
        context.close()


def test_tiny_plan_from_file_urls_with_lists_search_and_map(browser, tiny):
    first, second, third, *_ = tiny.corpus.talks
    page, log = open_page(browser)
    # Topic page lists: one toggle per talk, saved from there
    page.goto(tiny.url("topics/1.html"))
    items = page.locator(".talk-list > li")
    assert page.locator(".talk-list > li > .save-toggle").count() == items.count() > 0
    # Search results get toggles too
    page.goto(tiny.url("search.html"))
    page.locator("#search-input").type("django", delay=5)
    page.wait_for_selector(".search-results li .save-toggle")
    # Save two overlapping talks from the search page and the talk page
    page.goto(tiny.url("search.html?q=" + first.title.split()[0]))
    page.wait_for_selector(".search-results li .save-toggle")
    toggle = page.locator(f'.search-results .save-toggle[data-save-id="{first.id}"]')
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    save_on_talk_pages(page, tiny, [second.id])
    # The map's tip: hover a dot (one with no other near it), click its Save button; S
    # toggles the talk under the pointer too
    page.goto(tiny.url("map.html"))
    wait_until(page, "() => window.topicsMapView !== undefined")
    canvas = page.locator("canvas.map-canvas")
    canvas.scroll_into_view_if_needed()
    i, x, y = isolated_dot(page, (first.id, second.id, third.id))
    assert i >= 0
    hovered = page.evaluate(f"window.topicsMapView.talks[{i}][3]")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + x + 2, box["y"] + y + 1)
    button = page.locator(".map-tip .save-toggle")
    assert button.get_attribute("data-save-id") == hovered
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    page.mouse.move(box["x"] + x + 2, box["y"] + y + 1)
    canvas.focus()
    page.keyboard.press("s")
    assert button.get_attribute("aria-pressed") == "false"
    page.keyboard.press("s")
    assert button.get_attribute("aria-pressed") == "true"
    page.goto(tiny.url("plan.html"))
    assert sorted(saved_ids(page)) == sorted([first.id, second.id, hovered])
    assert sorted(clashing_ids(page)) == sorted([first.id, second.id])
    alternatives = page.locator(".clash-alternatives .save-toggle")
    assert alternatives.evaluate_all("bs => bs.map(b => b.dataset.saveId)") == [third.id]
    assert len(recommendations(page)) > 0
    # Unsaving from the plan page keeps the keyboard focus on a button
    page.locator(f'.plan-list .save-toggle[data-save-id="{second.id}"]').focus()
    page.keyboard.press("Enter")
    assert clashing_ids(page) == []
    assert page.evaluate("document.activeElement.tagName") in {"BUTTON", "H2"}
    log.assert_clean(tiny.prefix)
    assert all(url.startswith("file://") for url in log.requests)


def test_programme_without_times_still_gets_recommendations(browser, untimed):
    export = untimed.export()
    assert all(row[3] is None for row in export["talks"])
    schedule = json.loads((untimed.root / "data" / "schedule.json").read_text("utf-8"))
    assert schedule["without_time"] == [t.id for t in untimed.corpus]
    ids = [t.id for t in untimed.corpus.talks[:2]]
    page, log = open_page(browser)
    save_on_talk_pages(page, untimed, ids)
    page.goto(untimed.url("plan.html"))
    assert sorted(saved_ids(page)) == sorted(ids)
    assert "no times" in page.locator(".plan-status").inner_text()
    assert clashing_ids(page) == []
    assert len(recommendations(page)) > 0
    assert page.locator("[data-plan-ics]").is_disabled()
    log.assert_clean(untimed.prefix)


# Must-show 4: accessibility --------------------------------------------------------------


@pytest.mark.parametrize("name", ["tiny", "fosdem"])
def test_axe_finds_no_serious_violation_on_the_plan_and_its_controls(request, browser, name):
    site = request.getfixturevalue(name)
    ids = fosdem_choice(site) if name == "fosdem" else [t.id for t in site.corpus.talks[:3]]
    assert axe(browser, site, "plan.html", ids) == []
    assert axe(browser, site, "plan.html", []) == []  # empty plan
    assert axe(browser, site, "plan.html#ids=" + ".".join(ids), []) == []  # import offered
    assert axe(browser, site, f"talks/{ids[0]}.html", ids[:1]) == []
    assert axe(browser, site, "topics/1.html", ids) == []


def test_compact_export_adds_at_most_15_percent_at_fosdem_scale(fosdem):
    # Measured with its numbers in benchmarks/results/site.md (benchmarks/plan_size.py).
    export = (fosdem.root / "plan" / "talks.js").stat().st_size
    total = sum(p.stat().st_size for p in fosdem.root.rglob("*") if p.is_file())
    assert export / (total - export) <= 0.15
