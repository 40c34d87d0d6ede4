"""A hostile site (tests/hostile_site.py) crawled and published by the real command line.

The site is crawled over HTTP on 127.0.0.1 with ``topics run`` (with a profile file, and
again with the profile inferred from the site's own pages), the published site is
served by another server on 127.0.0.1 and opened in headless Chromium: no script of the
attacker runs, no request leaves the published site, the hostile server receives no
request from a script, a link, a style or a redirect, and every file written is inside
the output folders. The same payloads in an RSS feed (:func:`~tests.helpers.hostile_site.feed`)
are read by ``topics run`` and the site published from it passes the same checks.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers import saved_corpus
from tests.helpers.browser import open_page
from tests.helpers.hostile_site import (
    ESCAPED_MARKUP,
    FEED_PATH,
    FORBIDDEN_ENTRY_LINKS,
    FORBIDDEN_LINKS,
    NEIGHBOUR_TITLE,
    PROFILE_TOML,
    start_hostile_site,
)
from tests.reliability_table import reliability
from topics.cli import PAGES_FAILED, main
from topics.corpus import MAX_TITLE


@pytest.fixture(scope="module")
def hostile():
    site, server = start_hostile_site()
    yield site
    for running in (server, site.neighbour):
        running.shutdown()
        running.server_close()


@pytest.fixture(scope="module", params=["profile", "generic"])
def published(hostile, tmp_path_factory, request):
    """``topics run`` on the hostile site, with the user's profile or with the one inferred
    from the site (the generic path): (work folder, exit code, stderr lines)."""
    work = tmp_path_factory.mktemp("hostile")
    (work / "hostile.toml").write_text(PROFILE_TOML)
    before = len(hostile.requests)
    profile = ["--profile", str(work / "hostile.toml")] if request.param == "profile" else []
    args = ["run", f"{hostile.url}/list/", *profile, "--topics",
            "3", "--cache", str(work / "cache"), "--out", str(work / "site")]  # fmt: skip
    err = io.StringIO()
    with contextlib.redirect_stderr(err):  # the CLI's messages and log lines
        code = main(args)
    return work, code, err.getvalue(), hostile.requests[before:]


def _files(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _, names in os.walk(folder) for name in names]


@reliability(
    "Crawl a hostile site: file:, data:, javascript:, mailto: and other-host links, a link"
    " to the same host on another port, a user:password@ link, redirects to file:, to"
    " another host and to another port, a cookie",
    "Only http(s) pages of the list page's origin (scheme, host, port) were requested; no"
    " cookie or Authorization header was sent; the refused pages are listed, exit code 3",
)
def test_crawl_stays_on_the_site_and_sends_no_credentials(published, hostile):
    work, code, err, requests = published
    assert code == PAGES_FAILED, err
    port = str(hostile.port)
    for request in requests:
        assert request.headers.get("Host") == f"127.0.0.1:{port}", request
        assert "Cookie" not in request.headers, request
        assert "Authorization" not in request.headers, request
        assert not request.path.startswith("/beacon/"), request
    paths = [r.path for r in requests]
    assert "/talk/credentials/" not in paths and "/talk/other-host/" not in paths
    assert "/talk/to-file/" in paths and "/talk/to-other-host/" in paths  # asked, not followed
    assert "/talk/to-other-port/" in paths
    assert hostile.neighbour_requests == []  # the other port: neither linked nor redirected to
    assert paths.count("/talk/scripted/") == 1  # not again through the redirect
    assert not [p for p in paths if "passwd" in p and not p.startswith("/talk/page?")]
    for link in FORBIDDEN_LINKS:
        assert link not in err  # never even a candidate: not listed as failed
    failed = err.split("pages failed:", 1)[1]
    assert "/talk/credentials/: URL with a user name or password" in failed
    assert "/talk/to-file/: not an http(s) URL" in failed
    assert "/talk/to-other-host/: redirected off the site" in failed
    assert "/talk/to-other-port/: redirected off the site" in failed
    assert failed.count("\n  ") == 4  # the other-host and other-port links are not on the site
    assert NEIGHBOUR_TITLE not in {t.title for t in saved_corpus(work / "cache")}


@reliability(
    "Talk ids from URLs like ../../../escape, ?id=../../etc/passwd, CON, NUL bytes and"
    " 400 characters",
    "Every file written is inside the cache or the site folder, named [a-z0-9-] only,"
    " at most 100 characters, never a Windows device name",
)
def test_every_file_is_inside_the_output_folders(published):
    work, _, _, _ = published
    site, cache = (work / "site").resolve(), (work / "cache").resolve()
    allowed = {"hostile.toml", "cache", "site"}
    assert {p.name for p in work.iterdir()} == allowed
    for path in _files(work):
        assert not path.is_symlink(), path
        real = path.resolve()
        assert real.is_relative_to(site) or real.is_relative_to(cache) or real.parent == work
    talks = sorted(p.stem for p in (site / "talks").iterdir())
    assert "escape" in talks and "page-id-etc-passwd" in talks and "con-talk" in talks
    assert "nul-byte" in talks
    assert all(len(name) <= 100 and name.replace("-", "").isalnum() for name in talks)
    assert not {"con", "nul", "aux", "prn"} & set(talks)


@reliability(
    "A talk page with a 10 MB title, and one whose bytes are not valid UTF-8",
    "The title is cut to 500 characters (the page stays small); bad bytes become U+FFFD",
)
def test_huge_title_is_cut_and_bad_bytes_replaced(published):
    work, _, _, _ = published
    corpus = saved_corpus(work / "cache")
    titles = {t.id: t.title for t in corpus}
    assert len(titles["huge"]) == MAX_TITLE and titles["huge"].startswith("Huge title")
    assert (work / "site" / "talks" / "huge.html").stat().st_size < 100_000
    assert "\ufffd" in titles["bad-utf8"] and titles["bad-utf8"].startswith("Bad bytes")
    assert "Bad bytes" in (work / "site" / "talks" / "bad-utf8.html").read_text("utf-8")


def test_markup_of_the_attacker_is_text_on_the_site(published):
    work, _, _, _ = published
    site = work / "site"
    for path in _files(site):
        if path.suffix != ".html":
            continue
        page = BeautifulSoup(path.read_bytes(), "lxml")
        sources = {urlsplit(s["src"]).path.rsplit("/", 1)[-1] for s in page.find_all("script")}
        assert sources <= {"search.js", "map.js", "points.js", "plan.js", "talks.js"}, path
        assert all(not s.string for s in page.find_all("script")), path
        assert not page.find_all(["iframe", "object", "form", "svg", "base", "style"]), path
        assert not page.find_all("meta", attrs={"http-equiv": "refresh"}), path
        for tag in page.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path, tag)
            href = tag.get("href") or ""
            assert not href.lower().startswith(("javascript:", "data:", "file:")), (path, href)
    escaped = BeautifulSoup((site / "talks" / "escaped.html").read_bytes(), "lxml")
    assert ESCAPED_MARKUP in escaped.select_one(".abstract").get_text()
    handlers = BeautifulSoup((site / "talks" / "handlers.html").read_bytes(), "lxml")
    speaker = handlers.select_one(".speakers a").get_text()
    assert speaker == "<img src=/beacon/speaker onerror=alert(1)> Mallory"


@pytest.mark.browser
@reliability(
    "Every page of the published hostile site opened in headless Chromium",
    "No script of the attacker ran (window.pwned unset, no dialog), no request left the"
    " site, the hostile server got no request, no console error",
)
def test_no_script_runs_and_no_request_leaves_the_site(
    published, hostile, serve, browser, artifacts
):
    work, _, _, _ = published
    server = serve(work / "site")
    before = len(hostile.requests)
    pages = sorted(p.relative_to(work / "site") for p in _files(work / "site"))
    pages = [p for p in pages if p.suffix == ".html"]
    assert len(pages) >= 15
    for path in pages:
        page, log = open_page(browser)
        page.goto(f"{server.url}/{path.as_posix()}")
        page.wait_for_load_state("networkidle")
        for link in page.query_selector_all("a.talk-link, .speakers a")[:3]:
            link.hover()  # onmouseover handlers, were there any
        if path.name == "search.html":  # results show the attacker's titles and speakers
            for query in ("script", "escaping", "mallory", "onerror"):
                page.locator("#search-input").fill(query)
                page.wait_for_selector(f'.search-results[data-query="{query}"] a.talk-link')
                results = page.eval_on_selector_all(
                    ".search-results a.talk-link", "links => links.map(a => a.textContent)"
                )
                assert results, query
        assert page.evaluate("typeof window.pwned") == "undefined", path
        if path.as_posix() in ("talks/scripted.html", "talks/handlers.html"):
            page.screenshot(path=artifacts / f"hostile-{path.stem}.png", full_page=True)
        log.assert_clean(prefix=f"{server.url}/")
        page.context.close()
    time.sleep(0.5)  # a beacon sent late would arrive by now
    assert hostile.requests[before:] == []


@pytest.mark.browser
@reliability(
    "Scripts injected into a published page (as if escaping had failed) try an inline"
    " script, an image, fetch, a style import, a font and a frame on another origin",
    "The Content-Security-Policy blocks each one: the other server gets no request",
)
def test_content_security_policy_blocks_what_escaping_would_miss(
    published, hostile, serve, browser
):
    work, _, _, _ = published
    server = serve(work / "site")
    page, log = open_page(browser)
    page.goto(f"{server.url}/talks/scripted.html")
    page.wait_for_load_state("networkidle")
    before = len(hostile.requests)
    beacon = f"{hostile.url}/beacon"
    violations = page.evaluate(
        """async (beacon) => {
            const seen = [];
            document.addEventListener("securitypolicyviolation",
                e => seen.push(e.effectiveDirective));
            const add = (html) => document.body.insertAdjacentHTML("beforeend", html);
            const script = document.createElement("script");
            script.textContent = "window.pwned = 'inline'";
            document.body.appendChild(script);
            add(`<img src="${beacon}/img">`);
            add(`<iframe src="${beacon}/frame"></iframe>`);
            add(`<object data="${beacon}/object"></object>`);
            const style = document.createElement("style");
            style.textContent = `@import url("${beacon}/import.css");
                @font-face { font-family: x; src: url("${beacon}/font"); }
                body { font-family: x; background: url("${beacon}/bg"); }`;
            document.head.appendChild(style);
            const remote = document.createElement("script");
            remote.src = `${beacon}/remote.js`;
            document.body.appendChild(remote);
            try { await fetch(`${beacon}/fetch`); } catch (e) {}
            try { navigator.sendBeacon(`${beacon}/send`, "x"); } catch (e) {}
            await new Promise(r => setTimeout(r, 500));
            return seen;
        }""",
        beacon,
    )
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert {"script-src-elem", "img-src", "frame-src", "connect-src"} <= set(violations)
    assert hostile.requests[before:] == []
    for url in (url for url in log.requests if url.startswith(beacon)):  # Chromium tried
        assert any(failed.startswith(f"{url} (") for failed in log.failed), url  # and refused
    page.context.close()


#: Fetch directives of CSP Level 3 (https://www.w3.org/TR/CSP3/#directives-fetch).
FETCH_DIRECTIVES = (
    "child-src", "connect-src", "font-src", "frame-src", "img-src", "manifest-src",
    "media-src", "object-src", "script-src", "script-src-elem", "script-src-attr",
    "style-src", "style-src-elem", "style-src-attr", "worker-src",
)  # fmt: skip

#: What each fetch directive may allow: nothing, or the site's own files.
#: Inline styles are the site's own (bar widths, topic colours): crawled text is escaped, and
#: a style can fetch nothing but what img-src and font-src allow.
STYLES = ("style-src", "style-src-elem", "style-src-attr")
ALLOWED = {name: {"'self'", "'unsafe-inline'"} for name in STYLES}


def _effective(policy: dict[str, list[str]], directive: str) -> list[str]:
    """The sources a directive allows, with CSP3's fallback chain to default-src."""
    fallbacks = {
        "script-src-elem": ["script-src"], "script-src-attr": ["script-src"],
        "style-src-elem": ["style-src"], "style-src-attr": ["style-src"],
        "worker-src": ["child-src", "script-src"], "frame-src": ["child-src"],
    }  # fmt: skip
    for name in [directive, *fallbacks.get(directive, [])]:
        if name in policy:
            return policy[name]
    return policy["default-src"]


