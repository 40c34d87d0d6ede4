"""A real pretalx server, seeded with EuroPython 2016's programme, crawled by ``topics run``.

pretalx (the PyPI package, version in ``.ci/pretalx-requirements.txt``) runs in its own
virtual environment, ``.ci/pretalx-venv`` (made by ``.ci/setup``, or here when absent),
on SQLite in a temporary folder (on ``/dev/shm`` when there is one: migrations are
4 times faster there), with Django's development server bound to 127.0.0.1. The
database is migrated, then ``tests/helpers/pretalx_seed.py`` creates the event through
pretalx's own ORM from ``../shared/data/pyvideo/europython-2016`` (169 talks),
schedules every talk and releases the schedule. Each step's seconds are written to
``artifacts/pretalx.json``.

The crawler reaches pretalx through a recording proxy on 127.0.0.1, which can also
switch the schedule export off (404), so the tests count the requests pretalx got. Two
more tests read what pretalx exports: its iCalendar feed, compared talk by talk with its
JSON export, and its static HTML export (``export_schedule_html``) served by Python's
``http.server``.

Select these tests with ``-m pretalx``; they skip with the reason when pretalx cannot
be installed (no network) or the shared data is absent.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import ARTIFACTS, REPO, saved_corpus
from tests.helpers.loopback import QuietHandler, serve
from topics.cli import main
from topics.corpus import Corpus
from topics.sources import load
from topics.sources.http import Fetcher
from topics.sources.schedule import load_schedule

pytestmark = [pytest.mark.pretalx, pytest.mark.shared]

VENV = Path(os.environ.get("TOPICS_PRETALX_VENV", REPO / ".ci" / "pretalx-venv"))
REQUIREMENTS = REPO / ".ci" / "pretalx-requirements.txt"
SEED = REPO / "tests" / "helpers" / "pretalx_seed.py"
SLUG = "ep2016"
EVENT = "europython-2016"
#: Requests whose answer the proxy replaces by a 404 when the export is "switched off".
EXPORTS = re.compile(r"^/[^/]+/schedule(/export/|\.(json|xml|xcal|ics)$)")


def _python() -> Path:
    return VENV / "bin" / "python"


def _install(timings: dict) -> None:
    """Make the virtual environment with pretalx, unless ``.ci/setup`` already did."""
    if _python().exists() and _run([_python(), "-c", "import pretalx"], check=False) == 0:
        return
    start = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
        subprocess.run(
            [_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS)],
            check=True, timeout=900, capture_output=True, text=True,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(VENV, ignore_errors=True)
        lines = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines() or ["?"]
        pytest.skip(f"pretalx could not be installed into {VENV} (no network?): {lines[-1]}")
    timings["install_s"] = round(time.perf_counter() - start, 1)


def _run(command: list, check: bool = True, env: dict | None = None, timeout: float = 600) -> int:
    result = subprocess.run(
        [str(c) for c in command], env=env, timeout=timeout, capture_output=True, text=True
    )
    if check and result.returncode:
        raise RuntimeError(f"{command} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.returncode


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Pretalx:
    url: str
    timings: dict
    env: dict  # for pretalx's management commands


@pytest.fixture(scope="module")
def programme(shared) -> list[dict]:
    folder = shared / "data" / "pyvideo" / EVENT
    return [json.loads(p.read_text("utf-8")) for p in sorted((folder / "videos").glob("*.json"))]


@pytest.fixture(scope="module")
def pretalx(shared) -> Iterator[Pretalx]:
    """A migrated, seeded, published pretalx on 127.0.0.1; its timings in artifacts/."""
    timings: dict = {}
    _install(timings)
    shm = Path("/dev/shm")
    data = Path(tempfile.mkdtemp(prefix="pretalx-", dir=shm if shm.is_dir() else None))
    port = _free_port()
    env = {
        **os.environ,
        "PRETALX_DATA_DIR": str(data),
        "PRETALX_SITE_URL": f"http://127.0.0.1:{port}",
        "PRETALX_FILESYSTEM_STATIC": str(data / "static"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = None
    try:
        start = time.perf_counter()
        _run([_python(), "-m", "pretalx", "migrate", "--noinput"], env=env)
        timings["migrate_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        _run([_python(), SEED, shared / "data" / "pyvideo" / EVENT, SLUG], env=env)
        timings["seed_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        log = (data / "server.log").open("w")
        server = subprocess.Popen(
            [_python(), "-m", "pretalx", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_for(f"127.0.0.1:{port}", f"/{SLUG}/", server, data / "server.log")
        timings["start_s"] = round(time.perf_counter() - start, 1)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "pretalx.json").write_text(json.dumps(timings, indent=2) + "\n")
        yield Pretalx(f"http://127.0.0.1:{port}", timings, env)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data, ignore_errors=True)


def _wait_for(netloc: str, path: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"pretalx exited: {log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(netloc, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"pretalx did not answer {path} within 120 s: {log.read_text()[-2000:]}")


@dataclass
class Proxy:
    """A recording reverse proxy to pretalx; ``exports=False`` answers 404 for exports."""

    url: str
    paths: list[str] = field(default_factory=list)


@pytest.fixture
def proxy(pretalx) -> Iterator:
    servers = []

    def start(exports: bool) -> Proxy:
        upstream = urlsplit(pretalx.url).netloc
        record = Proxy("")

        class Handler(QuietHandler):
            def do_GET(self):
                record.paths.append(self.path)
                if not exports and EXPORTS.match(urlsplit(self.path).path):
                    self._answer(404, [("Content-Type", "text/plain")], b"switched off")
                    return
                connection = http.client.HTTPConnection(upstream, timeout=60)
                forwarded = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() not in ("host", "connection", "keep-alive")
                }
                connection.request("GET", self.path, headers={**forwarded, "Host": upstream})
                answer = connection.getresponse()
                body = answer.read()
                headers = [
                    (name, value.replace(pretalx.url, record.url))
                    for name, value in answer.getheaders()
                    if name.lower() in ("content-type", "location", "etag", "last-modified")
                ]
                self._answer(answer.status, headers, body)
                connection.close()

            def _answer(self, status: int, headers: list, body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        httpd = serve(Handler)
        servers.append(httpd)
        record.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        return record

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _words(text: str) -> set[str]:
    """Words of 4 letters or more; URLs left out (Markdown shows no link definitions)."""
    return set(re.findall(r"[a-z]{4,}", re.sub(r"\S*https?://\S+", " ", text.lower())))


def _check_every_talk(corpus: Corpus, programme: list[dict]) -> None:
    """Every seeded talk is there once, with its speakers and its whole abstract."""
    assert len(corpus) == len(programme) == 169
    by_title: dict[str, list] = {}
    for talk in corpus:
        by_title.setdefault(talk.title, []).append(talk)
    for video in programme:
        [talk] = by_title.pop(video["title"])
        assert sorted(talk.speakers) == sorted(video["speakers"]), talk.title
        expected = _words(video["description"])
        missing = expected - _words(talk.abstract)
        assert len(missing) <= 0.02 * len(expected), (talk.title, sorted(missing)[:20])
        assert talk.day.startswith("2016-07-") and talk.room, talk.title
        assert talk.event == SLUG
    assert not by_title
    assert corpus.title == "EuroPython 2016"


def test_pretalx_event_through_its_schedule_export(pretalx, proxy, programme, tmp_path):
    """Default politeness; the event's root URL; three requests: robots, page, export."""
    server = proxy(exports=True)
    cache, site = tmp_path / "cache", tmp_path / "site"
    start = time.perf_counter()
    code = main(["run", f"{server.url}/{SLUG}/", "--cache", str(cache), "--out", str(site),
                 "--topics", "12", "--delay", "0.5"])  # fmt: skip
    pretalx.timings["export_run_s"] = round(time.perf_counter() - start, 1)
    assert code == 0
    corpus = saved_corpus(cache)
    _check_every_talk(corpus, programme)
    assert all(t.url.startswith(f"{pretalx.url}/{SLUG}/talk/") for t in corpus)
    assert server.paths == ["/robots.txt", f"/{SLUG}/", f"/{SLUG}/schedule/export/schedule.json"]
    assert len(list((site / "talks").glob("*.html"))) == 169


