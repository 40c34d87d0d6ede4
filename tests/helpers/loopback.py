"""A conference site on 127.0.0.1 that misbehaves on purpose, and records every request.

:func:`start_site` serves a list page linking talk pages, a robots.txt, and pages that
answer 429 with ``Retry-After``, 503 twice then 200, hang, redirect in a loop, send
50 MB, redirect to another host, and so on (see :data:`BEHAVIOURS`). Every request is
recorded server-side (path, start time, headers), so tests count what really reached
the server. All markup is hand-written here.
"""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: What each special path does (any other /talk/<name>/ is a plain talk page).
BEHAVIOURS = {
    "/limited/": "429 with Retry-After: 1 the first time, then the talk",
    "/flaky/": "503 twice, then the talk",
    "/hang/": "accepts the request and never answers",
    "/loop-a/": "redirects to /loop-b/, which redirects back",
    "/huge/": "a 50 MB body with its Content-Length",
    "/huge-chunked/": "a 50 MB body, chunked, no Content-Length",
    "/private/secret/": "a talk, but robots.txt disallows /private/",
    "/busy/": "429 with Retry-After: 3600",
    "/down/": "503, always",
    "/away/": "redirects to the same server under another host name (localhost)",
    "/trickle/": "headers at once, then a body of TRICKLE_BYTES bytes, one every site.trickle s",
    "/trickle-headers/": "the status line and headers, one byte every site.trickle s",
}
FIFTY_MB = 50 * 1024 * 1024
ROBOTS = "User-agent: *\nDisallow: /private/\n"
#: Bytes of /trickle/'s body.
TRICKLE_BYTES = 40


@dataclass
class Request:
    path: str
    start: float
    headers: dict


@dataclass
class Site:
    """The running site: its URL, what it was asked, and knobs a test may turn."""

    url: str
    requests: list[Request] = field(default_factory=list)
    robots: str | None = ROBOTS
    robots_status: int = 200
    talks: list[str] = field(default_factory=list)
    latency: float = 0.0
    trickle: float = 0.25
    versions: dict[str, int | str] = field(default_factory=dict)
    bytes_sent: Counter = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    gate: threading.Event | None = None
    gate_after: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        return sum(r.path == path for r in self.requests)

    def starts(self, prefix: str = "/talk/") -> list[float]:
        return [r.start for r in self.requests if r.path.startswith(prefix)]

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]


def talk_page(name: str, version: int = 1) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name}</title></head>"
        f"<body><h1>Talk {name}</h1><p class='who'><span class='speaker'>Speaker {name}</span>"
        f"</p><div class='abstract'><p>All about {name}, version {version}.</p></div>"
        "</body></html>"
    ).encode()


def list_page(site: Site) -> bytes:
    links = "".join(f"<li><a href='{path}'>{path}</a></li>" for path in site.talks)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>MiniConf 2024 talks</title>"
        f"</head><body><h1>Talks</h1><ul class='talks'>{links}</ul></body></html>"
    ).encode()


#: A profile file for this site, as a user would write it.
PROFILE_TOML = """\
# The loopback test site: topics crawl URL --profile miniconf.toml
name = "miniconf"
talk_links = "ul.talks a"
title = "h1"
abstract = ["div.abstract", "div.description"]
speakers = "p.who span.speaker"
conference = "MiniConf"
year = "2024"                             # the URL holds no year
"""


class QuietHandler(BaseHTTPRequestHandler):
    """An HTTP/1.1 request handler that logs nothing and shrugs off clients hanging up."""

    protocol_version = "HTTP/1.1"

    def handle(self):
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # client hung up
            super().handle()

    def log_message(self, format, *args):
        pass


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Serve ``handler`` on a free port of 127.0.0.1 from a daemon thread;
    ``server.shutdown()`` stops it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


