"""The ``topics`` command: ``run`` = ``crawl`` then ``build``; ``sources`` lists sources;
``profile`` writes the site profile inferred from a talk list page.

Exit codes: see :data:`EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from jinja2 import TemplateError

from .cache import (
    DEFAULT_CACHE,
    PYVIDEO_DATA_VARIABLE,
    corpus_file,
    model_memory,
    open_fetcher,
    pyvideo_data,
    read_sources,
)
from .corpus import Corpus, CorpusError, check_topic_input
from .model import ModelError, TopicModel
from .parallel import ClusterError, cluster
from .render import RenderError, build_site
from .sources import (
    DEFAULT_DATA,
    DEFAULT_SOURCE,
    KINDS,
    CrawlFailure,
    SourceError,
)
from .sources.crawler import MAX_PAGES, infer_profile
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


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The command line's parser, and each command's own parser by name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--cache", default=DEFAULT_CACHE, metavar="DIR", help="cache folder (default: %(default)s)"
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
        " (see 'topics sources'); default: detected from the page, else inferred from the"
        " site",
    )
    fetching = argparse.ArgumentParser(add_help=False)
    fetching.add_argument(
        "--delay",
        type=_non_negative,
        metavar="SECONDS",
        help=f"seconds between two requests to one host (default: ${DELAY_VARIABLE} or"
        f" {DELAY}; a robots.txt Crawl-delay that asks for more wins)",
    )
    fetching.add_argument(
        "--concurrency",
        type=_positive,
        default=CONCURRENCY,
        metavar="N",
        help="requests in flight to one host at a time (default: %(default)s)",
    )
    fetching.add_argument(
        "--timeout",
        type=_non_negative,
        default=TIMEOUT[1],
        metavar="SECONDS",
        help="seconds to wait for a server's answer (default: %(default)s)",
    )
    crawling.add_argument(
        "--max-pages",
        type=_positive,
        default=MAX_PAGES,
        metavar="N",
        help="talk pages read from one list page at most (default: %(default)s)",
    )
    fetching.add_argument(
        "--refresh",
        action="store_true",
        help="revalidate cached pages with conditional requests (ETag, Last-Modified)",
    )
    crawling.add_argument(
        "--pyvideo-data",
        default=pyvideo_data(),
        metavar="URL_OR_DIR",
        help="pyvideo data repository for 'pyvideo:EVENT' sources "
        f"(default: ${PYVIDEO_DATA_VARIABLE} or {DEFAULT_DATA})",
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
    by_name = {
        "run": commands.add_parser(
            "run",
            parents=[common, crawling, fetching, building],
            help="crawl a conference, then build its site",
        ),
        "crawl": commands.add_parser(
            "crawl", parents=[common, crawling, fetching], help="fetch the talks only"
        ),
        "build": commands.add_parser(
            "build", parents=[common, building], help="fit topics and render the site from a crawl"
        ),
        "sources": commands.add_parser(
            "sources", help="list the kinds of source, site profiles, profile fields"
        ),
    }
    by_name["profile"] = inferring = commands.add_parser(
        "profile",
        parents=[common, fetching],
        help="infer a site profile from a talk list page and write it as TOML",
        description="Infer the profile of a conference site from its talk list page (and"
        " other list pages of the same programme) and a sample of its talk pages, and write"
        " it as TOML, each selector with the share of sampled pages it matched: check it,"
        " edit it, and pass it back with 'topics run URL --profile FILE'.",
    )
    inferring.add_argument("urls", nargs="+", metavar="URL", help="talk list page(s)")
    inferring.add_argument(
        "--out", metavar="FILE", help="where to write the profile (default: standard output)"
    )
    return parser, by_name


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line; options may come before or after the sources (argparse
    cannot intermix them for a parser with commands, so the command's parser does)."""
    parser, commands = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in commands:
        args = commands[argv[0]].parse_intermixed_args(argv[1:])
        args.command = argv[0]
        return args
    return parser.parse_args(argv)  # --help, or a usage error


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
        "Without --profile, a site no built-in profile knows gets one inferred from its pages;",
        "'topics profile URL' writes it as TOML, to check, edit and pass back with --profile.",
        "",
        "Example:",
        '  talk_links = "ul.talks li > a"',
        '  title = "h1"',
        '  abstract = ["div.abstract", "div.description"]',
        '  speakers = "span.speaker"',
    ]
    return "\n".join(lines)


