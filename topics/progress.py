"""What a run is doing, told as it happens: its stages, their counts, and what they decided.

Every layer reports through this module, the lowest of the package (it imports nothing
of it), and through the standard :mod:`logging`, so no reporter is passed down the
pipeline and nothing is shown unless someone listens:

- ``with stage("choose k"):`` marks a stage (read sources, detect languages, vectorize,
  choose k, fit, word clouds, pages, search index, publish): a record when it starts,
  and one when it ends with its time in seconds;
- ``track(results, total, unit)`` counts the work of the stage open in the calling
  thread as each result is taken. Given the results of ``joblib.Parallel(...,
  return_as="generator")``, it counts each job as it comes back to this process, so the
  work of worker processes or of a Dask cluster is counted in one place, in order;
- ``decided(message, ...)`` tells what a stage chose (the k candidates and their scores,
  the languages kept): shown by ``topics -v``.

Stages and counts are records of the logger ``topics.progress`` at DEBUG level carrying
an :class:`Event` as their ``progress`` attribute; decisions are INFO records of
``topics.decisions``. The command line's :class:`Console` draws them.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from tqdm import tqdm

logger = logging.getLogger("topics.progress")
decisions = logging.getLogger("topics.decisions")
lines = logging.getLogger("topics.lines")

#: Kinds of :class:`Event`.
START, EXPECT, ADVANCE, END, ABORT = "start", "expect", "advance", "end", "abort"

_local = threading.local()


@dataclass(frozen=True)
class Event:
    """One step of a stage.

    Attributes
    ----------
    kind : str
        :data:`START`, :data:`EXPECT` (``value`` more items to do, in ``unit``),
        :data:`ADVANCE` (``value`` items done), :data:`END` (``value`` seconds since the
        start; ``count`` the stage's own count in ``unit``, if it gives one) or :data:`ABORT` (an
        exception, Ctrl-C for one, left the stage).
    stage : str
        The stage's name.
    value : float or None
    unit : str or None
        What :data:`EXPECT` or :data:`END`'s ``count`` counts (``"page"``...).
    count : int or None
    """

    kind: str
    stage: str
    value: float | None = None
    unit: str | None = None
    count: int | None = None


def _emit(event: Event, message: str, *args) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(message, *args, extra={"progress": event})


def _stack() -> list[Stage]:
    if not hasattr(_local, "stages"):
        _local.stages = []
    return _local.stages


class Stage:
    """A stage open in this thread (:func:`stage`); ``count`` is reported when it ends."""

    def __init__(self, name: str, count: int | None = None, unit: str | None = None):
        self.name = name
        self.count = count
        self.unit = unit


@contextmanager
def stage(name: str, count: int | None = None, unit: str | None = None) -> Iterator[Stage]:
    """Mark a stage of the run: the block's work is this stage's.

    Parameters
    ----------
    name : str
        Such as ``"vectorize"``.
    count : int, optional
        What the stage counts when no :func:`track` counts it (talks, for instance);
        may be set on the yielded :class:`Stage` before the block ends.
    unit : str, optional
        What ``count`` counts, singular (``"talk"``).

    Yields
    ------
    Stage
    """
    current = Stage(name, count, unit)
    _stack().append(current)
    _emit(Event(START, name), "%s: started", name)
    start = time.perf_counter()
    try:
        yield current
    except BaseException:
        _emit(Event(ABORT, name), "%s: stopped", name)
        raise
    finally:
        _stack().remove(current)
    seconds = time.perf_counter() - start
    end = Event(END, name, seconds, current.unit, current.count)
    _emit(end, "%s: %.2f s", name, seconds)


def track(
    items: Iterable,
    total: int | None = None,
    unit: str = "item",
    sizes: Iterable[int] = (),
    bar: str | None = None,
) -> Iterator:
    """Yield ``items``, counting each as done for the stage open in this thread.

    Parameters
    ----------
    items : iterable
        Results as they come (``joblib.Parallel(..., return_as="generator")``'s).
    total : int, optional
        How many there will be, in ``unit``s (added to what the stage expects already).
    unit : str
        What is counted, singular.
    sizes : iterable of int, optional
        How many ``unit``s each item stands for (a job rendering 50 pages), in order;
        one each when empty or exhausted.
    bar : str, optional
        When no :class:`Console` listens, draw a plain tqdm bar on stderr with this
        label (``topics.load(progress=True)`` in a notebook).

    Yields
    ------
    Each of ``items``. Outside any stage they are passed on and nothing is counted.
    """
    if bar is not None and not listening():
        yield from tqdm(items, total=total, desc=bar, unit=unit, file=sys.stderr)
        return
    name = _stack()[-1].name if _stack() else None
    if name is None:
        yield from items
        return
    if total is not None:
        _emit(Event(EXPECT, name, total, unit), "%s: %d %ss to do", name, total, unit)
    sizes = iter(sizes)
    for item in items:
        n = next(sizes, 1)
        _emit(Event(ADVANCE, name, n), "%s: %d done", name, n)
        yield item


def decided(message: str, *args) -> None:
    """Tell what a stage decided (``topics -v`` shows it): a %-format and its arguments."""
    decisions.info(message, *args)


def say(line: str) -> None:
    """Tell what a run did, in a line of its own (not ``--quiet``): ``crawled 95 talks...``."""
    lines.info("%s", line)


def listening() -> bool:
    """Whether a :class:`Console` (or any handler) takes the stages' records."""
    return logger.isEnabledFor(logging.DEBUG) and logger.hasHandlers()


#: Plural of the units counted, where adding "s" is wrong.
_PLURAL = {"candidate": "candidates", "talk": "talks", "page": "pages", "cloud": "clouds"}


class _Open:
    """A stage being drawn: its start, its count, its bar."""

    def __init__(self):
        self.total = 0
        self.done = 0
        self.unit: str | None = None
        self.bar: tqdm | None = None


@dataclass
class StageTime:
    """A stage as the run report keeps it: name, seconds, count (or None)."""

    name: str
    seconds: float
    count: int | None
    unit: str | None = None


class Console(logging.Handler):
    """Draws a run on a stream: stage lines, progress bars, messages, decisions.

    Parameters
    ----------
    stream : text file, default sys.stderr
    verbosity : int
        -1: only errors (``--quiet``; the summary is printed by the caller); 0: stage lines
        and warnings; 1: also what the stages decided (``--verbose``).
    bars : bool, optional
        Draw progress bars (tqdm, with the time left) for stages that count; by default
        when ``stream`` is a terminal and not quiet. Without bars no carriage return is
        written.

    Attributes
    ----------
    stages : list of StageTime
        Every stage ended, in the order they ended.
    """

    def __init__(self, stream: TextIO | None = None, verbosity: int = 0, bars: bool | None = None):
        super().__init__(logging.DEBUG)
        self.stream = stream if stream is not None else sys.stderr
        self.verbosity = verbosity
        if bars is None:
            bars = verbosity >= 0 and _is_terminal(self.stream)
        self.bars = bars
        self.stages: list[StageTime] = []
        self._open: dict[str, _Open] = {}
        self.setFormatter(logging.Formatter("topics: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            event = getattr(record, "progress", None)
            if event is not None:
                self._event(event)
            elif record.name == decisions.name:
                if self.verbosity > 0:
                    self.write("  " + record.getMessage())
            elif record.name == lines.name:
                if self.verbosity >= 0:
                    self.write(record.getMessage())
            elif record.levelno >= logging.ERROR or self.verbosity >= 0:
                self.write(self.format(record))
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def write(self, line: str) -> None:
        """Print one line, above the bars drawn."""
        if self.bars and any(o.bar is not None for o in self._open.values()):
            tqdm.write(line, file=self.stream)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Take the bars off the screen (an interrupted run leaves none)."""
        self.acquire()
        try:
            for state in self._open.values():
                if state.bar is not None:
                    state.bar.close()
                    state.bar = None
            self._open.clear()
        finally:
            self.release()
        super().close()

    def _event(self, event: Event) -> None:
        state = self._open.get(event.stage)
        if event.kind == START:
            self._open[event.stage] = _Open()
            if self.verbosity >= 0:
                self.write(f"{event.stage} ...")
            return
        if state is None:
            return
        if event.kind == EXPECT:
            state.total += int(event.value)
            state.unit = event.unit
            if state.bar is not None:
                state.bar.total = state.total
                state.bar.refresh()
            else:
                self._draw(event.stage, state)
        elif event.kind == ADVANCE:
            state.done += int(event.value)
            if state.bar is not None:
                state.bar.update(int(event.value))
            else:
                self._draw(event.stage, state)
        else:  # END or ABORT
            del self._open[event.stage]
            if state.bar is not None:
                state.bar.close()
            if event.kind == END:
                self._ended(event, state)

    def _draw(self, stage: str, state: _Open) -> None:
        """Give a counting stage its bar, unless another stage's bar is on the screen:
        one bar at a time (two stages counting at once, such as the word clouds and the
        pages, would leave pieces of their bars on the screen); the other stage gets its
        bar at its next count once that one is closed."""
        if not self.bars or not state.total or any(o.bar is not None for o in self._open.values()):
            return
        state.bar = tqdm(
            total=state.total,
            initial=state.done,
            desc=stage,
            unit=state.unit,
            file=self.stream,
            leave=False,
            dynamic_ncols=True,
            mininterval=0.1,
        )

    def _ended(self, event: Event, state: _Open) -> None:
        count, unit = event.count, event.unit
        if count is None and state.unit is not None:
            count, unit = state.done, state.unit
        self.stages.append(StageTime(event.stage, float(event.value), count, unit))
        if self.verbosity < 0:
            return
        counted = ""
        if count is not None:
            noun = unit or ""
            noun = _PLURAL.get(noun, noun + "s") if noun and count != 1 else noun
            counted = f", {count} {noun}".rstrip()
        self.write(f"{event.stage}: {event.value:.1f} s{counted}")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def showing(console: Console) -> Iterator[Console]:
    """Draw the run's stages, messages and decisions with ``console`` inside the block
    (the ``topics`` loggers' levels and handlers are put back after it)."""
    top = logging.getLogger("topics")
    saved = [(log, log.level) for log in (top, logger, decisions)]
    top.addHandler(console)
    top.setLevel(logging.INFO if console.verbosity >= 0 else logging.ERROR)
    logger.setLevel(logging.DEBUG)
    decisions.setLevel(logging.INFO)
    try:
        yield console
    finally:
        console.close()
        top.removeHandler(console)
        for log, level in saved:
            log.setLevel(level)
