"""What a fitted model tells the later stages: :class:`ModelSummary`.

The site (:mod:`topics.site`) reads a fitted model through this summary alone, never
through the estimator's attributes: :meth:`topics.model.TopicModel.summary` makes it,
and tests or other models can make one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .selection import Candidate


@dataclass(frozen=True, eq=False)
class ModelSummary:
    """The topics of ``n_talks`` talks, as the site shows them.

    Attributes
    ----------
    topic_labels : list of str, length n_topics
        Short labels, no two alike.
    terms : ndarray of str (object), shape (n_terms,)
        The terms: columns of ``topic_word`` and ``document_term``.
    topic_word : ndarray, shape (n_topics, n_terms)
        H: non-negative topic-word weights.
    document_topic : ndarray, shape (n_talks, n_topics)
        W: non-negative document-topic weights, rows in corpus order; a row of zeros for a
        talk without a topic (left out of the model).
    document_term : scipy.sparse.csr_matrix, shape (n_talks, n_terms), or None
        X: the talks' TF-IDF rows, for similar talks; an empty row for a talk left out.
        ``None``: similar talks are found by their topic mix alone.
    topic_stability : ndarray, shape (n_topics,), or None
        Each topic's stability in [0, 1], when measured.
    topic_languages : list of str, length n_topics
        ISO 639-1 code of each topic's language (``""`` when not known).
    languages : list of str, length n_talks
        Each talk's language code (``""`` when not known).
    excluded_languages : dict of str to int
        Languages left out of the topics, with their number of talks.
    main_language : str
        The language of most talks (``""`` when not known).
    selection : list of Candidate
        The numbers of topics measured before one was chosen; empty when it was given.
    random_state : int
        The model's seed (word clouds are laid out with it).
    """

    topic_labels: list[str]
    terms: np.ndarray
    topic_word: np.ndarray
    document_topic: np.ndarray
    document_term: sp.csr_matrix | None = None
    topic_stability: np.ndarray | None = None
    topic_languages: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    excluded_languages: dict[str, int] = field(default_factory=dict)
    main_language: str = ""
    selection: list[Candidate] = field(default_factory=list)
    random_state: int = 0

    @property
    def n_topics(self) -> int:
        """Number of topics."""
        return len(self.topic_labels)

    def top_words(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        """See :func:`top_words`."""
        return top_words(self.topic_word, self.terms, topic, n)


def top_words(H: np.ndarray, terms: np.ndarray, topic: int, n: int = 10) -> list[tuple[str, float]]:
    """The ``n`` heaviest terms of a topic.

    Parameters
    ----------
    H : ndarray, shape (n_topics, n_terms)
        Topic-word weights.
    terms : ndarray of str, shape (n_terms,)
    topic : int
        A row of ``H``.
    n : int
        Terms returned at most.

    Returns
    -------
    list of (str, float)
        (term, weight), heaviest first; only positive weights.
    """
    row = H[topic]
    order = np.argsort(row)[::-1][:n]
    return [(str(terms[i]), float(row[i])) for i in order if row[i] > 0]
