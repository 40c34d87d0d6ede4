"""The static site of a conference's topics: index of topics, one page per topic and per talk.

Everything the pages show is computed here, in Python, into plain view objects
(:class:`SiteView`, :class:`TopicView`, :class:`TalkView`); the Jinja2 templates in the
repository's ``templates/`` folder only loop and print, with autoescaping on and
:class:`jinja2.StrictUndefined`, so talk texts are always escaped and a typo in a template
is an error rather than an empty string.

Layout of a built site (every link is relative, so it works from ``file://`` and from any
static host, and no page requests anything outside the site)::

    index.html                  search box, corpus summary, topics as cards, downloads
    topics/<number>.html        one page per topic (1-based number), its first
                                TOPIC_PAGE_TALKS talks; topics/<number>-<page>.html the next
    talks/<talk id>.html        one page per talk, with its five most similar talks
    search.html                 full-text search (MiniSearch, prebuilt index)
    map.html                    2-D map of the talks (canvas; map/points.js holds the data)
    speakers.html               every speaker with their talks (on a large site, links
                                to speakers/<letter>.html, one page per initial)
    editions.html               topic shares per event (only when there are several)
    unassigned.html             talks without any topic weight (only when there are some)
    search/manifest.js, search/shard-0.js      the search index (see topics.search_index)
    map/points.js               talk positions (see topics.layout)
    data/*.csv, data/*.json     the export (see topics.export)
    wordclouds/topic-<number>.png
    static/                     style.css, search.js, map.js, vendor/minisearch.js
    .topics-site                marker: this folder may be replaced by the next build;
                                it lists the site's own top-level files and folders

Scripts: every script is a file of the site loaded with ``<script src>`` (the
Content-Security-Policy allows ``script-src 'self'`` only, which Chromium also matches
for ``file://`` pages); data are JavaScript files that set a global, never ``fetch``ed
(Chromium refuses ``fetch`` of ``file://`` URLs). No page holds an inline script.

The site is published atomically: it is rendered into a temporary sibling folder which
then replaces the previous site, so a failed build leaves the previous site intact. Two
builds into one folder at once take turns at that swap (an exclusive lock on the parent
folder), and the last one's site stays; the next build deletes the temporary folder a
killed build left (each build locks its own while it writes it). Page names come from
talk ids, which must be safe as file names (:func:`topics.corpus.is_safe_id`): no id can
name a file outside the site.

Only what topics made is ever deleted: files and folders the user put into a site folder
(a ``CNAME`` and ``.nojekyll`` for GitHub Pages, a ``.git`` checkout, notes) are moved
into each new site; a folder that topics did not make is not built into unless asked
(``force``); and a sibling folder is deleted as a killed build's leftover only when its
name is exactly one this module makes and it holds the marker.
"""

from __future__ import annotations

import dataclasses
import gc
import glob
import json
import os
import pickle
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import joblib
import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined, meta
from joblib import Memory, Parallel, delayed

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from .corpus import MAX_ID, Corpus, Talk, is_safe_id, slugify
from .editions import event_shares
from .export import TOP_WORDS, ExportedTopic, write_exports
from .layout import talk_positions
from .parallel import runs_here
from .plan import SCHEDULE_DOWNLOADS, plan_jobs
from .search_index import SearchDocument, write_search_index
from .similar import related_topics, similar_talks, topic_shares, word_vectors
from .wordclouds import HEIGHT, SCALE, WIDTH, drawable, topic_weights, write_wordclouds


def _templates_folder() -> Path:
    installed = Path(__file__).parent / "templates"  # wheel: force-included as topics/templates
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"  # source checkout


#: Folder of the Jinja2 templates; its ``static/`` subfolder is copied into the site.
TEMPLATES = _templates_folder()

#: File that marks a folder as a site built here, which a later build may replace. It
#: lists the site's top-level names ("files"): anything else in the folder is the user's.
MARKER = ".topics-site"

#: The top-level names of a site whose marker does not list them (built before it did).
_OLDER_SITE = frozenset(
    {
        *("index.html", "search.html", "map.html", "speakers.html", "editions.html"),
        *("unassigned.html", "speakers", "topics", "talks", "search", "map", "data"),
        *("wordclouds", "static", MARKER),
        *("plan.html", "plan"),  # topics.plan
    }
)

#: The end of the name of a temporary sibling ``.<site>.new-*`` (being built) or
#: ``.<site>.old-*`` (being deleted) of the site folder ``<site>``.
_TEMPORARY = re.compile(r"(new|old)-[0-9a-f]{32}")

#: Words of a topic drawn in its word cloud, and listed as text on its page.
CLOUD_WORDS, LISTED_WORDS = 80, 15

#: Talks listed on a topic's card on the index page.
CARD_TALKS = 4

#: Similar talks shown on a talk page.
SIMILAR = 5

#: A talk is listed under "also in this topic" when the topic holds this share of its mix;
#: the other topics of a talk listed on a topic page are those holding ``OTHER_SHARE``.
SECONDARY_SHARE, OTHER_SHARE = 0.2, 0.1

#: A talk page lists the topics of its mix holding ``MIX_MIN_PERCENT`` % or more, at most
#: ``MIX_TOPICS`` of them (the strongest always) and sums up the rest: with 100 topics a
#: paperlists abstract gives 1% or more to 25 topics on average, mostly noise to a reader
#: (and half the time of rendering its page).
MIX_TOPICS, MIX_MIN_PERCENT = 8, 3

#: Talks listed per topic page: a larger topic gets more pages, linked by a pager.
TOPIC_PAGE_TALKS = 100

#: Talk pages, and topic pages, rendered per parallel job (a topic page lists up to
#: TOPIC_PAGE_TALKS talks: 3 ms to render, against 0.3 ms a talk page). Sites with less
#: than one job's pages are rendered in this process; so are the topic pages alone, when
#: only topic.html changed: the 924 of 87,405 paperlists abstracts took 3.0 s here, and
#: 4.5-5.5 s in jobs of 100 (their contexts pickled to 39 MB, and the workers started).
PAGES_PER_JOB, TOPIC_PAGES_PER_JOB = 2_000, 1_000

#: Speakers above which the speakers page lists only the initials, each linking to a page
#: of its own (``speakers/<letter>.html``).
SPEAKERS_PER_PAGE = 5_000

#: Talks without a topic listed on the index page (all of them on ``unassigned.html``).
UNASSIGNED_ON_INDEX = 10

#: Topic colours (3:1 or more against white, for marks on the map and in bars); cycled.
PALETTE = (
    "#2563eb",
    "#dc2626",
    "#15803d",
    "#9333ea",
    "#c2410c",
    "#0e7490",
    "#db2777",
    "#4d7c0f",
    "#475569",
    "#92400e",
    "#4f46e5",
    "#0f766e",
)

#: Names of the languages pyvideo and schedules most often give, by ISO 639-1/-2 code.
LANGUAGE_NAMES = {
    "en": "English", "eng": "English", "de": "German", "deu": "German", "ger": "German",
    "es": "Spanish", "spa": "Spanish", "fr": "French", "fra": "French", "fre": "French",
    "it": "Italian", "ita": "Italian", "pt": "Portuguese", "por": "Portuguese",
    "ru": "Russian", "rus": "Russian", "ja": "Japanese", "jpn": "Japanese",
    "zh": "Chinese", "zho": "Chinese", "chi": "Chinese", "pl": "Polish", "pol": "Polish",
    "nl": "Dutch", "nld": "Dutch", "dut": "Dutch", "ko": "Korean", "kor": "Korean",
    "cs": "Czech", "ces": "Czech", "cze": "Czech", "uk": "Ukrainian", "ukr": "Ukrainian",
    "sv": "Swedish", "swe": "Swedish", "tr": "Turkish", "tur": "Turkish",
    "id": "Indonesian", "ind": "Indonesian", "he": "Hebrew", "heb": "Hebrew",
    "eu": "Basque", "eus": "Basque", "baq": "Basque", "ca": "Catalan", "cat": "Catalan",
}  # fmt: skip

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


