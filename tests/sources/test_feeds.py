"""Feeds as sources (topics/sources/feeds.py): RSS, Atom and arXiv's API.

A real blog's RSS 2.0 feed from ../shared is read and published; hand-written Atom, RSS
1.0 and arXiv API answers (tests/fixtures/feeds) are served over HTTP on 127.0.0.1 and
read talk by talk; arXiv's API is paged from a server on 127.0.0.1 standing in for it
(``$TOPICS_ARXIV_API``), paced at 3 s whatever --delay says; documents that are not
feeds, and feeds declaring entities (XML bombs, external entities), are refused in one
line; random and damaged feeds give talks or a one-line error.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import resource
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import FIXTURES, error_line, saved_corpus
from tests.helpers.loopback import QuietHandler, serve
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import MAX_TITLE, is_safe_id
from topics.sources import SourceError, load
from topics.sources.arxiv import ARXIV_API_VARIABLE, ARXIV_DELAY, is_arxiv_api
from topics.sources.feeds import is_feed, load_feed, parse_feed
from topics.sources.http import Fetcher

FEEDS = FIXTURES / "feeds"
GENERIC = FIXTURES / "sites" / "generic"

#: The titles of the 12 posts of ../shared/data/feeds/blog-rss2.xml, in feed order.
BLOG_TITLES = [
    "ML Security",
    "Contextual Bandits",
    "Python Packaging",
    "Disk IO + Python Threads",
    "Online Alternatives Testing Pt 3",
    "Understanding Poisson",
    "Scipy Matrix Tuning",
    "Online Alternatives Testing Pt 2",
    "Online Alternatives Testing Pt 1",
    "Shared State & UWSGI",
    "Fun with Perceptron Learning",
    "Welcome",
]


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


# --- a real feed -----------------------------------------------------------------------------


@pytest.mark.shared
def test_real_blog_feed_loads_every_post_and_publishes(shared, tmp_path):
    path = shared / "data" / "feeds" / "blog-rss2.xml"
    corpus = load(str(path), Fetcher())
    assert corpus.title == "l0stinsp4ce"
    assert [t.title for t in corpus] == BLOG_TITLES
    for talk in corpus:
        assert len(talk.abstract.split()) > 150, talk.title  # the post, not a teaser
        assert "<p>" not in talk.abstract and "<h1" not in talk.abstract  # HTML made text
        first = talk.abstract.split("\n\n")[0]
        assert first.casefold() != talk.title.casefold()  # the heading repeating it is dropped
        assert talk.url.startswith("http://l0stinsp4ce.com/blogggo/")
        assert talk.day.startswith(("2016-", "2017-", "2018-", "2019-")) and talk.time
    ml = corpus.talks[0]
    assert ml.id == "ml-security" and (ml.day, ml.time) == ("2019-06-02", "21:58")
    assert ml.abstract.startswith("A secure system will do the right thing")
    assert "James Mickens is a computer scientist" in ml.abstract
    assert "&quot;" not in ml.abstract and '"in the rush to deploy AI"' in ml.abstract

    code, err = _run(["run", str(path), "--cache", str(tmp_path / "cache"),
                      "--out", str(tmp_path / "site")])  # fmt: skip
    assert code == 0, err
    assert "crawled 12 talks" in err and "12 talks," in err
    pages = sorted(p.stem for p in (tmp_path / "site" / "talks").glob("*.html"))
    assert len(pages) == 12 and "ml-security" in pages
    html = (tmp_path / "site" / "talks" / "ml-security.html").read_text("utf-8")
    assert "ML Security" in html and "James Mickens" in html


# --- hand-written feeds, served --------------------------------------------------------------


def _serve_as(files: dict[str, tuple[Path, str]]):
    """A server answering each path with a file and a Content-Type: (server, requests)."""
    requests: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path not in files:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path, kind = files[self.path]
            body = path.read_bytes()
            self.send_response(200)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return serve(Handler), requests


@pytest.fixture
def feed_server():
    server, requests = _serve_as(
        {
            "/programme.atom": (FEEDS / "atom.xml", "application/atom+xml"),
            "/news": (FEEDS / "rss1.rdf", "text/xml"),  # no charset: the declaration's
            "/feed.xml": (FEEDS / "atom.xml", "text/html"),  # a wrong type
            "/export": (FEEDS / "arxiv-cs-cl.xml", ""),  # no type at all
            "/not-a-feed.xml": (GENERIC / "static" / "2024" / "talks" / "async-testing.html", ""),
        }
    )
    port = server.server_address[1]
    yield f"http://127.0.0.1:{port}", requests
    server.shutdown()
    server.server_close()


def test_atom_feed_is_read_talk_by_talk(feed_server):
    url, _ = feed_server
    corpus = load(f"{url}/programme.atom", Fetcher())
    assert corpus.title == "PyData Example 2024 programme"
    first, typed, xhtml, lightning = corpus.talks
    assert first.title == "Vectorised dataframes at scale"  # type="html": markup made text
    assert first.abstract == (
        "Pandas and Polars & Arrow: columnar dataframes, vectorised kernels and lazy query"
        " plans.\n\nWe compare memory use on 100 GB tables."
    )  # the content (its script left out), not the shorter summary
    assert first.speakers == ("Grace Hopper", "Alan Turing")  # names, never the e-mail
    assert (first.track, first.tags) == ("Data engineering", ("pandas",))
    assert (first.day, first.time) == ("2024-05-03", "10:30")  # as written, +02:00
    assert first.url == f"{url}/talks/vectorised-dataframes/"  # relative to the feed's URL
    assert first.id == "tag-conf-example-2024-talk-101" and first.language == "en"
    assert typed.title == "Typing x < y: gradual types for numerical code"  # type="text"
    assert typed.abstract == (
        "Where x < y and lines wrap in the feed.\n\n"
        "A second paragraph on mypy and numpy's typing stubs."
    )
    assert (typed.id, typed.day, typed.time) == ("gradual-types", "2024-05-04", "")
    assert xhtml.title == "Async all the way"
    assert xhtml.abstract.startswith("Event loops, coroutines")
    assert xhtml.url == ""  # javascript: is no link
    assert (lightning.title, lightning.abstract) == ("Lightning talks", "")  # kept, no text


def test_rss_1_0_feed_is_read_talk_by_talk(feed_server):
    url, _ = feed_server
    corpus = load(f"{url}/news", Fetcher())
    assert corpus.title == "Notes from EuroSciPy"
    jit, sparse = corpus.talks
    assert jit.title == "Compilateurs JIT pour Python : Numba et Pythran"  # ISO-8859-1
    assert jit.abstract.startswith("Numba compile les boucles numériques ; Pythran")
    assert (jit.speakers, jit.track) == (("Émilie Dupré",), "Performance")  # dc:creator/subject
    assert (jit.day, jit.time, jit.language) == ("2023-08-16", "11:15", "fr")
    assert (jit.id, jit.url) == ("compilers", "http://notes.example/2023/08/compilers.html")
    assert sparse.abstract == "The new sparray API & its migration path."
    assert (sparse.day, sparse.time) == ("2023-08-17", "")


def test_feed_is_told_by_its_content_not_its_name_or_type(feed_server, tmp_path):
    url, requests = feed_server
    assert load(f"{url}/feed.xml", Fetcher()).talks[0].title.startswith("Vectorised")
    assert len(load(f"{url}/export", Fetcher())) == 5  # an arXiv answer, served untyped
    renamed = tmp_path / "programme.txt"
    shutil.copy(FEEDS / "rss1.rdf", renamed)
    assert len(load(str(renamed), Fetcher())) == 2
    assert not [r for r in requests if "talks" in r or "notes" in r]  # links never fetched


@reliability(
    "Documents that are no feed given as one: an HTML page named feed.xml, a 'feed' root"
    " outside Atom's namespace, an 'rdf:RDF' root without RSS, JSON, text, an empty file, a"
    " frab schedule, each as a file and one over HTTP through 'topics crawl'",
    "A one-line SourceError naming the document (exit 1 from the command line); the frab"
    " schedule is still read as a schedule",
)
def test_what_is_no_feed_gets_one_line(feed_server, tmp_path):
    url, _ = feed_server
    not_feeds = {
        "html": b"<!DOCTYPE html><html><body><p>Feed</p></body></html>",
        "feed": b"<?xml version='1.0'?><feed><entry><title>x</title></entry></feed>",
        "rdf": b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>",
        "json": b'{"items": [{"title": "x"}]}',
        "text": b"rss feed of talks",
        "empty": b"",
    }
    for name, content in not_feeds.items():
        assert not is_feed(content), name
        with pytest.raises(SourceError) as error:
            parse_feed(content, f"{name}.xml")
        assert "\n" not in str(error.value) and f"{name}.xml" in str(error.value)
    schedule = b"<?xml version='1.0'?><schedule><conference><title>C</title></conference>"
    schedule += b"<day date='2024-02-03'><room name='R'><event id='1'><title>A talk</title>"
    schedule += b"<date>2024-02-03T10:00:00+01:00</date></event></room></day></schedule>"
    assert not is_feed(schedule)
    (tmp_path / "schedule.xml").write_bytes(schedule)
    assert [t.title for t in load(str(tmp_path / "schedule.xml"), Fetcher())] == ["A talk"]
    code, err = _run(["crawl", f"{url}/not-a-feed.xml", "--cache", str(tmp_path / "c")])
    assert code == 1
    assert "HTML page" in error_line(err)


def test_entries_without_a_title_or_text(tmp_path):
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Micro</title>
    <item><description>First line of a post without title, long enough to be cut at a word
    boundary somewhere after eighty characters.

    Second paragraph.</description><guid isPermaLink="false">p1</guid></item>
    <item><title>Only a title</title><guid isPermaLink="false">p2</guid></item>
    <item><guid isPermaLink="false">p3</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
    </item></channel></rss>"""
    corpus = parse_feed(feed, "micro.xml")
    untitled, bare = corpus.talks  # the entry with neither title nor text is skipped
    assert untitled.title == (
        "First line of a post without title, long enough to be cut at a word boundary…"
    )
    assert untitled.abstract.endswith("Second paragraph.")
    assert (bare.title, bare.abstract) == ("Only a title", "")
    (tmp_path / "micro.xml").write_bytes(feed)
    code, err = _run(["crawl", str(tmp_path / "micro.xml"), "--cache", str(tmp_path / "c")])
    assert code == 0 and "crawled 2 talks" in err, err  # kept, as crawled talks without one
    with pytest.raises(SourceError, match="without any entry with a title or a text"):
        parse_feed(b"<rss version='2.0'><channel><item></item></channel></rss>", "e.xml")


