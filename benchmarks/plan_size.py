"""Plan export benchmark: what the "My plan" page's data adds to a site, at FOSDEM scale.

Run from the repository root::

    python benchmarks/plan_size.py            # FOSDEM 2024, 874 talks, 65 topics; ~30 s

Builds the site of ``$TOPICS_SHARED/data/schedules/fosdem-2024.xml`` (default ``../shared``
beside the repository) with ``topics run --topics 65`` into a temporary folder, then
measures the bytes on disk of the whole site, of the compact export ``plan/talks.js``
(and gzip-compressed, as a web server would send it), and of the rest of the plan
feature (``static/plan.js``, ``plan.html``, ``data/schedule.csv`` and ``.json``). The
share is the export's bytes over the bytes of the site without it: what it adds.

Then, for :data:`PLANS` random plans of three talks (seed 0), ranks the other talks by
their cosine with the plan as the page does, from the export's quantised shares, and
counts the plans whose first five are not each nearer (cosine of W, from
``data/talk-topics.json``) than every talk not among the ten shown, with the worst margin.

Writes ``benchmarks/results/plan-size.json`` and the "Plan export" section of
``benchmarks/results/site.md`` (between its ``<!-- plan-export -->`` markers, which
``benchmarks/site.py`` keeps when it rewrites the file), and prints the section.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from topics.cli import main  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
START, END = "<!-- plan-export -->", "<!-- /plan-export -->"
#: Most the export may add to the site (issue 21).
LIMIT = 0.15
#: Random plans whose recommendations are checked against W.
PLANS = 500


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Bytes and number of the files under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def cosines(M: np.ndarray, saved: np.ndarray) -> np.ndarray:
    """Cosine of every row of M with the mean of the saved rows made to sum to 1."""
    mean = (M[saved] / M[saved].sum(axis=1, keepdims=True)).mean(axis=0)
    norms = np.linalg.norm(M, axis=1) * np.linalg.norm(mean)
    return np.divide(M @ mean, norms, out=np.zeros(len(M)), where=norms > 0)


def reorders(export: dict, W: np.ndarray, plans: int = PLANS) -> dict:
    """How often the quantised export changes which talks come first (see above)."""
    Q = np.zeros_like(W)
    for i, row in enumerate(export["talks"]):
        Q[i, row[8][0::2]] = row[8][1::2]
    rng = np.random.default_rng(0)
    bad, margins = 0, []
    for _ in range(plans):
        saved = rng.choice(np.flatnonzero(Q.sum(axis=1) > 0), 3, replace=False)
        shown_scores, exact = cosines(Q, saved), cosines(W, saved)
        shown_scores[saved] = -1
        shown = np.argsort(-shown_scores, kind="stable")[:10]
        others = np.ones(len(W), dtype=bool)
        others[np.r_[saved, shown]] = False
        margin = exact[shown[:5]].min() - exact[others].max()
        margins.append(margin)
        bad += margin <= 0
    return {"plans": plans, "reordered": int(bad), "worst_margin": float(min(margins))}


def measure(site: Path) -> dict:
    total, files = folder_bytes(site)
    export = site / "plan" / "talks.js"
    data = export.read_bytes()
    rest = ["static/plan.js", "plan.html", "data/schedule.csv", "data/schedule.json"]
    talks = json.loads(data.decode().removeprefix("window.topicsPlan = ").rstrip().rstrip(";"))
    listing = json.loads((site / "data" / "talk-topics.json").read_text("utf-8"))
    W = np.array([t["weights"] for t in listing["talks"]])
    return {
        "recommendations": reorders(talks, W),
        "talks": len(talks["talks"]),
        "topics": len(talks["topics"]),
        "weights_per_talk": sum(len(t[8]) for t in talks["talks"]) / 2 / len(talks["talks"]),
        "timed_talks": sum(1 for t in talks["talks"] if t[3]),
        "site_bytes": total,
        "site_files": files,
        "export_bytes": len(data),
        "export_gzip_bytes": len(gzip.compress(data, 9)),
        "other_plan_bytes": {name: (site / name).stat().st_size for name in rest},
        "share": len(data) / (total - len(data)),
    }


def section(result: dict) -> str:
    mib = 2**20
    other = result["other_plan_bytes"]
    rows = [
        ("talks (with a start and end)", f"{result['talks']:,} ({result['timed_talks']:,})"),
        (
            "topics; topic weights kept per talk (mean)",
            f"{result['topics']}; {result['weights_per_talk']:.1f}",
        ),
        (
            "site on disk, export included",
            f"{result['site_bytes'] / mib:.2f} MiB in {result['site_files']:,} files",
        ),
        (
            "plan/talks.js (compact export)",
            f"{result['export_bytes']:,} bytes ({result['export_gzip_bytes']:,} gzip-compressed)",
        ),
        (
            "**added to the site by the export**",
            f"**{100 * result['share']:.1f} %** (limit {100 * LIMIT:.0f} %)",
        ),
        *((f"{name}", f"{size:,} bytes") for name, size in other.items()),
        (
            "random 3-talk plans whose first 5 recommendations are not each nearer (W) than"
            " every talk not shown",
            f"{result['recommendations']['reordered']} of {result['recommendations']['plans']}"
            f" (worst margin {result['recommendations']['worst_margin']:.1e})",
        ),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    return (
        f"{START}\n## Plan export (issue 21)\n\n"
        f"FOSDEM 2024 ({result['talks']} talks), `topics run --topics 65`; {result['date']}, "
        f"{result['machine']}, Python {result['python']}. Command: "
        "`python benchmarks/plan_size.py`.\n\n"
        f"| measure | value |\n| --- | --- |\n{table}\n{END}\n"
    )


def with_section(markdown: str, text: str) -> str:
    """``markdown`` with its plan-export section replaced by ``text`` (added at the end)."""
    if START in markdown and END in markdown:
        head, _, rest = markdown.partition(START)
        _, _, tail = rest.partition(END)
        return head + text.rstrip("\n") + tail
    return markdown.rstrip("\n") + "\n\n" + text


def run() -> dict:
    shared = Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))
    schedule = shared / "data" / "schedules" / "fosdem-2024.xml"
    if not schedule.is_file():
        sys.exit(f"no FOSDEM 2024 schedule at {schedule} (set TOPICS_SHARED)")
    with tempfile.TemporaryDirectory() as tmp:
        site, cache = Path(tmp) / "site", Path(tmp) / "cache"
        args = ["run", str(schedule), "--out", str(site), "--cache", str(cache)]
        if main([*args, "--topics", "65"]) != 0:
            sys.exit("topics run failed")
        result = measure(site)
    result |= {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
    }
    return result


if __name__ == "__main__":
    result = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "plan-size.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    text = section(result)
    site_md = RESULTS / "site.md"
    site_md.write_text(with_section(site_md.read_text("utf-8"), text), encoding="utf-8")
    print(text)
