"""The site's full-text search index, prebuilt in Python for MiniSearch in the browser.

The browser runs MiniSearch (vendored under ``templates/static/vendor/``), but does not
index anything itself: the index is written here, at build time, in MiniSearch's own
serialisation format (version 2, what ``MiniSearch#toJSON`` writes and
``MiniSearch.loadJS`` reads), so the browser only loads it. Terms are cut exactly as
MiniSearch's default tokenizer cuts them (on runs of Unicode separators and punctuation,
``/[\\n\\r\\p{Z}\\p{P}]+/u``) and lowercased; a short list of English stop words is left
out of the index, and the same list is handed to the browser, which drops them from
queries.

Files (every one a plain ``<script>``, never ``fetch``, so the site works from ``file://``).
A small site has one shard holding the whole MiniSearch index::

    search/manifest.js    window.topicsSearchManifest = {format, fields, stopWords, shards}
    search/shard-0.js     window.topicsSearchShards[0] = <MiniSearch index>

When that index would exceed :data:`SHARD_BYTES` (a few thousand talks), it is split, so
that a query loads only what it needs (docs/decisions.md, "Large corpora")::

    search/manifest.js    as above; each shard has the ``first`` and ``last`` term it holds,
                          and ``base`` and ``stored`` name the files below
    search/base.js        window.topicsSearchBase = {count, lengths, average}: every talk's
                          field lengths (BM25 needs them), talks numbered 0..count-1
    search/shard-<i>.js   window.topicsSearchShards[i] = [[term, postings], ...]: the terms
                          of one alphabetical range, about SHARD_BYTES each
    search/docs-<j>.js    window.topicsSearchDocs[j] = [[id, title, speakers, event,
                          topic], ...]: talks j * STORED_CHUNK onwards, for the results shown

The browser loads the base and, per query, the shards whose range holds its terms (for
the last term, every term it begins; for a term of five letters or more, which MiniSearch
also matches with one typo, every term sharing its first two letters), joins them into
one MiniSearch index with ``loadJS``, and loads the talks of the results it shows.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Version of the manifest's layout (not MiniSearch's, which is ``SERIALIZATION_VERSION``).
FORMAT = 1

#: Largest single-shard index, and the target size of a shard of a split index (bytes).
SHARD_BYTES = 1_000_000

#: Talks per ``docs-<j>.js`` file of a split index.
STORED_CHUNK = 250

#: MiniSearch's serialisation version written here.
SERIALIZATION_VERSION = 2

#: Indexed fields, in MiniSearch field-id order, and their boosts in the browser.
FIELDS = ("title", "speakers", "abstract")
BOOST = {"title": 3, "speakers": 2, "abstract": 1}

#: Words too common to be worth indexing (they would be in nearly every abstract), and the
#: pieces that the tokenizer cuts from contractions and web addresses ("it's", "https").
STOP_WORDS = frozenset(
    ("a", "about", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but", "by",
     "can", "com", "d", "do", "for", "from", "had", "has", "have", "he", "her", "his", "how",
     "http", "https", "i", "if", "in", "into", "is", "it", "its", "ll", "m", "more", "not",
     "of", "on", "or", "our", "re", "s", "she", "so", "some", "t", "than", "that", "the",
     "their", "them", "then", "there", "these", "they", "this", "to", "ve", "was", "we",
     "were", "what", "when", "which", "who", "will", "with", "would", "www", "you", "your")
)  # fmt: skip


#: The code points that can be separators or punctuation (``Z*``, ``P*``): planes 0 and 1.
#: The others hold ideographs (2, 3), nothing (4 to 13), tags and variation selectors
#: (14), private use (15, 16); ``tests/site/test_site_data.py`` checks this against every
#: code point of Python's Unicode database.
SEPARATOR_CODES = range(0x20000)


@lru_cache(maxsize=2)
def _separators(ascii_only: bool = False) -> re.Pattern:
    """``/[\\n\\r\\p{Z}\\p{P}]+/u`` for Python's ``re``, from the Unicode database; with
    ``ascii_only``, its ASCII part, which splits ASCII text alike, faster."""
    ranges: list[tuple[int, int]] = []
    for code in range(128) if ascii_only else SEPARATOR_CODES:
        if code in (10, 13) or unicodedata.category(chr(code))[0] in "ZP":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{body}]+")


def tokenize(text: str) -> list[str]:
    """Split ``text`` as MiniSearch's default tokenizer does (empty strings included)."""
    return _separators(text.isascii()).split(text)


