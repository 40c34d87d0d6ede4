"""topics.progress: stages, counts and decisions told through logging, drawn by Console;
topics.report: the stage times of run.json."""

from __future__ import annotations

import io
import threading

import pytest
from joblib import Parallel, delayed

from topics.progress import Console, StageTime, decided, say, showing, stage, track
from topics.report import stage_times


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _work(console: Console) -> None:
    with showing(console):
        with stage("read sources", unit="talk") as reading:
            for _ in track(range(3), 3, "page"):
                pass
            reading.count = 2
        say("crawled 2 talks")
        with stage("choose k"):
            list(track(iter([1, 2]), 2, "candidate"))
            decided("k=%d: score %.3f", 5, 0.5)
        with stage("publish"):
            pass


def test_stage_lines_without_bars_off_a_terminal():
    stream = io.StringIO()
    console = Console(stream)
    _work(console)
    assert not console.bars
    assert stream.getvalue().splitlines() == [
        "read sources ...",
        "read sources: 0.0 s, 2 talks",
        "crawled 2 talks",
        "choose k ...",
        "choose k: 0.0 s, 2 candidates",
        "publish ...",
        "publish: 0.0 s",
    ]
    assert [(s.name, s.count) for s in console.stages] == [
        ("read sources", 2),
        ("choose k", 2),
        ("publish", None),
    ]


def test_bars_on_a_terminal_are_drawn_and_taken_off():
    stream = Terminal()
    _work(Console(stream))
    text = stream.getvalue()
    # Drawn when the count is known (redrawn at most every 0.1 s), cleared at the end.
    assert "read sources:   0%" in text and "0/3" in text
    assert "choose k:   0%" in text and "0/2" in text
    assert "\r" + " " * 20 in text
    assert "choose k: 0.0 s, 2 candidates\n" in text


def test_quiet_shows_nothing_but_errors_and_verbose_the_decisions():
    quiet, verbose = Terminal(), io.StringIO()
    quiet_console = Console(quiet, verbosity=-1)
    _work(quiet_console)
    assert quiet.getvalue() == ""
    assert len(quiet_console.stages) == 3  # kept for run.json all the same
    _work(Console(verbose, verbosity=1))
    assert "  k=5: score 0.500\n" in verbose.getvalue()
    assert "k=5" not in _run_plain()


def _run_plain() -> str:
    stream = io.StringIO()
    _work(Console(stream))
    return stream.getvalue()


def test_an_interrupted_stage_leaves_no_bar_and_no_line():
    stream = Terminal()
    console = Console(stream)
    with showing(console), pytest.raises(KeyboardInterrupt), stage("word clouds"):
        for i in track(range(10), 10, "cloud"):
            if i == 4:
                raise KeyboardInterrupt
    text = stream.getvalue()
    assert "0/10" in text
    assert text.endswith("\r") or text.rstrip(" ").endswith("\r")  # the bar cleared
    assert "word clouds:" not in text.replace("word clouds:  ", "")  # no end line
    assert console.stages == []


def test_workers_results_counted_in_this_process_as_they_come():
    """Jobs of worker processes are counted here, as joblib hands back each result."""
    stream = io.StringIO()
    console = Console(stream)
    with showing(console), stage("pages"):
        done = Parallel(n_jobs=2, return_as="generator")(delayed(abs)(-i) for i in range(6))
        assert list(track(done, 12, "page", sizes=[2] * 6)) == list(range(6))
    assert console.stages[0].count == 12


def test_stages_of_threads_are_kept_apart():
    stream = io.StringIO()
    console = Console(stream)

    def clouds():
        with stage("word clouds"):
            list(track(range(5), 5, "cloud"))

    with showing(console):
        thread = threading.Thread(target=clouds)
        with stage("site view"):
            thread.start()
            list(track(range(2), 2, "view"))
            thread.join()
    counts = {s.name: s.count for s in console.stages}
    assert counts == {"word clouds": 5, "site view": 2}


def test_one_bar_at_a_time_when_two_stages_count_at_once():
    # Two bars at once (the word clouds drawn while the pages are rendered) left pieces of
    # both on a terminal's screen: the second stage is drawn once the first bar is closed.
    console = Console(Terminal())
    with showing(console):
        with stage("word clouds"):
            clouds = track(range(2), 2, "cloud")
            next(clouds)
            with stage("pages"):
                pages = track(range(3), 3, "page")
                next(pages)
                bars = [name for name, state in console._open.items() if state.bar is not None]
                assert bars == ["word clouds"]
                list(clouds)
        assert [s.name for s in console.stages] == ["pages", "word clouds"]


def test_nothing_is_drawn_or_counted_without_a_console():
    with stage("vectorize", 3, "talk") as current:
        assert list(track(range(3), 3, "talk")) == [0, 1, 2]
    assert current.count == 3


def test_stage_times_merge_a_stage_run_once_per_language():
    stages = [
        StageTime("vectorize", 1.0, 90, "talk"),
        StageTime("choose k", 2.0, 6, "candidate"),
        StageTime("vectorize", 0.5, 45, "talk"),
        StageTime("choose k", 1.0, 4, "candidate"),
        StageTime("publish", 0.1, None),
    ]
    assert stage_times(stages) == [
        {"name": "vectorize", "seconds": 1.5, "count": 135},
        {"name": "choose k", "seconds": 3.0, "count": 10},
        {"name": "publish", "seconds": 0.1, "count": None},
    ]
