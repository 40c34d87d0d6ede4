"""The generic path: sites no profile knows, read with a profile inferred from their pages.

Unit tests of link grouping, day tabs and the new profile fields on pages written here,
then three hand-written sites of other shapes (tests/fixtures/sites/generic: a
Jekyll-like static site, an Indico-like event with schema.org data, a programme split
over day pages) served on 127.0.0.1 and read by the real command line, talk by talk.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from bs4 import BeautifulSoup

from tests.helpers import FIXTURES, saved_corpus
from topics.cli import PAGES_FAILED, main
from topics.sources import SourceError
from topics.sources.builtin_profiles import BUILTIN_VARIABLE, detect_profile, matching_profile
from topics.sources.crawler import crawl_site
from topics.sources.http import Fetcher, Page
from topics.sources.inference import Sample, learn_fields
from topics.sources.inference_pages import spread
from topics.sources.links import site_links, url_shapes
from topics.sources.profiles import FIELDS, Profile, load_profile
from topics.sources.talklinks import (
    find_programme_pages,
    find_talk_links,
    is_day,
    is_name,
    title_likeness,
)
from topics.sources.talkpages import parse_talk

GENERIC = FIXTURES / "sites" / "generic"
EXPECTED = json.loads((GENERIC / "expected.json").read_text())

LIST_PAGE = """<!DOCTYPE html><html><head><title>Talks | MyCon 2024</title></head><body>
<nav><a href="/">Home</a> <a href="/talks/">Talks</a> <a href="/speakers/">Speakers</a>
<a href="/sponsors/">Sponsors</a></nav>
<div class="days"><a href="/schedule/friday/">Friday</a> <a href="/schedule/saturday/">Saturday</a>
<a href="/posters/">Posters (Sunday)</a></div>
<table class="grid">
<tr><td><a href="/talk/101/">Async all the way down</a> <a href="/speaker/7/">Ada Lovelace</a>
 <a href="https://video.example/1">Video</a></td></tr>
<tr><td><a href="/talk/102/">A gentle introduction to type hints</a>
 <a href="/speaker/8/">Grace Hopper</a> <a href="https://video.example/2">Video</a></td></tr>
<tr><td><a href="/talk/103/">Packaging Python projects in 2024</a>
 <a href="/speaker/9/">Guido van Rossum</a></td></tr>
<tr><td><a href="/talk/104/">Testing with Hypothesis</a>
 <a href="/speaker/7/">Ada Lovelace</a></td></tr>
