"""HTML to plain text."""

from __future__ import annotations

from bs4 import BeautifulSoup

from topics.sources.text import element_text, html_to_text, normalize_whitespace


def test_element_text_keeps_blocks_lines_and_pre():
    html = (
        "<div> Intro <b>bold</b>\n text<script>alert(1)</script><!-- note -->"
        "<p>One<br>Two</p><ul><li>a</li><li> b </li></ul><pre>x\n  y</pre>"
        "<p>&nbsp;</p><p></p>tail</div>"
    )
    element = BeautifulSoup(html, "lxml").div
    assert element_text(element) == "Intro bold text\n\nOne\nTwo\n\na\nb\n\nx\ny\n\ntail"


def test_element_text_markdown_keeps_line_breaks_only_in_text_format():
    markdown = BeautifulSoup("<div>a\r\nb\n\n\n\n  c   d\n</div>", "lxml").div
    assert element_text(markdown, "text") == "a\nb\n\nc d"
    assert element_text(markdown) == "a b c d"


def test_html_to_text_on_fragments_and_plain_text():
    assert html_to_text("<p>First &amp; one.</p><p>Second<br>line</p>") == (
        "First & one.\n\nSecond\nline"
    )
    assert html_to_text("plain  text\n\n\n second") == "plain text\n\nsecond"
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def test_normalize_whitespace():
    assert normalize_whitespace("  a \t b\n\n\n c ") == "a b\n\nc"


def test_deep_and_wide_html_never_recurses():
    deep = "<div>" * 50_000 + "core" + "</div>" * 50_000
    assert "core" in html_to_text(deep)
    assert html_to_text("<p>word</p>" * 20_000).count("word") == 20_000
