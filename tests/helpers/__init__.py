"""What the tests share besides fixtures: paths, and the hand-written data of tests/helpers/."""

from __future__ import annotations

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


def saved_corpus(cache: Path):
    """The corpus a crawl saved in ``cache`` (its only one, in ``cache/corpora/``)."""
    from topics.corpus import Corpus

    saved = sorted((Path(cache) / "corpora").glob("*.jsonl"))
    assert len(saved) == 1, f"{cache} holds {len(saved)} corpora"
    return Corpus.load(saved[0])
