"""The ``topics`` command: ``run`` = ``crawl`` then ``build``; ``sources`` lists sources;
``profile`` writes the site profile inferred from a talk list page.

Exit codes: see :data:`EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError

from .corpus import Corpus, CorpusError, check_topic_input
from .model.parallel import ClusterError, cluster
from .sources import (
    DEFAULT_DATA,
    DEFAULT_SOURCE,
    KINDS,
    CrawlFailure,
    SourceError,
)
from .sources.builtin_profiles import PROFILES, get_profile
from .sources.crawler import MAX_PAGES, infer_profile
from .sources.errors import one_line
from .sources.feeds import ARXIV_PAGE_SIZE, ARXIV_PAGES
from .sources.http import CONCURRENCY, DELAY, DELAY_VARIABLE, MAX_WAIT, TIMEOUT
from .sources.profiles import FIELDS
from .workspace import (
    DEFAULT_CACHE,
    PYVIDEO_DATA_VARIABLE,
    corpus_file,
    model_memory,
    open_fetcher,
    pyvideo_data,
    read_sources,
)

if TYPE_CHECKING:
    from .model import TopicModel

#: What the exit code says.
EXIT_CODES = {
    0: "done: every page was read",
    1: "failed: nothing built (one line on stderr says why)",
    2: "bad usage (one line says why): an option out of range, --cache or --corpus\n"
    "       inside --out, a --corpus that is a source",
    3: "done, but some pages failed: the site (or crawl) has the rest;\n"
    "       the failed pages are listed, with why, at the end of stderr",
    130: "interrupted (Ctrl-C): everything fetched so far is cached, run again to resume",
}
PAGES_FAILED = 3

#: Bounds of the options: a seed is what NumPy's random state takes (32 bits); a pause or a
#: wait of more than an hour is a mistake (and ``time.sleep`` cannot wait ``inf``);
#: thousands of connections to one host are an attack, not a crawl.
MAX_SEED = 2**32 - 1
MAX_DELAY = MAX_TIMEOUT = 3600.0
MAX_CONCURRENCY = 32


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line: ``topics run: error: ...``, exit code 2."""

    def error(self, message: str):
        message = " ".join(message.splitlines())  # a value given may hold line breaks
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


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


def _parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The ``topics`` parser, and the parser of each of its commands."""
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
        " event folder, a schedule.xml/schedule.json file or URL, an iCalendar, RSS or Atom"
        " feed (file or URL), 'arxiv:CATEGORY', or a CSV/JSON/JSONL file of talks (see"
        " 'topics sources'); "
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
        type=_seconds(0.0, MAX_DELAY, zero=True),
        metavar="SECONDS",
        help=f"seconds between two requests to one host, 0 to {MAX_DELAY:.0f} (default:"
        f" ${DELAY_VARIABLE} or {DELAY}; a robots.txt Crawl-delay that asks for more wins,"
        f" up to {MAX_WAIT:g} s)",
    )
    fetching.add_argument(
        "--concurrency",
        type=_whole(1, MAX_CONCURRENCY),
        default=CONCURRENCY,
        metavar="N",
        help=f"requests in flight to one host at a time, 1 to {MAX_CONCURRENCY}"
        " (default: %(default)s)",
    )
    fetching.add_argument(
        "--timeout",
        type=_seconds(0.0, MAX_TIMEOUT, zero=False),
        default=TIMEOUT[1],
        metavar="SECONDS",
        help="seconds one request may take in all: connecting, the answer's headers and"
        f" body; each retry has its own; more than 0 and at most {MAX_TIMEOUT:.0f}"
        " (default: %(default)s)",
    )
    crawling.add_argument(
        "--max-pages",
        type=_whole(1),
        metavar="N",
        help=f"talk pages read from one list page at most (default: {MAX_PAGES}); for"
        f" arXiv, API pages of {ARXIV_PAGE_SIZE} papers (default: {ARXIV_PAGES})",
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
        "--out",
        default="site",
        metavar="DIR",
        help="site folder: absent, empty or a site built before; files in it that are not"
        " the site's (CNAME, .nojekyll, .git, ...) are kept (default: %(default)s)",
    )
    building.add_argument(
        "--force",
        action="store_true",
        help="build into a non-empty --out folder that topics did not make: its files named"
        " like the site's (index.html, talks/, ...) are replaced, the others kept",
    )
    building.add_argument(
        "--topics",
        type=_n_topics,
        default="auto",
        metavar="K",
        help="number of topics, or 'auto' to choose by stability and coherence (default: auto)",
    )
    building.add_argument(
        "--seed",
        type=_whole(0, MAX_SEED),
        default=0,
        metavar="N",
        help=f"random seed, 0 to {MAX_SEED} (default: %(default)s)",
    )
    building.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the parallel work on a Dask cluster, e.g. tcp://host:8786 (needs"
        " 'pip install topics[dask]'; default: this machine's cores)",
    )

    parser = _Parser(
        prog="topics",
        description="Find the topics of a conference and publish them as a site.",
        epilog="exit codes:\n"
        + "\n".join(f"  {code:<4} {what}" for code, what in EXIT_CODES.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    parsers = {
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
    parsers["profile"] = inferring = commands.add_parser(
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
    return parser, parsers


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; a usage error exits with code 2 and one line.

    A command's options may come anywhere among its sources (``topics run A --out X B``):
    they are parsed intermixed, which argparse cannot do for a parser with subcommands, so
    the command's own parser parses what follows the command. What follows ``--`` is
    sources (argparse 3.11 mixes it up when parsing intermixed).
    """
    parser, commands = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in commands:
        return parser.parse_args(argv)  # --help, or a usage error
    command, rest, tail = commands[argv[0]], argv[1:], []
    if "--" in rest:
        rest, tail = rest[: rest.index("--")], rest[rest.index("--") + 1 :]
    args = command.parse_intermixed_args(rest)
    if tail and "sources" not in args:
        command.error(f"unrecognized arguments: {' '.join(tail)}")
    if tail:
        args.sources += tail
    args.command = argv[0]
    if getattr(args, "delay", 0) is None and DELAY_VARIABLE in os.environ:
        try:
            args.delay = _seconds(0.0, MAX_DELAY, zero=True)(os.environ[DELAY_VARIABLE])
        except argparse.ArgumentTypeError as exc:
            command.error(f"${DELAY_VARIABLE}: {exc}")
    if args.command in ("run", "crawl", "build"):
        clash = _clash(args)
        if clash:
            commands[args.command].error(clash)
    return args


