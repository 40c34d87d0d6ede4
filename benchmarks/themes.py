"""Themes over topics: ways of grouping a model's topics, compared on real programmes.

Run from the repository root::

    python benchmarks/themes.py          # FOSDEM 2024, EuroPython 2016, pyvideo (k=30)

Reads ``$TOPICS_SHARED`` (default ``../shared``). Fits :class:`topics.model.TopicModel`
(defaults; ``n_topics="auto"`` on FOSDEM 2024 and EuroPython 2016, ``n_topics=30`` on the
pyvideo talks of ``benchmarks/quality.py``), then groups the main language's topics into
:func:`topics.model.themes.n_themes` themes from the rows of H (unit length) by:

* agglomerative clustering, cosine distance, average or complete linkage;
* agglomerative clustering, Ward linkage (Euclidean on unit rows: cosine);
* spherical k-means (k-means on unit rows, 10 starts);
* NMF of H, each topic in the component it weighs most in (what ``topics`` does:
  :func:`topics.model.themes.topic_themes`).

Other languages' topics are one theme per language for every method. Measures: topics per
theme, the largest theme's share of the talks (talks whose strongest topic is in it), and
on FOSDEM the NMI between each talk's theme and its track (devroom), against the NMI of
themes of the same sizes with topics shuffled among them (mean of 20). Writes
``benchmarks/results/themes.md``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from quality import load_pyvideo, shared_path  # noqa: E402

from topics import load  # noqa: E402
from topics.corpus import Corpus  # noqa: E402
from topics.model import TopicModel  # noqa: E402
from topics.model.themes import n_themes, theme_labels, topic_themes  # noqa: E402

OUT = REPO / "benchmarks" / "results" / "themes.md"


def _agglomerative(linkage: str):
    def group(H: np.ndarray, k: int) -> np.ndarray:
        metric = "euclidean" if linkage == "ward" else "cosine"
        return AgglomerativeClustering(k, metric=metric, linkage=linkage).fit_predict(H)

    return group


def _kmeans(H: np.ndarray, k: int) -> np.ndarray:
    return KMeans(k, n_init=10, random_state=0).fit_predict(H)


METHODS = {
    "agglomerative, cosine, average": _agglomerative("average"),
    "agglomerative, cosine, complete": _agglomerative("complete"),
    "agglomerative, Ward on unit rows": _agglomerative("ward"),
    "spherical k-means": _kmeans,
}


def _themes(model: TopicModel, method) -> np.ndarray:
    """Themes as :func:`topic_themes` makes them, the main language's grouped by ``method``."""
    if method is None:
        return topic_themes(model.components_, model.document_topic_, model.topic_languages_)
    languages = np.array(model.topic_languages_, dtype=object)
    main = languages == languages[0]
    themes = np.zeros(len(languages), dtype=int)
    k = n_themes(int(main.sum()), alone=bool(main.all()))
    themes[main] = method(normalize(model.components_[main]), k)
    for i, language in enumerate(dict.fromkeys(languages[~main].tolist())):
        themes[languages == language] = k + i
    return themes


def _row(name: str, model: TopicModel, themes: np.ndarray, tracks: list[str] | None) -> str:
    W = model.document_topic_
    has = W.sum(axis=1) > 0
    best = W.argmax(axis=1)[has]
    talks = np.bincount(themes[best], minlength=themes.max() + 1)
    sizes = sorted(np.bincount(themes).tolist(), reverse=True)
    cells = [name, " ".join(map(str, sizes)), f"{talks.max() / talks.sum():.2f}"]
    if tracks is not None:
        labels = np.array(tracks, dtype=object)[has]
        nmi = normalized_mutual_info_score(labels, themes[best])
        rng = np.random.default_rng(0)
        shuffled = np.mean(
            [normalized_mutual_info_score(labels, rng.permutation(themes)[best]) for _ in range(20)]
        )
        cells += [f"{nmi:.3f}", f"{shuffled:.3f}"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    shared = shared_path()
    cache = tempfile.mkdtemp(prefix="topics-themes-")
    fosdem = load(str(shared / "data/schedules/fosdem-2024.xml"), cache=cache)
    europython = load(str(shared / "data/pyvideo/europython-2016"), cache=cache)
    pyvideo = load_pyvideo(shared)
    runs = [
        ("FOSDEM 2024", fosdem, "auto", [t.track for t in fosdem]),
        ("EuroPython 2016", europython, "auto", None),
        (f"pyvideo ({len(pyvideo.texts)} talks)", pyvideo.texts, 30, None),
    ]
    lines = [
        "# Themes over topics",
        "",
        "`python benchmarks/themes.py` (see its docstring). Topics per theme (largest first),",
        "the largest theme's share of the talks, and on FOSDEM the NMI of each talk's theme",
        "with its track, against themes of the same sizes with the topics shuffled.",
    ]
    for name, texts, k, tracks in runs:
        model = TopicModel(n_topics=k, random_state=0).fit(
            texts if isinstance(texts, Corpus) else list(texts)
        )
        K = model.n_components_
        head = f"\n## {name}: {K} topics"
        if topic_themes(model.components_, model.document_topic_).max() < 0:
            lines += [head, "", f"{K} topics: no themes (20 or fewer), one flat list."]
            print(name, K, "topics: no themes", file=sys.stderr)
            continue
        lines += [head, ""]
        header = "| method | topics per theme | largest theme's talks |"
        rule = "| --- | --- | --- |"
        if tracks is not None:
            header += " NMI (track) | shuffled |"
            rule += " --- | --- |"
        lines += [header, rule]
        for method_name, method in {**METHODS, "NMF of H (chosen)": None}.items():
            lines.append(_row(method_name, model, _themes(model, method), tracks))
            print(lines[-1], file=sys.stderr)
        themes = _themes(model, None)
        labels = theme_labels(model.components_, themes, model.terms_, model.topic_languages_)
        best = model.document_topic_.argmax(axis=1)[model.document_topic_.sum(axis=1) > 0]
        talks = np.bincount(themes[best], minlength=len(labels))
        lines += ["", "Themes of the chosen method:", ""]
        lines += [
            f"{t + 1}. {label} ({int((themes == t).sum())} topics, {talks[t]} talks)"
            for t, label in enumerate(labels)
        ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
