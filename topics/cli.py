"""The ``topics`` command: ``run`` = ``crawl`` then ``build``.

Exit codes: 0 success, 1 failure (one line on stderr says why), 2 bad usage.
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
from .render import RenderError, build_site
from .sources import DEFAULT_DATA, DEFAULT_SOURCE, Fetcher, SourceError, load_all
from .sources.profiles import PROFILES


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
        help="a conference's talk list URL, 'pyvideo:EVENT', a pyvideo event folder, "
        "a schedule.xml/schedule.json file or URL, or a CSV/JSON/JSONL file of talks; "
        f"several are joined into one corpus (default: {DEFAULT_SOURCE})",
    )
    crawling.add_argument(
        "--profile", choices=sorted(PROFILES), help="site profile (default: detected)"
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

    parser = argparse.ArgumentParser(
        prog="topics", description="Find the topics of a conference and publish them as a site."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", parents=[common, crawling, building], help="crawl a conference, then build its site"
    )
    commands.add_parser("crawl", parents=[common, crawling], help="fetch the talks only")
    commands.add_parser(
        "build", parents=[common, building], help="fit topics and render the site from a crawl"
    )
    return parser


def _crawl(args: argparse.Namespace, corpus_path: Path) -> Corpus:
    fetcher = Fetcher(cache_dir=args.cache)
    corpus = load_all(
        args.sources,
        fetcher,
        profile=args.profile,
        pyvideo_data=args.pyvideo_data,
        progress=sys.stderr.isatty(),
    )
    if not len(corpus):
        raise SourceError(f"no talks found in {' + '.join(args.sources)}")
    corpus.save(corpus_path)
    print(
        f"crawled {len(corpus)} talks from {corpus.source} "
        f"({fetcher.n_requests} requests, the rest from the cache) -> {corpus_path}",
        file=sys.stderr,
    )
    return corpus


def _build(args: argparse.Namespace, corpus: Corpus) -> tuple[TopicModel, Path]:
    memory = Memory(Path(args.cache) / "model", verbose=0)
    model = TopicModel(n_components=args.topics, random_state=args.seed, memory=memory)
    doc_topic = model.fit_transform(corpus)
    return model, build_site(corpus, model, doc_topic, args.out, memory=memory)


def main(argv: list[str] | None = None) -> int:
    """Run the ``topics`` command line; returns the exit code."""
    args = _parser().parse_args(argv)
    # Sources warn (pages skipped during a crawl) through logging: show them as CLI lines.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("topics: %(message)s"))
    logging.getLogger("topics").addHandler(handler)
    start = time.perf_counter()
    corpus_path = Path(args.corpus or Path(args.cache) / "talks.jsonl")
    try:
        building_only = args.command == "build"
        corpus = Corpus.load(corpus_path) if building_only else _crawl(args, corpus_path)
        if args.command == "crawl":
            return 0
        model, site = _build(args, corpus)
    except (SourceError, CorpusError, ModelError, RenderError, OSError) as exc:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
