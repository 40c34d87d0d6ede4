"""The static site: pages, topic assignment, escaping, links, atomic publishing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jinja2
import numpy as np
import pytest
import scipy.sparse as sp
from bs4 import BeautifulSoup
from joblib import Memory
from PIL import Image

from tests.helpers import snapshot
from tests.helpers.tiny_site import N_TOPICS, SCRIPT_TITLE, fitted
from topics.corpus import Corpus, Talk
from topics.model.similarity import topic_shares
from topics.site import build_site
from topics.site import publish as render
from topics.site import templates as site_templates
from topics.site.abstracts import paragraphs
from topics.site.publish import MARKER
from topics.site.site_view import site_view
from topics.site.templates import environment
from topics.site.views import (
    MIX_TOPICS,
    PageSite,
    RenderError,
    TalkViews,
    TopicLink,
    rounded_percents,
)


@pytest.fixture(scope="module")
def memory(tmp_path_factory) -> Memory:
    """Word cloud cache shared by this module's builds, so rebuilding is quick."""
    return Memory(tmp_path_factory.mktemp("cache"), verbose=0)


@pytest.fixture(scope="module")
def site(tmp_path_factory, memory) -> Path:
    corpus, _model, summary = fitted()
    out = tmp_path_factory.mktemp("render") / "site"
    assert build_site(corpus, summary, out, memory=memory) == out
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_and_asset_exists(site):
    corpus, _, _ = fitted()
    assert (site / "index.html").is_file()
    assert (site / "static" / "style.css").is_file()
    assert (site / MARKER).is_file()
    for number in range(1, N_TOPICS + 1):
        assert (site / "topics" / f"{number}.html").is_file()
        with Image.open(site / "wordclouds" / f"topic-{number}.png") as image:
            assert image.format == "PNG"
            assert image.size == (800, 400)  # 400x200 CSS pixels at scale 2
    talk_pages = {p.stem for p in (site / "talks").glob("*.html")}
    assert talk_pages == {talk.id for talk in corpus}
    site_wide = {"index.html", "search.html", "map.html", "speakers.html", "plan.html"}
    assert {p.name for p in site.glob("*.html")} == site_wide  # one event, every talk has a topic
    assert len(pages(site)) == len(site_wide) + N_TOPICS + len(corpus)
    for asset in ("search.js", "map.js", "plan.js", "vendor/minisearch.js"):
        assert (site / "static" / asset).is_file()
    assert (site / "static" / "vendor" / "minisearch.LICENSE.txt").is_file()
    for data in ("search/manifest.js", "search/shard-0.js", "map/points.js", "plan/talks.js"):
        assert (site / data).is_file()
    assert [p.name for p in site.parent.iterdir()] == ["site"]  # no temporary folder left


def test_index_has_one_card_per_topic(site):
    corpus, model, summary = fitted()
    page = soup(site / "index.html")
    assert page.h1.get_text() == corpus.title
    assert f"{len(corpus)} talks" in page.find(class_="lead").get_text()
    cards = page.select(".card")
    assert len(cards) == N_TOPICS
    strongest = summary.document_topic.argmax(axis=1)
    shares = topic_shares(summary.document_topic)
    for k, card in enumerate(cards):
        assert card.select_one("a.card-link")["href"] == f"topics/{k + 1}.html"
        assert card.select_one("a.card-link").get_text() == model.topic_labels_[k]
        image = card.select_one("img.cloud")
        assert image["src"] == f"wordclouds/topic-{k + 1}.png"
        assert all(word in image["alt"] for word, _ in model.top_words(k, 5))
        size = int((strongest == k).sum())
        assert f"{size} talks" in card.select_one(".eyebrow").get_text()
        top = [a["href"] for a in card.select(".card-talks a")]
        assert 1 <= len(top) <= 5
        best = sorted(
            np.flatnonzero(strongest == k),
            key=lambda i: (-shares[i, k], -summary.document_topic[i, k]),
        )
        assert top == [f"talks/{corpus.talks[i].id}.html" for i in best[: len(top)]]