</table>
<footer><a href="/sponsor/acme/"><img src="/acme.png" alt=""></a>
<a href="/sponsor/initech/"><img src="/initech.png" alt=""></a></footer>
</body></html>"""


def soup_of(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "lxml")


def test_talk_links_are_the_group_of_titles_not_navigation_speakers_or_days():
    url = "http://conf.test/schedule/friday/"
    soup = soup_of(LIST_PAGE)
    group = find_talk_links(url, soup)
    assert group.urls == [f"http://conf.test/talk/{n}/" for n in (101, 102, 103, 104)]
    assert str(group.shape) == "/talk/*"
    found = [u for _, u in site_links(url, soup, soup.select(group.selector))]
    assert sorted(set(found)) == group.urls  # the selector selects the group alone


def test_talk_links_varying_in_a_query_value():
    rows = "".join(
        f'<li><a href="/session.php?id={n}">Session title number {n} here</a>'
        f' <a href="/person.php?id={n + 50}">Ann Smith{n}</a></li>'
        for n in range(1, 6)
    )
    page = f'<ul>{rows}</ul><a href="/session.php">All sessions listed</a>'
    url = "http://conf.test/program.php"
    group = find_talk_links(url, soup_of(page))
    assert group.urls == [f"http://conf.test/session.php?id={n}" for n in range(1, 6)]
    assert str(group.shape) == "/session.php?id=*"


def test_talk_links_told_apart_by_a_fixed_query_parameter():
    def link(action: str, n: int, text: str) -> str:
        return f'<a href="request.php?module=oc_program&amp;action={action}&amp;id={n}">{text}</a>'

    rows = "".join(
        f"<tr><td>{link('summary.php', n, f'Paper {n}: on the theory of things')}<br>"
        f"{link('author.php', n + 40, f'Ann Lee{n}')}</td></tr>"
        for n in range(1, 8)
    )
    url = "http://x.test/modules/request.php?module=oc_program&action=program.php"
    soup = soup_of(f"<table>{rows}</table>")
    group = find_talk_links(url, soup)
    assert len(group.urls) == 7 and all("summary.php" in u for u in group.urls)
    assert {u for _, u in site_links(url, soup, soup.select(group.selector))} == set(group.urls)


def test_a_link_of_the_talks_shape_that_is_no_talk_is_left_out():
    rows = "".join(
        f'<li class="row"><span class="t"><a href="/event/7/contributions/{n}/">{n}. Talk'
        f" about subject {n}</a></span></li>"
        for n in range(101, 106)
    )
    page = f'<a href="/event/7/contributions/speakers">Speaker List</a><ol>{rows}</ol>'
    group = find_talk_links("http://x.test/event/7/contributions/", soup_of(page))
    assert len(group.urls) == 5 and not any("speakers" in u for u in group.urls)
    assert "speakers" not in str(soup_of(page).select(group.selector))


def test_no_group_of_talk_links_is_a_source_error():
    with pytest.raises(SourceError, match="no group of 2 or more links"):
        find_talk_links("http://x.test/", soup_of('<a href="/talk/1/">The only talk here</a>'))


def test_day_tabs_are_programme_pages_and_other_programmes_are_not():
    selector, urls = find_programme_pages("http://conf.test/schedule/friday/", soup_of(LIST_PAGE))
    assert urls == ["http://conf.test/schedule/saturday/"]  # not /posters/ "(Sunday)"
    assert selector


@pytest.mark.parametrize(
    ("text", "likeness"),
    [
        ("Async all the way down", 1.0),
        ("Video", 0.15),
        ("Friday", 0.0),
        ("Day 2", 0.0),
        ("/talk/1/", 0.0),
        ("Ada Lovelace", 0.35),
        ("Type hints", 0.7),
        ("Read more »", 0.05),
    ],
)
def test_title_likeness(text, likeness):
    assert title_likeness(text) == likeness


def test_names_days_and_shapes():
    assert is_name("Guido van Rossum") and not is_name("Writing Python For Kids", most=3)
    assert is_day("2024-05-17") and is_day("schedule-saturday") and not is_day("posters")
    assert [str(s) for s, _ in url_shapes("http://x/a/1/b?k=v")][1] == "/a/*/b"
    assert spread(list(range(100)), 3) == [0, 50, 99]


def talk_page(n: int, extra: str = "") -> Page:
    """A talk page of a made-up template: title, labels, a bio, a sidebar."""
    words = ["parsers", "queues", "caches", "compilers", "sensors", "notebooks"][n % 6]
    markup = f"""<html><head><title>Talk {n} about {words} | MyCon</title></head><body>
    <nav><a href="/">Home</a><a href="/talks/">Talks</a></nav>
    <div class="talk"><h1>All about {words}, part {n}</h1>
    <p class="by"><a href="/speaker/{n}/">Person{"abcdefgh"[n % 8]} Example</a></p>
    <ul class="facts"><li><b>Track:</b> {["Web", "Data", "Core"][n % 3]}</li>
    <li><b>Room:</b> Hall {n % 2 + 1}</li></ul>
    <h2>Description</h2><div class="text"><p>We look at {words} in depth, from first
    principles to production, with examples.</p><p>Second part of talk {n}: lessons about
    {words} learnt the hard way.</p></div>
    <h2>About the speaker</h2><p>Person{n} has worked on {words} for ten years at a company
    that builds them.</p></div>
    <aside><ul><li><a href="/talk/{n + 1}/">Another talk on a related subject</a></li></ul></aside>
    <footer>MyCon 2024, all rights reserved</footer>{extra}</body></html>"""
    return Page(f"http://conf.test/talk/{n}/", markup.encode(), "text/html", "utf-8")


def samples(n: int = 6) -> list[Sample]:
    pages = [talk_page(i) for i in range(n)]
    words = ["parsers", "queues", "caches", "compilers", "sensors", "notebooks"]
    return [
        Sample(p.url, soup_of(p.content.decode()), [f"All about {words[i % 6]}, part {i}"])
        for i, p in enumerate(pages)
    ]


def test_fields_are_learnt_across_pages():
    learnt = learn_fields(samples())
    profile = Profile(name="x", description="", talk_links="a", **learnt.fields)
    talk = parse_talk(talk_page(3), profile)
    assert talk.title == "All about compilers, part 3"
    assert talk.abstract.startswith("We look at compilers in depth")
    assert talk.abstract.endswith("learnt the hard way.")  # both paragraphs, no bio
    assert "ten years" not in talk.abstract and "Another talk" not in talk.abstract
    assert talk.speakers == ("Persond Example",)
    assert (talk.track, talk.room) == ("Web", "Hall 2")
    assert learnt.shares["title"] == 1.0


def test_a_page_that_does_not_fit_is_a_failure_not_a_mangled_talk():
    learnt = learn_fields(samples())
    profile = Profile(name="x", description="", talk_links="a", **learnt.fields)
    odd = Page("http://conf.test/talk/9/", b"<html><body><p>Moved.</p></body></html>", "text/html")
    with pytest.raises(SourceError, match="no title"):
        parse_talk(odd, profile)


def test_abstract_parts_are_read_in_page_order_once_each():
    page = Page(
        "http://x/t/1/",
        b"<h1>T</h1><div class='a'>First</div><div class='b'>Second <div class='a'>in</div></div>"
        b"<div class='a'>Third</div>",
        "text/html",
    )
    profile = Profile(name="x", description="", talk_links="a", title="h1",
                      abstract_parts=("div.b", "div.a"), abstract="h1")  # fmt: skip
    assert parse_talk(page, profile).abstract == "First\n\nSecond\n\nin\n\nThird"


def test_labels_site_names_and_meta_titles_are_removed_or_read():
    page = Page(
        "http://x/t/1/",
        b'<html><head><meta property="og:title" content="Real title">'
        b"<title>Real title | MyCon 2024</title></head><body><p>Track: Web</p>"
        b"<p>Room:Hall 1</p></body></html>",
        "text/html",
    )
    profile = Profile(name="x", description="", talk_links="a", title="title",
                      title_suffix=r"\s*\|\s*MyCon 2024$", track="p", room="p + p",
                      value_prefix=r"^(?:Track|Room)\s*:\s*")  # fmt: skip
    talk = parse_talk(page, profile)
    assert (talk.title, talk.track, talk.room) == ("Real title", "Web", "Hall 1")
    meta = Profile(name="x", description="", talk_links="a", title='meta[property="og:title"]')
    assert parse_talk(page, meta).title == "Real title"


def test_structured_data_fills_what_the_selectors_leave_empty():
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "From JSON-LD",
        "description": "<p>About <b>it</b>.</p>",
        "startDate": "2024-05-17T10:30:00+02:00",
        "location": {"@type": "Place", "name": "Hall C"},
        "performer": [{"@type": "Person", "name": "Ada Lovelace"}],
        "keywords": "python, web",
    }
    markup = f'<script type="application/ld+json">{json.dumps(data)}</script><h1>Shown</h1>'
    page = Page("http://x/t/1/", markup.encode(), "text/html")
    profile = Profile(name="x", description="", talk_links="a", title="h1",
                      structured_data="Event")  # fmt: skip
    talk = parse_talk(page, profile)
    assert talk.title == "Shown"  # the page's own wins
    assert (talk.abstract, talk.room, talk.day, talk.time) == (
        "About it.", "Hall C", "2024-05-17", "10:30")  # fmt: skip
    assert talk.speakers == ("Ada Lovelace",) and talk.tags == ("python", "web")
    plain = Profile(name="x", description="", talk_links="a", title="h1")
    assert parse_talk(page, plain).room == ""


def test_new_fields_in_a_profile_file(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        'talk_links = "a.talk"\nlist_pages = "div.days a"\ntitle = "h1"\n'
        'abstract_parts = ["div.description", "div.abstract"]\nvalue_prefix = "^Track: "\n'
        'title_suffix = " [|] MyCon$"\nstructured_data = "Event"\n'
    )
    profile = load_profile(path)
    assert profile.abstract_parts == ("div.description", "div.abstract")
    assert profile.list_pages == "div.days a" and profile.structured_data == "Event"
    for name in ("list_pages", "abstract_parts", "title_suffix", "value_prefix"):
        assert name in FIELDS
    path.write_text('talk_links = "a"\ntitle = "h1"\nstructured_data = "Person"\n')
    with pytest.raises(SourceError, match="structured_data must be 'Event'"):
        load_profile(path)


def test_the_builtin_profiles_can_be_switched_off(monkeypatch):
    soup = soup_of('<div class="box-content"><h2><a id="presentation-1" href="/p/1/">T</a></h2>')
    assert matching_profile("http://x/2019/schedule/talks/list/", soup).name == "pycon-us-2019"
    monkeypatch.setenv(BUILTIN_VARIABLE, "off")
    assert matching_profile("http://x/2019/schedule/talks/list/", soup) is None
    with pytest.raises(SourceError, match="no site profile recognises"):
        detect_profile("http://x/2019/schedule/talks/list/", soup)


def run_cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    ("site", "path"),
    [
        ("static", "/2024/talks/"),
        ("indico", "/event/7/contributions/"),
        ("daytabs", "/conf/program/day-1.html"),
    ],
)
def test_hand_written_sites_of_other_shapes(site, path, serve, tmp_path):
    server = serve(GENERIC / site)
    code, err = run_cli("crawl", server.url + path, "--cache", str(tmp_path / "cache"))
    assert "topics: profile: inferred: talk links" in err
    corpus = saved_corpus(tmp_path / "cache")
    expected = EXPECTED[site]
    talks = {t.url.removeprefix(server.url): t for t in corpus}
    assert set(talks) == set(expected)  # every talk, of every day, and nothing else
    for url, want in expected.items():
        talk = talks[url]
        assert talk.title == want["title"], url
        assert flat(talk.abstract) == flat(want["abstract"]), url
        assert (talk.track, talk.room) == (want["track"], want["room"]), url
        # Indico shows each speaker with an affiliation: "Ada Lovelace (University of X)"
        assert len(talk.speakers) == len(want["speakers"]), url
        assert all(s.startswith(w) for s, w in zip(talk.speakers, want["speakers"], strict=True))
    if site == "daytabs":  # the session page of another layout is reported, not read
        assert code == PAGES_FAILED
        [failed] = err.split("pages failed:\n", 1)[1].splitlines()
        assert failed.endswith(
            "/conf/program/session-99.html: no title (selectors h2.session-title)"
        )
    else:
        assert code == 0, err
    assert not [p for p in server.requests if "sponsor" in p or "people" in p]


def test_profile_command_writes_a_profile_that_reads_the_same_talks(serve, tmp_path):
    server = serve(GENERIC / "daytabs")
    url = server.url + "/conf/program/day-1.html"
    cache, out = str(tmp_path / "cache"), tmp_path / "daytabs.toml"
    code, err = run_cli("profile", url, "--cache", cache, "--out", str(out))
    assert code == 0, err
    text = out.read_text()
    assert 'list_pages = "a.tab"' in text
    assert re.search(r'^title = \["h2.session-title"\]  # found on 10 of 11 sampled pages$',
                     text, re.M)  # fmt: skip
    inferred = crawl_site(url, Fetcher(cache), profile=load_profile(out))
    generic = crawl_site(url, Fetcher(cache))
    assert inferred.corpus.talks == generic.corpus.talks
    assert generic.profile.name == "inferred" and len(generic.corpus) == 10


def test_a_users_profile_wins(serve, tmp_path):
    server = serve(GENERIC / "static")
    (tmp_path / "mine.toml").write_text('talk_links = "a.talk-link"\ntitle = "title"\n')
    code, err = run_cli("crawl", server.url + "/2024/talks/", "--profile",
                        str(tmp_path / "mine.toml"), "--cache", str(tmp_path / "c"))  # fmt: skip
    assert code == 0, err
    assert "topics: profile:" not in err
    titles = {t.title for t in saved_corpus(tmp_path / "c")}
    assert "Streaming joins without tears | PyData Riverside 2024" in titles


def test_options_before_and_after_several_sources(serve, tmp_path):
    server = serve(GENERIC / "daytabs")
    day1, day2 = (f"{server.url}/conf/program/day-{n}.html" for n in (1, 2))
    code, err = run_cli("crawl", day1, "--cache", str(tmp_path / "c"), day2, "--max-pages", "50")
    assert code == PAGES_FAILED, err
    corpus = saved_corpus(tmp_path / "c")
    assert len(corpus) == 10  # each talk once, though both pages lead to every day


def test_links_reading_read_more_take_the_title_of_their_item():
    items = "".join(
        f'<div class="card"><h3>Talk number {n} on a subject</h3><p>By <a href="/people/{n}/">'
        f'Ann Person{"abcdef"[n]}</a></p><a href="/sessions/{n}/">Read more</a></div>'
        for n in range(5)
    )
    group = find_talk_links("http://x.test/programme/", soup_of(f"<main>{items}</main>"))
    assert str(group.shape) == "/sessions/*"
    assert group.texts["http://x.test/sessions/2/"] == ["Talk number 2 on a subject"]


def flat_page(n: int) -> Page:
    """A Markdown page without wrappers: the abstract is the paragraphs between the meta
    line and the speaker's heading."""
    topic = ["parsers", "queues", "caches", "compilers", "sensors"][n % 5]
    paragraphs = "".join(
        f"<p>Paragraph {k} of talk {n}: how {topic} behave under load, and what to do.</p>"
        for k in range(1 + n % 3)
    )
    markup = (
        f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Understanding {topic}"
        f" deeply</h1><p class='meta'>Room {n % 2 + 1} - 10:{n}0</p>{paragraphs}"
        f"<h2>Person{'abcde'[n % 5]} Example</h2><p>Person{n} writes {topic} for a living"
        " and speaks at meetups.</p></article><footer>Site footer text here</footer></body></html>"
    )
    return Page(f"http://x.test/talk/{n}/", markup.encode(), "text/html")


