"""A fitted model's topics and talks as objects and tables, for notebooks: :class:`Topic`,
and the tables :meth:`topics.model.TopicModel.talks` and ``similar`` return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..corpus import Corpus, Talk
from .similarity import top_k

if TYPE_CHECKING:
    from .estimator import TopicModel


@dataclass(frozen=True, repr=False)
class Topic:
    """One topic of a fitted :class:`TopicModel`; displays itself in Jupyter.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    index : int
        0-based topic index (a row of ``model.components_``).

    Notes
    -----
    People see the topic's :attr:`number`, ``index + 1``: its repr, its HTML, the index of
    ``model.topics_`` and the site (``topics/<number>.html``) all count from 1.
    """

    model: TopicModel
    index: int

    @property
    def number(self) -> int:
        """The topic's number for people, 1-based as on the site: ``index + 1``."""
        return self.index + 1

    @property
    def label(self) -> str:
        """Short label from the topic's most distinctive terms (see :func:`topic_labels`)."""
        return str(self.model.topic_labels_[self.index])

    @property
    def size(self) -> int:
        """Talks whose strongest topic this is."""
        return int(self.model.topics_["size"].iloc[self.index])

    @property
    def stability(self) -> float:
        """In [0, 1]: how reliably the topic returns on resampled talks."""
        return float(self.model.topic_stability_[self.index])

    def top_words(self, n: int = 10) -> list[tuple[str, float]]:
        """See :meth:`TopicModel.top_words`."""
        return self.model.top_words(self.index, n)

    def talks(self, n: int | None = None):
        """See :meth:`TopicModel.talks`."""
        return self.model.talks(self.index, n)

    def wordcloud(self, width: int = 400, height: int = 200):
        """See :meth:`TopicModel.wordcloud`."""
        return self.model.wordcloud(self.index, width, height)

    def __repr__(self) -> str:
        return f"Topic {self.number}: {self.label!r}, {self.size} talks"

    def _repr_html_(self) -> str:
        from .display import topic_html

        return topic_html(self)


def text_talk(index: int, text: str) -> Talk:
    """A talk standing for a bare text: its first line as title (for display only)."""
    title, _, rest = text.strip().partition("\n")
    return Talk(
        id=f"text-{index + 1}",
        title=title.strip()[:200] or f"text {index + 1}",
        abstract=rest.strip(),
    )


def topics_table(model):
    """The ``topics_`` table of a fitted :class:`TopicModel` (see its docstring)."""
    import pandas as pd  # only fitting needs it, not importing the package

    W = model.document_topic_
    strongest = np.where(W.sum(axis=1) > 0, W.argmax(axis=1), -1)
    k = model.n_components_
    return pd.DataFrame(
        {
            "label": model.topic_labels_,
            "size": [int((strongest == t).sum()) for t in range(k)],
            "top_words": [", ".join(w for w, _ in model.top_words(t, 10)) for t in range(k)],
            "stability": np.round(model.topic_stability_.astype(float), 3),
            "language": model.topic_languages_,
            "theme": pd.array(
                [t + 1 if t >= 0 else pd.NA for t in model.topic_themes_], dtype="Int64"
            ),
        },
        index=pd.RangeIndex(1, k + 1, name="topic"),  # the site's numbers
    )


def _talk_row(talk: Talk) -> dict[str, str]:
    return {
        "id": talk.id,
        "title": talk.title,
        "speakers": ", ".join(talk.speakers),
        "event": talk.event,
    }


def talks_table(corpus: Corpus, W: np.ndarray, topic: int, n: int | None = None):
    """The talks of a topic, heaviest first: see :meth:`topics.model.TopicModel.talks`.

    Parameters
    ----------
    corpus : Corpus
        ``n_talks`` talks.
    W : ndarray, shape (n_talks, n_topics)
    topic : int
        A column of ``W``.
    n : int, optional
        Talks kept at most; every talk with a positive weight by default.
    """
    import pandas as pd

    totals = W.sum(axis=1)
    rows = [i for i in np.argsort(-W[:, topic], kind="stable") if W[i, topic] > 0][:n]
    return pd.DataFrame(
        [
            {
                **_talk_row(corpus.talks[i]),
                "weight": float(W[i, topic]),
                "share": float(W[i, topic] / totals[i]),
            }
            for i in rows
        ],
        index=pd.Index(rows, name="talk", dtype=int),
        columns=["id", "title", "speakers", "event", "weight", "share"],
    )


def similar_table(corpus: Corpus, scores: np.ndarray, n: int):
    """The ``n`` talks of highest score that have something in common: see
    :meth:`topics.model.TopicModel.similar`.

    Parameters
    ----------
    corpus : Corpus
        ``n_talks`` talks.
    scores : ndarray, shape (n_talks,)
        Similarities in [0, 1] (``-inf`` for a talk left out).
    n : int
        Talks kept at most.
    """
    import pandas as pd

    # The site's ranking function, so ties fall as on the talk pages.
    best, values = top_k(scores[None, :], max(0, n))
    rows = [int(i) for i, v in zip(best[0], values[0], strict=True) if v > 0]
    return pd.DataFrame(
        [{**_talk_row(corpus.talks[i]), "similarity": float(scores[i])} for i in rows],
        index=pd.Index(rows, name="talk", dtype=int),
        columns=["id", "title", "speakers", "event", "similarity"],
    )


def talk_index(corpus: Corpus, talk_or_text) -> int | None:
    """The position of a talk in ``corpus``: given as a :class:`Talk`, its position or its
    id; ``None`` for any other text.

    Raises
    ------
    IndexError
        If a position is out of range.
    """
    talks = corpus.talks
    if isinstance(talk_or_text, int | np.integer):
        if not 0 <= talk_or_text < len(talks):
            raise IndexError(f"talk {talk_or_text} out of range: {len(talks)} talks")
        return int(talk_or_text)
    key = talk_or_text.id if isinstance(talk_or_text, Talk) else talk_or_text
    for i, talk in enumerate(talks):
        if talk.id == key and (not isinstance(talk_or_text, Talk) or talk == talk_or_text):
            return i
    return None
