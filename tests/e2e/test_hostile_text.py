"""Hostile text, round two: slow patterns, quadratic algorithms and unsafe characters.

Time bounds are CPU time of this process (:func:`time.process_time`), on inputs at the
limits the README states: 100,000-character abstracts, 20 MB pages, 5,000 talk pages (and
40,000 talks where a source has no limit). A CPU-time alarm stops a test as soon as it
passes its bound, so that a slow regression fails in seconds, not after minutes.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import regex

from tests.helpers import REPO
from tests.helpers.programme import programme
from tests.reliability_table import reliability
from topics.corpus import MAX_ABSTRACT, Corpus, CorpusError, Talk, slugify
from topics.model.cleaning import boilerplate_shingles, remove_shingles, strip_noise
from topics.model.evaluation import REFERENCE_TOKEN_PATTERN
from topics.model.languages import detect_language
from topics.model.vocabulary import Analyzer
from topics.site.abstracts import (
    MAX_MARKUP,
    detect_format,
    paragraphs,
    render_abstract,
    strip_header,
)
from topics.site.search_index import tokenize
from topics.sources import profiles
from topics.sources.builtin_profiles import PROFILES
from topics.sources.crawler import crawl_site
from topics.sources.http import Fetcher
from topics.sources.profiles import PATTERN_TIMEOUT, match_pattern
from topics.sources.schedule import load_schedule
from topics.sources.tables import load_table
from topics.sources.talkpages import parse_when, talk_id
from topics.sources.text import contains_words, fragment_text
from topics.textsafety import clean_text

#: CPU seconds any one hostile input may take.
BOUND = 2.0
#: The longest abstract a talk keeps, in characters.
N = MAX_ABSTRACT
#: The largest page the crawler reads, in bytes.
PAGE = 20_000_000


class TooSlow(Exception):
    """The CPU-time alarm of :func:`cpu_bound` rang."""


@contextmanager
def cpu_bound(seconds: float = BOUND):
    """Fail when the block takes ``seconds`` of CPU time or more (stopped as it does)."""

    def ring(signum, frame):
        raise TooSlow(f"over {seconds} s of CPU time")

    previous = signal.signal(signal.SIGPROF, ring)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    start = time.process_time()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    used = time.process_time() - start
    assert used < seconds, f"{used:.2f} s of CPU time"


def _repeat(unit: str, length: int = N) -> str:
    return (unit * (length // len(unit) + 1))[:length]


# Units repeated to make hostile texts: long runs of the characters the patterns' classes
# hold, and of the prefixes that start a match and fail late.
_UNITS = [
    "a", "a-", "-a.", "a@", "a@b.", "a.-", "a.com.", ".com", "www.", "http:/ ", "=\n", "= ",
    "\n \n", " \n", "\n\t", "<a", "<b>a</b>", "<!--", "[a](", "[a](b", "in on at 1:00 ",
    "1 a.m.- ", "1.1.", "a'", "c+", "c++a", "a Go ", "\u00e9.", "a1", "\u202e", "\u2066a",
    "\ud800", "\x00\x1b",
]  # fmt: skip
#: Texts of N characters made to backtrack: the three of issue 16, then the units repeated.
HOSTILE = {
    "url": "see x.com " + "a." * 49_995,  # issue 16: 325 s in strip_noise
    "e-mail": "x@ " + "a." * 49_998,  # issue 16: 13 s at 80,000 characters
    "when": _repeat("in x on "),  # issue 16: 116 s for 1,600 repeats (europython-2016)
    **{repr(unit): _repeat(unit) for unit in _UNITS},
}

_SHINGLES = boilerplate_shingles(["a a a a a a a"] * 4)
_ANALYZER = Analyzer().fit(["Generators in Python", "Descriptors in Python"])

#: Every function that runs regular expressions on crawled text, or a pattern as it is used.
READERS = {
    "cleaning.strip_noise": strip_noise,
    "cleaning.remove_shingles": lambda text: remove_shingles(text, _SHINGLES),
    "languages.detect_language": detect_language,
    "vocabulary.Analyzer": _ANALYZER,
    "evaluation.REFERENCE_TOKEN_PATTERN": lambda text: re.findall(REFERENCE_TOKEN_PATTERN, text),
    "search_index.tokenize": tokenize,
    "paragraphs": paragraphs,
    "abstracts.strip_header": strip_header,
    "abstracts.detect_format": detect_format,
    # Markdown or reST rendering and sanitising, on the longest text rendered so.
    "abstracts.render_abstract": lambda text: render_abstract(text[:MAX_MARKUP]),
    "textsafety.clean_text": clean_text,
    "corpus.slugify": slugify,
    "text.fragment_text": fragment_text,
    # Two fragments of a talk, each as long as an abstract: in it, and not (read on, fail late).
    "schedule.contains_words": lambda text: (
        contains_words(f"{text} {text}", text),
        contains_words(f"{text} {text}", f"{text}!"),
    ),
    "crawler.talk_id": lambda text: talk_id("https://conf.example/talks/" + text),
    "crawler.parse_when": lambda text: [
        parse_when(text, p.when_pattern) for p in PROFILES.values()
    ],
    "profiles.title_prefix": lambda text: [
        match_pattern(p.title_prefix, text, at_start=True) for p in PROFILES.values()
    ],
    # The built-in when_pattern on the whole text, without match_pattern's cut and limit.
    "europython-2016 when_pattern, uncut": lambda text: regex.search(
        PROFILES["europython-2016"].when_pattern, " ".join(text.split())
    ),
}


@pytest.fixture(autouse=True)
def _no_pattern_timed_out(monkeypatch):
    """Each test starts with no profile pattern known to be slow (profiles._TIMED_OUT)."""
    monkeypatch.setattr(profiles, "_TIMED_OUT", set())


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Load what the readers load once (the language model), outside the time bounds."""
    detect_language("Warm the language identifier up.")


