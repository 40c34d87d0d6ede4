"""Positions of the talks on the site's 2-D map, computed at build time.

The layout is a "topic disc" map rather than a general-purpose embedding such as t-SNE,
which is far slower (docs/decisions.md, "Large corpora"):

1. Each topic is a disc whose area is proportional to its number of talks (the talks whose
   strongest topic it is). The discs start on a ring, ordered so that related topics are
   neighbours (a greedy chain on ``topic_similarity``), then are packed together: pulled
   towards the middle and pushed apart where they overlap, a few hundred rounds of
   O(K^2), until they fill a round area with ``gap`` between neighbours.
2. Inside its disc a talk's distance from the centre grows with how mixed it is: talks
   almost entirely about the topic fill the middle, talks that share themselves with
   other topics the rim (the rank of the dominant share, spread uniformly over the
   disc's area, as in Vogel's sunflower spiral).
3. Its direction points towards the other topics of its mix (the weighted mean of the
   directions to their discs), so a talk on testing *and* the web sits on the testing
   disc's side that faces the web disc. Talks that are pure one-topic talks take the
   golden-angle direction of their rank instead, filling the disc evenly.

Talks with no topic weight at all (no word in common with the topics, or another
language than the model's) are not placed.

Cost: O(n K) time for the directions, O(n log n) for the ranks, O(n) memory; 100,000
talks are placed in well under a second. Positions are deterministic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model.similarity import topic_shares
from .views import TopicLink

#: Golden angle in radians: successive ranks turn by it, which fills a disc evenly.
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

#: Share of the other topics at which a talk's direction leans on its mix the most, and how
#: much it leans then (the rest is the golden-angle direction of its rank, which keeps the
#: disc evenly filled even when most talks are mixed).
LEAN, MAX_LEAN = 1 / 3, 0.6


def topic_order(
    topic_similarity: np.ndarray | None, sizes: np.ndarray, themes: np.ndarray | None = None
) -> list[int]:
    """Order of the topics around the ring: largest first, then each most similar to the last,
    the topics of the last one's theme before any other (so that a theme's discs, of one
    colour, are neighbours).

    Parameters
    ----------
    topic_similarity : array, shape (K, K), or None
        Any symmetric similarity; topic number order when ``None``.
    sizes : array, shape (K,)
        Talks per topic.
    themes : array of int, shape (K,), or None
        Each topic's theme; ``None``: no themes.
    """
    K = len(sizes)
    if topic_similarity is None or K < 3:
        return list(range(K))
    S = np.asarray(topic_similarity, dtype=float)
    theme = np.zeros(K, dtype=int) if themes is None else np.asarray(themes, dtype=int)
    order = [int(np.argmax(sizes))]
    left = set(range(K)) - set(order)
    while left:
        last = order[-1]
        nxt = max(sorted(left), key=lambda u: (theme[u] == theme[last], S[last, u], sizes[u]))
        order.append(nxt)
        left.remove(nxt)
    return order


def disc_centres(radii: np.ndarray, order: list[int], gap: float) -> np.ndarray:
    """Centres of discs of the given radii on a ring, neighbours ``gap`` apart at least.

    Each disc gets an arc of the ring proportional to the room it and its neighbours need;
    the ring's radius is the smallest for which every chord between neighbours is long
    enough.
    """
    K = len(radii)
    centres = np.zeros((K, 2))
    if K == 1:
        return centres
    ring = [radii[t] for t in order]
    needs = np.array([ring[i] + ring[(i + 1) % K] + gap for i in range(K)])
    steps = 2 * math.pi * needs / needs.sum()
    if K == 2:
        steps = np.array([math.pi, math.pi])
    pairs = zip(needs, steps, strict=True)
    R = max(d / (2 * math.sin(min(step, math.pi) / 2)) for d, step in pairs)
    angle = math.pi / 2
    for i, t in enumerate(order):
        centres[t] = (R * math.cos(angle), R * math.sin(angle))
        angle -= steps[i]
    return pack(centres, np.asarray(radii, dtype=float), gap)


def pack(centres: np.ndarray, radii: np.ndarray, gap: float, rounds: int = 400) -> np.ndarray:
    """Pull discs towards their common centre while keeping ``gap`` between any two.

    Each round moves every disc a little towards the origin, then pushes every overlapping
    pair apart along the line of their centres; the last rounds only push, so that no two
    discs overlap at the end.
    """
    K = len(radii)
    if K < 2:
        return centres.copy()
    # The pairs i < j in row order, each coordinate apart: K^2 / 2 distances a round, and
    # a few small arrays per step (this loop's cost is numpy's per-call overhead).
    first, second = np.triu_indices(K, 1)
    need = radii[first] + radii[second] + gap
    # Each overlap is split between the two discs, the smaller one moving more.
    share = radii[second] / (radii[first] + radii[second])
    rest = 1 - share
    x, y = centres[:, 0].copy(), centres[:, 1].copy()
    for round_ in range(rounds):
        if round_ < rounds - 100:
            x *= 0.97
            y *= 0.97
        for _ in range(4):
            dx, dy = x[first] - x[second], y[first] - y[second]
            distance = np.sqrt(dx * dx + dy * dy)
            # Only the overlapping pairs move: a few of them. np.bincount adds each disc's
            # pushes in pair order, as a sum over the K x K pairs would.
            pairs = np.flatnonzero(distance < need)
            if not len(pairs):
                break
            i, j, apart = first[pairs], second[pairs], distance[pairs]
            overlap = need[pairs] - apart
            moving = apart > 0
            ux = np.divide(dx[pairs], apart, out=np.zeros(len(pairs)), where=moving)
            uy = np.divide(dy[pairs], apart, out=np.zeros(len(pairs)), where=moving)
            push, pull = overlap * share[pairs], overlap * rest[pairs]
            x += np.bincount(i, push * ux, K)
            y += np.bincount(i, push * uy, K)
            x -= np.bincount(j, pull * ux, K)
            y -= np.bincount(j, pull * uy, K)
    centres = np.column_stack([x, y])
    return centres - centres.mean(axis=0)


def talk_positions(
    document_topic: np.ndarray,
    topic_similarity: np.ndarray | None = None,
    themes: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place every talk that has a topic on the map.

    Parameters
    ----------
    document_topic : array, shape (n_talks, n_topics)
        W: non-negative topic weights.
    topic_similarity : array, shape (n_topics, n_topics), optional
        Similarity of topics, to put related topics side by side.
    themes : array of int, shape (n_topics,), optional
        Each topic's theme, to put the topics of a theme side by side.

    Returns
    -------
    positions : ndarray of float, shape (n_talks, 2)
        In [0, 1] x [0, 1] (same scale on both axes; y grows downwards, like the screen);
        NaN for talks with no topic weight.
    centres : ndarray of float, shape (n_topics, 2)
        The centre of each topic's disc, in the same coordinates.
    radii : ndarray of float, shape (n_topics,)
        The radius of each topic's disc, in the same unit.
    """
    S = topic_shares(document_topic)
    n, K = S.shape
    placed = S.sum(axis=1) > 0
    dominant = np.argmax(S, axis=1)
    sizes = np.bincount(dominant[placed], minlength=K)
    radii = np.sqrt(np.maximum(sizes, 1)).astype(float)
    gap = 1 + 0.25 * float(radii.mean())
    centres = disc_centres(radii, topic_order(topic_similarity, sizes, themes), gap)

    positions = np.full((n, 2), np.nan)
    for k in range(K):
        members = np.flatnonzero(placed & (dominant == k))
        if not len(members):
            continue
        dominance = S[members, k]
        members = members[np.lexsort((members, -dominance))]  # purest first
        ranks = np.arange(len(members))
        rho = radii[k] * np.sqrt((ranks + 0.5) / len(members))
        # The direction of the other topics of each talk's mix, from this disc's centre.
        towards = centres - centres[k]
        lengths = np.linalg.norm(towards, axis=1, keepdims=True)
        towards = np.divide(towards, lengths, out=np.zeros_like(towards), where=lengths > 0)
        others = S[members].copy()
        others[:, k] = 0
        lean = others @ towards  # (members, 2); its length is at most 1 - dominance
        strength = MAX_LEAN * np.minimum(1.0, np.linalg.norm(lean, axis=1) / LEAN)[:, None]
        golden = np.column_stack([np.cos(ranks * GOLDEN_ANGLE), np.sin(ranks * GOLDEN_ANGLE)])
        lean_unit = np.divide(
            lean,
            np.linalg.norm(lean, axis=1, keepdims=True),
            out=golden.copy(),
            where=np.linalg.norm(lean, axis=1, keepdims=True) > 0,
        )
        # Rotate each leaning direction a little (by its rank), so that talks with the same
        # mix spread over a sector instead of lining up on one ray.
        wiggle = (np.modf(ranks * 0.6180339887)[0] - 0.5) * 1.2
        cos, sin = np.cos(wiggle), np.sin(wiggle)
        x, y = lean_unit[:, 0], lean_unit[:, 1]
        lean_unit = np.column_stack([cos * x - sin * y, sin * x + cos * y])
        direction = (1 - strength) * golden + strength * lean_unit
        norms = np.linalg.norm(direction, axis=1, keepdims=True)
        direction = np.divide(direction, norms, out=golden.copy(), where=norms > 1e-9)
        positions[members] = centres[k] + rho[:, None] * direction

    # Into [0, 1]^2, keeping the aspect ratio, with a margin; screen y grows downwards.
    low = (centres - radii[:, None]).min(axis=0)
    high = (centres + radii[:, None]).max(axis=0)
    span = float(max(high - low)) or 1.0
    margin = 0.02
    scale = (1 - 2 * margin) / span
    offset = margin + ((1 - 2 * margin) - (high - low) * scale) / 2

    def to_unit(points: np.ndarray) -> np.ndarray:
        unit = (points - low) * scale + offset
        unit[:, 1] = 1 - unit[:, 1]
        return unit

    return to_unit(positions), to_unit(centres), radii * scale


