"""The iCalendar source: ``.ics`` files and URLs (the real pretalx export: tests/test_pretalx.py).

``tests/fixtures/calendars/minicon.ics`` is hand-written: a time zone, a UTC start shown
in the calendar's zone, an all-day event, a broken date, Indico's ``Speakers:`` line, a
room among the attendees, one organizer for every event, an event without summary, a
to-do, folded lines (one fold inside a UTF-8 character), escaped commas, Markdown and
HTML descriptions, a ``javascript:`` URL.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import FIXTURES, error_line, saved_corpus
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import MAX_TITLE, is_safe_id
from topics.sources import KINDS, SourceError, load
from topics.sources.http import MAX_BYTES, Fetcher
from topics.sources.ical import is_calendar, load_ical, parse_ical

MINICON = FIXTURES / "calendars" / "minicon.ics"


def _calendar(*lines: str) -> bytes:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""]).encode()


def test_every_field_of_a_hand_written_calendar():
    corpus = load(str(MINICON), Fetcher())
    assert (corpus.title, corpus.source) == ("MiniCon 2031", str(MINICON))
    fields = [
        (t.id, t.title, t.speakers, t.track, t.tags, t.day, t.time, t.room, t.url, t.language)
        for t in corpus
    ]
    assert fields == [
        ("minicon-1", "Postgres indexes, explained", ("Lovelace, Ada",), "Databases",
         ("Postgres",), "2031-05-05", "10:00", "Hall A", "https://minicon.example/talk/1/", "en"),
        ("minicon-2", "Database replication in production", ("Grace Hopper", "Alan Turing"),
         "Databases", (), "2031-05-05", "11:00", "Hall B", "https://minicon.example/talk/2/", ""),
        ("minicon-3", "Query planning inside the database", ("Zo\u00eb Zeller",), "Databases",
         (), "2031-05-06", "", "", "", ""),
        ("minicon-4", "JavaScript in the browser", ("Tim Berners-Lee",), "Web", (),
         "2031-05-05", "14:00", "Hall B", "", ""),
        ("minicon-5", "CSS layout for web pages", ("H\u00e5kon Lie",), "Web", (), "", "", "",
         "", ""),
        ("minicon-6", "Web accessibility for every browser", ("Marcy Sutton",), "Web", (),
         "2031-05-06", "11:00", "", "", ""),
    ]  # fmt: skip
    indexes, replication, planning, javascript = corpus.talks[:4]
    assert indexes.abstract == (
        "How Postgres picks **indexes** for a query plan, and how to read EXPLAIN output."
        "\n\nWe tune a slow query on a replicated database."
    )
    # Indico's layout: the Speakers: line and the trailing URL are not abstract
    assert replication.abstract == (
        "Replication, backups and failover for a Postgres database that must not stop."
    )
    assert planning.abstract.endswith("Zo\u00eb will show it live.")  # folded inside the ë
    assert javascript.abstract.startswith("How the browser runs JavaScript: the event loop")


def test_pretalx_summary_holds_the_speakers():
    content = _calendar(
        "PRODID:-//pretalx//pretalx.example//democon",
        "BEGIN:VEVENT", "UID:pretalx-democon-AAAAAA@pretalx.example",
        "SUMMARY:Typing - gradually - Ada Lovelace\\, Alan Turing",
        "DTSTART;TZID=CET:20310505T100000", "DESCRIPTION:Types **help**.",
        "URL:https://pretalx.example/democon/talk/AAAAAA/", "END:VEVENT",
        "BEGIN:VEVENT", "SUMMARY:Nobody speaks - ", "END:VEVENT",
        "BEGIN:VEVENT", "SUMMARY:Panel -", "END:VEVENT",
    )  # fmt: skip
    corpus = parse_ical(content, "https://pretalx.example/democon/schedule/export/schedule.ics")
    assert [(t.title, t.speakers, t.event) for t in corpus] == [
        ("Typing - gradually", ("Ada Lovelace", "Alan Turing"), "democon"),
        ("Nobody speaks", (), "democon"),
        ("Panel", (), "democon"),
    ]
    assert corpus.title == "democon"
    assert corpus.talks[0].id == "pretalx-democon-aaaaaa"
    assert (corpus.talks[0].day, corpus.talks[0].time) == ("2031-05-05", "10:00")


def test_organizer_is_a_speaker_only_when_not_everyone_s():
    def speakers(*events: tuple[str, str]) -> list[tuple[str, ...]]:
        lines = []
        for summary, organizer in events:
            lines += [
                "BEGIN:VEVENT",
                f"SUMMARY:{summary}",
                f"ORGANIZER;CN={organizer}:x",
                "END:VEVENT",
            ]
        return [t.speakers for t in parse_ical(_calendar(*lines))]

    assert speakers(("A", "Ada"), ("B", "Alan")) == [("Ada",), ("Alan",)]
    assert speakers(("A", "MiniCon"), ("B", "MiniCon")) == [(), ()]
    assert speakers(("A", "Ada")) == [("Ada",)]


def test_topics_run_on_an_ics_file(tmp_path, capsys):
    source = tmp_path / "programme.ics"
    shutil.copy(MINICON, source)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert (
        main(["run", str(source), "--topics", "2", "--out", str(out), "--cache", str(cache)]) == 0
    )
    corpus = saved_corpus(cache)
    assert [t.id for t in corpus] == [f"minicon-{n}" for n in range(1, 7)]
    pages = sorted(p.stem for p in (out / "talks").glob("*.html"))
    assert pages == [f"minicon-{n}" for n in range(1, 7)]
    assert "Zo\u00eb Zeller" in (out / "talks" / "minicon-3.html").read_text("utf-8")
    assert "javascript:" not in (out / "talks" / "minicon-4.html").read_text("utf-8")


def test_calendar_is_told_by_its_bytes_type_or_name(serve, tmp_path):
    folder = tmp_path / "www"
    folder.mkdir()
    shutil.copy(MINICON, folder / "minicon.ics")  # served as text/calendar
    shutil.copy(MINICON, folder / "feed")  # no extension: application/octet-stream
    server = serve(folder)
    expected = load(str(MINICON), Fetcher()).talks
    fetcher = Fetcher(tmp_path / "cache")
    for url in (f"{server.url}/minicon.ics", f"{server.url}/feed"):
        corpus = load(url, fetcher)
        assert corpus.talks == expected
        assert (corpus.source, corpus.title) == (url, "MiniCon 2031")
    named = tmp_path / "programme.txt"  # a local file: its bytes say what it is
    shutil.copy(MINICON, named)
    assert load(str(named), fetcher).talks == expected
    assert any(".ics" in kind for kind, _ in KINDS)


def test_detection():
    assert is_calendar(b"\xef\xbb\xbf\r\nbegin:vcalendar\r\n")
    assert is_calendar(b"BEGIN:VCALENDAR")
    assert not is_calendar(b"BEGIN:VCALENDARX\r\n")
    assert not is_calendar(b"<html>BEGIN:VCALENDAR")
    assert not is_calendar(b"")


#: name -> (file name, bytes, the message's telling part)
BAD = {
    "HTML saved as .ics": (
        "schedule.ics",
        b"<!DOCTYPE html><html><body>Schedule</body></html>",
        "schedule.ics is an HTML page, not an iCalendar file (BEGIN:VCALENDAR)",
    ),
    "cut off": (
        "cut.ics",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Half a tal",
        "cut.ics ends before its END:VCALENDAR line (cut short?)",
    ),
    "no events": (
        "empty.ics",
        _calendar("BEGIN:VTODO", "SUMMARY:Print badges", "END:VTODO"),
        "empty.ics is a calendar without any event with a summary (VEVENT)",
    ),
    "too large": (
        "huge.ics",
        b"BEGIN:VCALENDAR\r\nX-FILL:" + b"x" * MAX_BYTES,
        f"huge.ics is larger than {MAX_BYTES} bytes: not read",
    ),
}
BAD_ROWS = {
    "HTML saved as .ics": "An HTML page saved as schedule.ics",
    "cut off": "An iCalendar file cut off in its first event",
    "no events": "An iCalendar file holding a to-do and no event",
    "too large": "An iCalendar file of 20 MB and more",
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            name, id=name, marks=reliability(BAD_ROWS[name], f"Exit 1, one line: “…{BAD[name][2]}”")
        )
        for name in BAD
    ],
)
def test_bad_calendar_gets_one_line_and_exit_1(case, tmp_path, capsys):
    name, content, message = BAD[case]
    (tmp_path / name).write_bytes(content)
    out = tmp_path / "site"
    assert (
        main(["run", str(tmp_path / name), "--out", str(out), "--cache", str(tmp_path / "cache")])
        == 1
    )
    err = capsys.readouterr().err
    assert message in error_line(err)
    assert not out.exists()


@reliability(
    "An iCalendar file of 20,000 events nested in one another (BEGIN:VEVENT 20,000 times"
    " before the first END)",
    "Read without recursion as 20,000 talks, in under 30 s",
)
def test_deeply_nested_events_are_read_without_recursion():
    n = 20_000
    content = _calendar(
        *(line for i in range(n) for line in ("BEGIN:VEVENT", f"SUMMARY:Talk {i}")),
        *["END:VEVENT"] * n,
    )
    start = time.perf_counter()
    corpus = parse_ical(content, "nested.ics")
    assert time.perf_counter() - start < 30
    assert len(corpus) == n and corpus.talks[-1].title == f"Talk {n - 1}"


def test_missing_file_and_other_bytes_are_source_errors(tmp_path):
    with pytest.raises(SourceError, match=r"no calendar file at .*absent\.ics$"):
        load_ical(str(tmp_path / "absent.ics"))
    with pytest.raises(SourceError, match=r"^no such file or folder: .*absent\.ics \("):
        load(str(tmp_path / "absent.ics"), Fetcher())
    with pytest.raises(SourceError, match=r"^x\.ics is not an iCalendar file \(starts b'%PDF-1"):
        parse_ical(b"%PDF-1.7 ...", "x.ics")


# --- property: a corpus or a SourceError, nothing else ---------------------------------------

EVENT_NAMES = [
    "SUMMARY", "DESCRIPTION", "LOCATION", "DTSTART", "DTEND", "CATEGORIES", "ATTENDEE",
    "ORGANIZER", "URL", "UID", "RRULE", "X-ANY",
]  # fmt: skip
CALENDAR_NAMES = ["PRODID", "X-WR-CALNAME", "X-WR-TIMEZONE", "NAME", "CALSCALE", "X-ANY"]
COMPONENTS = ["VCALENDAR", "VEVENT", "VTIMEZONE", "VTODO", "STANDARD", "DAYLIGHT", "X"]
PARAMETERS = [
    "CN=Ada", 'CN="Lovelace, Ada"', "TZID=Europe/Berlin", "TZID=CET", "TZID=Nowhere/Land",
    "VALUE=DATE", "VALUE=PERIOD", "LANGUAGE=en", "CUTYPE=ROOM", "ROLE=NON-PARTICIPANT",
]  # fmt: skip
VALUES = [
    "20310505T100000", "20310505T080000Z", "20310505", "99999999", "20311345T256161Z",
    "00010101T000000Z", "99991231T235959Z", "-//pretalx//h//democon", "Europe/Berlin",
    "mailto:ada@x", "https://x/t/1", "javascript:alert(1)", "A\\, B\\nC", "Speakers: A (B), C",
    "- Ada, Alan", "20310505T100000/PT1H",
]  # fmt: skip
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@st.composite
def content_lines(draw, names: list[str]) -> str:
    """A content line of ``names``; one in 30 is random text, one in 30 BEGIN or END."""
    kind = draw(st.integers(0, 29))
    if kind == 0:
        return f"{draw(st.sampled_from(['BEGIN', 'END']))}:{draw(st.sampled_from(COMPONENTS))}"
    if kind == 1:
        return draw(text)
    name = draw(st.sampled_from(names))
    parameters = draw(st.lists(st.sampled_from(PARAMETERS), max_size=2))
    value = draw(st.sampled_from(VALUES) | text.map(lambda t: " ".join(t.split())))
    return ";".join([name, *parameters]) + ":" + value


@st.composite
def calendars(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    events = draw(
        st.lists(
            st.lists(content_lines(EVENT_NAMES), max_size=8).map(
                lambda lines: ["BEGIN:VEVENT", *lines, "END:VEVENT"]
            ),
            max_size=4,
        )
    )
    head = draw(st.lists(content_lines(CALENDAR_NAMES), max_size=3))
    lines = ["BEGIN:VCALENDAR", *head, *(line for event in events for line in event)]
    if draw(st.integers(0, 3)):
        lines.append("END:VCALENDAR")
    data = "\r\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:  # damage: cut short, fold at random, splice bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.sampled_from([b"", b"\r\n ", b"\r\n"])) + data[cut:]
        data = data[: draw(st.integers(cut, len(data)))] + draw(st.binary(max_size=8))
    return data


@pytest.mark.fuzz
@given(calendars())
@reliability(
    "150 random iCalendar files: random properties, parameters and values (broken dates,"
    " unknown time zones, javascript: URLs), unbalanced BEGIN/END, cut short, folded or"
    " spliced with random bytes",
    "A corpus of titled talks with safe ids, or a one-line SourceError naming the file;"
    " nothing else",
)
def test_any_calendar_gives_talks_or_a_source_error(content):
    try:
        corpus = parse_ical(content, "random.ics")
    except SourceError as error:
        assert "\n" not in str(error) and "random.ics" in str(error)
        return
    assert len(corpus) >= 1
    for talk in corpus:
        assert talk.title and len(talk.title) <= MAX_TITLE
        assert is_safe_id(talk.id), talk.id
        assert not talk.url or talk.url.startswith(("http://", "https://"))
    json.dumps([talk.__dict__ for talk in corpus], ensure_ascii=False).encode("utf-8")
