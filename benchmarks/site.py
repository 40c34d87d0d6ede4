"""Site benchmark: the topic site of every pyvideo talk, measured in Chromium.

Run from the repository root::

    python benchmarks/site.py                # about 15,000 talks; a few minutes
    python benchmarks/site.py --limit 1000   # a quick run on the first 1,000 talks

Reads ``$TOPICS_SHARED/data/pyvideo.jsonl.gz`` (default ``../shared`` beside the
repository): one JSON object per line with ``event``, ``event_title``, ``slug``,
``title``, ``description``, ``speakers``, ``tags``, ``language``, ``recorded`` and
``related_urls``. Talks whose description has 20 words or more are kept. Then:

1. fits :class:`topics.model.TopicModel` (cached in ``--cache``: a second run refits
   nothing) and builds the site with :func:`topics.site.build_site`, timing both;
2. serves the site on 127.0.0.1 and opens ``index.html`` in headless Chromium with an
   empty cache, at 1440x900 and at 390x844: the index page's *transfer size* is the sum
   of the bytes (headers and bodies, as Chromium received them) of every response the
   first view loads (the page, its CSS, scripts and images, lazy images below the fold
   excepted), until the network is idle;
3. on the same page, types queries into the search box: the first query's time includes
   loading the index (cold); then the *search latency* of each query is the time from
   the input event to the results in the page and the next frame painted, in
   ``performance.now()`` milliseconds; the median over the queries is reported.

Writes ``benchmarks/results/site.json`` and ``site.md`` (``site-<limit>.*`` with
``--limit``), and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import json
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from joblib import Memory  # noqa: E402

from topics.corpus import Corpus, Talk, slugify, unique_ids  # noqa: E402
from topics.model import TopicModel  # noqa: E402
from topics.site import build_site  # noqa: E402
from topics.site.search_index import process_term, tokenize  # noqa: E402
from topics.site.site_view import site_view  # noqa: E402

CHROMIUM = os.environ.get("TOPICS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
MIN_WORDS = 20


#: Where the section written by benchmarks/plan_size.py starts in the results.
PLAN_SECTION = "<!-- plan-export -->"


def shared_path() -> Path:
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


def _first_url(urls) -> str:
    for url in urls or ():
        url = url.get("url", "") if isinstance(url, dict) else str(url)
        if url.startswith(("http://", "https://")):
            return url
    return ""


def load_pyvideo(path: Path, limit: int | None) -> Corpus:
    """Talks of ``pyvideo.jsonl.gz`` with a description of ``MIN_WORDS`` words or more."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:  # iterating a text file splits on "\n" only, never on U+2028
            if not line.strip():
                continue
            row = json.loads(line)
            if len((row.get("description") or "").split()) >= MIN_WORDS:
                rows.append(row)
            if limit and len(rows) == limit:
                break
    ids = unique_ids(slugify(f"{r.get('event', '')}-{r.get('slug') or r['title']}") for r in rows)
    talks = [
        Talk(
            id=talk_id,
            title=str(r["title"]),
            abstract=str(r.get("description") or ""),
            speakers=tuple(str(s) for s in r.get("speakers") or ()),
            tags=tuple(str(t) for t in r.get("tags") or ()),
            day=str(r.get("recorded") or ""),
            url=_first_url(r.get("related_urls")),
            event=str(r.get("event") or ""),
            language=str(r.get("language") or ""),
        )
        for talk_id, r in zip(ids, rows, strict=True)
    ]
    return Corpus(talks=talks, title="pyvideo: every talk", source=str(path))


