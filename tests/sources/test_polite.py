"""Crawling politely: robots.txt, pace, bounded concurrency, retries, limits, revalidation.

Every test runs a real HTTP server on 127.0.0.1 (tests/loopback.py) that records what
reached it, so each claim is checked server-side.
"""

from __future__ import annotations

import contextlib
import itertools
import time

import pytest

from tests.helpers import error_line, saved_corpus
from tests.helpers.loopback import FIFTY_MB, PROFILE_TOML, running_site
from tests.reliability_table import reliability
from topics.cli import PAGES_FAILED, main
from topics.sources import SourceError, http
from topics.sources.builtin_profiles import get_profile
from topics.sources.crawler import CrawlFailure, crawl_site
from topics.sources.http import (
    DELAY,
    MAX_BYTES,
    MAX_REDIRECTS,
    MAX_ROBOTS_BYTES,
    Fetcher,
    FetchError,
)
from topics.sources.profiles import FIELDS, Profile, load_profile
from topics.workspace import open_fetcher

MISBEHAVING = [
    "/talk/ok-1/",
    "/limited/",
    "/flaky/",
    "/hang/",
    "/loop-a/",
    "/huge/",
    "/huge-chunked/",
    "/private/secret/",
    "/busy/",
    "/down/",
    "/away/",
    "/talk/ok-2/",
]


@pytest.fixture
def site():
    with contextlib.ExitStack() as running:
        yield lambda talks=None: running.enter_context(running_site(talks))


@pytest.fixture
def profile(tmp_path) -> Profile:
    path = tmp_path / "miniconf.toml"
    path.write_text(PROFILE_TOML)
    return load_profile(path)


def _assert_paced(starts: list[float], delay: float) -> None:
    """Requests started ``delay`` apart, as the server saw them (it notes each start
    after reading the request: some jitter either way, up to a tenth of a second on a
    loaded machine; over all the requests it evens out)."""
    starts = sorted(starts)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= delay - 0.1, gaps
    assert starts[-1] - starts[0] >= (len(starts) - 1) * delay - 0.05, gaps


def test_each_misbehaviour_is_handled_and_reported(site, profile, tmp_path):
    server = site(MISBEHAVING)
    port = server.url.rsplit(":", 1)[1]
    fetcher = Fetcher(
        tmp_path / "cache", delay=0.05, concurrency=2, retries=2, backoff=0.2, timeout=(2, 1)
    )
    result = crawl_site(f"{server.url}/list/", fetcher, profile=profile)

    assert [t.title for t in result.corpus] == [
        "Talk ok-1",
        "Talk limited",
        "Talk flaky",
        "Talk ok-2",
    ]
    assert result.corpus.talks[0].speakers == ("Speaker ok-1",)
    assert result.corpus.talks[0].abstract == "All about ok-1, version 1."
    url = server.url
    assert result.failures == [
        CrawlFailure(f"{url}/hang/", "timed out"),
        CrawlFailure(f"{url}/loop-a/", "redirect loop (2 hops)"),
        CrawlFailure(f"{url}/huge/", f"larger than {MAX_BYTES} bytes (Content-Length {FIFTY_MB})"),
        CrawlFailure(f"{url}/huge-chunked/", f"larger than {MAX_BYTES} bytes"),
        CrawlFailure(f"{url}/private/secret/", "disallowed by robots.txt"),
        CrawlFailure(
            f"{url}/busy/",
            "HTTP 429 Too Many Requests (Retry-After of 3600 s, longer than 120 s)",
        ),
        CrawlFailure(f"{url}/down/", "HTTP 503 Service Unavailable (gave up after 2 retries)"),
        CrawlFailure(
            f"{url}/away/", f"redirected off the site, to http://localhost:{port}/talk/ok-1/"
        ),
    ]
    # server-side: robots.txt read once, the disallowed page never asked for
    assert server.count("/robots.txt") == 1
    assert server.count("/private/secret/") == 0
    # 429 + Retry-After: 1 -> asked again, a second later; 503 twice -> three requests
    [first, second] = [r.start for r in server.requests if r.path == "/limited/"]
    assert second - first >= 1.0
    assert server.count("/flaky/") == 3
    assert server.count("/down/") == 3  # the request and two retries
    assert server.count("/busy/") == 1  # an hour's wait: not asked again
    assert server.count("/hang/") == 1  # no second try of a server that hangs
    assert server.count("/loop-a/") == server.count("/loop-b/") == 1
    # the huge pages: refused by their Content-Length, or cut off after the cap
    assert server.count("/huge/") == server.count("/huge-chunked/") == 1
    assert server.bytes_sent["/huge-chunked/"] < FIFTY_MB
    assert server.count("/talk/ok-1/") == 1  # /away/ never fetched it on the other host
    assert server.max_in_flight <= 2
    # nothing failed is cached: a second crawl asks again for exactly the failed pages
    before = len(server.requests)
    fetcher = Fetcher(tmp_path / "cache", retries=0, delay=0, timeout=(2, 1))
    again = crawl_site(f"{server.url}/list/", fetcher, profile=profile)
    asked = {r.path for r in server.requests[before:]}
    assert asked == {"/robots.txt", "/hang/", "/loop-a/", "/loop-b/", "/huge/",
                     "/huge-chunked/", "/busy/", "/down/", "/away/"}  # fmt: skip
    assert [t.title for t in again.corpus] == [t.title for t in result.corpus]


