"""Smoke test of benchmarks/scale.py on a hand-written corpus: the harness must not rot."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.helpers import REPO
from tests.helpers.programme import programme

BENCHMARK = REPO / "benchmarks" / "scale.py"


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("benchmark_scale", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_every_run_of_a_tiny_corpus_is_measured(scale, tmp_path):
    table = tmp_path / "tiny.jsonl"
    rows = [
        {"title": talk.title, "abstract": talk.abstract, "author": f"Author {i}"}
        for i, talk in enumerate(programme(4, spanish=False))
    ]
    table.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    lines = []
    runs = scale.run_corpus(str(table), tmp_path / "work", tmp_path, 0, log=lines.append)
    assert set(runs) == {"cold", "warm", "reference"} and len(lines) == 3
    for name, run in runs.items():
        assert run["returncode"] == 0, name
        assert run["documents"] == 16 and run["topics"] >= 1
        assert run["peak_rss_bytes"] > 10 * 2**20 and run["ru_maxrss_bytes"] > 10 * 2**20
        assert run["total"] == pytest.approx(sum(run["stages"].values()), abs=0.05)
    assert set(runs["cold"]["stages"]) == {"load", "fit", "site"}
    assert set(runs["reference"]["stages"]) == {"load", "fit", "wordclouds"}
    assert runs["warm"]["stages"]["fit"] < runs["cold"]["stages"]["fit"]  # from the cache
    assert not (tmp_path / "work" / "tiny").exists()  # cleaned up

    results = {"date": "today", "machine": "here", "note": "", "corpora": {"tiny": runs}}
    results["targets"] = scale.targets(results)
    assert [t["passed"] for t in results["targets"][:4]] == [None] * 4  # not run
    assert results["targets"][4]["target"].startswith("tiny: warm re-run")
    json_path, md_path = scale.write_results(results, tmp_path / "out")
    assert json.loads(json_path.read_text())["corpora"]["tiny"]["cold"]["documents"] == 16
    report = md_path.read_text()
    assert "| tiny | cold | 16 |" in report and "| tiny | reference | 16 |" in report


def test_resampled_documents_are_made_of_real_sentences(scale, tmp_path):
    import gzip

    path = tmp_path / "papers.jsonl.gz"
    abstracts = ["One alpha. Two beta. Three gamma.", "Four delta! Five epsilon?"]
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for i, text in enumerate(abstracts):
            f.write(json.dumps({"venue": f"conf202{i}", "abstract": text}) + "\n")
    documents = scale.resampled(path, 50)
    sentences = {s for a in abstracts for s in scale._SENTENCE.split(a)}
    assert len(documents) == 50
    assert all(set(scale._SENTENCE.split(d)) <= sentences for d in documents)


def test_missing_shared_data_exits_with_a_message(scale, tmp_path, capsys):
    assert scale.main(["--corpora", "paperlists", "--shared", str(tmp_path / "absent")]) == 2
    assert "shared data not found" in capsys.readouterr().err
