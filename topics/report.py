"""The run report, ``run.json``: what a ``topics run``, ``crawl`` or ``build`` did.

Written beside the corpus (``<cache>/corpora/<name>.run.json``, :func:`report_file`) at
the end of a run that succeeded, so benchmarks and users read the numbers the command
showed: each stage's time and count, the candidate numbers of topics and their scores,
the languages kept, the versions of the libraries, the command. Its JSON Schema (draft 2020-12) is
:data:`SCHEMA`, shipped in the package (``topics/schemas/run.schema.json``).
"""

from __future__ import annotations

import json
import math
import os
import platform
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .progress import StageTime

#: The JSON Schema of ``run.json``.
SCHEMA = Path(__file__).with_name("schemas") / "run.schema.json"

#: Version of the report's layout (raised when a field changes meaning or goes).
REPORT_VERSION = 1

#: Distributions whose versions are reported.
LIBRARIES = ("topics", "numpy", "scipy", "scikit-learn", "joblib", "jinja2", "wordcloud")


def report_file(corpus: str | os.PathLike) -> Path:
    """Where the report of a run on ``corpus`` is written: beside it, named after it
    (``corpora/<name>.jsonl`` -> ``corpora/<name>.run.json``), as a cache holds a corpus
    per list of sources."""
    return Path(corpus).with_suffix(".run.json")


def crawled_at(corpus: str | os.PathLike) -> datetime:
    """When the corpus file was written (its modification time), in UTC."""
    return datetime.fromtimestamp(Path(corpus).stat().st_mtime, UTC)


def stage_times(stages: Sequence[StageTime]) -> list[dict]:
    """Each stage once, in the order they first ended: a stage run for each language
    (vectorize, choose k) has the sum of their seconds and counts.

    Returns
    -------
    list of dict
        ``{"name": str, "seconds": float, "count": int or None}`` each.
    """
    merged: dict[str, dict] = {}
    for s in stages:
        entry = merged.setdefault(s.name, {"name": s.name, "seconds": 0.0, "count": None})
        entry["seconds"] = round(entry["seconds"] + s.seconds, 4)
        if s.count is not None:
            entry["count"] = (entry["count"] or 0) + s.count
    return list(merged.values())


def versions() -> dict[str, str | None]:
    """The versions of Python and of :data:`LIBRARIES` (``None``: not installed)."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def run_report(
    command: Sequence[str],
    exit_code: int,
    seconds: float,
    stages: Sequence[StageTime],
    corpus: dict,
    model: dict | None = None,
    site: str | None = None,
    failed_pages: int = 0,
) -> dict:
    """The report of one run, as :data:`SCHEMA` describes it.

    Parameters
    ----------
    command : sequence of str
        The command line, ``["topics", "run", ...]``.
    exit_code : int
    seconds : float
        Wall-clock time of the whole run.
    stages : sequence of StageTime
        From :class:`topics.progress.Console`.
    corpus : dict
        ``path``, ``source``, ``talks`` and ``crawled`` (ISO 8601, UTC).
    model : dict, optional
        :func:`model_facts` of the fitted model (``None`` for ``topics crawl``).
    site : str, optional
        The site folder built.
    failed_pages : int
        Pages that could not be read.
    """
    return {
        "report_version": REPORT_VERSION,
        "command": list(command),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "exit_code": exit_code,
        "seconds": round(seconds, 4),
        "stages": stage_times(stages),
        "corpus": corpus,
        "model": model,
        "site": site,
        "failed_pages": failed_pages,
        "versions": versions(),
    }


def model_facts(model, asked: int | str) -> dict:
    """What ``run.json`` keeps of a fitted :class:`topics.model.TopicModel`: the number of
    topics (asked and found), the languages with topics and those left out, and the
    candidate numbers of topics of the main language with their scores."""
    kept = [block.language for block in model.blocks_]
    return {
        "n_topics": int(model.n_components_),
        "asked": asked,
        "main_language": model.main_language_,
        "languages": kept,
        "left_out": {lang: int(n) for lang, n in model.excluded_languages_.items()},
        "candidates": [
            {
                "k": c.n_components,
                "stability": _finite(c.stability),
                "coherence": _finite(c.coherence),
                "score": _finite(c.score),
            }
            for c in model.selection_
        ],
        "chosen": int(model.blocks_[0].topics.stop - model.blocks_[0].topics.start),
    }


def _finite(x: float) -> float | None:
    """``x`` rounded, or ``None`` when it is NaN or infinite (which JSON cannot hold)."""
    return round(float(x), 6) if math.isfinite(x) else None


def save_report(report: dict, path: str | os.PathLike) -> Path:
    """Write ``report`` as JSON to ``path``, atomically (a reader never sees half of it)."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".run-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(report, file, indent=2, ensure_ascii=False)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
