"""Talks from local tabular files: CSV, JSON and JSON Lines, optionally gzip-compressed.

One row (CSV) or object (JSON, JSONL) per talk. Column names, case-insensitive; the
first of each group that gives a value is used:

=========  =================================================================
field      columns
=========  =================================================================
title      ``title`` (required)
abstract   ``abstract``, ``description``, ``summary``, ``text``
speakers   ``speakers``, ``speaker``, ``persons``, ``author``, ``authors``
track      ``track``, ``category``, ``primary_area``
tags       ``tags``, ``keywords``
id         ``id``, ``slug``, ``code`` (default: made from the title)
event      ``event``, ``conference``, ``venue``
day        ``day``, ``date``, ``recorded``
time       ``time``, ``start``
room       ``room``
url        ``url``, ``link``, ``related_urls``
language   ``language``, ``lang``
=========  =================================================================

List fields (speakers, tags) may be JSON lists, or strings separated by ``;`` (CSV
also accepts ``,`` when no ``;`` is present). A JSON file is a list of objects or an
object with a ``talks`` list. A JSON Lines file may start with a ``{"corpus": {...}}``
header, as written by :meth:`topics.corpus.Corpus.save`. Formats: RFC 4180 (CSV),
RFC 8259 (JSON), https://jsonlines.org/ (JSON Lines).

A cell may hold any JSON value. A text field takes a string, a number written out, an
object's ``name``, ``public_name`` or English (``en``) text, or the texts of a list's
items joined by ``, ``; ``null``, booleans and anything else give no value. A JSON file
that is a c3voc ``schedule.json`` (an object whose ``schedule`` object holds a
``conference``) is read as a schedule, see :mod:`topics.sources.schedule`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..corpus import Corpus, CorpusError, Talk, slugify, unique_ids
from ..text import html_to_text
from .errors import SourceError
from .schedule import is_c3voc, schedule_from_json

#: File name endings this module reads.
SUFFIXES = (".csv", ".json", ".jsonl", ".csv.gz", ".json.gz", ".jsonl.gz")

_COLUMNS = {
    "title": ("title",),
    "abstract": ("abstract", "description", "summary", "text"),
    "speakers": ("speakers", "speaker", "persons", "author", "authors"),
    "track": ("track", "category", "primary_area"),
    "tags": ("tags", "keywords"),
    "id": ("id", "slug", "code"),
    "event": ("event", "conference", "venue"),
    "day": ("day", "date", "recorded"),
    "time": ("time", "start"),
    "room": ("room",),
    "url": ("url", "link", "related_urls"),
    "language": ("language", "lang"),
}
_OTHER_COLUMNS = [(field, columns) for field, columns in _COLUMNS.items() if field != "title"]
#: Keys of an object in a cell that give its text, in order: a person's, a localized text's.
_NAMED = ("name", "public_name", "en")


def is_table(path: str | Path) -> bool:
    """Whether ``path``'s name ends with one of :data:`SUFFIXES`."""
    return str(path).lower().endswith(SUFFIXES)


def load_table(path: str | Path) -> Corpus:
    """Read talks from a CSV, JSON or JSON Lines file (``.gz`` too).

    Parameters
    ----------
    path : str or Path
        The file; its format comes from its name (see :data:`SUFFIXES`).

    Returns
    -------
    Corpus
        One talk per row with a title; rows without one are skipped. A c3voc schedule
        gives one talk per titled event.

    Raises
    ------
    SourceError
        If the file cannot be read, is not UTF-8, is not of the format its name says
        (JSON or markup named ``.csv``, markup named ``.json``), is malformed, or holds
        no talk.
    """
    path = Path(path)
    name = path.name.lower().removesuffix(".gz")
    title = ""
    try:
        raw = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
        _check_kind(text, name, path)
        if name.endswith(".csv"):
            rows: Iterable[dict] = csv.DictReader(io.StringIO(text, newline=""))
        elif name.endswith(".jsonl"):
            rows, title = _json_lines(text, path)
        else:
            data = json.loads(text)
            if is_c3voc(data):
                return schedule_from_json(data, str(path))
            rows = _json_rows(data, path)
        corpus = _corpus(rows, str(path))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset"
            f" {exc.start}): save it as UTF-8"
        ) from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise SourceError(f"{path} is JSON nested too deeply to hold talks") from None
    except CorpusError:
        raise
    except ValueError as exc:  # a number too long for Python to read
        reason = " ".join(str(exc).split())[:200]
        raise SourceError(f"{path} is not usable JSON: {reason}") from None
    except csv.Error as exc:
        raise SourceError(f"{path} is not valid CSV: {exc}") from None
    if title:
        corpus.title = title
    return corpus


