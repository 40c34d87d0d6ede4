"""The topic model: :class:`TopicModel` and what it is made of."""

from .estimator import ModelError, Topic, TopicModel

__all__ = ["ModelError", "Topic", "TopicModel"]
