"""Talks and the corpus they form: the data every source yields and every later stage reads.

A corpus is saved as JSON Lines: one header object (``{"corpus": {...}}``) then one
object per talk, with the fields of :class:`Talk`. See https://jsonlines.org/.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .textsafety import clean_text, needs_cleaning


class CorpusError(ValueError):
    """A corpus file or a set of talks cannot be used (empty, malformed, duplicate ids)."""


#: Longest title kept, in characters; a longer one is cut (crawled pages are untrusted).
MAX_TITLE = 500
#: Longest abstract kept, in characters (a long abstract is a few thousand).
MAX_ABSTRACT = 100_000
#: Longest speaker name, track, day, time, room, event, language or tag kept, in characters.
MAX_FIELD = 200
#: Longest URL kept, in characters; a longer one is dropped (a cut URL would be wrong).
MAX_URL = 2_000
#: Longest talk id :func:`slugify` makes, in characters (a file name of the site).
MAX_ID = 80
#: Names Windows reserves for devices, even with an extension (``con.html``): never an id.
#: https://learn.microsoft.com/windows/win32/fileio/naming-a-file
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{n}" for d in ("com", "lpt") for n in range(10)]
)


#: ISO 639-2 language codes (bibliographic and terminology), as pyvideo and schedules
#: give them, and their ISO 639-1 code: a talk's language is kept in the two-letter form
#: the model detects (https://www.loc.gov/standards/iso639-2/php/code_list.php).
ISO_639_2 = {
    "eng": "en", "deu": "de", "ger": "de", "spa": "es", "fra": "fr", "fre": "fr",
    "ita": "it", "por": "pt", "rus": "ru", "jpn": "ja", "zho": "zh", "chi": "zh",
    "pol": "pl", "nld": "nl", "dut": "nl", "kor": "ko", "ces": "cs", "cze": "cs",
    "ukr": "uk", "swe": "sv", "tur": "tr", "ind": "id", "heb": "he", "eus": "eu",
    "baq": "eu", "cat": "ca",
}  # fmt: skip


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
        Language code given by the source, ``""`` when unknown; an ISO 639-2 code of
        :data:`ISO_639_2` becomes its ISO 639-1 code (``"eng"`` -> ``"en"``), the form
        the model uses.
    start, end : str
        When the talk starts and ends, as ISO 8601 date-times with their UTC offset
        (``"2024-02-03T09:30:00+01:00"``), from the sources that give them (see
        :mod:`topics.sources.times`); ``""`` when unknown. A value that is not such a
        date-time is dropped, and so is an end that is not after the start.
    timezone : str
        The IANA time zone of ``start`` and ``end`` (``"Europe/Brussels"``), ``""`` when
        the source names none; a name the zone database does not know is dropped.

    Notes
    -----
    Talks come from untrusted pages: a title longer than :data:`MAX_TITLE` characters, an
    abstract longer than :data:`MAX_ABSTRACT` and any other text field longer than
    :data:`MAX_FIELD` are cut to that length (ending in "…"); a URL longer than
    :data:`MAX_URL` is dropped. Then every text field goes through :func:`clean_text`
    (control characters, lone surrogates, unterminated bidirectional controls), whatever
    the source; a title it leaves blank becomes U+FFFD, as unreadable bytes do.
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
    start: str = ""
    end: str = ""
    timezone: str = ""

    def __post_init__(self) -> None:
        # Frozen: fields are set here only, while the talk is built. Only the long ones
        # are touched (docs/decisions.md, "Large corpora").
        for name, limit in _TEXT_LIMITS:
            value = getattr(self, name)
            if len(value) > limit:
                object.__setattr__(self, name, _clip(value, limit))
        for name in ("speakers", "tags"):
            values = getattr(self, name)
            if not isinstance(values, tuple) or max(map(len, values), default=0) > MAX_FIELD:
                object.__setattr__(self, name, tuple(_clip(v, MAX_FIELD) for v in values))
        if len(self.url) > MAX_URL:
            object.__setattr__(self, "url", "")
        if self.language and (code := ISO_639_2.get(self.language.strip().lower())):
            object.__setattr__(self, "language", code)
        # After the cuts, which could leave a bidirectional control open. One test for all
        # the fields (_TEXT_FIELDS), as nearly every talk needs no cleaning.
        texts = (self.title, self.abstract, self.track, self.day, self.time, self.room)
        texts += (self.url, self.event, self.language, *self.speakers, *self.tags)
        if needs_cleaning("".join(texts)):
            for name in _TEXT_FIELDS:
                object.__setattr__(self, name, clean_text(getattr(self, name)))
            for name in ("speakers", "tags"):
                object.__setattr__(self, name, tuple(map(clean_text, getattr(self, name))))
            if texts[0].strip() and not self.title.strip():  # a title of control characters
                object.__setattr__(self, "title", "\ufffd")
        if self.start or self.end or self.timezone:
            for name, value in zip(_TIME_FIELDS, _checked_times(self), strict=True):
                object.__setattr__(self, name, value)

    @property
    def text(self) -> str:
        """Title and abstract joined: the text the topic model reads."""
        return f"{self.title}\n\n{self.abstract}".strip()

    def __repr__(self) -> str:
        speakers = f", speakers={list(self.speakers)!r}" if self.speakers else ""
        return f"Talk(id={self.id!r}, title={_clip(self.title, 60)!r}{speakers})"

    @classmethod
    def from_dict(cls, data: dict) -> Talk:
        """Build a talk from a mapping, ignoring unknown keys.

        Raises
        ------
        CorpusError
            If ``id`` or ``title`` is missing or not a string, another text field is not
            a string, or ``speakers`` or ``tags`` is not a list.
        """
        values = {k: v for k, v in data.items() if k in _TALK_FIELDS and v is not None}
        for key in ("id", "title"):
            if not isinstance(values.get(key), str) or not values[key]:
                raise CorpusError(f"talk without a {key}: {str(data)[:120]}")
        for key in ("speakers", "tags"):
            if not isinstance(values.get(key, []), list | tuple):
                raise CorpusError(f"talk {values['id'][:80]!r}: {key} is not a list")
            values[key] = tuple(map(str, values.get(key) or ()))
        for key, value in values.items():
            if key not in ("speakers", "tags") and not isinstance(value, str):
                raise CorpusError(f"talk {values['id'][:80]!r}: {key} is not text")
        return cls(**values)


_TALK_FIELDS = frozenset(f.name for f in fields(Talk))

_TIME_FIELDS = ("start", "end", "timezone")


def _aware(text) -> datetime | None:
    if not isinstance(text, str) or not 16 <= len(text) <= 40:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.utcoffset() is not None else None


@lru_cache(maxsize=64)
def _known_zone(name: str) -> bool:
    try:
        return 0 < len(name) <= 64 and ZoneInfo(name) is not None
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a folder
        return False


def _checked_times(talk: Talk) -> tuple[str, str, str]:
    """``start``, ``end`` and ``timezone`` of a talk, each dropped when it is not valid
    (the checks of the class's documentation: files are untrusted)."""
    start, end = _aware(talk.start), _aware(talk.end)
    if start is None or (end is not None and end <= start):
        end = None
    return (
        talk.start if start is not None else "",
        talk.end if end is not None else "",
        talk.timezone if isinstance(talk.timezone, str) and _known_zone(talk.timezone) else "",
    )


#: Text fields of a talk and the length each is cut to.
_TEXT_LIMITS = (
    ("title", MAX_TITLE),
    ("abstract", MAX_ABSTRACT),
    *((name, MAX_FIELD) for name in ("track", "day", "time", "room", "event", "language")),
)


#: Text fields of a talk cleaned by :func:`clean_text` (with speakers and tags).
_TEXT_FIELDS = ("title", "abstract", "track", "day", "time", "room", "url", "event", "language")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slugify(text: str, max_length: int = MAX_ID) -> str:
    """Turn any text into a lowercase ASCII identifier usable as a file name.

    Only ``[a-z0-9-]`` survive and the result is at most ``max_length`` characters, so it
    can never name a parent folder, an absolute path, or a file name too long for the
    file system; a name Windows reserves (:data:`WINDOWS_RESERVED`) gets ``-talk`` added.

    Examples
    --------
    >>> slugify("Über Descriptors & Metaclasses!")
    'uber-descriptors-metaclasses'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("CON")
    'con-talk'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-") or "talk"
    return f"{slug}-talk" if slug in WINDOWS_RESERVED else slug


def is_safe_id(talk_id: str) -> bool:
    """Whether ``talk_id`` may name a file: ``[a-z0-9-]``, at most :data:`MAX_ID` + 20
    characters (room for :func:`unique_ids`' suffixes), not a Windows-reserved name."""
    return (
        bool(_SAFE_ID.fullmatch(talk_id))
        and len(talk_id) <= MAX_ID + 20
        and talk_id not in WINDOWS_RESERVED
    )


_SAFE_ID = re.compile(r"[a-z0-9-]+")


def check_topic_input(corpus: Corpus, n_topics: int | str = "auto") -> None:
    """Refuse, with one line saying why, a corpus in which no topics can be found.

    Parameters
    ----------
    corpus : Corpus
    n_topics : int or "auto"
        The number of topics asked for.

    Raises
    ------
    CorpusError
        If the corpus holds fewer than 2 talks, if every talk has the same text, if every
        talk has the same non-empty abstract (the source, or a site profile's abstract
        selector, gives no text of the talk's own), or if more topics are asked for than
        there are talks.
    """
    n = len(corpus)
    where = f" from {corpus.source}" if corpus.source else ""
    if n == 0:
        raise CorpusError(f"no talks{where}: nothing to find topics in")
    if n == 1:
        raise CorpusError(
            f"only one talk{where} ({corpus.talks[0].title[:60]!r}): topics need 2 talks or more"
        )
    if len({folded(t.text) for t in corpus}) == 1:
        raise CorpusError(
            f"all {n} talks{where} have the same title and abstract: no topics to tell apart"
        )
    abstracts = {folded(t.abstract) for t in corpus}
    if len(abstracts) == 1 and (same := abstracts.pop()):
        raise CorpusError(
            f"all {n} talks{where} have the same abstract ({same[:40]!r}...): the source"
            " gives no text of each talk's own (is the profile's abstract selector right?)"
        )
    if isinstance(n_topics, int) and n_topics > n:
        raise CorpusError(
            f"{n_topics} topics asked for, but there are only {n} talks{where}:"
            f" ask for {n} topics or fewer, or 'auto'"
        )


def folded(text: str) -> str:
    """``text`` casefolded, its whitespace runs made one space: to compare texts as a
    reader would."""
    return " ".join(text.casefold().split())


def unique_ids(ids: Iterable[str]) -> list[str]:
    """Make identifiers unique by suffixing repeats with ``-2``, ``-3``, ...

    Parameters
    ----------
    ids : iterable of str
        Candidate identifiers, in corpus order.

    Returns
    -------
    list of str
        Same length and order; the first occurrence of each id is kept as is, a repeat
        gets the smallest suffix not taken yet.

    Linear in the number of ids (docs/decisions.md, "Unique ids").
    """
    seen: set[str] = set()
    # The last suffix given to each id: the smallest one free is past it, as seen only grows.
    last: dict[str, int] = {}
    result = []
    for candidate in ids:
        new = candidate
        if new in seen:
            n = last.get(candidate, 1)
            while new in seen:
                n += 1
                new = f"{candidate}-{n}"
            last[candidate] = n
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

    Notes
    -----
    ``title`` and ``source`` go through :func:`clean_text` whenever they are set: they
    come from the sources too (a page's ``<title>``, a file name that is not UTF-8).
    """

    talks: list[Talk] = field(default_factory=list)
    title: str = ""
    source: str = ""

    def __setattr__(self, name: str, value) -> None:
        if name in ("title", "source") and isinstance(value, str):
            value = clean_text(value)
        super().__setattr__(name, value)

    def __post_init__(self) -> None:
        ids = [t.id for t in self.talks]
        if len(set(ids)) != len(ids):
            dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
            raise CorpusError(f"duplicate talk ids: {', '.join(dupes[:5])}")

    def __len__(self) -> int:
        return len(self.talks)

    def __repr__(self) -> str:
        events = sorted({t.event for t in self.talks if t.event})
        shown = f", events={events!r}" if events else ""
        return f"Corpus({len(self)} talks, title={self.title!r}{shown})"

    def _repr_html_(self) -> str:
        """A summary and the first talks, for Jupyter (see :func:`corpus_html`)."""
        return corpus_html(self)

    def to_pandas(self):
        """The talks as a table, one row per talk.

        Returns
        -------
        pandas.DataFrame, shape (n_talks, 16)
            Columns ``id``, ``title``, ``abstract``, ``speakers`` (comma-separated), ``track``,
            ``tags`` (comma-separated), ``day``, ``time``, ``room``, ``url``, ``event``,
            ``language``, ``start``, ``end``, ``timezone`` and ``text`` (what the topic
            model reads); default integer index in corpus order.
        """
        import pandas as pd  # imported when asked: the command line never needs it

        names = [f.name for f in fields(Talk)]
        rows = [
            [*(", ".join(v) if isinstance(v, tuple) else v for v in map(t.__getattribute__, names)),
             t.text]
            for t in self.talks
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=[*names, "text"])

    def __iter__(self) -> Iterator[Talk]:
        return iter(self.talks)

    def digest(self) -> str:
        """A hash of the corpus's content: equal for equal talks (in order), title and source.

        Each talk's fields as a JSON array, in order, through SHA-256 (not
        :func:`joblib.hash` of the objects, which pickles them in pure Python; see
        docs/decisions.md, "Large corpora").

        Returns
        -------
        str
            64 hexadecimal digits.
        """
        names = [f.name for f in fields(Talk)]
        sha = hashlib.sha256(json.dumps([self.title, self.source]).encode("ascii"))
        for talk in self.talks:
            # ASCII JSON: lone surrogates from a broken page cannot fail the encoding
            sha.update(json.dumps([getattr(talk, n) for n in names]).encode("ascii"))
            sha.update(b"\n")
        return sha.hexdigest()

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

    def event_names(self) -> dict[str, str]:
        """Each event's name for people: the part of :attr:`title` (parts are joined by
        ``" + "`` when corpora are merged) that is the event's identifier written out
        (``"europython-2016"`` -> ``"EuroPython 2016"``), else the identifier itself.

        Examples
        --------
        >>> Corpus([Talk(id="a", title="A", event="europython-2016")],
        ...        title="EuroPython 2016").event_names()
        {'europython-2016': 'EuroPython 2016'}
        """
        parts = {_squashed(part): part.strip() for part in self.title.split(" + ")}
        events = {t.event for t in self.talks if t.event}
        return {event: parts.get(_squashed(event)) or event for event in sorted(events)}

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
                names = [f.name for f in fields(Talk)]
                for talk in self.talks:
                    # Not asdict, which deep-copies every field.
                    record = {name: getattr(talk, name) for name in names}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
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
            If the file is missing, is not UTF-8 JSON Lines, or holds a malformed talk
            (or two talks with one id).
        """
        path = Path(path)
        if not path.is_file():
            raise CorpusError(f"no corpus at {path}: run 'topics crawl' first")
        title = source = ""
        talks = []
        try:
            # Decoded at once, not by read_text, whose newline translation is slow.
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path} is not UTF-8 text (byte offset {exc.start})") from None
        if "\r" in text:  # a line break (JSON strings escape it): as read_text reads it
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        # split("\n"), not splitlines(): JSON strings may hold U+2028, a line break to Python
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except (ValueError, RecursionError) as exc:  # JSONDecodeError, too deep, too long
                reason = getattr(exc, "msg", None) or exc.__class__.__name__
                raise CorpusError(f"{path}:{number}: not JSON ({reason})") from None
            if not isinstance(data, dict):
                raise CorpusError(f"{path}:{number}: expected a JSON object")
            if isinstance(data.get("corpus"), dict):
                title = str(data["corpus"].get("title") or "")
                source = str(data["corpus"].get("source") or "")
            else:
                talks.append(Talk.from_dict(data))
        return cls(talks=talks, title=title, source=source)


