"""Talk links on a conference's list page, found without a profile, and its day tabs.

Pages a site generates from one template have URLs of one shape (:mod:`.links`), and its
list page links them all alike. :func:`find_talk_links` groups the list page's links by
URL shape and picks the group of links whose texts read like titles, then writes a CSS
selector that selects exactly that group; :func:`find_programme_pages` finds the other
list pages of a programme split over days. Both run on a parsed page; the crawler
fetches (:func:`topics.sources.crawler.infer_site_profile`). Also here: the page helpers
the field learning (:mod:`.inference`) shares: text comparison, names of elements,
selectors that never raise.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

from .errors import SourceError
from .links import Shape, path_segments, same_page, site_links, url_shapes

#: Links a talk-link group needs at least.
MIN_GROUP = 2

_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_WEEKDAYS_SHORT = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
#: A day or a date: "Friday", "fri", "day 2", "2024-05-17", "17.05.", "May 17", "17 May".
_DAY = re.compile(
    rf"(?i)\b(?:{_WEEKDAYS}|{_WEEKDAYS_SHORT})\b|\bday[\s_-]*\d{{1,2}}\b|\bday\d{{1,2}}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b"
)
#: Words of a person's name besides capitalised ones.
_NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "der",
        "den",
        "van",
        "von",
        "la",
        "le",
        "el",
        "al",
        "bin",
        "ibn",
        "dos",
        "das",
        "y",
        "e",
    ]
)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w'\u2019.-]*|[A-Z]\.)$")
_URL_TEXT = re.compile(r"^(?:https?:|/|\.\./|www\.)\S*$", re.I)


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_WORDS = re.compile(r"[a-z]+")


def class_words(element: Tag) -> set[str]:
    """The words of an element's classes and id: ``"talk-speaker_name"`` -> talk, speaker, name."""
    names = [*(element.get("class") or []), str(element.get("id") or "")]
    words = set()
    for name in names:
        name = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name)).lower()
        words.update(_WORDS.findall(name))
    return words


def select(soup: BeautifulSoup, selector: str) -> list[Tag]:
    try:
        return soup.select(selector)
    except Exception:
        return []


def select_one(soup: BeautifulSoup, selector: str) -> Tag | None:
    found = select(soup, selector) if "," in selector else None
    if found is not None:
        return found[0] if found else None
    try:
        return soup.select_one(selector)
    except Exception:
        return None


#: Typographic quotes and dashes, as their plain forms.
_PLAIN = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def normalise(text: str) -> str:
    """Whitespace collapsed, case folded, typographic quotes and dashes made plain: how
    texts are compared."""
    return " ".join(text.split()).casefold().translate(_PLAIN)


def is_day(text: str) -> bool:
    """Whether a short text names a day or a date ("Friday", "Day 2", "2024-05-17")."""
    return bool(_DAY.search(text.replace("_", " ")))


def is_name(text: str, most: int = 4) -> bool:
    """Whether a text is shaped like a person's name: 2 to ``most`` capitalised words.

    Examples
    --------
    >>> is_name("Ada Lovelace"), is_name("Guido van Rossum"), is_name("Async all the way")
    (True, True, False)
    """
    words = text.split()
    if not 2 <= len(words) <= most or any(ch.isdigit() for ch in text):
        return False
    capitalised = [w for w in words if _NAME_WORD.match(w)]
    rest = [w for w in words if not _NAME_WORD.match(w)]
    return len(capitalised) >= 2 and all(w.lower() in _NAME_PARTICLES for w in rest)


#: Link texts that stand for any page ("Read more").
_GENERIC_LINKS = frozenset(
    {
        *("read more", "more", "more info", "more information", "details", "view details"),
        *("show details", "view", "learn more", "see more", "show more", "continue reading"),
        *("view session", "view talk", "info", "abstract", "open", "link", "here"),
        *("click here", "go to contribution page"),
    }
)


