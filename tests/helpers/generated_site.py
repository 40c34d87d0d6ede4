"""A generated conference of any size, and the summary of fixed topics for it (no model).

Each talk is about one of three themes; its abstract mixes the theme's words with a word
of its own (:func:`own_word`), found in no other talk, so a search for it must find
exactly that talk.
"""

from __future__ import annotations

import numpy as np

from topics.corpus import Corpus, Talk
from topics.model.summary import ModelSummary

THEMES = {
    "databases": "postgres index query planner replication backup transaction schema",
    "kernels": "linux kernel driver interrupt scheduler hardware firmware memory",
    "browsers": "javascript browser rendering layout accessibility stylesheet frontend",
}


def own_word(i: int) -> str:
    """A made-up word for talk ``i``: ``qx`` and six letters, two edits or more from another's."""
    n = (i * 7_919 + 12_345) * 104_729 % 26**6  # scattered: neighbours differ in many letters
    letters = ""
    for _ in range(6):
        n, r = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[r]
    return f"qx{letters}"


def generated(n_talks: int, seed: int = 0) -> tuple[Corpus, ModelSummary]:
    """``n_talks`` talks, and the summary of a model of three topics (one per theme) whose
    W gives each talk its theme's topic (no model is fitted)."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    talks, W = [], np.zeros((n_talks, len(names)))
    for i in range(n_talks):
        theme = i % len(names)
        words = THEMES[names[theme]].split()
        picked = " ".join(rng.choice(words, size=8))
        talks.append(
            Talk(
                id=f"talk-{i}",
                title=f"{names[theme].title()} in practice {i}",
                abstract=f"About {picked} and {own_word(i)}.",
                speakers=(f"Speaker {own_word(i).title()}",),
            )
        )
        W[i, theme] = 1.0
        W[i] += 0.05 * rng.random(len(names))
    vocabulary = sorted({w for words in THEMES.values() for w in words.split()})
    H = np.array([[float(w in THEMES[name].split()) for w in vocabulary] for name in names])
    summary = ModelSummary(
        topic_labels=list(names),
        terms=np.array(vocabulary, dtype=object),
        topic_word=H,
        document_topic=W,
    )
    return Corpus(talks=talks, title="Generated conference"), summary
