"""Crawl benchmark: the price (and the savings) of crawling politely.

Run from the repository root::

    python benchmarks/crawl.py              # about a minute
    python benchmarks/crawl.py --latency 0.1

Serves ``$TOPICS_SHARED/sites/pycon-us`` (default ``../shared`` beside the repository;
the PyCon US archive as static HTML) on 127.0.0.1 with a server that waits
``--latency`` seconds (default 0.05) before each answer, as a distant server would,
and records each request and the client port it came on (one port per connection).
Then, in this one process, crawls the 2019 talk list ``/2019/schedule/talks/list/``
(95 talk pages) three ways, each into an empty cache:

``polite``
    :class:`topics.sources.http.Fetcher` with the default politeness settings
    (robots.txt read, requests to the host started :data:`~topics.sources.http.DELAY`
    seconds apart, :data:`~topics.sources.http.CONCURRENCY` in flight, connections kept
    alive, every page stored in the joblib cache): what ``topics run`` does.
``baseline``
    One request at a time, a new connection per request (``requests.get``), no pause,
    no robots.txt, no cache: the naive crawler, parsing with the same profile code.
``no-delay``
    The polite fetcher with ``delay=0``: what concurrency and kept-alive connections
    alone buy, for comparison.

Each way must give the same 95 talks.

Then the cost of the generic path (sites no profile knows, issue 17), in CPU time and
with every page already in the cache, on the talk lists of PyCon US 2019, 2023, 2025 and
PyCon AU 2015's Friday page (``$TOPICS_SHARED/sites/pyconau-2015``): inferring the
profile (finding the talk links, reading the day pages, learning the fields across the
sampled talk pages: :func:`topics.sources.crawler.infer_site_profile`), per sampled page
and per talk page of the site, against reading every talk page with a profile
(:func:`~topics.sources.crawler.parse_talk`: the built-in one where there is one, and the
inferred one). Each is the median of ``--repeat`` runs after a first, untimed one (which
imports trafilatura and extruct).

Writes ``benchmarks/results/crawl.json`` and ``crawl.md``: times, requests and
connections seen by the server, the ratio polite / baseline, and the generic path's cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from topics.sources.builtin_profiles import BUILTIN_VARIABLE, get_profile  # noqa: E402
from topics.sources.crawler import crawl_site, infer_site_profile  # noqa: E402
from topics.sources.http import CONCURRENCY, DELAY, USER_AGENT, Fetcher, Page  # noqa: E402
from topics.sources.talkpages import parse_html, parse_talk, talk_links  # noqa: E402

LIST_PATH = "/2019/schedule/talks/list/"
N_TALKS = 95


def shared_path() -> Path:
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


class Recorder:
    """What the server saw: each request's path and the client port it came on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[str, int]] = []

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()

    def counts(self) -> dict:
        with self.lock:
            return {
                "requests": len(self.requests),
                "talk_page_requests": sum("/presentation/" in p for p, _ in self.requests),
                "connections": len({port for _, port in self.requests}),
            }


def serve(root: Path, latency: float, recorder: Recorder) -> ThreadingHTTPServer:
    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def do_GET(self):
            with recorder.lock:
                recorder.requests.append((self.path, self.client_address[1]))
            time.sleep(latency)
            super().do_GET()

        def log_message(self, format, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    httpd.daemon_threads = True
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return httpd


def polite(list_url: str, delay: float, cache: Path) -> list:
    fetcher = Fetcher(cache, delay=delay, concurrency=CONCURRENCY)
    return crawl_site(list_url, fetcher).corpus.talks


def baseline(list_url: str) -> list:
    """One request at a time, each on a new connection; the same parsing."""
    profile = get_profile("pycon-us-2019")

    def get(url: str) -> Page:
        response = requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=30)
        response.raise_for_status()
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        return Page(response.url, response.content, kind)

    page = get(list_url)
    links = talk_links(page.url, parse_html(page), profile)
    return [parse_talk(get(url), profile, event="pycon-us-2019") for url in links]


