"""Score curve over the number of topics: is the k that ``auto`` chooses a good one?

Run from the repository root::

    python benchmarks/k_curve.py                       # FOSDEM 2024, EuroPython 2016, pyvideo
    python benchmarks/k_curve.py --corpora fosdem      # one corpus

For each corpus, the main language's talks go through the model's own steps
(:func:`topics.model.exact.vectorize`, :func:`topics.model.exact.smooth`), then for each
k of a grid wider than the one searched (:func:`topics.model.selection.candidate_ks`):

* stability: :func:`topics.model.selection.fit_with_stability` with
  :data:`~topics.model.selection.N_SUBSAMPLES` subsamples, one per seed in ``--seeds``
  (the seed draws the subsamples; the full fit does not depend on it);
* coherence: mean NPMI of each topic's 10 heaviest terms on the same talks
  (:func:`topics.model.evaluation.npmi_coherence`);
* score: ``stability * (1 + NPMI) / 2``, the quantity ``auto`` maximises
  (:class:`topics.model.selection.Candidate`);
* on FOSDEM, NMI of each talk's strongest topic against its human track.

Then ``choose_k`` itself runs on the same matrix, so the k that ``auto`` picks is marked
on the curve. Writes ``benchmarks/results/k_curve.json``, ``k_curve.md`` and
``k_curve.png`` (matplotlib, from the ``test`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from topics.model import selection  # noqa: E402
from topics.model.evaluation import npmi_coherence  # noqa: E402
from topics.model.exact import smooth, vectorize  # noqa: E402
from topics.model.languages import detect_languages  # noqa: E402

#: k values measured per corpus (wider than the search, which stops at n_talks / 8).
GRIDS = {
    "fosdem": [5, 10, 15, 20, 25, 30, 40, 50, 60, 65, 70, 80, 90, 100, 120, 140],
    "europython": [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 19, 22, 26, 30],
    "pyvideo": [10, 20, 30, 45, 60, 80, 100, 130],
}
MIN_WORDS = 20
#: ``pick``'s tolerance: candidates within 5 % of the best score are as good as the best.
TOLERANCE = 0.05


def shared_path() -> Path:
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


def load(name: str, shared: Path):
    from topics.corpus import Corpus
    from topics.sources.pyvideo import load_folder
    from topics.sources.schedule import load_schedule
    from topics.sources.tables import load_table

    if name == "fosdem":
        return load_schedule(str(shared / "data" / "schedules" / "fosdem-2024.xml"))
    if name == "europython":
        return load_folder(str(shared / "data" / "pyvideo" / "europython-2016"))
    corpus = load_table(str(shared / "data" / "pyvideo.jsonl.gz"))
    talks = [t for t in corpus if len(t.abstract.split()) >= MIN_WORDS]
    return Corpus(talks=talks, title="pyvideo", source=corpus.source)


def main_language_matrix(corpus):
    """The smoothed TF-IDF rows of the main language's talks, as ``fit_exact`` makes them,
    and the tracks of those talks."""
    texts = corpus.texts
    languages = detect_languages(texts)
    main = Counter(lang for lang in languages if lang).most_common(1)[0][0]
    rows = [i for i, lang in enumerate(languages) if (lang or main) == main]
    names = sorted({s for talk in corpus for s in talk.speakers})
    _, _, X = vectorize([texts[i] for i in rows], main, True, 2, 0.5, names)
    talks = list(corpus)
    return smooth(X, 10, 1.0), [talks[i].track for i in rows]


def curve(X, tracks, grid, seeds) -> list[dict]:
    X_binary = (X > 0).astype(np.float32).tocsr()
    points = []
    for k in grid:
        if k >= X.shape[0]:
            continue
        stabilities, start = [], time.perf_counter()
        for seed in seeds:
            with selection._one_blas_thread():
                W, H, stability = selection.fit_with_stability(X, k, seed, n_jobs=-1)
            stabilities.append(float(stability.mean()))
        top = np.argsort(H, axis=1)[:, ::-1][:, :10]
        coherence = float(np.nanmean(npmi_coherence(top, X_binary)))
        stability = float(np.mean(stabilities))
        point = {
            "k": k,
            "stability": round(stability, 4),
            "stability_sd": round(float(np.std(stabilities)), 4),
            "npmi": round(coherence, 4),
            "score": round(stability * (1 + coherence) / 2, 4),
            "score_per_seed": [round(s * (1 + coherence) / 2, 4) for s in stabilities],
            "seconds": round(time.perf_counter() - start, 2),
        }
        if any(tracks):
            point["nmi"] = round(float(normalized_mutual_info_score(tracks, W.argmax(1))), 4)
        points.append(point)
        print(json.dumps(point), file=sys.stderr)
    return points


def chosen(X) -> dict:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        W, _, _, candidates = selection.choose_k(X, 0, 100, -1)
    return {
        "k": W.shape[1],
        "seconds": round(time.perf_counter() - start, 2),
        "candidates": [{"k": c.n_components, "score": round(c.score, 4)} for c in candidates],
    }


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results["corpora"])
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 4.2), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        data = results["corpora"][name]
        ks = [p["k"] for p in data["curve"]]
        score = np.array([p["score_per_seed"] for p in data["curve"]])
        ax.plot(ks, score.mean(1), "o-", color="#1e40af", label="score (mean over seeds)")
        ax.fill_between(ks, score.min(1), score.max(1), color="#1e40af", alpha=0.15)
        band = (1 - TOLERANCE) * score.mean(1).max()
        ax.axhline(band, color="#1e40af", lw=0.8, ls=(0, (2, 3)), label="95 % of the best score")
        ax.plot(
            ks, [p["stability"] for p in data["curve"]], "--", color="#0f766e", label="stability"
        )
        ax.plot(
            ks,
            [(1 + p["npmi"]) / 2 for p in data["curve"]],
            ":",
            color="#b45309",
            label="(1 + NPMI) / 2",
        )
        if "nmi" in data["curve"][0]:
            ax.plot(
                ks, [p["nmi"] for p in data["curve"]], "-.", color="#7e22ce", label="NMI vs tracks"
            )
        for label, key, color in (("auto", "chosen", "#dc2626"),):
            if key in data:
                ax.axvline(
                    data[key]["k"], color=color, lw=1, label=f"{label}: k = {data[key]['k']}"
                )
        ax.set_title(f"{name} ({data['talks']:,} talks in the main language)")
        ax.set_xlabel("k (topics)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def markdown(results: dict) -> str:
    lines = [
        "# Score curve over the number of topics",
        "",
        f"Generated by `python benchmarks/k_curve.py{results['arguments']}` on "
        f"{results['date']}; {results['machine']}. Plot: `k_curve.png`.",
        "",
        "Score = stability x (1 + NPMI) / 2 (what `auto` maximises), stability as mean "
        f"over seeds {results['seeds']} (3 subsamples each); sd: across seeds. "
        "NMI: strongest topic vs human track (FOSDEM only).",
        "",
    ]
    if results.get("note"):
        lines += [results["note"], ""]
    for name, data in results["corpora"].items():
        lines += [f"## {name} ({data['talks']:,} talks)", ""]
        if "chosen" in data:
            picked = ", ".join(f"{c['k']}: {c['score']:.3f}" for c in data["chosen"]["candidates"])
            said = data["chosen"].get("note") or (
                f"in {data['chosen']['seconds']} s (its candidates' scores: {picked})"
            )
            lines += [f"`auto` chose k = {data['chosen']['k']} {said}.", ""]
        lines += [
            "| k | score | stability (sd) | NPMI | NMI | s |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for p in data["curve"]:
            nmi = f"{p['nmi']:.3f}" if "nmi" in p else ""
            lines.append(
                f"| {p['k']} | {p['score']:.3f} | {p['stability']:.3f} ({p['stability_sd']:.3f}) "
                f"| {p['npmi']:.3f} | {nmi} | {p['seconds']} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="*", default=list(GRIDS), choices=list(GRIDS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--shared", default=str(shared_path()))
    parser.add_argument("--output", default=str(REPO / "benchmarks" / "results"))
    parser.add_argument("--no-choice", action="store_true", help="skip running choose_k")
    parser.add_argument("--replot", help="write the plot and table of this results JSON only")
    args = parser.parse_args(argv)
    output = Path(args.output)
    if args.replot:
        results = json.loads(Path(args.replot).read_text(encoding="utf-8"))
        (output / "k_curve.md").write_text(markdown(results), encoding="utf-8")
        plot(results, output / "k_curve.png")
        return 0
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start",
        "arguments": "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:])),
        "seeds": args.seeds,
        "corpora": {},
    }
    output.mkdir(parents=True, exist_ok=True)
    for name in args.corpora:
        X, tracks = main_language_matrix(load(name, Path(args.shared)))
        data = {"talks": X.shape[0], "terms": X.shape[1]}
        seeds = args.seeds if name != "pyvideo" else args.seeds[:1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            data["curve"] = curve(X, tracks, GRIDS[name], seeds)
        if not args.no_choice:
            data["chosen"] = chosen(X)
        results["corpora"][name] = data
        (output / "k_curve.json").write_text(json.dumps(results, indent=1) + "\n")
        (output / "k_curve.md").write_text(markdown(results), encoding="utf-8")
        plot(results, output / "k_curve.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