def _clash(args: argparse.Namespace) -> str | None:
    """Why the files and folders given cannot be used together, if they cannot: the build
    replaces the site folder, so neither the cache nor the corpus may be inside it, and
    the crawl writes the corpus, so it may not be a source."""
    cache = Path(args.cache).resolve()
    corpus = Path(args.corpus or corpus_file(args.cache)).resolve()
    if args.command != "crawl":
        out = Path(args.out).resolve()
        if cache.is_relative_to(out) or out.is_relative_to(cache):
            return (
                f"--cache {args.cache} and --out {args.out} overlap: building the site would"
                " delete the cache, or the cache would be published; give folders apart"
            )
        if corpus.is_relative_to(out):
            return (
                f"--corpus {args.corpus} is inside --out {args.out}: building the site would"
                " delete it"
            )
    if args.command != "build" and args.corpus is not None:
        for source in args.sources:
            if _same_file(source, corpus):
                return (
                    f"--corpus {args.corpus} is the source {source}: saving the talks would"
                    " overwrite it; give another --corpus"
                )
    return None


def _same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` are one existing file (through links too)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # absent, a URL, a name too long
        return False


def _seconds(low: float, high: float, zero: bool):
    """An argument type: a finite number of seconds from ``low`` (allowed if ``zero``) to
    ``high``."""
    wanted = f"{low:g} to {high:g}" if zero else f"more than {low:g} and at most {high:g}"

    def seconds(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds, got {value!r}"
            ) from None
        if not (low <= number <= high and (zero or number > low)):  # NaN fails too
            raise argparse.ArgumentTypeError(f"must be {wanted} seconds, not {value}")
        return number

    return seconds


def _whole(low: int, high: int | None = None):
    """An argument type: a whole number from ``low`` to ``high`` (no bound if ``None``)."""
    wanted = f"at least {low}" if high is None else f"{low} to {high}"

    def whole(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if number < low or (high is not None and number > high):
            raise argparse.ArgumentTypeError(f"must be {wanted}, not {value}")
        return number

    return whole


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
    # A profile file is read first: a bad one is told before any request.
    profile = get_profile(args.profile) if args.profile is not None else None
    fetcher = open_fetcher(args.cache, args.delay, args.concurrency, args.timeout, args.refresh)
    corpus = read_sources(
        args.sources,
        fetcher,
        corpus_path,
        profile=profile,
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
    from .model import TopicModel
    from .site import build_site

    memory = model_memory(args.cache)
    model = TopicModel(n_topics=args.topics, random_state=args.seed, memory=memory)
    with cluster(args.scheduler):
        model.fit(corpus)
        site = build_site(corpus, model.summary(), args.out, memory=memory, force=args.force)
        return model, site


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
        print(f"topics: error: {one_line(exc, limit=None)}", file=sys.stderr)
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
    if args.command != "crawl":
        # Loaded while the libraries below are imported and the sources read.
        from .model.languages import preload

        preload()
    # Imported here: scikit-learn and the site take a second or more to import, which
    # --help, `sources` and `profile` do not need (docs/decisions.md, "One conference in
    # seconds").
    from .model import ModelError
    from .site import RenderError, check_site_folder

    start = time.perf_counter()
    corpus_path = Path(args.corpus or corpus_file(args.cache))
    failures: list[CrawlFailure] = []
    try:
        if args.command != "crawl":  # before the crawl and the fit: a refusal comes first
            check_site_folder(args.out, args.force)
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
        print(f"topics: error: {one_line(exc, limit=None)}", file=sys.stderr)
        return 1
    except TemplateError as exc:
        print(
            "topics: error: a site template failed, the previous site is kept"
            f" ({exc.__class__.__name__}: {one_line(exc, limit=None)})",
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
