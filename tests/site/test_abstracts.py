"""Abstracts on talk pages: Markdown, reStructuredText and HTML rendered, then sanitised."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.tiny_site import fitted
from topics.corpus import Corpus
from topics.site import abstracts, build_site
from topics.site.abstracts import detect_format, render_abstract, strip_header

MARKDOWN = """Intro with **strong** words and a [link](https://example.org/md).

- first item
- second item with `inline_code()`

```
def fenced():
    return 1
```
"""

RST = """Intro with **strong** words and Cython_.

* first item
* second item with ``inline_code()``

Code::

    def literal():
        return 1

-----

The end.

.. _Cython: http://cython.org/
"""

HTML = """<p>Intro with <strong>strong</strong> words and a
<a href="https://example.org/html">link</a>.</p>
<ul><li>first item</li><li>second item with <code>inline_code()</code></li></ul>
<pre><code>def pre():
    return 1</code></pre>"""

HEADER = (
    "Stefan Behnel - Fast Async Code with Cython and AsyncIO\n[EuroPython 2016]\n"
    "[18 July 2016]\n[Bilbao, Euskadi, Spain]\n"
    "(https://ep2016.europython.eu//conference/talks/fast-async-code)\n\n"
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Talk pages of the tiny site whose first three talks have a Markdown, a reST (after
    pyvideo's header) and an HTML abstract: {format: parsed abstract section}."""
    corpus, _, summary = fitted()
    talks = list(corpus)
    texts = {"markdown": MARKDOWN, "rst": HEADER + RST, "html": HTML}
    for n, text in enumerate(texts.values()):
        talks[n] = replace(talks[n], abstract=text)
    out = tmp_path_factory.mktemp("abstracts") / "site"
    build_site(Corpus(talks=talks, title=corpus.title, source=corpus.source), summary, out)
    return {
        kind: BeautifulSoup(
            (out / "talks" / f"{talks[n].id}.html").read_text(encoding="utf-8"), "html.parser"
        ).select_one("section.abstract")
        for n, kind in enumerate(texts)
    }


@pytest.mark.parametrize("kind", ["markdown", "rst", "html"])
def test_talk_page_renders_lists_links_and_code(pages, kind):
    section = pages[kind]
    assert [li.get_text(" ", strip=True) for li in section.select("ul > li")] == [
        "first item",
        "second item with inline_code()",
    ]
    assert section.select_one("li code").get_text() == "inline_code()"
    assert section.select_one("strong").get_text() == "strong"
    link = section.select_one(".abstract-text a")
    assert link["href"].startswith(("https://example.org/", "http://cython.org/"))
    assert link["rel"] == ["nofollow", "noopener"]
    assert "return 1" in section.select_one("pre").get_text()
    text = section.get_text()
    for raw in ("**", "`", ".. _", "Cython_", "<", "[EuroPython 2016]", "18 July 2016"):
        assert raw not in text, (kind, raw)


#: Each format's marks, one pattern each, as topics.site.abstracts had them before it
#: grouped those that start a line under one ``^`` (fewer tries at each position).
MARKS = {
    "_RST": [
        r"^\.\. [\w-]+::", r"^\.\. _[^:\n]+:", r"^\.\. \[[^\]\n]+\]", r"`[^`\n]+`__?(?!\w)",
        r":[a-z]+:`[^`\n]+`", r"::[^\S\n]*\n[^\S\n]*\n[ \t]+\S",
    ],
    "_MARKDOWN": [
        r"\[[^\]\n]{1,500}\]\([^)\s]{1,2000}\)", r"^#{1,6} \S", r"^ {0,3}(?:```|~~~)",
        r"!\[[^\]\n]{0,500}\]\(", r"<https?://[^>\s]{1,2000}>",
    ],
    "_MARKUP": [
        r"\*\*\S", r"(?<![\w*])\*[^*\s][^*\n]*\*(?!\w)", r"^[ \t]*[-*+][ \t]+\S",
        r"^[ \t]*\d+[.)][ \t]+\S", r"`[^`\n]+`", r"^[ \t]*([-=*_~^])\1{2,}[ \t]*$", r"^>[ \t]",
    ],
}  # fmt: skip

#: Pieces of the marks, for random texts that have some of them and miss others narrowly.
PIECES = [
    "..", ".", " ", "  ", "\t", "\n", "\n\n", "::", ":", "_", "[", "]", "(", ")", "#", "`", "```",
    "~~~", "*", "**", "-", "---", "+", "=", "^", "~", "1", "2.", ">", "!", "<", "http://", "x",
    "role", "code", "é", "\n.. ", ".. _", ".. [", "\n# ", "\n> ", "\n>\t", "\n   ```", "1) ",
    "- ", "* ", "\t+ ", "===", "`x`_", ":role:`x`", "::\n\n  x", "[x](y)", "![", "<http://x>",
]  # fmt: skip


@pytest.mark.fuzz
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_grouped_marks_find_what_each_mark_finds(text):
    # At every position: a text's first mark of a format is then the same too.
    for name, marks in MARKS.items():
        grouped, each = getattr(abstracts, name), [re.compile(m, re.MULTILINE) for m in marks]
        for at in range(len(text) + 1):
            found = any(mark.match(text, at) for mark in each)
            assert (grouped.match(text, at) is not None) == found, (name, at)


def test_formats_are_detected():
    assert detect_format(MARKDOWN) == "markdown"
    assert detect_format(RST) == "rst"
    assert detect_format(HTML) == "html"
    assert detect_format("Plain words, nothing more.\n\nA second paragraph.") == "text"
    assert strip_header(HEADER + "Body.") == "Body."
    assert render_abstract(HEADER) == ""


#: Injections in each format; none may leave a script, an event handler or a
#: non-http(s) link in the rendered abstract.
HOSTILE = {
    "markdown raw html": "**Hi** <script>alert(1)</script><img src=x onerror=alert(2)>\n\n"
    '<a href="javascript:alert(3)" onclick="alert(4)">x</a> <iframe src="https://e.x"></iframe>',
    "markdown links": "- [a](javascript:alert(1))\n- [b](JaVaScRiPt:alert(1))\n- "
    "[c](data:text/html;base64,PHNjcmlwdD4=)\n- <javascript:alert(1)>\n- [d](/relative)\n\n"
    '[e]: vbscript:x\n\n![img](https://e.x/i.png "t")',
    "rst raw": ".. raw:: html\n\n   <script>alert(1)</script>\n\n.. include:: /etc/passwd\n\n"
    ".. csv-table::\n   :file: /etc/passwd\n\n*x* `y`_\n\n.. _y: javascript:alert(1)\n",
    "rst links": "`a <javascript:alert(1)>`_ and b_ and `c <data:text/html,x>`__\n\n"
    ".. _b: file:///etc/passwd\n\n.. image:: https://e.x/i.png\n   :target: javascript:x\n",
    "html": '<p onmouseover="alert(1)" style="x">a</p><svg onload=alert(1)><a href=" java'
    'script:alert(1)">b</a><form action="https://e.x"><input></form><style>*{}</style>',
    # Just under MAX_MARKUP (20,000 characters): the largest inputs that are parsed.
    "markdown nested": "".join("  " * i + "- item\n" for i in range(135)),
    "markdown quotes": "> " * 9_000 + "deep",
    "rst nested": ".. _t: https://e.x\n\n" + "\n\n".join("  " * i + "- item" for i in range(135)),
    "rst long list": "- item `x`_\n" * 1500 + "\n.. _x: https://e.x\n",
    "rst long table": ".. _t: https://e.x\n\n=== ===\n a   b\n=== ===\n"
    + " x   y\n" * 2800
    + "=== ===\n",
    "stars": "*a **" * 3900,
    "too long": "- item\n" * 50_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_abstracts_render_safely_and_quickly(name):
    text = HOSTILE[name]
    start = time.process_time()
    rendered = render_abstract(text)
    assert time.process_time() - start < 3, name
    soup = BeautifulSoup(str(rendered), "html.parser")
    assert soup.find(["script", "style", "iframe", "img", "svg", "form", "input"]) is None
    for tag in soup.find_all(True):
        assert tag.name in {"p", "br", "ul", "ol", "li", "em", "strong", "code", "pre",
                            "blockquote", "a", "hr", "h3", "h4", "h5", "h6"}  # fmt: skip
        assert not any(attr.lower().startswith("on") or attr == "style" for attr in tag.attrs)
        if tag.name == "a" and tag.has_attr("href"):
            assert tag["href"].lower().startswith(("http://", "https://")), tag


#: reStructuredText that defines what a document keeps (a target, a substitution,
#: footnotes), a role (which docutils registers for the whole process), and makes docutils
#: write into its settings (math: the HTML writer converts ``math_output`` in place; the
#: publisher sets the output path).
RST_DEFINES = """.. _Cython: http://cython.org/

.. |x| replace:: SUBSTITUTED

.. role:: custom

.. sectnum::

Title
-----

:math:`a^2` and a note [#]_ on Cython_, |x|.

.. [#] The note.
"""

RST_USES = """See `Cython`_ and |x| and :custom:`y`.

Title
-----

Some `code` [#]_.
"""


def test_rst_abstracts_do_not_share_state():
    """docutils' settings are made once for all abstracts, and docutils keeps roles for the
    process: what one abstract defines does not reach the next, and an abstract renders
    alike whatever was rendered before (the role failed so before it was put back)."""
    alone = render_abstract(RST_USES)
    first = render_abstract(RST_DEFINES)
    after = render_abstract(RST_USES)
    assert after == alone
    assert "cython.org" not in after and "SUBSTITUTED" not in after
    assert 'href="http://cython.org/"' in first and "SUBSTITUTED" in first
    assert render_abstract(RST_DEFINES) == first


def test_docutils_settings_made_once_are_not_written_into():
    """Each abstract gets a copy of the settings made once: docutils writes into the
    settings it is given (fails if the settings are handed over themselves)."""
    abstracts._default_settings.cache_clear()
    made = {w: repr(vars(abstracts._default_settings(w))) for w in ("null", "html5")}
    render_abstract(RST_DEFINES)
    assert {w: repr(vars(abstracts._default_settings(w))) for w in made} == made
