"""The sampled talk pages profile inference learns from, and what it has learnt so far."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag

from .talklinks import (
    normalise,
    select,
    select_one,
    simple_selector,
)


def spread(items: list, n: int) -> list:
    """``n`` items spread evenly over ``items``, first and last included, in order.

    Examples
    --------
    >>> spread(list(range(10)), 4)
    [0, 3, 6, 9]
    """
    if len(items) <= n:
        return list(items)
    if n <= 1:
        return list(items[:n])
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


@dataclass
class Sample:
    """A sampled talk page.

    Attributes
    ----------
    url : str
        Its final URL.
    soup : bs4.BeautifulSoup
        Its parsed tree.
    link_texts : list of str
        The texts of the list page's links to it.
    content : bytes
        Its body, for the main-text extractor.
    """

    url: str
    soup: BeautifulSoup
    link_texts: list[str] = field(default_factory=list)
    content: bytes = b""


_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})


#: Class or id words of elements that hold no abstract: navigation, sidebars, biographies.
_NOT_MAIN = frozenset(
    [
        "nav",
        "navbar",
        "navigation",
        "menu",
        "footer",
        "sidebar",
        "breadcrumb",
        "breadcrumbs",
        "share",
        "social",
        "sponsor",
        "sponsors",
        "comment",
        "comments",
        "related",
        "widget",
        "banner",
        "cookie",
        "cookies",
        "modal",
        "pagination",
        "pager",
        "toolbar",
        "bio",
        "bios",
        "biography",
        "avatar",
        "author",
        "authors",
        "speaker",
        "speakers",
        "profile",
        "masthead",
    ]
)


_SPEAKER_WORDS = frozenset(
    [
        "speaker",
        "speakers",
        "presenter",
        "presenters",
        "author",
        "authors",
        "byline",
        "by-line",
        "people",
        "person",
        "persons",
        "profile",
        "profiles",
        "user",
        "users",
        "participant",
        "participants",
    ]
)


#: Labels of fields, by the profile field they fill ("Track:", "Room", ...), in English,
#: German, French, Spanish, Italian and Portuguese.
LABELS: dict[str, tuple[str, ...]] = {
    "track": (
        "track", "tracks", "category", "categories", "topic", "topics", "theme", "themes",
        "stream", "subject", "subject area", "session type", "talk type", "type", "format",
        "kategorie", "thema", "catégorie", "thème", "categoría", "categoria", "tema",
    ),
    "room": (
        "room", "location", "venue", "place", "where", "hall", "stage", "raum", "saal", "ort",
        "salle", "lieu", "sala", "aula", "lugar", "luogo",
    ),
    "day": ("day", "date", "tag", "datum", "jour", "día", "dia", "fecha", "giorno", "data"),
    "time": (
        "time", "start", "starts", "start time", "schedule", "slot", "zeit", "uhrzeit",
        "heure", "horaire", "hora", "horario", "orario",
    ),
    "when": ("when", "wann", "quand", "cuándo", "quando"),
    "speakers": (
        "speaker", "speakers", "presenter", "presenters", "presented by", "by", "author",
        "authors", "host", "hosts", "referent", "referenten", "referentin", "sprecher",
        "intervenant", "intervenants", "orateur", "ponente", "ponentes", "relatore",
        "relatori", "palestrante", "palestrantes",
    ),
    "tags": ("tags", "keywords", "schlagworte", "mots-clés", "etiquetas", "parole chiave"),
    "language": ("language", "lang", "sprache", "langue", "idioma", "lingua"),
}  # fmt: skip


_LABEL_FIELD = {label: name for name, labels in LABELS.items() for label in labels}


#: Class or id words of elements holding a field.
_CLASS_FIELDS = {
    "track": "track", "category": "track", "categories": "track", "topic": "track",
    "room": "room", "location": "room", "venue": "room",
    "time": "time", "date": "day", "day": "day", "tags": "tags", "tag": "tags",
    "language": "language", "lang": "language",
}  # fmt: skip


_CONTROLS = ("button", "select", "option", "label", "form")


_INLINE = frozenset({"span", "small", "time", "em", "strong", "b", "i"})


#: A room's name: "Hall B", "Saal 1", "Room 3".
_ROOM = re.compile(
    r"(?i)\b(?:room|rooms|hall|saal|salle|sala|aula|auditorium|stage|theat(?:er|re)|raum"
    r"|h[o\u00f6]rsaal|amphi\w*|lecture)\b"
)


_CLOCK = re.compile(r"(?i)\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|\bnoon\b")


class _Page:
    """A sampled page, read once: the own text of each element, in page order."""

    def __init__(self, sample: Sample):
        self.sample = sample
        self.soup = sample.soup
        self.expected = [
            normalise(t).rstrip(".… ") if t.rstrip().endswith(("...", "…")) else normalise(t)
            for t in sample.link_texts
            if t.strip()
        ]
        own: dict[int, list[str]] = {}
        elements: dict[int, Tag] = {}
        root = self.soup.body or self.soup
        for string in root.find_all(string=True):
            if type(string) is not NavigableString or not string.strip():
                continue
            parent = string.parent
            if parent is None or any(p.name in _SKIPPED for p in string.parents):
                continue
            elements[id(parent)] = parent
            own.setdefault(id(parent), []).append(str(string))
        #: (element, its own text), in page order
        self.carriers: list[tuple[Tag, str]] = [
            (elements[key], " ".join(" ".join(parts).split())) for key, parts in own.items()
        ]
        self.texts = {normalise(text) for _, text in self.carriers}


def element_value(element: Tag | None) -> str:
    """An element's text on one line; a ``<meta>`` element's ``content``."""
    if element is None:
        return ""
    if element.name == "meta":
        return " ".join(str(element.get("content") or "").split())
    return " ".join(element.get_text(" ").split())


def _selectors_for(element: Tag, stable: set[str]) -> list[str]:
    """Selectors that may name ``element`` on every page of the template: its own classes
    first, then with its parents or a named ancestor; its bare tag name last."""
    own = simple_selector(element, stable)
    chain = []
    for parent in element.parents:
        if parent.name in ("[document]", "html", "body"):
            break
        chain.append(simple_selector(parent, stable))
    named = [c for c in chain if re.search(r"[.#]", c)]
    out = [own] if own != element.name else []
    if chain:
        out.append(f"{chain[0]} > {own}")
    out += [f"{c} {own}" for c in named[:2]]
    if len(chain) > 1:
        out.append(f"{chain[1]} > {chain[0]} > {own}")
    if named and chain[0] != named[0]:
        out.append(f"{named[0]} {chain[0]} > {own}")
    out.append(" > ".join([*reversed(chain[:6]), own]))
    out.append(element.name)
    return list(dict.fromkeys(out))


@dataclass
class Learnt:
    """What the sampled pages say about a site's talk pages.

    Attributes
    ----------
    fields : dict
        Profile fields: selector tuples, and the regular expressions and options
        learnt with them (``title_prefix``, ``value_prefix``, ``abstract_format``...).
    shares : dict
        For each selector field, the share of sampled pages it found a value on.
    n_pages : int
        Pages sampled.
    """

    fields: dict[str, object] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    n_pages: int = 0
    #: ids of the speaker elements found on each sampled page
    speakers: list[set[int]] = field(default_factory=list)


def _stable_names(pages: list[_Page]) -> set[str]:
    """Class names and ids found on a fifth of the sampled pages (2 at least): the
    template's, not one page's."""
    counts: Counter[str] = Counter()
    for page in pages:
        names = set()
        for element in page.soup.find_all(True):
            names.update(element.get("class") or [])
            if element.get("id"):
                names.add(str(element["id"]))
        counts.update(names)
    return {name for name, n in counts.items() if n >= max(2, len(pages) / 5)}


def _common_texts(pages: list[_Page]) -> set[str]:
    """Texts found on most sampled pages (60 %, and 2 at least): the template's."""
    counts = Counter(text for page in pages for text in page.texts)
    return {text for text, n in counts.items() if n >= max(2, 0.6 * len(pages))}


