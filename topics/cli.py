"""The ``topics`` command: ``run`` = ``crawl`` then ``build``; ``sources`` lists sources;
``profile`` writes the site profile inferred from a talk list page.

Exit codes: see :data:`topics.options.EXIT_CODES`; the options: :mod:`topics.options`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError

from .corpus import Corpus, CorpusError, check_topic_input
from .interrupts import catch_ctrl_c
from .model.parallel import ClusterError, cluster, stop_workers, workers_ignore_ctrl_c
from .options import parse_args
from .progress import Console, say, showing, stage
from .report import crawled_at, model_facts, report_file, run_report, save_report
from .sources import KINDS, SourceError
from .sources.builtin_profiles import PROFILES, get_profile
from .sources.errors import one_line
from .sources.profiles import FIELDS
from .workspace import (
    FetcherOnDemand,
    corpus_file,
    find_corpus,
    model_memory,
    open_fetcher,
    read_sources,
)

if TYPE_CHECKING:
    from .model import TopicModel
    from .sources import CrawlFailure

#: The exit code of a run in which some pages failed (see :data:`topics.options.EXIT_CODES`).
PAGES_FAILED = 3


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
    # Opened by the first source that fetches: local files need no HTTP library.
    fetcher = FetcherOnDemand(args.cache, args.delay, args.concurrency, args.timeout, args.refresh)
    with stage("read sources", unit="talk") as reading:
        corpus = read_sources(
            args.sources,
            fetcher,
            corpus_path,
            profile=profile,
            pyvideo_data=args.pyvideo_data,
            failures=failures,
            max_pages=args.max_pages,
        )
        reading.count = len(corpus)
    if n_topics is not None:  # before the summary: bad input gets one line
        check_topic_input(corpus, n_topics)
    pages = ""  # local files only: no page was read
    used = fetcher.fetcher
    if used is not None and used.n_pages:
        revalidated = ""
        if args.refresh:
            revalidated = f", {used.n_not_modified} unchanged"
            if used.stale:
                revalidated += f", {len(used.stale)} not revalidated (cached copy kept)"
        pages = f" ({used.n_requests} pages fetched{revalidated}, the rest from the cache)"
    line = f"crawled {len(corpus)} talks from {corpus.source}{pages} -> {corpus_path}"
    if n_topics is None:  # topics crawl: the summary, shown even when --quiet
        print(line, file=sys.stderr)
    else:
        say(line)
    return corpus


def _read_corpus(path: Path, n_topics: int | str) -> Corpus:
    """``topics build``'s corpus, and a line saying which one it is and when it was crawled."""
    with stage("read sources", unit="talk") as reading:
        corpus = Corpus.load(path)
        reading.count = len(corpus)
    check_topic_input(corpus, n_topics)
    when = crawled_at(path).strftime("%Y-%m-%d %H:%M UTC")
    source = f" from {corpus.source}" if corpus.source else ""
    say(f"read {len(corpus)} talks{source}, crawled {when} <- {path}")
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
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if args.command == "sources":
        print(_sources())
        return 0
    # Stages, progress bars, and what sources warn of (pages skipped during a crawl) through
    # logging, drawn by the console; joblib warns of a cache entry it could not load (and
    # recomputes) with a traceback: one line.
    console = Console(sys.stderr, verbosity=-1 if args.quiet else int(args.verbose))
    console.addFilter(_one_line_cache_warning)
    cache_log = logging.getLogger("joblib")
    propagate = cache_log.propagate
    cache_log.addHandler(console)
    cache_log.propagate = False
    # joblib warns when a generator of results is dropped unread: a crawl stopped by Ctrl-C.
    # For the whole process, not this call only: the generator is dropped when the garbage
    # collector gets to it, which may be after this function has returned.
    # Its message starts with the tasks done, or with those cancelled when none was done.
    warnings.filterwarnings(
        "ignore", "[0-9]+ tasks (have been successfully executed|which were still being)"
    )
    try:
        with showing(console), workers_ignore_ctrl_c():
            return _run(args, console, ["topics", *argv])
    finally:
        gc.unfreeze()  # see frozen_imports
        cache_log.removeHandler(console)
        cache_log.propagate = propagate


def _profile(args: argparse.Namespace) -> int:
    """``topics profile URL...``: infer the site's profile, write it as TOML."""
    from .sources.crawler import infer_profile

    catch_ctrl_c()  # from here on, KeyboardInterrupt is caught below
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


@contextmanager
def frozen_imports() -> Iterator[None]:
    """Import inside the block without cyclic garbage collections, then freeze every object
    made so far out of later ones (:func:`gc.freeze`), until the command ends.

    Importing scikit-learn, SciPy and the site makes hundreds of thousands of objects that
    live as long as the process: collections went over them again and again while they
    were made, and during the run after (docs/decisions.md, "One conference in
    seconds"). They are unfrozen when :func:`main` returns, for a caller in this process.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _run(args: argparse.Namespace, console: Console, command: list[str]) -> int:
    if args.command == "profile":
        return _profile(args)
    if args.command != "crawl":
        # Loaded while the libraries below are imported and the sources read.
        from .model.languages import preload

        preload()
    # Imported here: scikit-learn and the site take a second or more to import, which
    # --help, `sources` and `profile` do not need (docs/decisions.md, "One conference in
    # seconds").
    with frozen_imports():
        from .model import ModelError
        from .site import RenderError, check_site_folder
    catch_ctrl_c()  # from here on, KeyboardInterrupt is caught below

    start = time.perf_counter()
    failures: list[CrawlFailure] = []
    model = site = None
    try:
        if args.command != "crawl":  # before the crawl and the fit: a refusal comes first
            check_site_folder(args.out, args.force)
        if args.command == "build":
            corpus_path = Path(args.corpus or find_corpus(args.cache, args.sources))
            corpus = _read_corpus(corpus_path, args.topics)
        else:
            topics = args.topics if args.command == "run" else None
            corpus_path = Path(args.corpus or corpus_file(args.cache, args.sources))
            corpus = _crawl(args, corpus_path, failures, topics)
        if args.command != "crawl":
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
        console.close()  # the bars off the screen first
        stop_workers()
        print("topics: interrupted; everything fetched so far is cached", file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - start
    if model is not None:
        chosen = " (chosen by stability and coherence)" if args.topics == "auto" else ""
        excluded = sum(model.excluded_languages_.values())
        left_out = f", {excluded} in other languages left out" if excluded else ""
        read = ""  # which corpus a build read: the cache may hold several
        if args.command == "build":
            read = f" of {corpus.source or corpus.title or 'the corpus'} ({corpus_path})"
        print(
            f"{len(corpus)} talks{read}, {model.n_components_} topics{chosen}{left_out}: "
            f"site in {site}/index.html ({elapsed:.1f} s)",
            file=sys.stderr,
        )
    code = _report(failures)
    report = run_report(
        command,
        code,
        elapsed,
        console.stages,
        {
            "path": str(corpus_path),
            "source": corpus.source,
            "talks": len(corpus),
            "crawled": crawled_at(corpus_path).isoformat(timespec="seconds"),
        },
        model=None if model is None else model_facts(model, args.topics),
        site=None if site is None else str(site),
        failed_pages=len(failures),
    )
    try:
        save_report(report, report_file(corpus_path))
    except OSError as exc:  # the site is built: a report that cannot be written is no failure
        logging.getLogger("topics").warning("run report not written: %s", one_line(exc))
    return code


if __name__ == "__main__":
    sys.exit(main())
