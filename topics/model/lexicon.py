"""lemminflect's English lexicons, read only for the words asked about.

:mod:`topics.model.labels` asks lemminflect (https://github.com/bjascob/LemmInflect) for
the parts of speech of a few hundred words. lemminflect reads its whole lemma and
inflection lookup files at the first question (gzip CSV files of 80,676 and 40,450
lines, parsed line by line: about 0.25 s of CPU, a tenth of a one-conference run's
labelling and more than its choice of k on EuroPython 2016). Here each file is
decompressed and its lines sorted (C code: 0.02 s for both), and a word's lines are found
by bisection and parsed by lemminflect's own codecs when the word is asked for, then kept.
The answers are lemminflect's: the lookup tables are handed to its lemmatizer and
inflector in place of the dictionaries they would load (``tests/model/test_labels.py``
compares every word of both files).
"""

from __future__ import annotations

import bisect
import gzip
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType


class LookupFile:
    """One of lemminflect's lookup files, a read-only mapping ``word -> entry`` whose
    entries are made when asked for.

    Parameters
    ----------
    path : path-like
        A gzip CSV file, one line per word and category, the word first.
    parse : callable
        ``parse(lines) -> entry``: a word's lines, in sorted order, made into the entry
        lemminflect's own loader gives the word.
    overrides : dict, optional
        Entries that replace those of the file (lemminflect's hard-coded auxiliaries).
    """

    def __init__(
        self,
        path: str | Path,
        parse: Callable[[list[str]], dict],
        overrides: dict | None = None,
    ) -> None:
        self._lines = gzip.decompress(Path(path).read_bytes()).decode("utf-8").splitlines()
        self._lines.sort()  # a word's lines next to each other, found by bisection
        self._parse = parse
        self._entries: dict[str, dict | None] = dict(overrides or {})

    def get(self, word: str, default=None):
        """The word's entry, or ``default`` when the file has no line for it."""
        if word not in self._entries:
            key = word + ","
            start = end = bisect.bisect_left(self._lines, key)
            while end < len(self._lines) and self._lines[end].startswith(key):
                end += 1
            self._entries[word] = self._parse(self._lines[start:end]) if end > start else None
        entry = self._entries[word]
        return default if entry is None else entry


@cache
def lemminflect() -> ModuleType:
    """The ``lemminflect`` module, its lemmatizer and inflector reading their lookup files
    through :class:`LookupFile`."""
    import lemminflect
    from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
    from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec
    from lemminflect.core.LexicalUtils import categoryToUPos

    def lemmas(lines: list[str]) -> dict:
        entry: dict = {}
        for line in lines:
            _, category, forms = LemmaLUCodec.fromString(line)
            entry[categoryToUPos(category)] = forms
        return entry

    def inflections(lines: list[str]) -> dict:
        entry: dict = {}
        for line in lines:
            entry.update(InflectionLUCodec.fromString(line)[2])
        return entry

    lemmatizer, inflector = lemminflect.Lemmatizer(), lemminflect.Inflections()
    if not hasattr(lemmatizer, "lemma_dict"):  # the attribute lemminflect loads lazily
        lemmatizer.lemma_dict = LookupFile(lemmatizer.lemma_lu_fn, lemmas)
    if not hasattr(inflector, "infl_dict"):
        auxiliaries = InflectionLUCodec.updateForAuxMod({})
        inflector.infl_dict = LookupFile(inflector.infl_lu_fn, inflections, auxiliaries)
    return lemminflect
