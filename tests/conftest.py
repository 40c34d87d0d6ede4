"""Shared fixtures: the real data in ../shared, and real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import ARTIFACTS, shared_path
from tests.helpers.loopback import Server, start_server

# Tests crawl their own servers on 127.0.0.1: no pause between requests unless a test
# asks for one (the tests of politeness pass delay= or unset the variable).
os.environ.setdefault("TOPICS_CRAWL_DELAY", "0")

# The per-user cache of prepared language data (topics.model.usercache): one of this test
# session (commands run by the tests inherit it), not the user's.
if "TOPICS_USER_CACHE" not in os.environ:
    _user_cache = tempfile.mkdtemp(prefix="topics-user-cache-")
    atexit.register(shutil.rmtree, _user_cache, ignore_errors=True)
    os.environ["TOPICS_USER_CACHE"] = _user_cache

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


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared real-data folder; skips the test when it is absent."""
    path = shared_path()
    if not (path / "README.md").is_file():
        pytest.skip(f"real data not available: {path} is absent (set TOPICS_SHARED)")
    return path


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
    from tests.helpers.browser import chromium, require_chromium

    require_chromium()
    with chromium() as browser:
        yield browser
