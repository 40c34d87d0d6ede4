"""The mini-batch fit, and similar talks grouped by topic: on small inputs, with their
samples scaled down."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from joblib import Memory, parallel_config
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score

from tests.helpers.programme import THEMES, programme, themes
from topics.model import TopicModel, estimator, minibatch, similarity


@pytest.fixture
def small_samples(monkeypatch):
    """The mini-batch fit's samples and batches, scaled down to the toy programme."""
    monkeypatch.setattr(minibatch, "VOCABULARY_SAMPLE", 150)
    monkeypatch.setattr(minibatch, "SELECTION_SAMPLE", 120)
    monkeypatch.setattr(minibatch, "BATCH", 64)
    monkeypatch.setattr(minibatch, "CHUNK", 100)


def test_minibatch_fit_finds_the_themes(small_samples, tmp_path):
    corpus = programme(60, spanish=False, seed=0)
    labels = themes(corpus)
    model = TopicModel(
        n_topics=4, algorithm="minibatch", language="en", memory=Memory(tmp_path, verbose=0)
    )
    W = model.fit_transform(corpus)
    assert model.algorithms_ == ["minibatch"] and W.shape == (240, 4)
    assert model.document_term_.shape == (240, len(model.terms_))
    assert normalized_mutual_info_score(labels, W.argmax(axis=1)) > 0.9
    np.testing.assert_allclose(np.linalg.norm(model.components_, axis=1), 1, rtol=1e-5)
    assert model.topic_stability_.shape == (4,)
    new = model.transform(["pandas dataframes and numpy arrays for statistics"])
    assert model.top_words(int(new.argmax()), 3)[0][0] in THEMES["data"].split()
    again = clone(model)
    np.testing.assert_array_equal(again.fit_transform(corpus), W)  # cached, deterministic


def test_minibatch_nmf_solves_w_the_same_in_parallel_chunks_as_in_one_process(monkeypatch):
    rng = np.random.default_rng(0)
    themes = (np.arange(500) // 7) % 4  # runs of 7 rows on one theme of 10 columns
    dense = rng.random((500, 40)) * 0.05
    for theme in range(4):
        dense[themes == theme, 10 * theme : 10 * theme + 10] += 1
    X = sp.csr_matrix(dense, dtype=np.float32)
    H_init = rng.random((4, 40)).astype(np.float32)
    monkeypatch.setattr(minibatch, "CHUNK", 120)  # five chunks, the last one short
    with parallel_config(backend="sequential"):
        W_here, H_here = minibatch.minibatch_nmf(X, H_init, random_state=0, epochs=1)
    with parallel_config(backend="loky", n_jobs=2):
        W, H = minibatch.minibatch_nmf(X, H_init, random_state=0, epochs=1)
    assert W.shape == (500, 4) and W.dtype == np.float32
    np.testing.assert_array_equal(H, H_here)
    np.testing.assert_array_equal(W, W_here)  # each chunk solved alike
    # Each row of W is its own text's: each row's strongest topic is its theme's.
    assert normalized_mutual_info_score(themes, W.argmax(axis=1)) == pytest.approx(1.0)


def test_minibatch_fit_chooses_the_number_of_topics_on_a_sample(small_samples, monkeypatch):
    corpus = programme(60, spanish=False, seed=0)
    labels = themes(corpus)
    # The toy sample's candidates stop at 15: below the floor of 20 topics, which would
    # make the largest of them the choice; the scores choose here.
    monkeypatch.setattr(minibatch, "MIN_TOPICS", 1)
    model = TopicModel(algorithm="minibatch", language="en").fit(corpus)
    assert model.selection_ and model.n_components_ in {c.n_components for c in model.selection_}
    assert normalized_mutual_info_score(labels, model.document_topic_.argmax(axis=1)) > 0.7
    monkeypatch.setattr(minibatch, "MIN_TOPICS", 9)
    finer = TopicModel(algorithm="minibatch", language="en").fit(corpus)
    assert finer.n_components_ >= 9 and finer.topic_stability_.shape == (finer.n_components_,)


def test_algorithm_auto_fits_by_minibatches_from_the_threshold(small_samples, monkeypatch):
    corpus = programme(30, spanish=False, seed=0)
    assert TopicModel(n_topics=4, language="en").fit(corpus).algorithms_ == ["exact"]
    monkeypatch.setattr(estimator, "MINIBATCH_MIN_TALKS", 120)
    assert TopicModel(n_topics=4, language="en").fit(corpus).algorithms_ == ["minibatch"]


def test_similar_talks_within_topics_match_all_pairs_when_topics_are_apart(monkeypatch):
    rng = np.random.default_rng(1)
    W = np.kron(np.eye(3), np.ones((40, 1))) + 0.01 * rng.random((120, 3))
    W[:, :][W < 0.5] = 0  # talks share no topic across groups
    X = rng.random((120, 30)) * (rng.random((120, 30)) > 0.7)
    exact = similarity.similar_talks(W, X, k=4)
    monkeypatch.setattr(similarity, "GROUPED_MIN", 50)
    grouped = similarity.similar_talks(W, X, k=4)
    np.testing.assert_array_equal(grouped[0], exact[0])
    np.testing.assert_allclose(grouped[1], exact[1], rtol=1e-5)


def test_talks_of_a_large_topic_are_compared_within_their_second_topic(monkeypatch):
    W = np.zeros((90, 3))
    W[:, 0] = 1.0
    W[np.arange(90), 1 + np.arange(90) % 2] = 0.5  # second topic: 1 or 2, alternately
    X = np.random.default_rng(2).random((90, 20))
    monkeypatch.setattr(similarity, "GROUPED_MIN", 50)
    monkeypatch.setattr(similarity, "GROUP_MAX", 60)
    neighbours, scores = similarity.similar_talks(W, X, k=3)
    assert (neighbours >= 0).all() and (scores > 0).all()
    assert (neighbours % 2 == np.arange(90)[:, None] % 2).all()  # same second topic
