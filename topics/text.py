"""Text cleaning before vectorizing: HTML to text, whitespace."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    """Convert an HTML fragment to plain text, keeping paragraph breaks.

    Text without any tag is returned with only its whitespace normalised, so plain
    abstracts are not parsed needlessly.

    Parameters
    ----------
    html : str
        An HTML fragment or plain text.

    Returns
    -------
    str
        Plain text; paragraphs separated by one blank line.
    """
    if _TAG.search(html):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            soup = BeautifulSoup(html, "lxml")
        for br in soup.find_all("br"):
            br.replace_with("\n")
        for block in soup.find_all(["p", "div", "li", "h1", "h2", "h3", "h4", "pre", "tr"]):
            block.insert_before("\n\n")
            block.insert_after("\n\n")
        html = soup.get_text()
    return normalize_whitespace(html)


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, and keep at most one blank line between paragraphs.

    Examples
    --------
    >>> normalize_whitespace("  a \\t b\\n\\n\\n c ")
    'a b\\n\\nc'
    """
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean(text: str) -> str:
    """The text the topic model reads: HTML removed, whitespace normalised."""
    return html_to_text(text)
