"""Topic-quality metrics on small examples computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from topics.model.evaluation import (
    CoherenceReference,
    is_junk_topic,
    junk_reason,
    junk_reasons,
    npmi_coherence,
    topic_diversity,
)

# Four documents, words w0..w3:
#   d0: w0 w1      d1: w0 w1 w2      d2: w0 w2      d3: w3
# Document frequencies 3, 2, 2, 1 of N = 4.
TOY = np.array(
    [
        [1, 1, 0, 0],
        [1, 1, 1, 0],
        [1, 0, 1, 0],
        [0, 0, 0, 1],
    ]
)
# NPMI(w0, w1) = log(p01 / (p0 p1)) / -log p01 = log((2/4) / (3/4 * 2/4)) / -log(2/4)
#              = log(4/3) / log 2
NPMI_01 = math.log(4 / 3) / math.log(2)
# NPMI(w1, w2) = log((1/4) / (2/4 * 2/4)) / -log(1/4) = log 1 / log 4 = 0 (independent)
# NPMI(w3, anything) = -1: never co-occurs.


def test_npmi_exact_values_on_toy_matrix():
    topics = np.array([[0, 1, 2], [0, 3, 1], [1, 2, 3]])
    got = npmi_coherence(topics, sp.csr_matrix(TOY))
    # [NPMI01 + NPMI02 + NPMI12] / 3 with NPMI02 = NPMI01 by symmetry of the toy
    assert got[0] == pytest.approx((2 * NPMI_01 + 0.0) / 3)
    # pairs (0,3), (0,1), (3,1): -1, NPMI01, -1
    assert got[1] == pytest.approx((NPMI_01 - 2) / 3)
    # pairs (1,2), (1,3), (2,3): 0, -1, -1
    assert got[2] == pytest.approx(-2 / 3)
    assert pytest.approx(0.4150374992788438) == NPMI_01


def test_npmi_counts_and_weights_are_binarised():
    weights = TOY * np.array([0.3, 2.0, 7.5, 0.01])
    topics = np.array([[0, 1, 2], [1, 2, 3]])
    expected = npmi_coherence(topics, TOY)
    assert npmi_coherence(topics, sp.csr_matrix(weights)) == pytest.approx(expected)
    assert npmi_coherence(topics, sp.csc_matrix(weights)) == pytest.approx(expected)


def test_npmi_edge_cases():
    # w0 in every document, w1 in every document: p(w0, w1) = 1 -> +1 (Bouma).
    X = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 0, 0]])
    got = npmi_coherence(np.array([[0, 1], [0, 2], [2, 3], [3, -1], [0, -1]]), X)
    assert got[0] == 1.0
    # w2 in one document, w0 everywhere: log((1/3) / (1 * 1/3)) = 0 -> 0
    assert got[1] == pytest.approx(0.0)
    # w3 in no document: the pair is undefined; no defined pair -> NaN
    assert math.isnan(got[2])
    assert math.isnan(got[3])
    # padding: one word only -> NaN
    assert math.isnan(got[4])


def test_npmi_padding_and_missing_words_leave_the_mean():
    X = np.column_stack([TOY, np.zeros(4, dtype=int)])  # w4 occurs nowhere
    got = npmi_coherence(np.array([[0, 1, 4], [0, 1, -1]]), X)
    assert got == pytest.approx([NPMI_01, NPMI_01])


def test_npmi_same_word_twice_is_perfectly_coherent():
    assert npmi_coherence(np.array([[1, 1]]), TOY) == pytest.approx([1.0])


def test_npmi_rejects_bad_indices():
    with pytest.raises(ValueError, match="2-D"):
        npmi_coherence(np.array([0, 1]), TOY)
    with pytest.raises(ValueError, match="out of range"):
        npmi_coherence(np.array([[0, 9]]), TOY)
    assert npmi_coherence(np.zeros((0, 10), dtype=int), TOY).shape == (0,)


def test_npmi_is_fast_on_a_large_sparse_matrix():
    import time

    rng = np.random.default_rng(0)
    n_docs, n_words, per_doc = 100_000, 20_000, 40
    X = sp.csr_matrix(
        (
            np.ones(n_docs * per_doc),
            rng.integers(0, n_words, n_docs * per_doc),
            np.arange(0, n_docs * per_doc + 1, per_doc),
        ),
        shape=(n_docs, n_words),
    )
    topics = rng.integers(0, n_words, size=(100, 10))
    start = time.perf_counter()
    got = npmi_coherence(topics, X)
    assert time.perf_counter() - start < 2.0
    assert got.shape == (100,)
    assert np.all((got >= -1) & (got <= 1))


TEXTS = [
    "Machine learning with Python",
    "Deep learning: a machine for learning",
    "Python on the web",
    "The web with Django",
]


def test_reference_looks_up_words_and_phrases():
    ref = CoherenceReference(TEXTS)
    assert ref.document_frequency("python") == 2
    assert ref.document_frequency("Python") == 2
    # a phrase occurs in the documents holding all its words
    assert ref.document_frequency("machine learning") == 2
    assert ref.document_frequency("machine_learning") == 2
    assert ref.document_frequency("deep learning") == 1
    assert ref.document_frequency("rust") == 0
    assert ref.document_frequency("web rust") == 0
    assert ref.missing([["python", "rust"], ["machine learning", "...", "rust"]]) == [
        "rust",
        "...",
    ]


def test_reference_npmi_of_phrases():
    ref = CoherenceReference(TEXTS)
    got = ref.npmi([["machine learning", "python"], ["machine learning", "deep"], ["web"]])
    # p(ml) = 2/4, p(python) = 2/4, p(both) = 1/4: independent -> 0
    assert got[0] == pytest.approx(0.0)
    # p(ml) = 2/4, p(deep) = 1/4, p(both) = 1/4: log 2 / log 4 = 0.5
    assert got[1] == pytest.approx(0.5)
    assert math.isnan(got[2])


def test_reference_keeps_c_plus_plus_whole():
    ref = CoherenceReference(["C++ templates", "C# generics", "C and C++"])
    assert ref.document_frequency("c++") == 2
    assert ref.document_frequency("c#") == 1
    assert ref.document_frequency("c") == 1


def test_topic_diversity():
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]]) == pytest.approx(5 / 6)
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topic_diversity([["a", "b"], ["a", "b"], ["b", "a"]]) == pytest.approx(1 / 3)
    assert topic_diversity([["Python"], ["python"]]) == 0.5
    assert topic_diversity([["machine learning", "machine"]]) == 1.0
    assert math.isnan(topic_diversity([]))


FUNCTION_WORDS = frozenset({"de", "la", "que", "und", "der", "het"})


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("https", "url/markup"),
        ("www", "url/markup"),
        ("com", "url/markup"),
        ("nbsp", "url/markup"),
        ("href", "url/markup"),
        ("ll", "contraction"),
        ("don", "contraction"),
        ("doesn", "contraction"),
        ("t", "contraction"),
        ("2016", "number"),
        ("10", "number"),
        ("1st", "number"),
        ("3.5", "number"),
        ("1990s", "number"),
        ("de", "function word"),
        ("Que", "function word"),
        ("de la", "function word"),
        ("http www", "url/markup"),
        ("__", "url/markup"),
        ("==", "url/markup"),
        # content words and phrases
        ("github", None),
        ("html", None),
        ("span", None),
        ("python", None),
        ("3d", None),
        ("x86", None),
        ("python3", None),
        ("k8s", None),
        ("machine learning", None),
        ("machine_learning", None),
        ("python 3", None),
        ("la python", None),
    ],
)
def test_junk_reason(word, reason):
    assert junk_reason(word, FUNCTION_WORDS) == reason


def test_junk_reasons_lists_each_junk_word_in_order():
    words = ["python", "https", "de", "ll", "2016", "machine learning"]
    assert junk_reasons(words, FUNCTION_WORDS) == [
        "https: url/markup",
        "de: function word",
        "ll: contraction",
        "2016: number",
    ]


def test_is_junk_topic_threshold_and_top_ten():
    clean = ["python", "machine learning", "data", "github", "html", "web", "api", "test"]
    assert not is_junk_topic(clean, FUNCTION_WORDS)
    two = ["de", "la", "python", "data", "web", "api", "test", "code", "model", "numpy"]
    assert not is_junk_topic(two, FUNCTION_WORDS)
    assert is_junk_topic([*two[:2], "que", *two[3:]], FUNCTION_WORDS)
    assert is_junk_topic(["https", "www", "com", "github", "code"], FUNCTION_WORDS)
    assert is_junk_topic(["ll", "ve", "don", "python"], FUNCTION_WORDS)
    assert is_junk_topic(["2016", "2017", "10", "python"], FUNCTION_WORDS)
    # junk words beyond the top ten do not count
    assert not is_junk_topic([*clean, "api2", "rest", "de", "la", "que"], FUNCTION_WORDS)
    assert is_junk_topic(two, FUNCTION_WORDS, threshold=2)
