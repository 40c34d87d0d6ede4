"""Topic-quality benchmark: ``topics``' TopicModel against a plain scikit-learn reference.

Run from the repository root::

    python benchmarks/quality.py           # FOSDEM 2024 and pyvideo, a few minutes
    python benchmarks/quality.py --quick   # FOSDEM 2024 only

Reads the real data in ``$TOPICS_SHARED`` (default ``../shared`` beside the repository)
and compares, in one process, two configurations:

* ``topics``: :class:`topics.model.TopicModel` with its defaults, ``n_topics=k``,
  ``random_state=seed``;
* ``reference``: ``TfidfVectorizer(max_df=0.95, min_df=2, max_features=1000,
  stop_words="english")`` then ``NMF(n_components=k, random_state=seed)``, otherwise
  scikit-learn's defaults: the configuration of the issue that asked for better topics.

Measures:

1. FOSDEM 2024 (talks with 20+ words of abstract): NMI and ARI between each talk's
   strongest topic (argmax of W) and its human track, for k = number of tracks, k = 10
   and ``n_topics="auto"``; NMI over seeds 0, 1, 2 at k = number of tracks.
2. pyvideo (talks with 20+ words of description), k = 30: junk topics
   (:func:`topics.model.evaluation.is_junk_topic` on the top 10 words).
   EuroPython 2016 (pyvideo's event folder, every talk), ``n_topics="auto"``.
3. For every run: NPMI coherence of the top 10 words on one common reference
   (:class:`topics.model.evaluation.CoherenceReference`), topic diversity, junk topics, fit
   time (vectorizing + factorizing, wall clock); for ``topics``' runs, label quality:
   the share of topics whose label holds a junk word or a term that is no noun or noun
   phrase where the corpus uses it (``benchmarks/label_check.py``, target 0).

Writes ``benchmarks/results/quality.json`` and ``quality.md`` (``quality-quick.*`` with
``--quick``, so that quick iterations never overwrite a full run), and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from benchmarks.label_check import LabelChecker, label_quality  # noqa: E402
from topics.corpus import Corpus  # noqa: E402
from topics.model import TopicModel  # noqa: E402
from topics.model.evaluation import (  # noqa: E402
    CoherenceReference,
    is_junk_topic,
    junk_reasons,
    topic_diversity,
)
from topics.model.languages import function_words as non_english_function_words  # noqa: E402
from topics.sources.schedule import load_schedule  # noqa: E402

FOSDEM = "data/schedules/fosdem-2024.xml"
PYVIDEO = "data/pyvideo.jsonl.gz"
EUROPYTHON = "data/pyvideo/europython-2016"
#: Talks with fewer words of abstract/description than this are left out.
MIN_WORDS = 20
#: Top words per topic for coherence, diversity and junk.
TOP_N = 10
K_SMALL = 10
K_PYVIDEO = 30
SEEDS = (0, 1, 2)
#: Targets of the issue, and what its author measured for the reference.
TARGET_NMI = 0.63
TARGET_FIT_SECONDS = 5.0
TARGET_JUNK = 0
TARGET_LABEL_QUALITY = 0.0
ISSUE_REFERENCE_NMI = {"k=n_tracks": 0.51, "k=10": 0.31}
ISSUE_REFERENCE_JUNK = "about 10 of 30"


@dataclass
class Dataset:
    """Texts to model, with optional human labels (FOSDEM tracks).

    Parameters
    ----------
    name : str
    texts : list of str
    labels : list of str, optional
        One per text; NMI and ARI are computed when given.
    source : str
        Where the texts came from, for the record.
    """

    name: str
    texts: list[str]
    labels: list[str] | None = None
    source: str = ""
    checker: LabelChecker | None = field(default=None, repr=False)
    #: the talks, when known: ``topics`` fits them (their speakers' names are no terms)
    corpus: Corpus | None = field(default=None, repr=False)


@dataclass
class Fit:
    """One fitted configuration: its document-topic weights and top words."""

    config: str
    k_requested: int | str
    seed: int
    W: np.ndarray
    topics: list[list[str]]
    seconds: float
    cpu_seconds: float
    params: dict
    warnings: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    #: topics' labels, each topic's language and its talks (argmax of W), for label quality
    labels: list[str] = field(default_factory=list)
    label_languages: list[str] = field(default_factory=list)
    label_talks: list[list[int]] = field(default_factory=list)


class Unsupported(Exception):
    """The configuration cannot run this setting (``n_topics="auto"`` before it exists)."""


# --- data ------------------------------------------------------------------------------


def shared_path() -> Path:
    """The shared data folder: ``$TOPICS_SHARED`` or ``../shared`` beside the repository."""
    return Path(os.environ.get("TOPICS_SHARED", REPO.parent / "shared"))


def load_fosdem(shared: Path) -> Dataset:
    """FOSDEM 2024 talks with ``MIN_WORDS``+ words of abstract; text = title + abstract."""
    path = shared / FOSDEM
    corpus = load_schedule(str(path))
    talks = [t for t in corpus if len(t.abstract.split()) >= MIN_WORDS]
    return Dataset(
        name="fosdem-2024",
        texts=[f"{t.title}\n\n{t.abstract}" for t in talks],
        labels=[t.track for t in talks],
        source=str(path),
    )


def load_pyvideo(shared: Path) -> Dataset:
    """pyvideo talks with ``MIN_WORDS``+ words of description; text = title + description."""
    path = shared / PYVIDEO
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            video = json.loads(line)
            description = video.get("description") or ""
            if len(description.split()) >= MIN_WORDS:
                texts.append(f"{video.get('title') or ''}\n\n{description}")
    return Dataset(name="pyvideo", texts=texts, source=str(path))


def load_europython(shared: Path) -> Dataset:
    """EuroPython 2016's talks from pyvideo's event folder, fitted as the site fits them."""
    from topics.sources.pyvideo import load_folder

    path = shared / EUROPYTHON
    corpus = load_folder(path)
    return Dataset(name="europython-2016", texts=corpus.texts, source=str(path), corpus=corpus)


def load_function_words() -> tuple[frozenset[str], str]:
    """Non-English function words for junk detection, and where they came from."""
    return frozenset(
        non_english_function_words("en")
    ), 'topics.model.languages.function_words("en")'


# --- fitting ---------------------------------------------------------------------------


def _top_words(H: np.ndarray, names: np.ndarray, n: int) -> list[list[str]]:
    orders = np.argsort(H, axis=1)[:, ::-1][:, :n]
    return [
        [str(names[i]) for i in order if row[i] > 0] for row, order in zip(H, orders, strict=True)
    ]


def _jsonable(params: dict) -> dict:
    return {
        k: v if isinstance(v, str | int | float | bool | type(None)) else repr(v)
        for k, v in params.items()
    }


def fit_topics(texts: Sequence[str], k: int | str, seed: int) -> Fit:
    """Fit ``topics``' TopicModel; ``k`` may be ``"auto"``.

    Raises
    ------
    Unsupported
        If the model rejects ``k`` (a string before ``"auto"`` is implemented).
    """
    model = TopicModel(n_topics=k, random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start, cpu = time.perf_counter(), time.process_time()
        try:
            W = model.fit_transform(texts if isinstance(texts, Corpus) else list(texts))
        except (TypeError, ValueError) as exc:
            if isinstance(k, str):
                raise Unsupported(f"{type(exc).__name__}: {exc}") from exc
            raise
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    words = [[w for w, _ in model.top_words(t, TOP_N)] for t in range(W.shape[1])]
    main = [t for t, lang in enumerate(model.topic_languages_) if lang == model.main_language_]
    # Coherence and diversity compare the main language's topics with the reference's;
    # junk is counted over every language's topics.
    topics = [words[t] for t in main]
    extra = {
        "n_components_": int(model.n_components_),
        "main_language": model.main_language_,
        "excluded_languages": dict(model.excluded_languages_),
        "mean_topic_stability": round(float(np.mean(model.topic_stability_)), 3),
        "other_language_topics": [
            {"language": lang, "words": words[t]}
            for t, lang in enumerate(model.topic_languages_)
            if lang != model.main_language_
        ],
    }
    strongest = np.where(W.sum(axis=1) > 0, W.argmax(axis=1), -1)
    talks = [np.flatnonzero(strongest == t).tolist() for t in range(W.shape[1])]
    W = W[:, main]
    return Fit(
        config="topics",
        k_requested=k,
        seed=seed,
        W=np.asarray(W),
        topics=topics,
        seconds=seconds,
        cpu_seconds=cpu,
        params=_jsonable(model.get_params()),
        warnings=sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
        extra=extra,
        labels=list(model.topic_labels_),
        label_languages=list(model.topic_languages_),
        label_talks=talks,
    )


def fit_reference(texts: Sequence[str], k: int | str, seed: int) -> Fit:
    """Fit the issue's reference: TF-IDF (1000 words, English stop words) + NMF(k).

    Raises
    ------
    Unsupported
        For ``k="auto"``: the reference needs a number of topics.
    """
    if isinstance(k, str):
        raise Unsupported("the reference configuration needs an integer number of topics")
    vectorizer = TfidfVectorizer(max_df=0.95, min_df=2, max_features=1000, stop_words="english")
    nmf = NMF(n_components=k, random_state=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start, cpu = time.perf_counter(), time.process_time()
        X = vectorizer.fit_transform(texts)
        W = nmf.fit_transform(X)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    params = {
        **{f"tfidf__{k}": v for k, v in vectorizer.get_params().items()},
        **{f"nmf__{k}": v for k, v in nmf.get_params().items()},
    }
    return Fit(
        config="reference",
        k_requested=k,
        seed=seed,
        W=W,
        topics=_top_words(nmf.components_, vectorizer.get_feature_names_out(), TOP_N),
        seconds=seconds,
        cpu_seconds=cpu,
        params=_jsonable(params),
        warnings=sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
        extra={"n_iter_": int(nmf.n_iter_)},
    )


CONFIGS: dict[str, Callable[[Sequence[str], int | str, int], Fit]] = {
    "topics": fit_topics,
    "reference": fit_reference,
}


# --- scoring ---------------------------------------------------------------------------


def _number(x) -> float | None:
    """A JSON-safe float: NaN becomes None."""
    x = float(x)
    return None if math.isnan(x) else x


def score(
    fit: Fit,
    dataset: Dataset,
    reference: CoherenceReference,
    function_words: frozenset[str],
    setting: str,
) -> dict:
    """Every measure of one fit, as a JSON-ready dict."""
    k = fit.W.shape[1]
    assigned = fit.W.argmax(axis=1)
    unassigned = int((fit.W.max(axis=1) <= 0).sum())
    npmi = reference.npmi(fit.topics)
    every_topic = fit.topics + [t["words"] for t in fit.extra.get("other_language_topics", [])]
    junk = [
        {"topic": t, "words": words, "reasons": junk_reasons(words[:TOP_N], function_words)}
        for t, words in enumerate(every_topic)
        if is_junk_topic(words, function_words, top_n=TOP_N)
    ]
    result = {
        "corpus": dataset.name,
        "config": fit.config,
        "setting": setting,
        "k_requested": fit.k_requested,
        "k": int(k),
        "seed": fit.seed,
        "fit_seconds": round(fit.seconds, 3),
        "fit_cpu_seconds": round(fit.cpu_seconds, 3),
        "nmi": None,
        "ari": None,
        "unassigned_talks": unassigned,
        "npmi_mean": _number(np.nanmean(npmi)) if np.isfinite(npmi).any() else None,
        "npmi_topics_undefined": int(np.isnan(npmi).sum()),
        "npmi": [_number(x) for x in npmi],
        "diversity": _number(topic_diversity([w[:TOP_N] for w in fit.topics])),
        "junk_count": len(junk),
        "label_quality": None,
        "junk_topics": junk,
        "words_missing_from_reference": reference.missing(fit.topics),
        "topics": fit.topics,
        "warnings": fit.warnings,
        "params": fit.params,
        **fit.extra,
    }
    if fit.labels:
        if dataset.checker is None:
            dataset.checker = LabelChecker(dataset.texts, function_words)
        quality = label_quality(dataset.checker, fit.labels, fit.label_languages, fit.label_talks)
        result |= quality
    if dataset.labels is not None:
        result["nmi"] = float(normalized_mutual_info_score(dataset.labels, assigned))
        result["ari"] = float(adjusted_rand_score(dataset.labels, assigned))
    return result


def _run(
    config: str,
    dataset: Dataset,
    k: int | str,
    seed: int,
    setting: str,
    reference: CoherenceReference,
    function_words: frozenset[str],
    log: Callable[[str], None],
) -> dict:
    try:
        given = dataset.corpus if config == "topics" and dataset.corpus is not None else None
        fit = CONFIGS[config](given or dataset.texts, k, seed)
    except Unsupported as exc:
        log(f"  {dataset.name:12} {config:9} {setting:12} not supported ({exc})")
        return {
            "corpus": dataset.name,
            "config": config,
            "setting": setting,
            "k_requested": k,
            "seed": seed,
            "supported": False,
            "status": f"not supported: {exc}",
        }
    result = {**score(fit, dataset, reference, function_words, setting), "supported": True}
    nmi = f"NMI {result['nmi']:.3f}" if result["nmi"] is not None else ""
    log(
        f"  {dataset.name:12} {config:9} {setting:12} k={result['k']:<3} seed={seed} "
        f"{result['fit_seconds']:7.2f} s  {nmi}  NPMI {result['npmi_mean'] or float('nan'):.3f}"
        f"  junk {result['junk_count']}"
        + (
            f"  bad labels {result['label_quality']:.3f}"
            if result["label_quality"] is not None
            else ""
        )
    )
    return result


def _warm_up(texts: Sequence[str]) -> None:
    """One tiny fit of each configuration, so no timed fit pays for first-call costs."""
    sample = list(texts[:60])
    for fit in CONFIGS.values():
        fit(sample, 2, 0)


def run_benchmark(
    fosdem: Dataset,
    pyvideo: Dataset | None,
    function_words: frozenset[str],
    *,
    k_small: int = K_SMALL,
    k_pyvideo: int = K_PYVIDEO,
    seeds: Sequence[int] = SEEDS,
    log: Callable[[str], None] = lambda line: None,
    europython: Dataset | None = None,
) -> dict:
    """Run every configuration on the corpora and score them.

    Parameters
    ----------
    fosdem : Dataset
        Texts with human labels (tracks); k = number of distinct labels, ``k_small`` and
        ``"auto"``, and the seeds at k = number of labels.
    pyvideo : Dataset or None
        Texts without labels, modelled with ``k_pyvideo`` topics; None skips it.
    function_words : frozenset of str
        Non-English function words for junk detection.
    k_small, k_pyvideo : int
    seeds : sequence of int
        Seeds of the stability runs; the first is the seed of every other run.
    log : callable
        Called with one line per finished run.
    europython : Dataset or None
        Texts without labels, modelled by ``topics`` with ``n_topics="auto"`` (for label
        quality); None skips it.

    Returns
    -------
    dict
        ``runs`` (one dict per fit, see :func:`score`), ``stability``, ``corpora``,
        ``targets``.
    """
    if fosdem.labels is None:
        raise ValueError("the labelled corpus needs labels")
    n_tracks = len(set(fosdem.labels))
    seed0 = seeds[0]
    corpora = {}
    runs: list[dict] = []
    _warm_up(fosdem.texts)

    start = time.perf_counter()
    reference = CoherenceReference(fosdem.texts)
    corpora[fosdem.name] = {
        "source": fosdem.source,
        "n_docs": len(fosdem.texts),
        "n_labels": n_tracks,
        "reference_tokens": reference.X_.shape[1],
        "reference_seconds": round(time.perf_counter() - start, 3),
    }
    settings: list[tuple[str, int | str, int]] = [
        ("k=n_tracks", n_tracks, seed0),
        (f"k={k_small}", k_small, seed0),
        ("auto", "auto", seed0),
        *(("k=n_tracks", n_tracks, seed) for seed in seeds[1:]),
    ]
    for config in CONFIGS:
        for setting, k, seed in settings:
            if config == "reference" and k == "auto":
                continue
            runs.append(_run(config, fosdem, k, seed, setting, reference, function_words, log))

    if pyvideo is not None:
        start = time.perf_counter()
        reference = CoherenceReference(pyvideo.texts)
        corpora[pyvideo.name] = {
            "source": pyvideo.source,
            "n_docs": len(pyvideo.texts),
            "reference_tokens": reference.X_.shape[1],
            "reference_seconds": round(time.perf_counter() - start, 3),
        }
        for config in CONFIGS:
            setting = f"k={k_pyvideo}"
            runs.append(
                _run(config, pyvideo, k_pyvideo, seed0, setting, reference, function_words, log)
            )
    if europython is not None:
        reference = CoherenceReference(europython.texts)
        corpora[europython.name] = {
            "source": europython.source,
            "n_docs": len(europython.texts),
            "reference_tokens": reference.X_.shape[1],
            "reference_seconds": None,
        }
        runs.append(
            _run("topics", europython, "auto", seed0, "auto", reference, function_words, log)
        )

    stability = {}
    for config in CONFIGS:
        nmis = [
            r["nmi"]
            for r in runs
            if r["corpus"] == fosdem.name
            and r["config"] == config
            and r["setting"] == "k=n_tracks"
            and r.get("supported")
        ]
        stability[config] = {
            "k": n_tracks,
            "seeds": list(seeds),
            "nmi": nmis,
            "nmi_mean": float(np.mean(nmis)),
            "nmi_sd": float(np.std(nmis, ddof=1)) if len(nmis) > 1 else None,
        }
    results = {
        "corpora": corpora,
        "top_n": TOP_N,
        "runs": runs,
        "stability": stability,
    }
    results["targets"] = targets(results, fosdem.name, None if pyvideo is None else pyvideo.name)
    for corpus in (fosdem, pyvideo, europython):
        if corpus is None:
            continue
        measured = [
            r["label_quality"]
            for r in runs
            if r["corpus"] == corpus.name and r.get("label_quality") is not None
        ]
        worst = max(measured, default=None)
        results["targets"].append(
            {
                "target": f"label quality = {TARGET_LABEL_QUALITY:g} ({corpus.name}, every run)",
                "value": worst,
                "passed": worst is not None and worst <= TARGET_LABEL_QUALITY,
            }
        )
    return results


def find_run(results: dict, corpus: str, config: str, setting: str, seed: int = 0) -> dict | None:
    """The run of ``config`` on ``corpus`` with ``setting`` and ``seed``, if any."""
    for run in results["runs"]:
        if (run["corpus"], run["config"], run["setting"], run["seed"]) == (
            corpus,
            config,
            setting,
            seed,
        ):
            return run
    return None


def targets(results: dict, labelled: str, unlabelled: str | None) -> list[dict]:
    """The issue's targets for ``topics``, each with the measured value and pass/fail."""
    main = find_run(results, labelled, "topics", "k=n_tracks")
    rows = [
        {
            "target": f"NMI at k = number of tracks ≥ {TARGET_NMI} ({labelled})",
            "value": main and main["nmi"],
            "passed": bool(main and main["nmi"] >= TARGET_NMI),
        },
        {
            "target": f"whole fit at k = number of tracks < {TARGET_FIT_SECONDS:g} s ({labelled})",
            "value": main and main["fit_seconds"],
            "passed": bool(main and main["fit_seconds"] < TARGET_FIT_SECONDS),
        },
    ]
    if unlabelled is not None:
        junk = find_run(results, unlabelled, "topics", f"k={K_PYVIDEO}")
        if junk is None:  # a smaller k in a test run
            junk = next(
                (
                    r
                    for r in results["runs"]
                    if r["corpus"] == unlabelled and r["config"] == "topics"
                ),
                None,
            )
        rows.append(
            {
                "target": f"junk topics = {TARGET_JUNK} ({unlabelled}, k = {junk and junk['k']})",
                "value": junk and junk["junk_count"],
                "passed": bool(junk and junk["junk_count"] <= TARGET_JUNK),
            }
        )
    else:
        rows.append({"target": "junk topics = 0 (pyvideo)", "value": None, "passed": None})
    return rows


