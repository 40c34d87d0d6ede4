"""The site's data export: topics, topic-word weights and talk-topic weights, as CSV and JSON.

Files written into the site's ``data/`` folder (UTF-8; CSV as RFC 4180, with a header row)::

    topics.csv / topics.json             number, label, size, stability, top words
    topic-words.csv / topic-words.json   the top TOP_WORDS terms of every topic with their
                                         weight in H (a row of NMF's topic-word matrix)
    talk-topics.csv / talk-topics.json   every talk's raw weights in W, one column per topic

``size`` counts the talks whose strongest topic it is; ``stability`` is the model's
``topic_stability_`` when it has one, empty otherwise. Terms may hold spaces (phrases).

Titles, events, labels and terms come from strangers: a CSV text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, which a spreadsheet would run as a
formula (``=HYPERLINK(...)``), is written with a ``'`` before it, as OWASP recommends
(https://owasp.org/www-community/attacks/CSV_Injection). The JSON files hold the exact text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Terms kept per topic in the topic-word export (the full H row is rarely of use).
TOP_WORDS = 50

#: Decimals kept for weights.
DECIMALS = 6


@dataclass(frozen=True)
class ExportedTopic:
    """One topic as exported."""

    number: int
    label: str
    size: int
    stability: float | None
    words: Sequence[tuple[str, float]]  # (term, weight in H), highest first, TOP_WORDS at most


#: Talks per block of the talk tables, written one block at a time.
EXPORT_BLOCK = 5_000

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV Injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell no spreadsheet runs: text starting as a formula does gets a ``'`` first."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _writer(out):
    """A CSV writer with RFC 4180 line ends (CRLF): a cell holding a lone CR is then quoted,
    which with LF ends Python's writer leaves bare, for readers to take as a line end."""
    return csv.writer(out, lineterminator="\r\n")


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    _writer(buffer).writerows([map(_cell, row) for row in rows])
    return buffer.getvalue()


def _json(value, pretty: bool = True) -> str:
    if pretty:
        return json.dumps(value, ensure_ascii=False, indent=1) + "\n"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def write_exports(
    topics: Sequence[ExportedTopic],
    talks: Sequence[tuple[str, str, str]],
    document_topic: np.ndarray,
    folder: Path,
) -> dict[str, Path]:
    """Write the six export files into ``folder``.

    Parameters
    ----------
    topics : sequence of ExportedTopic, length n_topics
    talks : sequence of (id, title, event), length n_talks
    document_topic : array, shape (n_talks, n_topics)
        W: raw document-topic weights.
    folder : pathlib.Path
        Created if missing.

    Returns
    -------
    dict of str to pathlib.Path
        File name -> path, in the order written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    W = np.asarray(document_topic, dtype=float)
    files: dict[str, str] = {}

    header = ["number", "label", "size", "stability", "top_words"]
    rows = [
        [
            t.number,
            t.label,
            t.size,
            "" if t.stability is None else _round(t.stability),
            "; ".join(w for w, _ in t.words[:10]),
        ]
        for t in topics
    ]
    files["topics.csv"] = _csv([header, *rows])
    files["topics.json"] = _json(
        [
            {
                "number": t.number,
                "label": t.label,
                "size": t.size,
                "stability": None if t.stability is None else _round(t.stability),
                "top_words": [w for w, _ in t.words[:10]],
            }
            for t in topics
        ]
    )

    rows = [
        [t.number, rank, word, _round(weight)]
        for t in topics
        for rank, (word, weight) in enumerate(t.words[:TOP_WORDS], 1)
    ]
    files["topic-words.csv"] = _csv([["topic", "rank", "term", "weight"], *rows])
    files["topic-words.json"] = _json(
        [
            {
                "topic": t.number,
                "label": t.label,
                "terms": [[w, _round(weight)] for w, weight in t.words[:TOP_WORDS]],
            }
            for t in topics
        ]
    )

    columns = [f"topic_{t.number}" for t in topics]
    paths = {}
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        paths[name] = path
    # The talk tables are written a block of talks at a time: all the weights of a large
    # corpus as Python lists and strings would take twice their size again.
    paths["talk-topics.csv"] = folder / "talk-topics.csv"
    paths["talk-topics.json"] = folder / "talk-topics.json"
    with (
        paths["talk-topics.csv"].open("w", encoding="utf-8", newline="") as table,
        paths["talk-topics.json"].open("w", encoding="utf-8", newline="") as listing,
    ):
        writer = _writer(table)
        writer.writerow(["id", "title", "event", *columns])
        # One JSON line: 15,000 talks x 80 topics would double in size indented.
        numbers = _json([t.number for t in topics], pretty=False)[:-1]
        listing.write(f'{{"topics":{numbers},"talks":[')
        for start in range(0, len(talks), EXPORT_BLOCK):
            weights = np.round(W[start : start + EXPORT_BLOCK], DECIMALS).tolist()
            block = talks[start : start + EXPORT_BLOCK]
            writer.writerows(
                [*map(_cell, talk), *row] for talk, row in zip(block, weights, strict=True)
            )
            rows = (
                {"id": i, "title": title, "event": event, "weights": row}
                for (i, title, event), row in zip(block, weights, strict=True)
            )
            lines = ",".join(_json(record, pretty=False)[:-1] for record in rows)
            listing.write(("," if start else "") + lines)
        listing.write("]}\n")
    return paths