def title_likeness(text: str) -> float:
    """How much a link text reads like a talk title, from 0 to 1.

    Several words read like a title; one word ("Video", "Details"), a generic link text
    ("Read more"), a URL, a day or a date, or a person's name do not (or barely).
    """
    text = " ".join(text.split())
    words = text.split()
    if not words or _URL_TEXT.match(text):
        return 0.0
    if re.sub(r"[^\w ]", "", text).strip().lower() in _GENERIC_LINKS:
        return 0.05
    if len(words) <= 4 and is_day(text):
        return 0.0
    if len(words) == 1:
        return 0.15
    if is_name(text, most=3):
        return 0.35
    if len(words) == 2:
        return 0.7
    return 1.0


def in_chrome(element: Tag) -> bool:
    """Whether an element sits in a page's navigation or sidebar, or in the site's header
    or footer (not an article's: one inside ``<article>``, ``<main>`` or ``<section>``, or
    holding a heading)."""
    for parent in element.parents:
        if parent.name in ("nav", "aside"):
            return True
        if parent.name in ("header", "footer"):
            inside = parent.find_parent(("article", "main", "section")) is not None
            if not inside and parent.find(("h1", "h2", "h3")) is None:
                return True
    return False


@dataclass
class LinkGroup:
    """Links of one URL shape on a list page.

    Attributes
    ----------
    shape : Shape
        Their URL shape.
    urls : list of str
        Their absolute URLs, deduplicated, in page order.
    texts : dict
        Each URL's link texts on the page (whitespace normalised, empty ones left out).
    anchors : list of bs4.Tag
        Every ``<a>`` element linking one of the URLs.
    score : float
        Number of links times how much their texts read like titles.
    selector : str
        A CSS selector that selects exactly these links on the page (``""`` until built).
    values : dict
        Each URL's open part (its id or slug).
    """

    shape: Shape
    urls: list[str]
    texts: dict[str, list[str]]
    anchors: list[Tag]
    score: float = 0.0
    selector: str = ""
    values: dict[str, str] = field(default_factory=dict)


def link_groups(page_url: str, soup: BeautifulSoup) -> list[LinkGroup]:
    """Group a page's site links by URL shape, best first (see :func:`find_talk_links`).

    A group is kept when its open part takes at least :data:`MIN_GROUP` values; groups
    of the same links under another shape are dropped.
    """
    members: dict[Shape, dict[str, str]] = defaultdict(dict)  # shape -> url -> open value
    anchors: dict[str, list[Tag]] = defaultdict(list)
    for anchor, url in site_links(page_url, soup):
        if url not in anchors:
            for shape, value in url_shapes(url):
                members[shape][url] = value
        anchors[url].append(anchor)
    groups = []
    for shape, values in members.items():
        texts = {url: [t for a in anchors[url] if (t := link_text(a))] for url in values}
        values = _prune(values, texts)
        if len(set(values.values())) < max(MIN_GROUP, 0.8 * len(values)):
            continue
        texts = {url: texts[url] for url in values}
        group = LinkGroup(shape, list(values), texts, [a for u in values for a in anchors[u]])
        group.values = values
        group.score = _group_score(group)
        groups.append(group)
    groups.sort(key=lambda g: (-g.score, -len(g.urls), str(g.shape)))
    kept, seen = [], set()
    for group in groups:
        key = frozenset(group.urls)
        if key not in seen:
            seen.add(key)
            kept.append(group)
    return kept


def link_text(anchor: Tag) -> str:
    """A link's text; for "Read more", "Details" and the like, the title of the item the
    link sits in (the one heading, or element named title, of its nearest parents)."""
    text = " ".join(anchor.get_text(" ").split())
    if title_likeness(text) > 0.15:
        return text
    for depth, parent in enumerate(anchor.parents):
        if depth == 4 or parent.name in ("body", "html", "[document]"):
            break
        heads = parent.find_all(lambda e: e.name in HEADINGS or "title" in class_words(e))
        if len(heads) > 1:
            break
        if heads:
            found = " ".join(heads[0].get_text(" ").split())
            return found if title_likeness(found) > title_likeness(text) else text
    return text


