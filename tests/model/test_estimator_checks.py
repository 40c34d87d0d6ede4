"""scikit-learn's estimator checks, as they apply to a transformer of texts.

``TopicModel`` says in its tags that it reads strings, not a 2-D numeric array, so
``check_estimator`` runs none of its data checks on it (they all feed numeric arrays).
Here every check scikit-learn would run on a 2-D-array transformer is listed from
scikit-learn itself, and each is either run as it is (it needs no data, or only checks
that an unfitted model refuses to transform), run in a text form written here that
asserts what the check asserts, or skipped with the reason it cannot apply. A check
added by a later scikit-learn fails ``test_every_check_is_decided`` until it is decided.
"""

from __future__ import annotations

import pickle
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from joblib import hash as joblib_hash
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import estimator_checks_generator
from sklearn.utils.validation import check_is_fitted

from tests.helpers.programme import programme
from topics.model import ModelError, TopicModel


class _AsIfNumeric(TopicModel):
    """Only to list the checks scikit-learn runs on a transformer of 2-D arrays."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = True, False
        return tags


def _sklearn_check_names() -> list[str]:
    names = []
    for _, check in estimator_checks_generator(_AsIfNumeric(), legacy=True, mark=None):
        while isinstance(check, partial):
            check = check.func
        if check.__name__ not in names:
            names.append(check.__name__)
    return names


def _model() -> TopicModel:
    return TopicModel(n_topics=4, random_state=0)


TEXTS = programme().texts
NEW = [
    "asyncio coroutines and sockets for network servers",
    "pytest fixtures make flaky tests rare",
    "django views and templates",
]


@pytest.fixture(scope="module")
def fitted() -> TopicModel:
    return _model().fit(TEXTS)


# Checks that feed no data, or only call transform on an unfitted model: run unchanged.
AS_IS = {
    "check_estimator_cloneable",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimators_unfitted",
    "check_transformers_unfitted",
}

NUMERIC_ONLY = "feeds numeric arrays; the model's input is texts"
SKIPPED = {
    "check_array_api_input": "array API namespaces hold numbers; the input is a list of texts",
    "check_complex_data": "complex numbers have no text counterpart",
    "check_dtype_object": "feeds object arrays of numbers; object arrays of str are tested "
    "by check_transformer_data_not_an_array",
    "check_estimator_sparse_array": "sparse input is numeric; the model builds its own "
    "sparse TF-IDF from texts",
    "check_estimator_sparse_matrix": "sparse input is numeric; the model builds its own "
    "sparse TF-IDF from texts",
    "check_estimator_sparse_tag": "the input_tags.sparse tag is False, and no sparse input "
    "is accepted",
    "check_estimators_dtypes": "float32/int dtypes of the input: " + NUMERIC_ONLY,
    "check_estimators_nan_inf": "NaN and infinity have no text counterpart",
    "check_f_contiguous_array_estimator": "memory layout of a numeric array: " + NUMERIC_ONLY,
    "check_fit2d_1feature": "one column of numbers: a text has no fixed number of features",
    "check_fit2d_predict1d": "1-D numeric rows at transform time; a bare string at "
    "transform time is refused (tested in check_fit1d's text form)",
    "check_n_features_in": "texts have no n_features_in_ (neither have scikit-learn's own "
    "text vectorizers)",
    "check_n_features_in_after_fitting": "texts have no n_features_in_ (neither have "
    "scikit-learn's own text vectorizers)",
    "check_positive_only_tag_during_fit": "positive_only is a tag of numeric input",
    "check_readonly_memmap_input": "read-only memory maps are numeric arrays; a list of str "
    "cannot be one",
    "check_transformer_n_iter": "applies to estimators with a max_iter parameter; TopicModel "
    "has none, so scikit-learn's check would do nothing",
}


def check_fit_score_takes_y() -> None:
    model = _model()
    assert model.fit(TEXTS, y=np.arange(len(TEXTS))) is model
    assert model.fit_transform(TEXTS, np.arange(len(TEXTS))).shape == (len(TEXTS), 4)


def check_estimators_fit_returns_self() -> None:
    model = _model()
    assert model.fit(TEXTS) is model


def check_estimators_overwrite_params() -> None:
    model = _model()
    before = joblib_hash(model.get_params())
    model.fit(TEXTS)
    assert joblib_hash(model.get_params()) == before


def check_dont_overwrite_parameters() -> None:
    model = _model()
    before = dict(vars(model))
    model.fit(TEXTS)
    added = set(vars(model)) - set(before)
    public = [a for a in added if not a.startswith("_") and not a.endswith("_")]
    assert not public, f"fit set public attributes that are not fitted state: {public}"
    assert {k: v for k, v in vars(model).items() if k in before} == before


def check_estimators_empty_data_messages() -> None:
    with pytest.raises(ValueError, match="cannot find topics in 0 talk"):
        TopicModel().fit([])
    with pytest.raises(ValueError, match="cannot find 4 topics in 0 talks"):
        _model().fit([])


def check_fit2d_1sample() -> None:
    with pytest.raises(ModelError, match="1 talk"):
        TopicModel().fit(TEXTS[:1])


def check_fit1d(fitted) -> None:
    with pytest.raises(TypeError, match="single string"):
        _model().fit(TEXTS[0])
    with pytest.raises(TypeError, match="single string"):
        fitted.transform(NEW[0])


def check_pipeline_consistency(fitted) -> None:
    pipeline = Pipeline([("topics", _model())])
    np.testing.assert_allclose(pipeline.fit_transform(TEXTS), fitted.document_topic_)
    np.testing.assert_allclose(pipeline.transform(NEW), fitted.transform(NEW))


def check_estimators_pickle(fitted) -> None:
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.transform(NEW), fitted.transform(NEW))


def check_transformer_data_not_an_array(fitted) -> None:
    expected = fitted.transform(NEW)
    for container in (tuple, pd.Series, lambda t: np.asarray(t, dtype=object)):
        np.testing.assert_array_equal(fitted.transform(container(NEW)), expected)
    refit = _model().fit(pd.Series(TEXTS))
    np.testing.assert_allclose(refit.components_, fitted.components_)


def check_transformer_general(fitted) -> None:
    W = _model().fit_transform(TEXTS)
    assert W.shape == (len(TEXTS), 4) and (W >= 0).all()
    np.testing.assert_allclose(W, fitted.document_topic_)
    # fit_transform gives W of the neighbour-smoothed training matrix, transform weighs the
    # texts as they are: not equal by design, but they must agree on each talk's topic.
    assigned = W.sum(axis=1) > 0
    again = fitted.transform(TEXTS)
    agreement = (again[assigned].argmax(axis=1) == W[assigned].argmax(axis=1)).mean()
    assert agreement >= 0.9, agreement
    assert fitted.transform(NEW).shape == (len(NEW), 4)


def check_methods_sample_order_invariance(fitted) -> None:
    order = np.random.default_rng(0).permutation(len(TEXTS))
    W = fitted.transform(TEXTS)
    np.testing.assert_allclose(fitted.transform([TEXTS[i] for i in order]), W[order], atol=1e-6)


def check_methods_subset_invariance(fitted) -> None:
    W = fitted.transform(TEXTS)
    parts = [fitted.transform(TEXTS[i : i + 5]) for i in range(0, len(TEXTS), 5)]
    np.testing.assert_allclose(np.vstack(parts), W, atol=1e-6)


def check_dict_unchanged(fitted) -> None:
    before = joblib_hash(vars(fitted))
    fitted.transform(NEW)
    fitted.get_feature_names_out()
    assert joblib_hash(vars(fitted)) == before


def check_fit_idempotent(fitted) -> None:
    model = _model().fit(TEXTS).fit(TEXTS)
    np.testing.assert_allclose(model.transform(NEW), fitted.transform(NEW), atol=1e-6)


def check_fit_check_is_fitted() -> None:
    model = _model()
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    check_is_fitted(model.fit(TEXTS))


TEXT_FORMS = {
    name: function
    for name, function in globals().items()
    if name.startswith("check_") and getattr(function, "__module__", None) == __name__
}


def test_every_check_is_decided():
    names = set(_sklearn_check_names())
    undecided = names - AS_IS - set(SKIPPED) - set(TEXT_FORMS)
    assert not undecided, f"scikit-learn checks with no decision here: {sorted(undecided)}"
    assert not (AS_IS | set(SKIPPED) | set(TEXT_FORMS)) - names, "a decided check is not run"


def test_check_estimator_sees_a_text_transformer():
    """scikit-learn itself skips its data checks for string input, with a warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator_checks.check_estimator(TopicModel())
    assert any("Can't test estimator" in str(w.message) for w in caught)


@pytest.mark.parametrize("name", _sklearn_check_names())
def test_sklearn_check(name, request):
    if name in SKIPPED:
        pytest.skip(f"{name} cannot apply: {SKIPPED[name]}")
    if name in AS_IS:
        getattr(estimator_checks, name)("TopicModel", _model())
        return
    function = TEXT_FORMS[name]
    if "fitted" in function.__code__.co_varnames[: function.__code__.co_argcount]:
        function(request.getfixturevalue("fitted"))
    else:
        function()


def test_clone_keeps_params_and_drops_fitted_state(fitted):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "components_")


def test_set_output_pandas_labels_the_columns(fitted):
    model = clone(fitted).set_output(transform="pandas").fit(TEXTS)
    frame = model.transform(NEW)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(fitted.get_feature_names_out()) == fitted.topic_labels_
    np.testing.assert_allclose(frame.to_numpy(), fitted.transform(NEW))
