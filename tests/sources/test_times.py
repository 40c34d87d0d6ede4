"""Talk times: time-zone-aware start and end from every source that gives them
(topics/sources/times.py), kept through a corpus's JSON Lines and checked when loaded."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from topics.corpus import Corpus, Talk
from topics.sources import times
from topics.sources.ical import parse_ical
from topics.sources.schedule import load_schedule, parse_schedule
from topics.sources.structured import event_fields
from topics.sources.tables import load_table

BRUSSELS = ZoneInfo("Europe/Brussels")


# The parsing functions, on strings as the sources write them ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Friday 10:30-11:00", (time(10, 30), time(11))),
        # PyCon US 2019's talk pages (Symposion), as crawled
        ("Thursday 1:20 p.m.\u20134:40 p.m. in Room 21", (time(13, 20), time(16, 40))),
        ("Thursday 3:30 p.m.\u20135 p.m. in Room 23", (time(15, 30), time(17))),
        ("11 a.m.\u2013noon", (time(11), time(12))),
        ("1:20\u20134:40 p.m.", (time(13, 20), time(16, 40))),
        ("14h00 - 14h45", (time(14), time(14, 45))),
        ("09:30", (time(9, 30), None)),
        ("Room 21", (None, None)),
        ("10 amazing talks", (None, None)),
        ("2024-02-03", (None, None)),
        ("Friday", (None, None)),
    ],
)
def test_clock_range_reads_what_pages_write(text, expected):
    assert times.clock_range(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:25", timedelta(minutes=25)),
        ("01:30:00", timedelta(hours=1, minutes=30)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("PT15M", timedelta(minutes=15)),
        ("00:00", None),
        ("72:00", None),  # longer than a talk can last
        ("half an hour", None),
        ("", None),
    ],
)
def test_duration(text, expected):
    assert times.duration(text) == expected


def test_moment_needs_an_offset_or_a_zone():
    assert times.moment("2024-02-03T09:30:00+01:00") == datetime(2024, 2, 3, 9, 30, tzinfo=BRUSSELS)
    assert times.moment("2024-02-03T08:30:00Z", BRUSSELS).isoformat() == (
        "2024-02-03T09:30:00+01:00"
    )
    assert times.moment("2024-02-03 09:30", BRUSSELS).isoformat() == "2024-02-03T09:30:00+01:00"
    assert times.moment("2024-02-03T09:30:00") is None  # floating, no zone: no usable time
    assert times.moment("Friday") is None
    assert times.moment("2024-13-03T09:30:00+01:00") is None


def test_from_schedule_uses_the_zone_and_the_duration():
    when = times.from_schedule("2024-02-03T09:30:00+01:00", "", "09:30", "00:25", "Europe/Brussels")
    assert when == times.When(
        "2024-02-03T09:30:00+01:00", "2024-02-03T09:55:00+01:00", "Europe/Brussels"
    )
    # No date-time: the day's date and the start clock, in the conference's zone (summer)
    when = times.from_schedule("", "2019-08-21", "11:00", "PT30M", "Europe/Berlin")
    assert (when.start, when.end) == ("2019-08-21T11:00:00+02:00", "2019-08-21T11:30:00+02:00")
    # No zone and no offset: nothing usable; an unknown zone is not named
    assert times.from_schedule("", "2019-08-21", "11:00", "00:30", "") == times.When()
    when = times.from_schedule("2020-12-27T11:30:00+01:00", "", "", "00:40", "Mars/Olympus")
    assert when == times.When("2020-12-27T11:30:00+01:00", "2020-12-27T12:10:00+01:00", "")


# Talk: the fields are checked, saved and loaded --------------------------------------------


def test_talk_drops_times_that_are_not_aware_date_times():
    talk = Talk("a", "A", start="Friday 10:30", end="2024-02-03T09:55:00+01:00")
    assert (talk.start, talk.end) == ("", "")
    talk = Talk("a", "A", start="2024-02-03T09:30:00", timezone="Not/AZone")
    assert (talk.start, talk.timezone) == ("", "")
    talk = Talk("a", "A", start="2024-02-03T09:30:00+01:00", end="2024-02-03T09:00:00+01:00")
    assert (talk.start, talk.end) == ("2024-02-03T09:30:00+01:00", "")


def test_times_survive_save_and_load_and_old_corpora_load(tmp_path):
    talk = Talk(
        "a",
        "A",
        start="2024-02-03T09:30:00+01:00",
        end="2024-02-03T09:55:00+01:00",
        timezone="Europe/Brussels",
    )
    corpus = Corpus([talk, Talk("b", "B")], title="T")
    again = Corpus.load(corpus.save(tmp_path / "talks.jsonl"))
    assert again.talks == corpus.talks
    assert again.digest() == corpus.digest()
    assert Corpus([Talk("a", "A")]).digest() != Corpus([Talk("a", "A", start=talk.start)]).digest()
    # A corpus saved before talks had times (no such keys) loads, without times
    old = tmp_path / "old.jsonl"
    lines = [{"corpus": {"title": "Old"}}, {"id": "x", "title": "X", "day": "Friday"}]
    old.write_text("\n".join(map(json.dumps, lines)) + "\n", encoding="utf-8")
    (loaded,) = Corpus.load(old).talks
    assert (loaded.day, loaded.start, loaded.end, loaded.timezone) == ("Friday", "", "", "")


# Sources ---------------------------------------------------------------------------------

FRAB_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <conference>
    <acronym>fosdem-2024</acronym><title>FOSDEM 2024</title>
    <time_zone_name>Europe/Brussels</time_zone_name>
  </conference>
  <day index="1" date="2024-02-03">
    <room name="Janson">
      <event guid="5bb0aa4e" id="3023">
        <date>2024-02-03T09:30:00+01:00</date><start>09:30</start><duration>00:25</duration>
        <room>Janson</room><slug>welcome</slug><title>Welcome to FOSDEM 2024</title>
      </event>
      <event id="3024">
        <start>10:00</start><duration>00:50</duration>
        <room>Janson</room><slug>no-date</slug><title>Start and day only</title>
      </event>
    </room>
  </day>
</schedule>
"""


