"""The candidate numbers of topics, their measurements, and the choice among them.

Kept apart from :mod:`topics.model.selection` (which fits them) so that what reads a fitted
model's candidates (:class:`topics.model.summary.ModelSummary`, the site) imports no
solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Candidate:
    """The measurements of one candidate number of topics.

    Attributes
    ----------
    n_components : int
    stability : float
        Mean topic stability, in [0, 1].
    coherence : float
        Mean NPMI of the topics' top 10 terms, in [-1, 1].
    score : float
        ``stability * (1 + coherence) / 2``: what the choice maximises.
    """

    n_components: int
    stability: float
    coherence: float

    @property
    def score(self) -> float:
        return self.stability * (1 + self.coherence) / 2


def candidate_ks(n_docs: int, max_components: int = 100) -> list[int]:
    """Numbers of topics worth trying for ``n_docs`` documents.

    A geometric grid of up to 7 values from 5 to ``n_docs / 8`` (a topic of fewer than
    about eight talks is not a topic of a programme), at most ``max_components``.
    """
    high = int(min(max_components, max(5, n_docs // 8)))
    low = min(5, high)
    grid = np.unique(np.round(np.geomspace(low, high, num=7)).astype(int))
    return [int(k) for k in grid if 2 <= k <= n_docs] or [min(2, n_docs)]


#: A programme's topics hold at most this many talks on average when ``auto`` chooses:
#: coarser topics are too broad to browse a programme by (docs/decisions.md, "Choosing k").
MAX_TALKS_PER_TOPIC = 40


def min_topics(n_docs: int) -> int:
    """Fewest topics ``auto`` chooses for ``n_docs`` talks: ``n_docs / 40``, at least 1."""
    return max(1, round(n_docs / MAX_TALKS_PER_TOPIC))


def pick(candidates: list[Candidate], tolerance: float = 0.05, min_components: int = 1) -> int:
    """The largest k whose score is within ``tolerance`` (relative) of the best.

    Scores of neighbouring k differ by less than their noise across subsamples; among
    the candidates that are as good as the best, the finest topics are the most useful
    to browse a programme with.

    Parameters
    ----------
    candidates : list of Candidate
        By increasing ``n_components``; not empty.
    tolerance : float
        Relative distance to the best score still counted as good as the best.
    min_components : int
        Only candidates of at least this many topics are chosen from (the largest
        candidate when none is that large).

    Returns
    -------
    int
        The chosen number of topics.
    """
    eligible = [c for c in candidates if c.n_components >= min_components] or candidates[-1:]
    band = (1 - tolerance) * max(c.score for c in eligible)
    return max(c.n_components for c in eligible if c.score >= band)
