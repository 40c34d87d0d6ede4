"""What the pages show: plain view objects, computed in Python, that the templates print.

:class:`SiteView` holds the whole site (made by :func:`topics.site.site_view.site_view`);
the Jinja2 templates only loop over these objects and print their fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from markupsafe import Markup

from ..corpus import Talk
from ..model.languages import language_name
from ..model.wordclouds import HEIGHT, WIDTH
from .abstracts import render_abstract
from .export import TOP_WORDS
from .plan import SCHEDULE_DOWNLOADS

#: Words of a topic listed as text on its page.
LISTED_WORDS = 15

#: Talks listed on a topic's card on the index page.
CARD_TALKS = 4

#: Similar talks shown on a talk page.
SIMILAR = 5

#: A talk is listed under "also in this topic" when the topic holds this share of its mix;
#: the other topics of a talk listed on a topic page are those holding ``OTHER_SHARE``.
SECONDARY_SHARE, OTHER_SHARE = 0.2, 0.1

#: A talk page lists the topics of its mix holding ``MIX_MIN_PERCENT`` % or more, at most
#: ``MIX_TOPICS`` of them (the strongest always) and sums up the rest (docs/decisions.md,
#: "The site at 100,000 talks").
MIX_TOPICS, MIX_MIN_PERCENT = 8, 3

#: Talks without a topic listed on the index page (all of them on ``unassigned.html``).
UNASSIGNED_ON_INDEX = 10

#: Theme colours, or topic colours on a site without themes: 3:1 or more against white
#: (marks on the map and in bars), and any two at a CIEDE2000 distance above 12 (tested), so
#: that up to 20 topics (a site without themes has at most 20) or 12 themes never share a
#: colour. Chosen greedily among Tailwind CSS's 600-900 shades, each the farthest from those
#: before it (docs/decisions.md, "Themes over topics").
PALETTE = (
    *("#2563eb", "#65a30d", "#ea580c", "#831843", "#134e4a", "#c026d3", "#78350f"),
    *("#3f6212", "#0891b2", "#e11d48", "#312e81", "#57534e", "#059669", "#a16207"),
    *("#1f2937", "#475569", "#0f766e", "#db2777", "#14532d", "#7c3aed"),
)


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
class ThemeLink:
    """A theme as linked from elsewhere: its entry on the index page (href from the root)."""

    number: int
    label: str
    href: str
    color: str = PALETTE[0]


@dataclass(frozen=True)
class ThemeTopic:
    """A topic as listed in its theme: the link and its number of talks."""

    topic: TopicLink
    size: int


@dataclass
class ThemeView:
    """A theme of topics (:mod:`topics.model.themes`), as the index page and the map show it.

    ``topics`` are its topics, most talks first; ``size`` the talks whose strongest topic is
    one of them; ``words`` its top words; ``image`` its word cloud, from the root.
    """

    index: int
    number: int
    label: str
    anchor: str
    color: str
    image: str
    alt: str
    words: list[str]
    topics: list[ThemeTopic]

    @property
    def size(self) -> int:
        """Talks whose strongest topic is in this theme."""
        return sum(entry.size for entry in self.topics)

    @property
    def link(self) -> ThemeLink:
        """How other pages link to this theme."""
        return ThemeLink(self.number, self.label, f"index.html#{self.anchor}", self.color)


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
    theme: ThemeLink | None = None
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
    abstract: Markup
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

    Arrays and tuples, not a :class:`TalkView` per talk, which would be millions of small
    objects to pickle on a large site (docs/decisions.md, "The site at 100,000 talks");
    each page worker makes the views of the pages it renders. A slice is a
    :class:`TalkViews` of those talks.

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
            abstract=render_abstract(talk.abstract),
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
class CandidateRow:
    """A row of the index page's table of the numbers of topics measured before choosing
    (see :class:`topics.model.selection.Candidate`)."""

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
    candidates: list[CandidateRow] = field(default_factory=list)
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
    """The whole site: the corpus's title and source, its themes, topics and talks.

    ``themes`` is empty when the topics are one flat list (20 topics or fewer);
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
    themes: list[ThemeView] = field(default_factory=list)

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


def talk_href(talk_id: str) -> str:
    """A talk's page, from the site's root."""
    return f"talks/{talk_id}.html"
