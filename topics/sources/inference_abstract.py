"""Profile inference: the abstract, the main text of a talk page."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import Tag

from .inference_pages import (
    _NOT_MAIN,
    Learnt,
    Sample,
    _Page,
    _selectors_for,
)
from .talklinks import (
    HEADINGS,
    class_words,
    in_chrome,
    normalise,
    select,
    simple_selector,
)

#: Headings over a speaker's biography.
_BIO_HEADING = re.compile(
    r"(?i)\b(?:about the (?:speakers?|authors?|presenters?)|biograph\w*|bio)\b"
)


_MIN_WORDS = 5


def main_text(sample: Sample) -> str:
    """The page's main text as trafilatura extracts it (https://trafilatura.readthedocs.io),
    normalised; ``""`` when it finds none or fails on the page."""
    import trafilatura  # a heavy import, needed only while learning

    try:
        text = trafilatura.extract(
            sample.content or str(sample.soup),
            url=sample.url,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
    except Exception:
        return ""
    return normalise(text or "")


class _Blocks:
    """One page's carriers sorted into main text and the rest, and the largest elements
    that hold main text only (the containers)."""

    def __init__(
        self,
        page: _Page,
        common: set[str],
        repeated: set[str],
        taken: set[int],
        speakers: set[int],
    ):
        self.page = page
        other: Counter[int] = Counter()
        main: list[Tag] = []
        chars: Counter[int] = Counter()
        link_chars: Counter[int] = Counter()
        bio = False
        words_cache: dict[int, bool] = {}
        for element, text in page.carriers:
            norm = normalise(text)
            heading = element if element.name in HEADINGS else element.find_parent(HEADINGS)
            if heading is not None:
                bio = bool(_BIO_HEADING.search(norm)) or id(heading) in speakers
            is_other = (
                id(element) in taken
                or norm in common
                or (heading is not None and norm in repeated)
                or bio
                or in_chrome(element)
                or self._not_main(element, words_cache)
                or self._labelled_value(element, text, repeated)
            )
            linked = element.name == "a" or element.find_parent("a") is not None
            for parent in [element, *element.parents]:
                if parent.name in ("body", "html", "[document]"):
                    break
                if is_other:
                    other[id(parent)] += 1
                else:
                    chars[id(parent)] += len(text)
                    if linked:
                        link_chars[id(parent)] += len(text)
            if not is_other and not linked:
                main.append(element)
        containers: dict[int, Tag] = {}
        for element in main:
            top = None
            for parent in [element, *element.parents]:
                if parent.name in ("body", "html", "[document]") or other[id(parent)]:
                    break
                top = parent
            if top is not None and id(top) not in containers:
                text_chars = chars[id(top)]
                if link_chars[id(top)] <= 0.5 * text_chars:
                    containers[id(top)] = top
        self.containers = [
            c for c in containers.values() if len(c.get_text(" ").split()) >= _MIN_WORDS
        ]
        self.ids = {id(c) for c in self.containers}
        #: parents whose children are containers and labels ("Abstract"), with the labels'
        #: tag names: read as ``parent > :not(label tags)``
        self.runs: list[tuple[Tag, set[str]]] = []
        #: consecutive containers among other children: (parent, the child before them,
        #: the child after them, their tag names), read as ``parent > before ~ tag:not(after
        #: ~ *)``: the paragraphs between a heading and the next, say
        self.spans: list[tuple[Tag, Tag | None, Tag | None, set[str]]] = []
        parents = {id(c.parent): c.parent for c in self.containers if c.parent is not None}
        for parent in parents.values():
            children = [c for c in parent.find_all(True, recursive=False) if c.get_text().strip()]
            labels = [c for c in children if id(c) not in self.ids]
            kept = {c.name for c in children if id(c) in self.ids}
            if labels and all(
                normalise(c.get_text(" ")) in repeated and c.name not in kept for c in labels
            ):
                self.runs.append((parent, {c.name for c in labels}))
                continue
            run: list[int] = []
            for k, child in enumerate([*children, None]):
                if child is not None and id(child) in self.ids:
                    run.append(k)
                    continue
                if run and (run[0] > 0 or run[-1] + 1 < len(children)):
                    before = children[run[0] - 1] if run[0] > 0 else None
                    after = children[run[-1] + 1] if run[-1] + 1 < len(children) else None
                    tags = {children[j].name for j in run}
                    self.spans.append((parent, before, after, tags))
                run = []
        self.chars = {id(c): len(normalise(c.get_text(" "))) for c in self.containers}

    @staticmethod
    def _not_main(element: Tag, cache: dict[int, bool]) -> bool:
        chain = []
        verdict = False
        for parent in [element, *element.parents]:
            if id(parent) in cache:
                verdict = cache[id(parent)]
                break
            chain.append(parent)
            if class_words(parent) & _NOT_MAIN:
                verdict = True
                break
        for parent in chain:
            cache[id(parent)] = verdict
        return verdict

    @staticmethod
    def _labelled_value(element: Tag, text: str, repeated: set[str]) -> bool:
        """A short value after a label ("Experience Level:" then "Beginner")."""
        if len(text.split()) > 12:
            return False
        for node in [element, *element.parents][:3]:
            before = node.find_previous_sibling(True)
            if before is None:
                continue
            label = normalise(before.get_text(" "))
            if before.name in ("dt", "th") or (
                label in repeated and len(label.split()) <= 4 and label.endswith(":")
            ):
                return True
        return False


def _learn_abstract(
    pages: list[_Page], stable: set[str], common: set[str], learnt: Learnt, taken: list[set[int]]
) -> None:
    """The abstract: every container of varying main text, by as few selectors as cover it."""
    counts = Counter(text for page in pages for text in page.texts)
    repeated = {t for t, n in counts.items() if n >= 2 and len(t.split()) <= 4}
    speakers = learnt.speakers or [set() for _ in pages]
    blocks = [
        _Blocks(p, common, repeated, marks, names)
        for p, marks, names in zip(pages, taken, speakers, strict=True)
    ]
    candidates: list[str] = []
    for page_blocks in blocks:
        for parent, labels in page_blocks.runs:
            skip = ", ".join(sorted(labels))
            candidates += [f"{s} > :not({skip})" for s in _selectors_for(parent, stable)[:3]]
        for parent, before, after, tags in page_blocks.spans:
            tag = next(iter(tags)) if len(tags) == 1 else "*"
            core = f"{simple_selector(before, stable)} ~ {tag}" if before else tag
            if after is not None:
                last = simple_selector(after, stable)
                core += f":not({last}):not({last} ~ *)"
            candidates += [f"{s} > {core}" for s in _selectors_for(parent, stable)[:2]]
        for container in page_blocks.containers:
            candidates += _selectors_for(container, stable)
    candidates = list(dict.fromkeys(candidates))
    mains = [main_text(p.sample) for p in pages]
    memo: dict[tuple[int, str], list[Tag]] = {}

    def found(i: int, selector: str) -> list[Tag]:
        """What ``selector`` selects on page ``i``, with text (each select made once)."""
        if (i, selector) not in memo:
            selected = select(pages[i].soup, selector)
            memo[i, selector] = [e for e in selected if e.get_text().strip()]
        return memo[i, selector]

    covered: list[set[int]] = [set() for _ in pages]
    chosen: list[str] = []
    total = sum(sum(b.chars.values()) for b in blocks) or 1
    while len(chosen) < 4:
        best, best_gain = "", 0
        for selector in candidates[:80]:
            gain, fits, selects = 0, 0, 0
            for i, (page_blocks, done) in enumerate(zip(blocks, covered, strict=True)):
                elements = found(i, selector)
                if not elements:
                    continue
                selects += 1
                if all(id(e) in page_blocks.ids for e in elements):
                    fits += 1
                    gain += sum(page_blocks.chars[id(e)] for e in elements if id(e) not in done)
            if selects and fits >= 0.9 * selects and gain > best_gain:
                best, best_gain = selector, gain
        if not best or best_gain < 0.05 * total:
            break
        if chosen and not _in_main(blocks, best, mains):
            candidates.remove(best)
            continue
        chosen.append(best)
        for i, done in enumerate(covered):
            for element in found(i, best):
                done.update(map(id, [element, *element.descendants]))
    if not chosen:
        return
    parts = [named for selector in chosen for named in _named(pages, selector, stable)]
    learnt.fields["abstract_parts"] = tuple(parts)
    learnt.shares["abstract_parts"] = sum(
        any(found(i, s) for s in chosen) for i in range(len(pages))
    ) / len(pages)
    read = [{id(e) for s in chosen for e in found(i, s)} for i in range(len(pages))]
    plain = [c for i, b in enumerate(blocks) for c in b.containers if id(c) in read[i]]
    if plain and sum(_is_plain_text(c) for c in plain) > len(plain) / 2:
        learnt.fields["abstract_format"] = "text"


def _named(pages: list[_Page], selector: str, stable: set[str]) -> list[str]:
    """``selector`` as the classes of what it selects: ``div.box > div`` that selects
    ``div.description`` and ``div.abstract`` becomes ``div.box > div.abstract`` and
    ``div.box > div.description``, when those select the same elements."""
    found = [[e for e in select(p.soup, selector) if e.get_text().strip()] for p in pages]
    names = {simple_selector(e, stable) for elements in found for e in elements}
    if not names or len(names) > 4 or not all(re.search(r"[.#]", n) for n in names):
        return [selector]
    context = selector.rsplit(">", 1)[0] + "> " if ">" in selector else ""
    parts = [f"{context}{name}" for name in sorted(names)]
    joined = ", ".join(parts)
    for page, elements in zip(pages, found, strict=True):
        again = [e for e in select(page.soup, joined) if e.get_text().strip()]
        if {id(e) for e in again} != {id(e) for e in elements}:
            return [selector]
    return parts


def _in_main(blocks: list[_Blocks], selector: str, mains: list[str]) -> bool:
    """Whether what ``selector`` selects is in trafilatura's main text on half the pages
    that have one."""
    votes = []
    for page_blocks, main in zip(blocks, mains, strict=True):
        found = select(page_blocks.page.soup, selector)
        if not main or not found:
            continue
        votes.append(all(normalise(e.get_text(" "))[:60] in main for e in found))
    return not votes or sum(votes) >= 0.5 * len(votes)


def _is_plain_text(element: Tag) -> bool:
    """An element holding raw text with blank lines (Markdown), no markup."""
    return element.find(True) is None and "\n\n" in element.get_text()