def test_abstract_paragraphs_without_a_wrapper():
    pages = [flat_page(n) for n in range(6)]
    texts = [f"Understanding {['parsers', 'queues', 'caches', 'compilers', 'sensors'][n % 5]}"
             " deeply" for n in range(6)]  # fmt: skip
    learnt = learn_fields(
        [Sample(p.url, soup_of(p.content.decode()), [t]) for p, t in zip(pages, texts, strict=True)]
    )
    profile = Profile(name="x", description="", talk_links="a", **learnt.fields)
    talk = parse_talk(flat_page(8), profile)
    assert talk.abstract.count("Paragraph") == 3 and "for a living" not in talk.abstract
    assert "Room" not in talk.abstract


def test_pretalx_shaped_pages_without_the_builtin_profile():
    from tests.helpers.pretalx_pages import talk_page

    pages = [
        talk_page(
            f"Talk {n} about caches and queues",
            f"Abstract {n} " * 6,
            f"More {n} " * 9,
            f"Ann Person{'abcdef'[n]}",
            f"2031-05-0{n + 1} <time>1{n}:00</time>\u2013<time>1{n}:30</time>",
        )
        for n in range(5)
    ]
    samples_ = [
        Sample(f"http://x/t/{n}/", soup_of(p), [f"Talk {n} about caches and queues"])
        for n, p in enumerate(pages)
    ]
    learnt = learn_fields(samples_)
    profile = Profile(name="x", description="", talk_links="a", **learnt.fields)
    talk = parse_talk(Page("http://x/t/2/", pages[2].encode(), "text/html"), profile)
    assert talk.title == "Talk 2 about caches and queues"
    assert (talk.day, talk.time, talk.room) == ("2031-05-03", "12:00\u201312:30", "Main hall")
    assert talk.track == ""  # not the ".ical" button beside the title
    assert talk.abstract.startswith("Abstract 2") and talk.abstract.endswith("More 2")