def _check_kind(text: str, name: str, path: Path) -> None:
    """Refuse a file whose content is not what its name says, naming what it holds."""
    first = text.lstrip()[:1]
    held = {"{": "JSON", "[": "JSON", "<": "HTML or XML markup"}.get(first)
    declared = "CSV" if name.endswith(".csv") else "JSON"
    if held and held != declared:
        hint = " (rename it .json)" if held == "JSON" else ""
        raise SourceError(f"{path} is named {declared} but holds {held}{hint}")


def _json_rows(data, path: Path) -> list:
    if isinstance(data, dict) and isinstance(data.get("talks"), list):
        data = data["talks"]
    if not isinstance(data, list):
        raise SourceError(f"{path}: expected a list of talks or an object with a 'talks' list")
    return data


def _json_lines(text: str, path: Path) -> tuple[list[dict], str]:
    rows, title = [], ""
    # split("\n"), not splitlines(): JSON strings may hold U+2028, which splitlines() breaks at.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if isinstance(row, dict) and isinstance(row.get("corpus"), dict) and "title" not in row:
            title = " ".join(_text(row["corpus"].get("title")).split())
        else:
            rows.append(row)
    return rows, title


def _corpus(rows: Iterable, source: str) -> Corpus:
    fields = [f for row in rows if isinstance(row, dict) and (f := _fields(row))]
    if not fields:
        raise SourceError(f"{source} holds no talk with a title")
    ids = unique_ids(slugify(f["id"] or f["title"]) for f in fields)
    talks = [Talk.from_dict({**f, "id": talk_id}) for f, talk_id in zip(fields, ids, strict=True)]
    events = sorted({t.event for t in talks if t.event})
    title = " + ".join(events) if 0 < len(events) <= 3 else Path(source).name
    return Corpus(talks=talks, title=title, source=source)


def _fields(row: dict) -> dict | None:
    """The fields of a row, or None when it has no title."""
    lower = {str(k).lower(): v for k, v in row.items()}
    title = " ".join(_text(lower.get("title")).split())
    if not title:
        return None
    values = {"title": title}
    for field, columns in _OTHER_COLUMNS:
        cells = (lower[c] for c in columns if c in lower)
        if field in ("speakers", "tags"):
            values[field] = next((names for v in cells if (names := tuple(_names(v)))), ())
        elif field == "url":
            values[field] = next((url for v in cells for url in _urls(v)), "")
        else:
            text = next((t for v in cells if (t := _text(v).strip())), "")
            values[field] = html_to_text(text) if field == "abstract" else " ".join(text.split())
    return values


def _scalar(value) -> str:
    """A string, or a number written out; anything else gives ``""``."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _item(value) -> str:
    """A scalar, or an object's ``name``, ``public_name`` or ``en`` (English) text."""
    if not isinstance(value, dict):
        return _scalar(value)
    return next((t for key in _NAMED if (t := _scalar(value.get(key)).strip())), "")


def _text(value) -> str:
    """A cell as text: see the module's docstring."""
    if isinstance(value, list):
        return ", ".join(t for v in value if (t := _item(v).strip()))
    return _item(value)


def _names(value) -> Iterator[str]:
    if isinstance(value, list | dict):
        items = [_item(v) for v in (value if isinstance(value, list) else [value])]
    else:
        text = _scalar(value)
        items = text.split(";") if ";" in text or "," not in text else text.split(",")
    return (" ".join(i.split()) for i in items if i.strip())


def _urls(value) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        url = _scalar(item.get("url") if isinstance(item, dict) else item)
        if url.startswith(("http://", "https://")):
            yield url
