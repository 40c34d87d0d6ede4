"""Choosing the number of topics, and how stable each topic is.

Stability follows Greene, O'Callaghan & Cunningham, "How many topics? Stability
analysis for topic models" (ECML PKDD 2014): factorize random subsamples of the
documents, match the topics of each run to a reference run (Hungarian matching on
the cosine similarity of their topic-word weights) and average the similarities.
A number of topics whose topics come back across subsamples describes structure in
the corpus rather than noise. The score of a candidate k also weighs the coherence
(NPMI) of its topics, so that a very small k, trivially stable, does not win.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.optimize import linear_sum_assignment
from scipy.sparse.linalg import svds
from sklearn.decomposition import NMF
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from ..progress import track
from .candidates import Candidate, candidate_ks, min_topics, pick
from .evaluation import npmi_coherence

#: Subsamples per stability estimate, the share of documents in each, and their NMF
#: iterations: fewer than a full fit, since topics are matched, not read
#: (docs/decisions.md, "Stability").
N_SUBSAMPLES = 3
SUBSAMPLE = 0.8
SUBSAMPLE_ITER = 50

#: Updates of a full fit (at most: it stops earlier once the error settles).
FULL_ITER = 200


def _one_blas_thread():
    """Keep BLAS to one thread while NMF fits run in parallel threads: the fits occupy the
    cores already (docs/decisions.md, "One BLAS thread")."""
    return threadpool_limits(1, user_api="blas")


def leading_singular(
    X: sp.csr_matrix, n_components: int, random_state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``n_components`` leading singular triplets of ``X`` (ARPACK), largest first.

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
    n_components : int
        Less than ``min(n_docs, n_features)``.
    random_state : int
        Seeds ARPACK's starting vector (the triplets found do not depend on it).

    Returns
    -------
    U : ndarray, shape (n_docs, n_components)
    S : ndarray, shape (n_components,)
        Decreasing.
    Vt : ndarray, shape (n_components, n_features)
    """
    U, S, Vt = svds(X.astype(np.float64), k=n_components, random_state=random_state)
    order = np.argsort(-S)
    return U[:, order], S[order], Vt[order]