class RenderError(ValueError):
    """The inputs cannot be rendered (unsafe talk id, weights of the wrong shape)."""


@dataclass(frozen=True)
class TopicLink:
    """A topic as linked from elsewhere: hrefs are relative to the site's root."""

    number: int
    label: str
    href: str
    color: str = PALETTE[0]


@dataclass(frozen=True)
class TopicShare:
    """A topic's whole-percent share of a talk's mix."""

    topic: TopicLink
    percent: int


@dataclass(frozen=True)
class TalkEntry:
    """A talk as listed on a topic page, a card, the speakers page or as a similar talk.

    ``weight`` is the ranking key (the document-topic weight for that topic, or the
    similarity of a similar talk); ``percent`` the topic's share of the talk's mix, as text
    such as ``"64%"``; ``others`` the talk's other topics.
    """

    id: str
    title: str
    speakers: str
    href: str
    weight: float
    percent: str
    event: str = ""
    others: tuple[TopicShare, ...] = ()


@dataclass(frozen=True)
class MixEntry:
    """One bar of a talk's topic mix: the topic, its rounded share and the bar's width."""

    topic: TopicLink
    percent: int
    width: str


@dataclass(frozen=True)
class RelatedTopic:
    """A topic related to another: score in [0, 1], talks in which both hold 10% or more."""

    topic: TopicLink
    score: float
    shared: int


@dataclass(frozen=True)
class EventShare:
    """A topic's share of one event: percent (text), bar width, talks strongest in it."""

    event: str
    percent: str
    width: str
    strongest: int


@dataclass
class TopicView:
    """Everything shown about one topic.

    ``talks`` are the talks whose strongest topic this is, by descending weight; ``also``
    the talks of other topics in which this one holds ``SECONDARY_SHARE`` or more.
    """

    index: int
    number: int
    label: str
    href: str
    image: str
    alt: str
    words: list[str]
    color: str = PALETTE[0]
    language: str = ""  # shown when the topics are in several languages
    phrases: list[str] = field(default_factory=list)
    stability: float | None = None
    talks: list[TalkEntry] = field(default_factory=list)
    also: list[TalkEntry] = field(default_factory=list)
    related: list[RelatedTopic] = field(default_factory=list)
    by_event: list[EventShare] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of talks whose strongest topic this is."""
        return len(self.talks)

    @property
    def link(self) -> TopicLink:
        """How other pages link to this topic."""
        return TopicLink(self.number, self.label, self.href, self.color)

    @property
    def top_talks(self) -> list[TalkEntry]:
        """The talks shown on the topic's card on the index page."""
        return self.talks[:CARD_TALKS]


@dataclass
class TalkView:
    """Everything shown about one talk.

    ``details`` holds (name, value) pairs of the known fields among event, track, day,
    time, room and language; ``url`` is the original page, ``""`` unless it is an http(s)
    URL; ``topic`` is the strongest topic, ``None`` when the talk has no topic weight at
    all; ``speaker_links`` pairs each speaker with their entry on the speakers page;
    ``mix`` the topics listed (see :data:`MIX_TOPICS`) and ``mix_rest`` the percent held
    by the others.
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
    speaker_links: list[tuple[str, str]] = field(default_factory=list)
    similar: list[TalkEntry] = field(default_factory=list)

    @property
    def mix_rest(self) -> int:
        """Percent of the talk's mix held by the topics not listed; 0 without a mix."""
        return 100 - sum(entry.percent for entry in self.mix) if self.mix else 0


