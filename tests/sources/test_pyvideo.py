"""The pyvideo source, from a local folder and over HTTP."""

from __future__ import annotations

import json

import pytest

from tests.helpers import FIXTURES
from topics.sources import SourceError
from topics.sources.http import Fetcher
from topics.sources.pyvideo import load_event, load_folder

MINI = FIXTURES / "pyvideo"


def test_local_folder_reads_every_titled_video():
    corpus = load_folder(MINI / "minicon-2020")
    assert corpus.title == "MiniCon 2020"
    assert [t.id for t in corpus] == [
        "ada-lovelace-counting-with-generators",
        "grace-hopper-no-description",
        "two-speakers-teaching-python",
    ]
    ada, grace, two = corpus
    assert ada.speakers == ("Ada Lovelace",)
    assert ada.tags == ("generators", "itertools")
    assert ada.abstract == "Generators make lazy pipelines.\n\nWe count things with them."
    assert ada.url == "https://minicon.example/talks/counting"
    assert ada.event == "minicon-2020"
    assert ada.day == "2020-07-20"
    assert grace.abstract == "" and grace.speakers == ()
    assert grace.url == "https://pyvideo.org/minicon-2020/grace-hopper-no-description.html"
    assert two.speakers == ("Alan Turing", "Katherine Johnson")
    assert two.url == "https://minicon.example/talks/teaching"


def test_speakers_run_together_in_a_file_name_are_separated(tmp_path):
    event = tmp_path / "panel-2016"
    (event / "videos").mkdir(parents=True)
    (event / "category.json").write_text(json.dumps({"title": "Panel 2016"}))
    for stem, speakers in [
        ("victor-stinnerlarry-hastingsyury-selivanov-core-developers-panel",
         ["Victor Stinner", "Larry Hastings", "Yury Selivanov"]),
        ("victor-stinner-fat-python", ["Victor Stinner"]),
        ("ann-leebob-ray", ["Ann Lee", "Bob Ray"]),  # names only
        ("ann-leebobby-tables", ["Ann Lee", "Bob"]),  # "bob" is not a whole name here
    ]:  # fmt: skip
        video = {"title": stem.title(), "speakers": speakers}
        (event / "videos" / f"{stem}.json").write_text(json.dumps(video))
    assert sorted(t.id for t in load_folder(event)) == [
        "ann-lee-bob-ray",
        "ann-leebobby-tables",
        "victor-stinner-fat-python",
        "victor-stinner-larry-hastings-yury-selivanov-core-developers-panel",
    ]


def test_served_folder_gives_the_same_corpus(serve, tmp_path):
    server = serve(MINI)
    remote = load_event("minicon-2020", server.url + "/", Fetcher(tmp_path))
    assert remote.talks == load_folder(MINI / "minicon-2020").talks


def test_missing_event_is_a_source_error(serve, tmp_path):
    with pytest.raises(SourceError, match=r"no such folder: .*no-such-event"):
        load_event("no-such-event", str(MINI))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="not a pyvideo event folder"):
        load_folder(tmp_path / "empty")
    server = serve(MINI)
    with pytest.raises(SourceError, match="HTTP 404"):
        load_event("no-such-event", server.url, Fetcher(tmp_path))


def test_event_name_cannot_leave_the_data_folder():
    with pytest.raises(SourceError, match="not a pyvideo event name"):
        load_event("../minicon-2020", str(MINI / "minicon-2020"))


def test_invalid_json_names_the_file(tmp_path):
    event = tmp_path / "broken"
    (event / "videos").mkdir(parents=True)
    (event / "category.json").write_text(json.dumps({"title": "Broken"}))
    (event / "videos" / "bad.json").write_bytes(b"{not json")
    with pytest.raises(SourceError, match=r"bad\.json is not valid JSON"):
        load_folder(event)


@pytest.mark.shared
def test_europython_2016_has_169_talks_locally_and_over_http(shared, serve, tmp_path):
    data = shared / "data" / "pyvideo"
    local = load_event("europython-2016", str(data))
    assert len(local) == 169
    assert local.title == "EuroPython 2016"
    assert all(t.title for t in local)
    server = serve(data)
    remote = load_event("europython-2016", server.url, Fetcher(tmp_path))
    assert remote.talks == local.talks
    before = len(server.requests)
    load_event("europython-2016", server.url, Fetcher(tmp_path))
    assert len(server.requests) == before, "second read must come from the page cache"
