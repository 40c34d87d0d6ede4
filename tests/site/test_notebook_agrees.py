"""The notebook's view of a model agrees with the site built from it: topic numbers and
word clouds."""

from __future__ import annotations

import base64
import io
import re

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageChops

from tests.helpers.tiny_site import N_TOPICS, tiny_corpus
from topics.model import TopicModel
from topics.site import build_site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A model fitted with seed 7 (its word clouds are drawn with it) and its site:
    (model, site folder)."""
    model = TopicModel(n_topics=N_TOPICS, random_state=7).fit(tiny_corpus())
    site = build_site(model.corpus_, model.summary(), tmp_path_factory.mktemp("nb") / "site")
    return model, site


def _same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return (
        a.size == b.size
        and ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).getbbox() is None
    )


def test_topics_are_numbered_from_1_as_on_the_site(built):
    model, site = built
    table = model.topics_
    assert table.index.tolist() == list(range(1, N_TOPICS + 1))
    for number, row in table.iterrows():
        page = BeautifulSoup((site / "topics" / f"{number}.html").read_text("utf-8"), "html.parser")
        assert row["label"] in page.h1.get_text()
        topic = model.topic(number - 1)
        assert topic.number == number and repr(topic).startswith(f"Topic {number}: ")
        assert f"<strong>Topic {number}: " in topic._repr_html_()
    rows = BeautifulSoup(model._repr_html_(), "html.parser").select("tbody tr")
    assert [int(tr.td.get_text()) for tr in rows] == list(range(1, N_TOPICS + 1))


def test_notebook_word_clouds_are_the_sites(built):
    model, site = built
    for k in range(N_TOPICS):
        with Image.open(site / "wordclouds" / f"topic-{k + 1}.png") as png:
            assert _same_pixels(model.wordcloud(k), png)
            html = model.topic(k)._repr_html_()
            data = re.search(r'src="data:image/png;base64,([^"]+)"', html)[1]
            with Image.open(io.BytesIO(base64.b64decode(data))) as thumbnail:
                assert _same_pixels(thumbnail, png)  # shown smaller, drawn the same
