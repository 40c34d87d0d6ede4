"""The site's word clouds: one PNG per topic (``wordclouds/topic-<number>.png``) and per
theme (``wordclouds/theme-<number>.png``).

Drawn by :func:`topics.model.wordclouds.wordcloud_png`, cached with
:class:`joblib.Memory` when one is given, and drawn in parallel with
:class:`joblib.Parallel`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from joblib import Memory, Parallel, delayed

from ..model.summary import ModelSummary
from ..model.wordclouds import CLOUD_WORDS, HEIGHT, SCALE, WIDTH, clean_weights, wordcloud_png
from ..progress import track

#: Fewer clouds than this to draw are drawn in this process: starting worker processes
#: costs more than they save (docs/decisions.md, "One conference in seconds").
PROCESS_MIN_CLOUDS = 40


def topic_weights(summary: ModelSummary, n_words: int = CLOUD_WORDS) -> list[dict[str, float]]:
    """Top-word weights of every topic of a fitted model.

    Parameters
    ----------
    summary : ModelSummary
    n_words : int
        Words kept per topic, highest weights first.

    Returns
    -------
    list of dict, length n_topics
        Word -> weight (a row of H restricted to its top words) per topic.
    """
    return [dict(summary.top_words(k, n_words)) for k in range(summary.n_topics)]


def theme_weights(summary: ModelSummary, n_words: int = CLOUD_WORDS) -> list[dict[str, float]]:
    """Top-word weights of every theme (:meth:`ModelSummary.theme_top_words`), as
    :func:`topic_weights`; empty when the topics have no themes."""
    return [dict(summary.theme_top_words(t, n_words)) for t in range(summary.n_themes)]


def write_wordclouds(
    weights: Sequence[Mapping[str, float]],
    folder: str | os.PathLike,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    random_state: int = 0,
    memory: Memory | None = None,
    n_jobs: int | None = -1,
    name: str = "topic-{number}.png",
) -> list[Path]:
    """Write one word cloud PNG per topic into ``folder``.

    Parameters
    ----------
    weights : sequence of mapping of str to float, length n_topics
        Word weights of each topic, as returned by :func:`topic_weights`.
    folder : path
        Where to write the images; created if missing.
    width, height, scale, random_state
        As in :func:`topics.model.wordclouds.wordcloud_image`; every topic uses the same seed.
    memory : joblib.Memory or None
        Cache of the PNGs, keyed by the weights, size, scale and seed.
    n_jobs : int or None, default -1
        Worker processes for :class:`joblib.Parallel` (-1: one per CPU), used when there
        are :data:`PROCESS_MIN_CLOUDS` clouds or more to draw.
    name : str, default ``"topic-{number}.png"``
        File name pattern; ``{number}`` is the 1-based topic number and ``{index}`` the
        0-based topic index.

    Returns
    -------
    list of pathlib.Path, length n_topics
        The files written, in topic order.

    Raises
    ------
    ValueError
        If the size is not positive.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(clean_weights(w), width, height, scale, random_state) for w in weights]
    images: list[bytes | None] = [None] * len(jobs)
    render = wordcloud_png
    if memory is not None:
        render = memory.cache(wordcloud_png)
        # Checked here, in this process: cached images are loaded without starting any
        # worker, and the cache's record of the function's code is written before workers
        # (which may have seen the function with another cache) store results in it.
        for i, args in enumerate(jobs):
            if render.check_call_in_cache(*args):
                images[i] = render(*args)
    todo = [i for i, png in enumerate(images) if png is None]
    if len(todo) < PROCESS_MIN_CLOUDS:
        drawn = (render(*jobs[i]) for i in todo)  # in this process, one by one
    else:
        drawn = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(render)(*jobs[i]) for i in todo
        )
    for i, png in zip(todo, track(drawn, len(todo), "cloud"), strict=True):  # as each is drawn
        images[i] = png
    paths = []
    for index, png in enumerate(images):
        path = folder / name.format(number=index + 1, index=index)
        path.write_bytes(png)
        paths.append(path)
    return paths