def test_labels_in_other_languages():
    pages = [
        f"<h1>Vortrag {n} über Datenbanken und Netze</h1><p><b>Raum:</b> Saal {n % 2}</p>"
        f"<p><b>Kategorie:</b> {['Web', 'Daten'][n % 2]}</p><div class='text'><p>Wir zeigen"
        f" Beispiel {n} aus der Praxis, mit Code und Messungen.</p></div>"
        for n in range(4)
    ]
    samples_ = [
        Sample(f"http://x/t/{n}/", soup_of(p), [f"Vortrag {n} über Datenbanken und Netze"])
        for n, p in enumerate(pages)
    ]
    profile = Profile(name="x", description="", talk_links="a", **learn_fields(samples_).fields)
    talk = parse_talk(Page("http://x/t/3/", pages[3].encode(), "text/html"), profile)
    assert (talk.room, talk.track) == ("Saal 1", "Daten")
    assert talk.abstract == "Wir zeigen Beispiel 3 aus der Praxis, mit Code und Messungen."


def test_titles_match_across_typography_and_link_texts_with_more():
    pages = [
        f"<h1>Day {n + 1}</h1><h2>Don\u2019t panic \u2013 async part {n}</h2>"
        f"<div class='x'><p>Body {n} with enough words to count as an abstract.</p></div>"
        for n in range(4)
    ]
    texts = [f"Don't panic - async part {n} \u2014 Ann Lee, Bob Ray, Cy Twombly" for n in range(4)]
    learnt = learn_fields(
        [
            Sample(f"http://x/t/{n}/", soup_of(p), [t])
            for n, (p, t) in enumerate(zip(pages, texts, strict=True))
        ]
    )
    assert learnt.fields["title"] == ("h2",) and learnt.shares["title"] == 1.0


