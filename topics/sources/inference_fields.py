"""Profile inference: the title, the speakers, the labelled fields and the time of a talk page."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from bs4 import Tag

from .errors import SourceError
from .inference_abstract import _MIN_WORDS
from .inference_pages import (
    _CLASS_FIELDS,
    _CLOCK,
    _CONTROLS,
    _LABEL_FIELD,
    _ROOM,
    _SPEAKER_WORDS,
    Learnt,
    Sample,
    _best,
    _keep,
    _line,
    _mark,
    _Page,
    _selectors_for,
    element_value,
)
from .links import Shape, site_links, url_shapes
from .profiles import ANY_WHEN_PATTERN
from .structured import page_events
from .talklinks import (
    HEADINGS,
    class_words,
    common_contexts,
    href_selectors,
    in_chrome,
    is_day,
    is_name,
    normalise,
    select,
    select_one,
)

_SEP_END = re.compile(r"(?:\s*:|\s[|\u2013\u2014\u00b7-]|\s*\u00bb)\s*$")


_SEP_START = re.compile(r"^\s*(?::|[|\u2013\u2014\u00b7-]\s|\u00bb)")


#: A category before a title: "Talks: ", "Workshop - ".
TITLE_CATEGORY = r"^(?P<track>[^:|\u2013\u2014]{1,60}?)(?:\s*:\s*|\s+[|\u2013\u2014-]\s+)"


def _title_match(value: str, expected: list[str]) -> tuple[str, str] | None:
    """How an element's (normalised) text holds a link text: exact, after a prefix, before a
    suffix; with that prefix or suffix."""
    for text in sorted(expected, key=len, reverse=True):
        if not text:
            continue
        if value == text:
            return "exact", ""
        if value.endswith(text) and len(value) - len(text) <= 80:
            prefix = value[: -len(text)]
            if _SEP_END.search(prefix):
                return "prefix", prefix
        if value.startswith(text):
            suffix = value[len(text) :]
            if len(suffix) <= 150 and _SEP_START.match(suffix):
                return "suffix", suffix
        # the link adds a number, a code or the speakers: "12. Title", "Title (T-4)",
        # "Title - Ann Lee, Bob Ray"
        found = re.search(rf"(?:^|\W){re.escape(value)}(?:\W|$)", text) if value else None
        if found and len(value) >= 8:
            before, after = text[: found.start()].strip(), text[found.end() :].strip()
            apart = all(not x or _SEP_END.search(x) for x in [before]) and (
                not after or _SEP_START.match(" " + after) or after.startswith("(")
            )
            if len(value) >= 0.6 * len(text) or apart:
                return "exact", ""
    return None


def _learn_title(
    pages: list[_Page], stable: set[str], common: set[str], learnt: Learnt
) -> list[Tag | None]:
    """The title: the element holding the link text, else the first heading that varies."""
    candidates: list[str] = []
    for page in pages:
        if not page.expected:
            continue
        for element, text in page.carriers:
            if _title_match(normalise(text), page.expected) is None:
                continue
            heading = element if element.name in HEADINGS else element.find_parent(HEADINGS)
            if heading is not None and _title_match(
                normalise(heading.get_text(" ")), page.expected
            ):
                element = heading
            candidates += _selectors_for(element, stable)
        if len(candidates) > 30:
            break
    candidates += ['meta[property="og:title"]', "title"]
    candidates = list(dict.fromkeys(candidates))
    candidates.sort(key=lambda s: s.split()[-1].split(".")[0].split(">")[-1] not in HEADINGS)

    def check(page: _Page, selector: str) -> bool:
        value = normalise(element_value(select_one(page.soup, selector)))
        return _title_match(value, page.expected) is not None

    selector, share = _best(pages, candidates, check) if candidates else ("", 0.0)
    if share >= 0.5:
        matches = [
            _title_match(normalise(element_value(select_one(p.soup, selector))), p.expected)
            for p in pages
        ]
        modes = [m for m in matches if m]
        if sum(m[0] == "prefix" for m in modes) > len(modes) / 2:
            heading = selector not in ("title", 'meta[property="og:title"]')
            learnt.fields["title_prefix"] = (
                TITLE_CATEGORY
                if heading
                else _affix([m[1] for m in modes if m[0] == "prefix"], True)
            )
        if sum(m[0] == "suffix" for m in modes) > len(modes) / 2:
            learnt.fields["title_suffix"] = _affix([m[1] for m in modes if m[0] == "suffix"], False)
    else:
        selector, share = _varying_heading(pages, stable, common)
    if not selector:
        raise SourceError(
            "no title found on the sampled talk pages: no element holds the list page's"
            " link text, and no heading varies from page to page"
        )
    learnt.fields["title"] = (selector,)
    learnt.shares["title"] = share
    return [select_one(p.soup, selector) for p in pages]


def _affix(parts: list[str], prefix: bool) -> str:
    """A regular expression for the text around titles: the same on every page, or any
    text up to (or from) a separator."""
    distinct = {" ".join(p.split()) for p in parts}
    if len(distinct) == 1:
        words = [re.escape(w) for w in distinct.pop().split()]
        body = r"\s*".join(words)
        return rf"(?i)^\s*{body}\s*" if prefix else rf"(?i)\s*{body}\s*$"
    if prefix:
        return r"^[^:|\u2013\u2014]{1,80}?(?:\s*:\s*|\s+[|\u2013\u2014-]\s+)"
    return r"(?:\s+[|\u2013\u2014\u00b7-]\s+|\s*:\s+)[^|\u2013\u2014\u00b7:]*$"


def _varying_heading(pages: list[_Page], stable: set[str], common: set[str]) -> tuple[str, float]:
    """The first heading level whose first heading varies from page to page."""
    for level in HEADINGS:
        candidates: list[str] = []
        for page in pages[:4]:
            heading = next((h for h in page.soup.find_all(level) if not in_chrome(h)), None)
            if heading is not None:
                candidates += _selectors_for(heading, stable)
        candidates = list(dict.fromkeys(candidates))

        def check(page: _Page, selector: str) -> bool:
            value = normalise(element_value(select_one(page.soup, selector)))
            return bool(value) and value not in common

        selector, share = _best(pages, candidates, check)
        values = [normalise(element_value(select_one(p.soup, selector))) for p in pages]
        if share >= 0.5 and len(set(values)) >= 0.8 * len(values):
            return selector, share
    for selector in ('meta[property="og:title"]', "title"):
        values = [normalise(element_value(select_one(p.soup, selector))) for p in pages]
        found = [v for v in values if v]
        if len(found) >= 0.5 * len(pages) and len(set(found)) >= 0.8 * len(found):
            return selector, len(found) / len(pages)
    return "", 0.0


def _learn_speakers(
    pages: list[_Page],
    stable: set[str],
    common: set[str],
    learnt: Learnt,
    taken: list[set[int]],
    titles: list[Tag | None],
) -> None:
    """Speakers: links of one URL shape whose texts are names, else an element named so."""
    n = len(pages)
    links = [site_links(p.sample.url, p.soup) for p in pages]
    on_pages = Counter(url for found in links for url in {u for _, u in found})
    shapes: dict[Shape, dict[int, list[tuple[Tag, str]]]] = defaultdict(lambda: defaultdict(list))
    for i, found in enumerate(links):
        for anchor, url in found:
            text = " ".join(anchor.get_text(" ").split())
            if not text or on_pages[url] >= max(2, 0.6 * n) or in_chrome(anchor):
                continue
            if id(anchor) in taken[i]:
                continue
            for shape, _ in url_shapes(url):
                shapes[shape][i].append((anchor, text))
    best, best_score = None, 0.0
    for shape, by_page in shapes.items():
        texts = [t for found in by_page.values() for _, t in found]
        names = sum(map(is_name, texts)) / len(texts)
        hint = any(part.lower() in _SPEAKER_WORDS for part in shape.fixed)
        coverage = len(by_page) / n
        if coverage < 0.3 or not (names >= 0.6 or (hint and names >= 0.3)):
            continue
        score = coverage * (names + hint)
        if score > best_score:
            best, best_score = shape, score
    if best is not None:
        by_page = shapes[best]
        anchors = [a for found in by_page.values() for a, _ in found]
        attributes = href_selectors(best)
        contexts = common_contexts(anchors)
        candidates = [
            *attributes,
            *(f"{ctx} {attr}" for ctx in contexts for attr in attributes[:2]),
            *(f"{ctx} a" for ctx in contexts),
        ]

        def check(page: _Page, selector: str) -> bool:
            i = pages.index(page)
            wanted = {normalise(t) for _, t in by_page.get(i, [])}
            found = {normalise(element_value(a)) for a in select(page.soup, selector)}
            return found - {""} == wanted

        selector, share = _best(pages, candidates, check)
        if selector:
            _keep_speakers(pages, learnt, taken, selector, share)
            return
    _learn_byline(pages, stable, common, learnt, taken)


def _learn_byline(
    pages: list[_Page],
    stable: set[str],
    common: set[str],
    learnt: Learnt,
    taken: list[set[int]],
) -> None:
    """Speakers without links: an element whose class or id says speaker or author, else
    a heading that varies, reads as a name, and is followed by text (a biography)."""
    named: list[str] = []
    headings: list[str] = []
    for i, page in enumerate(pages[:6]):
        for element, text in page.carriers:
            if id(element) in taken[i] or in_chrome(element) or len(text.split()) > 10:
                continue
            if (class_words(element) | class_words(element.parent)) & _SPEAKER_WORDS:
                named += _selectors_for(element, stable)
            follows = element.find_next_sibling(True)
            if (
                element.name in HEADINGS
                and is_name(text)
                and normalise(text) not in common
                and follows is not None
                and len(follows.get_text(" ").split()) >= _MIN_WORDS
            ):
                headings += _selectors_for(element, stable)

    def short(page: _Page, selector: str) -> bool:
        found = [element_value(e) for e in select(page.soup, selector)]
        return bool(found) and all(0 < len(v.split()) <= 10 for v in found)

    def names(page: _Page, selector: str) -> bool:
        found = [element_value(e) for e in select(page.soup, selector)]
        return bool(found) and all(map(is_name, found))

    for candidates, check, least in ((named, short, 0.3), (headings, names, 0.5)):
        selector, share = _best(pages, list(dict.fromkeys(candidates)), check)
        if selector and share >= least:
            _keep_speakers(pages, learnt, taken, selector, share)
            return


def _keep_speakers(
    pages: list[_Page], learnt: Learnt, taken: list[set[int]], selector: str, share: float
) -> None:
    learnt.fields["speakers"] = (selector,)
    learnt.shares["speakers"] = share
    learnt.speakers = [{id(e) for e in select(p.soup, selector)} for p in pages]
    _mark(pages, selector, taken)


_INLINE_LABEL = re.compile(r"^([^:\d]{1,30}?)\s*:\s*(\S.*)$")


_LABEL_TAGS = frozenset({"strong", "b", "em", "i", "span", "label", "dt", "th", "small"})


def _label_of(text: str) -> tuple[str, str, bool] | None:
    """``(field, label as written, value follows inline)`` for a label text, else None."""
    bare = text.strip().rstrip(":\uff1a").strip()
    if bare.lower() in _LABEL_FIELD and len(bare) <= 30:
        return _LABEL_FIELD[bare.lower()], bare, False
    match = _INLINE_LABEL.match(text.strip())
    if match and match.group(1).lower() in _LABEL_FIELD:
        return _LABEL_FIELD[match.group(1).lower()], match.group(1), True
    return None


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value_selectors(element: Tag, label: str, inline: bool) -> list[tuple[str, bool]]:
    """Selectors of the value a label names: ``(selector, value starts with the label)``."""
    own = f"{element.name}:-soup-contains-own({_css_string(label)})"
    if inline:
        return [(own, True)]
    out = []
    if element.name == "dt":
        out.append((f"{own} + dd", False))
    cell = element if element.name in ("th", "td") else element.find_parent(("th", "td"))
    if cell is not None and normalise(cell.get_text(" ")).rstrip(":").strip() == label.lower():
        contains = f"{cell.name}:-soup-contains({_css_string(label)})"
        out.append((f"{contains} + td", False))
    parent = element.parent
    if element.name in _LABEL_TAGS and parent is not None and parent.name not in ("th", "td"):
        rest = normalise(parent.get_text(" "))
        if len(rest) > len(label) + 2:
            out.append((f"{parent.name}:has(> {own})", True))
    follows = element.find_next_sibling(True)
    if follows is not None and follows.name not in HEADINGS:
        out.append((f"{own} + {follows.name}", False))
    return out


def _learn_labelled(pages: list[_Page], learnt: Learnt, taken: list[set[int]]) -> None:
    """Fields named by a label: ``<dt>Track</dt><dd>..``, ``<th>Room</th><td>..``,
    ``<b>Time:</b> ..``, ``Track: ..`` (see :data:`LABELS`)."""
    candidates: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for i, page in enumerate(pages[:6]):
        for element, text in page.carriers:
            if id(element) in taken[i] or in_chrome(element) or len(text) > 120:
                continue
            found = _label_of(text)
            if found is None:
                continue
            name, label, inline = found
            if name == "speakers" and "speakers" in learnt.fields:
                continue
            candidates[name] += _value_selectors(element, label, inline)
    prefixes: list[str] = []
    for name, options in candidates.items():
        if name in learnt.fields:
            continue
        strip = {selector: inline for selector, inline in options}

        def check(page: _Page, selector: str, strip=strip) -> bool:
            values = [element_value(e) for e in select(page.soup, selector)]
            values = [_strip_label(v) if strip[selector] else v for v in values]
            return bool(values) and all(0 < len(v) <= 200 for v in values)

        selector, share = _best(pages, list(strip), check)
        if not selector or share < 0.3:
            continue
        if name == "speakers" and not selector.endswith((" a", " li")):
            inner = [f"{selector} a", f"{selector} li"]
            better, better_share = _best(pages, inner, check)
            if better_share >= share:
                selector = better
        learnt.fields[name] = (selector,)
        learnt.shares[name] = share
        _mark(pages, selector, taken)
        if strip.get(selector):
            label = _label_of(element_value(select_one(pages[0].soup, selector)) or "")
            prefixes += [re.escape(label[1])] if label else []
        # the label itself is template, not abstract
        bare = selector.split(" + ")[0].split(":has(> ")[-1].rstrip(")")
        if bare != selector:
            _mark(pages, bare, taken)
    if prefixes:
        learnt.fields["value_prefix"] = rf"^\s*(?:{'|'.join(sorted(set(prefixes)))})\s*:?\s*"


def _strip_label(value: str) -> str:
    match = _INLINE_LABEL.match(value)
    return match.group(2) if match and match.group(1).lower() in _LABEL_FIELD else value


def _learn_named_fields(
    pages: list[_Page],
    stable: set[str],
    common: set[str],
    learnt: Learnt,
    taken: list[set[int]],
    titles: list[Tag | None],
) -> None:
    """Fields in elements named after them (``span.track``, ``div.room``), and short
    names beside the title (a "pill"): a room ("Hall B"), else a category."""
    candidates: dict[str, list[str]] = defaultdict(list)
    beside: list[str] = []
    near = [_beside_title(title) for title in titles]
    for i, page in enumerate(pages[:6]):
        for element, text in page.carriers:
            if id(element) in taken[i] or in_chrome(element) or len(text.split()) > 8:
                continue
            if _label_of(text) is not None or element.find_parent(_CONTROLS) is not None:
                continue
            if id(element) in near[i] and re.match(r"[^\W\d]", text):
                beside += _selectors_for(element, stable)
            if normalise(text) in common:
                continue
            words = class_words(element)
            if element.parent is not None:
                words |= class_words(element.parent)
            named = {_CLASS_FIELDS[w] for w in words if w in _CLASS_FIELDS}
            for name in named:
                candidates[name] += _selectors_for(element, stable)
    for name, options in candidates.items():
        if name in learnt.fields or (name == "when" and {"day", "time"} & set(learnt.fields)):
            continue

        def check(page: _Page, selector: str) -> bool:
            value = element_value(select_one(page.soup, selector))
            return 0 < len(value.split()) <= 8

        _keep(pages, learnt, taken, name, _best(pages, list(dict.fromkeys(options)), check))
    beside = list(dict.fromkeys(beside))
    for name, roomish in (("room", True), ("track", False)):
        if name in learnt.fields or not beside:
            continue

        def next_to_title(page: _Page, selector: str, roomish=roomish) -> bool:
            """A short name beside the title, not a date or a time; a room's for "room"."""
            element = select_one(page.soup, selector)
            if element is None or id(element) not in near[pages.index(page)]:
                return False
            value = element_value(element)
            if not 0 < len(value.split()) <= 5 or _CLOCK.search(value) or is_day(value):
                return False
            return bool(_ROOM.search(value)) == roomish

        _keep(pages, learnt, taken, name, _best(pages, beside, next_to_title))


