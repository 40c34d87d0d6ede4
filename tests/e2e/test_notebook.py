"""examples/explore.ipynb runs top to bottom against pyvideo data served on 127.0.0.1, its
topics are those of ``topics run``, and the documentation (with the notebook) builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

from tests.helpers import REPO, shared_path
from tests.helpers.loopback import static_handler

NOTEBOOK = REPO / "examples" / "explore.ipynb"
DOCS = REPO / "docs"


@pytest.fixture(scope="module")
def pyvideo_server() -> Iterator[str]:
    """shared/data/pyvideo over HTTP on 127.0.0.1, for the whole module."""
    data = shared_path() / "data" / "pyvideo"
    if not (data / "europython-2016").is_dir():
        pytest.skip(f"real data not available: {data} is absent (set TOPICS_SHARED)")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), static_handler(str(data), []))
    serving = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    serving.daemon = True
    serving.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _environment(pyvideo_data: str) -> dict[str, str]:
    env = dict(os.environ, TOPICS_PYVIDEO_DATA=pyvideo_data, TOPICS_CRAWL_DELAY="0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.fixture(scope="module")
def executed(pyvideo_server, tmp_path_factory) -> tuple[nbformat.NotebookNode, Path]:
    """The notebook executed in a fresh folder: (notebook with outputs, that folder)."""
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    saved = dict(os.environ)
    os.environ.update(_environment(pyvideo_server))  # the kernel inherits it
    try:
        NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    nbformat.write(notebook, folder / "explore.ipynb")
    return notebook, folder


def _output(cell) -> str:
    """A code cell's HTML output, else its plain text."""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/html" in data:
            return data["text/html"]
        if "text/plain" in data:
            return data["text/plain"]
    return ""


def _cell(notebook, source: str):
    return next(c for c in notebook.cells if c.cell_type == "code" and c.source == source)


@pytest.mark.shared
def test_notebook_runs_and_shows_the_topics_of_topics_run(executed, pyvideo_server, tmp_path):
    notebook, folder = executed
    assert all(
        o.get("output_type") != "error" for c in notebook.cells for o in c.get("outputs", [])
    )
    # The topics of the command line, same source and seed, computed in its own cache.
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "topics", "run", "pyvideo:europython-2016", "--seed", "0",
         "--cache", str(tmp_path / "cache"), "--out", str(site)],
        capture_output=True, text=True, timeout=600, env=_environment(pyvideo_server),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = json.loads((site / "data" / "topics.json").read_text(encoding="utf-8"))

    table = BeautifulSoup(_output(_cell(notebook, "model.topics_")), "lxml").table
    header = [th.get_text() for th in table.thead.tr.find_all("th")]
    assert header[1:] == ["label", "size", "top_words", "stability", "language", "theme"]
    rows = [[td.get_text() for td in tr.find_all(["th", "td"])] for tr in table.tbody("tr")]
    assert [(r[1], int(r[2]), r[3]) for r in rows] == [
        (t["label"], t["size"], ", ".join(t["top_words"])) for t in expected
    ]
    # The site the notebook exported is the command line's.
    for name in ("topics.json", "topic-words.json", "talk-topics.csv"):
        exported = folder / "site" / "data" / name
        assert exported.read_bytes() == (site / "data" / name).read_bytes(), name

    corpus_html = _output(_cell(notebook, notebook.cells[1].source))
    assert "EuroPython 2016" in corpus_html and "169 talks" in corpus_html
    topic = _output(_cell(notebook, "model.topic(0)"))
    assert 'src="data:image/png;base64,' in topic and expected[0]["label"] in topic
    similar = _output(_cell(notebook, "model.similar(corpus.talks[0])"))
    assert similar.count("<tr>") == 1 + 5
    editions = _output(next(c for c in notebook.cells if "editions[" in c.source))
    assert all(t["label"] in editions for t in expected)


def _build_docs(notebook: Path, out: Path) -> subprocess.CompletedProcess:
    """Build the documentation with warnings as errors, with ``notebook`` as its example."""
    source = out / "source"
    shutil.copytree(DOCS, source, symlinks=False, ignore=shutil.ignore_patterns("_build"))
    (source / "explore.ipynb").unlink()
    shutil.copy(notebook, source / "explore.ipynb")
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(source), str(out / "html")],
        capture_output=True, text=True, timeout=600, cwd=REPO,
        env=_environment(os.environ.get("TOPICS_PYVIDEO_DATA", "")),
    )  # fmt: skip


def test_docs_build_with_the_api_reference_and_the_notebook(request, tmp_path):
    """The reference is generated from the docstrings; a warning fails the build."""
    notebook = NOTEBOOK
    if (shared_path() / "data" / "pyvideo" / "europython-2016").is_dir():
        notebook = request.getfixturevalue("executed")[1] / "explore.ipynb"
    result = _build_docs(notebook, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    html = tmp_path / "html"
    api = (html / "api.html").read_text(encoding="utf-8")
    for name in ("topics.load", "topics.crawl", "TopicModel.similar", "Corpus.to_pandas"):
        assert f'id="{name}"' in api or f'id="topics.{name}"' in api, name
    example = (html / "explore.html").read_text(encoding="utf-8")
    assert 'topics.load("pyvideo:europython-2016")' in BeautifulSoup(example, "lxml").get_text()
    if notebook != NOTEBOOK:
        assert "data:image/png;base64," in example  # rendered with the outputs
