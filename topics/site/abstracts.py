"""Abstracts for display: their format detected, rendered to HTML, then sanitised.

A talk's abstract is stored as its source gave it (:attr:`topics.corpus.Talk.abstract`):
pretalx writes Markdown, pyvideo's descriptions are often reStructuredText, some sources
keep HTML, most are plain text. The model and the search index read that text as it is;
only the talk page renders it, with the library made for each format:

* Markdown with `markdown-it-py <https://markdown-it-py.readthedocs.io>`_ (CommonMark,
  https://spec.commonmark.org), nesting capped at 20 levels, HTML tags in it shown as
  text;
* reStructuredText with `docutils <https://docutils.sourceforge.io>`_, without file
  insertion, ``raw`` or ``include`` directives, system messages or halting, a single
  backquote meaning code (as Markdown authors mean it), and references to undefined
  targets shown as their text;
* HTML as it is;

and every result is sanitised with `nh3 <https://nh3.readthedocs.io>`_ (the ammonia
sanitiser) to an allow-list: paragraphs, line breaks, lists, emphasis, code, quotes,
rules, headings (demoted two levels, under the page's own ``h1`` and ``h2``) and links to
absolute http(s) URLs, given ``rel="nofollow noopener"``. Plain text becomes paragraphs.

pyvideo's header paragraph ("Speaker - Title [EuroPython 2016] [18 July 2016] [Bilbao,
...] (https://...)"), the recurring boilerplate :mod:`topics.model.cleaning` takes out
of the model's text, is left out here too: the page shows those fields itself.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

if TYPE_CHECKING:
    from docutils import frontend

#: Longest abstract rendered as Markdown or reStructuredText, in characters; a longer one
#: (a hundred times a long abstract) is shown as plain paragraphs, so that no input makes a
#: page slow to render (docutils reads 20,000 list items in about 1.6 s).
MAX_MARKUP = 20_000

#: The formats :func:`detect_format` tells apart.
FORMATS = ("html", "markdown", "rst", "text")

#: Tags kept by the sanitiser.
TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote", "a", "hr"}
    | {"h3", "h4", "h5", "h6"}
)
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_LINK_REL = "nofollow noopener"

# pyvideo's header: a first line (speakers - title), two or more [bracketed] fields
# (event, date, place), an optional (URL), then a blank line or the end.
_HEADER = re.compile(
    r"\A[^\n\[\]]{0,500}(?:\s*\[[^\[\]\n]{1,200}\]){2,}\s*(?:\(\s*https?://[^\s()]*\s*\))?"
    r"[^\S\n]*(?:\n[^\S\n]*\n\s*|\s*\Z)"
)
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|ul|ol|li|a|b|i|em|strong|code|pre|blockquote|h[1-6]|table|img)\b"
    r"[^<>]*>",
    re.IGNORECASE,
)
# In each pattern below the marks that start a line are grouped under one ``^``: the
# regex engine tries every alternative at every position of the text, and a failed ``^``
# ends the group's tries at once.

# Marks only reStructuredText has: directives, targets, footnotes, `text`_ references,
# roles, literal blocks after "::".
_RST = re.compile(
    r"^\.\. (?:[\w-]+::|_[^:\n]+:|\[[^\]\n]+\])|`[^`\n]+`__?(?!\w)"
    r"|:[a-z]+:`[^`\n]+`|::[^\S\n]*\n[^\S\n]*\n[ \t]+\S",
    re.MULTILINE,
)
# Marks only Markdown has: [text](url) links, # headings, ``` fences, ![images](...).
# Every repeated part that could run on is bounded: the search stays linear in the text.
_MARKDOWN = re.compile(
    r"\[[^\]\n]{1,500}\]\([^)\s]{1,2000}\)|^(?:#{1,6} \S| {0,3}(?:```|~~~))"
    r"|!\[[^\]\n]{0,500}\]\(|<https?://[^>\s]{1,2000}>",
    re.MULTILINE,
)
# Marks both have: strong emphasis, emphasis, lists, code spans, rules, heading underlines.
_MARKUP = re.compile(
    r"\*\*\S|(?<![\w*])\*[^*\s][^*\n]*\*(?!\w)|`[^`\n]+`"
    r"|^(?:[ \t]*(?:[-*+][ \t]+\S|\d+[.)][ \t]+\S|([-=*_~^])\1{2,}[ \t]*$)|>[ \t])",
    re.MULTILINE,
)
_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")

_MARKDOWN_IT = MarkdownIt("commonmark", {"html": False, "maxNesting": 20})  # tags are text
_DOCUTILS = {
    "file_insertion_enabled": False,  # no include, no raw url/file, no csv-table file
    "raw_enabled": False,
    "report_level": 5,  # no system message in the output
    "halt_level": 5,  # never stop on an error
    "warning_stream": False,
    "traceback": True,  # raise, not exit, on an internal error
    "_disable_config": True,  # no docutils.conf read
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "initial_header_level": 3,
    "doctitle_xform": False,  # a first heading stays in the body
    "sectsubtitle_xform": False,
    "syntax_highlight": "none",
    "embed_stylesheet": False,
    "math_output": "HTML",
    "smart_quotes": False,
    "auto_id_prefix": "abstract-",
}


def strip_header(text: str) -> str:
    """``text`` without pyvideo's header paragraph, when it starts with one.

    Examples
    --------
    >>> strip_header("Ann Lee - Fast code\\n[EuroPython 2016]\\n[18 July 2016]\\n"
    ...              "[Bilbao]\\n(https://ep2016.europython.eu/x)\\n\\nThe talk.")
    'The talk.'
    >>> strip_header("Lists [1] and [2] are short.\\n\\nMore.")
    'Lists [1] and [2] are short.\\n\\nMore.'
    """
    match = _HEADER.match(text)
    if match is None or not match.group().rstrip().endswith((")", "]")):
        return text
    return text[match.end() :]


def detect_format(text: str) -> str:
    """The markup ``text`` is written in: one of :data:`FORMATS`.

    HTML when it starts with an HTML tag of text (``<p>``, ``<a>``, ``<li>``...);
    reStructuredText when it has a mark only reStructuredText has (a directive, a
    ``.. _target:``, a ```text`_`` reference, a role, a literal block) and none only
    Markdown has; Markdown when it has a mark of Markdown's (a ``[text](url)`` link, a
    ``#`` heading, a fence) or one both share (``**``, ``*``, list items, ```code```,
    rules); else plain text. A tag inside a text is text: sources turn HTML into text,
    so a ``<b>`` left in one was written to be read as such (a talk about HTML).

    Examples
    --------
    >>> detect_format("<p>Hello</p>")
    'html'
    >>> detect_format("See Cython_.\\n\\n.. _Cython: http://cython.org/")
    'rst'
    >>> detect_format("- one\\n- **two**")
    'markdown'
    >>> detect_format("Just words.")
    'text'
    """
    if _HTML_TAG.match(text.lstrip()):
        return "html"
    markdown = _MARKDOWN.search(text) is not None
    if not markdown and _RST.search(text):
        return "rst"
    if markdown or _MARKUP.search(text):
        return "markdown"
    return "text"


def render_abstract(text: str) -> Markup:
    """An abstract as safe HTML for the talk page (see the module's documentation).

    Parameters
    ----------
    text : str
        The abstract as stored, in any of :data:`FORMATS`.

    Returns
    -------
    Markup
        Sanitised HTML; empty when the abstract is (or holds only pyvideo's header).
    """
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates: "?"
    text = strip_header(text.strip()).strip()
    if not text:
        return Markup("")
    kind = detect_format(text) if len(text) <= MAX_MARKUP else "text"
    if kind == "html":
        markup = text
    elif kind == "markdown":
        markup = _MARKDOWN_IT.render(text)
    elif kind == "rst":  # docutils starts its headings at h3 itself
        markup = _restructuredtext(text)
    else:
        markup = ""
    if kind != "rst":
        markup = _HEADING.sub(_demoted, markup)
    if not markup.strip():
        markup = "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs(text))
    return Markup(sanitise(markup))


def sanitise(markup: str) -> str:
    """HTML reduced to :data:`TAGS`, links to absolute http(s) URLs only, each given
    ``rel="nofollow noopener"``; scripts and styles are removed with their content."""
    return nh3.clean(
        markup,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        link_rel=_LINK_REL,
        url_schemes={"http", "https"},
        url_relative="deny",
        strip_comments=True,
    ).strip()


def _restructuredtext(text: str) -> str:
    """HTML body of a reStructuredText text; ``""`` when docutils cannot read it (such as
    lists nested deeper than Python's recursion limit)."""
    # Imported by the first reStructuredText abstract: sites without one need no docutils.
    from docutils import nodes
    from docutils.core import publish_doctree, publish_parts
    from docutils.io import DocTreeInput
    from docutils.readers.doctree import Reader

    source = f".. default-role:: code\n\n{text}\n"
    try:
        with _roles_put_back():
            tree = publish_doctree(source, settings=_settings("null"))
            for node in list(tree.findall(nodes.problematic)):  # a reference to no target
                node.parent.replace(node, nodes.Text(node.astext().strip("`_")))
            for node in tree.findall(nodes.literal):  # ``code``: <code>, not a <span>
                node["classes"].append("code")
            for node in list(tree.findall(nodes.system_message)):
                node.parent.remove(node)
            parts = publish_parts(
                source=tree,
                source_class=DocTreeInput,
                reader=Reader(parser="null"),
                writer="html5",
                settings=_settings("html5"),
            )
    except Exception:  # RecursionError, or any other: shown as plain text
        return ""
    return parts["body"]


_ROLES_LOCK = threading.Lock()


@contextlib.contextmanager
def _roles_put_back() -> Iterator[None]:
    """One reStructuredText text at a time, and docutils' table of roles as it was before
    it once it is read: docutils keeps roles for the process, so that the roles an
    abstract defines (``.. role::``) would stay for the next abstracts."""
    from docutils.parsers.rst import roles  # the parser imports it too, at the first text

    with _ROLES_LOCK:
        registered = dict(roles._roles)
        try:
            yield
        finally:
            roles._roles.clear()
            roles._roles.update(registered)


def _settings(writer: str) -> frontend.Values:
    """A copy of docutils' runtime settings (:data:`_DOCUTILS` over the components'
    defaults) for reading reStructuredText into a tree (``writer="null"``) or writing a tree
    as HTML (``"html5"``): those :func:`publish_doctree` and :func:`publish_parts` make
    from ``settings_overrides``, made once, since docutils builds an option parser of every
    component's settings to make them. A copy, since docutils writes into the settings it
    is given (``output``, ``math_output``, ``record_dependencies``)."""
    return copy.deepcopy(_default_settings(writer))


@functools.cache
def _default_settings(writer: str) -> frontend.Values:
    from docutils.core import Publisher
    from docutils.readers.doctree import Reader

    reader = "standalone" if writer == "null" else Reader(parser="null")
    publisher = Publisher(reader, "restructuredtext", writer)
    return publisher.get_settings(**_DOCUTILS)


def _demoted(match: re.Match) -> str:
    return f"<{match[1]}h{min(int(match[2]) + 2, 6)}"


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs on blank lines, collapsing other whitespace.

    Examples
    --------
    >>> paragraphs("One\\nline.\\n\\n  Two. ")
    ['One line.', 'Two.']
    """
    parts = (" ".join(part.split()) for part in _BLANK_LINE.split(text))
    return [part for part in parts if part]
