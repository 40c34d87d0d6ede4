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
start,     ``start`` and ``end`` (else ``start`` plus ``duration``) when they are ISO
end        8601 date-times with a UTC offset, or without one and a ``timezone`` column
           naming the zone (see :mod:`topics.sources.times`)
timezone   ``timezone``, ``time_zone``, ``time_zone_name``: an IANA zone name
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
``conference``) is read as a schedule, see :mod:`topics.sources.schedule`. A ``.gz`` file
is decompressed as a stream, and refused past :func:`decompressed_limit` bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..corpus import Corpus, CorpusError, Talk, slugify, unique_ids
from . import times
from .errors import SourceError, one_line
from .text import html_to_text

#: File name endings this module reads.
SUFFIXES = (".csv", ".json", ".jsonl", ".csv.gz", ".json.gz", ".jsonl.gz")

#: Most bytes a ``.gz`` table may decompress to (512 MiB): 4.6 times the largest real
#: table, paperlists' 87,405 abstracts (111 MiB). A plain file shows its size; a gzip
#: file does not (200 KB of it can hold gigabytes), hence this and :data:`MAX_RATIO`.
MAX_DECOMPRESSED = 512 * 2**20
#: Most a ``.gz`` table may grow when decompressed, as a multiple of its own size, once
#: past :data:`MIN_DECOMPRESSED` bytes. Tables of talks grow 3 to 4 times; Apache POI
#: refuses zip entries past 100 times too (``ZipSecureFile.setMinInflateRatio``).
MAX_RATIO = 100
#: What a ``.gz`` table may always decompress to, whatever its size (1 MiB).
MIN_DECOMPRESSED = 2**20
#: Most rows a table may hold (the scale benchmark's largest corpus): one-line rows
#: cost a kilobyte each once read, however small the file that holds them.
MAX_ROWS = 1_000_000
#: Bytes decompressed at a time.
_CHUNK = 2**20

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
#: A JSON Lines line that is not blank, from its first non-space character. Lines end at
#: "\n" only (JSON strings may hold U+2028, where splitlines() breaks), and are found one
#: at a time: a list of them would cost 8 bytes a blank line.
_LINE = re.compile(r"\S[^\n]*")
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
        (JSON or markup named ``.csv``, markup named ``.json``), is malformed, holds no
        talk, or is a ``.gz`` file decompressing to more than its limit (see
        :func:`decompressed_limit`).
    """
    path = Path(path)
    name = path.name.lower().removesuffix(".gz")
    header: dict = {}
    try:
        raw = _decompressed(path) if path.suffix.lower() == ".gz" else path.read_bytes()
        text = raw.decode("utf-8-sig")
        del raw  # not needed once decoded: a smaller peak while parsing
        _check_kind(text, name, path)
        if name.endswith(".csv"):
            rows: Iterable = _csv_rows(text)
        elif name.endswith(".jsonl"):
            rows = _json_lines(text, path, header)
        else:
            data = json.loads(text)
            from .schedule import is_c3voc, schedule_from_json  # lxml, HTTP: not for CSV/JSONL

            if is_c3voc(data):
                return schedule_from_json(data, str(path))
            rows = _json_rows(data, path)
        corpus = _corpus(rows, str(path))
    except (OSError, EOFError, zlib.error) as exc:  # zlib.error: damaged gzip data
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
        raise SourceError(f"{path} is not usable JSON: {one_line(exc)}") from None
    except csv.Error as exc:
        raise SourceError(f"{path} is not valid CSV: {exc}") from None
    if header.get("title"):
        corpus.title = header["title"]
    return corpus


def decompressed_limit(size: int) -> int:
    """Most bytes a ``.gz`` table of ``size`` bytes may decompress to.

    :data:`MAX_RATIO` times its size, at least :data:`MIN_DECOMPRESSED` and at most
    :data:`MAX_DECOMPRESSED` bytes.
    """
    return min(MAX_DECOMPRESSED, max(MIN_DECOMPRESSED, MAX_RATIO * size))


def _decompressed(path: Path) -> bytearray:
    """A gzip file's content, refused past :func:`decompressed_limit` bytes.

    The file is decompressed twice, a chunk at a time: first keeping nothing, to measure
    it, so that a gzip bomb is refused in constant memory; then keeping the chunks. Format:
    RFC 1952 (members one after the other are read as one).

    Raises
    ------
    SourceError
        If it decompresses to more than its limit.
    OSError, EOFError, zlib.error
        If it is not gzip, is cut short, or its data is damaged.
    """
    limit = decompressed_limit(path.stat().st_size)
    for _ in _gunzip(path, limit):
        pass
    raw = bytearray()
    for chunk in _gunzip(path, limit):
        raw += chunk
    return raw


def _gunzip(path: Path, limit: int) -> Iterator[bytes]:
    with gzip.open(path, "rb") as stream:
        size = 0
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise SourceError(
                    f"{path} decompresses to more than {limit / 2**20:.0f} MiB, the limit for"
                    f" this .gz file ({MAX_RATIO} times its size, at least"
                    f" {MIN_DECOMPRESSED // 2**20} MiB, at most {MAX_DECOMPRESSED // 2**20}"
                    " MiB): decompress it yourself if you trust it"
                )
            yield chunk


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


def _csv_rows(text: str) -> Iterator[dict]:
    """Rows of a CSV text by column name; the first line that is not blank names them."""
    # filter() drops blank lines without a Python step each (csv.DictReader takes one).
    lines = filter(None, csv.reader(io.StringIO(text, newline="")))
    columns = next(lines, [])
    # A short line lacks the last columns; a long line's extra cells have no name.
    return (dict(zip(columns, line, strict=False)) for line in lines)


def _json_lines(text: str, path: Path, header: dict) -> Iterator:
    """The values of a JSON Lines text; a ``{"corpus": {...}}`` line's title goes to ``header``."""
    for line in _LINE.finditer(text):
        try:
            row = json.loads(line.group())
        except json.JSONDecodeError as exc:
            number = text.count("\n", 0, line.start()) + 1
            raise SourceError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if isinstance(row, dict) and isinstance(row.get("corpus"), dict) and "title" not in row:
            header["title"] = " ".join(_text(row["corpus"].get("title")).split())
        else:
            yield row