def test_cli_lists_failed_pages_last_and_exits_3(site, tmp_path, capsys):
    server = site(["/talk/ok-1/", "/down/", "/private/secret/", "/talk/ok-2/", "/missing/"])
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    cache = tmp_path / "cache"
    args = ["crawl", f"{server.url}/list/", "--profile", str(profile), "--cache", str(cache)]
    code = main([*args, "--delay", "0", "--timeout", "2"])
    assert code == PAGES_FAILED == 3
    err = capsys.readouterr().err.splitlines()
    assert err[-4:] == [
        "topics: 3 pages failed:",
        f"  {server.url}/down/: HTTP 503 Service Unavailable (gave up after 3 retries)",
        f"  {server.url}/private/secret/: disallowed by robots.txt",
        f"  {server.url}/missing/: HTTP 404 Not Found",
    ]
    corpus = saved_corpus(cache)
    assert [t.title for t in corpus] == ["Talk ok-1", "Talk ok-2"]
    assert corpus.title == "MiniConf 2024"
    # all fine: exit 0
    good = site(["/talk/a/", "/talk/b/"])
    assert main(["crawl", f"{good.url}/list/", "--profile", str(profile),
                 "--cache", str(tmp_path / "c2"), "--delay", "0"]) == 0  # fmt: skip


def test_at_most_concurrency_requests_in_flight(site, profile, tmp_path):
    server = site([f"/talk/slow-{n}/" for n in range(12)])
    server.latency = 0.15
    result = crawl_site(
        f"{server.url}/list/", Fetcher(tmp_path / "c", delay=0, concurrency=2), profile=profile
    )
    assert len(result.corpus) == 12
    assert server.max_in_flight == 2  # in parallel, never more than two

    server3 = site([f"/talk/slow-{n}/" for n in range(12)])
    server3.latency = 0.15
    crawl_site(f"{server3.url}/list/", Fetcher(tmp_path / "c3", delay=0, concurrency=3),
               profile=profile)  # fmt: skip
    assert server3.max_in_flight == 3


def test_requests_to_a_host_start_delay_apart(site, profile, tmp_path):
    server = site([f"/talk/t{n}/" for n in range(6)])
    crawl_site(
        f"{server.url}/list/", Fetcher(tmp_path / "c", delay=0.3, concurrency=2), profile=profile
    )
    starts = [r.start for r in server.requests]
    assert len(starts) == 8  # robots.txt, the list, six talks
    _assert_paced(starts, 0.3)