def run(args) -> dict:
    root = shared_path() / "sites" / "pycon-us"
    if not (root / LIST_PATH.strip("/") / "index.html").is_file():
        sys.exit(f"the PyCon US archive is not at {root} (set TOPICS_SHARED)")
    recorder = Recorder()
    httpd = serve(root, args.latency, recorder)
    list_url = f"http://127.0.0.1:{httpd.server_address[1]}{LIST_PATH}"
    ways = {
        "polite": lambda cache: polite(list_url, DELAY, cache),
        "baseline": lambda cache: baseline(list_url),
        "no-delay": lambda cache: polite(list_url, 0.0, cache),
    }
    results, reference = {}, None
    for name, crawl in ways.items():
        times = []
        for _ in range(args.repeat):
            recorder.reset()
            with tempfile.TemporaryDirectory() as cache:
                start = time.perf_counter()
                talks = crawl(Path(cache))
                times.append(time.perf_counter() - start)
            titles = [t.title for t in talks]
            assert len(titles) == N_TALKS, f"{name}: {len(titles)} talks"
            reference = reference or titles
            assert titles == reference, f"{name} read other talks"
        results[name] = {"seconds": round(statistics.median(times), 3), **recorder.counts()}
        print(f"{name:9} {results[name]['seconds']:7.2f} s  {recorder.counts()}", flush=True)
    httpd.shutdown()
    return {
        "date": dt.date.today().isoformat(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        ),
        "site": f"PyCon US 2019 archive, {LIST_PATH} and its {N_TALKS} talk pages",
        "latency_s": args.latency,
        "repeat": args.repeat,
        "polite_settings": {"delay_s": DELAY, "concurrency": CONCURRENCY, "robots": True},
        "ways": results,
        "ratio_polite_to_baseline": round(
            results["polite"]["seconds"] / results["baseline"]["seconds"], 2
        ),
        "ratio_no_delay_to_baseline": round(
            results["no-delay"]["seconds"] / results["baseline"]["seconds"], 2
        ),
    }


#: The generic path's sites: (name, folder of $TOPICS_SHARED/sites, list page, built-in).
GENERIC_SITES = (
    ("PyCon US 2019", "pycon-us", "/2019/schedule/talks/list/", "pycon-us-2019"),
    ("PyCon US 2023", "pycon-us", "/2023/schedule/talks/", "pycon-us-2023"),
    ("PyCon US 2025", "pycon-us", "/2025/schedule/talks/", "pycon-us-2025"),
    ("PyCon AU 2015 (Zookeepr)", "pyconau-2015", "/programme/schedule/friday/", ""),
)


def _cpu(work, repeat: int) -> tuple[float, object]:
    """Median CPU seconds of ``work()`` over ``repeat`` runs (after an untimed one)."""
    result = work()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def generic(args) -> list[dict]:
    """CPU of inferring each site's profile, and of reading its talk pages with a profile."""
    os.environ[BUILTIN_VARIABLE] = "off"
    rows = []
    servers: dict[str, ThreadingHTTPServer] = {}
    with tempfile.TemporaryDirectory() as cache:
        for name, folder, path, builtin in GENERIC_SITES:
            root = shared_path() / "sites" / folder
            if folder not in servers:
                servers[folder] = serve(root, 0.0, Recorder())
            url = f"http://127.0.0.1:{servers[folder].server_address[1]}{path}"
            fetcher = Fetcher(Path(cache), delay=0.0)
            crawl = crawl_site(url, fetcher)  # fills the cache: what follows makes no request
            assert crawl.profile.name == "inferred" and not crawl.failures, name
            page = fetcher.get(url)
            pages = [fetcher.get(link) for link in crawl.links]

            def infer(page=page, fetcher=fetcher):
                return infer_site_profile(page, parse_html(page), fetcher)

            learning, inference = _cpu(infer, args.repeat)

            def read(profile, pages=pages):
                return [parse_talk(p, profile) for p in pages]

            inferred_reading, _ = _cpu(lambda p=inference.profile: read(p), args.repeat)
            row = {
                "site": name,
                "talk_pages": len(pages),
                "sampled_pages": inference.n_sampled,
                "list_pages": 1 + len(inference.list_pages),
                "learning_s": round(learning, 3),
                "learning_ms_per_sampled_page": round(1000 * learning / inference.n_sampled, 1),
                "learning_ms_per_talk_page": round(1000 * learning / len(pages), 1),
                "reading_inferred_ms_per_page": round(1000 * inferred_reading / len(pages), 1),
            }
            if builtin:
                profile = get_profile(builtin)
                builtin_reading, _ = _cpu(lambda p=profile: read(p), args.repeat)
                row["reading_builtin_ms_per_page"] = round(1000 * builtin_reading / len(pages), 1)
            rows.append(row)
            print(f"{name:26} {row}", flush=True)
    for httpd in servers.values():
        httpd.shutdown()
    os.environ.pop(BUILTIN_VARIABLE)
    return rows