def _serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def queries(corpus: Corpus, n: int = 15) -> list[str]:
    """Search queries: words of a single talk's abstract, common words, two-word queries."""
    frequency = Counter()
    for talk in corpus.talks:
        frequency.update({t for t in map(process_term, tokenize(talk.abstract)) if t})
    rare = [w for w, c in sorted(frequency.items()) if c == 1 and len(w) >= 8 and w.isalpha()]
    common = [w for w, _ in frequency.most_common(200) if w.isalpha() and len(w) >= 5]
    step = max(1, len(rare) // n)
    picked = rare[::step][: n // 3] + common[: n // 3]
    picked += [f"{a} {b}" for a, b in zip(common[5 : 5 + n // 3], common[20:], strict=False)]
    picked += ["pandas", "asyncio", "machine learning", "django rest", "pytest fixtures"]
    return picked


def measure_transfer(browser, url: str, viewport: dict) -> dict:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    resources = []
    for response in responses:
        sizes = response.request.sizes()
        resources.append(
            {
                "url": response.url.split("/", 3)[-1],
                "status": response.status,
                "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "body": sizes["responseBodySize"],
            }
        )
    context.close()
    return {
        "viewport": viewport,
        "requests": len(resources),
        "bytes": sum(r["bytes"] for r in resources),
        "body_bytes": sum(r["body"] for r in resources),
        "resources": resources,
    }


SEARCH = """async (query) => {
    const input = document.querySelector("#search-input");
    const list = document.querySelector(".search-results");
    const started = performance.now();
    input.value = query;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    while (list.dataset.query !== query) await new Promise(r => setTimeout(r, 0));
    const shown = performance.now();
    await new Promise(r => requestAnimationFrame(() => r()));
    return {query, ms: shown - started, painted_ms: performance.now() - started,
            search_ms: window.topicsSearch.last.searchMs, results: window.topicsSearch.last.count};
}"""


def measure_search(browser, url: str, corpus: Corpus) -> dict:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    asked = queries(corpus)
    cold = page.evaluate(SEARCH, "python")  # loads manifest, MiniSearch and the index
    runs = [page.evaluate(SEARCH, q) for q in asked]
    context.close()
    return {
        "cold_ms": round(cold["ms"], 1),
        "median_ms": round(statistics.median(r["ms"] for r in runs), 2),
        "median_painted_ms": round(statistics.median(r["painted_ms"] for r in runs), 2),
        "max_ms": round(max(r["ms"] for r in runs), 2),
        "median_search_ms": round(statistics.median(r["search_ms"] for r in runs), 2),
        "queries": [
            {k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()} for r in runs
        ],
    }


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def markdown(result: dict) -> str:
    t, s, b = result["transfer"], result["search"], result["build"]
    lines = [
        "# Site benchmark",
        "",
        f"{result['talks']:,} pyvideo talks ({result['events']} events), "
        f"{result['topics']} topics; {result['date']}, {result['machine']}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| load the talks | {b['load_s']} s |",
        f"| fit the model (topics: {result['topics_asked']}; joblib-cached steps are "
        f"reused when the model's code has not changed) | {b['fit_s']} s |",
        f"| build the site (pages, similar talks, map, search index, export, clouds) | "
        f"{b['build_s']} s |",
        f"| of which similar talks and the rest of the page views | {b['view_s']} s |",
        f"| site on disk | {result['site_bytes'] / 2**20:.1f} MiB in "
        f"{result['site_files']:,} files |",
        f"| search index (loaded on first use of the search box) | "
        f"{result['search_index_bytes'] / 2**20:.2f} MiB |",
        f"| map data (map page only) | {result['map_bytes'] / 2**20:.2f} MiB |",
    ]
    for name, view in t.items():
        lines.append(
            f"| index page transfer, first view, {name} {view['viewport']['width']} px | "
            f"**{view['bytes'] / 1024:.0f} KiB** in {view['requests']} requests |"
        )
    lines += [
        f"| search, first query (loads the index) | {s['cold_ms']} ms |",
        f"| search latency, median of {len(s['queries'])} queries (typing to results) | "
        f"**{s['median_ms']} ms** (max {s['max_ms']} ms; to the next frame "
        f"{s['median_painted_ms']} ms) |",
        "",
        "Index page resources (desktop):",
        "",
        "| resource | bytes |",
        "| --- | --- |",
    ]
    lines += [f"| {r['url']} | {r['bytes']:,} |" for r in t["desktop"]["resources"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N talks")
    parser.add_argument(
        "--topics",
        type=lambda v: v if v == "auto" else int(v),
        default="auto",
        help="number of topics, or 'auto' for the model's choice (default)",
    )
    parser.add_argument("--cache", default=str(REPO / "cache" / "benchmark-site"))
    parser.add_argument("--out", default=str(REPO / "cache" / "benchmark-site" / "site"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    data = shared_path() / "data" / "pyvideo.jsonl.gz"
    start = time.perf_counter()
    corpus = load_pyvideo(data, args.limit)
    load_s = time.perf_counter() - start
    print(f"{len(corpus):,} talks loaded in {load_s:.1f} s", file=sys.stderr)

    cached = (Path(args.cache) / "model").is_dir()  # a previous run may have fitted it
    memory = Memory(Path(args.cache) / "model", verbose=0)
    model = TopicModel(n_topics=args.topics, random_state=0, memory=memory)
    start = time.perf_counter()
    summary = model.fit(corpus).summary()
    fit_s = time.perf_counter() - start
    print(f"model in {fit_s:.1f} s", file=sys.stderr)

    start = time.perf_counter()
    site_view(corpus, summary)
    view_s = time.perf_counter() - start
    start = time.perf_counter()
    site = build_site(corpus, summary, args.out, memory=memory)
    build_s = time.perf_counter() - start
    print(f"site in {build_s:.1f} s ({view_s:.1f} s of page views)", file=sys.stderr)

    httpd, url = _serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            transfer = {
                name: measure_transfer(browser, f"{url}/index.html", viewport)
                for name, viewport in VIEWPORTS.items()
            }
            search = measure_search(browser, f"{url}/index.html", corpus)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()

    result = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "versions": {p: metadata.version(p) for p in ("scikit-learn", "numpy", "playwright")},
        "talks": len(corpus),
        "events": len({t.event for t in corpus}),
        "topics": int(getattr(model, "n_components_", len(model.topic_labels_))),
        "topics_asked": args.topics,
        "build": {
            "load_s": round(load_s, 1),
            "fit_s": round(fit_s, 1),
            "model_cache_existed": cached,
            "view_s": round(view_s, 1),
            "build_s": round(build_s, 1),
        },
        "site_bytes": folder_bytes(site),
        "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
        "search_index_bytes": folder_bytes(site / "search"),
        "map_bytes": folder_bytes(site / "map"),
        "transfer": transfer,
        "search": search,
    }
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stem = "site" if not args.limit else f"site-{args.limit}"
    (out / f"{stem}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    # The plan export's section (benchmarks/plan_size.py) is kept.
    old = (out / f"{stem}.md").read_text("utf-8") if (out / f"{stem}.md").is_file() else ""
    kept = old[old.find(PLAN_SECTION) :] if PLAN_SECTION in old else ""
    (out / f"{stem}.md").write_text(markdown(result) + ("\n" + kept if kept else ""), "utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
