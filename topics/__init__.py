"""topics: crawl a conference programme, find its topics with TF-IDF + NMF, publish a site.

The package follows the pipeline: :mod:`topics.sources` (talks from sites, schedules,
pyvideo, files) make a :class:`~topics.corpus.Corpus`, :mod:`topics.model` finds its
topics, :mod:`topics.site` publishes them; :mod:`topics.cli`, :mod:`topics.workspace` and
:mod:`topics.api` sit on top (docs/architecture.md).

The names below are imported on first use: ``import topics`` (and so ``python -m topics``)
imports no library, so the command answers Ctrl-C from its first moment (see
:mod:`topics.__main__`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import build_site, crawl, load
    from .corpus import Corpus, Talk
    from .model import Topic, TopicModel

#: The public names, and the module of each.
_MODULES = {
    "Corpus": "corpus",
    "Talk": "corpus",
    "build_site": "api",
    "crawl": "api",
    "load": "api",
    "Topic": "model",
    "TopicModel": "model",
}

__all__ = ["Corpus", "Talk", "Topic", "TopicModel", "build_site", "crawl", "load"]


def __getattr__(name: str):
    """A public name, imported from its module on first use (PEP 562)."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