def test_frab_xml_times_in_the_conference_zone():
    welcome, no_date = parse_schedule(FRAB_XML, "fosdem.xml").talks
    assert (welcome.start, welcome.end, welcome.timezone, welcome.room) == (
        "2024-02-03T09:30:00+01:00",
        "2024-02-03T09:55:00+01:00",
        "Europe/Brussels",
        "Janson",
    )
    assert (no_date.start, no_date.end) == (
        "2024-02-03T10:00:00+01:00",
        "2024-02-03T10:50:00+01:00",
    )


def test_c3voc_json_and_schedule2_times():
    legacy = {
        "schedule": {
            "conference": {
                "acronym": "camp2019",
                "time_zone_name": "Europe/Berlin",
                "days": [
                    {
                        "date": "2019-08-21",
                        "rooms": {
                            "Curie": [
                                {
                                    "id": 1,
                                    "title": "A talk",
                                    "date": "2019-08-21T11:00:00+02:00",
                                    "start": "11:00",
                                    "duration": "00:30",
                                }
                            ]
                        },
                    }
                ],
            }
        }
    }
    (talk,) = parse_schedule(json.dumps(legacy).encode(), "camp.json").talks
    assert (talk.start, talk.end, talk.timezone) == (
        "2019-08-21T11:00:00+02:00",
        "2019-08-21T11:30:00+02:00",
        "Europe/Berlin",
    )
    draft = {
        "schedule": {
            "conference": {"acronym": "x", "time_zone_name": "Europe/Amsterdam"},
            "events": [
                {
                    "title": "Ends",
                    "start": "2020-12-14T08:00:00Z",
                    "end": "2020-12-14T09:00:00Z",
                },
                {"title": "Lasts", "start": "2020-12-14T09:00:00+01:00", "duration": "PT15M"},
            ],
        }
    }
    ends, lasts = parse_schedule(json.dumps(draft).encode(), "draft.json").talks
    assert (ends.start, ends.end) == ("2020-12-14T09:00:00+01:00", "2020-12-14T10:00:00+01:00")
    assert ends.timezone == "Europe/Amsterdam"
    assert lasts.end == "2020-12-14T09:15:00+01:00"


ICAL = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "X-WR-TIMEZONE:Europe/Brussels",
        "BEGIN:VEVENT",
        "UID:named@x",
        "SUMMARY:Named zone",
        "DTSTART;TZID=Europe/Berlin:20240203T093000",
        "DTEND;TZID=Europe/Berlin:20240203T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:utc@x",
        "SUMMARY:UTC with a duration",
        "DTSTART:20240203T083000Z",
        "DURATION:PT25M",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:floating@x",
        "SUMMARY:Floating",
        "DTSTART:20240203T093000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:allday@x",
        "SUMMARY:All day",
        "DTSTART;VALUE=DATE:20240203",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
).encode()