#: Talks listed in a corpus's summary in Jupyter, and the style of the tables shown there.
CORPUS_TALKS, TABLE_STYLE = 10, "border-collapse:collapse;text-align:left"


def _squashed(text: str) -> str:
    """A name compared to an identifier: its slug without dashes ("EuroPython 2016" and
    "europython2016" are both "europython2016")."""
    return slugify(text).replace("-", "")


def corpus_html(corpus: Corpus) -> str:
    """HTML summary of a corpus for Jupyter: counts and its first :data:`CORPUS_TALKS` talks.

    Returns
    -------
    str
        An HTML fragment; every text from the talks is escaped.
    """
    events = Counter(t.event for t in corpus if t.event)
    head = f"<strong>{html.escape(corpus.title or 'Corpus')}</strong>: {len(corpus)} talks"
    if events:
        head += " from " + html.escape(", ".join(f"{e} ({n})" for e, n in sorted(events.items())))
    if n_tracks := len({t.track for t in corpus if t.track}):
        head += f", {n_tracks} tracks"
    if corpus.source:
        head += f"\n<br><small>source: {html.escape(corpus.source)}</small>"
    rows = ""
    for t in corpus.talks[:CORPUS_TALKS]:
        texts = (t.title, ", ".join(t.speakers), t.event)
        rows += "\n<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in texts)
        rows += f"\n<td><small><code>{html.escape(t.id)}</code></small></td></tr>"
    more = len(corpus) - CORPUS_TALKS
    tail = f"<small>… and {more} more talks</small>" if more > 0 else ""
    return (
        f'<div class="topics-corpus">\n{head}\n<table style="{TABLE_STYLE}"><thead><tr>'
        "<th>title</th><th>speakers</th><th>event</th>\n<th>id</th></tr></thead><tbody>"
        f"{rows}\n</tbody></table>{tail}\n</div>"
    )
