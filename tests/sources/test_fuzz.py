"""Property-based tests: random pages and files give talks or the project's own errors.

Hypothesis writes random HTML (talk pages and list pages, in random encodings, damaged or
not) and random tables (CSV, JSON, JSON Lines, gzip or not, named right or wrong); the
extractors and parsers must return talks that are safe to publish, or raise
:class:`~topics.sources.SourceError` / :class:`~topics.corpus.CorpusError` with a one-line
message, never anything else. (Random frab XML and c3voc JSON schedules are fed to the
schedule parser by tests/test_schedule.py.)
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.reliability_table import reliability
from topics.corpus import MAX_TITLE, Corpus, CorpusError, Talk, is_safe_id
from topics.sources import SourceError, load
from topics.sources.builtin_profiles import PROFILES, detect_profile
from topics.sources.http import Fetcher, Page
from topics.sources.inference import Sample, learn_fields
from topics.sources.links import site_links
from topics.sources.profiles import Profile
from topics.sources.pyvideo import load_folder
from topics.sources.structured import event_fields
from topics.sources.tables import load_table
from topics.sources.talklinks import find_talk_links
from topics.sources.talkpages import parse_html, parse_talk, talk_links
from topics.textsafety import clean_text

pytestmark = pytest.mark.fuzz

TAGS = [
    "p",
    "div",
    "span",
    "a",
    "h1",
    "h2",
    "li",
    "ul",
    "table",
    "tr",
    "td",
    "br",
    "pre",
    "script",
    "style",
    "title",
    "template",
    "noscript",
    "svg",
    "math",
    "b",
    "article",
    "section",
    "time",
    "code",
    "iframe",
    "base",
    "meta",
    "form",
    "select",
    "option",
]
CLASSES = [
    "title",
    "abstract",
    "speaker",
    "speakers",
    "talks",
    "description",
    "presentation",
    "track",
    "who",
    "schedule",
    "talk",
    "content",
    "box-content",
    "sessions",
]
HREFS = [
    "/talk/1/",
    "../x",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "//other/x",
    "#top",
    "http://u:p@127.0.0.1/",
    "data:text/html,x",
    "?q=1",
    "%zz",
    "http://[::1",
    "  ",
]
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
attributes = st.dictionaries(
    st.sampled_from(["class", "href", "id", "onclick", "lang", "datetime", "src", "charset"]),
    st.sampled_from(CLASSES + HREFS) | text,
    max_size=3,
)


def _element(tag: str, attrs: dict, body: str, children: list[str]) -> str:
    rendered = "".join(
        f' {name}="{value.replace(chr(34), "&quot;")}"' for name, value in attrs.items()
    )
    close = "" if tag in ("br", "meta", "base") else f"</{tag}>"
    return f"<{tag}{rendered}>{body}{''.join(children)}{close}"


fragments = st.recursive(
    st.builds(_element, st.sampled_from(TAGS), attributes, text, st.just([])) | text,
    lambda children: st.builds(
        _element, st.sampled_from(TAGS), attributes, text, st.lists(children, max_size=4)
    ),
    max_leaves=25,
)


#: A profile as a user would write one for a plain site.
SIMPLE = Profile(
    name="simple",
    description="a plain site",
    talk_links="a",
    title=("h1",),
    abstract=("div.abstract",),
    speakers=("span",),
)


#: A profile as one inferred from a site: every field the generic path may set.
INFERRED = Profile(
    name="inferred",
    description="as inferred",
    talk_links='a[href*="talk/"]',
    title=("div.grid-100 > h1",),
    title_prefix=r"^(?P<track>[^:]{1,60}?)\s*:\s*",
    title_suffix=r"\s*\|\s*Conf$",
    abstract_parts=("div.abstract > :not(h3)", "div.description"),
    speakers=('a[href*="speaker/"]', "span.speaker"),
    track=('dt:-soup-contains-own("Track") + dd',),
    room=('p:has(> b:-soup-contains-own("Room"))',),
    value_prefix=r"^\s*(?:Track|Room)\s*:?\s*",
    structured_data="Event",
)

#: JSON-LD a page may carry: schema.org Events, odd ones, and not JSON at all.
JSON_LD = st.sampled_from(
    [
        "",
        '{"@type": "Event", "name": "N", "startDate": "2024-05-17T10:00", "performer": '
        '[{"name": "A"}, "B", 3], "location": {"name": ["x"]}, "keywords": ["a", {"b": 1}]}',
        '{"@graph": [{"@type": ["Event", "Thing"], "description": {"@value": "<b>d</b>"}}]}',
        '[{"@type": "Event", "name": null, "startDate": 7, "about": []}]',
        '{"@type": "Event"' + "[" * 3000,
        "not json",
    ]
)


@st.composite
def pages(draw) -> Page:
    """A fetched page: random markup, maybe damaged, in a random (or bogus) encoding."""
    body = draw(st.lists(fragments, max_size=6).map("".join))
    if not draw(st.booleans()):  # in the shape a profile reads: title, abstract, speakers
        title, abstract = draw(fragments), draw(st.lists(fragments, max_size=4).map("".join))
        body = (
            f"<div class='grid-100'><h1>{title}</h1></div><div class='abstract'>{abstract}"
            f"</div><span class='speaker'>{draw(text)}</span>{body}"
        )
    head = draw(
        st.sampled_from(
            [
                "",
                "<meta charset='utf-8'>",
                "<meta charset='x-bogus'>",
                "<meta http-equiv='content-type' content='text/html; charset=utf-16'>",
            ]
        )
    )
    data = draw(JSON_LD)
    if data:
        head += f'<script type="application/ld+json">{data}</script>'
    markup = f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    encoding = draw(st.sampled_from([None, "utf-8", "latin-1", "utf-16", "x-no-such-charset"]))
    try:
        content = markup.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        content = markup.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 3:  # damage: cut short, or splice in random bytes
        cut = draw(st.integers(len(content) // 2, len(content)))
        content = content[:cut] + draw(st.binary(max_size=16))
    if draw(st.integers(0, 9)) == 9:
        content = draw(st.binary(max_size=200))
    kind = draw(
        st.sampled_from(["text/html", "text/html", "", "application/xhtml+xml", "image/png"])
    )
    url = draw(
        st.sampled_from(
            [
                "http://127.0.0.1/talk/1/",
                "https://conf.example/t/a%2F..%2Fb?x=../y",
                "http://127.0.0.1/",
                "http://127.0.0.1/talk/CON",
            ]
        )
    )
    return Page(url=url, content=content, content_type=kind, encoding=encoding)


def _check_talk(talk: Talk) -> None:
    assert isinstance(talk, Talk)
    assert talk.title and len(talk.title) <= MAX_TITLE
    assert is_safe_id(talk.id), talk.id
    json.dumps(talk.__dict__, ensure_ascii=False).encode("utf-8")  # storable as JSON Lines
    # No control character, lone surrogate or open bidirectional control, whatever the source.
    texts = [getattr(talk, f.name) for f in fields(Talk) if f.name not in ("speakers", "tags")]
    for text in [*texts, *talk.speakers, *talk.tags]:
        assert clean_text(text) == text, text


def _check_error(error: Exception) -> None:
    assert isinstance(error, SourceError | CorpusError), repr(error)
    assert str(error) and "\n" not in str(error), str(error)


@given(pages(), st.sampled_from([SIMPLE, INFERRED, *PROFILES.values()]))
@reliability(
    "150 random talk pages (random markup, encodings, bogus charsets, cut short, random"
    " bytes) read with every built-in profile",
    "Each gave a talk with a safe id and a title of at most 500 characters, or a one-line"
    " SourceError; nothing else was raised",
)
def test_random_talk_pages_give_a_talk_or_a_source_error(page, profile):
    try:
        talk = parse_talk(page, profile, event="fuzz")
    except Exception as error:
        _check_error(error)
        return
    _check_talk(talk)


@given(pages())
@reliability(
    "150 random list pages: profile detection and talk-link extraction",
    "A profile and same-host http(s) links, or a one-line SourceError naming the selector",
)
def test_random_list_pages_give_links_or_a_source_error(page):
    try:
        soup = parse_html(page)
        profile = detect_profile(page.url, soup)
        links = talk_links(page.url, soup, profile)
    except Exception as error:
        _check_error(error)
        return
    assert links
    for link in links:
        assert link.startswith(("http://127.0.0.1/", "https://conf.example/")), link
        assert "@" not in link.split("/")[2]


@given(pages())
def test_random_list_pages_give_a_group_of_site_links_or_a_source_error(page):
    try:
        soup = parse_html(page)
        group = find_talk_links(page.url, soup)
    except Exception as error:
        _check_error(error)
        return
    host = page.url.split("/")[2]
    assert len(group.urls) >= 2
    assert all(u.split("/")[2] == host and u.startswith("http") for u in group.urls)
    selected = {u for _, u in site_links(page.url, soup, soup.select(group.selector))}
    assert selected == set(group.urls)


@given(st.lists(pages(), min_size=2, max_size=4), st.lists(text, min_size=4, max_size=4))
@reliability(
    "150 random samples of 2-4 random talk pages (random markup, JSON-LD, encodings, cut"
    " short) to learn a site's profile from, then read with it",
    "A profile whose every selector is valid CSS, which reads each page into a talk or a"
    " one-line SourceError; or a one-line SourceError; nothing else was raised",
)
def test_random_talk_pages_teach_a_profile_or_give_a_source_error(pages, texts):
    try:
        samples = [
            Sample(p.url, parse_html(p), [t], p.content) for p, t in zip(pages, texts, strict=False)
        ]
        learnt = learn_fields(samples)
        profile = Profile(name="inferred", description="", talk_links="a", **learnt.fields)
    except Exception as error:
        _check_error(error)
        return
    assert all(0 <= share <= 1 for share in learnt.shares.values())
    for page in pages:
        try:
            talk = parse_talk(page, profile)
        except Exception as error:
            _check_error(error)
            continue
        _check_talk(talk)


@given(pages())
def test_random_pages_give_schema_org_fields_or_none(page):
    fields = event_fields(page.content, page.url)
    assert isinstance(fields, dict)
    for key, value in fields.items():
        assert isinstance(value, str | tuple), (key, value)


COLUMNS = [
    "title",
    "Title",
    "abstract",
    "description",
    "speakers",
    "speaker",
    "tags",
    "id",
    "slug",
    "event",
    "day",
    "time",
    "room",
    "url",
    "link",
    "language",
    "track",
    "other",
]
values = (
    text
    | st.sampled_from(["", "../../etc/passwd", "CON", "<script>x</script>", "a;b,c", "\x00"])
    | st.sampled_from(HREFS)
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | values
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(COLUMNS) | text, children, max_size=4)
    ),
    max_leaves=15,
)
#: Keys the readers look up inside a cell's objects: persons, links, localized texts.
INNER_KEYS = ["url", "name", "public_name", "en", "title"]
#: A cell: a scalar, or objects and lists of them nested, keyed as sources key them
#: (such as {"url": {"url": null}}, or [{"name": 3}]).
cells = st.recursive(
    scalars,
    lambda children: (
        st.dictionaries(st.sampled_from(INNER_KEYS), children, min_size=1, max_size=2)
        | st.lists(children, max_size=3)
        | st.dictionaries(text, children, max_size=2)
    ),
    max_leaves=8,
)
#: A row: any of the columns, each holding any cell; most rows have a text title (rows
#: without one are skipped, and so say little).
row = st.builds(
    lambda titled, other: {**other, **titled},
    st.fixed_dictionaries({}, optional={"title": values}),
    st.fixed_dictionaries({}, optional=dict.fromkeys(COLUMNS, cells)),
)
rows = st.lists(row, max_size=6)


@st.composite
def tables(draw) -> tuple[str, bytes]:
    """A file name and its bytes: a table in any of the formats, under any of the names."""
    kind = draw(st.sampled_from(["jsonl", "json", "csv"] * 2 + ["bytes"]))
    data = draw(rows)
    if kind == "csv":
        out = io.StringIO()
        names = sorted({key for row in data for key in row}) or ["title"]
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        for row in data:
            writer.writerow({k: v if isinstance(v, str) else json.dumps(v) for k, v in row.items()})
        content = out.getvalue().encode("utf-8", "surrogatepass")
    elif kind == "json":
        shape = draw(st.sampled_from(["list", "talks", "schedule", "other"]))
        schedule = {"conference": {"title": draw(text), "days": [{"rooms": {"A": data}}]}}
        document = {
            "list": data,
            "talks": {"talks": data},
            "schedule": {"schedule": schedule},  # c3voc: read as a schedule
            "other": draw(json_values),
        }[shape]
        content = json.dumps(document).encode()
    elif kind == "jsonl":
        lines = [json.dumps(row) for row in data]
        if draw(st.booleans()):
            lines.insert(0, json.dumps({"corpus": {"title": draw(text)}}))
        content = "\n".join(lines).encode()
    else:
        content = draw(st.binary(max_size=200))
    # Damage, wrong names and gzip are the draws' last values: Hypothesis favours the first
    # ones (0), and a table of whole rows is the case to explore most.
    if draw(st.integers(0, 4)) == 4:
        cut = draw(st.integers(0, len(content)))
        content = content[:cut] + draw(st.binary(max_size=8))
    suffix = f".{kind}"
    if kind == "bytes" or draw(st.integers(0, 3)) == 3:  # a wrong name
        suffix = draw(st.sampled_from([".csv", ".json", ".jsonl"]))
    if draw(st.integers(0, 4)) == 4:
        suffix, content = suffix + ".gz", gzip.compress(content) if draw(st.booleans()) else content
        if draw(st.integers(0, 2)) == 2:  # damaged gzip data
            at = draw(st.integers(0, len(content)))
            content = content[:at] + draw(st.binary(min_size=1, max_size=8)) + content[at + 8 :]
    return f"talks{suffix}", content


@given(tables())
@reliability(
    "150 random table files: CSV, JSON, JSON Lines of random rows (cells of any JSON type,"
    " objects and lists nested), random bytes, cut short, gzip or not, under a right or wrong"
    " extension",
    "A corpus of safe talks, or a one-line SourceError / CorpusError; nothing else (also"
    " when read as a saved corpus by 'topics build')",
)
def test_random_tables_give_talks_or_a_source_error(table):
    name, content = table
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        if name.endswith(".jsonl"):  # also as a saved corpus, as 'topics build' reads it
            try:
                saved = Corpus.load(path)
            except Exception as error:
                _check_error(error)
            else:
                assert all(isinstance(talk, Talk) for talk in saved)
        try:
            corpus = load_table(path)
            again = load(str(path), Fetcher())  # through the dispatch, as the CLI reads it
        except Exception as error:
            _check_error(error)
            return
    assert isinstance(corpus, Corpus) and len(corpus) >= 1
    assert [t.id for t in again] == [t.id for t in corpus]
    for talk in corpus:
        _check_talk(talk)


@given(rows)
def test_random_rows_give_a_talk_per_titled_row(data):
    """JSON Lines rows whose cells hold any JSON value: a talk for each row titled with
    text (a title may also be a number, an object's name, a list), never an error."""
    titled = 0
    for row in data:
        title = {str(k).lower(): v for k, v in row.items()}.get("title")
        titled += isinstance(title, str) and bool(title.split())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "talks.jsonl"
        path.write_text("\n".join(json.dumps(row) for row in data), encoding="utf-8")
        try:
            corpus = load_table(path)
        except SourceError as error:
            assert titled == 0 and "holds no talk with a title" in str(error), str(error)
            return
    assert titled <= len(corpus) <= len(data)
    for talk in corpus:
        _check_talk(talk)


VIDEO_KEYS = ["title", "description", "speakers", "tags", "recorded", "related_urls", "language",
              "videos", "duration", "thumbnail_url"]  # fmt: skip
videos = (
    st.fixed_dictionaries({"title": values}, optional=dict.fromkeys(VIDEO_KEYS[1:], json_values))
    | json_values
)


@given(json_values, st.lists(videos, max_size=4), st.integers(0, 5))
@reliability(
    "150 random pyvideo event folders: category.json and video files of random JSON (or"
    " random bytes)",
    "A corpus of safe talks, or a one-line SourceError / CorpusError; nothing else",
)
def test_random_pyvideo_folders_give_talks_or_a_source_error(category, files, damaged):
    with tempfile.TemporaryDirectory() as folder:
        event = Path(folder) / "random-con-2024"
        (event / "videos").mkdir(parents=True)
        (event / "category.json").write_text(json.dumps(category))
        for n, video in enumerate(files):
            content = json.dumps(video).encode()
            (event / "videos" / f"talk-{n}.json").write_bytes(
                content[: len(content) // 2] if n == damaged else content
            )
        try:
            corpus = load_folder(event)
        except Exception as error:
            _check_error(error)
            return
    assert isinstance(corpus, Corpus)
    for talk in corpus:
        _check_talk(talk)
