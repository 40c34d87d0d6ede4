"""Large sites: split search index, topic pages, incremental rebuilds and Dask, each on
small inputs with its threshold lowered."""

from __future__ import annotations

import itertools
import json
import shutil
import sys

import pytest
from joblib import Memory, parallel_config

from tests.helpers import snapshot
from tests.helpers.generated_site import generated
from tests.helpers.tiny_site import tiny_corpus
from topics.cli import main
from topics.corpus import Corpus, Talk
from topics.model.parallel import cluster, runs_here
from topics.site import build_site, pages, publish, search_index
from topics.site import site_view as site_view_module
from topics.site import templates as site_templates
from topics.site.pages import render_pages
from topics.site.search_index import SearchDocument, write_search_index
from topics.site.site_view import site_view


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
    monkeypatch.setattr(pages, "TOPIC_PAGE_TALKS", 10)
    corpus, summary = generated(75)
    site = build_site(corpus, summary, tmp_path / "site")
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
    shutil.copytree(site_templates.TEMPLATES, templates)
    monkeypatch.setattr(site_templates, "TEMPLATES", templates)
    corpus, summary = generated(30)
    memory = Memory(tmp_path / "cache", verbose=0)
    site = build_site(corpus, summary, tmp_path / "site", memory=memory)

    def inodes(folder: str) -> dict:
        return {p.name: p.stat().st_ino for p in (site / folder).iterdir()}

    before = {name: inodes(name) for name in ("talks", "topics", "search", "map", "data")}
    page = templates / "topic.html"
    source = page.read_text(encoding="utf-8").replace("</h1>", "</h1><!-- changed -->", 1)
    page.write_text(source, encoding="utf-8")
    build_site(corpus, summary, site, memory=memory)
    after = {name: inodes(name) for name in before}
    assert after["talks"] == before["talks"]  # moved over from the previous site
    assert after["search"] == before["search"] and after["data"] == before["data"]
    assert set(after["topics"].values()).isdisjoint(before["topics"].values())  # re-rendered
    assert "<!-- changed -->" in (site / "topics" / "1.html").read_text(encoding="utf-8")
    changed = Corpus(talks=[*corpus.talks[:-1], Talk(id="talk-29", title="Renamed")])
    build_site(changed, summary, site, memory=memory)
    assert "Renamed" in (site / "talks" / "talk-29.html").read_text(encoding="utf-8")
    assert inodes("talks") != after["talks"]


def test_parts_another_build_replaced_meanwhile_are_rendered_not_moved(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(site_templates.TEMPLATES, templates)
    monkeypatch.setattr(site_templates, "TEMPLATES", templates)
    corpus, summary = generated(30)
    out = tmp_path / "site"
    build_site(corpus, summary, out)
    page = templates / "topic.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")
    renamed = Corpus(talks=[*corpus.talks[:-1], Talk(id="talk-29", title="Renamed")])
    render_parts = publish._render_parts
    calls = []

    def other_build_publishes_first(*args, **kwargs):
        calls.append(args[-1])
        if len(calls) == 1:  # while this build renders its topic pages
            build_site(renamed, summary, out)
        return render_parts(*args, **kwargs)

    monkeypatch.setattr(publish, "_render_parts", other_build_publishes_first)
    build_site(corpus, summary, out)
    assert "talks" not in calls[0] and "talks" in calls[-1]  # planned to move, then rendered
    assert "Renamed" not in (out / "talks" / "talk-29.html").read_text(encoding="utf-8")
    assert len(list((out / "talks").glob("*.html"))) == 30
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_failed_publish_gives_the_moved_parts_back(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(site_templates.TEMPLATES, templates)
    monkeypatch.setattr(site_templates, "TEMPLATES", templates)
    corpus, summary = generated(30)
    out = build_site(corpus, summary, tmp_path / "site")
    before = snapshot(out)
    page = templates / "topic.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")

    def full_disk(new, out):
        assert (new / "talks").is_dir() and not (out / "talks").exists()  # moved
        raise OSError("no space left")

    monkeypatch.setattr(publish, "_swap_into_place", full_disk)
    with pytest.raises(OSError, match="no space"):
        build_site(corpus, summary, out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_pages_written_by_local_workers_are_the_pages_rendered_here(tmp_path, monkeypatch):
    corpus, summary = generated(60)
    site = site_view(corpus, summary)
    (tmp_path / "one").mkdir()
    render_pages(site, tmp_path / "one")
    monkeypatch.setattr(pages, "PAGES_PER_JOB", 10)
    (tmp_path / "many").mkdir()
    with parallel_config(backend="loky", n_jobs=2):
        assert runs_here()
        render_pages(site, tmp_path / "many")
    written = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.html"))
    assert len(written) > 60
    assert written == sorted(
        p.relative_to(tmp_path / "many") for p in (tmp_path / "many").rglob("*.html")
    )
    for page in written:
        assert (tmp_path / "one" / page).read_bytes() == (tmp_path / "many" / page).read_bytes()


def test_the_parallel_work_runs_on_a_dask_cluster(tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setattr(pages, "PAGES_PER_JOB", 10)
    corpus, summary = generated(60)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as local,
        cluster(local.scheduler_address) as client,
        distributed.get_task_stream(client) as tasks,
    ):
        assert not runs_here()  # so the HTML comes back here to be written
        site = build_site(corpus, summary, tmp_path / "site")
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
    monkeypatch.setattr(site_view_module, "SPEAKERS_PER_PAGE", 5)
    corpus, summary = generated(12)
    site = build_site(corpus, summary, tmp_path / "site")
    index = (site / "speakers.html").read_text(encoding="utf-8")
    assert 'href="speakers/s.html#letter-S"' in index and "speaker-name" not in index
    page = (site / "speakers" / "s.html").read_text(encoding="utf-8")
    assert page.count('class="speaker-name"') == 12 and 'aria-current="page"' in page
    assert 'href="../talks/talk-3.html"' in page and 'href="../speakers/s.html#letter-S"' in page
    talk = (site / "talks" / "talk-3.html").read_text(encoding="utf-8")
    assert '"../speakers/s.html#speaker-speaker-' in talk