def test_pretalx_event_through_its_talk_pages_when_the_export_is_off(
    pretalx, proxy, programme, tmp_path
):
    """The schedule page's URL; the export answers 404: every talk page, once each."""
    server = proxy(exports=False)
    cache, site = tmp_path / "cache", tmp_path / "site"
    start = time.perf_counter()
    code = main(["run", f"{server.url}/{SLUG}/schedule/", "--cache", str(cache),
                 "--out", str(site), "--topics", "12", "--delay", "0.1"])  # fmt: skip
    pretalx.timings["html_run_s"] = round(time.perf_counter() - start, 1)
    (ARTIFACTS / "pretalx.json").write_text(json.dumps(pretalx.timings, indent=2) + "\n")
    assert code == 0
    corpus = saved_corpus(cache)
    _check_every_talk(corpus, programme)
    talk_pages = [p for p in server.paths if re.fullmatch(rf"/{SLUG}/talk/\w+/", p)]
    assert len(talk_pages) == len(set(talk_pages)) == 169
    assert f"/{SLUG}/schedule/export/schedule.json" in server.paths
    assert {t.url for t in corpus} == {f"{server.url}{p}" for p in talk_pages}  # two at once
    assert len(list((site / "talks").glob("*.html"))) == 169


def test_schedule_ics_gives_the_talks_of_the_json_export(pretalx, tmp_path):
    """The calendar pretalx exports (``schedule/export/schedule.ics``, also served as
    ``schedule.ics``) and its JSON export, both read with ``topics.sources.load``: the same
    169 talks (by URL), titles, speakers, days, times and rooms, and the same abstracts.

    pretalx writes only a talk's abstract into the calendar's DESCRIPTION, not its longer
    description (``TalkSlot.build_ical``), while the JSON talk's abstract is both: the
    calendar's abstracts are compared with the JSON export read with its descriptions
    left out, and each is the start of the full JSON talk's abstract.
    """
    fetcher = Fetcher(tmp_path / "cache")
    export = f"{pretalx.url}/{SLUG}/schedule/export/"
    calendar = load(export + "schedule.ics", fetcher)
    assert calendar.talks == load(f"{pretalx.url}/{SLUG}/schedule.ics", fetcher).talks
    schedule = load(export + "schedule.json", fetcher)
    document = json.loads(fetcher.get(export + "schedule.json").content)
    for day in document["schedule"]["conference"]["days"]:
        for entries in day["rooms"].values():
            for entry in entries:
                entry["description"] = ""
    (tmp_path / "abstracts.json").write_text(json.dumps(document))
    abstracts = {t.url: t.abstract for t in load_schedule(str(tmp_path / "abstracts.json"))}

    assert len(calendar) == len(schedule) == 169
    by_url = {talk.url: talk for talk in schedule}
    assert sorted(by_url) == sorted(t.url for t in calendar)
    with_description = 0
    for talk in calendar:
        exported = by_url[talk.url]
        assert talk.title == exported.title
        assert talk.speakers == exported.speakers, talk.title
        assert (talk.day, talk.time, talk.room) == (exported.day, exported.time, exported.room)
        assert talk.event == exported.event == SLUG
        assert talk.abstract == abstracts[talk.url], talk.title
        assert " ".join(exported.abstract.split()).startswith(" ".join(talk.abstract.split()))
        with_description += exported.abstract != talk.abstract
    assert with_description > 100  # most EuroPython 2016 talks have a description