def test_pages_of_a_paginated_list_are_programme_pages():
    page = (
        '<a href="/talks/page/2/">2</a> <a href="/talks/page/3/">3</a>'
        ' <a href="/talks/page/2/">Next \u203a</a> <a href="/talks/tag/web/">web</a>'
    )
    selector, urls = find_programme_pages("http://x.test/talks/page/1/", soup_of(page))
    assert urls == ["http://x.test/talks/page/2/", "http://x.test/talks/page/3/"]
    assert "tag" not in str(soup_of(page).select(selector))


def frab_page(n: int) -> str:
    """A talk page in the shape of frab's public schedule (badges, cards, speaker cards
    with a short biography, concurrent events)."""
    topic = ["parsers", "queues", "caches", "compilers", "sensors", "notebooks"][n % 6]
    track, room = ["Hardware", "Security", "Community"][n % 3], ["Hall A", "Saal 2"][n % 2]
    other = (n + 1) % 6
    return f"""<html><body><nav><a href="/s/events.html">Events</a></nav><article>
    <div class="mb-4"><h2 class="h3 fw-bold">All about {topic}</h2><div class="text-muted">
    <div class="badge bg-light">August 2{n}, 2019 <time datetime="x">10:{n}0</time> &ndash;
    <time datetime="y">11:{n}0</time></div><div class="badge bg-secondary">{room}</div>
    <div class="d-flex"><div class="badge bg-success">{track}</div></div></div></div>
    <div class="row"><div class="col-8"><div class="card"><div class="card-body">
    <h4 class="card-title">Abstract</h4><div class="text-muted fs-5"><p>What {topic} do,
    in talk {n}, from the ground up.</p><p>Part two of talk {n}: {topic} in production.</p>
    </div></div></div></div><div class="col-4"><div class="speakers-section"><div class="card">
    <a href="/s/speakers/{n}.html"><img src="/a.png" alt="profile picture"></a>
    <div class="title"><a href="/s/speakers/{n}.html">Ann Person{"abcdef"[n]}</a></div>
    <div class="abstract small">Ann has built {topic} for years at a large company.</div>
    </div></div><div class="concurrent-events"><h5>Concurrent Events</h5><div><small>Hall
    B</small><a href="/s/events/{other}.html">All about {["a", "b", "c", "d", "e", "f"][other]}
    things</a></div></div></div></div></article></body></html>"""


def test_frab_shaped_pages_badges_are_room_track_and_time():
    titles = [f"All about {t}" for t in ["parsers", "queues", "caches", "compilers", "sensors"]]
    learnt = learn_fields(
        [Sample(f"http://x/t/{n}/", soup_of(frab_page(n)), [titles[n]]) for n in range(5)]
    )
    profile = Profile(name="x", description="", talk_links="a", **learnt.fields)
    talk = parse_talk(Page("http://x/t/5/", frab_page(5).encode(), "text/html"), profile)
    assert (talk.title, talk.track, talk.room) == ("All about notebooks", "Community", "Saal 2")
    assert (talk.day, talk.time) == ("August 25, 2019", "10:50 \u2013 11:50")
    assert talk.speakers == ("Ann Personf",)
    assert talk.abstract.startswith("What notebooks do") and talk.abstract.endswith("production.")