def markdown(result: dict) -> str:
    ways = result["ways"]
    rows = {
        "polite": f"default politeness: {DELAY} s between requests, {CONCURRENCY} in flight, "
        "keep-alive, robots.txt, page cache",
        "baseline": "baseline: one request at a time, a new connection each, no pause",
        "no-delay": f"polite fetcher without the pause: {CONCURRENCY} in flight, keep-alive",
    }
    lines = [
        "# Crawl benchmark",
        "",
        f"{result['site']}, served on 127.0.0.1 with {result['latency_s'] * 1000:.0f} ms added"
        f" to every answer; {result['date']}, {result['machine']};"
        f" median of {result['repeat']} run(s). Written by `python benchmarks/crawl.py`.",
        "",
        "| crawl | time | requests | connections |",
        "| --- | --- | --- | --- |",
    ]
    for name, label in rows.items():
        way = ways[name]
        lines.append(
            f"| {label} | **{way['seconds']:.2f} s** | {way['requests']} | {way['connections']} |"
        )
    lines += [
        "",
        f"Polite / baseline: **{result['ratio_polite_to_baseline']:.2f}**."
        f" Without the pause: {result['ratio_no_delay_to_baseline']:.2f}.",
        "",
        f"The polite crawl's time is set by its pace: its {ways['polite']['requests']} requests"
        f" start {DELAY} s apart, so it takes about {DELAY} s per request whatever the"
        " server's speed; in exchange the server gets at most 2 requests a second, on "
        f"{ways['polite']['connections']} kept-alive connection(s), where the baseline opens"
        " one connection per page. Without the pause, the same fetcher is faster than the"
        " baseline (2 requests in flight, no new connection per page); parsing the pages,"
        " one at a time in the main thread, then bounds it. A second crawl reads every page"
        " from the cache and makes no request.",
        "",
    ]
    if result.get("generic"):
        lines += [
            "## The generic path: a profile inferred from the site",
            "",
            "CPU time with every page in the cache (no request, no pause), median of"
            f" {result['repeat']} run(s): inferring the profile (talk links, day pages, fields"
            " learnt across the sampled talk pages), then reading every talk page with a"
            " profile (the inferred one, or the built-in one).",
            "",
            "| site | talk pages | sampled | learning | per sampled page | per talk page"
            " | reading, inferred profile | reading, built-in profile |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in result["generic"]:
            builtin = row.get("reading_builtin_ms_per_page")
            lines.append(
                f"| {row['site']} | {row['talk_pages']} | {row['sampled_pages']}"
                f" | {row['learning_s']:.2f} s | {row['learning_ms_per_sampled_page']:.0f} ms"
                f" | **{row['learning_ms_per_talk_page']:.1f} ms**"
                f" | {row['reading_inferred_ms_per_page']:.1f} ms/page"
                f" | {f'{builtin:.1f} ms/page' if builtin is not None else '(none)'} |"
            )
        lines += [
            "",
            "Learning reads only the sample (12 talk pages) and the day pages, whatever the"
            " site's size: its cost per talk page of the site falls as the programme grows."
            " Reading a page with an inferred profile costs about what the built-in profile"
            " costs: both are CSS selectors on the same parsed page.",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per answer")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each way (median)")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    result = run(args)
    result["generic"] = generic(args)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "crawl.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.output / "crawl.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