def _best_text(texts: list[str]) -> str:
    return max(texts, key=title_likeness, default="")


def _form(value: str) -> str:
    """The form of a URL part: its digits as 0 (``session-12.html`` -> ``session-0.html``)."""
    return re.sub(r"\d+", "0", value)


def _prune(values: dict[str, str], texts: dict[str, list[str]]) -> dict[str, str]:
    """A group without its odd members: when most open values share a form (ids,
    ``session-<n>``), the others whose text reads like no title (``/contributions/speakers``
    "Speaker List" among ``/contributions/101/``); and pages named after a day among pages
    that are not."""
    forms = Counter(map(_form, values.values()))
    form, n = forms.most_common(1)[0] if forms else ("", 0)
    if n >= 0.5 * len(values) and "0" in form:
        values = {
            u: v
            for u, v in values.items()
            if _form(v) == form or title_likeness(_best_text(texts[u])) >= 0.5
        }
    days = {
        url
        for url, value in values.items()
        if is_day(value) or (title_likeness(_best_text(texts[url])) == 0 and texts[url])
    }
    if len(days) <= 0.4 * len(values):
        values = {u: v for u, v in values.items() if u not in days}
    return values


def _group_score(group: LinkGroup) -> float:
    """Links that read like titles, told apart by their texts, outside the navigation."""
    best = [_best_text(texts) for texts in group.texts.values()]
    likeness = sum(map(title_likeness, best)) / len(best)
    distinct = len({normalise(t) for t in best}) / len(best)
    chrome = sum(map(in_chrome, group.anchors)) / len(group.anchors)
    return len(group.urls) * (0.1 + likeness) * distinct * (1 - 0.8 * chrome)


def find_talk_links(page_url: str, soup: BeautifulSoup) -> LinkGroup:
    """The links of a list page that lead to its talk pages, with a selector for them.

    The site links (same host, http(s)) are grouped by URL shape
    (:func:`~topics.sources.links.url_shapes`); the group scoring highest wins: its
    number of links, times the share of link texts that read like titles
    (:func:`title_likeness`), times the share of distinct texts, less the share of links
    in ``<nav>``, ``<header>``, ``<footer>`` or ``<aside>``.

    Parameters
    ----------
    page_url : str
        The list page's final URL.
    soup : bs4.BeautifulSoup
        The parsed list page.

    Returns
    -------
    LinkGroup
        With its ``selector`` set: it selects exactly the group's links on this page.

    Raises
    ------
    SourceError
        If no group of :data:`MIN_GROUP` links or more is found, or no selector selects
        the best group alone.
    """
    groups = link_groups(page_url, soup)
    if not groups:
        raise SourceError(f"no group of {MIN_GROUP} or more links of one URL shape on {page_url}")
    for group in groups[:3]:
        group.selector = links_selector(page_url, soup, group)
        if group.selector:
            return group
    raise SourceError(f"no CSS selector selects the talk links ({groups[0].shape}) alone")


def links_selector(
    page_url: str, soup: BeautifulSoup, group: LinkGroup, likeness=title_likeness
) -> str:
    """A CSS selector that selects the links of ``group`` and no other site link, or ``""``.

    Tried in order: the fixed path segments around the open one in the ``href``
    (``a[href*="presentation/"]``), the links' own class, then either with the parents
    that the links (for each URL, the one whose text scores highest by ``likeness``)
    share.
    """
    wanted = set(group.urls)

    def exact(selector: str) -> bool:
        return {url for _, url in site_links(page_url, soup, select(soup, selector))} == wanted

    best: dict[str, tuple[float, Tag]] = {}
    for anchor, url in site_links(page_url, soup, group.anchors):
        score = likeness(" ".join(anchor.get_text(" ").split()))
        if url not in best or score > best[url][0]:
            best[url] = (score, anchor)
    reps = [anchor for _, anchor in best.values()]
    attributes = href_selectors(group.shape, list(group.values.values()))
    names = {simple_selector(a) for a in reps}
    own = [names.pop()] if len(names) == 1 and "." in next(iter(names), "") else []
    contexts = common_contexts(reps)
    for candidate in [
        *attributes,
        *own,
        *(f"{ctx} {x}" for ctx in contexts for x in [*own, *attributes[:2]] if "," not in x),
        *(f"{ctx} a[href]" for ctx in contexts),
    ]:
        if exact(candidate):
            return candidate
    return ""


