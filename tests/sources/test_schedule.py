"""The schedule source: frab/pentabarf schedule.xml and c3voc schedule.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import FIXTURES, REPO, saved_corpus
from tests.reliability_table import reliability
from topics.corpus import Corpus, Talk
from topics.sources import load
from topics.sources.errors import SourceError
from topics.sources.http import Fetcher
from topics.sources.schedule import load_schedule, parse_schedule

SCHEDULES = FIXTURES / "schedules"
FRAB = SCHEDULES / "frab.xml"
C3VOC = SCHEDULES / "c3voc.json"
#: A c3voc schedule.json named as exported: 6 talks on radio and on security.
SCHEDULE_JSON = SCHEDULES / "schedule.json"


def source_error(location, match: str) -> SourceError:
    """Load ``location``, expecting a one-line SourceError matching ``match``."""
    with pytest.raises(SourceError, match=match) as info:
        load_schedule(str(location))
    assert "\n" not in str(info.value)
    return info.value


# --- fixtures: exact fields ---------------------------------------------------------------


def test_frab_xml_gives_every_field():
    corpus = load_schedule(str(FRAB))
    assert corpus.title == "MiniConf 2023"
    assert corpus.source == str(FRAB)
    assert corpus.talks == [
        Talk(
            id="miniconf-2023-101-lazy-pipelines",
            title="Lazy Pipelines with Generators",
            abstract="Generators make lazy pipelines & save memory.\n\nyield\nitertools",
            speakers=("Ada Lovelace", "Alan Turing"),
            track="Python",
            day="2023-02-04",
            time="10:00",
            room="Room A",
            url="https://miniconf.example/2023/talks/101/",
            event="miniconf-2023",
            language="en",
            start="2023-02-04T10:00:00+01:00",
            end="2023-02-04T10:25:00+01:00",
            timezone="Europe/Brussels",
        ),
        Talk(  # no <slug>: acronym and id; CDATA abstract; subtitle first; relative url dropped
            id="miniconf-2023-102",
            title="Growing a Local User Group",
            abstract="Why meetups matter\n\n"
            "How we went from five people in a café to a monthly meetup.\n\n"
            "Lessons learned, in three parts.\n\nBring questions!",
            speakers=(),
            track="Community",
            day="2023-02-05",
            time="11:30",
            room="Room B",
            url="",
            event="miniconf-2023",
            language="de",
            start="2023-02-05T11:30:00+01:00",
            end="2023-02-05T12:10:00+01:00",
            timezone="Europe/Brussels",
        ),
        Talk(  # subtitle = title and description = abstract: each given once
            id="miniconf-2023-103-closing",
            title="Closing Words",
            abstract="Thanks to all volunteers.",
            speakers=("Grace Hopper",),
            track="Community",
            day="2023-02-05",
            time="14:00",
            room="Room B",
            event="miniconf-2023",
            start="2023-02-05T14:00:00+01:00",
            end="2023-02-05T14:20:00+01:00",
            timezone="Europe/Brussels",
        ),
    ]


def test_c3voc_json_gives_every_field():
    corpus = load_schedule(str(C3VOC))
    assert corpus.title == "TinyCamp 2021"
    assert corpus.talks == [
        Talk(  # Markdown link reduced to its text; description repeating the abstract wins
            id="qx7r2m",
            title="Soldering for Beginners",
            abstract="Learn to solder\nwith KiCad boards.\n\nWe bring irons, you bring patience.",
            speakers=("Hedy Lamarr", "Claude Shannon"),
            track="Hardware",
            day="2021-08-13",
            time="12:00",
            room="Tent 1",
            url="https://pretalx.tinycamp.example/tinycamp-2021/talk/QX7R2M/",
            event="tinycamp-2021",
            language="en",
            start="2021-08-13T12:00:00+02:00",
            end="2021-08-13T12:30:00+02:00",
            timezone="Europe/Berlin",
        ),
        Talk(  # empty abstract, HTML description, person with "name" only
            id="tinycamp-2021-12-radio-basics",
            title="Radio Basics",
            abstract="Antennas, explained\n\nWhy antennas work.\n\ndipoles\nground planes",
            speakers=("Barbara Liskov",),
            track="Hardware",
            day="2021-08-14",
            time="15:15",
            room="Tent 2",
            event="tinycamp-2021",
            language="en",
            start="2021-08-14T15:15:00+02:00",
            end="2021-08-14T16:15:00+02:00",
            timezone="Europe/Berlin",
        ),
        Talk(  # no slug: acronym and id; identical abstract and description given once
            id="tinycamp-2021-13",
            title="Datenschutz für alle",
            abstract="Warum Privatsphäre uns alle angeht.",
            track="Ethik & Gesellschaft",
            day="2021-08-14",
            time="17:00",
            room="Tent 2",
            event="tinycamp-2021",
            language="de",
            start="2021-08-14T17:00:00+02:00",
            end="2021-08-14T17:45:00+02:00",
            timezone="Europe/Berlin",
        ),
    ]


def test_format_is_read_from_the_bytes_not_the_name(tmp_path):
    named_json = load_schedule(str(SCHEDULES / "xml-named.json"))
    assert [(t.id, t.title, t.speakers) for t in named_json] == [
        ("namecheck-2022-1", "Bytes, Not Names", ("Ken Thompson",))
    ]
    shutil.copy(C3VOC, tmp_path / "schedule.xml")
    assert load_schedule(str(tmp_path / "schedule.xml")).talks == load_schedule(str(C3VOC)).talks
    assert parse_schedule(FRAB.read_bytes()).talks == load_schedule(str(FRAB)).talks


def test_byte_order_mark_and_utf16_are_accepted():
    xml = FRAB.read_bytes()
    assert parse_schedule(b"\xef\xbb\xbf" + xml).talks == parse_schedule(xml).talks
    text = C3VOC.read_text(encoding="utf-8")
    assert parse_schedule(text.encode("utf-16")).talks == parse_schedule(text.encode()).talks


def test_schedule2_draft_with_flat_event_list():
    document = {
        "schedule": {
            "version": "1",
            "conference": {
                "acronym": "draft-2025",
                "title": "Draft Conference",
                "days": [{"index": 1, "date": "2025-03-01", "start": "x", "end": "y"}],
                "tracks": [{"name": "Open Hardware", "slug": "open-hardware"}],
                "rooms": [{"name": "Hall 1", "guid": "00000000-0000-4000-8000-00000000000a"}],
            },
            "events": [
                {"type": "BREAK", "title": "Lunch", "start": "2025-03-01T12:00:00+01:00"},
                {
                    "guid": "00000000-0000-4000-8000-000000000001",
                    "slug": "draft-2025-open-boards",
                    "title": "Open Boards",
                    "subtitle": None,
                    "type": "TALK",
                    "language": "de",
                    "start": "2025-03-01T10:15:00+01:00",
                    "track": {"slug": "open-hardware"},
                    "room": {"guid": "00000000-0000-4000-8000-00000000000a"},
                    "abstract": {"en": "Boards anyone can make.", "de": "Platinen für alle."},
                    "participants": [{"name": "Lynn Conway", "guid": "x"}],
                    "url": "https://draft.example/open-boards",
                },
            ],
        }
    }
    corpus = parse_schedule(json.dumps(document).encode(), "draft.json")
    assert corpus.title == "Draft Conference"
    assert corpus.talks == [
        Talk(
            id="draft-2025-open-boards",
            title="Open Boards",
            abstract="Platinen für alle.",
            speakers=("Lynn Conway",),
            track="Open Hardware",
            day="2025-03-01",
            time="10:15",
            room="Hall 1",
            url="https://draft.example/open-boards",
            event="draft-2025",
            language="de",
            start="2025-03-01T10:15:00+01:00",
        )
    ]


def test_untitled_events_are_skipped_and_repeated_slugs_made_unique(tmp_path):
    xml = FRAB.read_text(encoding="utf-8")
    xml = xml.replace("<title>Closing Words</title>", "<title>  </title>")
    xml = xml.replace(
        "<room>Room B</room>\n        <title>",
        "<slug>miniconf-2023-101-lazy-pipelines</slug><title>",
    )
    path = tmp_path / "odd.xml"
    path.write_text(xml, encoding="utf-8")
    corpus = load_schedule(str(path))
    assert [t.id for t in corpus] == [
        "miniconf-2023-101-lazy-pipelines",
        "miniconf-2023-101-lazy-pipelines-2",
    ]
    assert corpus.talks[1].title == "Growing a Local User Group"


# --- errors -------------------------------------------------------------------------------


def test_truncated_xml_is_a_source_error():
    error = source_error(SCHEDULES / "truncated.xml", r"truncated\.xml is not well-formed XML")
    assert "line 48" in str(error)


def test_json_that_is_not_a_schedule_is_a_source_error():
    source_error(SCHEDULES / "not-a-schedule.json", r"not-a-schedule\.json is JSON but not a c3voc")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "neither schedule XML nor schedule JSON"),
        (b"Hello, world", "neither schedule XML nor schedule JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "neither schedule XML nor schedule JSON"),
        (b"<!DOCTYPE html><html><body>Oops</body></html>", r"is an HTML page, not a schedule"),
        (b"<html><body><p>Not found</p></body></html>", r"is an HTML page"),
        (b"<html/>", r"is an HTML page"),
        (b"<feed>x</feed>", r"not a schedule: root element <feed>"),
        (b"{", "not valid JSON"),
        (b'{"schedule": {"conference": 3}}', r"no 'schedule\.conference' object"),
        (b'{"schedule": {"conference": {"days": "2"}}}', "neither 'schedule.conference.days"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"schedule": 1e999999}', "not a c3voc schedule"),
        (b"<schedule><version>1</version></schedule>", "without any titled event"),
        (b'{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": ""}]}}]}}}', "titled"),
        (b"\xff\xfe{\x00", "not valid JSON"),
        (b'{"schedule": "\xff"}', "not valid JSON"),
    ],
)
def test_unusable_content_is_a_one_line_source_error(tmp_path, content, match):
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    error = source_error(path, match)
    assert str(path) in str(error)


def test_missing_file_and_folder_are_source_errors(tmp_path):
    source_error(tmp_path / "nope.xml", "no schedule file at")
    source_error(tmp_path, "cannot read schedule")


def test_external_xml_entities_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    document = f"""<?xml version="1.0"?>
<!DOCTYPE schedule [
  <!ENTITY file SYSTEM "file://{secret}">
  <!ENTITY remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  <!ENTITY word "inner">
]>
<schedule><day date="2020-01-01"><room name="A"><event id="1">
  <title>Safe &file; &remote; &word; Parsing</title><abstract>&file;</abstract>
