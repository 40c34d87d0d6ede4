"""The toy programme: talks in four themes (and three Spanish talks), written by hand.

One corpus for the tests of the model, the Python API and the benchmark harnesses: each
theme's talks share its words, so a model must find one topic per theme.
"""

from __future__ import annotations

import numpy as np

from topics.corpus import Corpus, Talk

#: Theme -> its words.
THEMES = {
    "testing": "pytest fixtures mocking unit tests coverage assertions test suites flaky tests",
    "web": "django views templates web framework http requests middleware web applications",
    "data": "pandas dataframes numpy arrays data analysis plotting notebooks statistics",
    "async": "asyncio event loop coroutines async await sockets concurrency network servers",
}

#: Talks in Spanish: too few for topics of their own.
SPANISH = [
    "Una charla sobre cómo usar Python para el análisis de datos en la empresa y los retos.",
    "En esta charla vamos a ver las novedades de Django para los desarrolladores de la web.",
    "Los generadores de Python son una herramienta para escribir código más claro y legible.",
]


def programme(n_per_theme: int = 8, spanish: bool = True, seed: int | None = None) -> Corpus:
    """``n_per_theme`` talks per theme (ids ``<theme>-<i>``), then the Spanish ones (``es-<i>``).

    Each abstract holds eight words of its theme: consecutive windows of its words, or,
    given a ``seed``, words drawn at random (for many talks per theme, whose windows would
    repeat).
    """
    rng = None if seed is None else np.random.default_rng(seed)
    talks = []
    for theme, words in THEMES.items():
        vocabulary = words.split()
        for i in range(n_per_theme):
            if rng is None:
                picked = " ".join(vocabulary[(i + j) % len(vocabulary)] for j in range(8))
            else:
                picked = " ".join(rng.choice(vocabulary, size=8))
            talks.append(
                Talk(
                    id=f"{theme}-{i}",
                    title=f"{theme.title()} in practice, part {i}",
                    abstract=f"We look at {picked}. Then more about {picked}.",
                    speakers=(f"Speaker {theme.title()}{i} Person",),
                )
            )
    if spanish:
        talks += [Talk(id=f"es-{i}", title="Charla", abstract=t) for i, t in enumerate(SPANISH)]
    return Corpus(talks, title="TestCon")


def themes(corpus: Corpus) -> list[str]:
    """The theme of each talk of :func:`programme` (``"es"`` for a Spanish talk)."""
    return [talk.id.rsplit("-", 1)[0] for talk in corpus]
