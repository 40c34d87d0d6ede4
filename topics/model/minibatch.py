"""The mini-batch fit of one language's talks: for tens of thousands of talks to millions.

Where the exact fit (:mod:`topics.model.exact`: neighbour smoothing, an O(n²) step, and full
NMF fits for every candidate number of topics) would take hours, this one:

1. learns the analyzer (boilerplate, plurals, key phrases), the vocabulary and the IDF
   from a random sample of :data:`VOCABULARY_SAMPLE` texts
   (:func:`topics.model.exact.vectorize`), keeping the :data:`MAX_TERMS` terms found in
   most of its texts;
2. turns every text into a TF-IDF row with that fixed vocabulary, in chunks of
   :data:`CHUNK` texts spread over processes by :class:`joblib.Parallel` (or a Dask
   cluster, see :mod:`topics.model.parallel`); no list of terms is held for the whole
   corpus, only the sparse float32 TF-IDF matrix;
3. chooses the number of topics, when ``"auto"``, on a random sample of
   :data:`SELECTION_SAMPLE` rows, smoothed with their neighbours, with
   :func:`topics.model.selection.choose_k` (at least :data:`MIN_TOPICS`); the sample's
   topic-word weights start the full fit;
4. learns H from mini-batches of :data:`BATCH` rows, :data:`EPOCHS` passes in shuffled
   order, with :class:`sklearn.decomposition.MiniBatchNMF`'s ``partial_fit`` (online NMF:
   Mairal et al., "Online learning for matrix factorization and sparse coding", JMLR 11,
   2010; the multiplicative-update variant of Lefèvre, Bach & Févotte, "Online
   algorithms for nonnegative matrix factorization with the Itakura-Saito divergence",
   WASPAA 2011), then solves W of every row with H fixed, in parallel chunks of rows.

Topic stability is measured on the selection sample. Only that sample is smoothed with
its neighbours (smoothing every row needs the similarity of every pair of talks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from joblib import Memory, Parallel, delayed
from sklearn.decomposition import MiniBatchNMF
from sklearn.feature_extraction.text import TfidfVectorizer

from ..progress import stage
from .exact import BlockFit, BlockSettings, Texts, smooth, tell_choice, vectorize
from .selection import choose_k, fit_with_stability, unit_topics
from .vocabulary import Analyzer

#: Blocks of at least this many talks are fitted by mini-batches when ``algorithm="auto"``.
MINIBATCH_MIN_TALKS = 50_000

#: Texts the analyzer, vocabulary and IDF are learnt from.
VOCABULARY_SAMPLE = 10_000

#: Rows on which the number of topics is chosen, and topic stability measured.
SELECTION_SAMPLE = 3_000

#: Texts per parallel vectorizing job; rows per ``partial_fit`` step; passes over the rows
#: (docs/decisions.md, "Mini-batch fit").
CHUNK, BATCH, EPOCHS = 10_000, 4_096, 2

#: Multiplicative updates of each mini-batch's W before H is updated (scikit-learn's
#: default is 30; docs/decisions.md).
W_ITER = 10

#: Multiplicative updates of W when every row is finally solved with H fixed
#: (scikit-learn's default is 200; docs/decisions.md).
TRANSFORM_ITER = 50

#: Terms kept (those in most of the sample's texts): the cost of each mini-batch step
#: grows with k² times the number of terms.
MAX_TERMS = 20_000

#: Least number of the selection sample's rows a term must be in to be used in choosing k
#: (rarer terms barely move a topic, and each costs k² per NMF iteration).
SELECTION_MIN_DF = 5

#: Fewest topics chosen when ``"auto"``: on a sample the selection score favours few
#: topics, and topics of tens of thousands of talks are too coarse to browse. The
#: best-scoring candidate from this number up is taken instead.
MIN_TOPICS = 20


def _tfidf_rows(texts: Sequence[str], analyzer: Analyzer, vectorizer: TfidfVectorizer):
    return vectorizer.transform([analyzer(text) for text in texts]).astype(np.float32).tocsr()


def vectorize_sample(
    texts: Sequence[str],
    language: str,
    phrases: bool,
    min_df: int | float,
    max_df: float,
    names: Sequence[str] = (),
    random_state: int = 0,
    n_jobs: int | None = None,
) -> tuple[Analyzer, TfidfVectorizer, sp.csr_matrix]:
    """TF-IDF rows of many texts with a vocabulary and IDF learnt from a sample of them.

    Parameters
    ----------
    texts : sequence of str, length n_texts
        Title and abstract of each talk, all in ``language``.
    language, phrases, min_df, max_df, names
        As in :func:`topics.model.exact.vectorize`, which learns from the sample.
    random_state : int
        Seed of the sample.
    n_jobs : int or None
        Processes, as in :class:`joblib.Parallel`.

    Returns
    -------
    analyzer : Analyzer
    vectorizer : TfidfVectorizer
        Fitted on the sample's terms; its ``transform`` takes lists of terms.
    X : scipy.sparse.csr_matrix of float32, shape (n_texts, n_terms)
        L2-normalised sublinear TF-IDF rows.

    Raises
    ------
    topics.model.ModelError
        If the sample has no usable word.
    """
    rng = np.random.default_rng(random_state)
    n = len(texts)
    sample = np.sort(rng.choice(n, min(n, VOCABULARY_SAMPLE), replace=False))
    analyzer, vectorizer, X_sample = vectorize(
        [texts[i] for i in sample], language, phrases, min_df, max_df, names
    )
    _keep_frequent(vectorizer, X_sample, MAX_TERMS)
    chunks = [texts[i : i + CHUNK] for i in range(0, n, CHUNK)]
    rows = Parallel(n_jobs=n_jobs)(
        delayed(_tfidf_rows)(chunk, analyzer, vectorizer) for chunk in chunks
    )
    return analyzer, vectorizer, sp.vstack(rows, format="csr")


def _keep_frequent(vectorizer: TfidfVectorizer, X: sp.csr_matrix, n_terms: int) -> None:
    """Cut a fitted vectorizer's vocabulary to the ``n_terms`` terms in most rows of X."""
    if X.shape[1] <= n_terms:
        return
    df = np.bincount(X.indices, minlength=X.shape[1])
    kept = np.sort(np.argsort(-df, kind="stable")[:n_terms])
    terms = vectorizer.get_feature_names_out()[kept]
    idf = vectorizer.idf_[kept]
    vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(terms)}
    vectorizer.idf_ = idf


