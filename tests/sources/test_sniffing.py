"""Pages as sites really serve them: without a Content-Type, as octet-stream, in old charsets.

Each test runs a real HTTP server on 127.0.0.1 that sends exactly the headers a test
gives (or none), and crawls it. All markup is hand-written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.helpers import saved_corpus
from tests.helpers.loopback import PROFILE_TOML, QuietHandler, serve
from tests.helpers.pretalx_pages import HEAD, HEADER, talk_page
from tests.reliability_table import reliability
from topics.cli import main
from topics.sources import load
from topics.sources.http import Fetcher, Page
from topics.sources.sniffing import decode_html, looks_like_html

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(64)


@dataclass
class Site:
    """A server answering each path with the ``(Content-Type or None, body)`` of ``routes``."""

    url: str = ""
    routes: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def site() -> Iterator[Site]:
    record = Site()

    class Handler(QuietHandler):
        def do_GET(self):
            record.requests.append(self.path)
            kind, body = record.routes.get(self.path, ("text/plain", b"not found"))
            self.send_response(200 if self.path in record.routes else 404)
            if kind is not None:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = serve(Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield record
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("served_as", [None, "application/octet-stream", "text/plain"])
def test_pretalx_static_export_served_without_a_type(site, tmp_path, served_as):
    """pretalx's static HTML export names its no-JavaScript schedule ``schedule/nojs``,
    without an extension: a static server sends it (and here every page) without a
    Content-Type, as application/octet-stream, or as text/plain."""
    pages = {
        "/democon/": f"<!DOCTYPE html><html><head>{HEAD}</head><body>{HEADER}</body></html>",
        "/democon/schedule/nojs": f"<!DOCTYPE html><html><head>{HEAD}</head><body>{HEADER}"
        "<div id='fahrplan'><a href='/democon/talk/AAAAAA/'>Typing</a>"
        "<a href='/democon/talk/BBBBBB/'>Async</a></div></body></html>",
        "/democon/talk/AAAAAA/": talk_page(
            "Typing, gradually", "Types help.", "We add mypy to CI.", "Ada Lovelace",
            "2031-05-05 <time>10:00</time>\u2013<time>10:30</time>",
        ),
        "/democon/talk/BBBBBB/": talk_page(
            "Async, explained", "Event loops.", "", "Alan Turing",
            "2031-05-05 <time>11:00</time>\u2013<time>11:30</time>",
        ),
    }  # fmt: skip
    site.routes = {path: (served_as, text.encode()) for path, text in pages.items()}
    failures: list = []
    corpus = load(f"{site.url}/democon/", Fetcher(tmp_path / "cache"), failures=failures)
    assert failures == []
    assert [(t.title, t.speakers) for t in corpus] == [
        ("Typing, gradually", ("Ada Lovelace",)),
        ("Async, explained", ("Alan Turing",)),
    ]
    assert corpus.talks[0].abstract == "Types help.\n\nWe add mypy to CI."
    assert corpus.title == "DemoCon 2031"
    assert "/democon/schedule/export/schedule.json" in site.requests  # 404: no export
    assert sorted(site.requests[-2:]) == ["/democon/talk/AAAAAA/", "/democon/talk/BBBBBB/"]


def _talk(title: str, abstract: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>talk</title></head><body><h1>{title}</h1>"
        f"<p class='who'><span class='speaker'>Zo\u00eb Caf\u00e9</span></p>"
        f"<div class='abstract'><p>{abstract}</p></div></body></html>"
    )


@reliability(
    "Talk pages in Windows-1252 (charset only in a meta tag, or in no label at all), labelled"
    " ISO-8859-1 with curly-quote bytes 0x93/0x94, and a PNG image served as"
    " application/octet-stream",
    "Each text decoded as a browser shows it (curly quotes, dashes, accents), no U+FFFD; the"
    " PNG was not read as a talk: one line says it is not an HTML page, exit code 3",
)
def test_legacy_charsets_decode_and_an_image_is_refused(site, tmp_path, capsys):
    curly = "\u201cCaf\u00e9\u201d society \u2013 na\u00efve types"
    talks = {
        "/talk/cp1252/": (
            "text/html",
            _talk(
                curly, "Cr\u00e8me br\u00fbl\u00e9e \u2014 \u201cquoted\u201d.",
                "<meta charset='windows-1252'>",
            ),
        ),
        "/talk/latin1/": (
            "text/html; charset=ISO-8859-1",
            _talk("\u201cSmart\u201d quotes", "Labelled ISO-8859-1, bytes of Windows-1252."),
        ),
        "/talk/latin1-meta/": (
            None,
            _talk(
                "\u201cMeta\u201d label", "Un caf\u00e9.",
                "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>",
            ),
        ),
        "/talk/unlabelled/": (
            "text/html", _talk("Cr\u00e8me br\u00fbl\u00e9e", "No label \u2018at all\u2019."),
        ),
    }  # fmt: skip
    site.routes = {path: (kind, text.encode("cp1252")) for path, (kind, text) in talks.items()}
    site.routes["/talk/png/"] = ("application/octet-stream", PNG)
    links = "".join(f"<li><a href='{path}'>{path}</a></li>" for path in [*talks, "/talk/png/"])
    site.routes["/list/"] = (
        "text/html; charset=utf-8",
        f"<html><body><ul class='talks'>{links}</ul></body></html>".encode(),
    )
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    args = ["crawl", f"{site.url}/list/", "--profile", str(profile), "--cache", str(tmp_path)]
    assert main(args) == 3
    corpus = saved_corpus(tmp_path)
    assert [(t.id, t.title, t.abstract) for t in corpus] == [
        ("cp1252", curly, "Cr\u00e8me br\u00fbl\u00e9e \u2014 \u201cquoted\u201d."),
        ("latin1", "\u201cSmart\u201d quotes", "Labelled ISO-8859-1, bytes of Windows-1252."),
        ("latin1-meta", "\u201cMeta\u201d label", "Un caf\u00e9."),
        ("unlabelled", "Cr\u00e8me br\u00fbl\u00e9e", "No label \u2018at all\u2019."),
    ]
    assert all(t.speakers == ("Zo\u00eb Caf\u00e9",) for t in corpus)
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if "/talk/png/" in line]
    assert failed == [
        f"  {site.url}/talk/png/: not an HTML page (application/octet-stream, a PNG image)"
    ]


@pytest.mark.parametrize(
    ("content", "html"),
    [
        (b"<!DOCTYPE html><title>x</title>", True),
        (b"\xef\xbb\xbf\r\n  <html lang='en'>", True),
        ("<html>".encode("utf-16"), True),
        (b"<?xml version='1.0'?>\n<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'>", True),
        (b"<!-- generated --><div>", True),
        (b"<p>A paragraph", True),
        (b"<br/>", True),
        (PNG, False),
        (b"%PDF-1.7\n<html>", False),
        (b"PK\x03\x04<html>", False),
        (b"<?xml version='1.0'?><schedule>", False),
        (b"BEGIN:VCALENDAR\r\n", False),
        (b"Just text <html>", False),
        (b"<htmlx>", False),
        (b"", False),
    ],
)
def test_html_is_recognised_by_its_first_bytes(content, html):
    assert looks_like_html(content) is html


@pytest.mark.parametrize(
    ("content", "charset", "text", "codec"),
    [
        (b"\xef\xbb\xbf\xe2\x80\x9cx", "iso-8859-1", "\u201cx", "utf-8"),  # the BOM wins
        (b"<p>\x93x\x94", "latin1", "<p>\u201cx\u201d", "cp1252"),
        (b"<p>\x93x\x94", "x-no-such-charset", "<p>\u201cx\u201d", "cp1252"),
        (b"<meta charset='utf-16'><p>\xc3\xa9", None, "<meta charset='utf-16'><p>\u00e9", "utf-8"),
        (b"<meta charset='ascii'><p>\x93", None, "<meta charset='ascii'><p>\u201c", "cp1252"),
        (b"<p>caf\xc3\xa9 \xc3\xa9 \xff", None, "<p>caf\u00e9 \u00e9 \ufffd", "utf-8"),  # mostly
        (b"<p>caf\xe9 \xc3\xa9", None, "<p>caf\u00e9 \u00c3\u00a9", "cp1252"),
    ],
)
def test_encoding_is_read_as_browsers_do(content, charset, text, codec):
    assert decode_html(content, charset) == (text, codec)


def test_a_page_of_another_declared_type_is_not_sniffed():
    from topics.sources.talkpages import TalkPageError, parse_html

    with pytest.raises(TalkPageError, match=r"^not an HTML page \(image/png\)$"):
        parse_html(Page("http://127.0.0.1/", b"<html><h1>x</h1>", content_type="image/png"))
    with pytest.raises(TalkPageError, match=r"no Content-Type, bytes that do not start like"):
        parse_html(Page("http://127.0.0.1/", b"\x00\x01binary <html>"))
