"""Corpus-level cleaning before vectorizing: URLs, e-mail addresses, contractions, boilerplate.

The Go programming language is named by an English stop word; mid-sentence and
capitalised ("written in Go", "Go's runtime"), "Go" is the language, and becomes
"Golang" (its usual unambiguous name) so that it survives stop-word removal.

Boilerplate is text that recurs across many documents of one corpus: pyvideo's
"[EuroPython 2016] [22 July 2016] [Bilbao, Euskadi, Spain]" header, licence notices,
"Slides are available at ..." lines. It is found as word shingles (runs of
:data:`SHINGLE` words) shared by many documents, the idea of near-duplicate detection
with shingling (Broder, "On the resemblance and containment of documents", 1997), and
every word covered by such a shingle is removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ..sources.text import html_to_text, normalize_whitespace

#: Words in a shingle: long enough that shared runs are boilerplate, not common phrases.
SHINGLE = 6

_DOMAIN_END = r"\.(?:com|org|net|io|eu|de|fr|es|it|uk|edu|gov|ly|me|dev|html?)\b"
# A bare domain ("x.org/a") is tried only from the first word of a run of [\w.-] (the run's
# leading dots and dashes are matched as "lead" and put back; a scheme there is left to the
# first branch), not from every word of "a.a.a...", reading the rest of the run each time
# (quadratic). Where the first word starts no match, no later one can: the matches are the
# same (docs/decisions.md).
_SCHEME = r"(?:https?://|ftp://|www\.)"
_URL = re.compile(
    rf"{_SCHEME}\S+|(?<![\w.-])(?P<lead>[.-]*+)(?!{_SCHEME})\b[\w.-]+{_DOMAIN_END}(?:/\S*)?",
    re.IGNORECASE,
)
# What any URL holds; searched first, as _URL tries a match at every word of a text.
_URL_HINT = re.compile(rf"://|www\.|{_DOMAIN_END}", re.IGNORECASE)
# Replacement of _URL: a space, after the run's leading dots and dashes.
_GAP = r"\g<lead> "
# An address, or else the run of [\w.+-] it would have started with, kept as is (see
# _unless_address): a word of the run that starts no address is followed by one that
# starts none either ("@" must end the run), and the run is read once, not once a word.
_EMAIL = re.compile(r"\b(?:(?P<address>[\w.+-]++@[\w-]+(?:\.[\w-]+)+\b)|[\w.+-]++)")
# we'll, don't, it's, I'm, they've, she'd (straight or curly apostrophe)
_CONTRACTION = re.compile(
    r"(?<=[a-z])(?:n['\u2019]t|['\u2019](?:ll|re|ve|s|d|m|t))\b", re.IGNORECASE
)
_WORD = re.compile(r"\w+", re.UNICODE)
# "Go" after a word or clause punctuation and a space, not "Go-" ("a Go-to tool"): not a
# sentence's first word, so a capital G marks the name. Sentence-initial "Go" stays ambiguous.
_GO_LANGUAGE = re.compile(r"(?<=[\w,;:(\"'] )Go\b(?!-)")
# Markdown/reST decoration that is not text: heading underlines, rules, emphasis marks.
_DECORATION = re.compile(r"^[\s=\-~*#_`^+|]{3,}$", re.MULTILINE)


def strip_noise(text: str) -> str:
    """Remove HTML, URLs, e-mail addresses, contraction endings and text decoration.

    A capitalised mid-sentence "Go", the programming language, becomes "Golang" (see the
    module docstring).

    Examples
    --------
    >>> strip_noise("We'll share <b>slides</b> at https://x.org/a and by mail: me@x.org")
    'We share slides at and by mail:'
    >>> strip_noise("Go on: a fast server in Go")
    'Go on: a fast server in Golang'
    """
    text = html_to_text(text)
    # Each pattern only where it can match: a text holds none of them, mostly.
    if "@" in text:
        text = _EMAIL.sub(_unless_address, text)
    if _URL_HINT.search(text):
        text = _URL.sub(_GAP, text)
    if "'" in text or "\u2019" in text:
        text = _CONTRACTION.sub("", text)
    if "Go" in text:
        text = _GO_LANGUAGE.sub("Golang", text)
    return normalize_whitespace(_DECORATION.sub("", text))


def _unless_address(match: re.Match) -> str:
    return " " if match["address"] else match[0]


def boilerplate_shingles(
    texts: Sequence[str], min_docs: int | None = None, size: int = SHINGLE
) -> frozenset[tuple[str, ...]]:
    """Word shingles that recur across many documents.

    Parameters
    ----------
    texts : sequence of str, length n_docs
    min_docs : int, optional
        Documents a shingle must appear in to count as boilerplate; by default
        ``max(4, n_docs // 200)``, so pairs of near-duplicate talks keep their text.
    size : int
        Words per shingle.

    Returns
    -------
    frozenset of tuple of str
        Lowercased shingles.
    """
    if min_docs is None:
        min_docs = max(4, len(texts) // 200)
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        words = _WORD.findall(text.lower())
        counts.update({tuple(words[i : i + size]) for i in range(len(words) - size + 1)})
    return frozenset(s for s, n in counts.items() if n >= min_docs)


def remove_shingles(text: str, shingles: frozenset[tuple[str, ...]], size: int = SHINGLE) -> str:
    """Remove from ``text`` every word covered by one of ``shingles``.

    Returns
    -------
    str
        The remaining words, joined by spaces; line structure is not kept.
    """
    if not shingles:
        return text
    firsts = _first_words(shingles)
    words = [w.lower() for w in _WORD.findall(text)]
    starts = [
        i
        for i in range(len(words) - size + 1)
        if words[i] in firsts and tuple(words[i : i + size]) in shingles
    ]
    if not starts:
        return text
    covered = [False] * len(words)
    for i in starts:
        covered[i : i + size] = [True] * size
    matches = list(_WORD.finditer(text))
    pieces, last = [], 0
    for match, drop in zip(matches, covered, strict=True):
        if drop:
            pieces.append(text[last : match.start()])
            last = match.end()
    pieces.append(text[last:])
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


@lru_cache(maxsize=4)
def _first_words(shingles: frozenset[tuple[str, ...]]) -> frozenset[str]:
    # Only positions holding one of these can start a shingle: most need no tuple built.
    return frozenset(shingle[0] for shingle in shingles)


def clean_corpus(texts: Sequence[str]) -> tuple[list[str], frozenset[tuple[str, ...]]]:
    """Clean every text of a corpus: noise first, then the corpus's boilerplate.

    Parameters
    ----------
    texts : sequence of str, length n_docs
        Raw texts (title and abstract), possibly HTML.

    Returns
    -------
    cleaned : list of str, length n_docs
    shingles : frozenset of tuple of str
        The boilerplate shingles found (see :func:`boilerplate_shingles`), to clean
        further texts of the same kind with :func:`strip_noise` then
        :func:`remove_shingles`.
    """
    stripped = [strip_noise(t) for t in texts]
    shingles = boilerplate_shingles(stripped)
    return [remove_shingles(t, shingles) for t in stripped], shingles
