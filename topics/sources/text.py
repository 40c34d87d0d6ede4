"""Plain text from HTML: what sources store as abstracts and the model reads; the texts of a
talk's several fields (subtitle, abstract, description) combined into one abstract.

One walk over the parsed tree, in time linear in the document, without recursion, so
hostile pages (huge or deeply nested) cannot make it slow or overflow the stack. The HTML
parser (Beautiful Soup) is imported for the first text holding a tag: plain abstracts
(pyvideo's, a CSV's) need none.
"""

from __future__ import annotations

import html
import re
import warnings
from typing import TYPE_CHECKING

from ..corpus import MAX_ABSTRACT, folded

if TYPE_CHECKING:
    from bs4 import Tag

_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "caption", "center", "dd", "details"),
        *("dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer"),
        *("form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main"),
        *("menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot"),
        *("thead", "ul"),
    }
)
_LINE_TAGS = frozenset({"li", "tr"})
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
# Break tokens, by strength: a <br>, a new line, a new paragraph.
_BR, _LINE, _PARA = 1, 2, 3
_TAG_START = re.compile(r"<[a-zA-Z/!]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_UNUSUAL_SPACE = re.compile(r"[^\S\n ]|  ")  # whitespace that _SPACES would change


# A Markdown link or image: its text is kept (pretalx texts are Markdown).
_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*\)")
_TAG = re.compile(r"<[^<>]*>")


def element_text(element: Tag, fmt: str = "html") -> str:
    """Plain text of an HTML element: paragraphs separated by a blank line.

    Block elements (``<p>``, ``<div>``, headings, lists, ...) start a paragraph;
    ``<li>``, ``<tr>`` and ``<br>`` start a line, and two ``<br>`` in a row start a
    paragraph. Runs of spaces become one space, lines are stripped, and empty lines
    and paragraphs are dropped. Scripts, styles and comments are left out.

    Parameters
    ----------
    element : bs4.Tag
        The element to convert.
    fmt : {"html", "text"}
        ``"html"``: line breaks in text are spaces, as a browser renders them.
        ``"text"``: the element holds plain text or Markdown whose line breaks are
        kept, a blank line separating paragraphs. Inside ``<pre>`` line breaks are
        always kept.

    Returns
    -------
    str
    """
    paragraphs: list[list[str]] = [[""]]
    pending, n_br = 0, 0
    for token in _tokens(element, keep_newlines=fmt == "text"):
        if isinstance(token, int):
            pending = max(pending, token if token != _BR else _LINE)
            n_br += token == _BR
            continue
        if pending and not token.strip():
            continue  # whitespace between two breaks
        if pending and (pending == _PARA or n_br >= 2):
            paragraphs.append([""])
        elif pending:
            paragraphs[-1].append("")
        pending, n_br = 0, 0
        paragraphs[-1][-1] += token
    lines = ([" ".join(line.split()) for line in p] for p in paragraphs)
    return "\n\n".join("\n".join(kept) for kept in ([x for x in p if x] for p in lines) if kept)


def _tokens(root: Tag, keep_newlines: bool) -> list[str | int]:
    """Flatten ``root`` into text and break tokens, depth first, with an explicit stack."""
    from bs4.element import (
        Comment,
        Declaration,
        Doctype,
        NavigableString,
        ProcessingInstruction,
        Tag,
    )

    skipped_strings = (Comment, Declaration, Doctype, ProcessingInstruction)
    tokens: list[str | int] = []
    stack = [(iter(root.children), keep_newlines, 0)]
    while stack:
        children, keep, closing = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if closing:
                tokens.append(closing)
        elif isinstance(child, NavigableString):
            if isinstance(child, skipped_strings):
                continue
            if not keep:
                tokens.append(re.sub(r"\s+", " ", str(child)))
                continue
            for n, paragraph in enumerate(re.split(r"\n[^\S\n]*\n\s*", str(child))):
                if n:
                    tokens.append(_PARA)
                for m, line in enumerate(paragraph.split("\n")):
                    if m:
                        tokens.append(_LINE)
                    tokens.append(line)
        elif isinstance(child, Tag) and child.name not in _SKIPPED_TAGS:
            name = child.name
            if name == "br":
                tokens.append(_BR)
            elif name in _BLOCK_TAGS:
                tokens.append(_PARA)
                stack.append((iter(child.children), keep or name == "pre", _PARA))
            elif name in _LINE_TAGS:
                tokens.append(_LINE)
                stack.append((iter(child.children), keep, _LINE))
            else:
                stack.append((iter(child.children), keep, 0))
    return tokens


