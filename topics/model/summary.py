"""What a fitted model tells the later stages: :class:`ModelSummary`.

The site (:mod:`topics.site`) reads a fitted model through this summary alone, never
through the estimator's attributes: :meth:`topics.model.TopicModel.summary` makes it,
and tests or other models can make one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .candidates import Candidate


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
    topic_themes : ndarray of int, shape (n_topics,), or None
        Each topic's theme (:mod:`topics.model.themes`), in ``range(len(theme_labels))``;
        ``None`` or all -1: no themes, the topics are one flat list.
    theme_labels : list of str, length n_themes
        Short labels of the themes, no two alike; empty without themes.
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
    topic_themes: np.ndarray | None = None
    theme_labels: list[str] = field(default_factory=list)

    @property
    def n_topics(self) -> int:
        """Number of topics."""
        return len(self.topic_labels)

    @property
    def n_themes(self) -> int:
        """Number of themes; 0 when the topics are one flat list."""
        return len(self.theme_labels) if self.themes is not None else 0

    @property
    def themes(self) -> np.ndarray | None:
        """``topic_themes`` as ints when the model has themes, else ``None``."""
        t = self.topic_themes
        if t is None or not len(self.theme_labels) or not np.any(np.asarray(t) >= 0):
            return None
        return np.asarray(t, dtype=int)

    def top_words(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        """See :func:`top_words`."""
        return top_words(self.topic_word, self.terms, topic, n)

    def theme_top_words(self, theme: int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` heaviest terms of a theme (rows of :func:`theme_word`)."""
        return top_words(theme_word(self.topic_word, self.themes), self.terms, theme, n)


def theme_word(H: np.ndarray, themes: np.ndarray) -> np.ndarray:
    """Each theme's word weights: the sum of its topics' unit-length rows of H.

    Parameters
    ----------
    H : ndarray, shape (n_topics, n_terms)
    themes : ndarray of int, shape (n_topics,)
        Each topic's theme (:func:`topics.model.themes.topic_themes`); -1: none.

    Returns
    -------
    ndarray, shape (n_themes, n_terms)
        ``n_themes = themes.max() + 1``; no rows when no topic has a theme.
    """
    H = np.asarray(H, dtype=float)
    H = H / np.maximum(np.linalg.norm(H, axis=1, keepdims=True), 1e-12)
    themes = np.asarray(themes, dtype=int)
    out = np.zeros((max(int(themes.max(initial=-1)) + 1, 0), H.shape[1]))
    np.add.at(out, themes[themes >= 0], H[themes >= 0])
    return out


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
