"""Scale benchmark: wall time of each stage and peak memory, from one conference to 1M abstracts.

Run from the repository root::

    python benchmarks/scale.py                         # every corpus; the 1M run takes long
    python benchmarks/scale.py --corpora europython pyvideo paperlists
    python benchmarks/scale.py --corpora million --million 200000   # a smaller synthetic run

Corpora (``$TOPICS_SHARED``, default ``../shared`` beside the repository):

* ``europython``: EuroPython 2016 (169 talks), the pyvideo folder ``data/pyvideo/europython-2016``;
* ``pyvideo``: every talk of ``data/pyvideo.jsonl.gz`` whose description has 20+ words (~15k);
* ``paperlists``: every abstract of ``data/paperlists.jsonl.gz`` (87k);
* ``million``: 1,000,000 synthetic documents (``--million``) made by resampling sentences of
  paperlists abstracts: each document takes the sentences of one random abstract in random
  order, with replacement, plus two sentences of another abstract of the same venue. Their
  topics are those of the abstracts, but they are not real texts.

Each configuration runs in a subprocess of its own, started from an empty cache:

* ``topics``: the package as a user runs it (``TopicModel`` with its defaults, which
  fits by mini-batches from ``topics.model.minibatch.MINIBATCH_MIN_TALKS`` talks, then
  ``topics.site.build_site``).
  Stages: ``load`` (JSONL or folder to a Corpus, saved as ``topics run`` saves it),
  ``fit``, ``site`` (everything ``build_site`` does). Then, in a new subprocess on the
  same cache and site, a *warm* re-run of all stages after a change to the ``topic.html``
  template, as ``topics build`` does it: the corpus is read from the saved JSONL, the fit
  comes from the joblib cache, and only the topic pages are rendered again. For ``million`` only
  ``load`` (generating the texts) and ``fit`` are run.
* ``reference``: the original EuroPython topic site's configuration: ``TfidfVectorizer(
  max_features=1000, stop_words="english", max_df=0.95, min_df=2)``, full ``NMF`` with the
  number of topics the ``topics`` run found, and the word clouds drawn one after another.
  Not run on ``million`` (a full NMF of a million rows is what streaming replaces).

Peak memory: the largest resident set size (RSS) of the subprocess tree, sampled every
0.2 s (the subprocess and its joblib workers, summed), and ``ru_maxrss`` of the
subprocess (its largest single process, from ``wait4``).

Writes ``benchmarks/results/scale.json`` and ``scale.md`` (``--output`` to change).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

CORPORA = ("europython", "pyvideo", "paperlists", "million")
MIN_WORDS = 20
#: Targets of the issue.
TARGET_SITE_S, TARGET_SITE_GB = 180.0, 4.0
TARGET_FIT_S, TARGET_FIT_GB = 1800.0, 8.0
TARGET_WARM_SHARE = 0.10
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def shared_path() -> Path:
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


# Corpora -----------------------------------------------------------------------------------


def load_corpus(name: str, shared: Path, million: int = 1_000_000):
    """The corpus ``name`` as a :class:`topics.corpus.Corpus` (``million``: a list of str)."""
    from topics.corpus import Corpus
    from topics.sources.pyvideo import load_folder
    from topics.sources.tables import load_table

    if name == "europython":
        return load_folder(shared / "data" / "pyvideo" / "europython-2016")
    if name == "pyvideo":
        corpus = load_table(shared / "data" / "pyvideo.jsonl.gz")
        talks = [t for t in corpus if len(t.abstract.split()) >= MIN_WORDS]
        return Corpus(talks=talks, title="pyvideo", source=corpus.source)
    if name == "paperlists":
        return load_table(shared / "data" / "paperlists.jsonl.gz")
    if name == "million":
        return resampled(shared / "data" / "paperlists.jsonl.gz", million)
    if Path(name).is_file():  # a table of talks, for the tests
        return load_table(name)
    raise ValueError(f"unknown corpus {name!r}")


def resampled(path: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` synthetic documents from the sentences of the abstracts in ``path``."""
    by_venue: dict[str, list[list[str]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            sentences = [s for s in _SENTENCE.split(row.get("abstract") or "") if s]
            if sentences:
                venue = re.sub(r"\d+$", "", str(row.get("venue", "")))
                by_venue.setdefault(venue, []).append(sentences)
    venues = list(by_venue.values())
    weights = [len(v) for v in venues]
    rng = random.Random(seed)
    documents = []
    for venue in rng.choices(venues, weights=weights, k=n):
        own = rng.choice(venue)
        other = rng.choice(venue)
        picked = rng.choices(own, k=len(own)) + rng.choices(other, k=2)
        rng.shuffle(picked)
        documents.append(" ".join(picked))
    return documents


# One configuration, in a subprocess ----------------------------------------------------------


def run_worker(args: argparse.Namespace) -> dict:
    """Run one configuration's stages in this process; their wall times, in seconds."""
    import numpy as np
    from joblib import Memory

    from topics.corpus import Corpus
    from topics.model import TopicModel
    from topics.site import build_site
    from topics.site import templates as site_templates
    from topics.site.wordclouds import write_wordclouds

    stages: dict[str, float] = {}
    start = time.perf_counter()
    saved = Path(args.cache or ".") / "talks.jsonl"
    if args.warm and saved.is_file():  # as `topics build` reads what `topics run` saved
        corpus = Corpus.load(saved)
    else:
        corpus = load_corpus(args.corpus, Path(args.shared), args.million)
        if args.config == "topics" and not isinstance(corpus, list):
            corpus.save(saved)
    stages["load"] = time.perf_counter() - start
    texts = corpus if isinstance(corpus, list) else corpus.texts
    result: dict = {"documents": len(texts)}
    if args.config == "topics":
        if args.templates:
            site_templates.TEMPLATES = Path(args.templates)
        memory = Memory(Path(args.cache) / "model", verbose=0)
        model = TopicModel(memory=memory)
        start = time.perf_counter()
        model.fit(corpus)
        stages["fit"] = time.perf_counter() - start
        result["topics"] = int(model.n_components_)
        result["streaming"] = "minibatch" in model.algorithms_
        if not isinstance(corpus, list):
            start = time.perf_counter()
            build_site(corpus, model.summary(), Path(args.out), memory=memory)
            stages["site"] = time.perf_counter() - start
    else:
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfVectorizer

        start = time.perf_counter()
        vectorizer = TfidfVectorizer(max_features=1000, stop_words="english", max_df=0.95, min_df=2)
        X = vectorizer.fit_transform(texts)
        nmf = NMF(n_components=args.k, random_state=0)
        nmf.fit_transform(X)
        stages["fit"] = time.perf_counter() - start
        terms = vectorizer.get_feature_names_out()
        weights = [
            {str(terms[i]): float(row[i]) for i in np.argsort(row)[::-1][:80] if row[i] > 0}
            for row in nmf.components_
        ]
        start = time.perf_counter()
        write_wordclouds(weights, Path(args.out) / "wordclouds", n_jobs=1)
        stages["wordclouds"] = time.perf_counter() - start
        result["topics"] = args.k
    result["stages"] = {name: round(seconds, 2) for name, seconds in stages.items()}
    result["total"] = round(sum(stages.values()), 2)
    return result


def _tree_rss(pid: int) -> int:
    """Resident bytes of process ``pid`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(command: list[str], timeout: float | None = None) -> dict:
    """Run ``command``; its JSON result, wall time, peak tree RSS and ru_maxrss (bytes)."""
    peak = 0
    done = threading.Event()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    if timer:
        timer.cancel()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    result = {"returncode": process.returncode, "wall_s": round(wall, 2)}
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if process.returncode == 0 and lines:
        result.update(json.loads(lines[-1]))
    result["peak_rss_bytes"] = peak
    result["ru_maxrss_bytes"] = usage.ru_maxrss * 1024  # Linux: kilobytes
    return result


def run_corpus(
    name: str, work: Path, shared: Path, million: int, log=print, timeout: float | None = None
) -> dict:
    """Every configuration of one corpus, each in a subprocess."""
    base = [sys.executable, str(Path(__file__).resolve()), "--worker", "--corpus", name]
    base += ["--shared", str(shared), "--million", str(million)]
    folder = work / Path(name).name.split(".")[0]
    shutil.rmtree(folder, ignore_errors=True)
    templates = folder / "templates"
    from topics.site.templates import TEMPLATES

    shutil.copytree(TEMPLATES, templates)
    cache, out = folder / "cache", folder / "site"
    topics = [*base, "--config", "topics", "--cache", str(cache), "--out", str(out)]
    topics += ["--templates", str(templates)]
    runs = {"cold": measure(topics, timeout)}
    log(f"{name} topics cold: {_line(runs['cold'])}")
    if runs["cold"]["returncode"] == 0 and "site" in runs["cold"].get("stages", {}):
        page = templates / "topic.html"
        source = page.read_text(encoding="utf-8").replace("</h1>", "</h1><!-- changed -->", 1)
        page.write_text(source, encoding="utf-8")
        runs["warm"] = measure([*topics, "--warm"], timeout)
        log(f"{name} topics warm (topic.html changed): {_line(runs['warm'])}")
    if name != "million" and runs["cold"]["returncode"] == 0:
        reference = [*base, "--config", "reference", "--out", str(folder / "reference")]
        reference += ["--k", str(runs["cold"]["topics"])]
        runs["reference"] = measure(reference, timeout)
        log(f"{name} reference: {_line(runs['reference'])}")
    shutil.rmtree(folder, ignore_errors=True)
    return runs


def _line(run: dict) -> str:
    if run["returncode"] != 0:
        return f"failed (exit {run['returncode']})"
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in run["stages"].items())
    return (
        f"{run['documents']:,} docs, {run['topics']} topics; {stages}; wall {run['wall_s']} s; "
        f"peak {run['peak_rss_bytes'] / 2**30:.2f} GB"
    )


# Report ------------------------------------------------------------------------------------


def targets(results: dict) -> list[dict]:
    """The issue's targets, measured: name, measured text, passed (None: not run)."""
    corpora = results["corpora"]
    rows = []
    paper = corpora.get("paperlists", {}).get("cold")
    ok = paper is not None and paper["returncode"] == 0
    rows.append(
        {
            "target": f"87k abstracts, JSONL to site < {TARGET_SITE_S:.0f} s",
            "measured": f"{paper['total']:.1f} s" if ok else "not run",
            "passed": (paper["total"] < TARGET_SITE_S) if ok else None,
        }
    )
    rows.append(
        {
            "target": f"87k abstracts, peak memory < {TARGET_SITE_GB:.0f} GB",
            "measured": f"{paper['peak_rss_bytes'] / 2**30:.2f} GB" if ok else "not run",
            "passed": (paper["peak_rss_bytes"] < TARGET_SITE_GB * 2**30) if ok else None,
        }
    )
    big = corpora.get("million", {}).get("cold")
    ok = big is not None and big["returncode"] == 0
    rows.append(
        {
            "target": f"{big['documents'] if ok else 'million':,} documents fitted "
            f"< {TARGET_FIT_S / 60:.0f} min"
            if ok
            else f"1M documents fitted < {TARGET_FIT_S / 60:.0f} min",
            "measured": f"fit {big['stages']['fit']:.0f} s (+ {big['stages']['load']:.0f} s "
            "generating the texts)"
            if ok
            else "not run",
            "passed": (big["stages"]["fit"] < TARGET_FIT_S) if ok else None,
        }
    )
    rows.append(
        {
            "target": f"1M documents, peak memory < {TARGET_FIT_GB:.0f} GB",
            "measured": f"{big['peak_rss_bytes'] / 2**30:.2f} GB" if ok else "not run",
            "passed": (big["peak_rss_bytes"] < TARGET_FIT_GB * 2**30) if ok else None,
        }
    )
    for name, runs in corpora.items():
        cold, warm = runs.get("cold"), runs.get("warm")
        if not cold or not warm or cold["returncode"] or warm["returncode"]:
            continue
        share = warm["total"] / cold["total"]
        rows.append(
            {
                "target": f"{name}: warm re-run after a template change < "
                f"{TARGET_WARM_SHARE:.0%} of the cold run",
                "measured": f"{warm['total']:.1f} s / {cold['total']:.1f} s = {share:.1%}",
                "passed": share < TARGET_WARM_SHARE,
            }
        )
    return rows


def markdown(results: dict) -> str:
    lines = [
        "# Scale benchmark",
        "",
        f"Generated by `python benchmarks/scale.py` on {results['date']}; "
        f"{results['machine']}. {results['note']}",
        "",
        "Stage times are wall-clock seconds inside the run's subprocess; *total* is their "
        "sum, *wall* includes starting Python. Peak memory: largest RSS of the subprocess "
        "and its joblib workers together, sampled every 0.2 s (ru_maxrss: its largest "
        "single process). Each configuration starts from an empty cache; *warm* re-runs "
        "every stage on the cold run's cache and site after a change to `topic.html`.",
        "",
        "## Targets",
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
    ]
    for row in results["targets"]:
        verdict = {True: "PASS", False: "FAIL", None: "not run"}[row["passed"]]
        lines.append(f"| {row['target']} | {row['measured']} | {verdict} |")
    lines += [
        "",
        "## Runs",
        "",
        "| corpus | run | documents | topics | load s | fit s | site s | word clouds s "
        "| total s | wall s | peak GB | ru_maxrss GB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, runs in results["corpora"].items():
        for run_name, run in runs.items():
            if run["returncode"] != 0:
                lines.append(f"| {name} | {run_name} | failed (exit {run['returncode']}) |")
                continue
            st = run["stages"]
            cells = [st.get(s) for s in ("load", "fit", "site", "wordclouds")]
            lines.append(
                f"| {name} | {run_name}{' (streaming)' if run.get('streaming') else ''} | "
                f"{run['documents']:,} | {run['topics']} | "
                + " | ".join("" if c is None else f"{c:.1f}" for c in cells)
                + f" | {run['total']:.1f} | {run['wall_s']:.1f} | "
                f"{run['peak_rss_bytes'] / 2**30:.2f} | {run['ru_maxrss_bytes'] / 2**30:.2f} |"
            )
    lines += ["", "## Ratios (topics cold / reference)", ""]
    lines += ["| corpus | fit | total |", "| --- | --- | --- |"]
    for name, runs in results["corpora"].items():
        cold, ref = runs.get("cold"), runs.get("reference")
        if cold and ref and not cold["returncode"] and not ref["returncode"]:
            fit = cold["stages"]["fit"] / max(ref["stages"]["fit"], 1e-9)
            lines.append(
                f"| {name} | {fit:.1f}x | {cold['total'] / max(ref['total'], 1e-9):.1f}x |"
            )
    return "\n".join(lines) + "\n"


def write_results(results: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "scale.json", folder / "scale.md"
    json_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown(results), encoding="utf-8")
    return json_path, md_path


def environment() -> str:
    load = os.getloadavg()[0]
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load:.1f} at start"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="*", default=list(CORPORA))
    parser.add_argument("--million", type=int, default=1_000_000, help="synthetic documents")
    parser.add_argument("--work", default=str(REPO / "cache" / "benchmark-scale"))
    parser.add_argument("--output", default=str(REPO / "benchmarks" / "results"))
    parser.add_argument("--shared", default=str(shared_path()))
    parser.add_argument("--note", default="", help="said in the results (e.g. machine shared)")
    parser.add_argument("--timeout", type=float, help="seconds per subprocess")
    worker = parser.add_argument_group("one configuration (internal)")
    worker.add_argument("--worker", action="store_true")
    worker.add_argument("--corpus")
    worker.add_argument("--config", choices=("topics", "reference"))
    worker.add_argument("--cache")
    worker.add_argument("--out")
    worker.add_argument("--templates")
    worker.add_argument("--k", type=int)
    worker.add_argument("--warm", action="store_true", help="read the corpus saved in --cache")
    parser.add_argument(
        "--merge",
        nargs="*",
        default=[],
        help="results JSON of earlier runs whose corpora are added to this one's",
    )
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_worker(args)))
        return 0
    shared = Path(args.shared)
    if not (shared / "data").is_dir() and not all(Path(c).is_file() for c in args.corpora):
        print(f"shared data not found in {shared} (set TOPICS_SHARED)", file=sys.stderr)
        return 2
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": environment(),
        "note": args.note,
        "million_documents": args.million,
        "corpora": {},
    }
    output = Path(args.output)
    for merged in args.merge:
        earlier = json.loads(Path(merged).read_text(encoding="utf-8"))
        results["corpora"].update(earlier["corpora"])
        results["note"] += (
            f" {', '.join(earlier['corpora'])}: measured from {earlier['date']}"
            f" ({earlier['machine']})."
        )
        results["targets"] = targets(results)
        write_results(results, output)
    for name in args.corpora:
        runs = run_corpus(
            name,
            Path(args.work),
            shared,
            args.million,
            log=lambda text: print(text, file=sys.stderr),
            timeout=args.timeout,
        )
        results["corpora"][Path(name).name.split(".")[0]] = runs
        results["targets"] = targets(results)
        write_results(results, output)  # after every corpus: a long run keeps what it measured
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
