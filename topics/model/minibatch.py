"""Topics of large corpora (tens of thousands of talks to millions of abstracts), out of core.

:class:`topics.model.TopicModel` fits this way when a corpus has
:data:`STREAMING_MIN_TALKS` talks or more, where the exact path (neighbour smoothing, an
O(n²) step, and full NMF fits for every candidate number of topics) would take hours:

1. Languages are detected on every text, in parallel processes. Only the main language
   gets topics; talks of other languages are left out (zero rows of W) and reported in
   ``excluded_languages_``, as small languages are on the exact path.
2. The analyzer (boilerplate, plurals, key phrases), the vocabulary and the IDF are
   learnt from a first pass over a random sample of :data:`VOCABULARY_SAMPLE` texts
   (:func:`topics.model.vectorize`); a term too rare to be in the sample's vocabulary is
   too rare to shape a topic of the whole corpus.
3. Every text is then turned into a TF-IDF row with that fixed vocabulary, in chunks of
   :data:`CHUNK` texts spread over processes by :class:`joblib.Parallel` (or a Dask
   cluster, see :mod:`topics.parallel`). No list of terms is ever held for the whole
   corpus: only the sparse float32 TF-IDF matrix (about 1 GB per million abstracts).
4. The number of topics, when ``"auto"``, is chosen on a random sample of
   :data:`SELECTION_SAMPLE` rows (smoothed) with :func:`topics.selection.choose_k`
   (stability and coherence), which bounds its time whatever the corpus size; at least
   :data:`MIN_COMPONENTS`. The sample's topic-word weights also start the full fit.
5. :class:`sklearn.decomposition.MiniBatchNMF` learns H from mini-batches of
   :data:`BATCH` rows, :data:`EPOCHS` passes in shuffled order, by ``partial_fit``
   (online NMF: Mairal et al., "Online learning for matrix factorization and sparse
   coding", JMLR 11, 2010; the multiplicative-update variant of Lefèvre, Bach & Févotte,
   "Online algorithms for nonnegative matrix factorization with the Itakura-Saito
   divergence", WASPAA 2011), then W of every row is solved with H fixed, chunks of rows
   in parallel processes.

Topic stability is measured on the selection sample. Smoothing by neighbours is not
done (it needs the similarity of every pair of talks).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.decomposition import MiniBatchNMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_memory

from .languages import detect_languages
from .selection import choose_k, fit_with_stability
from .vocabulary import Analyzer

#: Corpora of at least this many talks are fitted by streaming (see the module's notes).
STREAMING_MIN_TALKS = 50_000

#: Texts the analyzer, vocabulary and IDF are learnt from.
VOCABULARY_SAMPLE = 10_000

#: Rows on which the number of topics is chosen, and topic stability measured.
SELECTION_SAMPLE = 3_000

#: Texts per parallel vectorizing job; rows per ``partial_fit`` step; passes over the rows
#: (two, not three: paperlists, k = 100, relative error 0.9448 instead of 0.9441, 4 s less;
#: FOSDEM 2024, k = 65, NMI 0.602 instead of 0.600; pyvideo, k = 30, NPMI 0.219 instead
#: of 0.226).
CHUNK, BATCH, EPOCHS = 10_000, 4_096, 2

#: Multiplicative updates of each mini-batch's W before H is updated (scikit-learn's
#: default, 30, is the cost of the fit): paperlists, k = 100, relative error 0.9441
#: instead of 0.9440, in 11 s instead of 24 s.
W_ITER = 10

#: Multiplicative updates of W when every row is finally solved with H fixed
#: (scikit-learn's default, 200): paperlists, k = 100, relative error 0.9441 either way,
#: in half the time.
TRANSFORM_ITER = 50

#: Terms kept (those in most of the sample's texts): the cost of each mini-batch step
#: grows with k² times the number of terms.
MAX_FEATURES = 20_000

#: Least number of the selection sample's rows a term must be in to be used in choosing k
#: (rarer terms barely move a topic, and each costs k² per NMF iteration).
SELECTION_MIN_DF = 5

#: Neighbours and weight of the smoothing of the selection sample (see topics.model.smooth).
N_NEIGHBORS, SMOOTHING = 10, 1.0

#: Fewest topics chosen for a large corpus: on a sample, the selection score favours few
#: topics (paperlists: 5 for 87,000 abstracts), and topics of tens of thousands of talks
#: are too coarse to browse. The best-scoring candidate from this k up is taken instead.
MIN_COMPONENTS = 20

#: Largest number of topics tried when choosing: the selection sample must hold at least
#: about eight talks per topic (see :func:`topics.selection.candidate_ks`).
MAX_COMPONENTS = 100


class _Texts(list):
    """A list of texts whose repr is short: joblib.Memory writes the repr of every argument
    (it took 41 s for a million abstracts), while hashing them by content as for a list."""

    def __repr__(self) -> str:
        return f"<{len(self)} texts>"


def _tfidf_rows(texts: Sequence[str], analyzer: Analyzer, vectorizer: TfidfVectorizer):
    return vectorizer.transform([analyzer(text) for text in texts]).astype(np.float32).tocsr()


def vectorize_streaming(
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
        As in :func:`topics.model.vectorize`, which learns from the sample.
    random_state : int
        Seed of the sample.
    n_jobs : int or None
        Processes (joblib; ``None``: every core).

    Returns
    -------
    analyzer : Analyzer
    vectorizer : TfidfVectorizer
        Fitted on the sample's terms; its ``transform`` takes lists of terms.
    X : scipy.sparse.csr_matrix of float32, shape (n_texts, n_features)
        L2-normalised sublinear TF-IDF rows.

    Raises
    ------
    topics.model.ModelError
        If the sample has no usable word.
    """
    from .estimator import vectorize  # the exact path's vectorizer, on the sample

    rng = np.random.default_rng(random_state)
    n = len(texts)
    sample = np.sort(rng.choice(n, min(n, VOCABULARY_SAMPLE), replace=False))
    analyzer, vectorizer, X_sample = vectorize(
        [texts[i] for i in sample], language, phrases, min_df, max_df, names
    )
    _keep_frequent(vectorizer, X_sample, MAX_FEATURES)
    chunks = [texts[i : i + CHUNK] for i in range(0, n, CHUNK)]
    rows = Parallel(n_jobs=n_jobs or -1)(
        delayed(_tfidf_rows)(chunk, analyzer, vectorizer) for chunk in chunks
    )
    return analyzer, vectorizer, sp.vstack(rows, format="csr")