def minibatch_nmf(
    X: sp.csr_matrix,
    H_init: np.ndarray,
    random_state: int,
    epochs: int = EPOCHS,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Refine topics ``H_init`` on every row of ``X`` by mini-batches, then solve W.

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_terms)
    H_init : ndarray, shape (k, n_terms)
        Starting topic-word weights (from a sample's full NMF).
    random_state : int
        Seed of the order of the mini-batches.
    epochs : int
        Passes over the rows.
    n_jobs : int or None
        Processes solving W, chunks of rows apart, as in :class:`joblib.Parallel`.

    Returns
    -------
    W : ndarray of float32, shape (n_docs, k)
        Scaled so that rows of H have unit norm (:func:`topics.model.selection.unit_topics`).
    H : ndarray of float32, shape (k, n_terms)
        Rows of unit L2 norm.
    """
    X = X.astype(np.float32, copy=False)
    n, k = X.shape[0], H_init.shape[0]
    # Start at the sample's H, at the scale of this data (W of about 1/sqrt(k) per row).
    H0 = np.maximum(H_init, 1e-6).astype(np.float32) * np.float32(1 / math.sqrt(k))
    nmf = MiniBatchNMF(
        n_components=k,
        init="custom",
        batch_size=BATCH,
        random_state=random_state,
        max_no_improvement=None,
        fresh_restarts_max_iter=W_ITER,
        transform_max_iter=TRANSFORM_ITER,
    )
    rng = np.random.default_rng(random_state)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            batch = X[np.sort(order[start : start + BATCH])]
            W0 = np.full((batch.shape[0], k), 0.1, dtype=np.float32)
            nmf.partial_fit(batch, W=W0, H=H0)
    H = nmf.components_.astype(np.float32)
    W = np.vstack(
        Parallel(n_jobs=n_jobs)(
            delayed(nmf.transform)(X[i : i + CHUNK]) for i in range(0, n, CHUNK)
        )
    )
    return unit_topics(W, H)


def factorize_minibatch(
    X: sp.csr_matrix,
    n_topics: int | str,
    random_state: int,
    max_topics: int,
    n_neighbors: int,
    smoothing: float,
    n_jobs: int | None = None,
):
    """Choose the number of topics on a sample if asked, then fit every row by mini-batches.

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_terms)
    n_topics : int or "auto"
    random_state : int
    max_topics : int
        Largest number of topics tried when choosing.
    n_neighbors, smoothing
        Smoothing of the selection sample (:func:`topics.model.exact.smooth`).
    n_jobs : int or None
        As in :class:`joblib.Parallel`: threads for the sample's independent fits,
        processes solving W.

    Returns
    -------
    W : ndarray, shape (n_docs, k)
    H : ndarray, shape (k, n_terms)
    stability : ndarray, shape (k,)
        Of the sample's topics (:func:`topics.model.selection.fit_with_stability`).
    candidates : list of topics.model.selection.Candidate
        Measured on the sample when ``n_topics="auto"``, else empty.
    """
    rng = np.random.default_rng(random_state)
    sample = np.sort(rng.choice(X.shape[0], min(X.shape[0], SELECTION_SAMPLE), replace=False))
    X_sample = X[sample]
    # A sample of under 100 rows (a small language's block) keeps every term.
    min_df = SELECTION_MIN_DF if X_sample.shape[0] >= 20 * SELECTION_MIN_DF else 1
    columns = np.flatnonzero(np.bincount(X_sample.indices, minlength=X.shape[1]) >= min_df)
    X_sample = smooth(X_sample[:, columns], n_neighbors, smoothing)
    if n_topics == "auto":
        # The chosen k's fit and stability (two subsamples) are the candidate's own.
        _, H_sample, stability, candidates = choose_k(
            X_sample, random_state, max_topics, n_jobs, MIN_TOPICS
        )
    else:
        _, H_sample, stability = fit_with_stability(
            X_sample, int(n_topics), random_state, n_jobs=n_jobs
        )
        candidates = []
    H_init = np.zeros((H_sample.shape[0], X.shape[1]), dtype=np.float32)
    H_init[:, columns] = H_sample
    W, H = minibatch_nmf(X, H_init, random_state, n_jobs=n_jobs)
    return W, H, stability, candidates


def fit_minibatch(texts: Sequence[str], settings: BlockSettings, memory: Memory) -> BlockFit:
    """Fit the topics of talks of one language by mini-batches.

    As :func:`topics.model.exact.fit_exact`; ``n_neighbors`` and ``smoothing`` smooth the
    selection sample only.

    Returns
    -------
    BlockFit

    Raises
    ------
    topics.model.ModelError
        If the vocabulary sample has no usable word.
    """
    b = settings
    with stage("vectorize", len(texts), "talk"):
        analyzer, vectorizer, X = memory.cache(vectorize_sample, ignore=["n_jobs"])(
            Texts(texts), b.language, b.phrases, b.min_df, b.max_df, Texts(b.names),
            b.random_state, n_jobs=b.n_jobs,
        )  # fmt: skip
    # Choosing k on a sample and fitting every row are one cached step.
    with stage("choose k" if b.n_topics == "auto" else "fit"):
        W, H, stability, candidates = memory.cache(factorize_minibatch, ignore=["n_jobs"])(
            X, b.n_topics, b.random_state, b.max_topics, b.n_neighbors, b.smoothing,
            n_jobs=b.n_jobs,
        )  # fmt: skip
    tell_choice(b.language, candidates, H.shape[0])
    stability = np.asarray(stability, dtype=np.float32)
    return BlockFit(analyzer, vectorizer, X, W, H, stability, candidates)
