"""The ``topics`` command: ``run`` = ``crawl`` then ``build``; ``sources`` lists sources.

Exit codes: see :data:`EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from joblib import Memory

from .corpus import Corpus, CorpusError
from .model import ModelError, TopicModel
from .parallel import ClusterError, cluster
from .render import RenderError, build_site
from .sources import (
    DEFAULT_DATA,
    DEFAULT_SOURCE,
    KINDS,
    CrawlFailure,
    Fetcher,
    SourceError,
    load_all,
)
from .sources.http import CONCURRENCY, DELAY, DELAY_VARIABLE, TIMEOUT
from .sources.profiles import FIELDS, PROFILES

#: What the exit code says.
EXIT_CODES = {
    0: "done: every page was read",
    1: "failed: nothing built (one line on stderr says why)",
    2: "bad usage",
    3: "done, but some pages failed: the site (or crawl) has the rest;\n"
    "       the failed pages are listed, with why, at the end of stderr",
    130: "interrupted (Ctrl-C): everything fetched so far is cached, run again to resume",
}
PAGES_FAILED = 3


def _n_topics(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError("the number of topics must be at least 1")
    return k


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--cache", default="cache", metavar="DIR", help="cache folder (default: %(default)s)"
    )
    common.add_argument(
        "--corpus",
        metavar="FILE",
        help="where the crawled talks are saved and read (default: CACHE/talks.jsonl)",
    )
    crawling = argparse.ArgumentParser(add_help=False)
    crawling.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="a pretalx event URL, a conference's talk list URL, 'pyvideo:EVENT', a pyvideo"
        " event folder, a schedule.xml/schedule.json file or URL, or a CSV/JSON/JSONL file of"
        " talks (see 'topics sources'); "
        f"several are joined into one corpus (default: {DEFAULT_SOURCE})",
    )
    crawling.add_argument(
        "--profile",
        metavar="NAME_OR_FILE",
        help=f"site profile: one of {', '.join(PROFILES)}, or a TOML profile file"
        " (see 'topics sources'); default: detected from the page",
    )
    crawling.add_argument(
        "--delay",
        type=_non_negative,
        metavar="SECONDS",
        help=f"seconds between two requests to one host (default: ${DELAY_VARIABLE} or"
        f" {DELAY}; a robots.txt Crawl-delay that asks for more wins)",
    )
    crawling.add_argument(
        "--concurrency",
        type=_positive,
        default=CONCURRENCY,
        metavar="N",
        help="requests in flight to one host at a time (default: %(default)s)",
    )
    crawling.add_argument(
        "--timeout",
        type=_non_negative,
        default=TIMEOUT[1],
        metavar="SECONDS",
        help="seconds to wait for a server's answer (default: %(default)s)",
    )
    crawling.add_argument(
        "--refresh",
        action="store_true",
        help="revalidate cached pages with conditional requests (ETag, Last-Modified)",
    )
    crawling.add_argument(
        "--pyvideo-data",
        default=os.environ.get("TOPICS_PYVIDEO_DATA", DEFAULT_DATA),
        metavar="URL_OR_DIR",
        help="pyvideo data repository for 'pyvideo:EVENT' sources "
        "(default: $TOPICS_PYVIDEO_DATA or %(default)s)",
    )
    building = argparse.ArgumentParser(add_help=False)
    building.add_argument(
        "--out", default="site", metavar="DIR", help="site folder (default: %(default)s)"
    )
    building.add_argument(
        "--topics",
        type=_n_topics,
        default="auto",
        metavar="K",
        help="number of topics, or 'auto' to choose by stability and coherence (default: auto)",
    )
    building.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    building.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the parallel work on a Dask cluster, e.g. tcp://host:8786 (needs"
        " 'pip install topics[dask]'; default: this machine's cores)",
    )

    parser = argparse.ArgumentParser(
        prog="topics",
        description="Find the topics of a conference and publish them as a site.",
        epilog="exit codes:\n"
        + "\n".join(f"  {code:<4} {what}" for code, what in EXIT_CODES.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", parents=[common, crawling, building], help="crawl a conference, then build its site"
    )
    commands.add_parser("crawl", parents=[common, crawling], help="fetch the talks only")
    commands.add_parser(
        "build", parents=[common, building], help="fit topics and render the site from a crawl"
    )
    commands.add_parser("sources", help="list the kinds of source, site profiles, profile fields")
    return parser


def _non_negative(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not number >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _sources() -> str:
    """What ``topics sources`` prints."""
    lines = ["Sources (topics run SOURCE...):"]
    lines += [f"  {kind}\n      e.g. {example}" for kind, example in KINDS]
    lines += ["", "Built-in site profiles (--profile NAME):"]
    lines += [f"  {p.name:16} {p.description}" for p in PROFILES.values()]
    lines += [
        "",
        "Profile files (--profile my-site.toml): TOML, one key per field; a selector field",
        "takes a CSS selector or a list of them, tried in order:",
    ]
    lines += [f"  {name:16} {what}" for name, what in FIELDS.items()]
    lines += [
        "",
        "Example:",
        '  talk_links = "ul.talks li > a"',
        '  title = "h1"',
        '  abstract = ["div.abstract", "div.description"]',
        '  speakers = "span.speaker"',
    ]
    return "\n".join(lines)


def _crawl(args: argparse.Namespace, corpus_path: Path, failures: list[CrawlFailure]) -> Corpus:
    fetcher = Fetcher(
        cache_dir=args.cache,
        delay=args.delay,
        concurrency=args.concurrency,
        refresh=args.refresh,
        timeout=(min(TIMEOUT[0], args.timeout), args.timeout),
    )
    corpus = load_all(
        args.sources,
        fetcher,
        profile=args.profile,
        pyvideo_data=args.pyvideo_data,
        progress=sys.stderr.isatty(),
        failures=failures,
    )
    if not len(corpus):
        raise SourceError(f"no talks found in {' + '.join(args.sources)}")
    corpus.save(corpus_path)
    revalidated = ""
    if args.refresh:
        revalidated = f", {fetcher.n_not_modified} unchanged"
        if fetcher.stale:
            revalidated += f", {len(fetcher.stale)} not revalidated (cached copy kept)"
    print(
        f"crawled {len(corpus)} talks from {corpus.source} ({fetcher.n_requests} pages"
        f" fetched{revalidated}, the rest from the cache) -> {corpus_path}",
        file=sys.stderr,
    )
    return corpus


def _report(failures: list[CrawlFailure]) -> int:
    """Print the pages that failed, last on stderr; the exit code."""
    if not failures:
        return 0
    print(f"topics: {len(failures)} pages failed:", file=sys.stderr)
    for failure in failures:
        print(f"  {failure.url}: {failure.reason}", file=sys.stderr)
    return PAGES_FAILED


def _build(args: argparse.Namespace, corpus: Corpus) -> tuple[TopicModel, Path]:
    memory = Memory(Path(args.cache) / "model", verbose=0)
    model = TopicModel(n_components=args.topics, random_state=args.seed, memory=memory)
    with cluster(args.scheduler):
        doc_topic = model.fit_transform(corpus)
        return model, build_site(corpus, model, doc_topic, args.out, memory=memory)


def main(argv: list[str] | None = None) -> int:
    """Run the ``topics`` command line; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "sources":
        print(_sources())
        return 0
    # Sources warn (pages skipped during a crawl) through logging: show them as CLI lines.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("topics: %(message)s"))
    logging.getLogger("topics").addHandler(handler)
    start = time.perf_counter()
    corpus_path = Path(args.corpus or Path(args.cache) / "talks.jsonl")
    failures: list[CrawlFailure] = []
    try:
        building_only = args.command == "build"
        corpus = Corpus.load(corpus_path) if building_only else _crawl(args, corpus_path, failures)
        if args.command == "crawl":
            return _report(failures)
        model, site = _build(args, corpus)
    except (SourceError, CorpusError, ModelError, RenderError, ClusterError, OSError) as exc:
        print(f"topics: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("topics: interrupted; everything fetched so far is cached", file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - start
    chosen = " (chosen by stability and coherence)" if args.topics == "auto" else ""
    excluded = sum(model.excluded_languages_.values())
    left_out = f", {excluded} in other languages left out" if excluded else ""
    print(
        f"{len(corpus)} talks, {model.n_components_} topics{chosen}{left_out}: "
        f"site in {site}/index.html ({elapsed:.1f} s)",
        file=sys.stderr,
    )
    return _report(failures)


if __name__ == "__main__":
    sys.exit(main())