</event></room></day></schedule>"""
    (talk,) = parse_schedule(document.encode(), "entities.xml")
    assert talk.title == "Safe Parsing"
    assert talk.abstract == ""
    assert "TOP-SECRET" not in repr(talk)


def test_entity_expansion_bomb_is_not_expanded():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    document = f"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY l0 "ha">{laughs}]>
<schedule><day><room><event><title>Laughs &l9;</title></event></room></day></schedule>"""
    try:  # libxml2 2.14 refuses the document, older versions leave the reference out
        corpus = parse_schedule(document.encode(), "bomb.xml")
    except SourceError as error:
        assert "bomb.xml" in str(error)
    else:
        assert corpus.talks[0].title == "Laughs"


def test_pathological_markup_takes_linear_time():
    abstracts = ["<a" * 200_000, "[" * 200_000, "<p>x</p>" * 20_000, "<div>" * 50_000 + "deep"]
    events = [{"title": f"T{i}", "abstract": a} for i, a in enumerate(abstracts)]
    document = {"schedule": {"conference": {"days": [{"rooms": {"A": events}}]}}}
    started = time.perf_counter()
    corpus = parse_schedule(json.dumps(document).encode(), "slow.json")
    assert time.perf_counter() - started < 10, "quadratic text conversion"
    assert [len(t.abstract.split("\n\n")) for t in corpus][2] == 1  # repeated paragraphs once
    assert corpus.talks[3].abstract == "deep"


