"""The package's layers (pyproject.toml, [tool.importlinter]): import-linter keeps them, and
fails on an import against them, at module level or inside a function."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import REPO

LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))


def _lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package under ``root``, with ``root``'s pyproject.toml."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_the_package_keeps_its_layers():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_is_in_a_layer():
    named = set(_layers())
    package = REPO / "topics"
    modules = {
        f"topics.{path.stem if path.is_file() else path.name}"
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    assert modules == named


@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("corpus.py", "from .model.display import model_html"),  # corpus -> model
        ("model/estimator.py", "from ..site import build_site"),  # model -> site
        ("sources/pyvideo.py", "from ..workspace import corpus_file"),  # sources -> top
        ("site/pages.py", "from ..cli import main"),  # site -> cli
    ],
)
def test_an_import_against_the_layers_fails_even_inside_a_function(tmp_path, module, bad_import):
    shutil.copytree(REPO / "topics", tmp_path / "topics", symlinks=True)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "topics" / module
    lazy = f"\n\ndef _reaches_up():\n    {bad_import}\n\n    return None\n"
    path.write_text(path.read_text(encoding="utf-8") + lazy, encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "0 kept, 1 broken" in result.stdout
    importer = "topics." + module.removesuffix(".py").replace("/", ".")
    assert re.search(rf"{re.escape(importer)} -> topics\.", result.stdout), result.stdout
