"""TopicModel's parameters: each bad value refused by scikit-learn's validation, naming the
parameter, on both fit paths; each good value honoured on both."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from tests.helpers.programme import programme
from topics.model import ModelError, TopicModel, minibatch

ALGORITHMS = ("exact", "minibatch")

BAD = [
    ("n_topics", 0),
    ("n_topics", -3),
    ("n_topics", 2.5),
    ("n_topics", "many"),
    ("algorithm", "fast"),
    ("language", "xx"),
    ("language", "english"),
    ("min_language_talks", 0),
    ("min_language_talks", 1.5),
    ("phrases", "yes"),
    ("min_df", 0),
    ("min_df", 1.5),
    ("min_df", -0.1),
    ("max_df", 5.0),
    ("max_df", 0.0),
    ("max_df", 2),
    ("n_neighbors", 0),
    ("n_neighbors", 2.0),
    ("smoothing", -1),
    ("smoothing", float("nan")),
    ("random_state", -1),
    ("random_state", 2**32),
    ("random_state", 0.5),
    ("memory", 3),
    ("n_jobs", 1.5),
    ("n_jobs", "all"),
]


@pytest.fixture
def small_samples(monkeypatch):
    """The mini-batch fit's samples and batches, scaled down to the toy programme."""
    monkeypatch.setattr(minibatch, "VOCABULARY_SAMPLE", 150)
    monkeypatch.setattr(minibatch, "SELECTION_SAMPLE", 120)
    monkeypatch.setattr(minibatch, "BATCH", 64)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_a_bad_parameter_is_refused_with_its_name(name, value, algorithm):
    params = {"n_topics": 4, "algorithm": algorithm, name: value}
    model = TopicModel(**params)
    with pytest.raises(InvalidParameterError, match=rf"The '{name}' parameter of TopicModel"):
        model.fit(programme().texts)
    assert not hasattr(model, "components_")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_parameters_that_contradict_each_other_are_said_so(algorithm):
    texts = programme().texts  # 35 texts: min_df 30 talks, max_df 10% of them (3)
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        TopicModel(n_topics=4, algorithm=algorithm, min_df=30, max_df=0.1).fit(texts)
    with pytest.raises(ModelError, match="cannot find 40 topics in 35 talks"):
        TopicModel(n_topics=40, algorithm=algorithm).fit(texts)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_language_with_enough_talks_gets_topics_of_its_own_on_both_paths(
    algorithm, small_samples
):
    corpus = programme()  # and three talks in Spanish
    model = TopicModel(n_topics=4, algorithm=algorithm, random_state=0).fit(corpus)
    assert model.excluded_languages_ == {"es": 3} and set(model.topic_languages_) == {"en"}
    assert model.algorithms_ == [algorithm]
    model = TopicModel(n_topics=4, algorithm=algorithm, min_language_talks=3).fit(corpus)
    assert model.excluded_languages_ == {} and model.topic_languages_[-1] == "es"
    assert model.algorithms_ == [algorithm, algorithm]
    spanish = model.document_topic_[-3:]
    assert (spanish[:, :4] == 0).all() and (spanish.sum(axis=1) > 0).all()


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_smoothing_and_neighbours_change_the_fit_on_both_paths(algorithm, small_samples):
    texts = programme(spanish=False).texts
    fits = {
        params: TopicModel(n_topics=4, algorithm=algorithm, language="en", **dict(params))
        .fit(texts)
        .components_
        for params in [(), (("smoothing", 0.0),), (("n_neighbors", 2),)]
    }
    default = fits[()]
    assert not np.allclose(fits[(("smoothing", 0.0),)], default)
    assert not np.allclose(fits[(("n_neighbors", 2),)], default)


def test_n_jobs_has_joblib_meaning_and_does_not_change_the_topics():
    texts = programme().texts
    one = TopicModel(n_topics=4, n_jobs=None).fit(texts)
    every = TopicModel(n_topics=4, n_jobs=-1).fit(texts)
    np.testing.assert_array_equal(one.components_, every.components_)
    np.testing.assert_array_equal(one.document_topic_, every.document_topic_)