# --- over HTTP ----------------------------------------------------------------------------


def test_served_schedule_gives_the_same_corpus(serve, tmp_path):
    server = serve(SCHEDULES)
    for name in ("frab.xml", "c3voc.json"):
        url = f"{server.url}/{name}"
        remote = load_schedule(url, Fetcher(tmp_path))
        assert remote.talks == load_schedule(str(SCHEDULES / name)).talks
        assert remote.source == url
    assert server.count("/") == 2
    load_schedule(f"{server.url}/frab.xml", Fetcher(tmp_path))
    assert server.count("/") == 2, "second read must come from the page cache"


def test_schedule_url_not_named_xml_or_json_is_read_from_its_bytes(serve, tmp_path):
    """FOSDEM serves its schedule at /2024/schedule/xml: no suffix tells it is one."""
    (tmp_path / "site" / "schedule").mkdir(parents=True)
    shutil.copy(FRAB, tmp_path / "site" / "schedule" / "xml")
    shutil.copy(SCHEDULE_JSON, tmp_path / "site" / "schedule" / "export")
    server = serve(tmp_path / "site")
    fetcher = Fetcher(tmp_path / "cache")
    xml = load(f"{server.url}/schedule/xml", fetcher)
    assert xml.talks == load_schedule(str(FRAB)).talks and xml.title == "MiniConf 2023"
    assert load(f"{server.url}/schedule/export", fetcher).talks == (
        load_schedule(str(SCHEDULE_JSON)).talks
    )


