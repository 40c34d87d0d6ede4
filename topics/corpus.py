"""Talks and the corpus they form: the data every source yields and every later stage reads.

A corpus is saved as JSON Lines: one header object (``{"corpus": {...}}``) then one
object per talk, with the fields of :class:`Talk`. See https://jsonlines.org/.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path


class CorpusError(ValueError):
    """A corpus file or a set of talks cannot be used (empty, malformed, duplicate ids)."""


@dataclass(frozen=True)
class Talk:
    """One talk of a conference programme.

    Parameters
    ----------
    id : str
        Stable identifier, unique within a corpus; safe as a file name (see :func:`slugify`).
    title : str
        The talk's title, plain text.
    abstract : str
        The talk's abstract as plain text; paragraphs are separated by a blank line.
        May be empty when the source has none.
    speakers : tuple of str
        Speaker names, in the order the source lists them.
    track : str
        The programme's track or category, ``""`` when unknown.
    tags : tuple of str
        Free tags given by the source.
    day, time, room : str
        When and where, as the source writes them, ``""`` when unknown.
    url : str
        The talk's original page.
    event : str
        Identifier of the event (edition) the talk belongs to, such as ``"europython-2016"``.
    language : str
        Language code given by the source (``"eng"``, ``"en"``), ``""`` when unknown.
    """

    id: str
    title: str
    abstract: str = ""
    speakers: tuple[str, ...] = ()
    track: str = ""
    tags: tuple[str, ...] = ()
    day: str = ""
    time: str = ""
    room: str = ""
    url: str = ""
    event: str = ""
    language: str = ""

    @property
    def text(self) -> str:
        """Title and abstract joined: the text the topic model reads."""
        return f"{self.title}\n\n{self.abstract}".strip()

    def __repr__(self) -> str:
        speakers = f", speakers={list(self.speakers)!r}" if self.speakers else ""
        return f"Talk(id={self.id!r}, title={_shorten(self.title)!r}{speakers})"

    @classmethod
    def from_dict(cls, data: dict) -> Talk:
        """Build a talk from a mapping, ignoring unknown keys.

        Raises
        ------
        CorpusError
            If ``id`` or ``title`` is missing or not a string.
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("id", "title"):
            if not isinstance(values.get(key), str) or not values[key]:
                raise CorpusError(f"talk without a {key}: {str(data)[:120]}")
        for key in ("speakers", "tags"):
            values[key] = tuple(str(v) for v in values.get(key) or ())
        return cls(**values)


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def slugify(text: str, max_length: int = 80) -> str:
    """Turn any text into a lowercase ASCII identifier usable as a file name.

    Only ``[a-z0-9-]`` survive, so the result can never name a parent folder or an
    absolute path.

    Examples
    --------
    >>> slugify("Über Descriptors & Metaclasses!")
    'uber-descriptors-metaclasses'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "talk"


def unique_ids(ids: Iterable[str]) -> list[str]:
    """Make identifiers unique by suffixing repeats with ``-2``, ``-3``, ...

    Parameters
    ----------
    ids : iterable of str
        Candidate identifiers, in corpus order.

    Returns
    -------
    list of str
        Same length and order; the first occurrence of each id is kept as is.
    """
    seen: set[str] = set()
    result = []
    for candidate in ids:
        new, n = candidate, 1
        while new in seen:
            n += 1
            new = f"{candidate}-{n}"
        seen.add(new)
        result.append(new)
    return result


@dataclass
class Corpus:
    """The talks of one or more conference events.

    Parameters
    ----------
    talks : list of Talk
        The talks, ids unique.
    title : str
        Human-readable name, such as ``"EuroPython 2016"``.
    source : str
        Where the talks came from (URL or path), for the record.
    """

    talks: list[Talk] = field(default_factory=list)
    title: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        ids = [t.id for t in self.talks]
        if len(set(ids)) != len(ids):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise CorpusError(f"duplicate talk ids: {', '.join(dupes[:5])}")

    def __len__(self) -> int:
        return len(self.talks)

    def __repr__(self) -> str:
        events = sorted({t.event for t in self.talks if t.event})
        shown = f", events={events!r}" if events else ""
        return f"Corpus({len(self)} talks, title={self.title!r}{shown})"

    def _repr_html_(self) -> str:
        """A summary and the first talks, for Jupyter (see :mod:`topics.display`)."""
        from .display import corpus_html  # display sits downstream; only notebooks need it

        return corpus_html(self)

    def to_pandas(self):
        """The talks as a table, one row per talk.

        Returns
        -------
        pandas.DataFrame, shape (n_talks, 13)
            Columns ``id``, ``title``, ``abstract``, ``speakers`` (tuple of str),
            ``track``, ``tags`` (tuple of str), ``day``, ``time``, ``room``, ``url``,
            ``event``, ``language`` and ``text`` (what the topic model reads); default
            integer index in corpus order.
        """
        import pandas as pd  # imported when asked: the command line never needs it

        columns = [f.name for f in fields(Talk)] + ["text"]
        return pd.DataFrame(
            [[*(getattr(t, f.name) for f in fields(Talk)), t.text] for t in self.talks],
            columns=columns,
        )

    def __iter__(self) -> Iterator[Talk]:
        return iter(self.talks)

    @property
    def texts(self) -> list[str]:
        """Title and abstract of each talk, in corpus order; length ``n_talks``."""
        return [t.text for t in self.talks]

    @classmethod
    def merge(cls, corpora: Sequence[Corpus]) -> Corpus:
        """Join several corpora (such as editions of a conference) into one.

        Talk ids that collide are prefixed with their event (or suffixed ``-2``, ...), so
        every id stays unique; talks keep their ``event``.

        Raises
        ------
        CorpusError
            If ``corpora`` is empty.
        """
        if not corpora:
            raise CorpusError("nothing to merge")
        if len(corpora) == 1:
            return corpora[0]
        talks = [t for c in corpora for t in c.talks]
        counts = Counter(t.id for t in talks)
        wanted = [
            slugify(f"{t.event}-{t.id}") if counts[t.id] > 1 and t.event else t.id for t in talks
        ]
        talks = [replace(t, id=i) for t, i in zip(talks, unique_ids(wanted), strict=True)]
        return cls(
            talks=talks,
            title=" + ".join(c.title for c in corpora if c.title),
            source=" + ".join(c.source for c in corpora if c.source),
        )

    def save(self, path: str | os.PathLike) -> Path:
        """Write the corpus as JSON Lines, atomically (a crash leaves the old file).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"corpus": {"title": self.title, "source": self.source}}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(header, ensure_ascii=False) + "\n")
                for talk in self.talks:
                    out.write(json.dumps(asdict(talk), ensure_ascii=False) + "\n")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Corpus:
        """Read a corpus written by :meth:`save`.

        Raises
        ------
        CorpusError
            If the file is missing, is not JSON Lines, or holds a malformed talk.
        """
        path = Path(path)
        if not path.is_file():
            raise CorpusError(f"no corpus at {path}: run 'topics crawl' first")
        title = source = ""
        talks = []
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{path}:{number}: not JSON ({exc.msg})") from None
                if not isinstance(data, dict):
                    raise CorpusError(f"{path}:{number}: expected a JSON object")
                if "corpus" in data:
                    title = data["corpus"].get("title", "")
                    source = data["corpus"].get("source", "")
                else:
                    talks.append(Talk.from_dict(data))
        return cls(talks=talks, title=title, source=source)
