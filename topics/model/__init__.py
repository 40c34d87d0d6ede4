"""The topic model: :class:`TopicModel` and what it is made of.

The names below are imported on first use, so that a module of this package that needs no
estimator (the word clouds a page worker draws, the selection of k) does not import
scikit-learn's estimator machinery and pandas with it (docs/decisions.md, "One
conference in seconds").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .estimator import ModelError, Topic, TopicModel

__all__ = ["ModelError", "Topic", "TopicModel"]


def __getattr__(name: str):
    """A public name, imported from :mod:`topics.model.estimator` on first use (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".estimator", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