# --- environment and output ----------------------------------------------------------


def environment() -> dict:
    """Date, machine, library versions and the model's code version."""
    versions = {}
    for name in ("topics", "scikit-learn", "numpy", "scipy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    model_sha = hashlib.sha256()
    for path in sorted((REPO / "topics" / "model").glob("*.py")):
        model_sha.update(path.name.encode() + b"\0" + path.read_bytes())
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": affinity or os.cpu_count(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "versions": versions,
        "git_head": commit,
        "model_sha256": model_sha.hexdigest(),
    }


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "not run"}[passed]


def to_markdown(results: dict) -> str:
    """The results as a readable Markdown report."""
    env = results.get("environment", {})
    machine = env.get("machine", {})
    versions = env.get("versions", {})
    lines = [
        "# Topic quality benchmark",
        "",
        f"Generated by `python benchmarks/quality.py{' --quick' if results.get('quick') else ''}`"
        f" on {env.get('date', '?')}; total {_fmt(results.get('benchmark_seconds'), 1)} s.",
        f"Machine: {machine.get('nproc', '?')} CPUs ({machine.get('platform', '?')}), "
        f"Python {machine.get('python', '?')}, load average "
        f"{_fmt((machine.get('load_average_at_start') or [None])[0], 2)} at start, "
        f"{_fmt((machine.get('load_average_at_end') or [None])[0], 2)} at end; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f"; git HEAD `{(env.get('git_head') or '?')[:12]}`, "
        f"`topics/model/*.py` sha256 `{(env.get('model_sha256') or '?')[:12]}`.",
        f"Function words for junk detection: {results.get('function_words_source', '?')}.",
        "",
        "Configurations: **topics** = `TopicModel(n_topics=k, random_state=seed)` with its "
        "defaults; **reference** = `TfidfVectorizer(max_df=0.95, min_df=2, max_features=1000, "
        'stop_words="english")` + `NMF(n_components=k, random_state=seed)`.',
        "",
        "## Targets (topics)",
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
    ]
    for row in results["targets"]:
        lines.append(f"| {row['target']} | {_fmt(row['value'])} | {_verdict(row['passed'])} |")
    lines += ["", "## Corpora", "", "| corpus | talks | labels | reference tokens |"]
    lines.append("| --- | --- | --- | --- |")
    for name, info in results["corpora"].items():
        lines.append(
            f"| {name} | {info['n_docs']} | {_fmt(info.get('n_labels'))} | "
            f"{info['reference_tokens']} |"
        )
    lines += [
        "",
        "## Runs",
        "",
        f"NMI/ARI: strongest topic (argmax W) vs. human track. NPMI: mean coherence of the top "
        f"{results['top_n']} words on the common binary reference (-1 for pairs that never "
        "co-occur). Diversity: unique share of all top words. Junk: topics with 3+ junk words "
        "in their top 10. Fit: vectorizing + factorizing, wall clock (CPU s: process CPU time "
        "over the same span, all threads; less sensitive to other load on the machine).",
        "",
        "| corpus | config | setting | k | seed | fit s | CPU s | NMI | ARI | NPMI | diversity "
        "| junk | bad labels |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results["runs"]:
        if not r.get("supported"):
            lines.append(
                f"| {r['corpus']} | {r['config']} | {r['setting']} | {r['status']} "
                "| | | | | | | | |"
            )
            continue
        k = f"{r['k']}" + (" (chosen)" if r["k_requested"] == "auto" else "")
        lines.append(
            f"| {r['corpus']} | {r['config']} | {r['setting']} | {k} | {r['seed']} | "
            f"{_fmt(r['fit_seconds'], 2)} | {_fmt(r['fit_cpu_seconds'], 2)} | "
            f"{_fmt(r['nmi'])} | {_fmt(r['ari'])} | "
            f"{_fmt(r['npmi_mean'])} | {_fmt(r['diversity'])} | {r['junk_count']} | "
            f"{_fmt(r.get('label_quality'))} |"
        )
    lines += [
        "",
        "## Labels",
        "",
        "Bad labels: share of topics whose label holds a junk word "
        "or a term that is no noun or noun phrase where the corpus uses it "
        "(`benchmarks/label_check.py`).",
        "",
    ]
    for r in results["runs"]:
        if r.get("supported") and r.get("labels") and r["seed"] == 0:
            shown = ", ".join(f"“{label}”" for label in r["labels"][:12])
            lines.append(f"- **{r['corpus']} · {r['setting']}**: {shown}")
            for b in r["bad_labels"]:
                lines.append(
                    f"  - bad: topic {b['topic']} “{b['label']}”: {'; '.join(b['problems'])}"
                )
    lines += ["", "## Seed stability (NMI at k = number of tracks)", ""]
    lines += ["| config | seeds | NMI per seed | mean ± sd |", "| --- | --- | --- | --- |"]
    for config, s in results["stability"].items():
        per_seed = ", ".join(_fmt(x) for x in s["nmi"])
        spread = f"{_fmt(s['nmi_mean'])} ± {_fmt(s['nmi_sd'])}"
        lines.append(f"| {config} | {s['seeds']} | {per_seed} | {spread} |")
    lines += [
        "",
        f"The issue's author measured the reference at NMI {ISSUE_REFERENCE_NMI['k=n_tracks']} "
        f"(k = 65) and {ISSUE_REFERENCE_NMI['k=10']} (k = 10) on FOSDEM 2024, and "
        f"{ISSUE_REFERENCE_JUNK} junk topics on pyvideo.",
        "",
        "## Junk topics",
        "",
    ]
    any_junk = False
    for r in results["runs"]:
        if r.get("supported") and r["junk_topics"] and r["seed"] == 0:
            any_junk = True
            lines.append(f"**{r['corpus']} · {r['config']} · {r['setting']}**")
            lines.append("")
            for j in r["junk_topics"]:
                lines.append(
                    f"- topic {j['topic']}: {' '.join(j['words'])} — {'; '.join(j['reasons'])}"
                )
            lines.append("")
    if not any_junk:
        lines.append("None.")
    return "\n".join(lines).rstrip() + "\n"


def summary(results: dict) -> str:
    """A short plain-text summary for the terminal."""
    lines = []
    for r in results["runs"]:
        if not r.get("supported"):
            lines.append(f"{r['corpus']:12} {r['config']:9} {r['setting']:11} {r['status']}")
            continue
        nmi = f"NMI {r['nmi']:.3f} ARI {r['ari']:.3f}" if r["nmi"] is not None else " " * 19
        lines.append(
            f"{r['corpus']:12} {r['config']:9} {r['setting']:11} k={r['k']:<3} seed={r['seed']} "
            f"fit {r['fit_seconds']:6.2f} s (CPU {r['fit_cpu_seconds']:6.2f} s)  {nmi}  "
            f"NPMI {_fmt(r['npmi_mean'])}  "
            f"div {_fmt(r['diversity'])}  junk {r['junk_count']}"
        )
    for config, s in results["stability"].items():
        lines.append(
            f"stability {config}: NMI {_fmt(s['nmi_mean'])} ± {_fmt(s['nmi_sd'])} "
            f"over seeds {s['seeds']}"
        )
    for row in results["targets"]:
        lines.append(f"{_verdict(row['passed']):7} {row['target']}: {_fmt(row['value'])}")
    return "\n".join(lines)


def write_results(results: dict, folder: Path, stem: str = "quality") -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>.md`` in ``folder``, replacing earlier ones."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(
        json.dumps(results, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
    md_path.write_text(to_markdown(results), encoding="utf-8")
    return json_path, md_path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the benchmark, write the results, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="FOSDEM 2024 only")
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO / "benchmarks" / "results",
        help="folder of quality.json and quality.md (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)

    shared = shared_path()
    needed = [shared / FOSDEM] + ([] if args.quick else [shared / PYVIDEO, shared / EUROPYTHON])
    absent = [str(p) for p in needed if not p.exists()]
    if absent:
        print(
            f"benchmarks/quality.py: shared data not found: {', '.join(absent)}\n"
            "Set TOPICS_SHARED to the shared data folder (default: ../shared beside the "
            "repository).",
            file=sys.stderr,
        )
        return 2

    start = time.perf_counter()
    function_words, source = load_function_words()
    fosdem = load_fosdem(shared)
    pyvideo = None if args.quick else load_pyvideo(shared)
    europython = None if args.quick else load_europython(shared)
    print(
        f"FOSDEM 2024: {len(fosdem.texts)} talks, {len(set(fosdem.labels or []))} tracks"
        + ("" if pyvideo is None else f"; pyvideo: {len(pyvideo.texts)} talks"),
        file=sys.stderr,
    )
    results = {"environment": environment(), "quick": args.quick, "function_words_source": source}
    results |= run_benchmark(
        fosdem,
        pyvideo,
        function_words,
        log=lambda line: print(line, file=sys.stderr),
        europython=europython,
    )
    results["benchmark_seconds"] = round(time.perf_counter() - start, 1)
    if hasattr(os, "getloadavg"):
        results["environment"]["machine"]["load_average_at_end"] = list(os.getloadavg())
    json_path, md_path = write_results(
        results, args.output, "quality-quick" if args.quick else "quality"
    )
    print(summary(results))
    print(f"benchmark: {results['benchmark_seconds']} s; wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