def test_topic_pages_list_their_talks_by_descending_share(site):
    corpus, model, summary = fitted()
    listed = []
    for k in range(N_TOPICS):
        page = soup(site / "topics" / f"{k + 1}.html")
        assert page.h1.get_text() == model.topic_labels_[k]
        assert [li.get_text() for li in page.select("ol.words li")][:5] == [
            word for word, _ in model.top_words(k, 5)
        ]
        ids = [Path(a["href"]).stem for a in page.select("ol.talk-list.ranked a.talk-link")]
        expected = [
            corpus.talks[i].id
            for i in range(len(corpus))
            if summary.document_topic[i].argmax() == k
        ]
        assert sorted(ids) == sorted(expected)  # exactly its talks
        rows = [summary.document_topic[[t.id for t in corpus].index(i)] for i in ids]
        shares = [round(row[k] / row.sum(), 6) for row in rows]
        assert shares == sorted(shares, reverse=True)  # most about the topic first
        percents = [int(li.select_one(".share").get_text().split("%")[0]) for li in
                    page.select("ol.talk-list.ranked li")]  # fmt: skip
        assert percents == sorted(percents, reverse=True)  # as the page shows
        listed += ids
    assert sorted(listed) == sorted(t.id for t in corpus)  # every talk on one topic page


def test_topic_page_shows_speakers(site):
    corpus, _, summary = fitted()
    ids = [t.id for t in corpus]
    number = summary.document_topic[ids.index("pytest-fixtures-in-depth")].argmax() + 1
    page = soup(site / "topics" / f"{number}.html").select_one("ol.talk-list.ranked").get_text()
    assert "Frances Allen" in page  # the speaker of pytest-fixtures-in-depth


def test_talk_page_shows_details_abstract_and_topic_mix(site):
    corpus, _, summary = fitted()
    talk = next(t for t in corpus if t.id == "dataframes-for-analysts")
    page = soup(site / "talks" / f"{talk.id}.html")
    assert page.h1.get_text() == talk.title
    assert "Grace Hopper, Alan Turing" in page.select_one(".speakers").get_text()
    details = {div.dt.get_text(): div.dd.get_text() for div in page.select("dl.details > div")}
    assert details == {
        "Event": "tinycon-2024",
        "Track": "Main track",
        "Day": talk.day,
        "Time": talk.time,
        "Room": "Room A",
        "Language": "English",  # detected by the model (languages_)
    }
    assert [p.get_text() for p in page.select(".abstract p:not(:has(a))")] == paragraphs(
        talk.abstract
    )
    assert len(paragraphs(talk.abstract)) == 2
    assert page.select_one("a.original")["href"] == talk.url
    mix = page.select(".mix li")
    percents = [int(li.select_one(".mix-pct").get_text().rstrip("%")) for li in mix]
    assert percents == sorted(percents, reverse=True) and sum(percents) <= 100
    row = summary.document_topic[[t.id for t in corpus].index(talk.id)]
    assert mix[0].a["href"] == f"../topics/{row.argmax() + 1}.html"
    assert percents[0] == round(100 * row.max() / row.sum())


def test_talk_without_abstract_or_url(site):
    page = soup(site / "talks" / "coverage-and-ci.html")
    assert "No abstract was published" in page.select_one(".abstract").get_text()
    assert page.select_one("a.original") is None
    assert page.select_one(".talk > .speakers") is None


def test_talk_text_is_escaped(site):
    html = (site / "talks" / "script-alert.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; friends" in html
    page = soup(site / "talks" / "script-alert.html")
    assert page.h1.get_text() == SCRIPT_TITLE
    assert page.select_one("a.original") is None  # javascript: URLs are never linked
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index


#: The only scripts a page may load: the site's own files, never inline code.
SCRIPTS = {"static/search.js", "static/map.js", "map/points.js", "static/plan.js", "plan/talks.js"}


def test_only_own_scripts_no_inline_handlers_no_external_urls(site):
    corpus, _, _ = fitted()
    urls = {t.id: t.url for t in corpus}
    for path in pages(site):
        page = soup(path)
        for script in page.find_all("script"):
            assert script.string is None or not script.string.strip(), (path, "inline script")
            target = Path(unquote(urlsplit(urljoin(path.as_uri(), script["src"])).path))
            assert str(target.relative_to(site.resolve())) in SCRIPTS, (path, script["src"])
            assert script.has_attr("defer")
        csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        assert "unsafe-eval" not in csp and "script-src 'self' " not in csp
        for tag in page.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path, tag)
            for attr in ("href", "src", "srcset", "action", "poster", "data"):
                value = tag.get(attr)
                if value is None:
                    continue
                parts = urlsplit(value)
                if parts.scheme or parts.netloc or value.startswith("/"):
                    original = "original" in tag.get("class", [])
                    assert original and value == urls[path.stem], (path, attr, value)
                    assert parts.scheme in {"http", "https"}