def nndsvda(
    X: sp.csr_matrix,
    n_components: int,
    random_state: int,
    svd: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """NNDSVDa starting point of NMF from the exact leading singular vectors of ``X``.

    NNDSVD (Boutsidis & Gallopoulos, "SVD based initialization: A head start for
    nonnegative matrix factorization", Pattern Recognition 41(4), 2008,
    https://doi.org/10.1016/j.patcog.2007.09.010) builds each component from the larger
    non-negative part of a singular pair; "a" fills the zeros with the mean of ``X``.
    The pairs are ARPACK's exact ones, not a randomized SVD's as in scikit-learn's
    ``init="nndsvda"``, so the start is the same for every seed (docs/decisions.md,
    "NNDSVDa").

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
    n_components : int
        Less than ``min(n_docs, n_features)``.
    random_state : int
        Seeds ARPACK's starting vector (the pairs found do not depend on it).
    svd : (U, S, Vt) or None
        Leading singular triplets of ``X`` from :func:`leading_singular`, at least
        ``n_components`` of them: the first ``n_components`` are used (the leading
        triplets of a larger SVD are those of a smaller one), so that one SVD serves
        every candidate k. Computed when ``None``.

    Returns
    -------
    W : ndarray of float32, shape (n_docs, n_components)
    H : ndarray of float32, shape (n_components, n_features)
    """
    if svd is None:
        svd = leading_singular(X, n_components, random_state)
    U, S, Vt = svd
    U, S, Vt = U[:, :n_components], S[:n_components], Vt[:n_components]
    W = np.zeros((X.shape[0], n_components))
    H = np.zeros((n_components, X.shape[1]))
    W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
    H[0] = np.sqrt(S[0]) * np.abs(Vt[0])
    for j in range(1, n_components):
        x, y = U[:, j], Vt[j]
        x_pos, x_neg = np.maximum(x, 0), np.maximum(-x, 0)
        y_pos, y_neg = np.maximum(y, 0), np.maximum(-y, 0)
        norms_pos = np.linalg.norm(x_pos), np.linalg.norm(y_pos)
        norms_neg = np.linalg.norm(x_neg), np.linalg.norm(y_neg)
        if norms_pos[0] * norms_pos[1] > norms_neg[0] * norms_neg[1]:
            u, v, (nu, nv) = x_pos, y_pos, norms_pos
        else:
            u, v, (nu, nv) = x_neg, y_neg, norms_neg
        if nu > 0 and nv > 0:
            scale = np.sqrt(S[j] * nu * nv)
            W[:, j] = scale * u / nu
            H[j] = scale * v / nv
    mean = X.sum() / (X.shape[0] * X.shape[1])
    W[W == 0] = mean
    H[H == 0] = mean
    return W.astype(np.float32), H.astype(np.float32)


def fit_nmf(
    X: sp.csr_matrix,
    n_components: int,
    random_state: int,
    max_iter: int = FULL_ITER,
    svd: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    start: tuple[np.ndarray, np.ndarray] | None = None,
):
    """Factorize ``X`` ≈ W H with NMF (multiplicative updates, NNDSVDa start).

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
    n_components : int
    random_state : int
    max_iter : int
    svd : (U, S, Vt) or None
        Leading singular triplets of ``X`` for the start (see :func:`nndsvda`).
    start : (W, H) or None
        Start from this factorisation instead (shapes (n_docs, n_components) and
        (n_components, n_features)): ``max_iter`` more updates of an earlier fit.

    Returns
    -------
    W : ndarray, shape (n_docs, n_components)
        Document-topic weights, scaled so that each row of H has unit L2 norm.
    H : ndarray, shape (n_components, n_features)
        Topic-word weights, rows of unit L2 norm.

    Notes
    -----
    Multiplicative updates (Lee & Seung, NIPS 2001; docs/decisions.md, "NNDSVDa and
    multiplicative updates"). The start is
    :func:`nndsvda` (scikit-learn's randomized one when ``n_components`` is too large for
    ARPACK). Rescaling makes W comparable across topics: a talk's strongest topic is
    ``W.argmax(axis=1)``; the updates are invariant to it, so a fit continued from its
    rescaled result goes on as it would have.
    """

    X = X.astype(np.float32, copy=False)
    exact = start is not None or n_components < min(X.shape)
    nmf = NMF(
        n_components=n_components,
        init="custom" if exact else "nndsvda",
        solver="mu",
        max_iter=max_iter,
        tol=1e-4,
        random_state=random_state,
    )
    if exact:
        W_init, H_init = start or nndsvda(X, n_components, random_state, svd)
        W = nmf.fit_transform(X, W=W_init.copy(), H=H_init.copy())
    else:
        W = nmf.fit_transform(X)
    return unit_topics(W, nmf.components_)


def unit_topics(W: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rescale a factorisation W H so that every row of H has unit L2 norm.

    Parameters
    ----------
    W : ndarray, shape (n_docs, k)
    H : ndarray, shape (k, n_terms)

    Returns
    -------
    W : ndarray of float32, shape (n_docs, k)
        Each column multiplied by its topic's norm (W H is unchanged).
    H : ndarray of float32, shape (k, n_terms)
        Rows of unit L2 norm (a zero row stays zero).
    """
    norms = np.linalg.norm(H, axis=1)
    norms[norms == 0] = 1.0
    return (W * norms).astype(np.float32), (H / norms[:, None]).astype(np.float32)


def match_topics(H_ref: np.ndarray, H: np.ndarray) -> np.ndarray:
    """Cosine similarity of each reference topic to its Hungarian-matched topic in ``H``.

    Parameters
    ----------
    H_ref : ndarray, shape (k, n_features)
    H : ndarray, shape (k, n_features)

    Returns
    -------
    ndarray, shape (k,)
        In [0, 1]; row i is reference topic i's similarity to its match.
    """
    similarity = normalize(H_ref) @ normalize(H).T
    rows, cols = linear_sum_assignment(-similarity)
    matched = np.zeros(len(H_ref))
    matched[rows] = similarity[rows, cols]
    return matched


def fit_with_stability(
    X: sp.csr_matrix,
    n_components: int,
    random_state: int,
    n_subsamples: int = N_SUBSAMPLES,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factorize ``X`` and measure how reliably each topic comes back on resampled documents.

    The fit of all documents and the fits of ``n_subsamples`` random subsamples
    (:data:`SUBSAMPLE` of the documents each, :data:`SUBSAMPLE_ITER` iterations) are
    independent, so they run at the same time; each subsample's topics are then
    matched to the full fit's (:func:`match_topics`).

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
    n_components : int
    random_state : int
        Seeds the choice of subsamples.
    n_subsamples : int
    n_jobs : int or None
        Threads for the fits, as in :class:`joblib.Parallel`.

    Returns
    -------
    W : ndarray, shape (n_docs, n_components)
    H : ndarray, shape (n_components, n_features)
        See :func:`fit_nmf`.
    stability : ndarray, shape (n_components,)
        Each topic's mean matched cosine similarity over the subsamples, in [0, 1].
    """
    rng = np.random.default_rng(random_state)
    n_rows = max(n_components, int(SUBSAMPLE * X.shape[0]))
    samples = [rng.choice(X.shape[0], n_rows, replace=False) for _ in range(n_subsamples)]
    with _one_blas_thread():
        (W, H), *fits = Parallel(n_jobs=n_jobs, prefer="threads")(
            [delayed(fit_nmf)(X, n_components, random_state)]
            + [
                delayed(fit_nmf)(X[rows], n_components, random_state, SUBSAMPLE_ITER)
                for rows in samples
            ]
        )
    stability = np.mean([match_topics(H, H_sub) for _, H_sub in fits], axis=0)
    return W, H, np.clip(stability, 0, 1).astype(np.float32)


#: Subsamples per candidate k when choosing (fewer than :data:`N_SUBSAMPLES`: the choice
#: compares candidates, it does not report each topic's stability to a reader).
CHOICE_SUBSAMPLES = 2


def _svds(matrices: list[sp.csr_matrix], k: int, random_state: int, n_jobs) -> list:
    """:func:`leading_singular` of each matrix at ``k`` (``None`` where ARPACK cannot)."""
    jobs = [
        delayed(leading_singular)(M.astype(np.float32), k, random_state)
        for M in matrices
        if k < min(M.shape)
    ]
    done = iter(Parallel(n_jobs=n_jobs, prefer="threads")(jobs))
    return [next(done) if k < min(M.shape) else None for M in matrices]


def evaluate_k(
    matrices: list[sp.csr_matrix],
    svds_: list,
    X_binary: sp.csr_matrix,
    k: int,
    random_state: int,
) -> tuple[Candidate, tuple[np.ndarray, np.ndarray], list[np.ndarray]]:
    """Measure ``k`` topics: a short fit of every row of ``X`` matched to short fits of
    subsamples, and the coherence of its topics.

    Parameters
    ----------
    matrices : list of sparse matrix
        ``X`` (n_docs, n_features), then its subsamples (rows of ``X``).
    svds_ : list
        Each matrix's leading singular triplets, or ``None`` (see :func:`nndsvda`).
    X_binary : sparse matrix, shape (n_docs, n_features)
        Where ``X`` is non-zero (for NPMI).
    k : int
    random_state : int

    Returns
    -------
    candidate : Candidate
    start : (W, H)
        The fit of ``X`` after :data:`SUBSAMPLE_ITER` updates (see :func:`fit_nmf`).
    H_subsamples : list of ndarray, shape (k, n_features)
        The subsamples' topics.
    """
    fits = [
        fit_nmf(M, k, random_state, SUBSAMPLE_ITER, svd=svd)
        for M, svd in zip(matrices, svds_, strict=True)
    ]
    (W, H), subsamples = fits[0], [H_sub for _, H_sub in fits[1:]]
    stability = np.mean([match_topics(H, H_sub) for H_sub in subsamples], axis=0)
    coherence = npmi_coherence(np.argsort(H, axis=1)[:, ::-1][:, :10], X_binary)
    candidate = Candidate(k, float(np.clip(stability, 0, 1).mean()), float(np.nanmean(coherence)))
    return candidate, (W, H), subsamples


def choose_k(
    X: sp.csr_matrix,
    random_state: int = 0,
    max_components: int = 100,
    n_jobs: int | None = None,
    min_components: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Candidate]]:
    """Choose the number of topics of a document-term matrix, and fit it.

    Every candidate k (:func:`candidate_ks`) from ``min_components`` up (the largest
    one if none is that large) is measured by :func:`evaluate_k` on the
    same :data:`CHOICE_SUBSAMPLES` subsamples, each matrix's SVD computed once for the
    largest k and shared by all (:func:`nndsvda`). The fits that measure a candidate
    stop at :data:`SUBSAMPLE_ITER` updates; only the chosen k's fit of all rows goes on
    to a full fit (continued, not restarted), and its topics' stability is measured
    against the subsamples' topics (docs/decisions.md, "One conference in seconds").

    Parameters
    ----------
    X : sparse matrix, shape (n_docs, n_features)
        TF-IDF (or smoothed TF-IDF) rows.
    random_state : int
        Seeds the choice of subsamples.
    max_components : int
        Largest k tried.
    n_jobs : int or None
        Candidates evaluated in parallel threads, as in :class:`joblib.Parallel`.
    min_components : int or None
        Fewest topics chosen (see :func:`pick`); ``None``: :func:`min_topics` of the
        number of rows.

    Returns
    -------
    W : ndarray, shape (n_docs, k)
        Document-topic weights for the chosen k (see :func:`pick`).
    H : ndarray, shape (k, n_features)
    stability : ndarray, shape (k,)
    candidates : list of Candidate
        Every candidate measured, by increasing k.
    """
    X = X.astype(np.float32).tocsr()
    X_binary = (X > 0).astype(np.float32).tocsr()
    if min_components is None:
        min_components = min_topics(X.shape[0])
    # Candidates under the floor cannot be chosen (see :func:`pick`): not measured.
    ks = candidate_ks(X.shape[0], max_components)
    ks = [k for k in ks if k >= min_components] or ks[-1:]
    rng = np.random.default_rng(random_state)
    n_rows = max(ks[-1], int(SUBSAMPLE * X.shape[0]))
    samples = [rng.choice(X.shape[0], n_rows, replace=False) for _ in range(CHOICE_SUBSAMPLES)]
    matrices = [X, *(X[rows] for rows in samples)]
    with _one_blas_thread():
        svds_ = _svds(matrices, ks[-1], random_state, n_jobs)
        done = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator_unordered")(
            delayed(evaluate_k)(matrices, svds_, X_binary, k, random_state) for k in reversed(ks)
        )
        results = list(track(done, len(ks), "candidate"))  # counted as each comes back
        results.sort(key=lambda r: r[0].n_components)
        candidates = [r[0] for r in results]
        chosen = pick(candidates, min_components=min_components)
        _, start, subsamples = next(r for r in results if r[0].n_components == chosen)
        W, H = fit_nmf(X, chosen, random_state, FULL_ITER - SUBSAMPLE_ITER, start=start)
    stability = np.mean([match_topics(H, H_sub) for H_sub in subsamples], axis=0)
    return W, H, np.clip(stability, 0, 1).astype(np.float32), candidates
