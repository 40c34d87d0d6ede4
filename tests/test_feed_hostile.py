"""The hostile site's payloads in a feed (tests/hostile_site.py, :func:`feed`), read and
published by the real command line, then checked as tests/test_hostile.py checks the
crawled site: the same checks run on the site published from the feed.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from topics.cli import main
from topics.corpus import Corpus

from . import test_hostile as checks
from .hostile_site import FEED_PATH, FORBIDDEN_ENTRY_LINKS, start_hostile_site
from .reliability_table import reliability


@pytest.fixture(scope="module")
def hostile():
    site, server = start_hostile_site()
    yield site
    for running in (server, site.neighbour):
        running.shutdown()
        running.server_close()


@pytest.fixture(scope="module")
def published(hostile, tmp_path_factory):
    """``topics run`` on the hostile site's feed: (work folder, exit code, stderr,
    requests the site received)."""
    work = tmp_path_factory.mktemp("hostile-feed")
    before = len(hostile.requests)
    args = ["run", f"{hostile.url}{FEED_PATH}", "--topics", "3",
            "--cache", str(work / "cache"), "--out", str(work / "site")]  # fmt: skip
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(args)
    return work, code, err.getvalue(), hostile.requests[before:]


@reliability(
    "An RSS feed whose entries hold the hostile site's payloads (scripts, event handlers,"
    " escaped markup, a 10 MB title, bytes that are not UTF-8, ids like ../../etc/passwd,"
    " CON, NUL) and link javascript:, file: and data: URLs, read by 'topics run'",
    "Only the feed (and robots.txt) was requested, without cookie or credentials; no link"
    " is published but http(s) ones; each file is inside the output folders, named"
    " [a-z0-9-]; the title is cut to 500 characters, bad bytes are U+FFFD; markup is text",
)
def test_feed_payloads_are_read_as_text(published, hostile):
    work, code, err, requests = published
    assert code == 0, err
    assert [r.path for r in requests] == ["/robots.txt", FEED_PATH]
    for request in requests:
        assert "Cookie" not in request.headers and "Authorization" not in request.headers
    assert hostile.neighbour_requests == []
    corpus = Corpus.load(work / "cache" / "talks.jsonl")
    assert len(corpus) == len(hostile.talks) + len(FORBIDDEN_ENTRY_LINKS)
    for talk in corpus:
        assert not talk.url or talk.url.startswith(f"{hostile.url}/talk/"), talk.url
    site = work / "site"
    for path in checks._files(site):
        for link in FORBIDDEN_ENTRY_LINKS:
            assert link not in path.read_text("utf-8", "replace"), (path, link)
    names = sorted(p.stem for p in (site / "talks").iterdir())
    assert {"escape", "page-id-etc-passwd", "con-talk", "nul-byte", "etc-passwd"} <= set(names)
    assert all(len(n) <= 100 and n.replace("-", "").isalnum() for n in names)
    for path in checks._files(work):
        assert path.resolve().is_relative_to(work.resolve())
    checks.test_huge_title_is_cut_and_bad_bytes_replaced(published)
    checks.test_markup_of_the_attacker_is_text_on_the_site(published)
    checks.test_every_csp_directive_forbids_other_origins(published)


@pytest.mark.browser
@reliability(
    "Every page of the site published from the hostile feed opened in headless Chromium",
    "No script of the attacker ran, no request left the site, the hostile server got no"
    " request, no console error",
)
def test_no_script_of_the_feed_runs(published, hostile, serve, browser, artifacts):
    checks.test_no_script_runs_and_no_request_leaves_the_site(
        published, hostile, serve, browser, artifacts
    )