def _js(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_map_data(
    topics: Sequence[TopicLink],
    talks: Sequence[tuple[str, str]],
    best: np.ndarray,
    W: np.ndarray,
    similarity: np.ndarray | None,
    path: Path,
    themes: np.ndarray | None = None,
) -> Path:
    """Write ``map/points.js``: topic discs and talk positions (:func:`talk_positions`).

    ``window.topicsMap = {topics: [{n, label, color, href, x, y, r, theme}], talks: [[x,
    y, topic index, id, title], ...]}``, coordinates in [0, 1], ``theme`` the topic's
    theme index (-1 without themes), talks without a topic left out.

    Parameters
    ----------
    topics : sequence of TopicLink, length n_topics
    talks : sequence of (id, title), length n_talks
    best : ndarray of int, shape (n_talks,)
        Each talk's strongest topic; -1 for none (left out).
    W : ndarray, shape (n_talks, n_topics)
    similarity : ndarray, shape (n_topics, n_topics), or None
        Of the topics' words (see :func:`talk_positions`).
    path : pathlib.Path
    themes : ndarray of int, shape (n_topics,), or None
        Each topic's theme; ``None``: no themes.
    """
    positions, centres, radii = talk_positions(W, similarity, themes)
    shown = [
        {
            "n": topic.number,
            "label": topic.label,
            "color": topic.color,
            "href": topic.href,
            "x": round(float(centres[k, 0]), 4),
            "y": round(float(centres[k, 1]), 4),
            "r": round(float(radii[k]), 4),
            "theme": -1 if themes is None else int(themes[k]),
        }
        for k, topic in enumerate(topics)
    ]
    finite = np.isfinite(positions[:, 0]).tolist()
    points = [
        [x, y, k, id, title]
        for (id, title), k, (x, y), keep in zip(
            talks, best.tolist(), np.round(positions, 4).tolist(), finite, strict=True
        )
        if k >= 0 and keep
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.topicsMap = {_js({'topics': shown, 'talks': points})};\n", "utf-8")
    return path