def test_every_csp_directive_forbids_other_origins(published):
    work, _, _, _ = published
    for path in _files(work / "site"):
        if path.suffix != ".html":
            continue
        meta = BeautifulSoup(path.read_bytes(), "lxml").find(
            "meta", attrs={"http-equiv": "Content-Security-Policy"}
        )
        policy = {
            parts[0]: parts[1:]
            for directive in meta["content"].split(";")
            if (parts := directive.split())
        }
        assert policy["default-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
        for directive in FETCH_DIRECTIVES:
            sources = set(_effective(policy, directive))
            assert sources <= ALLOWED.get(directive, {"'self'", "'none'"}), (directive, sources)


@pytest.fixture(scope="module")
def published_feed(hostile, tmp_path_factory):
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
def test_feed_payloads_are_read_as_text(published_feed, hostile):
    work, code, err, requests = published_feed
    assert code == 0, err
    assert [r.path for r in requests] == ["/robots.txt", FEED_PATH]
    for request in requests:
        assert "Cookie" not in request.headers and "Authorization" not in request.headers
    assert hostile.neighbour_requests == []
    corpus = saved_corpus(work / "cache")
    assert len(corpus) == len(hostile.talks) + len(FORBIDDEN_ENTRY_LINKS)
    for talk in corpus:
        assert not talk.url or talk.url.startswith(f"{hostile.url}/talk/"), talk.url
    site = work / "site"
    for path in _files(site):
        for link in FORBIDDEN_ENTRY_LINKS:
            assert link not in path.read_text("utf-8", "replace"), (path, link)
    names = sorted(p.stem for p in (site / "talks").iterdir())
    assert {"escape", "page-id-etc-passwd", "con-talk", "nul-byte", "etc-passwd"} <= set(names)
    assert all(len(n) <= 100 and n.replace("-", "").isalnum() for n in names)
    for path in _files(work):
        assert path.resolve().is_relative_to(work.resolve())
    test_huge_title_is_cut_and_bad_bytes_replaced(published_feed)
    test_markup_of_the_attacker_is_text_on_the_site(published_feed)
    test_every_csp_directive_forbids_other_origins(published_feed)


@pytest.mark.browser
@reliability(
    "Every page of the site published from the hostile feed opened in headless Chromium",
    "No script of the attacker ran, no request left the site, the hostile server got no"
    " request, no console error",
)
def test_no_script_of_the_feed_runs(published_feed, hostile, serve, browser, artifacts):
    test_no_script_runs_and_no_request_leaves_the_site(
        published_feed, hostile, serve, browser, artifacts
    )