def test_dates_as_the_feed_writes_them():
    def when(date: str) -> tuple[str, str]:
        feed = f"<rss version='2.0'><channel><item><title>t</title><pubDate>{date}</pubDate>"
        talk = parse_feed(f"{feed}</item></channel></rss>".encode()).talks[0]
        return talk.day, talk.time

    assert when("Tue, 03 Jun 2008 23:39:21 -0700") == ("2008-06-03", "23:39")  # RFC 822
    assert when("2024-05-03T10:30:00Z") == ("2024-05-03", "10:30")
    assert when("2024-05-03") == ("2024-05-03", "")
    assert when("not a date") == ("", "")
    assert when("Tue, 99 Jun 2008 99:99:99 GMT") == ("", "")


# --- untrusted XML -------------------------------------------------------------------------


def _rss(doctype: str, text: str) -> bytes:
    return (
        f"<?xml version='1.0'?>\n{doctype}\n<rss version='2.0'><channel><title>t</title>"
        f"<item><title>x</title><description>{text}</description></item></channel></rss>"
    ).encode()


@reliability(
    "Feeds declaring entities: a billion laughs (10 levels of 10), one 10 KB entity used"
    " 100,000 times in a 1.3 MB feed (feedparser alone expands it to 1 GB: 13 s, 2.9 GB of"
    " memory), external entities naming /etc/passwd and a URL on 127.0.0.1, an external"
    " DTD on 127.0.0.1, each as a file and over HTTP",
    "Each is refused in one line before any parsing (under 1 s, under 100 MB more"
    " memory); no request reaches the server",
)
def test_entity_declarations_are_refused(tmp_path):
    server, requests = _serve_as({})
    where = f"http://127.0.0.1:{server.server_address[1]}"
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    attacks = {
        "laughs": _rss(f"<!DOCTYPE rss [{laughs}]>", "&l9;"),
        "quadratic": _rss(f'<!DOCTYPE rss [\n<!ENTITY a "{"A" * 10_000}">\n]>', "&a;" * 100_000),
        "passwd": _rss('<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        "remote": _rss(f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{where}/x">]>', "&x;"),
        "lower": _rss('<!DOCTYPE rss [<!entity x SYSTEM "file:///etc/passwd">]>', "&x;"),
        "utf16": _rss('<!DOCTYPE rss [<!ENTITY a "aaaa">]>', "&a;&a;")
        .decode()
        .replace("<?xml version='1.0'?>", "<?xml version='1.0' encoding='utf-16'?>")
        .encode("utf-16"),
    }
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        for name, content in attacks.items():
            start = time.perf_counter()
            with pytest.raises(SourceError, match="declares XML entities") as error:
                parse_feed(content, f"{name}.xml")
            assert "\n" not in str(error.value)
            assert time.perf_counter() - start < 1, name
            (tmp_path / f"{name}.xml").write_bytes(content)
            with pytest.raises(SourceError, match="declares XML entities"):
                load(str(tmp_path / f"{name}.xml"), Fetcher())
        # An external DTD declaring nothing is not read: the feed is, without it.
        dtd = _rss(f'<!DOCTYPE rss SYSTEM "{where}/evil.dtd">', "text")
        assert parse_feed(dtd, "dtd.xml").talks[0].abstract == "text"
        time.sleep(0.2)
        assert requests == []
    finally:
        server.shutdown()
        server.server_close()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory
    assert grown < 100 * 1024, f"{grown} KiB"  # ru_maxrss is in KiB on Linux


