"""The plan's compact export and the schedule export (topics/site/plan.py, issue 21)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import numpy as np
from icalendar import Calendar

from topics.corpus import Corpus, Talk
from topics.site.plan import SCALE, mixes, plan_data, vtimezone, write_schedule


def test_mixes_are_sparse_quantised_shares_highest_first():
    W = np.array([[0.0, 3.0, 1.0, 0.00001], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]])
    assert mixes(W) == [[1, 7500, 2, 2500], [], [0, 5000, 1, 5000]]


def test_quantised_cosines_stay_within_the_rounding_of_w():
    rng = np.random.default_rng(0)
    W = rng.gamma(0.3, size=(200, 30)) * (rng.random((200, 30)) < 0.4)
    Q = np.zeros_like(W)
    for i, row in enumerate(mixes(W)):
        Q[i, row[0::2]] = row[1::2]
    assert Q.max() <= SCALE
    shares = W / np.maximum(W.sum(axis=1, keepdims=True), 1e-300)
    assert np.abs(Q / SCALE - shares).max() <= 0.5 / SCALE + 1e-12


def test_plan_data_holds_times_zones_urls_and_topics():
    talks = [
        Talk(
            "a",
            "A",
            speakers=("Ann", "Bo"),
            room="Janson",
            url="https://fosdem.org/2024/schedule/event/a/",
            start="2024-02-03T09:30:00+01:00",
            end="2024-02-03T09:55:00+01:00",
            timezone="Europe/Brussels",
        ),
        Talk("b", "B", url="https://fosdem.org/2024/schedule/event/b/"),
    ]
    W = np.array([[1.0, 0.0, 1.0], [0.0, 2.0, 0.0]])
    data = plan_data(Corpus(talks), W, [(0, 1, "rust", "topics/1.html"), (2, 2, "go", "t/2")])
    assert data["urlBase"] == "https://fosdem.org/2024/schedule/event/"
    assert data["topics"] == [[1, "rust", "topics/1.html"], [0, "", ""], [2, "go", "t/2"]]
    assert data["talks"] == [
        [
            "a",
            "A",
            "Ann, Bo",
            "2024-02-03T09:30:00+01:00",
            "2024-02-03T09:55:00+01:00",
            0,
            "Janson",
            "a/",
            [0, 5000, 2, 5000],
        ],
        ["b", "B", "", None, None, -1, "", "b/", [1, 10000]],
    ]
    ((name, text),) = data["zones"]
    assert name == "Europe/Brussels" and text.startswith("BEGIN:VTIMEZONE\r\n")
    json.dumps(data)  # all JSON


def test_vtimezone_gives_icalendar_the_zone_offsets():
    text = vtimezone("Europe/Brussels", date(2024, 2, 3), date(2024, 2, 4))
    calendar = Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        + text
        + "\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20240101T000000Z\r\n"
        "DTSTART;TZID=Europe/Brussels:20240803T093000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = calendar.walk("VEVENT")
    summer = event["DTSTART"].dt
    assert summer.utcoffset().total_seconds() == 7200  # the year's transitions are in it
    assert summer == datetime.fromisoformat("2024-08-03T09:30:00+02:00")


def test_schedule_export_says_which_talks_have_no_usable_time(tmp_path):
    talks = [
        Talk(
            "a", "=HYPERLINK(1)", day="2024-02-03", time="09:30", start="2024-02-03T09:30:00+01:00"
        ),
        Talk("b", "B", day="Friday", time="10:30-11:00"),
    ]
    paths = write_schedule(Corpus(talks), tmp_path)
    listing = json.loads(paths["schedule.json"].read_text("utf-8"))
    assert listing["without_time"] == ["b"]
    assert listing["talks"][1] == {
        "id": "b",
        "title": "B",
        "day": "Friday",
        "time": "10:30-11:00",
        "room": "",
        "start": None,
        "end": None,
        "timezone": None,
    }
    rows = list(csv.reader(io.StringIO(paths["schedule.csv"].read_text("utf-8"))))
    assert rows[0] == ["id", "title", "day", "time", "room", "start", "end", "timezone"]
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][5] == "2024-02-03T09:30:00+01:00"
    assert rows[2][5] == ""


def test_urls_share_a_base_that_leaves_each_a_suffix_and_only_web_urls_are_kept():
    talks = [
        Talk("a", "A", url="https://x.example/talks/"),
        Talk("b", "B", url="https://x.example/talks/b/"),
        Talk("c", "C", url="javascript:alert(1)"),
    ]
    data = plan_data(Corpus(talks), np.ones((3, 1)), [])
    assert data["urlBase"] == "https://x.example/"
    assert [row[7] for row in data["talks"]] == ["talks/", "talks/b/", ""]