def process_term(term: str) -> str | None:
    """Lowercase a token; ``None`` for empty tokens and stop words (not indexed)."""
    term = term.lower()
    return None if not term or term in STOP_WORDS else term


@dataclass(frozen=True)
class SearchDocument:
    """One talk as the search sees it: indexed texts and the fields results show."""

    id: str
    title: str
    speakers: str
    abstract: str
    event: str = ""
    topic: int = 0  # 1-based number of the talk's strongest topic; 0 for none


@dataclass
class _Index:
    """A MiniSearch index (``toJSON`` layout, version 2) whose terms' entries are already
    serialised: joined, they are its ``index`` member."""

    documents: Sequence[SearchDocument]
    terms: list[str]  # sorted
    entries: list[str]  # JSON of [term, {fieldId: {shortId: count}}], one per term
    lengths: list[list[int]]  # per talk, distinct tokens per field
    averages: list[float]  # per field

    def to_json(self) -> str:
        """The whole index, serialised as MiniSearch's ``toJSON`` lays it out."""
        docs = self.documents
        members = {
            "documentCount": len(docs),
            "nextId": len(docs),
            "documentIds": {str(short): doc.id for short, doc in enumerate(docs)},
            "fieldIds": {name: i for i, name in enumerate(FIELDS)},
            "fieldLength": {str(short): row for short, row in enumerate(self.lengths)},
            "averageFieldLength": self.averages,
            "storedFields": {
                str(short): {"t": doc.title, "s": doc.speakers, "e": doc.event, "k": doc.topic}
                for short, doc in enumerate(docs)
            },
            "dirtCount": 0,
        }
        parts = [f"{_js_value(name)}:{_js_value(value)}" for name, value in members.items()]
        parts.append(f'"index":[{",".join(self.entries)}]')
        parts.append(f'"serializationVersion":{SERIALIZATION_VERSION}')
        return "{" + ",".join(parts) + "}"


def _build_index(documents: Sequence[SearchDocument]) -> _Index:
    # Each posting is kept as its JSON text ('"<short id>":<count>'), and an entry is
    # written by joining them, not by json.dumps of a dict per entry.
    by_field: list[defaultdict[str, list[str]]] = [defaultdict(list) for _ in FIELDS]
    lengths = []
    totals = [0] * len(FIELDS)
    for short, doc in enumerate(documents):
        key = f'"{short}":'
        row = []
        for name, postings in zip(FIELDS, by_field, strict=True):
            tokens = tokenize(getattr(doc, name))
            row.append(len(set(tokens)))
            # process_term, for all tokens at once
            counts = Counter(map(str.lower, tokens))
            for term in STOP_WORDS.intersection(counts):
                del counts[term]
            counts.pop("", None)
            for term, count in counts.items():
                postings[term].append(key + str(count))
        lengths.append(row)
        totals = [a + b for a, b in zip(totals, row, strict=True)]
    terms = sorted(set().union(*by_field))
    entries = []
    for term in terms:
        fields = ",".join(
            f'"{f}":{{{",".join(postings[term])}}}'
            for f, postings in enumerate(by_field)
            if term in postings
        )
        entries.append(f"[{_js_value(term)},{{{fields}}}]")
    n = len(documents)
    return _Index(documents, terms, entries, lengths, [t / n if n else 0 for t in totals])


def minisearch_index(documents: Sequence[SearchDocument]) -> dict:
    """The MiniSearch index (``toJSON`` layout, version 2) of ``documents``, as the
    browser loads it.

    Stored fields, shown in results without loading the talk page: ``t`` title, ``s``
    speakers, ``e`` event, ``k`` topic number. Document ids are the talk ids.
    """
    return json.loads(_build_index(documents).to_json())


