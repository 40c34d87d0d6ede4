"""schema.org Event data embedded in a talk page (JSON-LD, microdata), read with extruct.

Many conference systems describe each talk for search engines as a schema.org ``Event``
(https://schema.org/Event): its ``name``, ``description``, ``startDate``, ``location``
and ``performer``. :func:`event_fields` reads it with `extruct
<https://github.com/scrapinghub/extruct>`_ (JSON-LD and microdata; nothing on the page
is run) and maps it onto a talk's fields.
"""

from __future__ import annotations

import re
from typing import Any

from . import times
from .text import html_to_text

#: Largest page handed to extruct, in bytes: the data sits in the page's first megabytes.
MAX_BYTES = 4 * 1024 * 1024

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")


def _types(item: dict) -> list[str]:
    value = item.get("@type") or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _events(data: Any, depth: int = 0) -> list[dict]:
    """Every item typed ``...Event`` in extruct's uniform output, nested ones included."""
    if depth > 8:
        return []
    found = []
    if isinstance(data, dict):
        if any(t.rsplit("/", 1)[-1].endswith("Event") for t in _types(data)):
            found.append(data)
        for key, value in data.items():
            if key in ("@graph", "mainEntity", "subEvent", "itemListElement", "item"):
                found += _events(value, depth + 1)
    elif isinstance(data, list):
        for value in data[:200]:
            found += _events(value, depth + 1)
    return found


def _text(value: Any) -> str:
    """A property's text: a string, a thing's ``name``, or the first of a list."""
    if isinstance(value, list):
        return _text(value[0]) if value else ""
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or "")
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _names(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(dict.fromkeys(n for v in values[:50] if (n := _text(v))))


def page_events(content: bytes | str, url: str = "") -> list[dict]:
    """The schema.org Event items of a page (JSON-LD and microdata), as extruct gives them
    (``uniform=True``); ``[]`` when there is none or the markup defeats the parser."""
    import extruct  # a heavy import, needed only for sites that publish such data

    if isinstance(content, bytes):
        content = content[:MAX_BYTES].decode("utf-8", "replace")
    try:
        data = extruct.extract(
            content[:MAX_BYTES], base_url=url or None, syntaxes=["json-ld", "microdata"],
            uniform=True, errors="ignore",
        )  # fmt: skip
    except Exception:
        return []
    return _events(data.get("json-ld", [])) + _events(data.get("microdata", []))


def event_fields(content: bytes | str, url: str = "") -> dict[str, Any]:
    """A talk's fields from the first schema.org Event of a page.

    Parameters
    ----------
    content : bytes or str
        The page.
    url : str
        Its URL (resolves relative URLs in the data).

    Returns
    -------
    dict
        Any of ``title`` (``name``), ``abstract`` (``description``, HTML made text),
        ``speakers`` (``performer``, else ``organizer``: names), ``room`` (``location``),
        ``day`` and ``time`` (``startDate``, ISO 8601: ``2024-05-17T10:30``), ``start``
        and ``end`` (``startDate``, ``endDate`` or ``duration``, when ``startDate`` has a
        UTC offset: see :mod:`topics.sources.times`), ``tags``
        (``keywords``), ``track`` (``about``), ``language`` (``inLanguage``); empty when
        the page has no Event.
    """
    events = page_events(content, url)
    if not events:
        return {}
    event = events[0]
    fields: dict[str, Any] = {
        "title": _text(event.get("name")),
        "abstract": html_to_text(_text_block(event.get("description"))),
        "speakers": _names(event.get("performer") or event.get("organizer") or []),
        "room": _text(event.get("location")),
        "track": _text(event.get("about")),
        "language": _text(event.get("inLanguage")),
    }
    keywords = event.get("keywords")
    if isinstance(keywords, str):
        fields["tags"] = tuple(k.strip() for k in keywords.split(",") if k.strip())
    else:
        fields["tags"] = _names(keywords or [])
    match = _ISO.match(_text(event.get("startDate")))
    if match:
        fields["day"], fields["time"] = match.group(1), match.group(2) or ""
    start, end = (times.moment(_text(event.get(key))) for key in ("startDate", "endDate"))
    fields |= times.when(start, end, times.duration(_text(event.get("duration")))).fields()
    return {key: value for key, value in fields.items() if value}


def _text_block(value: Any) -> str:
    if isinstance(value, list):
        return "\n\n".join(_text_block(v) for v in value[:20])
    if isinstance(value, dict):
        return _text_block(value.get("@value") or value.get("text") or "")
    return str(value) if isinstance(value, str) else ""