def _keep_frequent(vectorizer: TfidfVectorizer, X: sp.csr_matrix, n_features: int) -> None:
    """Cut a fitted vectorizer's vocabulary to the ``n_features`` terms in most rows of X."""
    if X.shape[1] <= n_features:
        return
    df = np.bincount(X.indices, minlength=X.shape[1])
    kept = np.sort(np.argsort(-df, kind="stable")[:n_features])
    terms = vectorizer.get_feature_names_out()[kept]
    idf = vectorizer.idf_[kept]
    vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(terms)}
    vectorizer.idf_ = idf


def minibatch_nmf(
    X: sp.csr_matrix, H_init: np.ndarray, random_state: int, epochs: int = EPOCHS
) -> tuple[np.ndarray, np.ndarray]:
    """Refine topics ``H_init`` on every row of ``X`` by mini-batches, then solve W.

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
    H_init : ndarray, shape (k, n_features)
        Starting topic-word weights (from a sample's full NMF).
    random_state : int
        Seed of the order of the mini-batches.
    epochs : int
        Passes over the rows.

    Returns
    -------
    W : ndarray of float32, shape (n_docs, k)
        Scaled, as in :func:`topics.selection.fit_nmf`, so that rows of H have unit norm.
    H : ndarray of float32, shape (k, n_features)
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
    # Rows are solved apart, so chunks go to parallel processes: this step was 9.2 of this
    # function's 19.4 s at 87,000 abstracts, in sparse products on one core.
    W = np.vstack(
        Parallel(n_jobs=-1)(delayed(nmf.transform)(X[i : i + CHUNK]) for i in range(0, n, CHUNK))
    )
    norms = np.linalg.norm(H, axis=1)
    norms[norms == 0] = 1.0
    return (W * norms).astype(np.float32), (H / norms[:, None]).astype(np.float32)


def factorize_streaming(
    X: sp.csr_matrix,
    n_components: int | str,
    random_state: int,
    max_components: int = MAX_COMPONENTS,
    n_jobs: int | None = None,
):
    """Choose k on a sample if asked, then fit every row by mini-batch NMF.

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
    n_components : int or "auto"
    random_state : int
    max_components : int
        Largest k tried when choosing.
    n_jobs : int or None
        Threads for the sample's independent fits.

    Returns
    -------
    W : ndarray, shape (n_docs, k)
    H : ndarray, shape (k, n_features)
    stability : ndarray, shape (k,)
        Of the sample's topics (:func:`topics.selection.fit_with_stability`).
    candidates : list of topics.selection.Candidate
        Measured on the sample when ``n_components="auto"``, else empty.
    """
    from .estimator import smooth

    rng = np.random.default_rng(random_state)
    sample = np.sort(rng.choice(X.shape[0], min(X.shape[0], SELECTION_SAMPLE), replace=False))
    X_sample = X[sample]
    columns = np.flatnonzero(
        np.bincount(X_sample.indices, minlength=X.shape[1]) >= SELECTION_MIN_DF
    )
    # Smoothed as on the exact path: on a sample, that is cheap (O(sample²)).
    X_sample = smooth(X_sample[:, columns], N_NEIGHBORS, SMOOTHING)
    if n_components == "auto":
        # The chosen k's fit and stability (two subsamples) are the candidate's own.
        _, H_sample, stability, candidates = choose_k(
            X_sample, random_state, max_components, n_jobs, MIN_COMPONENTS
        )
    else:
        _, H_sample, stability = fit_with_stability(
            X_sample, int(n_components), random_state, n_jobs=n_jobs
        )
        candidates = []
    H_init = np.zeros((H_sample.shape[0], X.shape[1]), dtype=np.float32)
    H_init[:, columns] = H_sample
    W, H = minibatch_nmf(X, H_init, random_state)
    return W, H, stability, candidates


def fit(model, texts: list[str], speakers: Sequence[str]):
    """Fit ``model`` (a :class:`topics.model.TopicModel`) on ``texts`` by streaming.

    Sets the same fitted attributes as the exact path (one language block, the main
    language's), plus ``document_term_`` (the TF-IDF rows, for similar talks) and
    ``streaming_ = True``.

    Parameters
    ----------
    model : topics.model.TopicModel
    texts : list of str, length n_talks
    speakers : sequence of str
        Names removed from the texts.

    Returns
    -------
    model
    """
    from .estimator import LanguageBlock, topic_labels

    memory = check_memory(model.memory)
    n_jobs = model.n_jobs
    if model.language == "auto":
        languages = memory.cache(detect_languages, ignore=["n_jobs"])(_Texts(texts), n_jobs=-1)
    else:
        languages = [model.language] * len(texts)
    counts = Counter(lang for lang in languages if lang)
    main = counts.most_common(1)[0][0] if counts else "en"
    languages = [lang or main for lang in languages]
    counts = Counter(languages)
    rows = np.array([i for i, lang in enumerate(languages) if lang == main])
    block_texts = [texts[i] for i in rows] if len(rows) < len(texts) else texts
    analyzer, vectorizer, X = memory.cache(vectorize_streaming, ignore=["n_jobs"])(
        _Texts(block_texts),
        main,
        model.phrases,
        model.min_df,
        model.max_df,
        _Texts(speakers),
        model.random_state,
        n_jobs=None,
    )
    W, H, stability, candidates = memory.cache(factorize_streaming, ignore=["n_jobs"])(
        X, model.n_topics, model.random_state, MAX_COMPONENTS, n_jobs=n_jobs
    )
    k = H.shape[0]
    if len(rows) < len(texts):
        W_full = np.zeros((len(texts), k), dtype=np.float32)
        W_full[rows] = W
        X_full = sp.csr_matrix((len(texts), X.shape[1]), dtype=np.float32)
        X_full = sp.vstack([X, X_full[: len(texts) - len(rows)]], format="csr")
        order = np.concatenate([rows, np.setdiff1d(np.arange(len(texts)), rows)])
        X = X_full[np.argsort(order)]
        W = W_full
    model.blocks_ = [LanguageBlock(main, analyzer, vectorizer, slice(0, k), slice(0, H.shape[1]))]
    model.components_ = H
    model.feature_names_ = np.array(vectorizer.get_feature_names_out(), dtype=object)
    model.document_topic_ = W
    model.document_term_ = X
    model.n_components_ = k
    model.topic_stability_ = np.asarray(stability, dtype=np.float32)
    model.topic_languages_ = [main] * k
    model.languages_ = languages
    model.main_language_ = main
    model.excluded_languages_ = {lang: n for lang, n in counts.most_common() if lang != main}
    model.selection_ = candidates
    model.streaming_ = True
    model.topic_labels_ = topic_labels(H, model.feature_names_)
    return model