def test_every_relative_link_resolves(site):
    root = site.resolve()
    checked = 0
    for path in pages(site):
        page = soup(path)
        ids = {tag["id"] for tag in page.find_all(id=True)}
        for tag in page.find_all(["a", "link", "img", "script"]):
            value = tag.get("href") or tag.get("src")
            if value is None or "original" in tag.get("class", []):
                continue
            parts = urlsplit(value)
            assert not (parts.scheme or parts.netloc or value.startswith("/")), (path, value)
            if not parts.path:  # "#main"
                assert parts.fragment in ids, (path, value)
                continue
            target = Path(unquote(urlsplit(urljoin(path.as_uri(), value)).path)).resolve()
            assert target.is_relative_to(root), (path, value)
            assert target.is_file(), (path, value)
            if parts.fragment and target.suffix == ".html":  # speakers.html#speaker-...
                assert soup(target).find(id=parts.fragment), (path, value)
            checked += 1
    assert checked > 100


def test_rebuild_replaces_the_previous_site(tmp_path, memory):
    corpus, _model, summary = fitted()
    out = tmp_path / "site"
    build_site(corpus, summary, out, memory=memory)
    smaller = Corpus(talks=corpus.talks[:-1], title="Smaller")
    fewer = replace(
        summary,
        document_topic=summary.document_topic[:-1],
        document_term=summary.document_term[:-1],
        languages=summary.languages[:-1],
    )
    build_site(smaller, fewer, out, memory=memory)
    assert not (out / "talks" / f"{corpus.talks[-1].id}.html").exists()
    assert soup(out / "index.html").h1.get_text() == "Smaller"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def _broken_templates(tmp_path: Path) -> Path:
    broken = tmp_path / "templates"
    shutil.copytree(site_templates.TEMPLATES, broken)
    (broken / "talk.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    return broken


@pytest.mark.parametrize("failure", ["template", "wordclouds"])
def test_failed_build_leaves_the_previous_site_intact(tmp_path, memory, monkeypatch, failure):
    corpus, _model, summary = fitted()
    out = tmp_path / "public" / "site"
    build_site(corpus, summary, out, memory=memory)
    before = snapshot(out)
    if failure == "template":
        monkeypatch.setattr(site_templates, "TEMPLATES", _broken_templates(tmp_path))
        expected: type[Exception] = jinja2.UndefinedError
    else:

        def fail(*args, **kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(render, "write_wordclouds", fail)
        expected = OSError
    changed = Corpus(talks=corpus.talks, title="Changed")
    with pytest.raises(expected):
        build_site(changed, summary, out, memory=memory)
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # temporary folder removed


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    corpus, _model, summary = fitted()
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("precious")
    with pytest.raises(FileExistsError, match="not a site"):
        build_site(corpus, summary, home)
    assert (home / "notes.txt").read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["home"]
    with pytest.raises(FileExistsError, match="not a folder"):
        build_site(corpus, summary, home / "notes.txt")


def test_builds_into_an_existing_empty_folder(tmp_path, memory):
    corpus, _model, summary = fitted()
    out = tmp_path / "empty"
    out.mkdir()
    build_site(corpus, summary, out, memory=memory)
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("bad_id", ["../escape", "UPPER", "with space", "a.html", "é"])
def test_refuses_unsafe_talk_ids(tmp_path, bad_id):
    corpus, _model, summary = fitted()
    talks = [Talk(id=bad_id, title="Bad"), *corpus.talks[1:]]
    with pytest.raises(RenderError, match="unsafe talk id"):
        build_site(
            Corpus(talks=talks),
            replace(summary, document_topic=summary.document_topic),
            tmp_path / "site",
        )
    assert not (tmp_path / "site").exists()


def test_refuses_weights_of_the_wrong_shape(tmp_path):
    corpus, _model, summary = fitted()
    with pytest.raises(RenderError, match="shape"):
        build_site(
            corpus,
            replace(summary, document_topic=summary.document_topic[:, :2]),
            tmp_path / "site",
        )
    with pytest.raises(RenderError, match="non-negative"):
        build_site(
            corpus, replace(summary, document_topic=-summary.document_topic), tmp_path / "site"
        )


def test_talk_with_no_topic_weight_is_listed_apart(tmp_path, memory):
    corpus, _model, summary = fitted()
    weights = summary.document_topic.copy()
    weights[-1] = 0
    out = build_site(
        corpus, replace(summary, document_topic=weights), tmp_path / "site", memory=memory
    )
    view = site_view(corpus, replace(summary, document_topic=weights))
    assert [t.id for t in view.unassigned] == [corpus.talks[-1].id]
    assert view.talks[-1].topic is None and view.talks[-1].mix == []
    index = soup(out / "index.html")
    assert index.select_one(".unassigned a")["href"] == f"talks/{corpus.talks[-1].id}.html"
    assert "No topic was found" in soup(out / "talks" / f"{corpus.talks[-1].id}.html").get_text()
    listed = soup(out / "unassigned.html").select("ol.talk-list a.talk-link")
    assert [a["href"] for a in listed] == [f"talks/{corpus.talks[-1].id}.html"]
    points = (out / "map" / "points.js").read_text(encoding="utf-8")
    assert f'"{corpus.talks[-1].id}"' not in points  # not on the map
    assert f'"{corpus.talks[0].id}"' in points


def test_rounded_percents_sum_to_100():
    shares = np.array([1, 1, 1]) / 3
    assert rounded_percents(shares).tolist() == [34, 33, 33]
    assert rounded_percents(np.array([0.995, 0.005])).sum() == 100


def test_paragraphs_split_on_blank_lines():
    assert paragraphs("One\nline.\n \nTwo.\n\n\n\nThree ") == ["One line.", "Two.", "Three"]
    assert paragraphs("   ") == []


def test_talks_of_left_out_languages_are_listed_by_language(tmp_path, memory):
    corpus, _model, summary = fitted()
    spanish = [
        Talk(id=f"charla-{n}", title=f"Charla {n}", abstract="Una charla sobre datos abiertos.")
        for n in range(2)
    ]
    corpus = Corpus(talks=[*corpus.talks, *spanish], title=corpus.title)
    weights = np.vstack([summary.document_topic, np.zeros((2, summary.document_topic.shape[1]))])
    weights[0] = 0  # an English talk without a topic is listed apart from them
    summary = replace(
        summary,
        document_topic=weights,
        document_term=sp.vstack([summary.document_term, sp.csr_matrix((2, len(summary.terms)))]),
        languages=[*summary.languages, "es", "es"],
        excluded_languages={"es": 2},
    )
    out = build_site(corpus, summary, tmp_path / "site", memory=memory)
    page = soup(out / "unassigned.html")
    assert page.select_one("#lang-es").get_text() == "Spanish (2)"
    spanish_links = page.select_one("#lang-es").find_parent("section").select("a.talk-link")
    assert [a["href"] for a in spanish_links] == ["talks/charla-0.html", "talks/charla-1.html"]
    rest = page.select_one("#no-shared-words").find_parent("section").select("a.talk-link")
    assert [a["href"] for a in rest] == [f"talks/{corpus.talks[0].id}.html"]
    index = soup(out / "index.html")
    assert index.select_one('.unassigned a[href="unassigned.html#lang-es"]').get_text() == "Spanish"


def test_talk_page_lists_the_strongest_topics_of_a_spread_mix_and_sums_the_rest():
    links = [TopicLink(k + 1, f"Topic {k + 1}", f"topics/{k + 1}.html") for k in range(12)]
    raw = np.array([[30, 2, 10, 9, 8, 7, 6, 5, 4, 3.5, 3.5, 12], np.zeros(12)])
    shares = raw / np.maximum(raw.sum(axis=1, keepdims=True), 1)
    percents = np.array([rounded_percents(shares[0]), np.zeros(12)], dtype=np.int8)
    talks = TalkViews(
        [Talk(id="spread", title="Spread"), Talk(id="none", title="None")],
        links,
        np.array([0, -1]),
        shares,
        percents,
        ["", ""],
        [[], []],
        [[], []],
    )
    spread, none = talks
    assert [e.topic.number for e in spread.mix] == [1, 12, 3, 4, 5, 6, 7, 8]
    assert len(spread.mix) == MIX_TOPICS
    assert spread.mix_rest == 100 - (30 + 12 + 10 + 9 + 8 + 7 + 6 + 5) == 13
    assert none.mix == [] and none.mix_rest == 0
    light = PageSite("Conf", "", [], 2, links, 1, 1)
    page = BeautifulSoup(
        environment()
        .get_template("talk.html")
        .render(site=light, root="../", page="talk", talk=spread),
        "html.parser",
    )
    percents_shown = [li.select_one(".mix-pct").get_text() for li in page.select(".mix li")]
    assert percents_shown == ["30%", "12%", "10%", "9%", "8%", "7%", "6%", "5%"]
    assert page.select_one(".mix-rest").get_text(" ", strip=True) == "Other topics: 13%"
    assert len(page.select(".stack span")) == 8
