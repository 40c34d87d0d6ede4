"""The number of topics ``auto`` chooses on a real programme no other test reads."""

from __future__ import annotations

import pytest

from topics.model import TopicModel
from topics.model.candidates import min_topics
from topics.sources.schedule import load_schedule


@pytest.fixture(scope="module")
def fosdem_2025(shared):
    return load_schedule(str(shared / "data" / "schedules" / "fosdem-2025.xml"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fosdem_2025_gets_at_least_one_topic_per_40_talks_whatever_the_subsamples(
    fosdem_2025, seed
):
    # Without the floor the three seeds (they draw the subsamples) chose 5, 8 and 100
    # topics for 1,105 talks, each time the largest k within 5 % of the best score.
    model = TopicModel(random_state=seed).fit(fosdem_2025)
    assert model.n_components_ >= min_topics(len(fosdem_2025)) == 28
    eligible = [c for c in model.selection_ if c.n_components >= 28]
    best = max(c.score for c in eligible)
    assert next(c for c in eligible if c.n_components == model.n_components_).score >= 0.95 * best