def test_served_errors_are_source_errors(serve, tmp_path):
    server = serve(SCHEDULES)
    with pytest.raises(SourceError, match="HTTP 404"):
        load_schedule(f"{server.url}/missing.xml", Fetcher(tmp_path))
    with pytest.raises(SourceError, match=r"truncated\.xml is not well-formed XML"):
        load_schedule(f"{server.url}/truncated.xml", Fetcher(tmp_path))


# --- property: a Corpus or a SourceError, nothing else ------------------------------------

EVENT_FIELDS = [
    "title", "subtitle", "abstract", "description", "track", "persons", "person", "slug",
    "id", "guid", "start", "date", "room", "url", "language", "name", "public_name",
]  # fmt: skip
XML_TAGS = ["schedule", "conference", "acronym", "day", "rooms", "event", *EVENT_FIELDS]
JSON_KEYS = ["schedule", "conference", "days", "rooms", "events", "participants", *EVENT_FIELDS]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=25,
)
json_events = st.builds(
    lambda title, rest: {"title": title} | rest,
    st.text(max_size=20) | json_values,
    st.dictionaries(st.sampled_from(EVENT_FIELDS), json_values, max_size=10),
)
json_schedules = st.builds(
    lambda title, rooms, extra: {
        "schedule": {
            "conference": {"title": title, "days": [{"date": "2020-01-01", "rooms": rooms}]}
        }
        | extra
    },
    json_values,
    st.dictionaries(st.text(max_size=8), st.lists(json_events, max_size=3), max_size=3),
    st.dictionaries(st.sampled_from(JSON_KEYS), json_values, max_size=2),
)


