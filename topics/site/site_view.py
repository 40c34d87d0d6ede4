"""What the pages show, computed from a corpus and the summary of its topics: :func:`site_view`."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import PurePath

import numpy as np

from ..corpus import MAX_ID, Corpus, Talk, is_safe_id, slugify
from ..model.languages import language_name
from ..model.similarity import related_topics, similar_talks, topic_shares, with_fallback_rows
from ..model.summary import ModelSummary
from ..model.wordclouds import drawable
from .editions import event_shares
from .export import TOP_WORDS
from .views import (
    DOWNLOADS,
    LISTED_WORDS,
    OTHER_SHARE,
    PALETTE,
    SECONDARY_SHARE,
    SIMILAR,
    CandidateRow,
    Download,
    Editions,
    EventShare,
    LanguageGroup,
    RelatedTopic,
    RenderError,
    SiteView,
    Speaker,
    SpeakerGroup,
    Summary,
    TalkEntry,
    TalkViews,
    ThemeTopic,
    ThemeView,
    TopicLink,
    TopicShare,
    TopicView,
    rounded_percents,
    talk_href,
)

#: Speakers above which the speakers page lists only the initials, each linking to a page
#: of its own (``speakers/<letter>.html``).
SPEAKERS_PER_PAGE = 5_000


def check_summary(corpus: Corpus, summary: ModelSummary) -> np.ndarray:
    """The summary's W as floats, once checked against the corpus.

    Raises
    ------
    RenderError
        If W does not have one row per talk and one column per topic label, or X one row
        per talk, or W holds a negative or non-finite weight, or the topics' themes are not
        one per topic, each in ``range(len(theme_labels))``, or a talk id is not safe as a
        file name (:func:`topics.corpus.is_safe_id`).
    """
    W = np.asarray(summary.document_topic, dtype=float)
    if W.shape != (len(corpus), summary.n_topics):
        raise RenderError(
            f"document_topic has shape {W.shape}, expected (n_talks, n_topics) = "
            f"({len(corpus)}, {summary.n_topics})"
        )
    X = summary.document_term
    if X is not None and X.shape[0] != len(corpus):
        raise RenderError(
            f"document_term has {X.shape[0]} rows, expected one per talk ({len(corpus)})"
        )
    if not np.all(np.isfinite(W)) or np.any(W < 0):
        raise RenderError("document_topic must hold finite, non-negative weights")
    themes = summary.themes
    if themes is not None and (
        themes.shape != (summary.n_topics,)
        or themes.min() < 0
        or themes.max() >= len(summary.theme_labels)
    ):
        raise RenderError(
            f"topic_themes must give each of the {summary.n_topics} topics a theme in "
            f"range({len(summary.theme_labels)})"
        )
    for talk in corpus:
        if not is_safe_id(talk.id):
            raise RenderError(
                f"unsafe talk id {talk.id[:100]!r}: a page is named by [a-z0-9-] only, at most"
                f" {MAX_ID + 20} characters, not a name Windows reserves"
            )
    return W


def _selection(summary: ModelSummary) -> tuple[list[str], list[CandidateRow]]:
    """How the number of topics was chosen: lines of text, and the candidates measured."""
    if not summary.selection:
        return [f"{summary.n_topics} topics, as asked (the --topics option)."], []
    main = [lang for lang in summary.topic_languages if lang == summary.main_language]
    chosen = len(main) if main else max(summary.selection, key=lambda c: c.score).n_components
    rows = [
        CandidateRow(
            n_components=int(c.n_components),
            stability=f"{float(c.stability):.3f}",
            coherence=f"{float(c.coherence):.3f}",
            score=f"{float(c.score):.3f}",
            chosen=int(c.n_components) == chosen,
        )
        for c in sorted(summary.selection, key=lambda c: c.n_components)
    ]
    return [
        f"The number of topics was chosen among {len(rows)} candidates, "
        "as the one whose topics come back most reliably when the talks are resampled "
        "(stability) and whose top words occur together in the same talks (coherence)."
    ], rows


def _stabilities(summary: ModelSummary) -> list[float | None]:
    values = summary.topic_stability
    if values is None:
        return [None] * summary.n_topics
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _languages(corpus: Corpus, summary: ModelSummary) -> list[str]:
    """Each talk's language: the model's, else the one its source gave."""
    if len(summary.languages) == len(corpus):
        return [str(c or "") for c in summary.languages]
    return [talk.language for talk in corpus]


def site_view(corpus: Corpus, summary: ModelSummary) -> SiteView:
    """Compute everything the pages show.

    Parameters
    ----------
    corpus : Corpus
        The talks, ``n_talks`` of them.
    summary : ModelSummary
        The topics of these talks (:meth:`topics.model.TopicModel.summary`): W rows in
        corpus order; similar talks compare X (with
        :func:`topics.model.similarity.with_fallback_rows`), or the topic mixes alone
        when it has none.

    Returns
    -------
    SiteView
        Hrefs in it are relative to the site's root.

    Raises
    ------
    RenderError
        See :func:`check_summary`.
    """
    W = check_summary(corpus, summary)
    n_topics = W.shape[1]
    stabilities = _stabilities(summary)
    topic_languages = list(summary.topic_languages)
    if len(topic_languages) != n_topics or len(set(topic_languages)) < 2:
        topic_languages = [""] * n_topics
    themes = summary.themes
    topics = []
    for index, label in enumerate(summary.topic_labels):
        number = index + 1
        terms = [word for word, _ in summary.top_words(index, TOP_WORDS)]
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
                color=PALETTE[(index if themes is None else themes[index]) % len(PALETTE)],
                phrases=[t for t in terms if " " in t and t not in words][:10],
                stability=stabilities[index],
                language=language_name(topic_languages[index]) if topic_languages[index] else "",
            )
        )
    theme_views = _themes(summary, topics)
    for topic in topics:
        if themes is not None:
            topic.theme = theme_views[themes[topic.index]].link
    links = [topic.link for topic in topics]

    S = topic_shares(W)
    P = np.zeros(S.shape, dtype=np.int8)
    best_topics = np.full(len(corpus), -1)
    unassigned, unassigned_languages, entries = [], [], []
    by_topic: list[list[tuple[float, int, TalkEntry]]] = [[] for _ in topics]
    also: list[list[tuple[float, int, TalkEntry]]] = [[] for _ in topics]
    languages = _languages(corpus, summary)
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
    by_language: dict[str, list[TalkEntry]] = {code: [] for code in summary.excluded_languages}
    for code, entry in zip(unassigned_languages, unassigned, strict=True):
        if code in by_language:
            by_language[code].append(entry)
    for topic, ranked, side in zip(topics, by_topic, also, strict=True):
        topic.talks = [entry for *_, entry in sorted(ranked, key=lambda e: e[:3])]
        topic.also = [entry for *_, entry in sorted(side, key=lambda e: e[:2])]
    for theme in theme_views:
        members = [topics[entry.topic.number - 1] for entry in theme.topics]
        members.sort(key=lambda t: (-t.size, t.index))
        theme.topics = [ThemeTopic(t.link, t.size) for t in members]

    X = summary.document_term
    X = None if X is None else with_fallback_rows(X, corpus.texts)
    neighbours, scores = similar_talks(W, X, k=SIMILAR)
    brief = [(e.id, e.title, e.speakers, e.event) for e in entries]
    similar = [
        [(*brief[j], s) for j, s in zip(row, row_scores, strict=True) if j >= 0]
        for row, row_scores in zip(neighbours.tolist(), scores.tolist(), strict=True)
    ]

    for topic, related in zip(topics, related_topics(summary.topic_word, W), strict=True):
        topic.related = [RelatedTopic(links[u], score, shared) for u, score, shared in related]

    editions = _editions(corpus, W, topics, links)
    selection_lines, candidates = _selection(summary)
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
        n_topics=n_topics,
        selection=selection_lines,
        candidates=candidates,
        excluded=[
            (language_name(code), int(count)) for code, count in summary.excluded_languages.items()
        ],
        stability=any(s is not None for s in stabilities),
        n_unassigned=len(unassigned),
    )
    return SiteView(
        title=corpus.title or "Conference topics",
        source=source_label(corpus.source),
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
        themes=theme_views,
    )


def _themes(summary: ModelSummary, topics: list[TopicView]) -> list[ThemeView]:
    """The themes of the summary (their topics in topic order, sorted once sized); none
    when its topics are one flat list."""
    themes = summary.themes
    if themes is None:
        return []
    views = []
    for index, label in enumerate(summary.theme_labels):
        number = index + 1
        words = [word for word, _ in summary.theme_top_words(index, LISTED_WORDS)]
        drawn = [word for word in words if drawable(word)]
        views.append(
            ThemeView(
                index=index,
                number=number,
                label=str(label),
                anchor=f"theme-{number}",
                color=PALETTE[index % len(PALETTE)],
                image=f"wordclouds/theme-{number}.png",
                alt=f"Word cloud of theme {number}: {', '.join(drawn[:10])}",
                words=words,
                topics=[ThemeTopic(t.link, 0) for t in topics if themes[t.index] == index],
            )
        )
    return views


def named_events(corpus: Corpus) -> Corpus:
    """The corpus with each talk's event given as its name for people
    (:meth:`~topics.corpus.Corpus.event_names`: "EuroPython 2016", not "europython-2016"),
    as every page, the search and the data files show it."""
    names = corpus.event_names()
    if all(name == event for event, name in names.items()):
        return corpus
    talks = [replace(t, event=names[t.event]) if t.event else t for t in corpus.talks]
    return Corpus(talks=talks, title=corpus.title, source=corpus.source)


def source_label(source: str) -> str:
    """Where the talks came from, for the footer: URLs and ``pyvideo:``/``arxiv:`` names
    as they are, a local file or folder by its name (not its path on this machine).

    Examples
    --------
    >>> source_label("../shared/data/pyvideo/europython-2016 + https://x.org/feed.xml")
    'europython-2016 + https://x.org/feed.xml'
    """
    parts = []
    for part in source.split(" + "):
        part = part.strip()
        if "://" in part or part.startswith(("pyvideo:", "arxiv:")):
            parts.append(part)
        elif part:
            parts.append(PurePath(part).name or part)
    return " + ".join(parts)


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