def start_site(talks: list[str] | None = None) -> tuple[Site, ThreadingHTTPServer]:
    """Start the site on a free port: ``(site, server)``; ``server.shutdown()`` stops it."""
    site = Site("")
    site.talks = list(talks or [])

    class Handler(QuietHandler):
        def do_GET(self):
            path = self.path
            with site.lock:
                site.requests.append(Request(path, time.monotonic(), dict(self.headers)))
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
                n_talks = sum(r.path.startswith("/talk/") for r in site.requests)
            try:
                if (
                    site.gate is not None
                    and path.startswith("/talk/")
                    and n_talks > site.gate_after
                ):
                    site.gate.set()  # tell the test: the client waits for this page
                    site.release.wait(timeout=60)
                if site.latency:
                    time.sleep(site.latency)
                self._route(path)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with site.lock:
                    site.in_flight -= 1

        def _route(self, path: str) -> None:
            n = site.count(path)
            if path == "/robots.txt":
                if site.robots is None:
                    return self._send(404, b"no robots.txt", "text/plain")
                return self._send(site.robots_status, site.robots.encode(), "text/plain")
            if path == "/list/":
                return self._send(200, list_page(site))
            if path == "/limited/" and n == 1:
                return self._send(429, b"slow down", "text/plain", [("Retry-After", "1")])
            if path == "/flaky/" and n <= 2:
                return self._send(503, b"try later", "text/plain")
            if path == "/busy/":
                return self._send(429, b"come back in an hour", "text/plain",
                                  [("Retry-After", "3600")])  # fmt: skip
            if path == "/down/":
                return self._send(503, b"down", "text/plain")
            if path == "/hang/":
                site.release.wait(timeout=10)
                return None
            if path == "/loop-a/":
                return self._send(302, b"", "text/plain", [("Location", "/loop-b/")])
            if path == "/loop-b/":
                return self._send(302, b"", "text/plain", [("Location", "/loop-a/")])
            if path.startswith("/chain/"):
                step = int(path.strip("/").split("/")[1])
                return self._send(302, b"", "text/plain", [("Location", f"/chain/{step + 1}/")])
            if path == "/away/":
                away = f"http://localhost:{self.server.server_address[1]}/talk/ok-1/"
                return self._send(302, b"", "text/plain", [("Location", away)])
            if path == "/trickle/":
                head = (
                    f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {TRICKLE_BYTES}"
                )
                self.wfile.write(f"{head}\r\n\r\n".encode())
                return self._trickle(b"<p>" + b"x" * (TRICKLE_BYTES - 3))
            if path == "/trickle-headers/":
                self.close_connection = True
                return self._trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 40 + b"\r\n\r\n")
            if path == "/huge/":
                return self._huge(chunked=False)
            if path == "/huge-chunked/":
                return self._huge(chunked=True)
            if path.startswith("/talk/") or path in ("/limited/", "/flaky/", "/private/secret/"):
                return self._talk(path)
            return self._send(404, b"not found", "text/plain")

        def _talk(self, path: str) -> None:
            name = path.strip("/").split("/")[-1]
            version = site.versions.get(path, 1)
            if version == "broken":
                return self._send(503, b"broken", "text/plain")
            etag = f'"{name}-v{version}"'
            modified = email.utils.formatdate(1_700_000_000 + version * 86400, usegmt=True)
            if path.startswith("/talk/lm-"):  # validators: Last-Modified only
                headers = [("Last-Modified", modified)]
                if self.headers.get("If-Modified-Since") == modified:
                    return self._send(304, b"", "", headers)
            else:
                headers = [("ETag", etag)]
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", "", headers)
            return self._send(200, talk_page(name, version), headers=headers)

        def _trickle(self, data: bytes) -> None:
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                time.sleep(site.trickle)

        def _huge(self, chunked: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(FIFTY_MB))
            self.end_headers()
            block = b"<p>" + b"x" * (1024 * 1024 - 3)
            for _ in range(FIFTY_MB // len(block)):
                data = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
                self.wfile.write(data)
                site.bytes_sent[self.path] += len(block)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")

        def _send(self, status: int, body: bytes, kind: str = "text/html", headers=()) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
            for name, value in headers:
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    server = serve(Handler)
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    return site, server


@contextlib.contextmanager
def running_site(talks: list[str] | None = None) -> Iterator[Site]:
    """:func:`start_site` for the duration of a ``with`` block: the site is stopped (and
    any request held by ``release`` let go) on leaving it."""
    site, server = start_site(talks)
    try:
        yield site
    finally:
        site.release.set()
        server.shutdown()
        server.server_close()


def static_handler(root: str, log: list[str]) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving ``root`` and appending each GET's path to ``log``."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def do_GET(self):
            log.append(self.path)
            super().do_GET()

        def log_message(self, format, *args):  # quiet test output
            pass

    return Handler


@dataclass
class Server:
    """A static file server on 127.0.0.1 that records the path of every request."""

    url: str
    requests: list[str] = field(default_factory=list)

    def count(self, prefix: str = "") -> int:
        """Requests whose path starts with ``prefix``."""
        return sum(path.startswith(prefix) for path in self.requests)


def start_server(root: Path) -> tuple[Server, ThreadingHTTPServer]:
    """Serve a folder over real HTTP on 127.0.0.1 from a daemon thread: ``(server, httpd)``;
    ``httpd.shutdown()`` then ``httpd.server_close()`` stop it."""
    log: list[str] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), static_handler(str(root), log))
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    server = Server(f"http://127.0.0.1:{httpd.server_address[1]}")
    server.requests = log
    return server, httpd
