"""Smoke test of benchmarks/quality.py on a hand-written corpus: the harness must not rot."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.helpers import REPO
from tests.helpers.programme import programme, themes

BENCHMARK = REPO / "benchmarks" / "quality.py"


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("benchmark_quality", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _datasets(quality):
    corpus = programme(4, spanish=False)
    texts, labels = corpus.texts, themes(corpus)
    fosdem = quality.Dataset("toy-fosdem", texts, labels, source="hand-written")
    pyvideo = quality.Dataset(
        "toy-pyvideo",
        [*texts, "Charla de Python para la comunidad de la ciudad", "Python de la comunidad"],
    )
    return fosdem, pyvideo


def test_run_benchmark_on_a_hand_written_corpus(quality, tmp_path):
    fosdem, pyvideo = _datasets(quality)
    lines = []
    results = quality.run_benchmark(
        fosdem,
        pyvideo,
        frozenset({"de", "la", "para"}),
        k_small=2,
        k_pyvideo=3,
        seeds=(0, 1),
        log=lines.append,
        europython=quality.Dataset("toy-europython", fosdem.texts),
    )
    runs = results["runs"]
    configs = {(r["config"], r["corpus"], r["setting"], r["seed"]) for r in runs}
    assert ("reference", "toy-fosdem", "k=n_tracks", 1) in configs
    assert ("topics", "toy-pyvideo", "k=3", 0) in configs
    assert ("topics", "toy-fosdem", "auto", 0) in configs
    assert ("topics", "toy-europython", "auto", 0) in configs
    assert len(lines) == len(runs)
    for run in runs:
        if not run["supported"]:
            assert run["k_requested"] == "auto"
            continue
        assert run["k"] == len(run["topics"]) == len(run["npmi"])
        assert run["fit_seconds"] >= 0
        assert run["npmi_mean"] is None or -1 <= run["npmi_mean"] <= 1
        assert 0 < run["diversity"] <= 1
        if run["corpus"] == "toy-fosdem":
            assert 0 <= run["nmi"] <= 1
        if run["setting"] == "k=n_tracks":
            assert run["k"] == 4  # the four themes
        if run["config"] == "topics":  # labels graded; the reference has none
            assert 0 <= run["label_quality"] <= 1 and len(run["labels"]) == run["k"]
        else:
            assert run["label_quality"] is None
    assert results["stability"]["topics"]["seeds"] == [0, 1]
    assert results["corpora"]["toy-fosdem"]["n_labels"] == 4
    assert [t["passed"] is not None for t in results["targets"]] == [True] * 6
    assert [t["target"] for t in results["targets"]][3:] == [
        f"label quality = 0 ({name}, every run)"
        for name in ("toy-fosdem", "toy-pyvideo", "toy-europython")
    ]

    results["environment"] = quality.environment()
    json_path, md_path = quality.write_results(results, tmp_path)
    assert json.loads(json_path.read_text())["runs"][0]["corpus"] == "toy-fosdem"
    report = md_path.read_text()
    assert "## Targets (topics)" in report and "| toy-fosdem | topics | k=n_tracks |" in report
    assert "## Labels" in report
    assert "stability" in quality.summary(results)


def test_missing_shared_data_exits_with_a_message(quality, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TOPICS_SHARED", str(tmp_path / "absent"))
    assert quality.main(["--quick", "--output", str(tmp_path / "out")]) == 2
    assert "shared data not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
