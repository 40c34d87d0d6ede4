"""Similar talks compare the model's own TF-IDF rows; the talks it left out, their words."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from tests.helpers.programme import programme
from topics.model import TopicModel
from topics.model.similarity import similar_talks, with_fallback_rows


def test_talks_without_a_row_are_compared_by_their_own_words():
    X = sp.csr_matrix(np.array([[1.0, 0], [0.9, 0.1], [0, 0], [0, 0], [0, 0]], dtype=np.float32))
    texts = ["a", "b", "Charla de datos abiertos", "Datos abiertos en la charla", "Kaixo"]
    rows = with_fallback_rows(X, texts)
    assert rows.shape[0] == 5 and rows.shape[1] > 2
    np.testing.assert_array_equal(rows[:, :2].toarray(), X.toarray())
    assert rows[:2, 2:].nnz == 0  # the model's talks get no fallback words
    W = np.array([[1.0, 0], [1, 0], [0, 0], [0, 0], [0, 0]])
    neighbours, _ = similar_talks(W, rows, k=1)
    assert neighbours[2, 0] == 3 and neighbours[3, 0] == 2  # the two Spanish talks
    assert neighbours[4, 0] == -1  # a word of its own: nothing in common


def test_a_model_without_left_out_talks_keeps_its_rows():
    X = sp.csr_matrix(np.eye(3, dtype=np.float32))
    assert with_fallback_rows(X, ["a", "b", "c"]) is not None
    assert with_fallback_rows(X, ["a", "b", "c"]).shape == (3, 3)


def test_the_model_keeps_its_tf_idf_rows_for_similar_talks():
    corpus = programme()
    model = TopicModel(n_topics=4).fit(corpus)
    X = model.document_term_
    assert X.shape == (len(corpus), len(model.terms_))
    assert X[-3:].nnz == 0  # the Spanish talks, left out of the topics
    spanish = model.similar(len(corpus) - 1)
    assert set(spanish["id"]) <= {"es-0", "es-1"}
