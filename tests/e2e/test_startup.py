"""What the command imports: help and listings answer without loading the model's libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "pandas", "wordcloud", "matplotlib")


def imported(*args: str) -> set[str]:
    """Top-level packages imported by ``python -m topics ARGS`` (``-X importtime``)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "topics", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("sources",)])
def test_help_and_sources_import_no_model_library(args):
    assert imported(*args) & set(HEAVY) == set()


def test_model_package_imports_the_estimator_only_when_asked():
    code = (
        "import sys, topics.model.wordclouds, topics.model.summary; "
        "print(sorted(m for m in ('sklearn', 'pandas') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


def test_imports_are_frozen_out_of_collections_until_the_command_ends(tmp_path):
    import gc

    from topics.cli import frozen_imports, main

    enabled = gc.isenabled()
    try:
        with frozen_imports():
            assert not gc.isenabled()
            made = [[] for _ in range(100)]
        assert gc.get_freeze_count() >= len(made)
        assert gc.isenabled() == enabled
    finally:
        gc.unfreeze()
    event = REPO / "tests" / "fixtures" / "pyvideo" / "minicon-2020"
    args = ["run", str(event), "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "site")]
    assert main([*args, "--topics", "2", "-q"]) == 0
    assert gc.get_freeze_count() == 0 and gc.isenabled() == enabled  # as before the call
