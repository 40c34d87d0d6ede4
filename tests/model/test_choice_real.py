"""The number of topics ``auto`` chooses on a real programme no other test reads."""

from __future__ import annotations

import pytest

from topics.model import TopicModel
from topics.model.candidates import min_topics, pick
from topics.sources.schedule import load_schedule


@pytest.fixture(scope="module")
def fosdem_2025(shared):
    return load_schedule(str(shared / "data" / "schedules" / "fosdem-2025.xml"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_choice_on_fosdem_2025_does_not_depend_on_the_subsamples(fosdem_2025, seed):
    # With the raw scores the three seeds chose 5, 8 and 100 topics for 1,105 talks.
    model = TopicModel(random_state=seed).fit(fosdem_2025)
    assert model.n_components_ == 100
    assert pick(model.selection_) == 100  # so without the floor of min_topics too
    assert min_topics(len(fosdem_2025)) < 100