def _js_value(value) -> str:
    """``value`` as a JavaScript expression (JSON is valid JavaScript since ES2019)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_search_index(
    documents: Iterable[SearchDocument], folder: Path, shard_bytes: int | None = None
) -> list[Path]:
    """Write the manifest and the shard(s) of the search index into ``folder``.

    Parameters
    ----------
    documents : iterable of SearchDocument
        Every talk of the site.
    folder : pathlib.Path
        The site's ``search/`` folder; created if missing.
    shard_bytes : int, optional
        :data:`SHARD_BYTES` unless given: above it the index is split (see above).

    Returns
    -------
    list of pathlib.Path
        The files written: the manifest first.
    """
    documents = list(documents)
    shard_bytes = shard_bytes or SHARD_BYTES
    folder.mkdir(parents=True, exist_ok=True)
    index = _build_index(documents)
    entries = index.entries
    # Characters, not bytes: close enough to size shards, and half the cost.
    sizes = [len(entry) + 1 for entry in entries]
    manifest = {
        "format": FORMAT,
        "fields": list(FIELDS),
        "boost": BOOST,
        "stopWords": sorted(STOP_WORDS),
        "documents": len(documents),
    }
    written = []
    prefix = "window.topicsSearchShards = window.topicsSearchShards || {};\n"
    if sum(sizes) + 60 * len(documents) <= shard_bytes:  # about 60 more a talk, stored
        shard = folder / "shard-0.js"
        shard.write_text(
            f"{prefix}window.topicsSearchShards[0] = {index.to_json()};\n", encoding="utf-8"
        )
        manifest["shards"] = [{"id": 0, "file": f"{folder.name}/{shard.name}", "terms": ["*"]}]
        written.append(shard)
    else:
        manifest["shards"] = []
        for i, (start, stop) in enumerate(_split(sizes, shard_bytes)):
            shard = folder / f"shard-{i}.js"
            shard.write_text(
                f"{prefix}window.topicsSearchShards[{i}] = [{','.join(entries[start:stop])}];\n",
                encoding="utf-8",
            )
            manifest["shards"].append(
                {
                    "id": i,
                    "file": f"{folder.name}/{shard.name}",
                    "first": index.terms[start],
                    "last": index.terms[stop - 1],
                }
            )
            written.append(shard)
        base = folder / "base.js"
        lengths = [n for row in index.lengths for n in row]
        base.write_text(
            "window.topicsSearchBase = "
            + _js_value({"count": len(documents), "lengths": lengths, "average": index.averages})
            + ";\n",
            encoding="utf-8",
        )
        written.append(base)
        chunks = range(0, len(documents), STORED_CHUNK)
        for j, start in enumerate(chunks):
            rows = [
                [d.id, d.title, d.speakers, d.event, d.topic]
                for d in documents[start : start + STORED_CHUNK]
            ]
            docs = folder / f"docs-{j}.js"
            docs.write_text(
                "window.topicsSearchDocs = window.topicsSearchDocs || {};\n"
                f"window.topicsSearchDocs[{j}] = {_js_value(rows)};\n",
                encoding="utf-8",
            )
            written.append(docs)
        manifest["base"] = f"{folder.name}/{base.name}"
        manifest["stored"] = {"size": STORED_CHUNK, "file": f"{folder.name}/docs-{{}}.js"}
    path = folder / "manifest.js"
    path.write_text(f"window.topicsSearchManifest = {_js_value(manifest)};\n", encoding="utf-8")
    return [path, *written]


def _split(sizes: list[int], shard_bytes: int) -> list[tuple[int, int]]:
    """Cut the sorted index entries, of ``sizes``, into ``[start, stop)`` runs of about
    ``shard_bytes``."""
    runs: list[tuple[int, int]] = []
    start, size = 0, 0
    for i, entry_bytes in enumerate(sizes):
        if i > start and size + entry_bytes > shard_bytes:
            runs.append((start, i))
            start, size = i, 0
        size += entry_bytes
    if sizes:
        runs.append((start, len(sizes)))
    return runs