def test_ical_times():
    named, utc, floating, allday = parse_ical(ICAL, "t.ics").talks
    assert (named.start, named.end, named.timezone) == (
        "2024-02-03T09:30:00+01:00",
        "2024-02-03T10:00:00+01:00",
        "Europe/Berlin",
    )
    assert (utc.start, utc.end, utc.timezone) == (
        "2024-02-03T09:30:00+01:00",
        "2024-02-03T09:55:00+01:00",
        "Europe/Brussels",
    )
    assert floating.start == "2024-02-03T09:30:00+01:00"  # in the calendar's X-WR-TIMEZONE
    assert (allday.day, allday.start) == ("2024-02-03", "")
    no_zone = ICAL.replace(b"X-WR-TIMEZONE:Europe/Brussels\r\n", b"")
    assert parse_ical(no_zone, "t.ics").talks[2].start == ""  # floating, no zone: no time


def test_table_start_and_end_columns(tmp_path):
    table = tmp_path / "talks.csv"
    table.write_text(
        "title,start,end,timezone\n"
        "Aware,2024-02-03T09:30:00+01:00,2024-02-03T10:00:00+01:00,\n"
        "Zoned,2024-02-03 09:30,2024-02-03 10:00,Europe/Brussels\n"
        "Floating,2024-02-03 09:30,2024-02-03 10:00,\n"
        "Clock only,09:30,,Europe/Brussels\n",
        encoding="utf-8",
    )
    aware, zoned, floating, clock = load_table(table).talks
    assert (aware.start, aware.end, aware.timezone) == (
        "2024-02-03T09:30:00+01:00",
        "2024-02-03T10:00:00+01:00",
        "",
    )
    assert (zoned.start, zoned.timezone) == ("2024-02-03T09:30:00+01:00", "Europe/Brussels")
    assert floating.start == clock.start == ""
    assert clock.time == "09:30"


def test_schema_org_event_start_and_end():
    page = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "Event", "name": "A talk",
     "startDate": "2024-05-17T10:30:00-04:00", "endDate": "2024-05-17T11:00:00-04:00"}
    </script></head><body></body></html>"""
    fields = event_fields(page, "https://example.org/talk/1")
    assert (fields["day"], fields["time"]) == ("2024-05-17", "10:30")
    assert (fields["start"], fields["end"]) == (
        "2024-05-17T10:30:00-04:00",
        "2024-05-17T11:00:00-04:00",
    )
    floating = page.replace("-04:00", "")
    assert "start" not in event_fields(floating, "https://example.org/talk/1")


def test_fosdem_2024_every_talk_has_a_time_in_brussels(shared):
    corpus = load_schedule(str(shared / "data" / "schedules" / "fosdem-2024.xml"))
    assert len(corpus) == 874
    assert all(t.start and t.end and t.timezone == "Europe/Brussels" for t in corpus)
    for talk in corpus:
        start = datetime.fromisoformat(talk.start)
        assert start.date().isoformat() == talk.day and f"{start:%H:%M}" == talk.time
        assert start.utcoffset() == timedelta(hours=1)
    welcome = next(t for t in corpus if t.title == "Welcome to FOSDEM 2024")
    assert (welcome.start, welcome.end) == (
        "2024-02-03T09:30:00+01:00",
        "2024-02-03T09:55:00+01:00",
    )


@pytest.mark.parametrize(
    ("name", "zone", "timed"),
    [("frab-camp2019.json", "Europe/Berlin", 79), ("pretalx-rc3.json", "", 48)],
)
def test_real_schedule_json_exports(shared, name, zone, timed):
    corpus = load_schedule(str(shared / "data" / "schedules" / name))
    assert sum(1 for t in corpus if t.start and t.end) == timed == len(corpus)
    assert {t.timezone for t in corpus} == {zone}


def test_ical_zone_named_like_a_folder_of_the_zone_database():
    # "Europe" is a folder of the zone database: ZoneInfo raised IsADirectoryError, which
    # came out of parse_ical as a traceback.
    folder = ICAL.replace(b"X-WR-TIMEZONE:Europe/Brussels", b"X-WR-TIMEZONE:Europe")
    named, utc, floating, _ = parse_ical(folder, "t.ics").talks
    assert named.timezone == "Europe/Berlin"
    assert (utc.start, utc.timezone) == ("2024-02-03T08:30:00+00:00", "")
    assert floating.start == ""
    assert Talk("a", "A", start=utc.start, timezone="Europe").timezone == ""
