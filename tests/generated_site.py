"""A generated conference of any size, and fixed topic weights for it (no model fitted).

Each talk is about one of three themes; its abstract mixes the theme's words with a word
of its own (:func:`own_word`), found in no other talk, so a search for it must find
exactly that talk.
"""

from __future__ import annotations

import numpy as np

from topics.corpus import Corpus, Talk

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


def generated(n_talks: int, seed: int = 0) -> tuple[Corpus, object, np.ndarray]:
    """``n_talks`` talks, a stand-in fitted model, and their topic weights W (n_talks, 3)."""
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
    return Corpus(talks=talks, title="Generated conference"), _Model(names), W


class _Model:
    """The fitted state the site reads, for the three themes."""

    random_state = 0

    def __init__(self, names: list[str]):
        vocabulary = sorted({w for words in THEMES.values() for w in words.split()})
        self.feature_names_ = np.array(vocabulary, dtype=object)
        self.components_ = np.array(
            [[1.0 if w in THEMES[name].split() else 0.0 for w in vocabulary] for name in names]
        )
        self.topic_labels_ = list(names)
        self.n_components_ = len(names)

    def top_words(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        row = self.components_[topic]
        order = np.argsort(-row, kind="stable")[:n]
        return [(str(self.feature_names_[i]), float(row[i])) for i in order if row[i] > 0]
