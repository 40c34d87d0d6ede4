"""TopicModel on a small hand-written programme."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from tests.helpers.programme import THEMES, programme
from topics.corpus import Corpus
from topics.model import ModelError, TopicModel
from topics.model.candidates import min_topics
from topics.model.selection import (
    Candidate,
    candidate_ks,
    choose_k,
    fit_nmf,
    leading_singular,
    nndsvda,
    pick,
)


@pytest.fixture(scope="module")
def fitted() -> tuple[Corpus, TopicModel]:
    corpus = programme()
    return corpus, TopicModel(n_topics=4, random_state=0).fit(corpus)


def test_each_theme_becomes_one_topic(fitted):
    corpus, model = fitted
    W = model.document_topic_
    assert W.shape == (len(corpus), model.n_components_) == (35, 4)
    for theme in THEMES:
        rows = [i for i, t in enumerate(corpus) if t.id.startswith(theme)]
        assert len(set(W[rows].argmax(axis=1))) == 1, theme
    assert len(set(W[:32].argmax(axis=1))) == 4


def test_other_language_talks_are_left_out_and_reported(fitted):
    _, model = fitted
    assert model.main_language_ == "en"
    assert model.excluded_languages_ == {"es": 3}
    assert model.languages_[-3:] == ["es", "es", "es"]
    assert not model.document_topic_[-3:].any()
    assert not {"los", "la", "de", "una"} & set(model.terms_)


def test_labels_unique_and_made_of_distinctive_terms(fitted):
    _, model = fitted
    assert len(set(model.topic_labels_)) == 4
    for label, (term, _) in zip(
        model.topic_labels_, (model.top_words(k, 1)[0] for k in range(4)), strict=True
    ):
        assert label and " · " in label
        assert term in model.terms_


def test_stability_per_topic_in_unit_interval(fitted):
    _, model = fitted
    assert model.topic_stability_.shape == (4,)
    assert ((model.topic_stability_ >= 0) & (model.topic_stability_ <= 1.0001)).all()


def test_speaker_names_never_become_terms(fitted):
    _, model = fitted
    assert "person" not in model.terms_


def test_same_seed_same_topics_and_transform_matches(fitted):
    corpus, model = fitted
    again = clone(model).fit(corpus)
    np.testing.assert_allclose(again.components_, model.components_, rtol=1e-5, atol=1e-6)
    W = model.transform(["asyncio coroutines and the event loop for network servers"])
    assert W.shape == (1, 4)
    assert corpus.talks[24].id == "async-0"
    assert W.argmax() == model.document_topic_[24].argmax()


def test_auto_chooses_a_number_of_topics_and_records_the_candidates():
    corpus = programme()
    model = TopicModel(random_state=0).fit(corpus)
    assert [c.n_components for c in model.selection_] == candidate_ks(32)
    assert model.n_components_ == pick(model.selection_)
    assert all(-1 <= c.coherence <= 1 and 0 <= c.stability <= 1.0001 for c in model.selection_)


def test_more_topics_than_talks_is_a_clear_error():
    with pytest.raises(ModelError, match="cannot find 50 topics in 35 talks"):
        TopicModel(n_topics=50).fit(programme())


def test_params_follow_scikit_learn():
    model = TopicModel(n_topics=7, smoothing=0.0)
    assert model.get_params()["n_topics"] == 7
    assert clone(model).get_params() == model.get_params()


def test_pick_prefers_the_finest_k_as_good_as_the_best():
    candidates = [Candidate(5, 0.9, 0.2), Candidate(10, 0.88, 0.21), Candidate(20, 0.6, 0.1)]
    assert [round(c.score, 3) for c in candidates] == [0.54, 0.532, 0.33]
    assert pick(candidates) == 10
    assert pick(candidates, tolerance=0.0) == 5


def test_a_large_programme_gets_at_least_one_topic_per_40_talks():
    # Seed 0 on FOSDEM 2025: k = 5 scored 0.566 once, every other k 0.508-0.535, so the
    # band of the best alone chose 5 topics for 1,105 talks.
    scores = {5: 0.566, 8: 0.535, 14: 0.508, 22: 0.535, 37: 0.535, 61: 0.529, 100: 0.525}
    candidates = [Candidate(k, score / 0.6, 0.2) for k, score in scores.items()]
    assert pick(candidates) == 5
    assert pick(candidates, min_components=min_topics(1105)) == 100
    assert [min_topics(n) for n in (24, 159, 874, 1105, 12_996)] == [1, 4, 22, 28, 325]


def test_pick_chooses_from_the_fewest_topics_up():
    candidates = [Candidate(5, 0.9, 0.2), Candidate(10, 0.88, 0.21), Candidate(20, 0.6, 0.1)]
    assert pick(candidates) == 10
    assert pick(candidates, min_components=15) == 20  # the only candidate that large
    assert pick(candidates, min_components=50) == 20  # none that large: the largest


def test_nndsvda_start_is_exact_and_the_same_for_every_seed():
    rng = np.random.default_rng(0)
    X = sp.random(40, 60, density=0.2, random_state=1, format="csr", dtype=np.float32)
    W, H = nndsvda(X, 5, random_state=0)
    assert W.shape == (40, 5) and H.shape == (5, 60)
    assert (W > 0).all() and (H > 0).all()  # zeros filled with the mean of X
    # The first component is the leading singular pair, made non-negative.
    top = np.linalg.svd(X.toarray())[0][:, 0]
    assert abs(np.corrcoef(W[:, 0], np.abs(top))[0, 1]) > 0.999
    for seed in rng.integers(1, 1000, 3):
        W_seed, H_seed = nndsvda(X, 5, random_state=int(seed))
        np.testing.assert_allclose(W_seed, W, atol=1e-5)
        np.testing.assert_allclose(H_seed, H, atol=1e-5)
    # Too many components for ARPACK: scikit-learn's randomized start is used instead.
    assert fit_nmf(X[:4], 4, random_state=0)[0].shape == (4, 4)


def test_nndsvda_from_the_leading_triplets_of_a_larger_svd_is_the_same_start():
    X = sp.random(40, 60, density=0.2, random_state=1, format="csr", dtype=np.float32)
    W, H = nndsvda(X, 5, random_state=0)
    W_shared, H_shared = nndsvda(X, 5, random_state=0, svd=leading_singular(X, 12, 0))
    np.testing.assert_allclose(W_shared, W, atol=1e-5)
    np.testing.assert_allclose(H_shared, H, atol=1e-5)


def test_a_fit_continued_from_its_rescaled_result_goes_on_as_one_fit():
    X = sp.random(40, 60, density=0.2, random_state=1, format="csr", dtype=np.float32)
    whole = fit_nmf(X, 5, random_state=0, max_iter=40)
    halves = fit_nmf(X, 5, random_state=0, max_iter=20, start=fit_nmf(X, 5, 0, max_iter=20))
    for a, b in zip(whole, halves, strict=True):
        np.testing.assert_allclose(b, a, atol=1e-5)
    assert not np.allclose(fit_nmf(X, 5, random_state=0, max_iter=20)[1], whole[1], atol=1e-3)


def test_choose_k_measures_every_candidate_and_fits_the_chosen_one_fully():
    rng = np.random.default_rng(0)
    # Four planted topics of 15 documents each over disjoint words, plus noise.
    X = sp.random(60, 80, density=0.02, random_state=2, format="csr", dtype=np.float32)
    X = X + sp.csr_matrix(np.kron(np.eye(4), np.ones((15, 20))) * rng.random((60, 80)))
    W, H, stability, candidates = choose_k(X.tocsr(), random_state=0, max_components=8)
    assert [c.n_components for c in candidates] == candidate_ks(60, 8)
    assert W.shape == (60, pick(candidates)) and H.shape[0] == len(stability)
    np.testing.assert_allclose(np.linalg.norm(H, axis=1), 1, atol=1e-5)
    assert stability.min() >= 0 and stability.max() <= 1
    # Fitted as far as a full fit (not left at the candidates' short fits).
    k, dense = W.shape[1], X.toarray()
    error = np.linalg.norm(dense - W @ H)
    full = np.linalg.norm(dense - np.matmul(*fit_nmf(X.tocsr(), k, random_state=0)))
    short = np.linalg.norm(dense - np.matmul(*fit_nmf(X.tocsr(), k, 0, max_iter=50)))
    assert error <= 1.01 * full and error < short
