"""A conference site on 127.0.0.1 written by an attacker, which records every request.

Its talk pages hold scripts, ``javascript:`` links, event-handler attributes, markup
that is escaped text (and must stay text), a 10 MB title, bytes that are not UTF-8 and
ids built to escape a folder; its list page links ``file:``, ``data:`` and
``javascript:`` URLs, a URL with a password, other hosts, the same host on another port
(a second server, the "neighbour", which serves talk pages too), and redirects to
``file:``, to another host and to the neighbour; it sets a cookie. Any request for
``/beacon/...`` means a script or a link of the attacker's ran, any request to the
neighbour that the crawl left the site's origin: tests assert there is none. The same
talks, payloads included, are served as an RSS 2.0 feed at :data:`FEED_PATH` (see
:func:`feed`). All markup is hand-written here.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

from tests.helpers.loopback import QuietHandler, serve

#: A profile file for this site, as its user would write it.
PROFILE_TOML = """\
name = "hostile"
talk_links = "ul.talks a"
title = "h1"
abstract = "div.abstract"
speakers = "span.speaker"
conference = "HostileCon"
year = "2024"
"""

#: Bytes of the huge talk's title (10 MB).
HUGE_TITLE_BYTES = 10 * 1024 * 1024

_BEACONS = (
    "<script>window.pwned = 'script'; new Image().src = '/beacon/script';</script>"
    "<img src='/beacon/img' onerror=\"window.pwned = 'onerror'; fetch('/beacon/onerror')\">"
    "<a href=\"javascript:fetch('/beacon/js-link')\">click me</a>"
    "<svg onload=\"fetch('/beacon/svg')\"><circle r='1'/></svg>"
    "<iframe src='/beacon/iframe'></iframe>"
    "<object data='/beacon/object'></object>"
    "<link rel='stylesheet' href='/beacon/style.css'>"
    "<style>@import url('/beacon/import.css'); body { background: url('/beacon/bg'); }</style>"
    "<form action='/beacon/form'><button formaction='/beacon/button'>go</button></form>"
    "<meta http-equiv='refresh' content='0; url=/beacon/refresh'>"
    "<base href='/beacon/base/'>"
)

#: Escaped markup in the page: its text is this markup, which the site must show as text.
ESCAPED_MARKUP = "<script>window.pwned = 'escaped'</script><img src=x onerror=alert(1)>"

_THEMES = {
    "async": "asyncio event loops coroutines await tasks concurrency network servers sockets",
    "data": "numpy arrays pandas dataframes statistics plots data analysis numerical computing",
    "web": "django templates views forms web applications http requests routing middleware",
}


@dataclass
class Talk:
    """A talk page: the path it is served at, and what its markup holds."""

    path: str
    theme: str
    title: str
    extra: str = ""
    speaker: str = "Eve Attacker"


def _talks() -> list[Talk]:
    return [
        Talk("/talk/scripted/", "async", f"Async servers {_BEACONS}", _BEACONS),
        Talk(
            "/talk/handlers/",
            "data",
            "Dataframes <b onmouseover=\"fetch('/beacon/hover')\">in depth</b>",
            "<div onclick=\"fetch('/beacon/click')\" style=\"background:url('/beacon/css')\">"
            "<p>Click anywhere.</p></div>",
            speaker="&lt;img src=/beacon/speaker onerror=alert(1)&gt; Mallory",
        ),
        Talk(
            "/talk/escaped/",
            "web",
            "Escaping &lt;script&gt;window.pwned = 'title'&lt;/script&gt;",
            "<p>&lt;script&gt;window.pwned = 'escaped'&lt;/script&gt;"
            "&lt;img src=x onerror=alert(1)&gt;</p>",
        ),
        Talk("/talk/..%2F..%2F..%2Fescape/", "async", "Path traversal in a slug"),
        Talk("/talk/page?id=../../../../etc/passwd", "data", "Traversal in a query"),
        Talk("/talk/CON/", "web", "A name Windows reserves"),
        Talk("/talk/" + "long" * 100 + "/", "async", "A very long id"),
        Talk("/talk/nul%00byte/", "data", "A NUL in the id"),
        Talk("/talk/huge/", "web", "HUGE"),
        Talk("/talk/bad-utf8/", "data", "BADBYTES"),
    ]


#: Links on the list page that must never be requested (or not from the list's host).
FORBIDDEN_LINKS = (
    "javascript:fetch('/beacon/list-js')",
    "file:///etc/passwd",
    "data:text/html,<script>fetch('/beacon/data-url')</script>",
    "//evil.invalid/talk/other-site/",
    "mailto:eve@evil.invalid",
)


@dataclass
class Request:
    path: str
    headers: dict


@dataclass
class HostileSite:
    """The running site: its URL and every request it received."""

    url: str
    port: int
    talks: list[Talk] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    neighbour: ThreadingHTTPServer | None = None  # 127.0.0.1 on another port
    neighbour_requests: list[Request] = field(default_factory=list)

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    @property
    def beacons(self) -> list[str]:
        """Requests a script, a link or a style of the attacker made: must stay empty."""
        return self.paths("/beacon/")


def _abstract(talk: Talk) -> str:
    words = _THEMES[talk.theme]
    return f"<p>This talk covers {words}. We study {words} in practice.</p>{talk.extra}"


def _page(talk: Talk) -> bytes:
    if talk.title == "HUGE":
        title = ("Huge title " * (HUGE_TITLE_BYTES // 11)).encode()
        body = _abstract(Talk(talk.path, talk.theme, "A huge title")).encode()
    elif talk.title == "BADBYTES":
        title = b"Bad bytes \xff\xfe\xc3\x28 in the \xed\xa0\x80 title"
        body = _abstract(Talk(talk.path, talk.theme, "Bad bytes")).encode() + b"<p>\x80\xbf</p>"
    else:
        title, body = talk.title.encode(), _abstract(talk).encode()
    return (
        b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>talk</title></head><body><h1>"
        + title
        + b"</h1><p><span class='speaker'>"
        + talk.speaker.encode()
        + b"</span></p><div class='abstract'>"
        + body
        + b"</div></body></html>"
    )


def _list_page(site: HostileSite) -> bytes:
    links = [t.path for t in site.talks] + list(FORBIDDEN_LINKS)
    links += [
        f"http://eve:secret@127.0.0.1:{site.port}/talk/credentials/",
        f"http://localhost:{site.port}/talk/other-host/",
        f"http://127.0.0.1:{_neighbour_port(site)}/talk/other-port/",
        "/talk/to-file/",
        "/talk/to-other-host/",
        "/talk/to-other-port/",
    ]
    items = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>HostileCon 2024</title>"
        f"</head><body>{_BEACONS}<h1>Talks</h1><ul class='talks'>{items}</ul></body></html>"
    ).encode()


def _neighbour_port(site: HostileSite) -> int:
    assert site.neighbour is not None
    return site.neighbour.server_address[1]


#: Title of every page the neighbour serves: it must not be published.
NEIGHBOUR_TITLE = "Served from another port of the same host"


def _start_neighbour(site: HostileSite) -> ThreadingHTTPServer:
    class Handler(QuietHandler):
        def do_GET(self):
            with site.lock:
                site.neighbour_requests.append(Request(self.path, dict(self.headers)))
            body = _page(Talk(self.path, "web", NEIGHBOUR_TITLE))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return serve(Handler)


def start_hostile_site() -> tuple[HostileSite, ThreadingHTTPServer]:
    """Start the site on a free port: ``(site, server)``; ``server.shutdown()`` stops it,
    ``site.neighbour.shutdown()`` the neighbour."""
    site = HostileSite("", 0)
    site.neighbour = _start_neighbour(site)

    class Handler(QuietHandler):
        def do_GET(self):
            with site.lock:
                site.requests.append(Request(self.path, dict(self.headers)))
            if self.path == "/list/":
                cookie = [("Set-Cookie", "session=stolen-if-sent-back; Path=/")]
                return self._send(200, _list_page(site), cookie)
            if self.path == FEED_PATH:
                return self._send(200, feed(site), type="application/rss+xml")
            if self.path == "/talk/to-file/":
                return self._send(302, b"", [("Location", "file:///etc/passwd")])
            if self.path == "/talk/to-other-host/":
                away = f"http://localhost:{site.port}/talk/scripted/"
                return self._send(302, b"", [("Location", away)])
            if self.path == "/talk/to-other-port/":
                away = f"http://127.0.0.1:{_neighbour_port(site)}/talk/scripted/"
                return self._send(302, b"", [("Location", away)])
            for talk in site.talks:
                if self.path == talk.path:
                    return self._send(200, _page(talk))
            if self.path.startswith("/talk/"):  # the credentials and other-host links
                return self._send(200, _page(Talk(self.path, "web", "Should not be read")))
            return self._send(404, b"not found")

        def _send(self, status: int, body: bytes, headers=(), type="text/html") -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{type}; charset=utf-8")
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = serve(Handler)
    site.port = server.server_address[1]
    site.url = f"http://127.0.0.1:{site.port}"
    site.talks = _talks()
    return site, server


#: Where the site serves its talks as a feed.
FEED_PATH = "/feed"

#: Links of feed entries that must never be requested nor published.
FORBIDDEN_ENTRY_LINKS = (
    "javascript:fetch('/beacon/feed-js')",
    "file:///etc/passwd",
    "data:text/html,<script>fetch('/beacon/feed-data-url')</script>",
)


def _xml(text: bytes) -> bytes:
    return text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def feed(site: HostileSite) -> bytes:
    """The site's talks as an RSS 2.0 feed: each entry's title, text (HTML, in CDATA) and
    author (``dc:creator``) are what its talk page shows, payloads included, and its link is
    the talk page's URL, so that its talk id is the one a crawl gives. Entries linking
    :data:`FORBIDDEN_ENTRY_LINKS` follow, with a guid trying to escape a folder."""
    items = []
    for talk in site.talks:
        page = _page(talk)
        title = page.split(b"<h1>", 1)[1].split(b"</h1>", 1)[0]
        text = page.split(b"<div class='abstract'>", 1)[1].rsplit(b"</div>", 1)[0]
        author = html.unescape(talk.speaker).encode()
        link = f"{site.url}{talk.path}".encode()
        items.append(
            b"<item><title>" + _xml(title) + b"</title><link>" + _xml(link) + b"</link>"
            b"<dc:creator>" + _xml(author) + b"</dc:creator>"
            b"<description><![CDATA[" + text + b"]]></description></item>"
        )
    text = html.escape(_abstract(Talk("", "web", "")))
    for n, link in enumerate(FORBIDDEN_ENTRY_LINKS):
        item = (
            f"<item><title>Forbidden link {n}</title><link>{html.escape(link)}</link>"
            f"<guid isPermaLink='false'>../../etc/passwd</guid>"
            f"<description>{text}</description></item>"
        )
        items.append(item.encode())
    return (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b"<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
        b"<title>HostileCon 2024 &lt;script&gt;window.pwned = 'feed'&lt;/script&gt;</title>"
        b"<link>javascript:fetch('/beacon/channel')</link>" + b"".join(items) + b"</channel></rss>"
    )