def _corpus(rows: Iterable, source: str) -> Corpus:
    # Rows are read one at a time and kept only when titled: no list of them all.
    fields = []
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS:
            raise SourceError(f"{source} has more than {MAX_ROWS:,} rows, the most a table holds")
        if isinstance(row, dict) and (found := _fields(row)):
            fields.append(found)
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
    values: dict = {"title": title}
    for field, columns in _OTHER_COLUMNS:
        values[field] = _value(field, [cell for c in columns if (cell := lower.get(c)) is not None])
    if "start" in lower:
        values.update(_when(lower).fields())
    return values


def _when(row: dict) -> times.When:
    """``start``, ``end`` and ``timezone`` of a row (keys lowercase)."""
    name = next((t for key in _ZONE_COLUMNS if (t := _scalar(row.get(key)).strip())), "")
    where = times.zone(name)
    start, end = (times.moment(_scalar(row.get(key)), where) for key in ("start", "end"))
    return times.when(start, end, times.duration(_scalar(row.get("duration"))), name)


_ZONE_COLUMNS = ("timezone", "time_zone", "time_zone_name")


def _value(field: str, cells: list):
    """A field from the first of its cells that gives one."""
    if field in ("speakers", "tags"):
        return next((names for cell in cells if (names := tuple(_names(cell)))), ())
    if field == "url":
        return next((url for cell in cells for url in _urls(cell)), "")
    text = next((t for cell in cells if (t := _text(cell).strip())), "")
    return html_to_text(text) if field == "abstract" else " ".join(text.split())


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
    if type(value) is str:  # most cells: first, as the fastest test
        return value
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
