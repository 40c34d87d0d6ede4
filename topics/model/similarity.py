"""Similar talks and related topics.

Similar talks
    The similarity of two talks is the cosine of their TF-IDF rows X (shared, rare terms),
    weighted by how much their topic mixes (rows of W) agree::

        sim(i, j) = cos_words(i, j) * (1 + cos_topics(i, j)) / 2 + EPSILON * cos_topics(i, j)

    so two talks must share words *and* topics to rank high, and a talk that shares no
    word with any other (a title only) still gets neighbours by topic mix. X is the
    model's own (``TopicModel.document_term_``); the talks it has no row for (left out of
    the model: a language too rare for topics of its own) are compared with each other by
    the TF-IDF rows of their own words (:func:`with_fallback_rows`).

    The n x n similarity matrix is never held in memory: rows are processed in chunks of
    at most ``budget`` bytes of dense similarities, keeping the best ``k`` of each row.
    Time is O(n^2 K) for the topic part plus the sparse products of the TF-IDF part;
    memory is O(n k + budget). Above :data:`GROUPED_MIN` talks, a talk is compared only
    with the talks of its strongest topic (and, in a topic of more than
    :data:`GROUP_MAX` talks, with those that also share its second strongest topic),
    which divides the time by about the number of topics; an approximation, since a
    similar talk in another group is missed.

Related topics
    The mean of two similarities, both in [0, 1]: the cosine between rows of H (the topics
    use the same words) and the Jaccard index of the two topics' talks (the talks in which
    a topic holds at least 10% of the mix: the topics are discussed together).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

#: Weight of the topic-mix cosine on its own, so that talks sharing no word still rank.
EPSILON = 1e-3

#: Bytes of dense similarities computed at once.
BUDGET = 64 * 2**20

#: Talks above which a talk's similar talks are looked for among the talks of its strongest
#: topic only (in parallel, one job per topic; docs/decisions.md, "Similar talks").
GROUPED_MIN = 20_000

#: Talks of one strongest topic above which they are compared only within their second
#: strongest topic too (the time of a group grows with the square of its size).
GROUP_MAX = 5_000

#: Share of a talk's topic mix above which the talk counts as "in" a topic.
SHARE = 0.1


def word_vectors(texts: Sequence[str]) -> sp.csr_matrix:
    """TF-IDF rows of ``texts`` for comparing them word by word, without a model.

    Words of two or more letters in any script, lowercased, English stop words and words
    in fewer than two or more than half of the texts left out, sublinear term frequency.

    Returns
    -------
    scipy.sparse.csr_matrix of float32, shape (n_texts, n_words)
        All zero (one column) when no word is shared by two texts.
    """
    vectorizer = TfidfVectorizer(
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",
        stop_words="english",
        min_df=2 if len(texts) > 2 else 1,
        max_df=0.5 if len(texts) > 3 else 1.0,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no word left: every text empty or made of stop words
        return sp.csr_matrix((len(texts), 1), dtype=np.float32)


def with_fallback_rows(document_term: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
    """The model's TF-IDF rows, and rows of their own words for the talks it has none for.

    Parameters
    ----------
    document_term : sparse matrix, shape (n_talks, n_terms)
        X of a model; an empty row for a talk left out of it.
    texts : sequence of str, length n_talks
        Title and abstract of each talk.

    Returns
    -------
    scipy.sparse.csr_matrix of float32, shape (n_talks, n_terms + n_words)
        ``document_term``, then :func:`word_vectors` of the talks whose row is empty, in
        columns of their own (empty for the other talks): those talks are compared with
        each other by their words, and with the others by nothing but their topic mix.
    """
    X = sp.csr_matrix(document_term, dtype=np.float32)
    empty = np.flatnonzero(X.getnnz(axis=1) == 0)
    if len(empty) < 2:
        return X
    words = word_vectors([texts[i] for i in empty]).tocoo()
    extra = sp.csr_matrix(
        (words.data, (empty[words.row], words.col)), shape=(X.shape[0], words.shape[1])
    )
    return sp.hstack([X, extra], format="csr", dtype=np.float32)


def _unit_rows(M):
    """Rows scaled to unit L2 norm (zero rows stay zero); dense or CSR float32."""
    if sp.issparse(M):
        return normalize(sp.csr_matrix(M, dtype=np.float32))
    return normalize(np.asarray(M, dtype=np.float32))


def similar_talks(
    document_topic: np.ndarray,
    document_term=None,
    k: int = 5,
    budget: int = BUDGET,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar talks of every talk.

    Parameters
    ----------
    document_topic : array, shape (n_talks, n_topics)
        W: non-negative topic weights.
    document_term : sparse or dense matrix, shape (n_talks, n_terms), optional
        X: TF-IDF rows of the same talks; only the topic mix is compared when ``None``.
    k : int, default 5
        Neighbours kept per talk (fewer when there are fewer other talks).
    budget : int
        Largest dense block of similarities computed at once, in bytes.

    Returns
    -------
    neighbours : ndarray of int, shape (n_talks, min(k, n_talks - 1))
        Indices of the most similar other talks, most similar first; -1 where the
        similarity is zero (nothing in common).
    scores : ndarray of float32, same shape
        Their similarities in [0, 1].
    """
    W = _unit_rows(document_topic)
    n = W.shape[0]
    X = None if document_term is None else _unit_rows(document_term)
    if X is not None and X.shape[0] != n:
        raise ValueError(f"document_term has {X.shape[0]} rows, document_topic {n}")
    if n <= GROUPED_MIN:
        return _similar(W, X, k, budget)
    # Each talk is compared with the talks of its strongest topic only, in parallel jobs;
    # the talks of a topic larger than GROUP_MAX, with those of its two strongest topics.
    order = np.argsort(-W, axis=1, kind="stable")[:, :2]
    dominant = np.where(W.sum(axis=1) > 0, order[:, 0], -1)
    groups = []
    for g in np.unique(dominant):
        members = np.flatnonzero(dominant == g)
        if len(members) <= GROUP_MAX or W.shape[1] < 2:
            groups.append(members)
            continue
        second = order[members, 1]
        groups += [members[second == h] for h in np.unique(second)]
    groups.sort(key=len, reverse=True)
    found = Parallel(n_jobs=-1)(
        delayed(_similar)(W[m], None if X is None else X[m], k, budget) for m in groups
    )
    k = max(0, min(k, n - 1))
    neighbours = np.full((n, k), -1, dtype=np.int64)
    scores = np.zeros((n, k), dtype=np.float32)
    for members, (local, local_scores) in zip(groups, found, strict=True):
        width = local.shape[1]
        neighbours[members, :width] = np.where(local >= 0, members[np.maximum(local, 0)], -1)
        scores[members, :width] = local_scores
    return neighbours, scores


