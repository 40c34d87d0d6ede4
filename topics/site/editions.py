"""Topics across the editions of a conference: each topic's share of each event's talks.

A topic's share of an event is the mean, over the event's talks that have a topic, of the
topic's share of each talk's mix (rows of W scaled to sum to one), so the shares of one
event add up to 100% and a talk counts once whatever its length. The number of talks whose
strongest topic it is comes alongside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model.similarity import topic_shares


@dataclass(frozen=True)
class EventShares:
    """Topic shares per event.

    ``events`` in order (natural sort of their names: ``x-2016`` before ``x-2019``);
    ``shares[e, k]`` in [0, 1], rows summing to 1 (or 0 for an event without topics);
    ``strongest[e, k]`` talks of event ``e`` whose strongest topic is ``k``; ``talks[e]``
    all talks of event ``e``, ``with_topic[e]`` those with any topic weight.
    """

    events: list[str]
    shares: np.ndarray
    strongest: np.ndarray
    talks: np.ndarray
    with_topic: np.ndarray


def natural_key(text: str) -> list:
    """Sort key that orders the numbers inside names by value (``a-9`` before ``a-10``)."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


def event_shares(events: Sequence[str], document_topic: np.ndarray) -> EventShares:
    """Each topic's share of each event.

    Parameters
    ----------
    events : sequence of str, length n_talks
        The event of each talk (``""`` when unknown: an event of its own).
    document_topic : array, shape (n_talks, n_topics)
        W: non-negative topic weights.
    """
    S = topic_shares(document_topic)
    names = sorted(set(events), key=natural_key)
    position = {name: e for e, name in enumerate(names)}
    rows = np.array([position[name] for name in events], dtype=np.int64)
    E, K = len(names), S.shape[1]
    has_topic = S.sum(axis=1) > 0
    sums = np.zeros((E, K))
    np.add.at(sums, rows, S)
    with_topic = np.bincount(rows[has_topic], minlength=E)
    counts = with_topic[:, None]
    shares = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    strongest = np.zeros((E, K), dtype=np.int64)
    np.add.at(strongest, (rows[has_topic], np.argmax(S[has_topic], axis=1)), 1)
    return EventShares(
        events=names,
        shares=shares,
        strongest=strongest,
        talks=np.bincount(rows, minlength=E),
        with_topic=with_topic,
    )