_SAFE = re.compile(r"^[\w.~%+-]+$")


def _attr(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def href_selectors(shape: Shape, values: list[str] = ()) -> list[str]:
    """``a[href*=...]`` selectors from the fixed parts next to the open one, and from what
    the open values start with (``session-`` of ``session-12.html``)."""
    fixed, i = shape.fixed, shape.open_at
    if any("=" in part for part in fixed):  # an open query value
        key = fixed[i].split("=", 1)[0]
        path = [p for p in fixed if "=" not in p]
        last = path[-1] if path and _SAFE.match(path[-1]) else ""
        if not _SAFE.match(key):
            return []
        # the other parameters, fixed: ?module=program&action=summary.php&id=*
        pairs = [p for p in fixed if "=" in p and p != fixed[i] and _SAFE.match(p.replace("=", ""))]
        also = "".join(f"[href*={_attr(p)}]" for p in [last, *pairs] if p)
        ends = [f"a[href*={_attr('?' + key + '=')}]", f"a[href*={_attr('&' + key + '=')}]"]
        return [", ".join(f"{e}{also}" for e in ends)]
    before = fixed[i - 1] if i > 0 and _SAFE.match(fixed[i - 1]) else ""
    after = fixed[i + 1] if i + 1 < len(fixed) and _SAFE.match(fixed[i + 1]) else ""
    selectors = []
    if before:
        selectors.append(f"a[href*={_attr(before + '/')}]")
        if i > 1 and _SAFE.match(fixed[i - 2]):
            selectors.append(f"a[href*={_attr(fixed[i - 2] + '/' + before + '/')}]")
    if after:
        selectors.append(f"a[href*={_attr('/' + after)}]")
        if before:
            selectors.append(f"a[href*={_attr(before + '/')}][href*={_attr('/' + after)}]")
    starts = {re.match(r"[A-Za-z_-]*", v).group() for v in values}
    start = starts.pop() if len(starts) == 1 else ""
    if len(start) >= 2:
        selectors.append(f"a[href*={_attr((before + '/' if before else '/') + start)}]")
    if shape.suffix:
        selectors += [f"{s}[href$={_attr(shape.suffix)}]" for s in selectors[:1]]
    return selectors


def common_contexts(anchors: list[Tag]) -> list[str]:
    """Selector prefixes for the parents every anchor shares: ``"span.title >"``,
    ``"td.slot > span.title >"``, then the nearest shared ancestor with a class or id
    (``"div.schedule"``, descendant)."""
    chains = [_chain(a) for a in anchors]
    depth = min(map(len, chains), default=0)
    shared = []
    for level in range(min(depth, 6)):
        names = {chain[level] for chain in chains}
        shared.append(names.pop() if len(names) == 1 else None)
    contexts = []
    if shared and shared[0]:
        contexts.append(f"{shared[0]} >")
        if len(shared) > 1 and shared[1]:
            contexts.append(f"{shared[1]} > {shared[0]} >")
    named = next((s for s in shared if s and re.search(r"[.#]", s)), None)
    if named:
        contexts.append(named)
    return contexts


def _chain(element: Tag) -> list[str]:
    """Simple selectors of an element's parents, nearest first."""
    chain = []
    for parent in element.parents:
        if parent.name in ("[document]", "html", "body"):
            break
        chain.append(simple_selector(parent))
    return chain


_STABLE_TOKEN = re.compile(r"^[A-Za-z_][\w-]*$")


def simple_selector(element: Tag, classes: set[str] | None = None) -> str:
    """``tag.class1.class2`` (or ``tag#id``) naming an element, from its stable names.

    Classes and ids holding digits after a letter run (``presentation-235``) name one
    page, not the template, and are left out; so are those not in ``classes`` when given.
    """
    tag = element.name
    ident = element.get("id")
    if (
        isinstance(ident, str)
        and _STABLE_TOKEN.match(ident)
        and not _page_specific(ident)
        and (classes is None or ident in classes)
    ):
        return f"{tag}#{ident}"
    names = element.get("class") or []
    kept = [
        c
        for c in names
        if _STABLE_TOKEN.match(c) and not _page_specific(c) and (classes is None or c in classes)
    ]
    return tag + "".join(f".{c}" for c in sorted(kept)[:3])


def _page_specific(name: str) -> bool:
    """Names like ``presentation-235``, ``post-1234``: a long number names one page."""
    return bool(re.search(r"\d{3,}", name))


# --------------------------------------------------------------------------- programme pages

#: The text of a link to another page of a list: a number, "Next", "Older", an arrow.
_PAGER = re.compile(r"(?i)^(?:\d{1,3}|next|previous|prev|older|newer|more)?\W{0,3}$")

#: Largest number of other list pages of one programme (day tabs) read.
MAX_PROGRAMME_PAGES = 14


def find_programme_pages(page_url: str, soup: BeautifulSoup) -> tuple[str, list[str]]:
    """Links to the other pages of a programme split over days (day tabs).

    A link qualifies when its URL has the list page's own shape with one part changed
    (``/programme/schedule/friday/`` -> ``/saturday/``), or adds one segment to it
    (``/schedule/`` -> ``/schedule/day-2/``), and the changed part names a day or a
    date (:func:`is_day`), or is an id (holds a digit) and the link's text names a day or
    is a page number or "Next" (the pages of a paginated list): "Posters (Sunday)" at
    ``/posters/`` is another programme, not a day.

    Parameters
    ----------
    page_url : str
        The list page's final URL.
    soup : bs4.BeautifulSoup
        The parsed list page.

    Returns
    -------
    (str, list of str)
        A selector that selects exactly these links (and links to the page itself), and
        their URLs other than the page's own, at most :data:`MAX_PROGRAMME_PAGES`, in
        page order; ``("", [])`` when there are none or no selector selects them alone.
    """
    own_shapes = {shape: value for shape, value in url_shapes(page_url)}
    own_segments = path_segments(page_url)
    found: dict[str, list[Tag]] = {}
    for anchor, url in site_links(page_url, soup):
        text = " ".join(anchor.get_text(" ").split())
        changed = [
            value
            for shape, value in url_shapes(url)
            if shape in own_shapes and own_shapes[shape] != value
        ]
        segments = path_segments(url)
        if segments[:-1] == own_segments and len(segments) == len(own_segments) + 1:
            changed.append(segments[-1])
        if same_page(url, page_url) or any(
            is_day(v) or (any(ch.isdigit() for ch in v) and (is_day(text) or _PAGER.match(text)))
            for v in changed
        ):
            found.setdefault(url, []).append(anchor)
    others = [url for url in found if not same_page(url, page_url)]
    if not others:
        return "", []
    group = LinkGroup(
        url_shapes(others[0])[-1][0], list(found), {}, [a for u in found for a in found[u]]
    )
    shared = [
        shape
        for shape, _ in url_shapes(others[0])
        if all(shape in dict(url_shapes(u)) for u in others)
    ]
    for shape in shared or [group.shape]:
        group.shape = shape
        selector = links_selector(page_url, soup, group, likeness=lambda t: float(is_day(t)))
        if selector:
            return selector, others[:MAX_PROGRAMME_PAGES]
    return "", []