def _similar(W: np.ndarray, X, k: int, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`similar_talks` over every pair of talks, rows already of unit norm."""
    n = W.shape[0]
    k = max(0, min(k, n - 1))
    neighbours = np.full((n, k), -1, dtype=np.int64)
    scores = np.zeros((n, k), dtype=np.float32)
    if k == 0:
        return neighbours, scores
    XT = X.T.tocsc() if sp.issparse(X) else (None if X is None else X.T)
    rows = max(1, min(n, budget // (4 * n)))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        topic = W[start:stop] @ W.T
        if X is None:
            sim = topic
        else:
            words = X[start:stop] @ XT
            sim = combine(words.toarray() if sp.issparse(words) else np.asarray(words), topic)
        sim = sim.astype(np.float32, copy=False)
        sim[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not itself
        best, best_scores = top_k(sim, k)
        empty = ~(best_scores > 0)
        best[empty] = -1
        best_scores[empty] = 0
        neighbours[start:stop] = best
        scores[start:stop] = np.clip(best_scores, 0, 1)
    return neighbours, scores


def combine(words: np.ndarray, topics: np.ndarray) -> np.ndarray:
    """Talk similarity from the word cosine and the topic-mix cosine (see the module's formula).

    Parameters
    ----------
    words, topics : ndarray, same shape
        Cosines of the talks' TF-IDF rows and of their rows of W, in [0, 1].

    Returns
    -------
    ndarray, same shape
    """
    return words * (1 + topics) / 2 + EPSILON * topics


def similarities(query_topic, query_term, document_topic: np.ndarray, document_term) -> np.ndarray:
    """The similarity of one talk (or text) to each of ``n_talks`` talks.

    The same measure as :func:`similar_talks`, for a single query, such as a text that is
    not in the corpus.

    Parameters
    ----------
    query_topic : array, shape (n_topics,)
        The query's topic weights (a row of W, or :meth:`TopicModel.transform` of a text).
    query_term : array or sparse matrix, shape (n_terms,) or (1, n_terms), or None
        The query's TF-IDF row, in the columns of ``document_term``; ``None`` compares
        topic mixes only.
    document_topic : array, shape (n_talks, n_topics)
    document_term : array or sparse matrix, shape (n_talks, n_terms), or None

    Returns
    -------
    ndarray of float32, shape (n_talks,)
        In [0, 1] (the query itself, when it is one of the talks, scores as any other).
    """
    # Computed as similar_talks computes a row (query @ all.T), so the scores match it.
    W = _unit_rows(document_topic)
    topic = (_unit_rows(np.asarray(query_topic, dtype=np.float32).reshape(1, -1)) @ W.T).ravel()
    if query_term is None or document_term is None:
        return np.clip(topic, 0, 1)
    q = query_term if sp.issparse(query_term) else np.asarray(query_term).reshape(1, -1)
    X = _unit_rows(document_term)
    words = _unit_rows(q) @ (X.T.tocsc() if sp.issparse(X) else X.T)
    words = words.toarray() if sp.issparse(words) else np.asarray(words)
    sim = combine(words.ravel(), topic).astype(np.float32, copy=False)
    return np.clip(sim, 0, 1)


def top_k(sim: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the ``k`` largest entries of each row, largest first
    (ties: lowest index first).

    Rows are first cut down with a threshold: the k-th largest value (of every
    ``step``-th column, for wide rows: a lower bound of the row's k-th largest), so only the
    few entries above it are sorted (docs/decisions.md, "Similar talks").
    """
    rows, n = sim.shape
    # Every entry at or above the threshold is a candidate, so ties at the k-th value are
    # all seen and the lowest indices win (an argpartition alone picks among them at random).
    sample = sim if n <= 4096 else sim[:, :: n // 1024]
    threshold = np.partition(sample, -k, axis=1)[:, -k]
    r, c = np.nonzero(sim >= threshold[:, None])
    v = sim[r, c]
    order = np.lexsort((c, -v, r))  # by row, then largest value, then lowest column
    r, c, v = r[order], c[order], v[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(rows))[r]
    keep = rank < k
    best = np.empty((rows, k), dtype=np.int64)
    values = np.empty((rows, k), dtype=sim.dtype)
    best[r[keep], rank[keep]] = c[keep]
    values[r[keep], rank[keep]] = v[keep]
    return best, values


def related_topics(
    topic_word: np.ndarray, document_topic: np.ndarray, k: int = 3, share: float = SHARE
) -> list[list[tuple[int, float, int]]]:
    """The topics most related to each topic.

    Parameters
    ----------
    topic_word : array, shape (n_topics, n_terms)
        H: topic-word weights.
    document_topic : array, shape (n_talks, n_topics)
        W: document-topic weights; talks count towards co-occurrence when both topics hold
        at least ``share`` of their mix.
    k : int, default 3
        Related topics kept per topic.

    Returns
    -------
    list, length n_topics, of lists of (topic index, score, shared talks)
        Most related first; only topics with a positive score.
    """
    H = _unit_rows(topic_word)
    cosine = H @ H.T
    in_topic = topic_shares(document_topic) >= share
    # Counted by a float matrix product (BLAS; exact below 2**53): integer ones are not.
    shared = np.rint(in_topic.T.astype(float) @ in_topic.astype(float)).astype(np.int64)
    sizes = np.diag(shared)
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros(shared.shape), where=union > 0)
    score = (np.clip(cosine, 0, 1) + jaccard) / 2
    related = []
    for t in range(score.shape[0]):
        candidates = [
            (int(u), float(score[t, u]), int(shared[t, u]))
            for u in range(score.shape[0])
            if u != t and score[t, u] > 1e-6
        ]
        candidates.sort(key=lambda c: (-c[1], c[0]))
        related.append(candidates[:k])
    return related


def topic_shares(document_topic: np.ndarray) -> np.ndarray:
    """Each talk's topic mix: rows of W scaled to sum to 1 (zero rows stay zero)."""
    return normalize(np.asarray(document_topic, dtype=float), norm="l1")
