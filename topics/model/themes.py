"""Themes over topics: a handful of groups of topics, learnt from the topic-word weights.

A model of more than :data:`MIN_THEME_TOPICS` topics is hard to read as one flat list, so
its topics are grouped into themes. The main language's topics are grouped by a
non-negative factorisation of their rows of H: the rows (made unit length) are
approximated as ``H ≈ A B`` with :func:`n_themes` rows in B, and each topic joins the
theme of its largest weight in A (``docs/decisions.md``, "Themes over topics", says why
this and not agglomerative clustering). The topics of each other language share no term
with any other topic: they make one theme per language. A theme's words are the sum of its
topics' unit rows of H (:func:`topics.model.summary.theme_word`), and its label is made
from them as a topic's is (:func:`topics.model.labels.topic_labels`), after the
language's name for a theme of another language. A model of fewer topics has no themes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .labels import topic_labels
from .languages import language_name
from .summary import theme_word

#: Themes are learnt only for a model of more topics than this.
MIN_THEME_TOPICS = 20

#: Fewest and most themes of the main language's topics (when they are all the topics).
MIN_THEMES, MAX_THEMES = 4, 12


def n_themes(n_topics: int, alone: bool = True) -> int:
    """Themes of the main language's ``n_topics`` topics: √n_topics rounded (10 for 100),
    at most :data:`MAX_THEMES`, and at least :data:`MIN_THEMES` when they are ``alone``
    (the model has no other language's topics), else at least 1."""
    low = MIN_THEMES if alone else 1
    return int(min(MAX_THEMES, max(low, round(math.sqrt(n_topics))), n_topics))


def topic_themes(
    H: np.ndarray,
    document_topic: np.ndarray,
    topic_languages: Sequence[str] | None = None,
    random_state: int = 0,
) -> np.ndarray:
    """The theme of each topic.

    The main language's topics (those of the first topic's language) are split into
    :func:`n_themes` themes by non-negative matrix factorisation of their unit rows of H
    (:class:`sklearn.decomposition.NMF`, NNDSVDa initialisation; Lee & Seung, "Algorithms
    for non-negative matrix factorization", NIPS 2000), each joining the component it
    weighs most in; each other language's topics are one theme. Themes no topic joins are
    dropped; the others are numbered by their talks (talks whose strongest topic is in the
    theme), most first, ties by their first topic.

    Parameters
    ----------
    H : ndarray, shape (n_topics, n_terms)
        Non-negative topic-word weights.
    document_topic : ndarray, shape (n_talks, n_topics)
        W, to order the themes by their talks.
    topic_languages : sequence of str, length n_topics, or None
        Each topic's language; ``None``: all in one.
    random_state : int
        Seed of the factorisation: the same seed and H give the same themes.

    Returns
    -------
    ndarray of int, shape (n_topics,)
        Each topic's theme in ``range(n)``, every theme holding a topic; all -1 (no
        themes) when there are :data:`MIN_THEME_TOPICS` topics or fewer.
    """
    H = np.asarray(H, dtype=float)
    K = len(H)
    if K <= MIN_THEME_TOPICS:
        return np.full(K, -1, dtype=int)
    languages = np.asarray(list(topic_languages or [""] * K), dtype=object)
    main = languages == languages[0]
    raw = np.zeros(K, dtype=int)
    k = n_themes(int(main.sum()), alone=bool(main.all()))
    if k > 1:
        # One BLAS thread: the products of a hundred rows are too small to share, and
        # waiting threads spin (FOSDEM 2024: 1.8-4.6 s of CPU with two, 0.4 s with one).
        with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
            warnings.simplefilter("ignore", ConvergenceWarning)
            nmf = NMF(k, init="nndsvda", max_iter=1000, random_state=random_state)
            raw[main] = nmf.fit_transform(normalize(H[main])).argmax(axis=1)
    others = list(dict.fromkeys(languages[~main].tolist()))
    for i, language in enumerate(others):
        raw[languages == language] = k + i
    W = np.asarray(document_topic, dtype=float)
    best = W.argmax(axis=1)[W.sum(axis=1) > 0]
    talks = np.bincount(raw[best], minlength=k + len(others))
    used = sorted(set(raw.tolist()), key=lambda t: (-talks[t], int(np.argmax(raw == t))))
    renumber = {old: new for new, old in enumerate(used)}
    return np.array([renumber[t] for t in raw.tolist()], dtype=int)


def theme_labels(
    H: np.ndarray,
    themes: np.ndarray,
    terms: np.ndarray,
    topic_languages: Sequence[str] | None = None,
    document_topic: np.ndarray | None = None,
    document_term=None,
    analyzers: Sequence = (),
) -> list[str]:
    """A label per theme from its word weights (:func:`topics.model.summary.theme_word`),
    made as a topic's is (:func:`topics.model.labels.topic_labels`, a theme's talks
    weighing the sum of its topics' columns of ``document_topic``); a theme of another
    language than the first topic's starts with its name (``"Italian: django · odoo"``).
    Empty without themes."""
    weights = theme_word(H, themes)
    if not len(weights):
        return []
    languages = list(topic_languages or [""] * len(themes))
    theme_languages = [languages[int(np.argmax(themes == t))] for t in range(len(weights))]
    W = None
    if document_topic is not None:
        grouped = np.flatnonzero(themes >= 0)
        membership = np.zeros((len(themes), len(weights)))
        membership[grouped, themes[grouped]] = 1.0
        W = document_topic @ membership
    labels = topic_labels(
        weights, terms, W, document_term, theme_languages if topic_languages else None, analyzers
    )
    for theme, language in enumerate(theme_languages):
        if language and language != languages[0]:
            labels[theme] = f"{language_name(language)}: {labels[theme]}"
    return labels


def themes_table(model):
    """The themes of a fitted :class:`~topics.model.TopicModel` as a table: see its
    ``themes_`` attribute.

    Returns
    -------
    pandas.DataFrame, shape (n_themes, 5)
        Index ``theme`` (the theme's number, 1-based as on the site: theme ``t + 1`` is
        ``t`` in ``topic_themes_``); columns ``label``, ``topics`` (the numbers of the
        theme's topics, 1-based as ``topics_``'s index, as a list), ``n_topics``, ``size``
        (talks whose strongest topic is in it) and ``top_words`` (the ten heaviest terms,
        comma-separated). No rows without themes.
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
                "topics": [t + 1 for t in members],
                "n_topics": len(members),
                "size": int(sizes[members].sum()),
                "top_words": ", ".join(str(model.terms_[i]) for i in order if weights[theme, i]),
            }
        )
    return pd.DataFrame(
        rows,
        index=pd.RangeIndex(1, len(rows) + 1, name="theme"),
        columns=["label", "topics", "n_topics", "size", "top_words"],
    )
