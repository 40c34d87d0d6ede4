"""Themes over topics: a handful of groups of topics, learnt from the topic-word weights.

A model of more than :data:`MIN_THEME_TOPICS` topics is hard to read as one flat list, so
its topics are grouped into themes by a non-negative factorisation of H itself: the rows of
H (made unit length) are approximated as ``H ≈ A B`` with ``n_themes`` rows in B, and each
topic goes to the theme of its largest weight in A (``docs/decisions.md``, "Themes over
topics", says why this and not agglomerative clustering). A theme's words are the sum of
its topics' rows of H, and its label is made from them as a topic's is
(:func:`topics.model.summary.topic_labels`). A model of fewer topics has no themes.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize

from .summary import theme_word, topic_labels

#: Themes are learnt only for a model of more topics than this.
MIN_THEME_TOPICS = 20

#: Fewest and most themes: the square root of the number of topics, within these bounds.
MIN_THEMES, MAX_THEMES = 4, 12


def n_themes(n_topics: int) -> int:
    """Themes learnt for ``n_topics`` topics: 0 up to :data:`MIN_THEME_TOPICS`, else
    √n_topics rounded, within [:data:`MIN_THEMES`, :data:`MAX_THEMES`] (10 for 100)."""
    if n_topics <= MIN_THEME_TOPICS:
        return 0
    return int(min(MAX_THEMES, max(MIN_THEMES, round(math.sqrt(n_topics)))))


def topic_themes(H: np.ndarray, document_topic: np.ndarray, random_state: int = 0) -> np.ndarray:
    """The theme of each topic.

    Non-negative matrix factorisation of the unit-length rows of ``H`` into
    :func:`n_themes` components (:class:`sklearn.decomposition.NMF`, NNDSVDa
    initialisation; Lee & Seung, "Algorithms for non-negative matrix factorization",
    NIPS 2000); each topic joins the component it weighs most in. Themes no topic joins
    are dropped; the others are numbered by their talks (talks whose strongest topic is
    in the theme), most first, ties by their first topic.

    Parameters
    ----------
    H : ndarray, shape (n_topics, n_terms)
        Non-negative topic-word weights.
    document_topic : ndarray, shape (n_talks, n_topics)
        W, to order the themes by their talks.
    random_state : int
        Seed of the factorisation: the same seed and H give the same themes.

    Returns
    -------
    ndarray of int, shape (n_topics,)
        Each topic's theme in ``range(n)``, every theme holding a topic; all -1 (no
        themes) when there are :data:`MIN_THEME_TOPICS` topics or fewer.
    """
    H = np.asarray(H, dtype=float)
    k = n_themes(len(H))
    if k == 0:
        return np.full(len(H), -1, dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        A = NMF(k, init="nndsvda", max_iter=1000, random_state=random_state).fit_transform(
            normalize(H)
        )
    raw = A.argmax(axis=1)
    W = np.asarray(document_topic, dtype=float)
    best = W.argmax(axis=1)[W.sum(axis=1) > 0]
    talks = np.bincount(raw[best], minlength=k)
    used = sorted(set(raw.tolist()), key=lambda t: (-talks[t], int(np.argmax(raw == t))))
    renumber = {old: new for new, old in enumerate(used)}
    return np.array([renumber[t] for t in raw.tolist()], dtype=int)


def theme_labels(H: np.ndarray, themes: np.ndarray, terms: np.ndarray) -> list[str]:
    """A label per theme from its word weights (:func:`theme_word`), as a topic's is
    made (:func:`topics.model.summary.topic_labels`); empty without themes."""
    weights = theme_word(H, themes)
    return topic_labels(weights, terms) if len(weights) else []


def themes_table(model):
    """The themes of a fitted :class:`~topics.model.TopicModel` as a table: see its
    ``themes_`` attribute.

    Returns
    -------
    pandas.DataFrame, shape (n_themes, 5)
        Index ``theme`` (0-based); columns ``label``, ``topics`` (the theme's topics,
        0-based, as a list), ``n_topics``, ``size`` (talks whose strongest topic is in it)
        and ``top_words`` (the ten heaviest terms, comma-separated). No rows without themes.
    """
    import pandas as pd

    themes = np.asarray(model.topic_themes_, dtype=int)
    sizes = model.topics_["size"].to_numpy()
    weights = theme_word(model.components_, themes)
    rows = []
    for theme, label in enumerate(model.theme_labels_):
        members = np.flatnonzero(themes == theme).tolist()
        order = np.argsort(weights[theme])[::-1][:10]
        rows.append(
            {
                "label": label,
                "topics": members,
                "n_topics": len(members),
                "size": int(sizes[members].sum()),
                "top_words": ", ".join(str(model.terms_[i]) for i in order if weights[theme, i]),
            }
        )
    return pd.DataFrame(
        rows,
        index=pd.RangeIndex(len(rows), name="theme"),
        columns=["label", "topics", "n_topics", "size", "top_words"],
    )
