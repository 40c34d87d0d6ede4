"""The Python API: topics.load/crawl over the CLI's cache, TopicModel's notebook methods."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PIL import Image
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import topics
from tests.helpers import FIXTURES, REPO, saved_corpus
from tests.helpers.programme import THEMES, programme
from topics.cli import main
from topics.corpus import Corpus, Talk
from topics.site.site_view import site_view
from topics.sources import SourceError
from topics.workspace import MODEL_CACHE_VERSION, model_memory

EVENT = "minicon-2020"


@pytest.fixture(scope="module")
def fitted() -> topics.TopicModel:
    return topics.TopicModel(n_topics=4, random_state=0).fit(programme())


def test_load_shares_the_cli_cache_layout(serve, tmp_path, monkeypatch):
    server = serve(FIXTURES / "pyvideo")
    cache = tmp_path / "cache"
    corpus = topics.load(f"pyvideo:{EVENT}", cache=cache, pyvideo_data=server.url)
    assert len(corpus) == 3 and {t.event for t in corpus} == {EVENT}
    assert saved_corpus(cache).talks == corpus.talks
    assert (cache / "pages").is_dir()
    fetched = len(server.requests)
    monkeypatch.setenv("TOPICS_PYVIDEO_DATA", server.url)  # the default, as for the CLI
    assert topics.load(f"pyvideo:{EVENT}", cache=cache).talks == corpus.talks
    assert len(server.requests) == fetched, "the second load must come from the cache"
    # The command line builds what the notebook loaded, from the same cache.
    assert main(["build", "--cache", str(cache), "--out", str(tmp_path / "site"),
                 "--topics", "2"]) == 0  # fmt: skip
    assert len(list((tmp_path / "site" / "talks").glob("*.html"))) == 3


def test_model_cache_of_other_versions_is_deleted_not_read(tmp_path):
    for older in ("joblib", "v1"):  # the layout before versions, and an older version
        (tmp_path / "model" / older / "entry").mkdir(parents=True)
    memory = model_memory(tmp_path)
    assert memory.location == tmp_path / "model" / f"v{MODEL_CACHE_VERSION}"
    assert memory.cache(len)([1, 2]) == 2
    assert [p.name for p in (tmp_path / "model").iterdir()] == [f"v{MODEL_CACHE_VERSION}"]
    assert model_memory(tmp_path).cache(len).check_call_in_cache([1, 2])  # kept


def test_load_reads_a_folder_and_several_sources(tmp_path):
    folder = str(FIXTURES / "pyvideo" / EVENT)
    corpus = topics.load([folder, str(FIXTURES / "tables" / "talks.csv")], cache=tmp_path)
    assert len(corpus) > 3
    frame = corpus.to_pandas()
    assert len(frame) == len(corpus)
    assert list(frame.columns[:4]) == ["id", "title", "abstract", "speakers"]
    assert frame["text"].tolist() == corpus.texts


def test_to_pandas_language_and_speakers_read_as_the_model_shows_them():
    talks = [
        Talk(id="a", title="Reviewing code", speakers=("Adam Dangoor",), language="eng"),
        Talk(id="b", title="Panel", speakers=("Ann Lee", "Bob Ray"), tags=("x", "y")),
        Talk(id="c", title="Charla", language="SPA"),
        Talk(id="d", title="Other", language="pt-BR"),
    ]
    frame = Corpus(talks).to_pandas()
    assert frame["language"].tolist() == ["en", "", "es", "pt-BR"]  # ISO 639-1, as topics_
    assert frame["speakers"].tolist() == ["Adam Dangoor", "Ann Lee, Bob Ray", "", ""]
    assert frame["tags"].tolist() == ["", "x, y", "", ""]


def test_crawl_uses_a_profile_and_the_page_cache(serve, tmp_path):
    server = serve(FIXTURES / "sites" / "europython-2016")
    url = f"{server.url}/p3/schedule/ep2016/"
    corpus = topics.crawl(url, profile="europython-2016", cache=tmp_path)
    assert [t.id for t in corpus] == ["the-gil-is-dead", "async-all-the-things"]
    assert saved_corpus(tmp_path).talks == corpus.talks
    fetched = len(server.requests)
    assert topics.crawl(url, profile="europython-2016", cache=tmp_path).talks == corpus.talks
    assert len(server.requests) == fetched


def test_load_and_crawl_errors_are_source_errors(tmp_path):
    with pytest.raises(SourceError, match=r"no such file or folder: .*missing\.txt"):
        topics.load(str(tmp_path / "missing.txt"), cache=tmp_path)
    with pytest.raises(SourceError, match="not an http"):
        topics.crawl(str(FIXTURES / "pyvideo" / EVENT), cache=tmp_path)


def test_reprs_are_short_and_html_is_escaped(fitted):
    evil = "<script>alert('x')</script> & <b>bold</b>"
    corpus = Corpus([Talk(id="a", title=evil, speakers=("<i>Eve</i>",))], title="<Con>")
    assert repr(corpus) == "Corpus(1 talks, title='<Con>')"
    html = corpus._repr_html_()
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&lt;Con&gt;" in html
    assert "abstract" not in repr(programme().talks[0])
    assert repr(fitted) == "TopicModel(n_topics=4)"
    assert repr(fitted.topic(0)).startswith("Topic 1: ")
    table = fitted._repr_html_()
    assert table.count("<tr>") == 1 + 4 and fitted.topic_labels_[0] in table
    assert fitted._repr_mimebundle_()["text/html"] == table
    unfitted = topics.TopicModel()._repr_html_()  # scikit-learn's estimator diagram
    assert "TopicModel" in unfitted and "topics-model" not in unfitted


def test_topic_html_has_a_thumbnail_and_escaped_talks():
    corpus = programme()
    talks = [
        Talk(id=t.id, title=f"<img src=x onerror=alert(1)> {t.title}", abstract=t.abstract)
        for t in corpus
    ]
    model = topics.TopicModel(n_topics=4, random_state=0).fit(Corpus(talks))
    html = model.topic(1)._repr_html_()
    assert html.count('src="data:image/png;base64,') == 1
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert html.count("<li>") == 5


def test_topics_table_and_talks_ranked_by_weight(fitted):
    table = fitted.topics_
    assert list(table.columns) == ["label", "size", "top_words", "stability", "language", "theme"]
    assert table.index.name == "topic" and len(table) == 4
    assert table["size"].sum() == 32  # the 3 Spanish talks are left out
    for number, row in table.iterrows():  # numbered from 1, as on the site
        k = number - 1
        assert row["top_words"].split(", ")[0] == fitted.top_words(k, 1)[0][0]
        ranked = fitted.talks(k)
        assert ranked["weight"].is_monotonic_decreasing and (ranked["weight"] > 0).all()
        theme = ranked["id"].iloc[0].split("-")[0]
        assert ranked["id"].head(8).str.startswith(theme).all()
    with pytest.raises(IndexError):
        fitted.talks(4)


def test_similar_matches_the_site_and_places_new_texts(fitted):
    corpus = fitted.corpus_
    view = site_view(corpus, fitted.summary())
    for i in (0, 9, 20):
        by_index = fitted.similar(i)
        assert by_index["id"].tolist() == [e.id for e in view.talks[i].similar]
        assert fitted.similar(corpus.talks[i].id)["id"].tolist() == by_index["id"].tolist()
        assert fitted.similar(corpus.talks[i], n=2)["id"].tolist() == by_index["id"][:2].tolist()
    near = fitted.similar("asyncio event loop coroutines for network servers", n=3)
    assert near["id"].str.startswith("async").all()
    assert near["similarity"].is_monotonic_decreasing


def test_wordcloud_is_an_image_of_the_topic(fitted):
    image = fitted.wordcloud(0, width=200, height=100)
    assert isinstance(image, Image.Image) and image.size == (400, 200)
    assert image.getbbox() is not None  # something is drawn


def test_fit_on_plain_texts_and_inside_a_pipeline():
    corpus = programme()
    texts, themes = corpus.texts[:32], [t.id.split("-")[0] for t in corpus.talks[:32]]
    model = topics.TopicModel(n_topics=4, random_state=0).fit(iter(texts))
    assert model.corpus_.talks[0].id == "text-1" and len(model.corpus_) == 32
    assert model.talks(0)["id"].str.startswith("text-").all()
    pipeline = Pipeline(
        [("topics", topics.TopicModel(n_topics=4)), ("theme", LogisticRegression())]
    )
    pipeline.fit(texts, themes)
    new = [f"A talk about {' '.join(words.split()[:6])}" for words in THEMES.values()]
    assert pipeline.predict(new).tolist() == list(THEMES)


def test_same_topics_in_python_and_from_topics_run(fitted, tmp_path):
    """Must show 3 on the hand-written programme: same corpus, same seed, same topics."""
    source = programme().save(tmp_path / "programme.jsonl")
    out = tmp_path / "cli-site"
    result = subprocess.run(
        [sys.executable, "-m", "topics", "run", str(source), "--topics", "4", "--seed", "0",
         "--cache", str(tmp_path / "cli-cache"), "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    exported = json.loads((out / "data" / "topics.json").read_text(encoding="utf-8"))
    assert [t["label"] for t in exported] == fitted.topic_labels_
    assert [t["top_words"] for t in exported] == [
        row.split(", ") for row in fitted.topics_["top_words"]
    ]
    assert [t["size"] for t in exported] == fitted.topics_["size"].tolist()
    words = json.loads((out / "data" / "topic-words.json").read_text(encoding="utf-8"))
    for k, topic in enumerate(words):
        expected = dict(fitted.top_words(k, len(topic["terms"])))
        assert {t: pytest.approx(w, abs=1e-6) for t, w in topic["terms"]} == expected
    # And topics.build_site writes the very same site.
    site = topics.build_site(fitted.corpus_, fitted, tmp_path / "py-site")
    for name in ("topics.json", "topic-words.json", "talk-topics.csv"):
        assert (site / "data" / name).read_bytes() == (out / "data" / name).read_bytes()
    assert sorted(p.name for p in (site / "talks").iterdir()) == sorted(
        p.name for p in (out / "talks").iterdir()
    )