def html_to_text(markup: str) -> str:
    """Convert an HTML fragment, or plain text, to plain text with paragraph breaks.

    Text without any tag is only whitespace-normalised, so plain abstracts keep their
    line structure and are not parsed needlessly.

    Parameters
    ----------
    markup : str
        An HTML fragment or plain text.

    Returns
    -------
    str
        Plain text; paragraphs separated by one blank line.
    """
    if not _TAG_START.search(markup):
        return normalize_whitespace(markup)
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(markup, "lxml")
    return element_text(soup)


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, and keep at most one blank line between paragraphs.

    Examples
    --------
    >>> normalize_whitespace("  a \\t b\\n\\n\\n c ")
    'a b\\n\\nc'
    """
    text = text.replace("\r\n", "\n")
    if _UNUSUAL_SPACE.search(text):  # else every run is one space already: skip the rewrite
        text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return (_BLANK_LINES.sub("\n\n", text) if "\n\n" in text else text).strip()


def contains_words(text: str, part: str) -> bool:
    r"""Whether ``part`` occurs in ``text`` as whole words, ignoring case and spacing.

    That is, ``(?<!\w)part(?!\w)`` is found in ``text``, in linear time: both are
    :func:`_marked` and searched with ``str.__contains__`` (CPython's two-way string
    search on long strings, linear in the worst case: https://github.com/python/cpython/
    blob/3.11/Objects/stringlib/stringlib_find_two_way_notes.txt), where the regular
    expression would try ``part`` from every word of ``text`` as far as they agree.
    """
    text, part = folded(text), folded(part)
    if len(part) > len(text) or part not in text:  # most fragments: no need to mark them
        return False
    return _marked(part) in _marked(text)


# Marks of word edges (_marked): control characters, taken out of the texts first.
_MARKS = "\x01\x02\x03\x04"
_NO_MARKS = dict.fromkeys(map(ord, _MARKS))
_MARKERS = (
    (re.compile(r"(?<!\w)(?=\w)"), "\x01"),  # a word starts
    (re.compile(r"(?<=\w)(?!\w)"), "\x02"),  # a word ends
    (re.compile(r"(?<!\x02)(?=[^\w\x01\x02])"), "\x03"),  # a non-word, no word before it
    (re.compile(r"(?<=[^\w\x01-\x04])(?!\x01)"), "\x04"),  # a non-word, no word after it
)


def _marked(text: str) -> str:
    r"""``text`` with its word edges marked: ``part`` occurs in ``text`` as whole words
    (``(?<!\w)part(?!\w)``) exactly when ``_marked(part)`` is a substring of
    ``_marked(text)``.

    A run of word characters gets a mark before and after it; any other character gets
    one before it unless a word character precedes it, and one after it unless a word
    character follows it. The ends of a string count as non-word characters, so the
    marks at the ends of ``_marked(part)`` ask of the text what the regular expression's
    lookarounds ask. Each mark is one pass of a regular expression of fixed width: linear.
    """
    text = text.translate(_NO_MARKS)
    for pattern, mark in _MARKERS:
        text = pattern.sub(mark, text)
    return text


def fragment_text(markup: str) -> str:
    """Plain text of an HTML or Markdown fragment (pretalx texts are Markdown)."""
    text = _MARKDOWN_LINK.sub(r"\1", markup)
    if not _TAG_START.search(text):  # plain text: no parser, nothing it could reject
        return normalize_whitespace(text)
    from bs4.exceptions import ParserRejectedMarkup

    try:
        return html_to_text(text)
    except (ParserRejectedMarkup, ValueError):
        return normalize_whitespace(html.unescape(_TAG.sub("", markup)))


def combine_texts(title: str, *fragments: str) -> str:
    """Plain text of the subtitle, abstract and description, each given once.

    Each fragment is HTML or Markdown (pretalx's texts): a Markdown link keeps its text,
    markup becomes plain text (:func:`html_to_text`). A text equal to the
    title or contained in another (as whole words, ignoring case and spacing) is
    dropped: pretalx descriptions often repeat the abstract as their first paragraph,
    frab exports sometimes copy it whole, FOSDEM's devroom openings have the title as
    abstract. Then a paragraph equal to an earlier one is dropped.

    A talk keeps :data:`~topics.corpus.MAX_ABSTRACT` characters of abstract, so each
    fragment is read that far only (and its markup ten times as far): what lies beyond
    would be cut anyway, and would only cost time. One character more is kept, for the
    talk to see that the text was longer (and end it with "…").
    """
    kept: list[str] = []
    for fragment in fragments:
        text = fragment_text(fragment[: 10 * MAX_ABSTRACT])[: MAX_ABSTRACT + 1]
        if not text or folded(text) == folded(title) or any(contains_words(k, text) for k in kept):
            continue
        kept = [k for k in kept if not contains_words(text, k)]
        kept.append(text)
    seen: set[str] = set()
    paragraphs = []
    for paragraph in "\n\n".join(kept).split("\n\n"):
        if folded(paragraph) not in seen:
            seen.add(folded(paragraph))
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)
