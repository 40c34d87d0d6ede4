"""What a fetched body really is, and how its bytes decode: HTML sniffing and encodings.

Sites do not always say what they serve: a static export's extension-less file
(pretalx's ``schedule/nojs``) comes as ``application/octet-stream``, as ``text/plain``
or with no ``Content-Type`` at all, and old pages are in Windows-1252 with the charset
only in a ``<meta>``, or labelled ISO-8859-1 while using its curly quotes.

* :func:`looks_like_html` follows the WHATWG MIME Sniffing standard's rules for an
  unknown type (https://mimesniff.spec.whatwg.org/#rules-for-identifying-an-unknown-mime-type):
  after a byte order mark and whitespace, the body must start with one of the HTML
  signatures (``<!DOCTYPE HTML``, ``<html``, ``<head``, ``<body``, ``<p``, ``<!--``...)
  followed by a space or ``>`` (here any whitespace or ``/`` too); an XHTML page's XML
  declaration may come first. An image, a PDF or an archive never matches.
* :func:`decode_html` follows the HTML standard's encoding sniffing
  (https://html.spec.whatwg.org/multipage/parsing.html#determining-the-character-encoding):
  a byte order mark, then the HTTP ``charset``, then a ``<meta charset>`` or ``<meta
  http-equiv="Content-Type">`` (or an XML declaration) near the start, read with
  `w3lib <https://github.com/scrapy/w3lib>`_, which also maps labels as browsers do
  (``iso-8859-1``, ``latin1`` and ``us-ascii`` are Windows-1252, ``gb2312`` is GB18030);
  a ``<meta>`` saying UTF-16 means UTF-8 (the standard's prescan: the bytes were read
  as ASCII to find it). With no usable label, the bytes are UTF-8 when they hold more
  valid UTF-8 multi-byte characters than invalid bytes, else Windows-1252 (the
  standard's default for unlabelled pages in Western locales). Invalid bytes become
  U+FFFD.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

#: Media types that say what the body is not: such a body is read as HTML only when
#: :func:`looks_like_html`. No header at all is ``""``; ``binary/octet-stream`` is what
#: Amazon S3 serves a file uploaded without a type, ``text/plain`` what old Apache
#: servers sent for every file.
UNKNOWN_TYPES = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "unknown/unknown",
        "*/*",
        "text/plain",
    }
)

#: Bytes looked at to recognise HTML (the standard's resource header is 1445 bytes).
SNIFF_BYTES = 1445

_HTML_START = re.compile(
    rb"(?:<\?xml[^<>]{0,500}>\s*)?"
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body"
    rb"|br|p|!--)[\s/>]",
    re.IGNORECASE,
)
#: Signatures of common non-HTML files, to say what a refused body is.
_BINARY = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
)
_WHITESPACE = b"\t\n\x0c\r "


def looks_like_html(content: bytes) -> bool:
    """Whether a body of unknown type starts like an HTML document.

    Parameters
    ----------
    content : bytes
        The body; its first :data:`SNIFF_BYTES` bytes are read.

    Returns
    -------
    bool
        True when, after a byte order mark (UTF-8 or UTF-16) and whitespace, the bytes
        start with an HTML signature of the WHATWG MIME Sniffing standard (section 7.1),
        possibly after an XML declaration.
    """
    head = content[:SNIFF_BYTES]
    codec, bom = read_bom(head)
    if codec:
        head = head[len(bom) :].decode(codec, "ignore").encode("utf-8", "ignore")
    return _HTML_START.match(head.lstrip(_WHITESPACE)) is not None


def describe_binary(content: bytes) -> str:
    """What a non-HTML body is, such as ``"a PNG image"``, from its first bytes;
    ``""`` when it has no known signature."""
    return next((what for magic, what in _BINARY if content.startswith(magic)), "")


def decode_html(content: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode an HTML page's bytes as a browser would.

    Parameters
    ----------
    content : bytes
        The page.
    charset : str, optional
        The ``charset`` of the HTTP ``Content-Type`` header, if any; an unknown label is
        ignored.

    Returns
    -------
    (str, str)
        The text, and the Python codec used (``"utf-8"``, ``"cp1252"``...). Bytes
        invalid in that encoding are U+FFFD.

    Notes
    -----
    Order (HTML standard, section 13.2.3.2): byte order mark; HTTP charset; the
    document's own declaration in its first 4096 bytes (w3lib's
    ``html_body_declared_encoding``); else UTF-8 or Windows-1252, see the module's
    documentation.
    """
    codec, bom = read_bom(content)
    if codec:
        return content[len(bom) :].decode(codec, "replace"), codec
    encoding = resolve_encoding(charset) if charset else None
    if encoding is None:
        encoding = html_body_declared_encoding(content)
        if encoding and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
            encoding = "utf-8"
    if encoding is None:
        encoding = _guess(content)
    return content.decode(encoding, "replace"), encoding


def _guess(content: bytes) -> str:
    """UTF-8 or Windows-1252 for a page that names no encoding."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        text = content.decode("utf-8", "replace")
        invalid = text.count("\ufffd")
        valid = len(text) - len(text.encode("ascii", "ignore")) - invalid  # multi-byte
        return "utf-8" if valid > invalid else "cp1252"
    return "utf-8"
