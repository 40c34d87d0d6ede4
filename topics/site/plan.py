"""The attendee's plan: the compact export the "My plan" page reads, and the schedule export.

The site's ``plan.html`` (``templates/plan.html``, ``templates/static/plan.js``) keeps the
talks an attendee saves in the browser's ``localStorage``, flags saved talks that overlap,
recommends talks from the saved talks' topic mixes and writes an iCalendar file, all in
the browser, offline. It reads ``plan/talks.js``, written here::

    window.topicsPlan = {
      scale: 10000,
      zones: [[name, vtimezone], ...],   // IANA name, RFC 5545 VTIMEZONE text (CRLF)
      topics: [[number, label, href], ...],   // one per column of W
      urlBase: "https://...",           // what every talk URL starts with
      talks: [[id, title, speakers, start, end, zone, room, url, [k, q, k, q, ...]], ...]
    }

``start``/``end`` are ISO 8601 date-times with their UTC offset, ``null`` when the talk
has no usable time; ``zone`` indexes ``zones`` (``-1``: none named); ``url`` follows
``urlBase`` (``""``: none; only http(s) URLs are kept). The last item is the talk's topic
mix, sparse and quantised: topic index ``k`` (into ``topics``) and ``q = round(scale *
W[i, k] / sum(W[i]))``, highest first, the zeros left out. Cosines of these rows are those
of W's rows to within the rounding (at most half of ``1 / scale`` in each share).

The schedule export (``data/schedule.csv``, ``data/schedule.json``) gives every talk's
day, time and room as the source wrote them, its normalised ``start``, ``end`` and
``timezone``, and says which talks have no usable time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from joblib import delayed

from ..corpus import Corpus
from .export import _csv, _json

#: Quantisation of the topic shares in the compact export: ``q / SCALE`` is the share.
SCALE = 10_000


def mixes(W: np.ndarray) -> list[list[int]]:
    """Each talk's topic mix, sparse and quantised, as the compact export holds it.

    Parameters
    ----------
    W : ndarray, shape (n_talks, n_topics)
        Non-negative talk-topic weights.

    Returns
    -------
    list of list of int, length n_talks
        ``[k, q, k, q, ...]``: topic index ``k`` and ``q = round(SCALE * W[i, k] /
        sum(W[i]))``, ``q`` descending (ties by ``k``), zeros left out; ``[]`` for a talk
        whose weights are all zero.
    """
    W = np.asarray(W, dtype=float)
    sums = W.sum(axis=1, keepdims=True)
    shares = np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)
    quantised = np.rint(shares * SCALE).astype(np.int64)
    rows = []
    for row in quantised:
        nonzero = np.flatnonzero(row)
        order = nonzero[np.lexsort((nonzero, -row[nonzero]))]
        rows.append([int(v) for k in order for v in (k, row[k])])
    return rows


def vtimezone(name: str, first: date, last: date) -> str:
    """RFC 5545 ``VTIMEZONE`` of the IANA zone ``name``, for the years ``first`` to
    ``last`` (their transitions, from :meth:`icalendar.Timezone.from_tzinfo`), CRLF lines.

    Raises
    ------
    zoneinfo.ZoneInfoNotFoundError
        If ``name`` is not a zone (a talk's ``timezone`` is checked when it is made).
    """
    from icalendar import Timezone  # only for talks with a time zone

    component = Timezone.from_tzinfo(
        ZoneInfo(name),
        tzid=name,
        first_date=date(first.year, 1, 1),
        last_date=date(last.year + 1, 1, 1),
    )
    return component.to_ical().decode("utf-8").rstrip("\r\n")


def _common_prefix(urls: Sequence[str]) -> str:
    """The longest start, up to a ``/``, of every non-empty URL, shorter than each."""
    urls = [u for u in urls if u]
    if len(urls) < 2:
        return ""
    # What the first and the last in sorted order share, all share.
    first, last = min(urls), max(urls)
    n = min(len(first), len(last), *(len(u) - 1 for u in urls))
    n = next((i for i, (a, b) in enumerate(zip(first[:n], last[:n], strict=True)) if a != b), n)
    prefix = first[:n]
    return prefix[: prefix.rfind("/") + 1]


#: A topic as the site shows it: (column of W, number, label, href).
SiteTopic = tuple[int, int, str, str]


def plan_data(corpus: Corpus, W: np.ndarray, topics: Sequence[SiteTopic]) -> dict:
    """The compact export's content (see the module's documentation).

    Parameters
    ----------
    corpus : Corpus
        ``n_talks`` talks.
    W : ndarray, shape (n_talks, n_topics)
        Talk-topic weights, rows in corpus order.
    topics : sequence of SiteTopic
        The site's topics; a column of W that is none of them gets ``[0, "", ""]``.
    """
    zones: dict[str, list[date]] = {}
    for talk in corpus:
        if talk.start and talk.timezone:
            day = datetime.fromisoformat(talk.start).date()
            zones.setdefault(talk.timezone, []).append(day)
    names = sorted(zones)
    shown = {column: [number, label, href] for column, number, label, href in topics}
    index = {name: i for i, name in enumerate(names)}
    urls = [t.url if t.url.startswith(("http://", "https://")) else "" for t in corpus]
    base = _common_prefix(urls)
    talks = [
        [
            talk.id,
            talk.title,
            ", ".join(talk.speakers),
            talk.start or None,
            talk.end or None,
            index.get(talk.timezone, -1) if talk.start else -1,
            talk.room,
            url.removeprefix(base),
            mix,
        ]
        for talk, url, mix in zip(corpus, urls, mixes(W), strict=True)
    ]
    return {
        "scale": SCALE,
        "zones": [[name, vtimezone(name, min(zones[name]), max(zones[name]))] for name in names],
        "topics": [shown.get(k, [0, "", ""]) for k in range(np.shape(W)[1])],
        "urlBase": base,
        "talks": talks,
    }


def write_plan_data(corpus: Corpus, W: np.ndarray, topics: Sequence[SiteTopic], path: Path) -> Path:
    """Write ``plan/talks.js`` (see :func:`plan_data`): one line, ``window.topicsPlan = ...``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = json.dumps(plan_data(corpus, W, topics), ensure_ascii=False, separators=(",", ":"))
    # "</script>" or U+2028 cannot end the script early: the file is loaded by <script src>,
    # never inlined, and JSON is valid JavaScript since ES2019.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.topicsPlan = {text};\n", encoding="utf-8")
    return path


