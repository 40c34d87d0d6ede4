"""The static site of a conference's topics: index of topics, one page per topic and per talk.

Everything the pages show is computed here, in Python, into plain view objects
(:class:`SiteView`, :class:`TopicView`, :class:`TalkView`); the Jinja2 templates in the
repository's ``templates/`` folder only loop and print, with autoescaping on and
:class:`jinja2.StrictUndefined`, so talk texts are always escaped and a typo in a template
is an error rather than an empty string.

Layout of a built site (every link is relative, so it works from ``file://`` and from any
static host, and no page requests anything outside the site)::

    index.html                  topics as cards: word cloud, label, size, top talks
    topics/<number>.html        one page per topic (1-based number)
    talks/<talk id>.html        one page per talk
    wordclouds/topic-<number>.png
    static/style.css
    .topics-site                marker: this folder may be replaced by the next build

The site is published atomically: it is rendered into a temporary sibling folder which
then replaces the previous site, so a failed build leaves the previous site intact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from joblib import Memory

from .corpus import Corpus, Talk
from .wordclouds import HEIGHT, SCALE, WIDTH, topic_weights, write_wordclouds


def _templates_folder() -> Path:
    installed = Path(__file__).parent / "templates"  # wheel: force-included as topics/templates
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"  # source checkout


#: Folder of the Jinja2 templates; its ``static/`` subfolder is copied into the site.
TEMPLATES = _templates_folder()

#: File that marks a folder as a site built here, which a later build may replace.
MARKER = ".topics-site"

#: Talk ids that are used as file names; anything else is refused.
SAFE_ID = re.compile(r"[a-z0-9-]+")

#: Words of a topic drawn in its word cloud, and listed as text on its page.
CLOUD_WORDS, LISTED_WORDS = 80, 15

#: Talks listed on a topic's card on the index page.
CARD_TALKS = 4

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"\s+")


class RenderError(ValueError):
    """The inputs cannot be rendered (unsafe talk id, weights of the wrong shape)."""


@dataclass(frozen=True)
class TopicLink:
    """A topic as linked from elsewhere: hrefs are relative to the site's root."""

    number: int
    label: str
    href: str


@dataclass(frozen=True)
class TalkEntry:
    """A talk as listed on a topic page or card.

    ``weight`` is the talk's raw document-topic weight for that topic (the ranking key);
    ``percent`` its share of the talk's topic mix, as text such as ``"64%"``.
    """

    id: str
    title: str
    speakers: str
    href: str
    weight: float
    percent: str


@dataclass(frozen=True)
class MixEntry:
    """One bar of a talk's topic mix: the topic, its rounded share and the bar's width."""

    topic: TopicLink
    percent: int
    width: str


@dataclass
class TopicView:
    """Everything shown about one topic.

    ``talks`` are the talks whose strongest topic this is, by descending weight.
    """

    index: int
    number: int
    label: str
    href: str
    image: str
    alt: str
    words: list[str]
    talks: list[TalkEntry] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of talks whose strongest topic this is."""
        return len(self.talks)

    @property
    def link(self) -> TopicLink:
        """How other pages link to this topic."""
        return TopicLink(self.number, self.label, self.href)

    @property
    def top_talks(self) -> list[TalkEntry]:
        """The talks shown on the topic's card on the index page."""
        return self.talks[:CARD_TALKS]


@dataclass
class TalkView:
    """Everything shown about one talk.

    ``details`` holds (name, value) pairs of the known fields among track, day, time, room
    and event; ``url`` is the original page, ``""`` unless it is an http(s) URL; ``topic``
    is the strongest topic, ``None`` when the talk has no topic weight at all.
    """

    id: str
    title: str
    speakers: str
    href: str
    details: list[tuple[str, str]]
    paragraphs: list[str]
    url: str
    event: str
    topic: TopicLink | None
    mix: list[MixEntry]


