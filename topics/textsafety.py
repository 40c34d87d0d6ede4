"""Text safe to save as UTF-8 and to publish: what every text of a talk goes through.

Control characters, lone surrogates and unclosed bidirectional controls are what a
crawled page or a user's file may hold that no reader should see: :func:`clean_text`
removes them, at the corpus boundary (:class:`topics.corpus.Talk`), for every source alike.
"""

from __future__ import annotations

import re

# What clean_text changes: C0 and C1 control characters but tab and newline, lone
# surrogates, and the bidirectional embedding, override and isolate controls.
_UNCLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# ASCII that needs no cleaning: deleted from an ASCII text, nothing should be left.
_CLEAN_ASCII = bytes([9, 10, *range(32, 127)])
# Control characters that separate words become a space, the others nothing; a lone
# surrogate (a "\ud800" JSON escape, a file name that is not UTF-8) becomes U+FFFD.
_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0xA0)]),
    **dict.fromkeys([0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x85], " "),
    **dict.fromkeys(range(0xD800, 0xE000), "\ufffd"),
}
# Bidirectional controls (https://www.unicode.org/reports/tr9/#Explicit_Directional_Embeddings
# and #Explicit_Directional_Isolates), and the line breaks that end them all.
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO: closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_BIDI_OR_BREAK = re.compile("([\u202a-\u202e\u2066-\u2069\n\u2029])")


def needs_cleaning(text: str) -> bool:
    """Whether :func:`clean_text` would change ``text`` (a quick test: most text needs
    nothing)."""
    if text.isascii():  # most text: bytes.translate is twice as fast as a regular expression
        return bool(text.encode("ascii").translate(None, _CLEAN_ASCII))
    return _UNCLEAN.search(text) is not None


def clean_text(text: str) -> str:
    r"""Text safe to save as UTF-8 and to publish: what any source's text goes through.

    A lone surrogate (which UTF-8 cannot encode) becomes U+FFFD; a carriage return a line
    break; NUL and the other C0 and C1 control characters are dropped, but for those that
    separate words (vertical tab, form feed, the information separators, NEL), which
    become a space; tab and newline stay. Bidirectional embeddings, overrides and
    isolates (U+202A-U+202E, U+2066-U+2069) are kept where they are closed on their line
    (by U+202C or U+2069) and dropped where they are not, so that none reverses the text
    that follows it on a page; so are closers that close nothing.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` itself when it holds none of these characters; never longer than it.

    Examples
    --------
    >>> clean_text("Title\x00 \ud800 \u202egnp.exe")
    'Title � gnp.exe'
    """
    if not needs_cleaning(text):
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_CONTROLS)
    return _balanced(text) if _UNCLEAN.search(text) else text


def _balanced(text: str) -> str:
    """``text`` less the bidirectional controls that are not closed on their line, and the
    closers that close nothing (Unicode Bidirectional Algorithm rules X6a and X7: a PDI
    closes the embeddings opened inside its isolate, a PDF none outside the innermost
    isolate)."""
    out: list[str] = []
    opened: list[int] = []  # where, in out, the controls not closed yet are
    isolates = 0  # how many of them are isolates
    for piece in _BIDI_OR_BREAK.split(text):
        if piece in _EMBEDDINGS or piece in _ISOLATES:
            opened.append(len(out))
            isolates += piece in _ISOLATES
        elif piece == _PDF:
            if not opened or out[opened[-1]] not in _EMBEDDINGS:
                continue
            opened.pop()
        elif piece == _PDI:
            if not isolates:
                continue
            while out[opened[-1]] not in _ISOLATES:
                out[opened.pop()] = ""  # an embedding left open inside the isolate
            opened.pop()
            isolates -= 1
        elif piece in ("\n", "\u2029"):
            for i in opened:
                out[i] = ""
            opened.clear()
            isolates = 0
        out.append(piece)
    for i in opened:
        out[i] = ""
    return "".join(out)