def xml_text(max_size: int) -> st.SearchStrategy[str]:
    """Text XML can hold (mostly: some characters are still refused), HTML-ish or not."""
    characters = st.characters(blacklist_categories=("Cs", "Cc"))
    markup = st.sampled_from(["<p>", "</p>", "<br>", "<ul><li>", "&amp;", "[a](http://b)", "\n\n"])
    return st.lists(st.text(characters, max_size=8) | markup, max_size=max_size // 4).map("".join)


def _element(tag, attributes, text, children) -> str:
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    return f"<{tag}{attrs}>{escape(text)}{''.join(children)}</{tag}>"


xml_attributes = st.dictionaries(st.sampled_from(["id", "date", "name", "guid"]), xml_text(12))
xml_trees = st.recursive(
    st.builds(_element, st.sampled_from(EVENT_FIELDS), xml_attributes, xml_text(40), st.just([])),
    lambda children: st.builds(
        _element,
        st.sampled_from(XML_TAGS),
        xml_attributes,
        xml_text(10),
        st.lists(children, max_size=4),
    ),
    max_leaves=30,
)
xml_events = st.builds(
    lambda events: (
        "<schedule><day date='2020-01-01'><room name='A'>"
        + "".join(f"<event id='1'>{event}</event>" for event in events)
        + "</room></day></schedule>"
    ),
    st.lists(
        st.builds(
            lambda title, rest: f"<title>{escape(title)}</title>{''.join(rest)}",
            xml_text(20),
            st.lists(xml_trees, max_size=5),
        ),
        max_size=4,
    ),
)


@st.composite
def documents(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "xml", "xml-events", "json", "json-schedule"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "xml":
        text = draw(xml_trees)
    elif kind == "xml-events":
        text = draw(xml_events)
    else:
        text = json.dumps(draw(json_values if kind == "json" else json_schedules))
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:  # damage it: cut it short or splice in random bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) if draw(st.booleans()) else data[:cut]
    return data


@pytest.mark.fuzz
@given(documents())
@reliability(
    "150 random schedule files: frab XML trees, c3voc JSON, random JSON and bytes, cut short"
    " or spliced with random bytes",
    "A corpus of titled talks, or a one-line SourceError naming the file; nothing else",
)
def test_any_input_gives_a_corpus_or_a_source_error(content):
    try:
        corpus = parse_schedule(content, "random.bin")
    except SourceError as error:
        assert "\n" not in str(error)
        assert "random.bin" in str(error)
        return
    assert isinstance(corpus, Corpus)
    assert len(corpus) >= 1
    assert all(talk.title and talk.id for talk in corpus)
    json.dumps([talk.__dict__ for talk in corpus], ensure_ascii=False).encode("utf-8")


# --- real schedules -----------------------------------------------------------------------


def _words(talk: Talk) -> int:
    return len(talk.abstract.split())


@pytest.mark.shared
def test_fosdem_2024(shared):
    corpus = load_schedule(str(shared / "data" / "schedules" / "fosdem-2024.xml"))
    assert corpus.title == "FOSDEM 2024"
    assert len(corpus) == 874
    assert all(t.title and t.track for t in corpus)
    assert {t.event for t in corpus} == {"fosdem-2024"}
    assert len({t.track for t in corpus}) == 65
    long = [t for t in corpus if _words(t) >= 20]
    assert len(long) == 836
    assert len({t.track for t in long}) == 65
    assert all(t.url.startswith("https://fosdem.org/") for t in corpus)
    assert all("<p>" not in t.abstract for t in corpus)
    # five devroom openings/closings list no speaker
    assert sum(not t.speakers for t in corpus) == 5


@pytest.mark.shared
def test_fosdem_2025(shared):
    corpus = load_schedule(str(shared / "data" / "schedules" / "fosdem-2025.xml"))
    assert corpus.title == "FOSDEM 2025"
    assert len(corpus) == 1105
    assert all(t.title and t.track for t in corpus)
    assert len({t.track for t in corpus}) == 78
    long = [t for t in corpus if _words(t) >= 20]
    assert len(long) == 1058
    assert len({t.track for t in long}) == 78


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "title", "n_events", "no_abstract", "no_speakers"),
    [
        (
            "frab-camp2019.json",
            "Chaos Communication Camp 2019",
            79,
            # abstract and description both empty in the export
            {"Fomu - an FPGA inside your USB port!", "Lightning Talks", "Infrastructure Review"},
            {"Infrastructure Review"},
        ),
        (
            "pretalx-rc3.json",
            "rC3 Channels",
            48,
            set(),
            {"Ethical Hackers + Investigative Journos… GAME OVER?"},
        ),
    ],
)
def test_real_json_schedules(shared, name, title, n_events, no_abstract, no_speakers):
    corpus = load_schedule(str(shared / "data" / "schedules" / name))
    assert corpus.title == title
    assert len(corpus) == n_events
    assert all(t.title and t.track and t.day and t.time and t.room for t in corpus)
    assert {t.title for t in corpus if not t.abstract} == no_abstract
    assert {t.title for t in corpus if not t.speakers} == no_speakers
    assert all("<p>" not in t.abstract and "](http" not in t.abstract for t in corpus)
    assert all(t.url.startswith("https://") for t in corpus)


def _plain(markup: str) -> str:
    """Text of an HTML or Markdown fragment, read without the source's own code."""
    if not markup.strip():
        return ""
    return lxml.html.fromstring(f"<div>{markup}</div>").text_content().strip()


def _text_words(markup: str) -> set[str]:
    """Words of 4 letters or more, URLs left out (Markdown shows no link definitions)."""
    text = re.sub(r"\S*https?://\S+", " ", _plain(markup))
    return set(re.findall(r"[^\W\d_]{4,}", text.lower()))


