"""Themes over topics (topics/model/themes.py): learnt from H above 20 topics, carried by
the estimator's fitted state and by ModelSummary."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.helpers.programme import programme
from topics.model import TopicModel
from topics.model.summary import ModelSummary, theme_word
from topics.model.themes import MIN_THEME_TOPICS, n_themes, theme_labels, topic_themes


def _blocks(n_blocks: int, per_block: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """H of ``n_blocks * per_block`` topics, the topics of a block sharing its 10 terms (and
    each with 5 of its own); and each topic's block."""
    rng = np.random.default_rng(seed)
    K = n_blocks * per_block
    block = np.repeat(np.arange(n_blocks), per_block)
    H = np.zeros((K, n_blocks * 10 + K * 5))
    for k in range(K):
        H[k, block[k] * 10 : block[k] * 10 + 10] = rng.uniform(0.5, 1, 10)
        H[k, n_blocks * 10 + 5 * k : n_blocks * 10 + 5 * k + 5] = rng.uniform(0.5, 1.5, 5)
    return H, block


def test_every_topic_is_in_exactly_one_theme_and_blocks_are_found():
    H, block = _blocks(6, 6)  # 36 topics: round(sqrt(36)) = 6 themes
    W = np.kron(np.eye(36), np.ones((3, 1)))
    themes = topic_themes(H, W, random_state=0)
    assert themes.shape == (36,)
    assert themes.dtype.kind == "i"
    assert set(themes.tolist()) == set(range(6))  # every theme holds a topic
    assert adjusted_rand_score(block, themes) == 1.0
    # The theme's words are its topics' unit rows summed: its block's terms weigh most.
    weights = theme_word(H, themes)
    assert weights.shape == (6, H.shape[1])
    for theme in range(6):
        members = block[themes == theme]
        assert int(np.argmax(weights[theme])) // 10 == members[0]


def test_same_seed_same_themes_and_a_seed_is_honoured():
    rng = np.random.default_rng(1)
    H = rng.random((50, 80)) ** 4
    W = rng.random((200, 50))
    first = topic_themes(H, W, random_state=3)
    assert np.array_equal(first, topic_themes(H, W, random_state=3))
    assert set(first.tolist()) == set(range(first.max() + 1))
    assert MIN_THEME_TOPICS < 50 and 4 <= first.max() + 1 <= 12


def test_no_themes_up_to_twenty_topics():
    for K in (1, 5, MIN_THEME_TOPICS):
        H, _ = _blocks(1, K)
        themes = topic_themes(H, np.eye(K), random_state=0)
        assert themes.tolist() == [-1] * K
        assert theme_labels(H, themes, np.array([f"t{i}" for i in range(H.shape[1])])) == []
    H, _ = _blocks(3, 7)
    assert topic_themes(H, np.eye(21), random_state=0).min() == 0  # 21 topics: themes
    assert [n_themes(k) for k in (21, 30, 100, 400)] == [5, 5, 10, 12]


def test_each_other_language_is_one_theme_named_after_it():
    H, _ = _blocks(5, 6)  # 30 topics: 24 in English, 6 in Italian
    languages = ["en"] * 24 + ["it"] * 6
    W = np.kron(np.eye(30), np.ones((3, 1)))
    themes = topic_themes(H, W, languages, random_state=0)
    italian = set(themes[24:].tolist())
    assert len(italian) == 1 and not italian & set(themes[:24].tolist())
    terms = np.array([f"w{i}" for i in range(H.shape[1])], dtype=object)
    labels = theme_labels(H, themes, terms, languages)
    assert labels[italian.pop()].startswith("Italian: ")
    assert sum(label.startswith("Italian") for label in labels) == 1
    assert len(set(labels)) == len(labels)


@pytest.fixture(scope="module")
def fitted_24() -> TopicModel:
    return TopicModel(n_topics=24, language="en", random_state=0).fit(programme(12, seed=0))


def test_model_exposes_themes_and_summary_carries_them(fitted_24):
    model = fitted_24
    themes = model.topic_themes_
    assert themes.shape == (24,) and themes.min() == 0
    assert len(model.theme_labels_) == themes.max() + 1 == len(set(themes.tolist()))
    table = model.themes_
    assert list(table.columns) == ["label", "topics", "n_topics", "size", "top_words"]
    # The tables number topics and themes from 1, as the site does.
    assert sorted(t for topics in table["topics"] for t in topics) == list(range(1, 25))
    assert table.index.tolist() == list(range(1, len(model.theme_labels_) + 1))
    assert table["size"].sum() == model.topics_["size"].sum()
    assert model.topics_["theme"].tolist() == (themes + 1).tolist()
    summary = model.summary()
    assert summary.topic_themes.tolist() == themes.tolist()
    assert summary.theme_labels == model.theme_labels_
    assert summary.n_themes == len(model.theme_labels_)
    words = [w for w, _ in summary.theme_top_words(0, 10)]
    assert ", ".join(words) == table["top_words"].iloc[0]
    html = model._repr_html_()
    assert "themes over the topics" in html and model.theme_labels_[0] in html


def test_few_topics_have_no_themes_in_model_summary_and_notebook():
    model = TopicModel(n_topics=4, random_state=0).fit(programme())
    assert model.topic_themes_.tolist() == [-1] * 4
    assert model.theme_labels_ == [] and len(model.themes_) == 0
    summary = model.summary()
    assert summary.themes is None and summary.n_themes == 0
    assert "themes over the topics" not in model._repr_html_()
    # A summary made without themes (by hand, or by another model) has none either.
    bare = ModelSummary(["a", "b"], np.array(["x", "y"]), np.eye(2), np.eye(2))
    assert bare.themes is None and bare.n_themes == 0


def test_a_refit_on_the_same_memory_reads_the_themes_from_it(fitted_24, tmp_path, monkeypatch):
    from joblib import Memory

    from topics.model import themes as themes_module

    memory = Memory(tmp_path, verbose=0)
    texts = programme(12, seed=0)
    first = TopicModel(n_topics=24, language="en", random_state=0, memory=memory).fit(texts)
    assert first.topic_themes_.tolist() == fitted_24.topic_themes_.tolist()

    def no_nmf(*args, **kwargs):
        raise AssertionError("themes factorised again although cached")

    monkeypatch.setattr(themes_module, "NMF", no_nmf)  # the cache must answer
    again = TopicModel(n_topics=24, language="en", random_state=0, memory=memory).fit(texts)
    assert again.topic_themes_.tolist() == first.topic_themes_.tolist()
