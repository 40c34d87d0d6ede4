"""Word clouds of topics: a topic's heaviest terms, sized by their weights in H.

One drawing for the notebook (:meth:`topics.model.TopicModel.wordcloud`) and the site
(:mod:`topics.site.wordclouds` writes one PNG per topic). Each cloud is laid out on a
``width`` x ``height`` canvas (CSS pixels, the size it is shown at) and drawn ``scale``
times larger, so it stays sharp on high-DPI screens. Drawing is a pure function of
(weights, size, scale, seed).

The font ships inside this package (``topics/fonts/``): Source Sans Pro Semibold 2.020 by
Adobe, under the SIL Open Font License 1.1 (``topics/fonts/OFL.txt``); it covers Latin,
Greek and Cyrillic. Words holding a character the font cannot draw are left out of the
cloud rather than drawn as empty boxes. The PNG is stored with a palette of at most
``PNG_COLORS`` colours (and alpha), which makes it about a third of its RGBA size.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import wordcloud
import wordcloud.wordcloud
from PIL import Image, ImageFont

#: The font shipped inside this package (Source Sans Pro Semibold, SIL OFL 1.1); never a
#: system font, so the images look the same on every machine.
FONT_PATH = str(Path(__file__).resolve().parent.parent / "fonts" / "SourceSansPro-Semibold.ttf")

#: Words of a topic drawn in its word cloud.
CLOUD_WORDS = 80

#: Colours of the PNG's palette (the words use a few colours, plus anti-aliased edges).
PNG_COLORS = 96

#: Colours of the prominent words, and of the minor ones (all 4.5:1 or more on white).
PALETTE = ("#1e40af", "#0f766e", "#b45309", "#7e22ce")
MINOR = ("#475569", "#64748b")

#: Default size of a cloud in CSS pixels; the PNG is ``scale`` times larger.
WIDTH, HEIGHT, SCALE = 400, 200, 2

#: Words drawn smaller than this (in CSS pixels) are left out: they could not be read.
MIN_FONT_SIZE = 11


class _Colors:
    """Colour function for :class:`wordcloud.WordCloud`: prominent words get a palette colour,
    words under ``cut`` times the largest size a grey; choices come from the seeded RNG."""

    def __init__(self, largest: int, cut: float = 0.3):
        self.threshold = largest * cut

    def __call__(self, word, font_size, position, orientation, random_state=None, **kwargs):
        colors = PALETTE if font_size >= self.threshold else MINOR
        return colors[random_state.randint(0, len(colors) - 1)]


class _SharedFonts:
    """What :mod:`wordcloud` finds as ``ImageFont`` while :func:`wordcloud_image` draws:
    PIL's module, but :data:`FONT_PATH` is loaded once per size. wordcloud loads the font
    file again for every size it tries for every word, and again to draw it at scale: a
    fifth of a cloud's time (docs/decisions.md, "One conference in seconds")."""

    def __init__(self):
        self.fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def truetype(self, font=None, size=10, *args, **kwargs):
        if font != FONT_PATH or args or kwargs:
            return ImageFont.truetype(font, size, *args, **kwargs)
        if size not in self.fonts:
            self.fonts[size] = ImageFont.truetype(font, size)
        return self.fonts[size]

    def __getattr__(self, name):
        return getattr(ImageFont, name)


_FONTS = _SharedFonts()

#: Held while a cloud is drawn with :data:`_FONTS`: one thread at a time uses the fonts
#: (a FreeType face is not to be used by two threads at once).
_DRAWING = threading.Lock()


@contextmanager
def _shared_fonts() -> Iterator[None]:
    """Let wordcloud use :data:`_FONTS` inside the block (one thread at a time)."""
    library = wordcloud.wordcloud
    with _DRAWING:
        saved, library.ImageFont = library.ImageFont, _FONTS
        try:
            yield
        finally:
            library.ImageFont = saved