def test_static_html_export_served_without_types(pretalx, programme, serve, tmp_path):
    """pretalx's own static HTML export (``export_schedule_html``, after ``collectstatic``),
    without its schedule exports, served by Python's ``http.server``: the no-JavaScript
    schedule is the extension-less file ``schedule/nojs``, sent as
    application/octet-stream, and every talk is read from it."""
    start = time.perf_counter()
    _run([_python(), "-m", "pretalx", "collectstatic", "--noinput"], env=pretalx.env)
    _run([_python(), "-m", "pretalx", "export_schedule_html", SLUG], env=pretalx.env)
    pretalx.timings["static_export_s"] = round(time.perf_counter() - start, 1)
    root = Path(pretalx.env["PRETALX_DATA_DIR"]) / "htmlexport" / SLUG
    shutil.rmtree(root / SLUG / "schedule" / "export")
    server = serve(root)
    with urllib.request.urlopen(f"{server.url}/{SLUG}/schedule/nojs") as answer:
        assert answer.headers["Content-Type"] == "application/octet-stream"
    cache = tmp_path / "cache"
    assert main(["crawl", f"{server.url}/{SLUG}/", "--cache", str(cache), "--delay", "0"]) == 0
    _check_every_talk(saved_corpus(cache), programme)
    assert server.count(f"/{SLUG}/schedule/nojs") == 2  # the test's request, then the crawl's
