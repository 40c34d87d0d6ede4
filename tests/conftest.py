"""Shared fixtures: the real data in ../shared, and real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Tests crawl their own servers on 127.0.0.1: no pause between requests unless a test
# asks for one (the tests of politeness pass delay= or unset the variable).
os.environ.setdefault("TOPICS_CRAWL_DELAY", "0")

# Property tests: the default run is repeatable (a fixed seed, no example database), so CI
# is not flaky; `-m fuzz` runs only them, with fresh random inputs and many more examples.
_PROPERTY_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile(
    "ci", max_examples=150, derandomize=True, database=None, print_blob=True, **_PROPERTY_SETTINGS
)
settings.register_profile("fuzz", max_examples=5000, **_PROPERTY_SETTINGS)


def pytest_configure(config: pytest.Config) -> None:
    """Load the ``fuzz`` Hypothesis profile when ``-m fuzz`` selects the property tests."""
    fuzzing = "fuzz" in (config.option.markexpr or "").split()
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz" if fuzzing else "ci"))


REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "artifacts"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path: to tell whether a site changed."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def shared_path() -> Path:
    """The shared data folder: ``$TOPICS_SHARED`` or ``../shared`` beside the repository."""
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared real-data folder; skips the test when it is absent."""
    path = shared_path()
    if not (path / "README.md").is_file():
        pytest.skip(f"real data not available: {path} is absent (set TOPICS_SHARED)")
    return path


@dataclass
class Server:
    """A static file server on 127.0.0.1 that records the path of every request."""

    url: str
    requests: list[str] = field(default_factory=list)

    def count(self, prefix: str = "") -> int:
        """Requests whose path starts with ``prefix``."""
        return sum(path.startswith(prefix) for path in self.requests)


def _handler(root: str, log: list[str]) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def do_GET(self):
            log.append(self.path)
            super().do_GET()

        def log_message(self, format, *args):  # quiet test output
            pass

    return Handler


def start_server(root: Path) -> tuple[Server, ThreadingHTTPServer]:
    """Serve a folder over real HTTP on 127.0.0.1 from a daemon thread: ``(server, httpd)``;
    ``httpd.shutdown()`` then ``httpd.server_close()`` stop it."""
    log: list[str] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(str(root), log))
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    server = Server(f"http://127.0.0.1:{httpd.server_address[1]}")
    server.requests = log
    return server, httpd


@pytest.fixture
def serve() -> Iterator:
    """Serve a folder over real HTTP on 127.0.0.1: ``serve(folder) -> Server``."""
    servers = []

    def start(root: Path) -> Server:
        server, httpd = start_server(root)
        servers.append(httpd)
        return server

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def artifacts() -> Path:
    """Folder for files a person should look at after the run (screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a test module (skips when it is not installed)."""
    from .browser import chromium, require_chromium

    require_chromium()
    with chromium() as browser:
        yield browser