def test_default_delay_is_half_a_second(site, profile, tmp_path, monkeypatch):
    monkeypatch.delenv("TOPICS_CRAWL_DELAY", raising=False)
    fetcher = Fetcher(tmp_path / "c")
    assert fetcher.delay == DELAY == 0.5
    assert fetcher.concurrency == 2
    server = site(["/talk/a/", "/talk/b/"])
    crawl_site(f"{server.url}/list/", fetcher, profile=profile)
    _assert_paced([r.start for r in server.requests], 0.5)
    monkeypatch.setenv("TOPICS_CRAWL_DELAY", "0.2")
    assert Fetcher().delay == 0.2


def test_robots_crawl_delay_slows_the_host_down(site, profile, tmp_path):
    server = site([f"/talk/t{n}/" for n in range(3)])
    server.robots = "User-agent: *\nCrawl-delay: 0.4\nDisallow: /private/\n"
    crawl_site(f"{server.url}/list/", Fetcher(tmp_path / "c", delay=0), profile=profile)
    _assert_paced([r.start for r in server.requests if r.path != "/robots.txt"], 0.4)


@pytest.mark.parametrize("rule", ["Crawl-delay: 100000", "Request-rate: 1/100000"])
@reliability(
    "A robots.txt asking for 100000 s between requests (Crawl-delay: 100000, or"
    " Request-rate: 1/100000), crawled with 'topics crawl'",
    "The crawl finished, its requests paced at the cap (MAX_WAIT, 120 s; lowered to 0.5 s"
    " for the test); one line names the site, what it asked for and the wait used",
)
def test_robots_delay_is_capped_and_said(site, tmp_path, capsys, monkeypatch, rule):
    monkeypatch.setattr(http, "MAX_WAIT", 0.5)  # the cap, 120 s, would make a slow test
    server = site([f"/talk/t{n}/" for n in range(3)])
    server.robots = f"User-agent: *\n{rule}\n"
    profile = tmp_path / "miniconf.toml"
    profile.write_text(PROFILE_TOML)
    args = ["crawl", f"{server.url}/list/", "--profile", str(profile), "--delay", "0",
            "--cache", str(tmp_path / "cache")]  # fmt: skip
    assert main(args) == 0
    _assert_paced([r.start for r in server.requests if r.path != "/robots.txt"], 0.5)
    said = rule.split(":")[0]
    err = capsys.readouterr().err.splitlines()
    told = [line for line in err if line.startswith("topics:")]
    assert told == [
        f"topics: {server.url} asks for 100000 s between requests (robots.txt {said}):"
        " waiting 0.5 s, the most we wait"
    ]
    assert err[-1].startswith("crawled 3 talks")


def _robots(size: int, rule: str = "", at: int = 0) -> str:
    """A robots.txt of ``size`` bytes: Allow lines, with ``rule`` starting at byte ``at``."""
    lines = ["User-agent: *\n"]
    length = len(lines[0])
    while length < size:
        if rule and length >= at:
            line, rule = rule, ""
        else:
            line = f"Allow: /archive/{len(lines):06d}/\n"
        lines.append(line)
        length += len(line)
    text = "".join(lines)
    return text[: size - 1] + "\n"


@reliability(
    "A 648 KiB robots.txt that allows everything, and one of 648 KiB with 'Disallow:"
    " /talk/b/' at 490 KiB (RFC 9309 asks crawlers to parse at least 500 KiB)",
    "The first crawl read every talk page; the second all but /talk/b/, which it never"
    " requested (the first 512 KiB are parsed, cut after their last whole line)",
)
def test_large_robots_txt_is_parsed_up_to_its_cap(site, profile, tmp_path):
    allowing = site(["/talk/a/", "/talk/b/"])
    allowing.robots = _robots(648 * 1024)
    assert len(allowing.robots.encode()) == 648 * 1024 > MAX_ROBOTS_BYTES >= 500 * 1024
    result = crawl_site(f"{allowing.url}/list/", Fetcher(delay=0), profile=profile)
    assert [t.title for t in result.corpus] == ["Talk a", "Talk b"]
    assert result.failures == []

    disallowing = site(["/talk/a/", "/talk/b/"])
    disallowing.robots = _robots(648 * 1024, "Disallow: /talk/b/\n", at=490 * 1024)
    assert disallowing.robots.index("Disallow: /talk/b/") < 500 * 1024
    result = crawl_site(f"{disallowing.url}/list/", Fetcher(delay=0), profile=profile)
    assert [t.title for t in result.corpus] == ["Talk a"]
    assert result.failures == [
        CrawlFailure(f"{disallowing.url}/talk/b/", "disallowed by robots.txt")
    ]
    assert disallowing.count("/talk/b/") == 0


