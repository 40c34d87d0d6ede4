"""The site's full-text search index, prebuilt in Python for MiniSearch in the browser.

The browser runs MiniSearch (vendored under ``templates/static/vendor/``), but does not
index anything itself: the index is written here, at build time, in MiniSearch's own
serialisation format (version 2, what ``MiniSearch#toJSON`` writes and
``MiniSearch.loadJS`` reads), so the browser only loads it. Terms are cut exactly as
MiniSearch's default tokenizer cuts them (on runs of Unicode separators and punctuation,
``/[\\n\\r\\p{Z}\\p{P}]+/u``) and lowercased; a short list of English stop words is left
out of the index, and the same list is handed to the browser, which drops them from
queries.

Files (every one a plain ``<script>``, never ``fetch``, so the site works from ``file://``)::

    search/manifest.js    window.topicsSearchManifest = {format, fields, stopWords, shards}
    search/shard-0.js     window.topicsSearchShards[0] = <MiniSearch index>

Today there is one shard holding every talk. The manifest lists shards with the terms they
hold (``"terms": ["*"]`` here: all of them), so a corpus of 100,000 talks can later be cut
into term-range shards, of which the browser loads only those its query needs, without
changing the page or the manifest's format.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Version of the manifest's layout (not MiniSearch's, which is ``SERIALIZATION_VERSION``).
FORMAT = 1

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


@lru_cache(maxsize=1)
def _separators() -> re.Pattern:
    """``/[\\n\\r\\p{Z}\\p{P}]+/u`` for Python's ``re``, from the Unicode database."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
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
    return _separators().split(text)


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


def minisearch_index(documents: Sequence[SearchDocument]) -> dict:
    """The MiniSearch index (``toJSON`` layout, version 2) of ``documents``.

    Stored fields, shown in results without loading the talk page: ``t`` title, ``s``
    speakers, ``e`` event, ``k`` topic number. Document ids are the talk ids.
    """
    field_ids = {name: i for i, name in enumerate(FIELDS)}
    postings: dict[str, dict[int, dict[int, int]]] = {}
    lengths: dict[str, list[int]] = {}
    stored: dict[str, dict] = {}
    totals = [0] * len(FIELDS)
    for short, doc in enumerate(documents):
        row = []
        for name in FIELDS:
            tokens = tokenize(getattr(doc, name))
            row.append(len(set(tokens)))
            counts = Counter(t for t in map(process_term, tokens) if t)
            for term, count in counts.items():
                postings.setdefault(term, {}).setdefault(field_ids[name], {})[short] = count
        lengths[str(short)] = row
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        stored[str(short)] = {"t": doc.title, "s": doc.speakers, "e": doc.event, "k": doc.topic}
    n = len(documents)
    index = [
        [term, {str(f): {str(d): c for d, c in docs.items()} for f, docs in fields.items()}]
        for term, fields in sorted(postings.items())
    ]
    return {
        "documentCount": n,
        "nextId": n,
        "documentIds": {str(short): doc.id for short, doc in enumerate(documents)},
        "fieldIds": field_ids,
        "fieldLength": lengths,
        "averageFieldLength": [total / n if n else 0 for total in totals],
        "storedFields": stored,
        "dirtCount": 0,
        "index": index,
        "serializationVersion": SERIALIZATION_VERSION,
    }


def _js_value(value) -> str:
    """``value`` as a JavaScript expression (JSON is valid JavaScript since ES2019)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_search_index(documents: Iterable[SearchDocument], folder: Path) -> list[Path]:
    """Write the manifest and the shard(s) of the search index into ``folder``.

    Parameters
    ----------
    documents : iterable of SearchDocument
        Every talk of the site.
    folder : pathlib.Path
        The site's ``search/`` folder; created if missing.

    Returns
    -------
    list of pathlib.Path
        The files written: the manifest first.
    """
    documents = list(documents)
    folder.mkdir(parents=True, exist_ok=True)
    shard = folder / "shard-0.js"
    shard.write_text(
        "window.topicsSearchShards = window.topicsSearchShards || {};\n"
        f"window.topicsSearchShards[0] = {_js_value(minisearch_index(documents))};\n",
        encoding="utf-8",
    )
    manifest = {
        "format": FORMAT,
        "fields": list(FIELDS),
        "boost": BOOST,
        "stopWords": sorted(STOP_WORDS),
        "documents": len(documents),
        "shards": [{"id": 0, "file": f"{folder.name}/{shard.name}", "terms": ["*"]}],
    }
    path = folder / "manifest.js"
    path.write_text(f"window.topicsSearchManifest = {_js_value(manifest)};\n", encoding="utf-8")
    return [path, shard]
