"""Telling an iCalendar file or an RSS/Atom feed from its first bytes, without loading the
calendar or feed parser (:mod:`icalendar`, :mod:`feedparser`): what
:func:`topics.sources.load` asks of every file it is given.
"""

from __future__ import annotations

import codecs
import re

#: Media type of an iCalendar file (RFC 5545 section 8.1).
MEDIA_TYPE = "text/calendar"
_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*BEGIN:VCALENDAR(?![\w-])", re.IGNORECASE)

#: Bytes read to tell a feed from its start (a licence comment may come first).
SNIFF_BYTES = 16 * 1024

_NAMESPACES = {
    "rdf": ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"),
    "feed": ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#"),
}
#: Byte order marks and the encodings they announce (UTF-32 before UTF-16: a prefix).
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_ENCODING = re.compile(
    rb"""\A\s*<\?xml\b[^<>]{0,500}?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})"""
)
_ROOT = re.compile(r"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)")


def is_calendar(content: bytes) -> bool:
    """Whether ``content`` is an iCalendar file: it starts with ``BEGIN:VCALENDAR``."""
    return _START.match(content[:1024]) is not None


def decode_xml(content: bytes, charset: str | None) -> str:
    """The text of XML bytes: byte order mark, HTTP charset, XML declaration, else UTF-8;
    undecodable bytes become U+FFFD."""
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, "replace")
    declared = _ENCODING.match(content[:1024])
    for name in (charset, declared.group(1).decode("ascii") if declared else None):
        try:
            encoding = codecs.lookup(name).name if name else ""
        except LookupError:
            continue
        if encoding and not encoding.startswith(("utf-16", "utf-32")):  # no BOM: not them
            return content.decode(encoding, "replace")
    return content.decode("utf-8", "replace")


def is_feed(content: bytes) -> bool:
    """Whether ``content`` is an RSS or Atom feed, from its root element.

    Parameters
    ----------
    content : bytes
        The document, or its first :data:`SNIFF_BYTES` bytes at least.

    Returns
    -------
    bool
        True when the first element is ``<rss>``, an ``<rdf:RDF>`` declaring RSS 1.0's
        (or 0.90's) namespace, or a ``<feed>`` declaring Atom's (1.0 or 0.3).
    """
    head = decode_xml(content[:SNIFF_BYTES], None)
    position = _skip_prolog(head)
    root = _ROOT.match(head, position) if position is not None else None
    if root is None:
        return False
    name = root.group(2)
    if name == "rss":
        return True
    if name not in ("RDF", "feed"):
        return False
    close = head.find(">", root.end())
    start_tag = head[root.end() : close if close >= 0 else len(head)]
    namespaces = _NAMESPACES["rdf" if name == "RDF" else "feed"]
    return any(namespace in start_tag for namespace in namespaces)


def _skip_prolog(text: str) -> int | None:
    """Where the first element starts, after the XML declaration, comments, processing
    instructions and a document type; ``None`` when the text ends before or is not XML."""
    position, end = 0, len(text)
    while position < end:
        while position < end and text[position] in " \t\r\n\ufeff":
            position += 1
        if text.startswith("<?", position):
            close = text.find("?>", position)
        elif text.startswith("<!--", position):
            close = text.find("-->", position)
        elif text.startswith("<!DOCTYPE", position) or text.startswith("<!doctype", position):
            bracket, close = text.find("[", position), text.find(">", position)
            if 0 <= bracket < close:  # an internal subset: up to its "]>"
                close = text.find("]>", bracket)
        elif text.startswith("<", position):
            return position
        else:
            return None
        if close < 0:
            return None
        position = text.find(">", close) + 1
    return None