@reliability(
    "Servers that send the body, or the status line and headers, one byte every 0.25 s"
    " (10 s and 17 s in all), and one that sends nothing, fetched with --timeout 2",
    "Each request gave up ('timed out') 2 to 4 s after it started, and was not retried",
)
def test_timeout_bounds_the_whole_request(site, tmp_path):
    server = site()
    fetcher = open_fetcher(tmp_path / "cache", delay=0, timeout=2)  # what --timeout 2 makes
    for path in ("/trickle/", "/trickle-headers/", "/hang/"):
        start = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.get(f"{server.url}{path}")
        elapsed = time.monotonic() - start
        assert 2 <= elapsed <= 4, (path, elapsed)
        assert server.count(path) == 1
    # a page that is merely slow to start, well within the time, is read
    server.latency = 1.0
    assert fetcher.get(f"{server.url}/talk/slow/").content.startswith(b"<!DOCTYPE html>")


def test_robots_rules_for_our_user_agent_and_unreachable_robots(site, profile, tmp_path):
    server = site(["/talk/a/", "/talk/b/"])
    server.robots = "User-agent: *\nDisallow: /\n\nUser-agent: topics\nDisallow: /talk/b/\n"
    result = crawl_site(f"{server.url}/list/", Fetcher(tmp_path / "c", delay=0), profile=profile)
    assert [t.title for t in result.corpus] == ["Talk a"]
    assert result.failures == [CrawlFailure(f"{server.url}/talk/b/", "disallowed by robots.txt")]

    # no robots.txt (404): everything allowed; a server error: nothing is (RFC 9309 2.3.1)
    missing = site(["/talk/a/"])
    missing.robots = None
    assert len(crawl_site(f"{missing.url}/list/", Fetcher(delay=0), profile=profile).corpus) == 1
    broken = site(["/talk/a/"])
    broken.robots_status = 500
    with pytest.raises(SourceError, match=r"robots\.txt unreachable \(HTTP 500 Internal"):
        crawl_site(f"{broken.url}/list/", Fetcher(delay=0, retries=0), profile=profile)
    assert broken.paths() == ["/robots.txt"]


def test_refresh_revalidates_with_etag_and_last_modified(site, profile, tmp_path):
    server = site(["/talk/etag-a/", "/talk/lm-b/"])
    list_url = f"{server.url}/list/"
    cache = tmp_path / "cache"

    def crawl(refresh: bool) -> tuple[list[str], Fetcher]:
        fetcher = Fetcher(cache, delay=0, refresh=refresh, retries=0)
        corpus = crawl_site(list_url, fetcher, profile=profile).corpus
        return [t.abstract for t in corpus], fetcher

    first, _ = crawl(refresh=False)
    assert first == ["All about etag-a, version 1.", "All about lm-b, version 1."]
    n = len(server.requests)
    assert crawl(refresh=False)[0] == first and len(server.requests) == n  # cache only

    same, fetcher = crawl(refresh=True)
    assert same == first
    revalidations = server.requests[n:]
    talks = {r.path: r.headers for r in revalidations if r.path.startswith("/talk/")}
    assert talks["/talk/etag-a/"]["If-None-Match"] == '"etag-a-v1"'
    assert "If-Modified-Since" in talks["/talk/lm-b/"]
    assert fetcher.n_not_modified == 2  # both talk pages; the list page has no validator

    server.versions["/talk/lm-b/"] = 2  # the page changes
    changed, fetcher = crawl(refresh=True)
    assert changed == ["All about etag-a, version 1.", "All about lm-b, version 2."]
    assert fetcher.n_not_modified == 1
    n = len(server.requests)
    assert crawl(refresh=False)[0] == changed  # the cache holds the new version
    assert len(server.requests) == n

    # revalidation fails (the server answers 503): the cached copy is kept, and said so
    server.versions["/talk/etag-a/"] = "broken"
    kept, fetcher = crawl(refresh=True)
    assert kept == changed
    assert fetcher.stale == [(f"{server.url}/talk/etag-a/", "HTTP 503 Service Unavailable")]


