"""The per-host gate of :class:`topics.sources.http.Fetcher`: how many requests a host has
in flight, how far apart they start, and its robots.txt once read."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from protego import Protego


class HostGate:
    """The gate of one host: its robots.txt, its pace and its in-flight bound.

    Parameters
    ----------
    concurrency : int
        Requests in flight at most.
    delay : float
        Seconds at least between the starts of two requests.
    least : float
        Seconds the host's terms ask for between requests (counted from the end of one
        to the start of the next as well); 0 when it asks for nothing.
    """

    def __init__(self, concurrency: int, delay: float, least: float = 0.0):
        self.slots = threading.BoundedSemaphore(concurrency)
        self.delay = max(delay, least)
        # A pause a host's terms ask for: counted from the end of the previous request
        # too, so that the server sees it even when a request is slow to arrive.
        self.least = least
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots: Protego | None = None
        self.robots_error = ""  # why robots.txt could not be read, when it could not
        self.robots_loaded = False
        self.robots_lock = threading.Lock()

    @contextmanager
    def turn(self):
        """Hold a slot, starting no sooner than ``delay`` after the previous start."""
        with self.slots:
            # The next start is set from when this request really leaves, not from a
            # reserved time: a thread that wakes late must not bring the next one closer.
            while True:
                with self.lock:
                    now = time.monotonic()
                    if now >= self.next_start:
                        self.next_start = now + self.delay
                        break
                    wait = self.next_start - now
                time.sleep(wait)
            try:
                yield
            finally:
                if self.least:
                    self.hold_back(self.least)

    def hold_back(self, seconds: float) -> None:
        """Start no request to this host for ``seconds`` (a ``Retry-After``, a backoff)."""
        with self.lock:
            self.next_start = max(self.next_start, time.monotonic() + seconds)
