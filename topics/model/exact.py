"""The exact fit of one language's talks: TF-IDF, neighbour smoothing, then full NMF.

The texts become a TF-IDF document-term matrix X (n_talks, n_terms) of words and key
phrases (:mod:`topics.model.vocabulary`). Each row is then smoothed with its nearest
neighbours, ``X + smoothing · A X`` with A the row-normalised cosine-similarity graph of
the ``n_neighbors`` most similar talks: a short abstract borrows the vocabulary of talks
like it (document expansion, in the spirit of graph-regularised NMF, Cai et al., IEEE
TPAMI 33(8), 2011). NMF factorises the result into document-topic weights W (n_talks,
n_topics) and topic-word weights H (n_topics, n_terms), X ≈ W H (Lee & Seung, Nature 401,
1999). Every costly step is a pure function, cached with :class:`joblib.Memory`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from joblib import Memory
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ..corpus import Corpus
from ..progress import decided, stage
from .languages import function_words, stop_words
from .selection import Candidate, choose_k, fit_with_stability
from .vocabulary import Analyzer


class ModelError(ValueError):
    """The texts cannot be modelled as asked (too few talks, no vocabulary)."""


#: Smallest weight kept in a smoothed, L2-normalised row (docs/decisions.md).
PRUNE = 0.01


class Texts(list):
    """A list of texts whose repr is short: :class:`joblib.Memory` writes the repr of every
    argument, while it hashes a list of texts by content all the same."""

    def __repr__(self) -> str:
        return f"<{len(self)} texts>"


@dataclass
class BlockFit:
    """What fitting one language's talks returns.

    Attributes
    ----------
    analyzer : Analyzer
        Fitted; turns any text into terms.
    vectorizer : TfidfVectorizer
        Fitted on the analysed terms; its ``transform`` takes lists of terms.
    document_term : scipy.sparse.csr_matrix of float32, shape (n_talks, n_terms)
        X: the talks' L2-normalised TF-IDF rows (not smoothed).
    document_topic : ndarray of float32, shape (n_talks, n_topics)
        W, scaled so that the rows of H have unit norm.
    topic_word : ndarray of float32, shape (n_topics, n_terms)
        H, rows of unit L2 norm.
    stability : ndarray of float32, shape (n_topics,)
        Each topic's stability in [0, 1] (:func:`topics.model.selection.fit_with_stability`).
    candidates : list of Candidate
        The numbers of topics measured when the number was chosen, else empty.
    """

    analyzer: Analyzer
    vectorizer: TfidfVectorizer
    document_term: sp.csr_matrix
    document_topic: np.ndarray
    topic_word: np.ndarray
    stability: np.ndarray
    candidates: list[Candidate]


def _identity(terms: list[str]) -> list[str]:
    return terms


def vectorize(
    texts: Sequence[str],
    language: str,
    phrases: bool,
    min_df: int | float,
    max_df: float,
    names: Sequence[str] = (),
) -> tuple[Analyzer, TfidfVectorizer, sp.csr_matrix]:
    """Learn the vocabulary of ``texts`` and build their TF-IDF document-term matrix.

    Parameters
    ----------
    texts : sequence of str, length n_talks
        Title and abstract of each talk, possibly HTML; all in ``language``.
    language : str
        ISO 639-1 code: its function words are stop words, and so are other
        languages' function words (none may make a topic).
    phrases : bool
        Learn two-word key phrases.
    min_df, max_df
        As in :class:`sklearn.feature_extraction.text.TfidfVectorizer`: a count (int) or
        a share of the talks (float); lowered to 1 and 1.0 for corpora under 20 talks.
    names : sequence of str
        Speakers' names, removed from the texts.

    Returns
    -------
    analyzer : Analyzer
        Fitted; turns any text into terms.
    vectorizer : TfidfVectorizer
        Fitted on the analysed terms.
    X : scipy.sparse.csr_matrix of float32, shape (n_talks, n_terms)
        L2-normalised sublinear TF-IDF rows with the smoothed IDF ``log((1 + n) / (1 +
        df))`` (Spärck Jones, "A statistical interpretation of term specificity and its
        application in retrieval", J. Documentation 28(1), 1972), without scikit-learn's
        added 1.

    Raises
    ------
    ModelError
        If no term is left (every text empty, or made of stop words, or every term
        outside ``[min_df, max_df]``).
    ValueError
        If ``max_df`` keeps fewer talks than ``min_df`` asks for (scikit-learn's message,
        naming both).
    """
    analyzer = Analyzer(
        stop_words(language) | function_words(exclude=language), phrases, names=names
    )
    terms = analyzer.fit_transform(texts)
    vectorizer = TfidfVectorizer(
        analyzer=_identity,
        min_df=min_df if len(texts) >= 20 else 1,
        max_df=max_df if len(texts) >= 20 else 1.0,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        vectorizer.fit(terms)
    except ValueError as exc:
        message = str(exc)
        if "empty vocabulary" not in message and "no terms remain" not in message:
            raise  # parameters that contradict each other: say so, as scikit-learn does
        raise ModelError(f"no usable words in the {len(texts)} texts: {message}") from None
    # Without scikit-learn's added 1 (docs/decisions.md, "IDF").
    vectorizer.idf_ = vectorizer.idf_ - 1
    return analyzer, vectorizer, vectorizer.transform(terms).tocsr()


def smooth(X: sp.csr_matrix, n_neighbors: int, weight: float) -> sp.csr_matrix:
    """Add to each row the similarity-weighted mean of its nearest neighbours' rows.

    Similarities are computed in blocks of rows: memory stays within O(block · n_docs),
    not O(n_docs²).

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_terms)
        L2-normalised rows.
    n_neighbors : int
        Neighbours per row (fewer when there are fewer documents).
    weight : float
        Weight of the neighbours' mean; 0 returns ``X`` unchanged.

    Returns
    -------
    scipy.sparse.csr_matrix of float32, shape (n_docs, n_terms)
        L2-normalised rows; weights under :data:`PRUNE` are dropped.
    """
    n = X.shape[0]
    n_neighbors = min(n_neighbors, n - 1)
    if weight <= 0 or n_neighbors < 1:
        return X
    rows, cols, values = [], [], []
    block = max(1, 2_000_000 // max(n, 1))
    for start in range(0, n, block):
        S = (X[start : start + block] @ X.T).toarray()
        S[np.arange(len(S)), np.arange(start, start + len(S))] = 0
        top = np.argpartition(-S, n_neighbors - 1, axis=1)[:, :n_neighbors]
        rows.append(np.repeat(np.arange(start, start + len(S)), n_neighbors))
        cols.append(top.ravel())
        values.append(np.take_along_axis(S, top, axis=1).ravel())
    A = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), (n, n)
    )
    smoothed = normalize(X + weight * normalize(A, norm="l1") @ X).astype(np.float32).tocsr()
    smoothed.data[smoothed.data < PRUNE] = 0
    smoothed.eliminate_zeros()
    return normalize(smoothed)


def factorize(
    X: sp.csr_matrix,
    n_topics: int | str,
    random_state: int,
    max_topics: int = 100,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Candidate]]:
    """Choose the number of topics if asked, factorize, and measure each topic's stability.

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_terms)
    n_topics : int or "auto"
    random_state : int
    max_topics : int
        Largest number of topics tried when ``n_topics="auto"``.
    n_jobs : int or None
        Threads for the independent fits, as in :class:`joblib.Parallel`.

    Returns
    -------
    W : ndarray, shape (n_docs, k)
    H : ndarray, shape (k, n_terms)
        Rows of unit L2 norm.
    stability : ndarray, shape (k,)
        See :func:`topics.model.selection.fit_with_stability`.
    candidates : list of Candidate
        The candidates measured when ``n_topics="auto"``, else empty.
    """
    if n_topics == "auto":
        return choose_k(X, random_state, max_topics, n_jobs)
    return *fit_with_stability(X, int(n_topics), random_state, n_jobs=n_jobs), []


@dataclass(frozen=True)
class BlockSettings:
    """How to fit the talks of one language: :class:`topics.model.TopicModel`'s
    parameters, for one language block.

    Attributes
    ----------
    language : str
        ISO 639-1 code of the block's talks.
    n_topics : int or "auto"
    max_topics : int
        Largest number of topics tried when choosing.
    phrases, min_df, max_df
        As in :func:`vectorize`.
    names : tuple of str
        Speakers' names, removed from the texts.
    n_neighbors, smoothing
        As in :func:`smooth`.
    random_state : int
    n_jobs : int or None
        As in :class:`joblib.Parallel`.
    """

    language: str
    n_topics: int | str
    max_topics: int
    phrases: bool
    min_df: int | float
    max_df: float
    names: tuple[str, ...]
    n_neighbors: int
    smoothing: float
    random_state: int
    n_jobs: int | None


def fit_exact(texts: Sequence[str], settings: BlockSettings, memory: Memory) -> BlockFit:
    """Fit the topics of talks of one language exactly: every row smoothed, full NMF.

    Parameters
    ----------
    texts : sequence of str, length n_talks
        Title and abstract of each talk, all in ``settings.language``.
    settings : BlockSettings
    memory : joblib.Memory
        Cache of each step.

    Returns
    -------
    BlockFit

    Raises
    ------
    ModelError
        If no term is left.
    """
    b = settings
    with stage("vectorize", len(texts), "talk"):
        analyzer, vectorizer, X = memory.cache(vectorize)(
            Texts(texts), b.language, b.phrases, b.min_df, b.max_df, Texts(b.names)
        )
        X_smooth = memory.cache(smooth)(X, b.n_neighbors, b.smoothing)
    with stage("choose k" if b.n_topics == "auto" else "fit"):
        W, H, stability, candidates = memory.cache(factorize, ignore=["n_jobs"])(
            X_smooth, b.n_topics, b.random_state, b.max_topics, n_jobs=b.n_jobs
        )
    tell_choice(b.language, candidates, H.shape[0])
    return BlockFit(analyzer, vectorizer, X, W, H, stability, candidates)


def tell_choice(language: str, candidates: Sequence[Candidate], k: int) -> None:
    """Tell each candidate number of topics measured, with its score, and the one chosen
    (``topics -v``); nothing when the number was given."""
    for c in candidates:
        decided(
            "k=%d (%s): stability %.3f, coherence %.3f, score %.3f",
            *(c.n_components, language, c.stability, c.coherence, c.score),
        )
    if candidates:
        decided("k=%d chosen (%s), among %d candidates", k, language, len(candidates))


def as_texts(X) -> list[str]:
    """The texts of ``X`` (a :class:`~topics.corpus.Corpus` or a sequence of texts), read
    once, as a list.

    Raises
    ------
    TypeError
        If ``X`` is a single string (a sequence of characters, not of texts).
    """
    if isinstance(X, Corpus):
        return X.texts
    if isinstance(X, str):
        raise TypeError("expected a sequence of texts, got a single string")
    return [str(x) for x in X]