def test_redirect_chains_are_bounded(site, tmp_path):
    server = site()
    with pytest.raises(FetchError, match=rf"too many redirects \(more than {MAX_REDIRECTS}\)"):
        Fetcher(delay=0).get(f"{server.url}/chain/0/")
    assert server.count("/chain/0/") == 1
    assert len(server.paths("/chain/")) == MAX_REDIRECTS + 1


# --- profile files --------------------------------------------------------------------------


def test_profile_file_gives_a_profile(tmp_path):
    path = tmp_path / "miniconf.toml"
    path.write_text(PROFILE_TOML)
    profile = get_profile(str(path))
    assert profile.name == "miniconf"
    assert profile.abstract == ("div.abstract", "div.description")
    assert profile.speakers == ("p.who span.speaker",)
    (tmp_path / "bare.toml").write_text('talk_links = "a.talk"\ntitle = "h1"\n')
    bare = load_profile(tmp_path / "bare.toml")
    assert (bare.name, bare.title) == ("bare", ("h1",))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('talk_links = "a"\ntitle = "h1"\nabstrct = "p"\n',
         r"unknown field\(s\) abstrct; the fields are name, description, talk_links"),
        ('talk_links = "a"\ntitle = 3\n', r"title must be a CSS selector or a list of them"),
        ('talk_links = "a"\n', r"needs talk_links \(CSS selector .*\) and title"),
        ('talk_links = "a"\ntitle = "h1["\n', r"title selector 'h1\[' is not valid CSS"),
        ("talk_links = \n", r"is not valid TOML"),
        ('talk_links = "a"\ntitle = "h1"\nconference = ["x"]\n', r"conference must be a string"),
    ],
)  # fmt: skip
def test_profile_file_errors_say_what_to_write(tmp_path, text, message):
    path = tmp_path / "site.toml"
    path.write_text(text)
    with pytest.raises(SourceError, match=message):
        load_profile(path)


def test_missing_profile_file_and_unknown_name(tmp_path):
    with pytest.raises(SourceError, match="cannot read profile file"):
        get_profile(str(tmp_path / "nope.toml"))
    with pytest.raises(SourceError, match=r"no site profile 'nope'.*--profile my-site\.toml"):
        get_profile("nope")


def test_unknown_site_says_which_profile_fields_to_write(site, tmp_path, capsys):
    server = site(["/talk/a/"])
    code = main(["crawl", f"{server.url}/list/", "--cache", str(tmp_path / "c"), "--delay", "0"])
    assert code == 1
    line = error_line(capsys.readouterr().err)
    assert "no site profile recognises" in line
    assert "--profile my-site.toml" in line
    assert "talk_links (CSS selector of the talk links on the list page) and title" in line


def test_topics_sources_lists_kinds_profiles_and_fields(capsys):
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    for text in ("pretalx event", "schedule.xml", "pyvideo:europython-2016", "CSV, JSON"):
        assert text in out
    for name in ("pycon-us-2019", "pycon-us-2025", "europython-2016", "pretalx"):
        assert f"  {name} " in out
    for field in FIELDS:
        assert f"  {field} " in out


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out
    assert "3    done, but some pages failed" in out
