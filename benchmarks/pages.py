"""Pages benchmark: the CPU of a cold run's "pages" stage, part by part (issue 20).

Run from the repository root::

    python benchmarks/pages.py                        # 5 runs of this checkout
    python benchmarks/pages.py --other /tmp/old-x     # alternating with another checkout

The corpus, model, word clouds and site view come from a project cache made by a first
untimed run of each checkout, so that only the pages are made. Each timed run is a new
process (``topics run <EuroPython 2016> --out <a new folder>``), as in a cold run, where
the first abstracts parsed pay docutils' and markdown-it's imports and regular
expressions. Measured in that process: the CPU time of the main thread
(``time.thread_time``) in ``topics.site.publish._render_parts`` and in its parts (the
search index, made in a thread beside it, is not counted), and its wall time. Prints the
median of the runs for each checkout; the machine's other load changes wall times more
than CPU times.

The data is ``$TOPICS_SHARED/data/pyvideo/europython-2016`` (default ``../shared``
beside the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Run in the measured process: ``python -c CHILD <data> <cache> <out>``, with the checkout
#: first on the path. (module, attribute, part) of what is timed; a name that a checkout
#: does not have is skipped.
CHILD = r"""
import collections, json, sys, threading, time
import jinja2
import topics.site.pages as pages, topics.site.plan as plan, topics.site.publish as publish
import topics.site.views as views
from topics.cli import main

data, cache, out = sys.argv[1:]
cpu, wall = collections.Counter(), {}
main_thread = threading.main_thread()

def timed(owner, name, part):
    function = getattr(owner, name, None)
    if function is None:
        return
    def wrapper(*args, **kwargs):
        if threading.current_thread() is not main_thread:
            return function(*args, **kwargs)
        start, started = time.thread_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            cpu[part] += time.thread_time() - start
            wall[part] = wall.get(part, 0) + time.perf_counter() - started
    setattr(owner, name, wrapper)

for owner, name, part in [
    (publish, "_render_parts", "pages stage"),
    (views, "render_abstract", "abstracts"),
    (jinja2.Template, "render", "jinja"),
    (pages, "_write_page", "page files"),
    (pages, "write_map_data", "map"),
    (pages, "write_exports", "export"),
    (plan, "write_plan_data", "plan"),
    (plan, "write_schedule", "schedule"),
    (pages.shutil, "copytree", "static files"),
]:
    timed(owner, name, part)
main(["run", data, "--cache", cache, "--out", out, "--topics", "auto", "-q"])
print(json.dumps({"cpu": cpu, "wall": wall["pages stage"]}))
"""


def measure(repo: Path, data: Path, cache: Path, out: Path) -> dict:
    """One run of ``repo``'s ``topics run`` into the new folder ``out``: its times."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    command = [sys.executable, "-c", CHILD, str(data), str(cache), str(out)]
    done = subprocess.run(command, env=env, cwd=repo, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{repo}: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(runs: list[dict]) -> str:
    """Medians of the runs, in milliseconds: the stage's wall time, then CPU by part."""
    parts = sorted({part for run in runs for part in run["cpu"]})
    cpu = {p: statistics.median(run["cpu"].get(p, 0) for run in runs) for p in parts}
    order = sorted(parts, key=lambda p: (p != "pages stage", -cpu[p]))
    wall = statistics.median(run["wall"] for run in runs)
    text = ", ".join(f"{p} {1000 * cpu[p]:.0f}" for p in order)
    return f"wall {1000 * wall:.0f} ms; main-thread CPU ms: {text}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each checkout")
    parser.add_argument("--other", help="another checkout of topics, run alternately")
    args = parser.parse_args(argv)
    shared = Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared")).resolve()
    data = shared / "data" / "pyvideo" / "europython-2016"
    if not data.is_dir():
        print(f"no EuroPython 2016 data in {data} (set TOPICS_SHARED)", file=sys.stderr)
        return 1
    repos = [REPO] + ([Path(args.other).resolve()] if args.other else [])
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        # A cache for each checkout: joblib empties a function's cache when its code changes.
        for index, repo in enumerate(repos):  # untimed: fills the cache
            measure(repo, data, work / f"cache-{index}", work / f"first-{index}")
        runs: dict[Path, list[dict]] = {repo: [] for repo in repos}
        for number in range(args.runs):
            for index, repo in enumerate(repos):
                cache, out = work / f"cache-{index}", work / f"site-{index}-{number}"
                runs[repo].append(measure(repo, data, cache, out))
    for repo in repos:
        print(f"{repo} ({args.runs} runs): {summary(runs[repo])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