def _beside_title(title: Tag | None) -> set[int]:
    """Elements beside the title in a small container (a heading group): a category's place."""
    if title is None or title.parent is None:
        return set()
    box = title.parent
    rest = len(normalise(box.get_text(" "))) - len(normalise(title.get_text(" ")))
    if box.name in ("body", "main", "article") or rest > 80:
        return set()
    inside = set(map(id, title.descendants)) | {id(title)}
    return {
        id(e)
        for e in box.descendants
        if isinstance(e, Tag) and id(e) not in inside and e.name not in HEADINGS
    }


def _learn_when(
    pages: list[_Page], stable: set[str], common: set[str], learnt: Learnt, taken: list[set[int]]
) -> None:
    """A short line that holds a clock time: day, time and room together ("when")."""
    if {"when", "time"} & set(learnt.fields):
        return
    candidates: list[str] = []
    for i, page in enumerate(pages[:6]):
        for element, text in page.carriers:
            if id(element) in taken[i] or in_chrome(element) or len(text.split()) > 25:
                continue
            if (_CLOCK.search(text) or element.name == "time") and normalise(text) not in common:
                # the whole line: "2031-05-05 <time>10:00</time>-<time>10:30</time>, Hall"
                while element.parent is not None and _line(element.parent):
                    element = element.parent
                candidates += _selectors_for(element, stable)

    def check(page: _Page, selector: str) -> bool:
        value = element_value(select_one(page.soup, selector))
        return bool(_CLOCK.search(value)) and len(value.split()) <= 25

    selector, share = _best(pages, list(dict.fromkeys(candidates)), check)
    if selector and share >= 0.3:
        learnt.fields["when"] = (selector,)
        learnt.fields["when_pattern"] = ANY_WHEN_PATTERN
        learnt.shares["when"] = share
        _mark(pages, selector, taken, many=False)


def _learn_structured(samples: list[Sample], learnt: Learnt) -> None:
    """schema.org Event data (JSON-LD, microdata), read with extruct, on half the pages."""
    found = sum(bool(page_events(s.content or str(s.soup), s.url)) for s in samples)
    if samples and found >= 0.5 * len(samples):
        learnt.fields["structured_data"] = "Event"
        learnt.shares["structured_data"] = found / len(samples)