@lru_cache(maxsize=4)
def font_characters(path: str = FONT_PATH) -> frozenset[int] | None:
    """Code points the font can draw; ``None`` when fontTools cannot tell (then all pass)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # fontTools comes with matplotlib, which wordcloud needs
        return None
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def drawable(word: str, characters: frozenset[int] | None = None) -> bool:
    """Whether the package's font has a glyph for every character of ``word`` (spaces aside)."""
    characters = font_characters() if characters is None else characters
    return characters is None or all(ord(c) in characters for c in word if not c.isspace())


def clean_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Plain ``str -> float`` items with a positive, finite weight, sorted by word.

    Words the font cannot draw are dropped. Sorting and converting NumPy scalars make
    equal inputs hash equally for the cache.
    """
    characters = font_characters()
    clean = {}
    for word, weight in weights.items():
        value = float(weight)
        text = str(word)
        if value > 0 and value != float("inf") and text.strip() and drawable(text, characters):
            clean[text] = value
    return dict(sorted(clean.items()))


def wordcloud_image(
    weights: Mapping[str, float],
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    random_state: int = 0,
) -> Image.Image:
    """Draw a word cloud whose word sizes follow ``weights``.

    Parameters
    ----------
    weights : mapping of str to float
        Word -> weight (any positive unit, such as a row of NMF's H). Words with a weight
        that is not positive and finite are ignored.
    width, height : int
        Size of the layout canvas in CSS pixels, the size the image is meant to be shown at.
    scale : float, default 2
        Drawing scale: the image has ``round(width * scale) x round(height * scale)``
        pixels (2 for high-DPI screens).
    random_state : int, default 0
        Seed of the layout and the colours; the same inputs give the same image.

    Returns
    -------
    PIL.Image.Image
        RGBA image with a transparent background, size ``(int(width * scale),
        int(height * scale))``. Fully transparent when no word has a positive weight.

    Raises
    ------
    ValueError
        If ``width``, ``height`` or ``scale`` is not positive.
    """
    if width <= 0 or height <= 0 or scale <= 0:
        raise ValueError(f"size must be positive, got {width}x{height} at scale {scale}")
    words = clean_weights(weights)
    size = (int(width * scale), int(height * scale))
    if not words:
        return Image.new("RGBA", size, (255, 255, 255, 0))
    largest = int(height * 0.4)
    cloud = wordcloud.WordCloud(
        font_path=FONT_PATH,
        width=width,
        height=height,
        scale=scale,
        margin=3,
        max_words=len(words),
        min_font_size=MIN_FONT_SIZE,
        max_font_size=largest,
        prefer_horizontal=1.0,
        relative_scaling=0.6,
        mode="RGBA",
        background_color=None,
        color_func=_Colors(largest),
        random_state=random_state,
        collocations=False,
        normalize_plurals=False,
        include_numbers=True,
    )
    with _shared_fonts():
        cloud.generate_from_frequencies(words)
        return cloud.to_image()


def wordcloud_png(
    weights: Mapping[str, float],
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    random_state: int = 0,
) -> bytes:
    """:func:`wordcloud_image` encoded as PNG; the cached unit of work.

    Returns
    -------
    bytes
        A PNG file (zlib level 6) with a palette of at most :data:`PNG_COLORS` colours
        and alpha (the image itself is RGBA).
    """
    buffer = io.BytesIO()
    image = wordcloud_image(weights, width, height, scale, random_state)
    image = image.quantize(PNG_COLORS, method=Image.Quantize.FASTOCTREE)
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def topic_wordcloud(
    weights: Mapping[str, float], width: int = WIDTH, height: int = HEIGHT, random_state: int = 0
):
    """A topic's word cloud exactly as the site shows it: the pixels of its
    ``wordclouds/topic-<number>.png`` (:func:`wordcloud_png` at :data:`SCALE`, with the
    model's seed), for the notebook.

    Parameters
    ----------
    weights : mapping of str to float
        The topic's top words and their weights (:data:`CLOUD_WORDS` of them on the site).
    width, height : int
        Size in CSS pixels (the site's by default); the image has :data:`SCALE` times as
        many pixels each way.
    random_state : int
        The model's seed (the site draws with it).

    Returns
    -------
    PIL.Image.Image
        RGBA, transparent background.
    """
    png = wordcloud_png(clean_weights(weights), width, height, SCALE, random_state)
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGBA")