#: The schedule export's files, as the index page lists them: (name, description).
SCHEDULE_DOWNLOADS = (
    ("schedule.csv", "Times: day, time and room of every talk, start and end with time zone"),
    ("schedule.json", "The same, as JSON, with the talks that have no usable time"),
)

#: Columns of the schedule export.
SCHEDULE_COLUMNS = ("id", "title", "day", "time", "room", "start", "end", "timezone")


def write_schedule(corpus: Corpus, folder: Path) -> dict[str, Path]:
    """Write ``schedule.csv`` and ``schedule.json`` into ``folder``: every talk's time.

    ``day``, ``time`` and ``room`` as the source wrote them; ``start``, ``end`` (ISO
    8601 with UTC offset) and ``timezone`` (IANA name) as normalised by
    :mod:`topics.sources.times`: empty in the CSV, ``null`` in the JSON, when unknown. The
    JSON's ``without_time`` lists the ids of the talks with no usable time (no ``start``).

    Returns
    -------
    dict of str to pathlib.Path
        File name -> path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rows = [[getattr(talk, name) for name in SCHEDULE_COLUMNS] for talk in corpus]
    listing = {
        "talks": [
            {
                name: (value or None) if name in ("start", "end", "timezone") else value
                for name, value in zip(SCHEDULE_COLUMNS, row, strict=True)
            }
            for row in rows
        ],
        "without_time": [talk.id for talk in corpus if not talk.start],
    }
    paths = {"schedule.csv": folder / "schedule.csv", "schedule.json": folder / "schedule.json"}
    paths["schedule.csv"].write_text(
        _csv([list(SCHEDULE_COLUMNS), *rows]), encoding="utf-8", newline=""
    )
    paths["schedule.json"].write_text(_json(listing), encoding="utf-8", newline="")
    return paths


def plan_jobs(
    corpus: Corpus, W: np.ndarray, topics: Sequence[SiteTopic], folder: Path, parts
) -> list:
    """The jobs writing ``plan/talks.js`` (part ``"plan"``) and the schedule export (part
    ``"data"``) into the site ``folder``: :func:`joblib.delayed` calls, as
    :func:`topics.site.pages.data_jobs` makes."""
    jobs = []
    if "plan" in parts:
        jobs.append(delayed(write_plan_data)(corpus, W, topics, folder / "plan" / "talks.js"))
    if "data" in parts:
        jobs.append(delayed(write_schedule)(corpus, folder / "data"))
    return jobs
