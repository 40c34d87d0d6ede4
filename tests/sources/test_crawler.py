"""The HTML crawler and its site profiles, on hand-written fixture sites served over HTTP."""

from __future__ import annotations

import dataclasses
import logging
import re

import pytest
from bs4 import BeautifulSoup

from tests.helpers import FIXTURES
from topics.corpus import Talk
from topics.sources import SourceError, load
from topics.sources.builtin_profiles import PROFILES, detect_profile, get_profile
from topics.sources.crawler import CrawlFailure, crawl, crawl_site
from topics.sources.http import Fetcher
from topics.sources.profiles import WHEN_PATTERN, Profile
from topics.sources.talkpages import event_name, parse_when, talk_id

SITES = FIXTURES / "sites"
EN = "\u2013"  # the en dash PyCon sites put between two times


@pytest.fixture
def fetcher(tmp_path) -> Fetcher:
    return Fetcher(tmp_path / "cache", retries=0)


def test_pycon_2019_symposion_fields_and_failures(serve, fetcher):
    server = serve(SITES / "pycon-2019")
    base = server.url
    result = crawl_site(f"{base}/2019/schedule/talks/list/", fetcher)

    assert result.profile.name == "pycon-us-2019"
    # relative link resolved, fragment dropped, duplicate, off-site and mailto links gone
    assert result.links == [f"{base}/2019/schedule/presentation/{n}/" for n in (1, 2, 3, 4, 5)] + [
        f"{base}/2019/schedule/presentation/6/slides.pdf"
    ]
    corpus = result.corpus
    assert corpus.title == "PyCon US 2019"
    assert corpus.source == f"{base}/2019/schedule/talks/list/"
    assert corpus.talks == [
        Talk(
            id="1",
            title="Counting with generators",
            abstract=(
                "Generators count lazily. They never\nbuild the whole list.\n\n"
                "What you will learn:\n\n- `yield` and `yield from`\n- itertools.count\n\n"
                "Bring a laptop."
            ),
            speakers=("Ada Lovelace",),
            day="Friday",
            time=f"10:50 a.m.{EN}11:20 a.m.",
            room="Room 26A/B/C",
            url=f"{base}/2019/schedule/presentation/1/",
            event="pycon-us-2019",
        ),
        Talk(
            id="2",
            title="Three people, one talk",
            abstract="One paragraph only.",
            speakers=("Grace Hopper", "Guido van Rossum", "Katherine Johnson"),
            day="Saturday",
            time=f"1:20 p.m.{EN}4:40 p.m.",
            room="Room 21",
            url=f"{base}/2019/schedule/presentation/2/",
            event="pycon-us-2019",
        ),
        Talk(
            id="3",
            title="No description yet",
            url=f"{base}/2019/schedule/presentation/3/",
            event="pycon-us-2019",
        ),
    ]
    assert result.failures == [
        CrawlFailure(f"{base}/2019/schedule/presentation/4/", "HTTP 404 File not found"),
        CrawlFailure(
            f"{base}/2019/schedule/presentation/5/", "no title (selectors div.box-content > h2)"
        ),
        CrawlFailure(
            f"{base}/2019/schedule/presentation/6/slides.pdf", "not an HTML page (application/pdf)"
        ),
    ]
    assert server.count("/2019/schedule/presentation/1/") == 1
    assert server.count("/2019/schedule/presentation/7/") == 0


def test_pycon_2019_grid_is_told_apart_from_the_2023_grid(serve, fetcher):
    base = serve(SITES / "pycon-2019").url
    result = crawl_site(f"{base}/2019/schedule/talks/", fetcher)
    assert result.profile.name == "pycon-us-2019"
    assert [t.title for t in result.corpus] == [
        "Counting with generators",
        "Three people, one talk",
    ]
    assert result.failures == []