@dataclass
class SiteView:
    """The whole site: the corpus's title and source, its topics and talks."""

    title: str
    source: str
    topics: list[TopicView]
    talks: list[TalkView]
    unassigned: list[TalkEntry]
    image_width: int = WIDTH
    image_height: int = HEIGHT

    @property
    def n_talks(self) -> int:
        """Number of talks in the corpus."""
        return len(self.talks)


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs on blank lines, collapsing other whitespace.

    Examples
    --------
    >>> paragraphs("One\\nline.\\n\\n  Two. ")
    ['One line.', 'Two.']
    """
    parts = (_SPACES.sub(" ", part).strip() for part in _BLANK_LINE.split(text))
    return [part for part in parts if part]


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host (safe to link to)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def rounded_percents(shares: np.ndarray) -> np.ndarray:
    """Round shares that sum to 1 to whole percents that sum to 100 (largest remainder).

    Parameters
    ----------
    shares : ndarray, shape (n,)
        Non-negative, summing to 1.

    Returns
    -------
    ndarray of int, shape (n,)
    """
    raw = np.asarray(shares, dtype=float) * 100
    floors = np.floor(raw).astype(int)
    missing = 100 - int(floors.sum())
    if missing > 0:
        order = np.argsort(-(raw - floors), kind="stable")
        floors[order[:missing]] += 1
    return floors


def _check_inputs(corpus: Corpus, model, doc_topic) -> np.ndarray:
    W = np.asarray(doc_topic, dtype=float)
    n_topics = len(model.topic_labels_)
    if W.shape != (len(corpus), n_topics):
        raise RenderError(
            f"doc_topic has shape {W.shape}, expected (n_talks, n_components) = "
            f"({len(corpus)}, {n_topics})"
        )
    if not np.all(np.isfinite(W)) or np.any(W < 0):
        raise RenderError("doc_topic must hold finite, non-negative weights")
    for talk in corpus:
        if not SAFE_ID.fullmatch(talk.id):
            raise RenderError(f"unsafe talk id {talk.id!r}: only [a-z0-9-] may name a page")
    return W


def site_view(corpus: Corpus, model, doc_topic: np.ndarray) -> SiteView:
    """Compute everything the pages show.

    Parameters
    ----------
    corpus : Corpus
        The talks, ``n_talks`` of them.
    model : topics.model.TopicModel
        Fitted; ``topic_labels_`` and ``top_words`` are read.
    doc_topic : ndarray, shape (n_talks, n_components)
        Non-negative document-topic weights W, rows in corpus order.

    Returns
    -------
    SiteView
        Hrefs in it are relative to the site's root.

    Raises
    ------
    RenderError
        If ``doc_topic`` has the wrong shape or negative or non-finite weights, or a talk id
        is not made of ``[a-z0-9-]`` only.
    """
    W = _check_inputs(corpus, model, doc_topic)
    topics = []
    for index, label in enumerate(model.topic_labels_):
        number = index + 1
        words = [word for word, _ in model.top_words(index, LISTED_WORDS)]
        topics.append(
            TopicView(
                index=index,
                number=number,
                label=str(label),
                href=f"topics/{number}.html",
                image=f"wordclouds/topic-{number}.png",
                alt=f"Word cloud of topic {number}: {', '.join(words[:10])}",
                words=words,
            )
        )

    talks, unassigned = [], []
    by_topic: list[list[tuple[float, int, TalkEntry]]] = [[] for _ in topics]
    for i, (talk, row) in enumerate(zip(corpus, W, strict=True)):
        total = row.sum()
        if total > 0:
            best: int | None = int(np.argmax(row))
            shares = row / total
            percents = rounded_percents(shares)
        else:  # no weight at all: the talk shares no word with any topic
            best, shares, percents = None, row, np.zeros(len(row), dtype=int)
        mix = [
            MixEntry(topics[k].link, int(percents[k]), f"{100 * shares[k]:.1f}%")
            for k in np.argsort(-shares, kind="stable")
            if percents[k] >= 1
        ]
        if best is None:
            unassigned.append(_entry(talk, 0.0, ""))
        else:
            entry = _entry(talk, float(row[best]), f"{percents[best]}%")
            by_topic[best].append((-entry.weight, i, entry))  # heaviest first, then corpus order
        talks.append(_talk_view(talk, topics[best].link if best is not None else None, mix))
    for topic, entries in zip(topics, by_topic, strict=True):
        topic.talks = [entry for *_, entry in sorted(entries, key=lambda e: e[:2])]
    return SiteView(
        title=corpus.title or "Conference topics",
        source=corpus.source,
        topics=topics,
        talks=talks,
        unassigned=unassigned,
    )


def _entry(talk: Talk, weight: float, percent: str) -> TalkEntry:
    return TalkEntry(
        id=talk.id,
        title=talk.title,
        speakers=", ".join(talk.speakers),
        href=f"talks/{talk.id}.html",
        weight=weight,
        percent=percent,
    )


def _talk_view(talk: Talk, topic: TopicLink | None, mix: list[MixEntry]) -> TalkView:
    details = [
        (name, value.strip())
        for name, value in (
            ("Event", talk.event),
            ("Track", talk.track),
            ("Day", talk.day),
            ("Time", talk.time),
            ("Room", talk.room),
        )
        if value and value.strip()
    ]
    return TalkView(
        id=talk.id,
        title=talk.title,
        speakers=", ".join(talk.speakers),
        href=f"talks/{talk.id}.html",
        details=details,
        paragraphs=paragraphs(talk.abstract),
        url=talk.url.strip() if is_web_url(talk.url) else "",
        event=talk.event,
        topic=topic,
        mix=mix,
    )


def environment(templates: Path | None = None) -> Environment:
    """The Jinja2 environment of the site: autoescaping on, undefined names are errors.

    Parameters
    ----------
    templates : path or None
        Template folder; :data:`TEMPLATES` when ``None``.

    Returns
    -------
    jinja2.Environment
        With ``autoescape=True`` and :class:`jinja2.StrictUndefined`.
    """
    return Environment(
        loader=FileSystemLoader(str(templates or TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_pages(site: SiteView, folder: Path, templates: Path | None = None) -> list[Path]:
    """Write the HTML pages and static assets of ``site`` into ``folder``.

    Parameters
    ----------
    site : SiteView
        What to show, from :func:`site_view`.
    folder : pathlib.Path
        An existing, empty folder (the site's root).
    templates : path or None
        Template folder; :data:`TEMPLATES` when ``None``.

    Returns
    -------
    list of pathlib.Path
        The pages written: index, topic pages, talk pages.

    Raises
    ------
    jinja2.TemplateError
        If a template is missing or fails (an undefined name, for instance).
    OSError
        If a file cannot be written.
    """
    templates = templates or TEMPLATES
    env = environment(templates)
    written = []

    def write(path: str, template: str, root: str, **context) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        html = env.get_template(template).render(site=site, root=root, **context)
        target.write_text(html, encoding="utf-8", newline="\n")
        written.append(target)

    write("index.html", "index.html", "")
    for topic in site.topics:
        write(topic.href, "topic.html", "../", topic=topic)
    for talk in site.talks:
        write(talk.href, "talk.html", "../", talk=talk)
    static = templates / "static"
    if static.is_dir():
        shutil.copytree(static, folder / "static")
    return written


def build_site(
    corpus: Corpus,
    model,
    doc_topic: np.ndarray,
    out_dir: str | os.PathLike,
    memory: Memory | None = None,
) -> Path:
    """Render the topic site of a corpus and publish it atomically into ``out_dir``.

    Parameters
    ----------
    corpus : Corpus
        The talks, ``n_talks`` of them.
    model : topics.model.TopicModel
        Fitted on the corpus; gives topic labels and top words.
    doc_topic : ndarray, shape (n_talks, n_components)
        Non-negative document-topic weights W, rows in corpus order. A talk belongs to its
        strongest topic (highest weight); a talk whose weights are all zero to none.
    out_dir : path
        The site folder. Replaced as a whole once the new site is complete; it must be
        absent, empty, or a site built here before (it holds the ``.topics-site`` marker).
    memory : joblib.Memory or None
        Cache of the word cloud images.

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding the new site.

    Raises
    ------
    RenderError
        If the inputs are inconsistent or a talk id is unsafe (see :func:`site_view`).
    FileExistsError
        If ``out_dir`` exists and is a file, or a non-empty folder that is not a site.
    OSError, jinja2.TemplateError
        If rendering or writing fails; ``out_dir`` is then left as it was.
    """
    out = Path(out_dir).absolute()
    site = site_view(corpus, model, doc_topic)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        new.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read it
        write_wordclouds(
            topic_weights(model, CLOUD_WORDS),
            new / "wordclouds",
            width=site.image_width,
            height=site.image_height,
            scale=SCALE,
            random_state=getattr(model, "random_state", 0) or 0,
            memory=memory,
        )
        render_pages(site, new)
        marker = {"generator": "topics", "talks": site.n_talks, "topics": len(site.topics)}
        (new / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        _swap_into_place(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return out


def _check_target(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FileExistsError(f"{out} exists and is not a folder: refusing to replace it")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise FileExistsError(
            f"{out} is not empty and is not a site built by topics (no {MARKER} file): "
            "refusing to replace it; choose another --out folder"
        )


def _swap_into_place(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new``; the old folder is deleted only once ``new`` is in place."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
