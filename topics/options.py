"""The options of the ``topics`` command: its parser, the bounds of each option, and the
checks of the files and folders given together (a usage error exits with code 2 and one
line)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .sources import DEFAULT_SOURCE
from .sources.builtin_profiles import PROFILES
from .sources.defaults import (
    ARXIV_PAGE_SIZE,
    ARXIV_PAGES,
    CONCURRENCY,
    DEFAULT_DATA,
    DELAY,
    DELAY_VARIABLE,
    MAX_PAGES,
    MAX_WAIT,
    TIMEOUT,
)
from .workspace import (
    DEFAULT_CACHE,
    PYVIDEO_DATA_VARIABLE,
    corpus_file,
    pyvideo_data,
)

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
        help="where the crawled talks are saved and read (default: one file per list of"
        " sources in CACHE/corpora/)",
    )
    telling = common.add_mutually_exclusive_group()
    telling.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the summary and errors (no stage lines, no progress bars)",
    )
    telling.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print what each stage decided: the k candidates and their scores, the"
        " languages kept and left out, the pages skipped and why",
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
    parsers["build"].add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="the sources, as given to 'topics crawl', whose talks to build (default: the"
        " only corpus in the cache; with several, name the sources or give --corpus)",
    )
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
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
    corpus = Path(args.corpus or corpus_file(args.cache, args.sources)).resolve()
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