def _crawl(
    args: argparse.Namespace,
    corpus_path: Path,
    failures: list[CrawlFailure],
    n_topics: int | str | None = None,
) -> Corpus:
    """Crawl, save the corpus, and (given ``n_topics``) check topics can be found in it."""
    fetcher = open_fetcher(args.cache, args.delay, args.concurrency, args.timeout, args.refresh)
    corpus = read_sources(
        args.sources,
        fetcher,
        corpus_path,
        profile=args.profile,
        pyvideo_data=args.pyvideo_data,
        progress=sys.stderr.isatty(),
        failures=failures,
        max_pages=args.max_pages,
    )
    if n_topics is not None:  # before the summary: bad input gets one line
        check_topic_input(corpus, n_topics)
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


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or error.__class__.__name__


def _one_line_cache_warning(record: logging.LogRecord) -> bool:
    """joblib logs a cache entry it cannot load with a traceback: say it in one line."""
    message = record.getMessage()
    marker = "Exception while loading results for "
    if marker in message:
        call = message.split(marker, 1)[1]
        name = call.split("(", 1)[0].strip()
        record.msg, record.args = f"an unreadable cache entry of {name} was recomputed", ()
    return True


def _report(failures: list[CrawlFailure]) -> int:
    """Print the pages that failed, last on stderr; the exit code."""
    if not failures:
        return 0
    print(f"topics: {len(failures)} pages failed:", file=sys.stderr)
    for failure in failures:
        print(f"  {failure.url}: {failure.reason}", file=sys.stderr)
    return PAGES_FAILED


def _build(args: argparse.Namespace, corpus: Corpus) -> tuple[TopicModel, Path]:
    memory = model_memory(args.cache)
    model = TopicModel(n_topics=args.topics, random_state=args.seed, memory=memory)
    with cluster(args.scheduler):
        doc_topic = model.fit_transform(corpus)
        return model, build_site(corpus, model, doc_topic, args.out, memory=memory)


def main(argv: list[str] | None = None) -> int:
    """Run the ``topics`` command line; returns the exit code."""
    args = _parse(argv)
    if args.command == "sources":
        print(_sources())
        return 0
    # Sources warn (pages skipped during a crawl) through logging: show them as CLI lines;
    # joblib warns of a cache entry it could not load (and recomputes) with a traceback.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("topics: %(message)s"))
    handler.addFilter(_one_line_cache_warning)
    loggers = [logging.getLogger("topics"), logging.getLogger("joblib")]
    propagate, level = loggers[1].propagate, loggers[0].level
    for logger in loggers:
        logger.addHandler(handler)
    loggers[1].propagate = False
    loggers[0].setLevel(logging.INFO)  # which profile a crawl uses, one line
    try:
        return _run(args)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        loggers[1].propagate = propagate
        loggers[0].setLevel(level)


def _profile(args: argparse.Namespace) -> int:
    """``topics profile URL...``: infer the site's profile, write it as TOML."""
    fetcher = open_fetcher(args.cache, args.delay, args.concurrency, args.timeout, args.refresh)
    try:
        inference = infer_profile(args.urls, fetcher)
        text = inference.to_toml()
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    except (SourceError, OSError) as exc:
        print(f"topics: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("topics: interrupted; everything fetched so far is cached", file=sys.stderr)
        return 130
    where = f" -> {args.out}" if args.out else ""
    print(
        f"profile inferred from {inference.n_links} talk links and {inference.n_sampled}"
        f" sampled talk pages{where}",
        file=sys.stderr,
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "profile":
        return _profile(args)
    start = time.perf_counter()
    corpus_path = Path(args.corpus or corpus_file(args.cache))
    failures: list[CrawlFailure] = []
    try:
        if args.command == "build":
            corpus = Corpus.load(corpus_path)
            check_topic_input(corpus, args.topics)
        else:
            topics = args.topics if args.command == "run" else None
            corpus = _crawl(args, corpus_path, failures, topics)
        if args.command == "crawl":
            return _report(failures)
        model, site = _build(args, corpus)
    except (SourceError, CorpusError, ModelError, RenderError, ClusterError, OSError) as exc:
        print(f"topics: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except TemplateError as exc:
        print(
            "topics: error: a site template failed, the previous site is kept"
            f" ({exc.__class__.__name__}: {_one_line(exc)})",
            file=sys.stderr,
        )
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