@pytest.mark.parametrize(
    "reader",
    [
        pytest.param(
            name,
            marks=reliability(
                f"Each function that runs regular expressions on crawled text (cleaning,"
                f" language detection, terms, search, paragraphs, abstract rendering, schedules,"
                f" talk ids, profile patterns) fed {len(HOSTILE)} hostile texts of 100,000"
                " characters, among them"
                " 'see x.com ' + 'a.' * 49995, 'x@ ' + 'a.' * 49998 and 'in x on ' repeated",
                "Each text took under 2 s of CPU time",
            ),
        )
        for name in READERS
    ],
)
def test_regular_expressions_on_hostile_text_take_linear_time(reader):
    read = READERS[reader]
    for name, text in HOSTILE.items():
        try:
            with cpu_bound():
                read(text)
        except (TooSlow, AssertionError) as exc:
            raise AssertionError(f"{reader} on {name!r}: {exc}") from None


@reliability(
    "Profile patterns on 20 MB of text: the europython-2016 when_pattern on 'in x on ' *"
    " 2500000; a user's own catastrophic when_pattern ^(a|aa)+$ and title_prefix (a|aa)+b on"
    " 'aaa…a!' repeated",
    "Each took under 2 s of CPU time; a user's pattern stops after 0.5 s, counts as not"
    " matching, is not run again, and one warning says so",
)
def test_profile_patterns_are_bounded_on_a_20_mb_page(caplog):
    europython = PROFILES["europython-2016"].when_pattern
    text = "in x on " * (PAGE // 8)
    with cpu_bound():
        day, time_, room = parse_when(text, europython)
    assert (len(day), time_, room) == (PAGE - 1, "", "")  # no match: all of it is the day
    assert parse_when("in A1 on Tuesday 19 July at 11:15", europython) == (
        "Tuesday 19 July",
        "11:15",
        "A1",
    )
    caplog.set_level(logging.WARNING)
    text = _repeat("a" * 999 + "!", PAGE)
    with cpu_bound():
        assert parse_when(text, r"^(a|aa)+$") == (" ".join(text.split()), "", "")
    with cpu_bound():
        assert match_pattern(r"(a|aa)+b", text, at_start=True) is None
    assert len(caplog.records) == 2
    assert "took over 0.5 s of CPU time" in caplog.records[0].getMessage()
    # Not run again: a crawl of pages made for it costs the limit once, not once a page.
    with cpu_bound(PATTERN_TIMEOUT / 2):
        assert match_pattern(r"(a|aa)+b", text, at_start=True) is None


def _europython_site(root, when: str, n_pages: int = 3):
    links = "".join(
        f'<td class="event"><div class="name"><a href="/conference/talks/t{i}/">T{i}</a></div></td>'
        for i in range(n_pages)
    )
    (root / "p3" / "schedule" / "ep2016").mkdir(parents=True)
    (root / "p3" / "schedule" / "ep2016" / "index.html").write_text(
        f"<!DOCTYPE html><html><body><table><tr>{links}</tr></table></body></html>"
    )
    for i in range(n_pages):
        page = root / "conference" / "talks" / f"t{i}"
        page.mkdir(parents=True)
        (page / "index.html").write_text(
            f"<!DOCTYPE html><html><body><div class='grid-100'><h1>Talk {i}</h1></div>"
            f"<section class='talk when'>{when}</section></body></html>"
        )


@reliability(
    "A crawl (europython-2016 profile) of talk pages whose 'when' line is 'in x on ' * 1600,"
    " and with a user's profile file whose when_pattern is ^(a|aa)+$ on pages built for it",
    "Each crawl took under 2 s of CPU time, and read every talk",
)
def test_crawl_is_not_stalled_by_a_page_built_for_a_pattern(serve, tmp_path, monkeypatch):
    monkeypatch.setenv("TOPICS_CRAWL_DELAY", "0")
    _europython_site(tmp_path / "ep", "in x on " * 1600)
    base = serve(tmp_path / "ep").url
    with cpu_bound():
        result = crawl_site(f"{base}/p3/schedule/ep2016/", Fetcher(tmp_path / "c1"))
    assert [t.title for t in result.corpus] == ["Talk 0", "Talk 1", "Talk 2"]

    _europython_site(tmp_path / "aa", "a" * 999 + "!")
    base = serve(tmp_path / "aa").url
    profile = tmp_path / "mine.toml"
    profile.write_text(
        'talk_links = "td.event div.name a"\ntitle = "h1"\nwhen = "section.when"\n'
        "when_pattern = '^(a|aa)+$'\n"
    )
    with cpu_bound():
        result = crawl_site(f"{base}/p3/schedule/ep2016/", Fetcher(tmp_path / "c2"), str(profile))
    assert [t.day for t in result.corpus] == ["a" * 199 + "…"] * 3  # the whole line, cut


def _schedule(n_words: int) -> bytes:
    """One event whose texts are ``a a a …``: each but the first ends in a word the ones
    before it lack, the case in which a whole-word search reads on and fails late."""
    half, words = "a " * (n_words // 2), "a " * n_words
    return (
        "<schedule><conference><title>Big</title></conference><day date='2024-02-03'>"
        f"<room name='R'><event id='1'><title>One event</title><subtitle>{half}d</subtitle>"
        f"<abstract>{words}</abstract><description>{half}c</description></event></room></day>"
        "</schedule>"
    ).encode()


def _huge_schedule(tmp_path, n_words: int) -> None:
    (tmp_path / "schedule.xml").write_bytes(_schedule(n_words))
    with cpu_bound():
        corpus = load_schedule(str(tmp_path / "schedule.xml"))
    (talk,) = corpus.talks
    assert len(talk.abstract) == MAX_ABSTRACT and talk.abstract.endswith("a a…")


def _same_ids(tmp_path) -> None:
    rows = [{"title": "講演" * (1 + i % 5), "abstract": f"話 {i}"} for i in range(40_000)]
    (tmp_path / "talks.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with cpu_bound():
        corpus = load_table(tmp_path / "talks.json")
    assert [t.id for t in corpus][:3] == ["talk", "talk-2", "talk-3"]
    assert corpus.talks[-1].id == "talk-40000"


def _one_id(tmp_path) -> None:
    saved = tmp_path / "same-id.jsonl"
    saved.write_text(
        "".join(json.dumps({"id": "x", "title": f"T{i}"}) + "\n" for i in range(100_000))
    )
    with cpu_bound(), pytest.raises(CorpusError, match=r"duplicate talk ids: x$"):
        Corpus.load(saved)


SIZES = {
    "schedule.xml of 1.9 MB": lambda tmp_path: _huge_schedule(tmp_path, 475_000),
    # The abstract just under 10 MB, the most libxml2 reads in one text node.
    "schedule.xml of 20 MB": lambda tmp_path: _huge_schedule(tmp_path, (PAGE - 4_000) // 4),
    "40,000 ids 'talk'": _same_ids,
    "100,000 talks of one id": _one_id,
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            name,
            marks=reliability(
                "Hostile sizes: a 20 MB schedule.xml of one event whose subtitle, abstract and"
                " description are 'a a a …', each but the first ending in a word of its own"
                " (and one of 1.9 MB); 40,000 talks of a JSON table whose titles all make the"
                " id 'talk' (a programme in a non-Latin script); a saved corpus of 100,000"
                " talks with one id",
                "Each was read in under 2 s of CPU time: one talk whose abstract is cut at"
                " 100,000 characters; ids talk, talk-2 … talk-40000; one line naming the"
                " repeated id",
            ),
        )
        for name in SIZES
    ],
)
def test_hostile_sizes_take_linear_time(case, tmp_path):
    SIZES[case](tmp_path)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("NUL\x00 and ESC\x1b gone", "NUL and ESC gone"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("lines\r\nand\rreturns", "lines\nand\nreturns"),
        ("form\x0cfeed, NEL\x85here", "form feed, NEL here"),
        ("tab\tand newline\n", "tab\tand newline\n"),
        ("evil \u202etxt.exe", "evil txt.exe"),
        (
            "closed \u202bRTL\u202c and \u2067RTL\u2069",
            "closed \u202bRTL\u202c and \u2067RTL\u2069",
        ),
        ("open \u202b on a line\nnext", "open  on a line\nnext"),
        ("stray \u202c and \u2069", "stray  and "),
        ("\u2066isolate \u202aembedding\u2069 after", "\u2066isolate embedding\u2069 after"),
        ("\u202aembedding \u2066isolate\u202c\u2069", "embedding \u2066isolate\u2069"),
    ],
)
def test_clean_text(text, clean):
    assert clean_text(text) == clean
    assert clean_text(clean) == clean


def test_every_field_of_a_talk_is_cleaned_and_saved(tmp_path):
    talk = Talk.from_dict(
        {
            "id": "t",
            "title": "A \ud800 title\x00 \u202ereversed",
            "abstract": "Text\x00 with \udfff",
            "speakers": ["Ann \u202e", "Bo\x07b"],
            "tags": ["x\ud800"],
            "track": "T\x1b",
            "url": "https://x.org/\x00",
            "event": "e\u2066",
        }
    )
    assert talk == Talk(
        id="t",
        title="A \ufffd title reversed",
        abstract="Text with \ufffd",
        speakers=("Ann ", "Bob"),
        tags=("x\ufffd",),
        track="T",
        url="https://x.org/",
        event="e",
    )
    assert Talk(id="u", title="\x00\x1b").title == "\ufffd"  # a title of control characters
    corpus = Corpus([talk], title="Title \ud800\x00", source="/data/\udce9t\u00e9.json")
    assert (corpus.title, corpus.source) == ("Title \ufffd", "/data/\ufffdt\u00e9.json")
    assert Corpus.load(corpus.save(tmp_path / "c.jsonl")) == corpus


_HOSTILE_MARKS = ["\ud800", "\x00", "\u202e", "\x1b", "\udfff\x00\u202e"]


@reliability(
    "A JSON table whose titles, abstracts, speakers and events hold lone surrogates"
    " ('\\ud800'), NUL bytes and unbalanced U+202E, run with 'topics run'",
    "Exit 0, no traceback; the corpus is saved; no page's <title> and no published text file"
    " holds a NUL, a control character or an unbalanced U+202E (lone surrogates are U+FFFD)",
)
def test_unsafe_characters_are_cleaned_for_every_page(tmp_path):
    rows = []
    for n, talk in enumerate(programme(4, spanish=False)):
        i = n % 4
        mark = _HOSTILE_MARKS[(n // 4 + i) % len(_HOSTILE_MARKS)]
        rows.append(
            {
                "title": f"{talk.title} {mark}",
                "abstract": f"{talk.abstract}{mark} More on {talk.id}.",
                "speakers": [f"Speaker {mark}{i}"],
                "event": f"conf{mark}",
            }
        )
    source = tmp_path / "talks.json"
    source.write_text(json.dumps(rows), encoding="ascii")  # "\ud800" as JSON escapes
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "topics", "run", str(source), "--topics", "3", "--seed", "0",
         "--cache", str(tmp_path / "cache"), "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    saved = Corpus.load(next((tmp_path / "cache").rglob("*.jsonl")))
    assert len(saved) == len(rows) and "\ufffd" in saved.talks[0].title
    pages = list(out.rglob("*.html"))
    assert len(pages) > len(rows)
    # The characters themselves, or their escapes in JSON and JavaScript.
    unsafe = re.compile(
        r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
        r"|\\u(?:00[01]|d[89a-f]|202[a-e]|206[6-9])",
        re.IGNORECASE,
    )
    for path in [*pages, *out.rglob("*.js"), *out.rglob("*.json"), *out.rglob("*.csv")]:
        assert not unsafe.search(path.read_text(encoding="utf-8")), path
    titles = [re.search(r"<title>(.*?)</title>", p.read_text("utf-8"), re.S)[1] for p in pages]
    assert any("\ufffd" in title for title in titles)  # the talks' own titles, cleaned