def test_pycon_2023_relative_links_prefix_and_lists(serve, fetcher):
    base = serve(SITES / "pycon-2023").url
    result = crawl_site(f"{base}/2023/schedule/talks/", fetcher)

    assert result.profile.name == "pycon-us-2023"
    assert result.failures == []
    talk = f"{base}/2023/schedule/presentation"
    assert result.corpus.talks == [
        Talk(
            id="10",
            title="Typing: gradually, then suddenly",
            abstract=(
                "Type hints start small and grow.\n\nWe cover:\n\n"
                "annotations,\nmypy in CI,\nProtocols & generics.\n\nFirst line\nsecond line"
            ),
            speakers=("Ada Lovelace", "Alan Turing"),
            track="Talks",
            day="Friday - April 21st, 2023",
            time="10:45 a.m.-11:15 a.m.",
            room="250AB",
            url=f"{talk}/10/index.html",
            event="pycon-us-2023",
        ),
        Talk(
            id="11",
            title="Python en la escuela",
            abstract="",
            speakers=("María Pérez",),
            track="Charlas",
            day="Friday - April 21st, 2023",
            time="11:30 a.m.-noon",
            room="355DEF",
            url=f"{talk}/11/index.html",
            event="pycon-us-2023",
        ),
        Talk(
            id="12",
            title="Speakers to be confirmed",
            abstract="Details soon.",
            speakers=(),
            track="Talks",
            day="Saturday - April 22nd, 2023",
            time="1 p.m.-1:30 p.m.",
            room="250AB",
            url=f"{talk}/12/index.html",
            event="pycon-us-2023",
        ),
    ]


def test_pycon_2025_grid_twice_footer_ignored(serve, fetcher):
    server = serve(SITES / "pycon-2025")
    base = server.url
    result = crawl_site(f"{base}/2025/schedule/talks/", fetcher)

    assert result.profile.name == "pycon-us-2025"
    # the grid and the small-screen list link the same talks; the keynote is no talk page
    assert result.links == [f"{base}/2025/schedule/presentation/{n}/" for n in (20, 21, 22)]
    assert server.count("/2025/about/") == 0
    talks = {t.id: t for t in result.corpus}
    assert talks["20"] == Talk(
        id="20",
        title="Free-threaded Python in practice",
        abstract=(
            "Why\n\nThe GIL is optional now. Threads run in parallel.\n\nMeasure.\nRemove locks."
        ),
        speakers=("Alvaro Duran", "Rushan Jiang"),
        track="Talks",
        day="Friday, May 16th, 2025",
        time=f"11 a.m.{EN}11:30 a.m.",
        room="Hall C",
        url=f"{base}/2025/schedule/presentation/20/",
        event="pycon-us-2025",
    )
    assert talks["21"].abstract == ""  # not the footer's div.content
    assert talks["21"].track == "Charlas"
    assert talks["22"].speakers == ()
    assert talks["22"].abstract == "Five minutes each, on any topic."


def test_europython_2016_tags_language_and_redirects(serve, fetcher):
    base = serve(SITES / "europython-2016").url
    result = crawl_site(f"{base}/p3/schedule/ep2016/", fetcher)

    assert result.profile.name == "europython-2016"
    assert result.corpus.title == "EuroPython 2016"
    # links lack the trailing slash: the server redirects, the talk keeps the final URL
    assert result.corpus.talks == [
        Talk(
            id="the-gil-is-dead",
            title="The GIL is dead",
            abstract="We removed the global interpreter lock.\n\nHere is what broke.",
            speakers=("Larry Example",),
            tags=("CPython", "Multi-Threading"),
            day="Tuesday 19 July",
            time="11:15",
            room="A1",
            url=f"{base}/conference/talks/the-gil-is-dead/",
            event="europython-2016",
            language="EN",
        ),
        Talk(
            id="async-all-the-things",
            title="async all the things",
            abstract="asyncio\nfrom the ground up.",
            speakers=("Ana Example", "Bo Example"),
            url=f"{base}/conference/talks/async-all-the-things/",
            event="europython-2016",
        ),
    ]


def test_named_profile_is_used_without_detection(serve, fetcher):
    base = serve(SITES / "europython-2016").url
    corpus = crawl(f"{base}/p3/schedule/ep2016/", fetcher, profile="europython-2016")
    assert [t.id for t in corpus] == ["the-gil-is-dead", "async-all-the-things"]
    selector = get_profile("pycon-us-2019").talk_links
    expected = f"selector {selector!r} of profile 'pycon-us-2019' matched nothing"
    with pytest.raises(SourceError, match=re.escape(expected)):
        crawl(f"{base}/p3/schedule/ep2016/", fetcher, profile="pycon-us-2019")


