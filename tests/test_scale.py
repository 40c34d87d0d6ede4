"""Large corpora: streaming fit, grouped similar talks, split search index, topic pages,
incremental rebuilds and Dask, each on small inputs with its threshold lowered."""

from __future__ import annotations

import itertools
import json
import shutil
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from joblib import Memory, parallel_config
from sklearn.metrics import normalized_mutual_info_score

from topics.cli import main
from topics.corpus import Corpus, Talk
from topics.model import TopicModel
from topics.model import minibatch as streaming
from topics.model import similarity as similar
from topics.model.parallel import cluster
from topics.site import publish as render
from topics.site import search_index
from topics.site.publish import build_site
from topics.site.search_index import SearchDocument, write_search_index

from .conftest import snapshot
from .generated_site import generated
from .tiny_site import tiny_corpus

THEMES = {
    "testing": "pytest fixtures mocking unit tests coverage assertions test suites flaky",
    "web": "django views templates framework http requests middleware routing forms",
    "data": "pandas dataframes numpy arrays analysis plotting notebooks statistics",
    "async": "asyncio event loop coroutines await sockets concurrency network servers",
}


def _programme(n_per_theme: int) -> tuple[Corpus, list[str]]:
    rng = np.random.default_rng(0)
    talks, labels = [], []
    for theme, words in THEMES.items():
        vocabulary = words.split()
        for i in range(n_per_theme):
            picked = " ".join(rng.choice(vocabulary, size=12))
            talks.append(Talk(id=f"{theme}-{i}", title=f"{theme} {i}", abstract=picked))
            labels.append(theme)
    return Corpus(talks=talks), labels


@pytest.fixture
def small_streaming(monkeypatch):
    monkeypatch.setattr(streaming, "STREAMING_MIN_TALKS", 100)
    monkeypatch.setattr(streaming, "VOCABULARY_SAMPLE", 150)
    monkeypatch.setattr(streaming, "SELECTION_SAMPLE", 120)
    monkeypatch.setattr(streaming, "BATCH", 64)
    monkeypatch.setattr(streaming, "CHUNK", 100)


def test_large_corpora_are_fitted_by_streaming(small_streaming, tmp_path):
    corpus, labels = _programme(60)
    model = TopicModel(n_topics=4, language="en", memory=Memory(tmp_path, verbose=0))
    W = model.fit_transform(corpus)
    assert model.streaming_ and W.shape == (240, 4) and model.document_term_.shape[0] == 240
    assert normalized_mutual_info_score(labels, W.argmax(axis=1)) > 0.9
    np.testing.assert_allclose(np.linalg.norm(model.components_, axis=1), 1, rtol=1e-5)
    assert model.topic_stability_.shape == (4,)
    new = model.transform(["pandas dataframes and numpy arrays for statistics"])
    assert model.top_words(int(new.argmax()), 3)[0][0] in THEMES["data"].split()
    again = TopicModel(n_topics=4, language="en", memory=Memory(tmp_path, verbose=0))
    np.testing.assert_array_equal(again.fit_transform(corpus), W)  # cached, deterministic


