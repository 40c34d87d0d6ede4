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


def error_line(err: str) -> str:
    """The one line saying why a command failed, checked: the last line of stderr, and the
    only one saying ``topics: ...``; before it only the run's story (stage lines such as
    ``read sources ...``, ``crawled 20 talks ...``), no traceback."""
    lines = err.splitlines()
    assert lines and lines[-1].startswith("topics: error: "), err
    assert not [line for line in lines[:-1] if line.startswith("topics:")], err
    assert "Traceback" not in err, err
    return lines[-1]
