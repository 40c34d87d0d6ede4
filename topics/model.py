"""Topics as a scikit-learn estimator: TF-IDF document-term matrix, then NMF.

NMF factorises the TF-IDF matrix X (n_talks, n_features) into document-topic weights
W (n_talks, n_components) and topic-word weights H (n_components, n_features) with
X ≈ W H (Lee & Seung, "Learning the parts of objects by non-negative matrix
factorization", Nature 401, 1999; scikit-learn's coordinate-descent solver, Cichocki
& Phan 2009). Both steps are pure functions of their inputs, cached with
:class:`joblib.Memory`, so re-rendering a site never refits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted, check_memory

from .corpus import Corpus
from .text import clean

#: Words of two or more letters; digits and punctuation-only tokens carry no topic.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


class ModelError(ValueError):
    """The texts cannot be modelled as asked (too few talks, no vocabulary)."""


def vectorize(
    texts: Sequence[str], max_features: int, min_df: int | float, max_df: float
) -> tuple[TfidfVectorizer, sp.csr_matrix]:
    """Clean the texts and build their TF-IDF document-term matrix.

    Parameters
    ----------
    texts : sequence of str, length n_talks
        Raw texts (may hold HTML).
    max_features, min_df, max_df
        As in :class:`sklearn.feature_extraction.text.TfidfVectorizer`.

    Returns
    -------
    vectorizer : TfidfVectorizer
        Fitted.
    X : scipy.sparse.csr_matrix, shape (n_talks, n_features)
        L2-normalised sublinear TF-IDF rows.

    Raises
    ------
    ModelError
        If no word is left after cleaning and filtering.
    """
    vectorizer = TfidfVectorizer(
        preprocessor=_preprocess,
        token_pattern=TOKEN_PATTERN,
        stop_words="english",
        max_features=max_features,
        min_df=min_df,
        max_df=max_df,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        X = vectorizer.fit_transform(texts)
    except ValueError as exc:  # "empty vocabulary; perhaps the documents only contain stop words"
        raise ModelError(f"no usable words in the {len(texts)} texts: {exc}") from None
    return vectorizer, X.tocsr()


def factorize(X: sp.csr_matrix, n_components: int, random_state: int) -> tuple[NMF, np.ndarray]:
    """Fit NMF to a document-term matrix.

    Parameters
    ----------
    X : sparse matrix, shape (n_talks, n_features)
    n_components : int
        Number of topics.
    random_state : int
        Seed of the NNDSVDa initialisation's random fill.

    Returns
    -------
    nmf : sklearn.decomposition.NMF
        Fitted; ``nmf.components_`` is H, shape (n_components, n_features).
    W : ndarray, shape (n_talks, n_components)
        Document-topic weights.
    """
    nmf = NMF(n_components=n_components, init="nndsvda", max_iter=500, random_state=random_state)
    W = nmf.fit_transform(X)
    return nmf, W


class TopicModel(TransformerMixin, BaseEstimator):
    """Find the topics of a set of talks: TF-IDF + NMF.

    Parameters
    ----------
    n_components : int, default 10
        Number of topics.
    max_features : int, default 20000
        Largest vocabulary kept, most frequent words first.
    min_df : int or float, default 2
        Words in fewer talks than this (a count, or a share if float) are dropped.
    max_df : float, default 0.5
        Words in more than this share of talks are dropped as corpus-specific stop words.
    random_state : int, default 0
        Seed; the same seed and texts give the same topics.
    memory : str, joblib.Memory or None
        Cache for the vectorizing and factorizing steps, as in :class:`sklearn.pipeline.Pipeline`.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
    nmf_ : sklearn.decomposition.NMF
    components_ : ndarray, shape (n_components, n_features)
        Topic-word weights H.
    feature_names_ : ndarray of str, shape (n_features,)
    topic_labels_ : list of str, length n_components
        A short label per topic from its top words; no two alike.
    document_topic_ : ndarray, shape (n_talks, n_components)
        Document-topic weights W of the training talks.
    """

    def __init__(
        self,
        n_components: int = 10,
        max_features: int = 20000,
        min_df: int | float = 2,
        max_df: float = 0.5,
        random_state: int = 0,
        memory=None,
    ):
        self.n_components = n_components
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.random_state = random_state
        self.memory = memory

    def fit(self, X, y=None) -> TopicModel:
        """Learn the topics of ``X``.

        Parameters
        ----------
        X : Corpus or sequence of str, length n_talks
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        ModelError
            If there are fewer talks than topics, or no usable words.
        """
        texts = _texts(X)
        if not 1 <= self.n_components <= len(texts):
            raise ModelError(
                f"cannot find {self.n_components} topics in {len(texts)} talks: "
                f"use between 1 and {len(texts)} topics"
            )
        memory = check_memory(self.memory)
        self.vectorizer_, X_tfidf = memory.cache(vectorize)(
            texts, self.max_features, self.min_df, self.max_df
        )
        self.nmf_, self.document_topic_ = memory.cache(factorize)(
            X_tfidf, self.n_components, self.random_state
        )
        self.components_ = self.nmf_.components_
        self.feature_names_ = self.vectorizer_.get_feature_names_out()
        self.topic_labels_ = _unique_labels(self.components_, self.feature_names_)
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Fit, and return the document-topic weights W, shape (n_talks, n_components)."""
        return self.fit(X).document_topic_

    def transform(self, X) -> np.ndarray:
        """Document-topic weights W of new texts, shape (n_texts, n_components)."""
        check_is_fitted(self)
        return self.nmf_.transform(self.vectorizer_.transform(_texts(X)))

    def top_words(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` highest-weighted words of ``topic`` as (word, weight) pairs, highest first."""
        check_is_fitted(self)
        row = self.components_[topic]
        order = np.argsort(row)[::-1][:n]
        return [(str(self.feature_names_[i]), float(row[i])) for i in order if row[i] > 0]


def _preprocess(text: str) -> str:
    return clean(text).lower()


def _texts(X) -> list[str]:
    if isinstance(X, Corpus):
        return X.texts
    if isinstance(X, str):
        raise TypeError("expected a sequence of texts, got a single string")
    return [str(x) for x in X]


def _unique_labels(H: np.ndarray, words: np.ndarray, size: int = 3) -> list[str]:
    """Label each topic with its top words, adding words until no two labels are alike."""
    orders = np.argsort(H, axis=1)[:, ::-1]
    labels: list[str] = []
    for order in orders:
        n = size
        label = " · ".join(words[order[:n]])
        while label in labels and n < len(order):
            n += 1
            label = " · ".join(words[order[:n]])
        labels.append(label)
    return labels