def test_minibatch_nmf_solves_w_the_same_in_parallel_chunks_as_in_one_process(monkeypatch):
    rng = np.random.default_rng(0)
    themes = (np.arange(500) // 7) % 4  # runs of 7 rows on one theme of 10 columns
    dense = rng.random((500, 40)) * 0.05
    for theme in range(4):
        dense[themes == theme, 10 * theme : 10 * theme + 10] += 1
    X = sp.csr_matrix(dense, dtype=np.float32)
    H_init = rng.random((4, 40)).astype(np.float32)
    monkeypatch.setattr(streaming, "CHUNK", 120)  # five chunks, the last one short
    with parallel_config(backend="sequential"):
        W_here, H_here = streaming.minibatch_nmf(X, H_init, random_state=0, epochs=1)
    with parallel_config(backend="loky", n_jobs=2):
        W, H = streaming.minibatch_nmf(X, H_init, random_state=0, epochs=1)
    assert W.shape == (500, 4) and W.dtype == np.float32
    np.testing.assert_array_equal(H, H_here)
    np.testing.assert_array_equal(W, W_here)  # each chunk solved alike
    # Each row of W is its own text's: each row's strongest topic is its theme's.
    assert normalized_mutual_info_score(themes, W.argmax(axis=1)) == pytest.approx(1.0)


def test_streaming_chooses_the_number_of_topics_on_a_sample(small_streaming, monkeypatch):
    corpus, labels = _programme(60)
    model = TopicModel(language="en").fit(corpus)
    assert model.selection_ and model.n_components_ in {c.n_components for c in model.selection_}
    assert normalized_mutual_info_score(labels, model.document_topic_.argmax(axis=1)) > 0.7
    monkeypatch.setattr(streaming, "MIN_COMPONENTS", 9)
    finer = TopicModel(language="en").fit(corpus)
    assert finer.n_components_ >= 9 and finer.topic_stability_.shape == (finer.n_components_,)


def test_small_corpora_stay_on_the_exact_path():
    corpus, _ = _programme(10)
    assert not hasattr(TopicModel(n_topics=4, language="en").fit(corpus), "streaming_")


def test_similar_talks_within_topics_match_all_pairs_when_topics_are_apart(monkeypatch):
    rng = np.random.default_rng(1)
    W = np.kron(np.eye(3), np.ones((40, 1))) + 0.01 * rng.random((120, 3))
    W[:, :][W < 0.5] = 0  # talks share no topic across groups
    X = rng.random((120, 30)) * (rng.random((120, 30)) > 0.7)
    exact = similar.similar_talks(W, X, k=4)
    monkeypatch.setattr(similar, "GROUPED_MIN", 50)
    grouped = similar.similar_talks(W, X, k=4)
    np.testing.assert_array_equal(grouped[0], exact[0])
    np.testing.assert_allclose(grouped[1], exact[1], rtol=1e-5)


def test_talks_of_a_large_topic_are_compared_within_their_second_topic(monkeypatch):
    W = np.zeros((90, 3))
    W[:, 0] = 1.0
    W[np.arange(90), 1 + np.arange(90) % 2] = 0.5  # second topic: 1 or 2, alternately
    X = np.random.default_rng(2).random((90, 20))
    monkeypatch.setattr(similar, "GROUPED_MIN", 50)
    monkeypatch.setattr(similar, "GROUP_MAX", 60)
    neighbours, scores = similar.similar_talks(W, X, k=3)
    assert (neighbours >= 0).all() and (scores > 0).all()
    assert (neighbours % 2 == np.arange(90)[:, None] % 2).all()  # same second topic


def test_search_index_is_split_into_term_ranges(tmp_path):
    documents = [
        SearchDocument(f"t{i}", f"Title {i}", "Ada", f"word{i} shared{i % 7} common", "ev", 1)
        for i in range(600)
    ]
    files = write_search_index(documents, tmp_path / "search", shard_bytes=4_000)
    text = (tmp_path / "search" / "manifest.js").read_text(encoding="utf-8")
    manifest = json.loads(text.split(" = ", 1)[1].rstrip().rstrip(";"))
    shards = manifest["shards"]
    assert len(shards) > 5 and manifest["base"] == "search/base.js"
    assert all(a["last"] < b["first"] for a, b in itertools.pairwise(shards))
    held = []
    for shard in shards:
        body = (tmp_path / shard["file"]).read_text(encoding="utf-8").split(" = ", 2)[-1]
        entries = json.loads(body.rstrip().rstrip(";"))
        assert entries[0][0] == shard["first"] and entries[-1][0] == shard["last"]
        held += [term for term, _ in entries]
    assert held == sorted(held) and "word599" in held and "common" in held
    base = (tmp_path / "search" / "base.js").read_text(encoding="utf-8")
    assert json.loads(base.split(" = ", 1)[1].rstrip().rstrip(";"))["count"] == 600
    docs = [f for f in files if f.name.startswith("docs-")]
    assert len(docs) == -(-600 // search_index.STORED_CHUNK)
    assert '["t0","Title 0","Ada","ev",1]' in docs[0].read_text(encoding="utf-8")


def test_large_topics_get_pages_with_a_pager(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "TOPIC_PAGE_TALKS", 10)
    corpus, model, W = generated(75)
    site = build_site(corpus, model, W, tmp_path / "site")
    assert sorted(p.name for p in (site / "topics").glob("1*.html")) == [
        "1-2.html",
        "1-3.html",
        "1.html",
    ]
    second = (site / "topics" / "1-2.html").read_text(encoding="utf-8")
    assert 'start="11"' in second and 'rel="prev"' in second and 'rel="next"' in second
    assert second.count('class="talk-link"') == 10
    last = (site / "topics" / "1-3.html").read_text(encoding="utf-8")
    assert last.count('class="talk-link"') == 5 and 'rel="next"' not in last


def test_rebuild_after_a_template_change_renders_only_what_uses_it(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    corpus, model, W = generated(30)
    memory = Memory(tmp_path / "cache", verbose=0)
    site = build_site(corpus, model, W, tmp_path / "site", memory=memory)

    def inodes(folder: str) -> dict:
        return {p.name: p.stat().st_ino for p in (site / folder).iterdir()}

    before = {name: inodes(name) for name in ("talks", "topics", "search", "map", "data")}
    page = templates / "topic.html"
    source = page.read_text(encoding="utf-8").replace("</h1>", "</h1><!-- changed -->", 1)
    page.write_text(source, encoding="utf-8")
    build_site(corpus, model, W, site, memory=memory)
    after = {name: inodes(name) for name in before}
    assert after["talks"] == before["talks"]  # moved over from the previous site
    assert after["search"] == before["search"] and after["data"] == before["data"]
    assert set(after["topics"].values()).isdisjoint(before["topics"].values())  # re-rendered
    assert "<!-- changed -->" in (site / "topics" / "1.html").read_text(encoding="utf-8")
    changed = Corpus(talks=[*corpus.talks[:-1], Talk(id="talk-29", title="Renamed")])
    build_site(changed, model, W, site, memory=memory)
    assert "Renamed" in (site / "talks" / "talk-29.html").read_text(encoding="utf-8")
    assert inodes("talks") != after["talks"]


def test_parts_another_build_replaced_meanwhile_are_rendered_not_moved(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    corpus, model, W = generated(30)
    out = tmp_path / "site"
    build_site(corpus, model, W, out)
    page = templates / "topic.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")
    renamed = Corpus(talks=[*corpus.talks[:-1], Talk(id="talk-29", title="Renamed")])
    render_parts = render._render_parts
    calls = []

    def other_build_publishes_first(*args, **kwargs):
        calls.append(args[-1])
        if len(calls) == 1:  # while this build renders its topic pages
            build_site(renamed, model, W, out)
        return render_parts(*args, **kwargs)

    monkeypatch.setattr(render, "_render_parts", other_build_publishes_first)
    build_site(corpus, model, W, out)
    assert "talks" not in calls[0] and "talks" in calls[-1]  # planned to move, then rendered
    assert "Renamed" not in (out / "talks" / "talk-29.html").read_text(encoding="utf-8")
    assert len(list((out / "talks").glob("*.html"))) == 30
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_failed_publish_gives_the_moved_parts_back(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    corpus, model, W = generated(30)
    out = build_site(corpus, model, W, tmp_path / "site")
    before = snapshot(out)
    page = templates / "topic.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")

    def full_disk(new, out):
        assert (new / "talks").is_dir() and not (out / "talks").exists()  # moved
        raise OSError("no space left")

    monkeypatch.setattr(render, "_swap_into_place", full_disk)
    with pytest.raises(OSError, match="no space"):
        build_site(corpus, model, W, out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_pages_written_by_local_workers_are_the_pages_rendered_here(tmp_path, monkeypatch):
    corpus, model, W = generated(60)
    site = render.site_view(corpus, model, W, render.document_term(corpus, model))
    (tmp_path / "one").mkdir()
    render.render_pages(site, tmp_path / "one")
    monkeypatch.setattr(render, "PAGES_PER_JOB", 10)
    (tmp_path / "many").mkdir()
    with parallel_config(backend="loky", n_jobs=2):
        assert render.runs_here()
        render.render_pages(site, tmp_path / "many")
    pages = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.html"))
    assert len(pages) > 60
    assert pages == sorted(
        p.relative_to(tmp_path / "many") for p in (tmp_path / "many").rglob("*.html")
    )
    for page in pages:
        assert (tmp_path / "one" / page).read_bytes() == (tmp_path / "many" / page).read_bytes()


def test_the_parallel_work_runs_on_a_dask_cluster(tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setattr(render, "PAGES_PER_JOB", 10)
    corpus, model, W = generated(60)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as local,
        cluster(local.scheduler_address) as client,
        distributed.get_task_stream(client) as tasks,
    ):
        assert not render.runs_here()  # so the HTML comes back here to be written
        site = build_site(corpus, model, W, tmp_path / "site")
    names = {
        task["key"] if isinstance(task["key"], str) else str(task["key"]) for task in tasks.data
    }
    assert any("_render_many" in name for name in names), names
    assert len(list((site / "talks").glob("*.html"))) == 60


def test_cli_runs_the_build_on_the_dask_scheduler_it_is_given(tmp_path, capsys):
    distributed = pytest.importorskip("dask.distributed")
    corpus_path = tiny_corpus().save(tmp_path / "talks.jsonl")
    args = ["build", "--corpus", str(corpus_path), "--cache", str(tmp_path / "cache")]
    args += ["--out", str(tmp_path / "site"), "--topics", "3"]
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as local,  # joblib runs in this process when the cluster has a single thread
        distributed.Client(local.scheduler_address) as client,
        distributed.get_task_stream(client) as tasks,
    ):
        assert main([*args, "--scheduler", local.scheduler_address]) == 0
    assert tasks.data, "no task ran on the cluster"
    assert (tmp_path / "site" / "index.html").is_file()


def test_cli_says_when_the_scheduler_cannot_be_used(tmp_path, capsys, monkeypatch):
    corpus_path = tiny_corpus().save(tmp_path / "talks.jsonl")
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if not installed
    args = ["build", "--corpus", str(corpus_path), "--cache", str(tmp_path / "cache")]
    args += ["--out", str(tmp_path / "site"), "--scheduler", "tcp://127.0.0.1:8786"]
    assert main(args) == 1
    assert "pip install 'topics[dask]'" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_many_speakers_get_a_page_per_initial(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "SPEAKERS_PER_PAGE", 5)
    corpus, model, W = generated(12)
    site = build_site(corpus, model, W, tmp_path / "site")
    index = (site / "speakers.html").read_text(encoding="utf-8")
    assert 'href="speakers/s.html#letter-S"' in index and "speaker-name" not in index
    page = (site / "speakers" / "s.html").read_text(encoding="utf-8")
    assert page.count('class="speaker-name"') == 12 and 'aria-current="page"' in page
    assert 'href="../talks/talk-3.html"' in page and 'href="../speakers/s.html#letter-S"' in page
    talk = (site / "talks" / "talk-3.html").read_text(encoding="utf-8")
    assert '"../speakers/s.html#speaker-speaker-' in talk
