"""The cleaning rules, pinned with hand-written examples."""

from __future__ import annotations

import io
import pickle
import re

import joblib
import pytest

from topics.model.cleaning import boilerplate_shingles, clean_corpus, remove_shingles, strip_noise
from topics.model.vocabulary import Analyzer, singular_candidates


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("See https://example.org/slides?id=3 now", "See now"),
        ("Slides: www.example.com/a/b.", "Slides:"),
        ("Docs at scikit-learn.org and pandas.pydata.org", "Docs at and"),
        ("Write to jane.doe+talks@example.co.uk today", "Write to today"),
        ("We'll see; they've gone; it\u2019s fine; don't", "We see; they gone; it fine; do"),
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("Title\n=====\n\nBody", "Title\n\nBody"),
        ("the community.html page", "the page"),
        ("a community of communities", "a community of communities"),
        ("Written in Go, Go's runtime and TinyGo", "Written in Golang, Golang runtime and TinyGo"),
        ("Go is fast. Go on! Let's go; a Go-to tool", "Go is fast. Go on! Let go; a Go-to tool"),
    ],
)
def test_strip_noise(raw, clean):
    assert strip_noise(raw) == clean


HEADER = "[MiniCon 2016]\n[20 July 2016]\n[Bilbao, Euskadi, Spain]\n\n"
BODIES = [
    "Generators make lazy pipelines easy.",
    "Descriptors power properties and methods.",
    "Type hints help large code bases.",
    "Asyncio runs many sockets on one thread.",
    "Packaging wheels for many platforms.",
]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_boilerplate_recurring_across_documents_is_removed():
    cleaned, shingles = clean_corpus([HEADER + body for body in BODIES])
    assert [_words(t) for t in cleaned] == [_words(b) for b in BODIES]
    assert shingles  # what was removed, to clean new texts alike


def test_text_shared_by_two_talks_only_is_kept():
    twin = "A long identical abstract shared by exactly two talks of the programme."
    texts = [twin, twin, *BODIES]
    cleaned, _ = clean_corpus(texts)
    assert cleaned[:2] == [twin, twin]


def test_remove_shingles_keeps_text_around_them():
    shingles = boilerplate_shingles(["x a b c d e f y", "p a b c d e f q"] * 2)
    assert remove_shingles("before a b c d e f after", shingles) == "before after"


@pytest.mark.parametrize(
    ("plural", "singulars"),
    [
        ("organizations", ["organization"]),
        ("libraries", ["library"]),
        ("classes", ["class", "classe"]),
        ("boxes", ["box", "boxe"]),
        ("apis", ["api"]),
        ("class", []),
        ("news", []),
        ("pandas", []),
        ("bus", []),
    ],
)
def test_singular_candidates(plural, singulars):
    assert singular_candidates(plural) == singulars


def _analyze(texts, **options):
    analyzer = Analyzer(**options)
    return analyzer, analyzer.fit_transform(texts)


def test_plurals_fold_only_onto_singulars_the_corpus_has():
    _, terms = _analyze(["organizations organization organ", "analysis bias corpus"])
    assert terms == [["organization", "organization", "organ"], ["analysis", "bias", "corpus"]]


def test_phrases_are_learnt_when_words_go_together():
    texts = [f"machine learning {w} with python" for w in ("model", "data", "image", "audio")]
    texts += ["learning to play", "machine shop tools", "type hints", "type hints in python"]
    analyzer, terms = _analyze(texts)
    assert ("machine", "learning") in analyzer.phrases_
    assert terms[0] == ["machine learning", "model", "python"]
    assert analyzer("A new machine learning library") == ["machine learning", "library"]


def test_no_phrase_across_a_stop_word_or_punctuation():
    texts = ["data, science", "data and science", "data. science", "data; science"]
    analyzer, _ = _analyze(texts, min_phrase_count=2)
    assert analyzer.phrases_ == frozenset()


def test_numbers_contractions_and_conference_words_are_not_terms():
    _, terms = _analyze(["In this talk we'll show 3 demos of C++ and R in 2016, don't miss"])
    assert terms == [["demos", "c++", "r", "miss"]]


def test_go_the_language_is_a_term_and_go_the_verb_is_not():
    _, terms = _analyze(["Concurrency in Go: we go through goroutines", "Go and see"])
    assert terms == [["concurrency", "golang", "goroutines"], []]


def test_speaker_names_are_removed_wherever_they_occur_in_full():
    _, terms = _analyze(
        ["Ada Lovelace builds engines", "engine by Ada and Lovelace"], names=["Ada Lovelace", "X"]
    )
    assert terms == [["builds", "engine"], ["engine", "ada", "lovelace"]]


def test_fitted_analyzer_removes_names_and_folds_plurals_in_new_texts():
    analyzer, _ = _analyze(
        ["engines and engine", "compilers"], names=["Ada King Lovelace", "Al Bo"]
    )
    assert analyzer("Ada King Lovelace builds engines") == ["builds", "engine"]
    assert analyzer("Ada King builds engines, Al Bo too") == ["ada", "king", "builds", "engine"]


def test_overlapping_phrases_are_taken_left_to_right():
    texts = ["deep learning rate", "deep learning", "learning rate", "deep learning rate"]
    analyzer, terms = _analyze(texts, min_phrase_count=2, min_phrase_npmi=0.0)
    assert {("deep", "learning"), ("learning", "rate")} <= analyzer.phrases_
    assert terms[0] == ["deep learning", "rate"]
    assert analyzer("rate of deep learning rate deep") == ["rate", "deep learning", "rate", "deep"]


def test_pickled_analyzer_analyses_as_the_original():
    texts = ["Ada Lovelace on engines", "engine design", "machine learning", "machine learning"]
    analyzer, _ = _analyze(texts, names=["Ada Lovelace", "Charles Babbage"], min_phrase_count=2)
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy.names == analyzer.names == {("ada", "lovelace"), ("charles", "babbage")}
    assert copy.stop_words == analyzer.stop_words and "the" in copy.stop_words
    # Stored as joblib.Memory stores it: the stop words as one string, not an object each.
    assert isinstance(analyzer.__getstate__()["stop_words"], str)
    buffer = io.BytesIO()
    joblib.dump(analyzer, buffer)
    buffer.seek(0)
    assert joblib.load(buffer).stop_words == analyzer.stop_words
    for text in ["Charles Babbage and Ada Lovelace: machine learning engines", "Ada alone"]:
        assert copy(text) == analyzer(text)
    assert copy("Charles Babbage's engines") == ["engine"]


def test_refitted_analyzer_folds_the_plurals_of_its_new_corpus():
    analyzer, _ = _analyze(["engines", "engine"])
    assert analyzer("engines") == ["engine"]
    assert analyzer.fit_transform(["engines", "motors"]) == [["engines"], ["motors"]]
    assert analyzer("engines") == ["engines"]