def test_load_dispatches_urls_to_the_crawler(serve, fetcher):
    base = serve(SITES / "pycon-2023").url
    corpus = load(f"{base}/2023/schedule/talks/", fetcher, profile="pycon-us-2023")
    assert [t.id for t in corpus] == ["10", "11", "12"]


def test_crawl_logs_failures_and_returns_the_rest(serve, fetcher, caplog):
    base = serve(SITES / "pycon-2019").url
    with caplog.at_level(logging.WARNING, logger="topics.sources.crawler"):
        corpus = crawl(f"{base}/2019/schedule/talks/list/", fetcher)
    assert [t.id for t in corpus] == ["1", "2", "3"]
    [record] = caplog.records
    assert "3 of 6 talk pages skipped" in record.getMessage()
    assert f"{base}/2019/schedule/presentation/4/: HTTP 404" in record.getMessage()


def test_second_crawl_reads_every_page_from_the_cache(serve, tmp_path):
    server = serve(SITES / "pycon-2025")
    url = f"{server.url}/2025/schedule/talks/"
    first = crawl(url, Fetcher(tmp_path / "cache"))
    n_requests = len(server.requests)
    again = Fetcher(tmp_path / "cache")
    second = crawl(url, again)
    assert second.talks == first.talks
    assert len(server.requests) == n_requests
    assert again.n_requests == 0


def test_progress_bar_goes_to_stderr(serve, fetcher, capsys):
    base = serve(SITES / "pycon-2023").url
    crawl(f"{base}/2023/schedule/talks/", fetcher, progress=True)
    captured = capsys.readouterr()
    assert "talk pages" in captured.err
    assert "3/3" in captured.err
    assert captured.out == ""


def test_list_page_without_talk_links_names_selector_and_profile(serve, fetcher):
    base = serve(SITES / "broken").url
    # detected by URL pattern alone, since no selector matches
    with pytest.raises(SourceError) as info:
        crawl(f"{base}/2019/schedule/talks/list/", fetcher)
    message = str(info.value)
    selector = get_profile("pycon-us-2019").talk_links
    assert f"talk_links selector {selector!r} of profile 'pycon-us-2019' matched nothing" in message


def test_list_page_with_only_offsite_links(serve, fetcher):
    base = serve(SITES / "broken").url
    with pytest.raises(SourceError, match=r"matched 1 elements but none links to a page on"):
        crawl(f"{base}/offsite/", fetcher)


def test_unknown_site_lists_profiles_and_needed_fields(serve, fetcher):
    base = serve(SITES / "broken").url
    with pytest.raises(SourceError) as info:
        crawl(f"{base}/unknown/", fetcher)
    message = str(info.value)
    for name in PROFILES:
        assert name in message
    assert "talk_links" in message and "title" in message


def test_all_talk_pages_failing_is_an_error(serve, fetcher):
    base = serve(SITES / "broken").url
    with pytest.raises(SourceError, match=r"none of the 2 talk pages .* HTTP 404"):
        crawl(f"{base}/all-fail/", fetcher)


def test_list_page_that_cannot_be_fetched(serve, fetcher):
    base = serve(SITES / "broken").url
    with pytest.raises(SourceError, match=r"cannot fetch the talk list page .*404"):
        crawl(f"{base}/nowhere/", fetcher)


def test_unknown_profile_name_lists_known_ones(serve, fetcher):
    with pytest.raises(SourceError, match=r"no site profile 'nope'.*pycon-us-2025"):
        get_profile("nope")
    base = serve(SITES / "pycon-2023").url
    with pytest.raises(SourceError, match=r"known profiles: pycon-us-2019"):
        crawl(f"{base}/2023/schedule/talks/", fetcher, profile="nope")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("pycon-2019/2019/schedule/talks/list/index.html", "pycon-us-2019"),
        ("pycon-2019/2019/schedule/talks/index.html", "pycon-us-2019"),
        ("pycon-2023/2023/schedule/talks/index.html", "pycon-us-2023"),
        ("pycon-2025/2025/schedule/talks/index.html", "pycon-us-2025"),
        ("europython-2016/p3/schedule/ep2016/index.html", "europython-2016"),
    ],
)
def test_detection_by_markup_alone(page, expected):
    soup = BeautifulSoup((SITES / page).read_bytes(), "lxml")
    assert detect_profile("http://example.org/programme/", soup).name == expected