def test_feedparser_is_never_given_a_path_or_a_url(tmp_path, monkeypatch):
    """A feed whose whole text is a file name or a URL is bytes to read, not a place."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(_rss("", "secret"))
    monkeypatch.chdir(tmp_path)
    for content in (b"secret.xml", str(secret).encode(), b"http://127.0.0.1:9/feed"):
        with pytest.raises(SourceError, match="not an RSS or Atom feed"):
            parse_feed(content, "x")


# --- arXiv -------------------------------------------------------------------------------------


class _Arxiv:
    """arXiv's API on 127.0.0.1: pages of the hand-written answer (its 5 papers, or the
    first ``papers`` of them repeated with other ids), as ``start`` and ``max_results``
    ask; records when each request started."""

    def __init__(self, papers: int = 5):
        tree = etree.parse(str(FEEDS / "arxiv-cs-cl.xml"))
        self.atom = "{http://www.w3.org/2005/Atom}"
        entries = tree.getroot().findall(f"{self.atom}entry")
        self.entries = [entries[n % len(entries)] for n in range(papers)]
        self.root = tree.getroot()
        for entry in entries:
            self.root.remove(entry)
        self.starts: list[tuple[float, str]] = []
        self.error = False
        self.lags: list[float] = []  # seconds the next requests take to arrive, in order
        arxiv = self

        class Handler(QuietHandler):
            def do_GET(self):
                if arxiv.lags:  # a slow network or a busy server: the request arrives late
                    time.sleep(arxiv.lags.pop(0))
                arxiv.starts.append((time.monotonic(), self.path))
                body = arxiv.page(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = serve(Handler)
        self.api = f"http://127.0.0.1:{self.server.server_address[1]}/api/query"

    def page(self, path: str) -> bytes:
        parts = urlsplit(path)
        if parts.path != "/api/query":
            return b""
        if self.error:
            return (FEEDS / "arxiv-error.xml").read_bytes()
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        start, size = int(query.get("start", 0)), int(query.get("max_results", 10))
        root = etree.fromstring(etree.tostring(self.root))
        opensearch = "{http://a9.com/-/spec/opensearch/1.1/}"
        root.find(f"{opensearch}totalResults").text = str(len(self.entries))
        root.find(f"{opensearch}startIndex").text = str(start)
        root.find(f"{opensearch}itemsPerPage").text = str(size)
        for n in range(start, min(start + size, len(self.entries))):
            entry = etree.fromstring(etree.tostring(self.entries[n]))
            if n >= 5:  # the same paper under another id
                entry.find(f"{self.atom}id").text = f"http://arxiv.org/abs/2403.{n:05d}v1"
            root.append(entry)
        return etree.tostring(root, xml_declaration=True, encoding="utf-8")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def arxiv(monkeypatch):
    api = _Arxiv(papers=9)
    monkeypatch.setenv(ARXIV_API_VARIABLE, api.api)
    yield api
    api.close()


def test_arxiv_category_is_read_from_the_api(arxiv):
    corpus = load("arxiv:cs.CL", Fetcher())
    assert len(arxiv.starts) == 1  # 9 papers: one page of 500
    query = parse_qs(urlsplit(arxiv.starts[0][1]).query)
    assert query == {
        "search_query": ["cat:cs.CL"],
        "sortBy": ["submittedDate"],
        "sortOrder": ["descending"],
        "start": ["0"],
        "max_results": ["500"],
    }
    assert corpus.title == "arXiv cat:cs.CL" and len(corpus) == 9
    tokenisers, speech, legal, _, morphology = corpus.talks[:5]
    assert tokenisers.id == "2402-01234"  # the arXiv id, without its version
    assert tokenisers.title == (
        "Tokenisers Matter: Subword Vocabularies for Low-Resource Machine Translation"
    )
    assert tokenisers.abstract.startswith("We study how the subword vocabulary")
    assert "p < 0.05 after correction" in tokenisers.abstract  # plain text stays text
    assert tokenisers.speakers == ("Ada Lovelace", "Charles Babbage")
    assert (tokenisers.track, tokenisers.tags) == ("cs.CL", ("cs.LG",))
    assert (tokenisers.day, tokenisers.time) == ("2024-02-28", "17:59")  # published
    assert tokenisers.url == "http://arxiv.org/abs/2402.01234v2"
    assert (speech.track, speech.tags) == ("cs.CL", ("cs.SD", "eess.AS"))
    assert (legal.track, legal.tags) == ("cs.IR", ("cs.CL",))  # the primary category first
    assert morphology.id == "cs-0112017"  # an old-style id
    assert all(is_safe_id(t.id) for t in corpus)


@reliability(
    "arXiv's API (a server on 127.0.0.1 serving hand-written answers) read by 'topics crawl'"
    " as an API query URL of 3 papers a page, with --delay 0 and the first request 0.5 s"
    " slow to arrive, then with --max-pages 2",
    "Each request reached the server at least 3 s after the one before (arXiv's terms of"
    " use), one at a time; all 9 papers in 3 pages, then 6 papers in 2 pages and one line"
    " saying how many were left out",
)
def test_arxiv_paging_is_paced_and_bounded(arxiv, tmp_path):
    query = f"{arxiv.api}?search_query=cat:cs.CL&sortBy=submittedDate&max_results=3"
    assert is_arxiv_api(query)
    arxiv.lags = [0.5]  # paced from starts alone, the next one would arrive 2.5 s after it
    code, err = _run(["crawl", query, "--delay", "0", "--cache", str(tmp_path / "a")])
    assert code == 0, err
    assert len(saved_corpus(tmp_path / "a")) == 9
    starts = [t for t, _ in arxiv.starts]
    pages = [parse_qs(urlsplit(path).query)["start"][0] for _, path in arxiv.starts]
    assert pages == ["0", "3", "6"]  # then totalResults says there is no more
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= ARXIV_DELAY - 0.01, gaps
    arxiv.starts.clear()
    code, err = _run(["crawl", query, "--max-pages", "2", "--cache", str(tmp_path / "b")])
    assert code == 0, err
    assert len(arxiv.starts) == 2 and len(saved_corpus(tmp_path / "b")) == 6
    assert "6 of its 9 papers read (2 pages of 3; --max-pages reads more)" in err


def test_arxiv_errors_and_bad_categories_get_one_line(arxiv, monkeypatch):
    for bad in ("arxiv:../../etc/passwd", "arxiv:", "arxiv:cs CL", "arxiv:" + "a" * 41):
        with pytest.raises(SourceError, match="not an arXiv category") as error:
            load(bad, Fetcher())
        assert "\n" not in str(error.value)
    assert arxiv.starts == []  # refused before any request
    arxiv.error = True
    with pytest.raises(SourceError, match="start must be an integer greater than or equal"):
        load("arxiv:cs.CL", Fetcher())
    arxiv.error = False
    empty = _Arxiv(papers=0)
    try:
        monkeypatch.setenv(ARXIV_API_VARIABLE, empty.api)
        with pytest.raises(SourceError, match="arXiv has no paper for cat:nope"):
            load("arxiv:nope", Fetcher())
    finally:
        empty.close()


def test_arxiv_host_is_paced_whatever_the_delay():
    fetcher = Fetcher(delay=0, concurrency=8)
    for url in ("https://export.arxiv.org/api/query", "http://export.arxiv.org/x"):
        host = fetcher._host(url)
        assert host.delay == ARXIV_DELAY and host.slots._value == 1
    assert fetcher._host("https://arxiv.example/").delay == 0
    assert is_arxiv_api("http://export.arxiv.org/api/query?search_query=cat:hep-th")
    assert is_arxiv_api("https://export.arxiv.org/api/query/?id_list=2402.01234")
    assert not is_arxiv_api("https://export.arxiv.org/abs/2402.01234")
    assert not is_arxiv_api("https://export.arxiv.org.evil.example/api/query")


# --- random and damaged feeds ----------------------------------------------------------------

_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("<>&;\"'\n"),
    max_size=40,
)
_MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<p onclick='x()'>p</p>",
        "&lt;b&gt;",
        "&amp;amp;",
        "<![CDATA[<i>c</i>]]>",
        "]]>",
        "\x00",
        "\u202e",
        "&nbsp;",
        "&#0;",
        "&#x110000;",
        "<!ENTITY",
        "javascript:alert(1)",
        "../../etc/passwd",
        "CON",
    ]
)
_VALUE = st.lists(_TEXT | _MARKUP, max_size=4).map("".join)
_DATE = st.sampled_from(
    ["Tue, 03 Jun 2008 09:39:21 GMT", "2024-13-45T99:00:00Z", "2024-05-03", "9999-12-31T23:59Z",
     "0001-01-01", "", "yesterday"]
) | _TEXT  # fmt: skip


@st.composite
def feeds(draw) -> bytes:
    """A random RSS 2.0, RSS 1.0 or Atom feed, then maybe cut short or spliced with bytes."""
    kind = draw(st.sampled_from(["rss", "rdf", "atom"]))
    fields = st.fixed_dictionaries(
        {
            "title": _VALUE,
            "text": _VALUE,
            "link": _VALUE,
            "id": _VALUE,
            "author": _VALUE,
            "date": _DATE,
            "category": _VALUE,
        }
    )
    escape = draw(st.booleans())  # the values as text, or as raw markup (often malformed)

    def x(value: str) -> str:
        if escape:
            return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return value

    items = []
    for entry in draw(st.lists(fields, max_size=5)):
        if kind == "atom":
            items.append(
                f"<entry><title type='{draw(st.sampled_from(['text', 'html', 'xhtml']))}'>"
                f"{x(entry['title'])}</title><id>{x(entry['id'])}</id>"
                f"<link href='{x(entry['link'])}'/><updated>{x(entry['date'])}</updated>"
                f"<author><name>{x(entry['author'])}</name></author>"
                f"<category term='{x(entry['category'])}'/>"
                f"<content type='html'>{x(entry['text'])}</content></entry>"
            )
        else:
            items.append(
                f"<item><title>{x(entry['title'])}</title><link>{x(entry['link'])}</link>"
                f"<guid>{x(entry['id'])}</guid><pubDate>{x(entry['date'])}</pubDate>"
                f"<dc:creator>{x(entry['author'])}</dc:creator>"
                f"<category>{x(entry['category'])}</category>"
                f"<description>{x(entry['text'])}</description></item>"
            )
    body = "".join(items)
    dc = "xmlns:dc='http://purl.org/dc/elements/1.1/'"
    document = {
        "rss": f"<rss version='2.0' {dc}><channel><title>T</title>{body}</channel></rss>",
        "rdf": "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
        f"xmlns='http://purl.org/rss/1.0/' {dc}><channel><title>T</title></channel>"
        f"{body}</rdf:RDF>",
        "atom": f"<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>{body}</feed>",
    }[kind]
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    head = f"<?xml version='1.0' encoding='{encoding}'?>\n"
    content = (head + document).encode(encoding, "replace")
    damage = draw(st.sampled_from(["none", "cut", "splice"]))
    if damage == "cut":
        content = content[: draw(st.integers(0, len(content)))]
    elif damage == "splice":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(max_size=30)) + content[at:]
    return content


@pytest.mark.fuzz
@given(feeds())
@reliability(
    "150 random feeds (RSS 2.0, RSS 1.0, Atom; UTF-8, UTF-16, Latin-1): titles, texts,"
    " links, ids, authors, dates and categories of random text and of markup (scripts,"
    " CDATA, NUL, bidi controls, javascript: links, ../../etc/passwd, entity declarations),"
    " escaped or"
    " raw, cut short or spliced with random bytes",
    "A corpus of titled talks with safe ids and http(s) links only, or a one-line"
    " SourceError naming the feed; nothing else",
)
def test_any_feed_gives_talks_or_a_source_error(content):
    try:
        corpus = parse_feed(content, "random.xml")
    except SourceError as error:
        assert "\n" not in str(error) and "random.xml" in str(error)
        return
    assert len(corpus) >= 1
    for talk in corpus:
        assert talk.title.strip() and len(talk.title) <= MAX_TITLE
        assert is_safe_id(talk.id), talk.id
        assert not talk.url or talk.url.startswith(("http://", "https://"))
        assert "\x00" not in talk.title + talk.abstract + "".join(talk.speakers)
    json.dumps([talk.__dict__ for talk in corpus], ensure_ascii=False).encode("utf-8")


def test_large_feed_is_capped(tmp_path):
    big = tmp_path / "big.xml"
    with big.open("wb") as file:
        file.write(b"<rss version='2.0'><channel><title>t</title>")
        file.write(b"<item><title>x</title></item>" * 800_000)
    with pytest.raises(SourceError, match="larger than 20971520 bytes"):
        load_feed(str(big))


def test_many_entries_read_in_time(tmp_path):
    """20,000 entries (a 10 MB feed) are read in well under a minute, one thread."""
    items = "".join(
        f"<item><title>Talk {n}</title><description>&lt;p&gt;Text {n} on topic"
        f" {n % 7}&lt;/p&gt;</description><guid isPermaLink='false'>t{n}</guid></item>"
        for n in range(20_000)
    )
    content = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    start = time.perf_counter()
    corpus = parse_feed(content, "many.xml")
    assert len(corpus) == 20_000 and corpus.talks[-1].abstract == "Text 19999 on topic 0"
    assert time.perf_counter() - start < 60


@reliability(
    "An RSS feed of 10 MB that is not well-formed XML (an unclosed tag in every item), and"
    " one of 30 KB damaged the same way",
    "The large one is refused in one line in under 2 s of CPU time (feedparser's lenient"
    " parser would take tens of seconds); the small one is still read, leniently",
)
def test_large_damaged_feed_is_refused_quickly(tmp_path):
    item = "<item><title>Talk {n}</title><description>Text of talk {n} <b>bold</description></item>"

    def feed(n_items: int) -> bytes:
        items = "".join(item.format(n=n) for n in range(n_items))
        return f'<rss version="2.0"><channel><title>Con</title>{items}</channel></rss>'.encode()

    big = feed(120_000)
    assert len(big) > 10_000_000
    start = time.process_time()
    with pytest.raises(SourceError, match="not well-formed XML and larger than") as error:
        parse_feed(big, "big.xml")
    assert time.process_time() - start < 2.0
    assert "\n" not in str(error.value)
    small = parse_feed(feed(300), "small.xml")
    assert len(small) == 300 and small.talks[0].title == "Talk 0"