def _check_events(corpus: Corpus, events: list[dict]) -> None:
    """Every event, in order, has its title, track and speakers, and its whole abstract."""
    assert len(corpus) == len(events)
    for talk, event in zip(corpus, events, strict=True):
        assert talk.title == event["title"]
        assert talk.track == event["track"], talk.title
        assert talk.speakers == event["speakers"], talk.title
        # an abstract that only repeats the title is dropped (see parse_schedule)
        title = _text_words(event["title"])
        expected = _text_words(event["abstract"]) | _text_words(event["description"])
        got = set(re.findall(r"[^\W\d_]{4,}", talk.abstract.lower()))
        if expected - title:
            assert talk.abstract, talk.title
        elif not _plain(event["abstract"]) and not _plain(event["description"]):
            assert not talk.abstract, talk.title
        missing = expected - got - title
        assert len(missing) <= max(2, 0.02 * len(expected)), (talk.title, sorted(missing))


@pytest.mark.shared
def test_fosdem_2024_every_event_has_its_fields(shared):
    """Read back independently with lxml: each of the 874 events, field by field."""
    path = shared / "data" / "schedules" / "fosdem-2024.xml"
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()

    def text(element, tag: str) -> str:
        found = element.find(tag)
        return "" if found is None else " ".join("".join(found.itertext()).split())

    events = [
        {
            "title": text(event, "title"),
            "track": text(event, "track"),
            "speakers": tuple(" ".join(p.text.split()) for p in event.iterfind("persons/person")),
            "abstract": event.findtext("abstract") or "",
            "description": event.findtext("description") or "",
        }
        for event in root.iterfind("day/room/event")
    ]
    assert len(events) == 874
    _check_events(load_schedule(str(path)), events)


@pytest.mark.shared
@pytest.mark.parametrize("name", ["frab-camp2019.json", "pretalx-rc3.json"])
def test_real_json_schedules_every_event_has_its_fields(shared, name):
    data = json.loads((shared / "data" / "schedules" / name).read_text("utf-8"))
    events = [
        {
            "title": " ".join(event["title"].split()),
            "track": event["track"] or "",
            "speakers": tuple(
                " ".join((p.get("public_name") or p["name"]).split()) for p in event["persons"]
            ),
            "abstract": event.get("abstract") or "",
            "description": event.get("description") or "",
        }
        for day in data["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]
    _check_events(load_schedule(str(shared / "data" / "schedules" / name)), events)


# --- through the command line -------------------------------------------------------------


def _topics_run(source: Path, tmp_path: Path) -> Corpus:
    """``python -m topics run SOURCE`` in a fresh interpreter; the corpus it saved.

    Checks that it exits 0 and publishes a page for each talk of the schedule, read as
    :func:`load_schedule` reads it.
    """
    out, cache = tmp_path / "site", tmp_path / "cache"
    command = ["run", str(source), "--out", str(out), "--cache", str(cache)]
    result = subprocess.run(
        [sys.executable, "-m", "topics", *command],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    expected = load_schedule(str(source))
    saved = saved_corpus(cache)
    assert (saved.talks, saved.title) == (expected.talks, expected.title)
    assert {page.stem for page in (out / "talks").iterdir()} == {talk.id for talk in expected}
    return saved


@reliability(
    "'topics run' on a c3voc schedule.json (hand-written, and the real frab and pretalx"
    " exports): the table reader claims every .json",
    "The schedule is recognised from its content (a 'schedule' object with a 'conference'):"
    " exit 0 and a page for every event; a JSON list of talks still loads as a table",
)
def test_topics_run_reads_a_schedule_json(tmp_path):
    corpus = _topics_run(SCHEDULE_JSON, tmp_path)
    assert corpus.title == "FieldCamp 2022" and len(corpus) == 6
    assert corpus.talks[0].speakers == ("Rosa Funk",) and corpus.talks[0].track == "Radio"
    # A JSON table is still a table, also when it holds a "schedule" key of its own.
    table = tmp_path / "talks.json"
    table.write_text(json.dumps({"schedule": {"day": 1}, "talks": [{"title": "A talk"}]}))
    assert [t.title for t in load(str(table), Fetcher())] == ["A talk"]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "n_events"), [("frab-camp2019.json", 79), ("pretalx-rc3.json", 48)]
)
def test_topics_run_reads_the_real_schedule_jsons(shared, tmp_path, name, n_events):
    assert len(_topics_run(shared / "data" / "schedules" / name, tmp_path)) == n_events
