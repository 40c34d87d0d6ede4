"""topics: crawl a conference programme, find its topics with TF-IDF + NMF, publish a site.

The pipeline flows one way: :mod:`topics.sources` (talks from sites, schedules, pyvideo,
files) -> :mod:`topics.corpus` -> :mod:`topics.model` -> :mod:`topics.render`.
"""

from .corpus import Corpus, Talk
from .loading import crawl, load
from .model import Topic, TopicModel

__all__ = ["Corpus", "Talk", "Topic", "TopicModel", "crawl", "load"]
