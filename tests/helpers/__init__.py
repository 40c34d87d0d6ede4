"""What the tests share besides fixtures: paths, and the hand-written data of tests/helpers/."""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"
ARTIFACTS = REPO / "artifacts"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path: to tell whether a site changed."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def shared_path() -> Path:
    """The shared data folder: ``$TOPICS_SHARED`` or ``../shared`` beside the repository."""
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


def error_line(err: str) -> str:
    """The one line saying why a command failed, checked: the last line of stderr, and the
    only one saying ``topics: ...``; before it only the run's story (stage lines such as
    ``read sources ...``, ``crawled 20 talks ...``), no traceback."""
    lines = err.splitlines()
    assert lines and lines[-1].startswith("topics: error: "), err
    assert not [line for line in lines[:-1] if line.startswith("topics:")], err
    assert "Traceback" not in err, err
    return lines[-1]


def saved_corpus_file(cache: Path) -> Path:
    """The file of the corpus a crawl saved in ``cache`` (its only one, in
    ``cache/corpora/``)."""
    saved = sorted((Path(cache) / "corpora").glob("*.jsonl"))
    assert len(saved) == 1, f"{cache} holds {len(saved)} corpora"
    return saved[0]


def saved_corpus(cache: Path):
    """The corpus a crawl saved in ``cache`` (its only one, in ``cache/corpora/``)."""
    from topics.corpus import Corpus

    return Corpus.load(saved_corpus_file(cache))


def run_report(cache: Path) -> dict:
    """The run report (``run.json``) of the corpus a run saved in ``cache``."""
    from topics.report import report_file

    return json.loads(report_file(saved_corpus_file(cache)).read_text(encoding="utf-8"))
