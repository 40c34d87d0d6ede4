"""Word cloud images: size, determinism, empty topics, caching."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from joblib import Memory
from PIL import Image

from tests.helpers.tiny_site import N_TOPICS, fitted
from topics.model import wordclouds
from topics.model.wordclouds import wordcloud_image, wordcloud_png
from topics.site.wordclouds import topic_weights, write_wordclouds

WEIGHTS = {"python": 3.0, "numpy": 2.0, "arrays": 1.5, "data": 1.2, "pandas": 0.8, "plot": 0.5}


def test_image_is_drawn_at_scale_with_a_transparent_background():
    image = wordcloud_image(WEIGHTS, 400, 200, scale=2, random_state=0)
    assert image.size == (800, 400) and image.mode == "RGBA"
    alpha = np.asarray(image)[:, :, 3]
    assert alpha[0, 0] == 0  # transparent background
    assert 0.03 < (alpha > 0).mean() < 0.9  # but words drawn


def test_same_inputs_give_the_same_png_and_the_seed_matters():
    assert wordcloud_png(WEIGHTS, 300, 150) == wordcloud_png(
        dict(reversed(WEIGHTS.items())), 300, 150
    )
    assert wordcloud_png(WEIGHTS, 300, 150, random_state=1) != wordcloud_png(WEIGHTS, 300, 150)


def test_fonts_loaded_once_per_size_draw_what_wordcloud_draws_alone(monkeypatch):
    shared = wordcloud_image(WEIGHTS, 300, 150, scale=2, random_state=3)
    assert wordclouds._FONTS.fonts  # the fonts were loaded once and kept
    monkeypatch.setattr(wordclouds, "_shared_fonts", contextlib.nullcontext)
    alone = wordcloud_image(WEIGHTS, 300, 150, scale=2, random_state=3)
    assert np.array_equal(np.asarray(shared), np.asarray(alone))


def test_topic_without_positive_weights_gives_a_blank_image():
    image = wordcloud_image({"zero": 0.0, "negative": -1.0}, 100, 50)
    assert image.size == (200, 100)
    assert np.asarray(image)[:, :, 3].max() == 0


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        wordcloud_image(WEIGHTS, 0, 100)


def test_one_png_per_topic_written_in_parallel_and_cached(tmp_path, monkeypatch):
    _, _, summary = fitted()
    weights = topic_weights(summary, 80)
    assert len(weights) == N_TOPICS
    assert list(weights[0].values()) == sorted(weights[0].values(), reverse=True)
    memory = Memory(tmp_path / "cache", verbose=0)
    paths = write_wordclouds(weights, tmp_path / "out", width=200, height=100, memory=memory)
    assert [p.name for p in paths] == [f"topic-{n}.png" for n in range(1, N_TOPICS + 1)]
    for path in paths:
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.size == (400, 200)

    def fail(*args, **kwargs):
        raise AssertionError("drawn again although cached")

    monkeypatch.setattr(wordclouds, "wordcloud_image", fail)  # the cache must answer
    again = write_wordclouds(
        weights, tmp_path / "again", width=200, height=100, memory=memory, n_jobs=1
    )
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


def test_a_few_clouds_are_drawn_in_this_process(tmp_path, monkeypatch):
    from topics.site import wordclouds as site_clouds

    def no_workers(*args, **kwargs):
        raise AssertionError("worker processes started for a few clouds")

    monkeypatch.setattr(site_clouds, "Parallel", no_workers)
    paths = write_wordclouds([WEIGHTS] * 3, tmp_path, width=100, height=50)
    assert len(paths) == 3 and all(p.stat().st_size > 0 for p in paths)