def test_detection_prefers_the_url_on_a_tie():
    soup = BeautifulSoup(
        '<td class="event"><div class="name"><a href="/t/1">x</a></div></td>', "lxml"
    )
    assert detect_profile("https://ep2016.europython.eu/p3/", soup).name == "europython-2016"


def test_custom_profile_object(serve, fetcher):
    base = serve(SITES / "broken").url
    profile = Profile(
        name="tiny",
        description="a one-off",
        talk_links="ul.talks a",
        title="h1",
    )
    with pytest.raises(SourceError, match=r"none of the 1 talk pages.*HTTP 404"):
        crawl_site(f"{base}/unknown/", fetcher, profile=profile)


def test_profile_validation():
    with pytest.raises(SourceError, match=r"title selector 'h1\[' is not valid CSS"):
        Profile(name="bad", description="", talk_links="a", title="h1[")
    with pytest.raises(SourceError, match=r"talk_links selector"):
        Profile(name="bad", description="", talk_links="a[", title="h1")
    with pytest.raises(SourceError, match=r"needs a name, talk_links"):
        Profile(name="bad", description="", talk_links="", title="h1")
    with pytest.raises(SourceError, match=r"when_pattern is not a regular expression"):
        Profile(name="bad", description="", talk_links="a", title="h1", when_pattern="(")
    with pytest.raises(SourceError, match=r"abstract_format"):
        Profile(name="bad", description="", talk_links="a", title="h1", abstract_format="md")
    assert Profile(name="ok", description="", talk_links="a", title="h1").title == ("h1",)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_builtin_profiles_selectors_are_valid_css(name):
    # Made without parsing their selectors (at every start): checked here instead.
    checked = dataclasses.replace(PROFILES[name])  # check_selectors defaults to True
    assert checked == PROFILES[name]
    bad = dataclasses.replace(PROFILES[name], check_selectors=False, speakers=("a[",))
    with pytest.raises(SourceError, match=r"speakers selector 'a\[' is not valid CSS"):
        dataclasses.replace(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"Thursday 1:20 p.m.{EN}4:40 p.m. in Room 21",
            ("Thursday", f"1:20 p.m.{EN}4:40 p.m.", "Room 21"),
        ),
        (
            "Friday - April 21st, 2023 11:30 a.m.-noon in 250AB",
            ("Friday - April 21st, 2023", "11:30 a.m.-noon", "250AB"),
        ),
        (
            f"Friday, May 16th, 2025\n   11 a.m.{EN}11:30 a.m. in Hall C",
            ("Friday, May 16th, 2025", f"11 a.m.{EN}11:30 a.m.", "Hall C"),
        ),
        ("Sometime soon", ("Sometime soon", "", "")),
        ("", ("", "", "")),
    ],
)
def test_parse_when(text, expected):
    assert parse_when(text, WHEN_PATTERN) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://us.pycon.org/2019/schedule/presentation/235/", "235"),
        ("https://us.pycon.org/2023/schedule/presentation/127/index.html", "127"),
        ("https://ep2016.europython.eu/conference/talks/The-GIL", "the-gil"),
        ("https://example.org/talk.php?id=5", "talk-id-5"),
        ("https://example.org/", "example-org"),
    ],
)
def test_talk_id(url, expected):
    assert talk_id(url) == expected


def test_event_name():
    pycon = get_profile("pycon-us-2019")
    assert event_name("https://us.pycon.org/2018/schedule/talks/list/", pycon) == "pycon-us-2018"
    assert event_name("http://127.0.0.1:8000/talks/", pycon) == "pycon-us-2019"
    ep = get_profile("europython-2016")
    assert event_name("https://ep2016.europython.eu/p3/schedule/", ep) == "europython-2016"
    bare = Profile(name="x", description="", talk_links="a", title="h1")
    assert event_name("https://conf.example.org/talks/", bare) == "conf-example-org"