@dataclass(eq=False)
class TalkViews(Sequence[TalkView]):
    """The views of the talk pages, kept compact: each :class:`TalkView` is made when read.

    Made whole, the views of 87,405 talks are millions of small objects (their topic mixes
    alone hold 2 million bars): 261 MB pickled, 7.5 s to pickle and as long to unpickle,
    once for the cache and again for the page workers. As arrays and tuples they take
    1.5 s and 0.9 s, and each page worker makes the views of the pages it renders.
    A slice is a :class:`TalkViews` of those talks.

    Attributes
    ----------
    talks : list of Talk, length n_talks
        In corpus order.
    links : list of TopicLink, length n_topics
    best : ndarray of int, shape (n_talks,)
        Index of each talk's strongest topic; -1 for a talk with no topic weight.
    shares : ndarray, shape (n_talks, n_topics)
        Each talk's topic shares (rows of W over their sums; rows of zeros for no weight).
    percents : ndarray of int8, shape (n_talks, n_topics)
        The shares in whole percents, summing to 100 (see :func:`rounded_percents`).
    languages : list of str, length n_talks
        Each talk's language code as given; ``""`` when unknown.
    speaker_links : list of list of (str, str)
        Each talk's speakers: (name, href of their entry on the speakers pages).
    similar : list of list of (str, str, str, str, float)
        Each talk's similar talks, most similar first: (id, title, speakers, event,
        similarity in [0, 1]).
    """

    talks: list[Talk]
    links: list[TopicLink]
    best: np.ndarray
    shares: np.ndarray
    percents: np.ndarray
    languages: list[str]
    speaker_links: list[list[tuple[str, str]]]
    similar: list[list[tuple[str, str, str, str, float]]]

    def __len__(self) -> int:
        return len(self.talks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return TalkViews(
                self.talks[index],
                self.links,
                self.best[index],
                self.shares[index],
                self.percents[index],
                self.languages[index],
                self.speaker_links[index],
                self.similar[index],
            )
        i = range(len(self.talks))[index]  # negative indices; IndexError out of range
        best = int(self.best[i])
        percents = self.percents[i]
        shown = np.flatnonzero(percents >= MIX_MIN_PERCENT)
        if best >= 0 and percents[best] < MIX_MIN_PERCENT:
            shown = np.array([best])
        # Descending share, ties in topic order.
        order = shown[np.argsort(-self.shares[i][shown], kind="stable")][:MIX_TOPICS].tolist()
        share, percent = self.shares[i].tolist(), percents.tolist()  # Python numbers: faster
        mix = [MixEntry(self.links[k], percent[k], f"{100 * share[k]:.1f}%") for k in order]
        talk, language = self.talks[i], self.languages[i].strip()
        details = [
            (name, value.strip())
            for name, value in (
                ("Event", talk.event),
                ("Track", talk.track),
                ("Day", talk.day),
                ("Time", talk.time),
                ("Room", talk.room),
                ("Language", language_name(language) if language else ""),
            )
            if value and value.strip()
        ]
        return TalkView(
            id=talk.id,
            title=talk.title,
            speakers=", ".join(talk.speakers),
            href=talk_href(talk.id),
            details=details,
            paragraphs=paragraphs(talk.abstract),
            url=talk.url.strip() if is_web_url(talk.url) else "",
            event=talk.event,
            topic=self.links[best] if best >= 0 else None,
            mix=mix,
            speaker_links=list(self.speaker_links[i]),
            similar=[
                TalkEntry(key, title, names, talk_href(key), score, f"{round(100 * score)}%", event)
                for key, title, names, event, score in self.similar[i]
            ],
        )

    @property
    def hrefs(self) -> list[str]:
        """Each talk's page, from the site's root."""
        return [talk_href(talk.id) for talk in self.talks]


@dataclass
class Speaker:
    """A speaker and their talks; ``anchor`` is the id of their entry on speakers.html."""

    name: str
    anchor: str
    talks: list[TalkEntry]


@dataclass
class SpeakerGroup:
    """Speakers whose name starts with one letter (``#`` for anything else)."""

    letter: str
    anchor: str
    speakers: list[Speaker]
    href: str = "speakers.html"  # the page listing them: speakers/<letter>.html on large sites


@dataclass
class Editions:
    """Each topic's share per event: ``rows`` pairs a topic with its share in each event."""

    events: list[str]
    talks: list[int]
    rows: list[tuple[TopicLink, list[EventShare]]]


@dataclass(frozen=True)
class Candidate:
    """A number of topics the model measured before choosing (its ``selection_``)."""

    n_components: int
    stability: str
    coherence: str
    score: str
    chosen: bool


@dataclass
class Summary:
    """The corpus at a glance, for the index page."""

    n_talks: int
    n_speakers: int
    n_tracks: int
    events: list[str]
    languages: list[tuple[str, int]]
    n_topics: int
    selection: list[str]
    stability: bool
    n_unassigned: int
    candidates: list[Candidate] = field(default_factory=list)
    excluded: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Pager:
    """Where a page of a topic's talks is among the topic's pages.

    ``number`` is 1-based of ``count``; ``total`` the topic's talks; ``first_rank`` the
    rank of the page's first talk; ``pages`` (number, href) of every page, hrefs from the
    site's root (``prev``/``next`` are ``""`` on the first/last page).
    """

    number: int
    count: int
    total: int
    first_rank: int
    prev: str
    next: str
    pages: tuple[tuple[int, str], ...]


@dataclass
class PageSite:
    """What topic and talk pages read of the site: small, so it is cheap to send to workers."""

    title: str
    source: str
    nav: list[tuple[str, str, str]]
    n_talks: int
    topics: list[TopicLink]
    image_width: int
    image_height: int


@dataclass(frozen=True)
class Download:
    """A file of the data export."""

    name: str
    href: str
    description: str


@dataclass(frozen=True)
class LanguageGroup:
    """The talks of a language left out of the topics (too few for topics of their own)."""

    code: str
    name: str
    talks: list[TalkEntry]


@dataclass
class SiteView:
    """The whole site: the corpus's title and source, its topics and talks.

    ``unassigned`` holds every talk without a topic; ``other_languages`` groups those of
    them that are in a language left out of the topics, by language.
    """

    title: str
    source: str
    topics: list[TopicView]
    talks: TalkViews
    unassigned: list[TalkEntry]
    other_languages: list[LanguageGroup] = field(default_factory=list)
    summary: Summary | None = None
    speakers: list[SpeakerGroup] = field(default_factory=list)
    editions: Editions | None = None
    downloads: list[Download] = field(default_factory=list)
    image_width: int = WIDTH
    image_height: int = HEIGHT

    @property
    def n_talks(self) -> int:
        """Number of talks in the corpus."""
        return len(self.talks)

    @property
    def no_shared_words(self) -> list[TalkEntry]:
        """Talks without a topic that are not in a left-out language."""
        grouped = {talk.id for group in self.other_languages for talk in group.talks}
        return [talk for talk in self.unassigned if talk.id not in grouped]

    @property
    def nav(self) -> list[tuple[str, str, str]]:
        """The site's main navigation: (page key, label, href from the root)."""
        items = [
            ("index", "Topics", "index.html"),
            ("map", "Map", "map.html"),
            ("search", "Search", "search.html"),
            ("speakers", "Speakers", "speakers.html"),
            ("plan", "My plan", "plan.html"),
        ]
        if self.editions is not None:
            items.append(("editions", "Editions", "editions.html"))
        items.append(("data", "Data", "index.html#data"))
        return items


#: What each exported file holds, for the index page.
DOWNLOADS = (
    ("topics.csv", "Topics: number, label, size, top words"),
    ("topics.json", "The same, as JSON"),
    ("topic-words.csv", f"Topic-word weights: the top {TOP_WORDS} terms of every topic"),
    ("topic-words.json", "The same, as JSON"),
    ("talk-topics.csv", "Talk-topic weights: every talk's weight in every topic"),
    ("talk-topics.json", "The same, as JSON"),
    *SCHEDULE_DOWNLOADS,
)


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs on blank lines, collapsing other whitespace.

    Examples
    --------
    >>> paragraphs("One\\nline.\\n\\n  Two. ")
    ['One line.', 'Two.']
    """
    parts = (" ".join(part.split()) for part in _BLANK_LINE.split(text))
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


def language_name(code: str) -> str:
    """A language's English name from its ISO 639 code; the code itself when unknown."""
    code = code.strip()
    return LANGUAGE_NAMES.get(code.lower(), code)


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
        if not is_safe_id(talk.id):
            raise RenderError(
                f"unsafe talk id {talk.id[:100]!r}: a page is named by [a-z0-9-] only, at most"
                f" {MAX_ID + 20} characters, not a name Windows reserves"
            )
    return W


def document_term(corpus: Corpus, model, memory: Memory | None = None):
    """The TF-IDF rows of the corpus's talks, for similar talks (nothing is refitted).

    The model's ``document_term_`` (n_talks, n_features) when it has one; else
    :func:`topics.similar.word_vectors` of the talks' texts, cached in ``memory``.
    """
    X = getattr(model, "document_term_", None)
    if X is not None and getattr(X, "shape", (0,))[0] == len(corpus):
        return X
    vectors = memory.cache(word_vectors) if memory is not None else word_vectors
    return vectors(corpus.texts)


def _model_topic_count(model, n_labels: int) -> int:
    for name in ("n_components_", "n_components"):
        value = getattr(model, name, None)
        if isinstance(value, int | np.integer):
            return int(value)
    return n_labels


def _selection(model, n_topics: int) -> tuple[list[str], list[Candidate]]:
    """How the number of topics was chosen: lines of text, and the candidates measured.

    Reads the model's ``selection_``: a text, a mapping of facts, or a list of candidates
    with ``n_components``, ``stability``, ``coherence`` and ``score`` (topics.selection).
    """
    selection = getattr(model, "selection_", None)
    if selection is None or (isinstance(selection, Sequence) and not selection):
        return [f"{n_topics} topics, as asked (the --topics option)."], []
    if isinstance(selection, str):
        return [selection], []
    if isinstance(selection, Mapping):
        lines = []
        for key, value in selection.items():
            if isinstance(value, str | int | float | np.number):
                shown = f"{value:.3g}" if isinstance(value, float | np.floating) else value
                lines.append(f"{str(key).replace('_', ' ').capitalize()}: {shown}")
        return lines or [str(selection)], []
    if isinstance(selection, Sequence) and all(hasattr(c, "n_components") for c in selection):
        chosen = _chosen_k(model, selection)
        rows = [
            Candidate(
                n_components=int(c.n_components),
                stability=_number(getattr(c, "stability", None)),
                coherence=_number(getattr(c, "coherence", None)),
                score=_number(getattr(c, "score", None)),
                chosen=int(c.n_components) == chosen,
            )
            for c in sorted(selection, key=lambda c: c.n_components)
        ]
        return [
            f"The number of topics was chosen among {len(rows)} candidates, "
            "as the one whose topics come back most reliably when the talks are resampled "
            "(stability) and whose top words occur together in the same talks (coherence)."
        ], rows
    return [str(selection)], []


def _number(value) -> str:
    return "" if value is None else f"{float(value):.3f}"


def _chosen_k(model, candidates) -> int:
    """The candidate the model kept: its main language's topics, else the best score."""
    languages = getattr(model, "topic_languages_", None)
    main = getattr(model, "main_language_", None)
    if languages is not None and main is not None:
        return sum(1 for lang in languages if lang == main)
    scored = [c for c in candidates if getattr(c, "score", None) is not None]
    return int(max(scored, key=lambda c: c.score).n_components) if scored else -1


def _stabilities(model, n_topics: int) -> list[float | None]:
    values = getattr(model, "topic_stability_", None)
    if values is None:
        return [None] * n_topics
    values = np.asarray(values, dtype=float).ravel()
    if values.shape != (n_topics,):
        return [None] * n_topics
    return [float(v) if np.isfinite(v) else None for v in values]


def _languages(corpus: Corpus, model) -> list[str]:
    codes = getattr(model, "languages_", None)
    if codes is not None and len(codes) == len(corpus):
        return [str(c or "") for c in codes]
    return [talk.language for talk in corpus]


def _top_terms(model, index: int, n: int) -> list[tuple[str, float]]:
    return [(str(word), float(weight)) for word, weight in model.top_words(index, n)]


def site_view(corpus: Corpus, model, doc_topic: np.ndarray, doc_term=None) -> SiteView:
    """Compute everything the pages show.

    Parameters
    ----------
    corpus : Corpus
        The talks, ``n_talks`` of them.
    model : topics.model.TopicModel
        Fitted; ``topic_labels_``, ``top_words`` and ``components_`` are read, and when
        present ``topic_stability_``, ``languages_``, ``selection_`` and ``n_components_``.
    doc_topic : ndarray, shape (n_talks, n_components)
        Non-negative document-topic weights W, rows in corpus order.
    doc_term : sparse matrix, shape (n_talks, n_features), optional
        TF-IDF rows of the talks, for similar talks (see :mod:`topics.similar`); similar
        talks are found by topic mix alone when ``None``.

    Returns
    -------
    SiteView
        Hrefs in it are relative to the site's root.

    Raises
    ------
    RenderError
        If ``doc_topic`` has the wrong shape or negative or non-finite weights, or a talk id
        is not safe as a file name (:func:`topics.corpus.is_safe_id`).
    """
    W = _check_inputs(corpus, model, doc_topic)
    n_topics = W.shape[1]
    stabilities = _stabilities(model, n_topics)
    topic_languages = list(getattr(model, "topic_languages_", None) or [])
    if len(topic_languages) != n_topics or len(set(topic_languages)) < 2:
        topic_languages = [""] * n_topics
    topics = []
    for index, label in enumerate(model.topic_labels_):
        number = index + 1
        terms = [word for word, _ in _top_terms(model, index, TOP_WORDS)]
        words = terms[:LISTED_WORDS]
        drawn = [word for word in words if drawable(word)]  # the cloud leaves the rest out
        topics.append(
            TopicView(
                index=index,
                number=number,
                label=str(label),
                href=f"topics/{number}.html",
                image=f"wordclouds/topic-{number}.png",
                alt=f"Word cloud of topic {number}: {', '.join(drawn[:10])}",
                words=words,
                color=PALETTE[index % len(PALETTE)],
                phrases=[t for t in terms if " " in t and t not in words][:10],
                stability=stabilities[index],
                language=language_name(topic_languages[index]) if topic_languages[index] else "",
            )
        )
    links = [topic.link for topic in topics]

    S = topic_shares(W)
    P = np.zeros(S.shape, dtype=np.int8)
    best_topics = np.full(len(corpus), -1)
    unassigned, unassigned_languages, entries = [], [], []
    by_topic: list[list[tuple[float, int, TalkEntry]]] = [[] for _ in topics]
    also: list[list[tuple[float, int, TalkEntry]]] = [[] for _ in topics]
    languages = _languages(corpus, model)
    for i, (talk, row, shares) in enumerate(zip(corpus, W, S, strict=True)):
        if row.sum() > 0:
            best: int | None = int(np.argmax(row))
            percents = P[i] = rounded_percents(shares)
            best_topics[i] = best
        else:  # no weight at all: the talk shares no word with any topic
            best, percents = None, P[i]
        # The other topics shown, in descending share (ties in topic order).
        shown = np.flatnonzero(shares >= OTHER_SHARE)
        order = shown[np.argsort(-shares[shown], kind="stable")].tolist()
        others = tuple(TopicShare(links[k], int(percents[k])) for k in order if k != best)
        entry = _entry(talk, 0.0 if best is None else float(row[best]), "", others)
        entries.append(entry)
        if best is None:
            unassigned.append(entry)
            unassigned_languages.append(languages[i].strip())
        else:
            ranked = _entry(talk, float(row[best]), f"{percents[best]}%", others)
            # Ranked by the share shown beside each talk, then by weight.
            by_topic[best].append((-shares[best], -ranked.weight, i, ranked))
            for k in np.flatnonzero(shares >= SECONDARY_SHARE):
                if k != best:
                    side = _entry(talk, float(row[k]), f"{percents[k]}%", ())
                    also[k].append((-shares[k], i, side))
    excluded = getattr(model, "excluded_languages_", None) or {}
    by_language: dict[str, list[TalkEntry]] = {code: [] for code in excluded}
    for code, entry in zip(unassigned_languages, unassigned, strict=True):
        if code in by_language:
            by_language[code].append(entry)
    for topic, ranked, side in zip(topics, by_topic, also, strict=True):
        topic.talks = [entry for *_, entry in sorted(ranked, key=lambda e: e[:3])]
        topic.also = [entry for *_, entry in sorted(side, key=lambda e: e[:2])]

    neighbours, scores = similar_talks(W, doc_term, k=SIMILAR)
    brief = [(e.id, e.title, e.speakers, e.event) for e in entries]
    similar = [
        [(*brief[j], s) for j, s in zip(row, row_scores, strict=True) if j >= 0]
        for row, row_scores in zip(neighbours.tolist(), scores.tolist(), strict=True)
    ]

    components = getattr(model, "components_", None)
    if components is not None and np.shape(components)[0] == n_topics:
        for topic, related in zip(topics, related_topics(components, W), strict=True):
            topic.related = [RelatedTopic(links[u], score, shared) for u, score, shared in related]

    editions = _editions(corpus, W, topics, links)
    selection_lines, candidates = _selection(model, n_topics)
    groups, speaker_links = _speaker_groups(corpus, entries)
    summary = Summary(
        n_talks=len(corpus),
        n_speakers=sum(len(group.speakers) for group in groups),
        n_tracks=len({t.track.strip() for t in corpus if t.track.strip()}),
        events=sorted({t.event for t in corpus if t.event}),
        languages=[
            (language_name(code), count)
            for code, count in Counter(c.strip() for c in languages if c.strip()).most_common()
        ],
        n_topics=_model_topic_count(model, n_topics),
        selection=selection_lines,
        candidates=candidates,
        excluded=[
            (language_name(code), int(count))
            for code, count in (getattr(model, "excluded_languages_", None) or {}).items()
        ],
        stability=any(s is not None for s in stabilities),
        n_unassigned=len(unassigned),
    )
    return SiteView(
        title=corpus.title or "Conference topics",
        source=corpus.source,
        topics=topics,
        talks=TalkViews(corpus.talks, links, best_topics, S, P, languages, speaker_links, similar),
        unassigned=unassigned,
        other_languages=[
            LanguageGroup(code, language_name(code), group)
            for code, group in by_language.items()
            if group
        ],
        summary=summary,
        speakers=groups,
        editions=editions,
        downloads=[Download(name, f"data/{name}", text) for name, text in DOWNLOADS],
    )


def _entry(talk: Talk, weight: float, percent: str, others=()) -> TalkEntry:
    return TalkEntry(
        id=talk.id,
        title=talk.title,
        speakers=", ".join(talk.speakers),
        href=talk_href(talk.id),
        weight=weight,
        percent=percent,
        event=talk.event,
        others=tuple(others),
    )


def talk_href(talk_id: str) -> str:
    """A talk's page, from the site's root."""
    return f"talks/{talk_id}.html"


def _speaker_name(name: str) -> str:
    return " ".join(name.split())


def _speaker_groups(
    corpus: Corpus, entries: list[TalkEntry]
) -> tuple[list[SpeakerGroup], list[list[tuple[str, str]]]]:
    """Speakers in alphabetical order, grouped by initial; and each talk's speaker links."""
    by_name: dict[str, tuple[str, list[int]]] = {}
    names = {raw: _speaker_name(raw) for talk in corpus for raw in talk.speakers}
    for i, talk in enumerate(corpus):
        for raw in talk.speakers:
            name = names[raw]
            if name:
                _, indices = by_name.setdefault(name.casefold(), (name, []))
                if i not in indices:
                    indices.append(i)
    anchors: dict[str, str] = {}
    pages: dict[str, str] = {}
    used: set[str] = set()
    groups: dict[str, SpeakerGroup] = {}
    split = len(by_name) > SPEAKERS_PER_PAGE
    for key in sorted(by_name, key=lambda k: (slugify(k, 200), k)):
        name, indices = by_name[key]
        base = f"speaker-{slugify(name, 60)}"
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors[key] = anchor
        initial = slugify(name, 1)[:1]
        letter = initial.upper() if initial.isalpha() else "#"
        suffix = "other" if letter == "#" else letter
        group = groups.setdefault(
            letter,
            SpeakerGroup(
                letter,
                f"letter-{suffix}",
                [],
                f"speakers/{suffix.lower()}.html" if split else "speakers.html",
            ),
        )
        group.speakers.append(Speaker(name, anchor, [entries[i] for i in indices]))
        pages[key] = group.href
    links = [
        [
            (names[raw], f"{pages[key]}#{anchors[key]}")
            for raw in talk.speakers
            if names[raw]
            for key in [names[raw].casefold()]
        ]
        for talk in corpus
    ]
    return sorted(groups.values(), key=lambda g: (g.letter == "#", g.letter)), links


def _editions(
    corpus: Corpus, W: np.ndarray, topics: list[TopicView], links: list[TopicLink]
) -> Editions | None:
    """Each topic's share per event; ``None`` unless the corpus holds two events or more."""
    events = [talk.event.strip() or "(no event)" for talk in corpus]
    if len(set(events)) < 2:
        return None
    shares = event_shares(events, W)
    rows = []
    widest = max(float(shares.shares.max()), 1e-12)  # the largest share fills its bar
    for k, topic in enumerate(topics):
        cells = [
            EventShare(
                event=event,
                percent=f"{100 * shares.shares[e, k]:.1f}%",
                width=f"{min(100.0, 100 * shares.shares[e, k] / widest):.1f}%",
                strongest=int(shares.strongest[e, k]),
            )
            for e, event in enumerate(shares.events)
        ]
        topic.by_event = cells
        rows.append((links[k], cells))
    return Editions(events=shares.events, talks=[int(n) for n in shares.talks], rows=rows)


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


def topic_page_href(topic: TopicView, number: int) -> str:
    """Href (from the root) of page ``number`` (1-based) of a topic's talks."""
    return topic.href if number == 1 else topic.href.replace(".html", f"-{number}.html")


def topic_pages(topic: TopicView) -> list[tuple[str, dict]]:
    """The pages of a topic: (href, template context), :data:`TOPIC_PAGE_TALKS` talks each.

    The talks of other topics that give it a share ("also in this topic") are listed on
    the first page, at most :data:`TOPIC_PAGE_TALKS` of them.
    """
    size = TOPIC_PAGE_TALKS
    count = max(1, -(-len(topic.talks) // size))
    hrefs = tuple((n, topic_page_href(topic, n)) for n in range(1, count + 1))
    light = dataclasses.replace(topic, talks=[], also=[])
    pages = []
    for number in range(1, count + 1):
        pager = Pager(
            number=number,
            count=count,
            total=len(topic.talks),
            first_rank=(number - 1) * size + 1,
            prev=hrefs[number - 2][1] if number > 1 else "",
            next=hrefs[number][1] if number < count else "",
            pages=hrefs,
        )
        context = {
            "topic": light,
            "pager": pager,
            "talks": topic.talks[(number - 1) * size : number * size],
            "also": topic.also[:size] if number == 1 else [],
            "also_total": len(topic.also) if number == 1 else 0,
        }
        pages.append((hrefs[number - 1][1], context))
    return pages


def _page_jobs(pages: list[tuple[str, tuple]] | TalkViews) -> list[tuple[str, tuple]]:
    """The ``(path, (template, root, page, context))`` jobs of ``pages``: those jobs
    themselves, or the talk pages of :class:`TalkViews`, whose views are made here."""
    if isinstance(pages, TalkViews):
        return [(talk.href, ("talk.html", "../", "talk", {"talk": talk})) for talk in pages]
    return pages


def _render_many(
    templates: Path, site: PageSite, pages: list[tuple[str, tuple]] | TalkViews
) -> list[str]:
    """Render the pages (see :func:`_page_jobs`); the HTML of each, in order."""
    env = environment(templates)
    return [
        env.get_template(template).render(site=site, root=root, page=page, **context)
        for _, (template, root, page, context) in _page_jobs(pages)
    ]


def _write_many(
    templates: Path, site: PageSite, pages: list[tuple[str, tuple]] | TalkViews, folder: Path
) -> None:
    """Render the pages (see :func:`_page_jobs`) into files of ``folder``."""
    jobs = _page_jobs(pages)
    for (path, _), html in zip(jobs, _render_many(templates, site, jobs), strict=True):
        _write_page(folder / path, html)


def _write_page(target: Path, html: str) -> None:
    target.write_text(html, encoding="utf-8", newline="\n")


def render_pages(
    site: SiteView,
    folder: Path,
    templates: Path | None = None,
    groups: Sequence[str] = ("pages", "speakers", "topics", "talks"),
    after: Sequence = (),
) -> list[Path]:
    """Write the HTML pages and static assets of ``site`` into ``folder``.

    Topic and talk pages (most of a large site) are rendered in parallel with
    :class:`joblib.Parallel` (processes, or a Dask cluster, see :mod:`topics.parallel`)
    in jobs of :data:`PAGES_PER_JOB` talk pages or :data:`TOPIC_PAGES_PER_JOB` topic pages,
    when there are more than one job's.

    Parameters
    ----------
    site : SiteView
        What to show, from :func:`site_view`.
    folder : pathlib.Path
        An existing, empty folder (the site's root).
    templates : path or None
        Template folder; :data:`TEMPLATES` when ``None``.
    groups : sequence of str
        What to render: ``"pages"`` (index, site-wide pages and static assets),
        ``"speakers"`` (``speakers/``, on large sites), ``"topics"`` (``topics/``),
        ``"talks"`` (``talks/``).
    after : sequence of joblib.delayed calls
        Other jobs writing into ``folder``, run once the pages are handed out: by the
        page workers when these run on this machine, else here.

    Returns
    -------
    list of pathlib.Path
        The pages written: index, the site-wide pages, topic pages, talk pages.

    Raises
    ------
    jinja2.TemplateError
        If a template is missing or fails (an undefined name, for instance).
    OSError
        If a file cannot be written.
    """
    templates = Path(templates or TEMPLATES)
    env = environment(templates)
    written = []

    def write(path: str, html: str) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_page(target, html)
        written.append(target)

    def render(template: str, root: str, page: str, **context) -> str:
        return env.get_template(template).render(site=site, root=root, page=page, **context)

    if "pages" in groups:
        write("index.html", render("index.html", "", "index"))
        write("search.html", render("search.html", "", "search"))
        write("map.html", render("map.html", "", "map"))
        write("plan.html", render("plan.html", "", "plan"))  # topics.plan: the attendee's plan
        split = any(group.href != "speakers.html" for group in site.speakers)
        groups_shown = [] if split else site.speakers
        write(
            "speakers.html",
            render("speakers.html", "", "speakers", groups=groups_shown, current=""),
        )
        if site.editions is not None:
            write("editions.html", render("editions.html", "", "editions"))
        if site.unassigned:
            write("unassigned.html", render("unassigned.html", "", "unassigned"))
    if "speakers" in groups:
        for group in site.speakers:
            if group.href != "speakers.html":
                html = render(
                    "speakers.html", "../", "speakers", groups=[group], current=group.href
                )
                write(group.href, html)
    jobs: list[tuple[str, tuple]] = []
    if "topics" in groups:
        for topic in site.topics:
            for href, context in topic_pages(topic):
                jobs.append((href, ("topic.html", "../", "topic", context)))
    talks = site.talks if "talks" in groups else site.talks[:0]
    light = PageSite(
        title=site.title,
        source=site.source,
        nav=site.nav,
        n_talks=site.n_talks,
        topics=[topic.link for topic in site.topics],
        image_width=site.image_width,
        image_height=site.image_height,
    )
    size, topic_size = PAGES_PER_JOB, TOPIC_PAGES_PER_JOB
    chunks: list = [jobs[i : i + topic_size] for i in range(0, len(jobs), topic_size)]
    chunks += [talks[i : i + size] for i in range(0, len(talks), size)]
    paths = [path for path, _ in jobs] + talks.hrefs
    if len(jobs) / topic_size + len(talks) / size <= 1:
        chunks = [jobs + _page_jobs(talks)] if paths else []
    if len(chunks) > 1 and runs_here():
        # Each worker writes its pages: their HTML (0.9 GB at 87,000 talks) is not sent back.
        for parent in {path.rpartition("/")[0] for path in paths}:  # not 87,000 Paths
            (folder / parent).mkdir(parents=True, exist_ok=True)
        Parallel(n_jobs=-1)(
            [*(delayed(_write_many)(templates, light, chunk, folder) for chunk in chunks), *after]
        )
        written += [folder / path for path in paths]
        after = ()
    else:
        if len(chunks) > 1:
            # Written as each job returns, so that the site's HTML is never all in memory.
            rendered = Parallel(n_jobs=-1, return_as="generator")(
                delayed(_render_many)(templates, light, chunk) for chunk in chunks
            )
        else:
            rendered = (_render_many(templates, light, chunk) for chunk in chunks)
        for chunk, htmls in zip(chunks, rendered, strict=True):
            hrefs = chunk.hrefs if isinstance(chunk, TalkViews) else [path for path, _ in chunk]
            for path, html in zip(hrefs, htmls, strict=True):
                write(path, html)
    for function, args, kwargs in after:
        function(*args, **kwargs)
    static = templates / "static"
    if "pages" in groups and static.is_dir():
        shutil.copytree(static, folder / "static")
    return written


def search_documents(corpus: Corpus, site: SiteView) -> list[SearchDocument]:
    """What the search indexes of each talk: title, speakers, abstract (and shows: event)."""
    return [
        SearchDocument(
            id=talk.id,
            title=talk.title,
            speakers=", ".join(talk.speakers),
            abstract=talk.abstract,
            event=talk.event,
            topic=best + 1,  # 0: no topic
        )
        for talk, best in zip(corpus, site.talks.best.tolist(), strict=True)
    ]


def _js(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_map_data(
    topics: Sequence[TopicLink],
    talks: Sequence[tuple[str, str]],
    best: np.ndarray,
    W: np.ndarray,
    similarity: np.ndarray | None,
    path: Path,
) -> Path:
    """Write ``map/points.js``: topic discs and talk positions (see :mod:`topics.layout`).

    ``window.topicsMap = {topics: [{n, label, color, href, x, y, r}], talks: [[x, y,
    topic index, id, title], ...]}``, coordinates in [0, 1], talks without a topic left out.

    Parameters
    ----------
    topics : sequence of TopicLink, length n_topics
    talks : sequence of (id, title), length n_talks
    best : ndarray of int, shape (n_talks,)
        Each talk's strongest topic; -1 for none (left out).
    W : ndarray, shape (n_talks, n_topics)
    similarity : ndarray, shape (n_topics, n_topics), or None
        Of the topics' words (see :func:`topics.layout.talk_positions`).
    path : pathlib.Path
    """
    positions, centres, radii = talk_positions(W, similarity)
    shown = [
        {
            "n": topic.number,
            "label": topic.label,
            "color": topic.color,
            "href": topic.href,
            "x": round(float(centres[k, 0]), 4),
            "y": round(float(centres[k, 1]), 4),
            "r": round(float(radii[k]), 4),
        }
        for k, topic in enumerate(topics)
    ]
    finite = np.isfinite(positions[:, 0]).tolist()
    points = [
        [x, y, k, id, title]
        for (id, title), k, (x, y), keep in zip(
            talks, best.tolist(), np.round(positions, 4).tolist(), finite, strict=True
        )
        if k >= 0 and keep
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.topicsMap = {_js({'topics': shown, 'talks': points})};\n", "utf-8")
    return path


def data_jobs(corpus: Corpus, model, W: np.ndarray, site: SiteView, folder: Path, parts):
    """The jobs writing the map's data and the export into the site ``folder``.

    ``parts`` says which: ``"map"``, ``"data"`` (the export). Returns
    :func:`joblib.delayed` calls whose arguments are small (not the view), to be run in
    any process of this machine.
    """
    jobs = []
    if "map" in parts:
        similarity = None
        components = getattr(model, "components_", None)
        if components is not None and np.shape(components)[0] == W.shape[1]:
            H = np.asarray(components, dtype=float)
            norms = np.linalg.norm(H, axis=1, keepdims=True)
            H = np.divide(H, norms, out=np.zeros_like(H), where=norms > 0)
            similarity = H @ H.T
        jobs.append(
            delayed(write_map_data)(
                [topic.link for topic in site.topics],
                [(talk.id, talk.title) for talk in corpus],
                site.talks.best,
                W,
                similarity,
                folder / "map" / "points.js",
            )
        )
    if "data" in parts:
        exported = [
            ExportedTopic(
                number=topic.number,
                label=topic.label,
                size=topic.size,
                stability=topic.stability,
                words=_top_terms(model, topic.index, TOP_WORDS),
            )
            for topic in site.topics
        ]
        talks = [(t.id, t.title, t.event) for t in corpus]
        jobs.append(delayed(write_exports)(exported, talks, W, folder / "data"))
    # The plan export (plan/talks.js) and the schedule export (data/schedule.*): topics.plan
    shown = [(t.index, t.number, t.label, t.href) for t in site.topics]
    jobs += plan_jobs(corpus, W, shown, folder, parts)
    return jobs


def build_site(
    corpus: Corpus,
    model,
    doc_topic: np.ndarray,
    out_dir: str | os.PathLike,
    memory: Memory | None = None,
    force: bool = False,
) -> Path:
    """Render the topic site of a corpus and publish it atomically into ``out_dir``.

    Parameters
    ----------
    corpus : Corpus
        The talks, ``n_talks`` of them.
    model : topics.model.TopicModel
        Fitted on the corpus; gives topic labels and top words (see :func:`site_view`).
        Nothing is refitted here.
    doc_topic : ndarray, shape (n_talks, n_components)
        Non-negative document-topic weights W, rows in corpus order. A talk belongs to its
        strongest topic (highest weight); a talk whose weights are all zero to none.
    out_dir : path
        The site folder. Replaced once the new site is complete; it must be absent,
        empty, or a site built here before (it holds the ``.topics-site`` marker), unless
        ``force``. What the folder holds that is not the site's (the names the marker does
        not list: a ``CNAME``, ``.nojekyll``, ``.git``, notes) is moved into the new site.
    memory : joblib.Memory or None
        Cache of the word cloud images and of the site view.
    force : bool
        Build also into a non-empty folder that is not a site: its files and folders
        named like the site's (``index.html``, ``talks``, ...) are replaced, the others
        kept; a file of the user's named like a new part of a site is replaced too.

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding the new site.

    Raises
    ------
    RenderError
        If the inputs are inconsistent or a talk id is unsafe (see :func:`site_view`).
    FileExistsError
        If ``out_dir`` exists and is a file or a symbolic link; unless ``force``, if it
        is a non-empty folder that is not a site, or holds a file of the user's named
        like a file of the new site (see :func:`check_site_folder`).
    OSError, jinja2.TemplateError
        If rendering or writing fails; ``out_dir`` is then left as it was.
    """
    out = Path(out_dir).absolute()
    W = _check_inputs(corpus, model, doc_topic)
    check_site_folder(out, force)
    digest, code = _inputs_digest(corpus, model, W), _code_digest()
    templates = Path(TEMPLATES)
    keys = {
        "talks": joblib.hash((digest, code, _template_digest(templates, "talk.html"))),
        "topics": joblib.hash((digest, code, _template_digest(templates, "topic.html"))),
        "speakers": joblib.hash((digest, code, _template_digest(templates, "speakers.html"))),
        **{part: joblib.hash((digest, code, part)) for part in DATA_PARTS},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    new = out.with_name(f".{out.name}.new-{uuid.uuid4().hex}")
    new.mkdir()
    try:
        with _locked(new):  # in use: no other build takes it for a killed build's leftover
            new.chmod(0o755)  # a web server must be able to read it, whatever the umask
            # Marked at once, so that the next build knows a killed build's leftover.
            (new / MARKER).write_text(json.dumps({"generator": "topics"}), encoding="utf-8")
            # The word clouds need only the model: worker processes draw them while this
            # one makes the site view (87,405 talks: 4.8 s of drawing, mostly hidden).
            with ThreadPoolExecutor(1) as pool:
                clouds = pool.submit(_write_clouds, model, new / "wordclouds", memory)
                with _gc_paused():
                    site = _cached_view(corpus, model, W, digest, code, memory)
                    # The view lives until the end: collections need not go over it
                    # again (at 87,000 talks they made rendering the pages 9 s slower).
                    gc.freeze()
                try:
                    clouds.result()
                    reused = _unchanged(out, keys)
                    _render_into(new, out, corpus, model, W, site, keys, reused, force)
                finally:
                    gc.unfreeze()
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return out


def _cached_view(
    corpus: Corpus, model, W: np.ndarray, digest: str, code: str, memory: Memory | None
) -> SiteView:
    """The site view, from the memory when it holds the one of these inputs and code
    (called with collections paused, see :func:`_gc_paused`)."""
    store = memory.cache(_stored_view, ignore=["blob"]) if memory is not None else None
    if store is not None and store.check_call_in_cache(digest, code, None):
        blob = store(digest, code, None)
        if blob is not None:
            return pickle.loads(blob)
    site = site_view(corpus, model, W, document_term(corpus, model, memory))
    if store is not None:
        store.call(digest, code, pickle.dumps(site, protocol=pickle.HIGHEST_PROTOCOL))
    return site


def _write_clouds(model, folder: Path, memory: Memory | None) -> None:
    write_wordclouds(
        topic_weights(model, CLOUD_WORDS),
        folder,
        width=WIDTH,
        height=HEIGHT,
        scale=SCALE,
        random_state=getattr(model, "random_state", 0) or 0,
        memory=memory,
    )


def _render_into(
    new: Path,
    out: Path,
    corpus: Corpus,
    model,
    W: np.ndarray,
    site: SiteView,
    keys: dict[str, str],
    reused: list[str],
    force: bool,
) -> None:
    """Write the site into the folder ``new`` (the word clouds are there already), but for
    the ``reused`` parts, moved over from the site in ``out`` as ``new`` replaces it, with
    the user's files in ``out``."""
    fresh = [part for part in (*PAGE_PARTS, *DATA_PARTS) if part not in reused]
    _render_parts(new, corpus, model, W, site, ["pages", *fresh])
    marker = {
        "generator": "topics",
        "talks": site.n_talks,
        "topics": len(site.topics),
        "parts": keys,
        "files": sorted({path.name for path in new.iterdir()} - {MARKER} | set(reused)),
    }
    (new / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    with _locked(out.parent):  # two builds at once publish one after the other
        check_site_folder(out, force)  # again: another build may have published meanwhile
        moved = _move_unchanged(out, new, keys, reused)
        if moved is None:
            # Another build published other parts meanwhile: these are rendered after all
            # (that build waits, as when both publish at once).
            _render_parts(new, corpus, model, W, site, reused)
        kept: list[str] = []
        try:
            kept = _move_user_files(out, new, force)
            _swap_into_place(new, out)
        except BaseException:
            _move_back(new, out, [*(moved or []), *kept])
            raise
        _remove_leftovers(out)


def _render_parts(
    new: Path,
    corpus: Corpus,
    model,
    W: np.ndarray,
    site: SiteView,
    parts: Sequence[str],
) -> None:
    """Write into ``new`` these ``parts`` of the site: ``"pages"`` (index, site-wide pages,
    static assets), :data:`PAGE_PARTS` and :data:`DATA_PARTS`."""
    groups = [part for part in parts if part == "pages" or part in PAGE_PARTS]
    data = [part for part in parts if part in DATA_PARTS]
    # The search index is made in a thread of this process while the pages are rendered:
    # this process mostly waits for the page workers (87,000 talks: 17 s saved). The map
    # and the export are jobs of the page workers, after the pages, or the index would
    # finish last, alone (87,405 talks: 7-11 s after the pages).
    with ThreadPoolExecutor(1) as pool:
        search = None
        if "search" in data:
            search = pool.submit(write_search_index, search_documents(corpus, site), new / "search")
        after = data_jobs(corpus, model, W, site, new, data)
        render_pages(site, new, Path(TEMPLATES), groups=groups, after=after)
        if search is not None:
            search.result()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: while the millions of small objects of a large
    site's view are made or unpickled, collections would go over all of them again and
    again (12.5 s instead of 4.3 s to unpickle the view of 87,000 talks)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _locked(folder: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on ``folder`` (POSIX ``flock``, released on exit); yields
    whether it is held: with ``wait=False``, ``False`` when another process holds it.
    Where there is no ``flock`` (Windows) nothing is locked and ``True`` is yielded."""
    if fcntl is None:
        yield True
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _remove_leftovers(out: Path) -> None:
    """Delete what killed builds left beside ``out``: temporary folders no build holds.

    Only folders named exactly as this module names them (``.<site>.new-`` or
    ``.<site>.old-`` and 32 hex digits) and holding the marker are taken: a folder of the
    user's (``.site.old-backup``) is not. Called with the parent folder locked, so no
    other build is between its renames."""
    if fcntl is None:  # without locks a leftover cannot be told from a build in progress
        return
    prefix = f".{out.name}."
    for leftover in out.parent.glob(f"{glob.escape(prefix)}*"):
        if not _TEMPORARY.fullmatch(leftover.name[len(prefix) :]):
            continue
        if leftover.is_symlink() or not (leftover / MARKER).is_file():
            continue
        with _locked(leftover, wait=False) as free:
            if free:
                _delete_site_folder(leftover)


def _delete_site_folder(folder: Path) -> None:
    """Delete a site folder, its marker last: interrupted, it is still known as a leftover."""
    for path in folder.iterdir():
        if path.name == MARKER:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _move_user_files(out: Path, new: Path, force: bool) -> list[str]:
    """Move into ``new`` what ``out`` holds that is not its site's (see :func:`_site_names`),
    and return their names. Called with the parent folder locked, just before ``new``
    replaces ``out``.

    Raises
    ------
    FileExistsError
        Unless ``force``, if one of them is named like a file or folder of the new site
        (nothing is moved then); with ``force`` those are left, to be deleted with ``out``.
    """
    if not out.is_dir():
        return []
    own = _site_names(out)
    theirs = sorted(path.name for path in out.iterdir() if path.name not in own)
    taken = [name for name in theirs if os.path.lexists(new / name)]
    if taken and not force:
        raise FileExistsError(
            f"{out} holds {', '.join(taken[:3])}, which topics did not make, and the new"
            " site has a file of that name: refusing to replace it; move it away, or use"
            " --force to replace it"
        )
    moved: list[str] = []
    try:
        for name in theirs:
            if name not in taken:
                os.rename(out / name, new / name)
                moved.append(name)
    except BaseException:
        _move_back(new, out, moved)
        raise
    return moved


def _unchanged(out: Path, keys: dict[str, str]) -> list[str]:
    """The parts of the site in ``out`` whose key is unchanged: they need no rendering."""
    previous = _previous_keys(out)
    return [name for name, key in keys.items() if previous.get(name) == key]


def _move_unchanged(
    out: Path, new: Path, keys: dict[str, str], parts: Sequence[str]
) -> list[str] | None:
    """Move ``parts`` of the site in ``out`` into ``new``, if ``out`` still holds them with
    these keys, and return them; ``None`` (and nothing moved) if it does not.

    Called with the parent folder locked, just before ``new`` replaces ``out``: until then
    the published site keeps every file, whatever happens to this build. Moving a folder is
    one rename, where copying or linking 87,000 talk pages took 1.6 s (and deleting them
    with the old site 1.1 s more).
    """
    if not set(parts) <= set(_unchanged(out, keys)):
        return None
    moved: list[str] = []
    try:
        for name in parts:
            os.rename(out / name, new / name)
            moved.append(name)
    except BaseException:
        _move_back(new, out, moved)
        raise
    return moved


def _move_back(new: Path, out: Path, parts: Sequence[str]) -> None:
    """Undo :func:`_move_unchanged` for ``parts``: the published site is left whole."""
    for name in parts:
        os.rename(new / name, out / name)


#: Folders of pages each rebuilt only when their inputs or their template changed.
PAGE_PARTS = ("speakers", "topics", "talks")

#: Folders of the site written apart from the pages (search index, map data, export),
#: each rebuilt only when its inputs changed (so are ``topics/`` and ``talks/``, when
#: also their templates did not).
DATA_PARTS = ("search", "map", "data", "plan")


def _stored_view(digest: str, code: str, blob: bytes | None) -> bytes | None:
    """The site view ``blob`` (pickled), as kept in the memory under the inputs' ``digest``
    and the ``code``'s alone.

    Pickled by the C pickler, not by joblib, which stores objects with its pure-Python
    pickler: minutes for the millions of small objects of a 87,000-talk site.
    """
    return blob


def _inputs_digest(corpus: Corpus, model, W: np.ndarray) -> str:
    """Hash of everything the site shows: the talks, the weights, the model's fitted state.

    The fitted attributes (trailing underscore) are hashed, less the language blocks
    (analyzers, which only turn texts into terms), W and the corpus, given apart.
    """
    fitted = {
        name: value
        for name, value in sorted(vars(model).items())
        if name.endswith("_") and name not in ("blocks_", "document_topic_", "corpus_")
    }
    return joblib.hash((corpus.digest(), W, fitted, getattr(model, "random_state", 0)))


def _template_digest(templates: Path, name: str) -> str:
    """Hash of a template and every template it extends, imports or includes."""
    env = environment(templates)
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source = env.loader.get_source(env, current)[0]
        seen[current] = source
        todo += [t for t in meta.find_referenced_templates(env.parse(source)) if t]
    return joblib.hash(sorted(seen.items()))


def _code_digest() -> str:
    """Hash of the code that turns the inputs into pages and data files."""
    here = Path(__file__).parent
    names = ("render.py", "similar.py", "search_index.py", "layout.py", "export.py", "editions.py")
    names += ("plan.py",)
    return joblib.hash([(here / name).read_bytes() for name in names])


def _read_marker(out: Path) -> dict:
    """The marker of the site in ``out``; empty if it is missing or unreadable."""
    try:
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return marker if isinstance(marker, dict) else {}


def _previous_keys(out: Path) -> dict[str, str]:
    """The part keys recorded by the site in ``out``, for parts that are still there."""
    parts = _read_marker(out).get("parts")
    if not isinstance(parts, dict):
        return {}
    return {name: key for name, key in parts.items() if (out / str(name)).is_dir()}


def _site_names(out: Path) -> set[str]:
    """The top-level names of the site in ``out``, which a rebuild replaces: those its
    marker lists (:data:`_OLDER_SITE` if it lists none), and the marker; none if ``out``
    holds no marker (it is not a site)."""
    if not (out / MARKER).is_file():
        return set()
    files = _read_marker(out).get("files")
    if not (isinstance(files, list) and all(isinstance(name, str) for name in files)):
        return set(_OLDER_SITE)
    return {*files, MARKER}


def check_site_folder(out_dir: str | os.PathLike, force: bool = False) -> None:
    """Check that a site may be built into ``out_dir`` (see :func:`build_site`).

    Parameters
    ----------
    out_dir : path
        The site folder.
    force : bool
        Allow a non-empty folder that is not a site built here.

    Raises
    ------
    FileExistsError
        If ``out_dir`` is a file or a symbolic link; unless ``force``, if it is a
        non-empty folder without the :data:`MARKER` file.
    """
    out = Path(out_dir).absolute()
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FileExistsError(f"{out} exists and is not a folder: refusing to replace it")
    if not force and out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise FileExistsError(
            f"{out} is not empty and is not a site built by topics (no {MARKER} file):"
            " refusing to build into it; choose another --out folder, or use --force to"
            " build into it (its files named like the site's are replaced, the others kept)"
        )


def _swap_into_place(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new``; the old folder is deleted only once ``new`` is in place."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex}")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    _delete_site_folder(old)