def _best(pages: list[_Page], candidates: list[str], check) -> tuple[str, float]:
    """The candidate selector ``check(page, selector)`` accepts on most pages, and its share.

    Candidates come shortest first: the first of several with the same share wins.
    """
    best, best_hits = "", 0
    for selector in candidates[:60]:
        hits = 0
        for n, page in enumerate(pages):
            if check(page, selector):
                hits += 1
            elif hits + len(pages) - n - 1 <= best_hits:
                break
        if hits > best_hits:
            best, best_hits = selector, hits
    return best, best_hits / len(pages) if pages else 0.0


def _mark(pages: list[_Page], selector: str, taken: list[set[int]], many: bool = True) -> None:
    """Mark what ``selector`` selects on each page (and everything inside) as read."""
    for page, marks in zip(pages, taken, strict=True):
        found = select(page.soup, selector) if many else [select_one(page.soup, selector)]
        for element in found:
            if element is not None:
                marks.update(map(id, [element, *element.descendants]))


def _keep(
    pages: list[_Page],
    learnt: Learnt,
    taken: list[set[int]],
    name: str,
    found: tuple[str, float],
) -> None:
    """Keep a single-valued field's selector found on 30 % of the pages or more."""
    selector, share = found
    if selector and share >= 0.3:
        learnt.fields[name] = (selector,)
        learnt.shares[name] = share
        _mark(pages, selector, taken, many=False)


def _line(element: Tag) -> bool:
    """Whether an element is one short line: inline, or holding inline elements only."""
    if element.name in _INLINE:
        return True
    if element.name in ("body", "html", "[document]") or len(element.get_text().split()) > 15:
        return False
    return all(child.name in _INLINE for child in element.find_all(True, recursive=False))
