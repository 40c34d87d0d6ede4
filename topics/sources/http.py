"""Fetching pages over HTTP, politely: robots.txt, a per-host pace, retries, and a page cache.

Every request goes through one :class:`requests.Session` (one connection pool per host,
kept alive) and, per host, through a gate that lets at most ``concurrency`` requests be
in flight and starts them at least ``delay`` seconds apart. A host is an origin (RFC 6454):
scheme, host name and port, so ``http://h/`` and ``http://h:80/`` are one host and
``http://h:8080/`` another. Before the first request to a host its ``/robots.txt`` is
read (RFC 9309, parsed with `Protego <https://github.com/scrapy/protego>`_; a file larger
than :data:`MAX_ROBOTS_BYTES` is parsed up to the last line that fits): a disallowed URL
is never requested, and a ``Crawl-delay`` or ``Request-rate`` longer than ``delay`` slows
that host down further, up to :data:`MAX_WAIT` seconds between requests (a site asking
for more is paced at :data:`MAX_WAIT`, and a warning says so).
The defaults, :data:`DELAY` = 0.5 s and :data:`CONCURRENCY` = 2, give a host at most 2
requests a second on 2 kept-alive connections: less than one browser loading one page
with its styles and images (which opens up to 6 connections), negligible for a site
that serves a conference's visitors, and still enough to read a 100-talk programme in
under a minute, once (``benchmarks/results/crawl.md`` measures it).

Answers 429, 500, 502, 503 and 504 are retried with exponential backoff (the policy is
a :class:`urllib3.util.Retry`); a ``Retry-After`` header (seconds or an HTTP date) is
honoured instead and holds back every request to that host, up to
:data:`MAX_WAIT` seconds: a server asking for a longer pause gets none of our
requests for that page. Redirects are followed by hand (at most :data:`MAX_REDIRECTS`),
so each hop is paced, checked against robots.txt, kept on the site's origin when asked,
and a loop is recognised on its first repeat.

Each attempt of a request (a retry, a redirect hop, a new connection after a failed one:
each is one attempt) must be over within a total time, the second member of ``timeout``
(:data:`TIMEOUT`): connecting, sending, the answer's headers and its whole body. Every
read from the socket waits at most what is left of that time, and none starts after it,
so a server that sends nothing, or one byte a second, is given up on when it is spent
("timed out"). ``requests`` and ``urllib3`` bound each read only, not the whole answer
(https://github.com/psf/requests/issues/3099): the session's adapter
(:class:`topics.sources.session.BoundedAdapter`) reads answers through a response whose
reads are bounded.

Every page fetched is stored with :class:`joblib.Memory`, keyed by its URL, with the
``ETag`` and ``Last-Modified`` validators the server sent, as soon as it has arrived: a
second crawl, or a crawl resumed after being killed, requests no page it already has.
With ``refresh=True`` each cached page is revalidated once with a conditional request
(``If-None-Match`` / ``If-Modified-Since``, RFC 9110 section 13): a ``304 Not
Modified`` keeps it, a ``200`` replaces it. Failures are never cached. A cache entry
that cannot be read (a truncated or garbled file) is fetched again: joblib recomputes
what it cannot load, and an entry that loads as anything but a :class:`Page` is replaced.
joblib writes each entry to a temporary file renamed into place, so several crawls may
share one cache folder at once.

Pages are public: no credentials are ever sent. The session stores no cookies (so none
goes back to any host), reads no ``~/.netrc``, and a URL holding ``user:password@`` is
not fetched. Only http(s) URLs are fetched, redirects included.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from joblib import Memory
from protego import Protego
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from .defaults import CONCURRENCY, DELAY, DELAY_VARIABLE, MAX_BYTES, MAX_WAIT, TIMEOUT
from .errors import one_line
from .pacing import HostGate
from .session import make_session

try:
    _VERSION = version("topics")
except PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "0"

logger = logging.getLogger(__name__)

USER_AGENT = f"topics/{_VERSION} (conference topic explorer; +https://pypi.org/project/topics/)"
#: The Accept header sent with every request: what a browser asks for (some sites, pretalx's
#: schedule, answer "*/*" with plain text).
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8"
#: Default retries of one request (answers in :data:`RETRY_STATUSES`, connection errors).
RETRIES = 3
#: Default backoff factor, seconds: waits are ``backoff * 2**(n - 1)`` from the 2nd retry.
BACKOFF = 0.5
#: Answers that are retried.
RETRY_STATUSES = (429, 500, 502, 503, 504)
#: Redirects followed from one URL.
MAX_REDIRECTS = 10
#: robots.txt bytes parsed; RFC 9309 section 2.5 asks crawlers to parse at least 500 KiB.
MAX_ROBOTS_BYTES = 512 * 1024
#: Least seconds between the starts of two requests to these hosts, whatever ``delay``
#: says, and one request at a time: what their terms of use ask. arXiv's API terms ask
#: for one request every three seconds, on one connection at a time
#: (https://info.arxiv.org/help/api/tou.html).
HOST_PACES = {"export.arxiv.org": 3.0}

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int] | None:
    """The origin of an http(s) URL (RFC 6454 section 4): scheme, host name and port.

    The scheme and host are lower case and a missing port is the scheme's default, so
    ``http://Example.org/`` and ``http://example.org:80/x`` have one origin; user
    information does not count.

    Returns
    -------
    tuple of (str, str, int) or None
        ``(scheme, host, port)``; ``None`` for a URL that is not http(s), has no host,
        or has a port that is not a number from 0 to 65535.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "http://h:x/", "http://h:99999/", "http://[::1"
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname, _DEFAULT_PORTS[scheme] if port is None else port


class FetchError(Exception):
    """A page could not be fetched.

    Attributes
    ----------
    url : str
        The URL asked for.
    reason : str
        One line saying why (HTTP status, timeout, refused connection, too large,
        disallowed by robots.txt, redirect loop, redirected off the site's origin).
    """

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Page:
    """A fetched response.

    Attributes
    ----------
    url : str
        Final URL, after redirects (relative links resolve against it).
    content : bytes
        The body, at most :data:`MAX_BYTES` bytes.
    content_type : str
        Media type without parameters, such as ``"text/html"``.
    encoding : str or None
        Charset declared in the ``Content-Type`` header, if any.
    etag : str
        The ``ETag`` header, for revalidation; ``""`` if none.
    last_modified : str
        The ``Last-Modified`` header (an HTTP date), for revalidation; ``""`` if none.
    """

    url: str
    content: bytes
    content_type: str = ""
    encoding: str | None = None
    etag: str = ""
    last_modified: str = ""


class Fetcher:
    """Fetch pages politely through one session, caching every page on disk.

    Parameters
    ----------
    cache_dir : path or None
        Folder for the :class:`joblib.Memory` page cache (pages are stored in
        ``cache_dir/pages``); ``None`` caches nothing.
    retries : int
        Retries of one request after a 429/5xx answer or a failed connection.
    backoff : float
        Backoff factor, in seconds, between retries when no ``Retry-After`` is sent.
    timeout : tuple of float
        ``(connect, total)``, in seconds: the longest wait for a connection, and the
        longest time one attempt of a request may take in all (connecting, sending,
        reading the answer's headers and body). Each retry and each redirect hop is an
        attempt with its own ``total``.
    delay : float, optional
        Seconds between the starts of two requests to one host. ``None``: the
        ``TOPICS_CRAWL_DELAY`` environment variable, else :data:`DELAY`. A robots.txt
        ``Crawl-delay`` or ``Request-rate`` that asks for more wins, up to
        :data:`MAX_WAIT`.
    concurrency : int
        Requests in flight to one host at a time; also how many pages a crawl fetches
        in parallel.
    robots : bool
        Honour robots.txt. Only tests of one's own servers should turn this off.
    refresh : bool
        Revalidate each cached page once with a conditional request instead of trusting
        the cache; when that fails, the cached copy is kept (see ``stale``).
    max_bytes : int
        Largest body accepted, in bytes.

    Raises
    ------
    ValueError
        If ``delay`` is negative or ``concurrency`` below 1.

    Notes
    -----
    Hosts in :data:`HOST_PACES`, and origins given to :meth:`pace`, get at least the
    pause they ask for, between two starts and from the end of one request to the start
    of the next, and one request at a time, whatever ``delay`` and ``concurrency`` say.

    Attributes
    ----------
    n_pages : int
        Pages asked of this fetcher (:meth:`get`), from the cache or the network.
    n_requests : int
        Pages fetched from the network (cache misses and revalidations) by this fetcher.
    n_not_modified : int
        Revalidations answered ``304 Not Modified``.
    n_http : int
        HTTP requests sent: pages, robots.txt files, redirect hops and retries.
    stale : list of (str, str)
        With ``refresh``: pages whose revalidation failed (URL, reason); their cached
        copy was used.
    """

    def __init__(
        self,
        cache_dir=None,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        timeout=TIMEOUT,
        delay: float | None = None,
        concurrency: int = CONCURRENCY,
        robots: bool = True,
        refresh: bool = False,
        max_bytes: int = MAX_BYTES,
    ):
        if delay is None:
            delay = float(os.environ.get(DELAY_VARIABLE, DELAY))
        if delay < 0 or concurrency < 1:
            raise ValueError("delay must be >= 0 and concurrency >= 1")
        self.delay = delay
        self.concurrency = concurrency
        self.timeout = timeout
        connect, total = timeout
        self._timeout = Timeout(connect=min(connect, total), read=total, total=total)
        self.obey_robots = robots
        self.refresh = refresh
        self.max_bytes = max_bytes
        self.session = make_session(
            retries,
            backoff,
            pool=max(10, concurrency),
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        )
        self.retry = Retry(
            total=retries,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff,
            backoff_max=MAX_WAIT,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=True,
        )
        self.n_pages = 0
        self.n_requests = 0
        self.n_not_modified = 0
        self.n_http = 0
        self.stale: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._hosts: dict[str, HostGate] = {}
        self._paces: dict[tuple[str, str, int] | None, float] = {}
        self._revalidated: set[str] = set()
        memory = Memory(Path(cache_dir) / "pages" if cache_dir else None, verbose=0)
        self._cached = memory.cache(self._fetch, ignore=["self", "previous", "site", "robots"])

    # --- the cache -------------------------------------------------------------------------

    def get(self, url: str, site: str | None = None, robots: bool = True) -> Page:
        """Return the page at ``url``, from the cache when it was fetched before.

        Parameters
        ----------
        url : str
            An http(s) URL.
        site : str, optional
            A URL of the site: a redirect to another origin (scheme, host and port, see
            :func:`origin`) is refused (keeps a crawl on the conference's site).
        robots : bool
            Check robots.txt first (when the fetcher obeys it). Crawls do; a single
            file the user named (a schedule, pyvideo's data) is fetched like ``wget``
            fetches one URL, which honours robots.txt only when recursing.

        Raises
        ------
        FetchError
            For a non-http(s) URL, a URL with ``user:password@``, a URL robots.txt
            disallows, a connection failure, a timeout, an HTTP status of 400 or more
            (after retries for 429/5xx), a redirect loop, too many redirects, a redirect
            off ``site``'s origin, or a body larger than ``max_bytes``.
        """
        with self._lock:
            self.n_pages += 1
        if self.refresh and url not in self._revalidated:
            with self._lock:
                first = url not in self._revalidated
                self._revalidated.add(url)
            previous = self._cached(url) if first and self.is_cached(url) else None
            if isinstance(previous, Page):
                try:
                    page, _ = self._cached.call(url, previous=previous, site=site, robots=robots)
                except FetchError as exc:  # stale is better than nothing (RFC 5861's spirit)
                    with self._lock:
                        self.stale.append((url, exc.reason))
                    return previous
                return page
        page = self._cached(url, site=site, robots=robots)
        if not isinstance(page, Page):  # a cache entry that unpickled to something else
            page, _ = self._cached.call(url, site=site, robots=robots)
        return page

    def is_cached(self, url: str) -> bool:
        """Whether ``url`` is in the page cache (no request would be made)."""
        return self._cached.check_call_in_cache(url)

    def _fetch(
        self, url: str, previous: Page | None = None, site: str | None = None, robots: bool = True
    ) -> Page:
        """Fetch ``url`` (conditionally when ``previous`` is given); the cached function."""
        with self._lock:
            self.n_requests += 1
        page = self._download(url, previous, site, robots=robots)
        if page is None:  # 304 Not Modified
            with self._lock:
                self.n_not_modified += 1
            return previous
        return page

    # --- politeness ------------------------------------------------------------------------

    def _host(self, url: str) -> HostGate:
        key = origin(url)
        with self._lock:
            if key not in self._hosts:
                least = self._paces.get(key, HOST_PACES.get(key[1], 0.0) if key else 0.0)
                concurrency = 1 if least else self.concurrency
                self._hosts[key] = HostGate(concurrency, self.delay, least)
            return self._hosts[key]

    def pace(self, url: str, seconds: float) -> None:
        """Start requests to ``url``'s origin at least ``seconds`` apart, and ``seconds``
        after the previous one ended, whatever ``delay`` says (a service's terms of use,
        such as arXiv's API on a mirror); when called before the first request to that
        origin, one request at a time too."""
        key = origin(url)
        with self._lock:
            self._paces[key] = max(seconds, self._paces.get(key, 0.0))
            if key in self._hosts:
                host = self._hosts[key]
                host.delay, host.least = max(host.delay, seconds), max(host.least, seconds)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this crawler fetch ``url`` (reading it if need be)."""
        if not self.obey_robots:
            return True
        host = self._host(url)
        with host.robots_lock:
            if not host.robots_loaded:
                host.robots = self._read_robots(url, host)
                host.robots_loaded = True
        return host.robots is None or host.robots.can_fetch(url, USER_AGENT)

    def _read_robots(self, url: str, host: HostGate) -> Protego | None:
        """The host's robots.txt; ``None`` allows everything.

        RFC 9309 section 2.3.1: an answer of 400-499 means no rules; a server error or
        no answer means "assume complete disallow" (a Protego with ``Disallow: /``).
        Section 2.5: of a larger file, the first :data:`MAX_ROBOTS_BYTES` are parsed (up
        to the last whole line). A ``Crawl-delay`` or ``Request-rate`` sets the host's
        pace, up to :data:`MAX_WAIT`; asking for more is logged as a warning.
        """
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            page = self._download(robots_url, None, None, robots=False, head=MAX_ROBOTS_BYTES)
        except FetchError as exc:
            if exc.reason.startswith("HTTP 4") and not exc.reason.startswith("HTTP 429"):
                return None
            host.robots_error = exc.reason
            return Protego.parse("User-agent: *\nDisallow: /\n")
        rules = Protego.parse(page.content.decode("utf-8", errors="replace"))
        asked, said = float(rules.crawl_delay(USER_AGENT) or 0.0), "Crawl-delay"
        rate = rules.request_rate(USER_AGENT)
        if rate and rate.requests and rate.seconds / rate.requests > asked:
            asked, said = rate.seconds / rate.requests, "Request-rate"
        if asked > MAX_WAIT:
            logger.warning(
                "%s asks for %g s between requests (robots.txt %s): waiting %g s, the most we wait",
                f"{parts.scheme}://{parts.netloc}",
                asked,
                said,
                MAX_WAIT,
            )
        host.delay = max(host.delay, min(asked, MAX_WAIT))
        return rules

    def _refusal(self, url: str, current: str) -> str:
        """Why robots.txt keeps us from ``current`` (reached from ``url``)."""
        where = "" if current == url else f" (redirected to {current})"
        error = self._host(current).robots_error
        if error in ("could not connect", "timed out"):
            return f"{error}{where}"  # the page could not have been fetched either
        if error:
            return f"robots.txt unreachable ({error}): nothing there may be crawled{where}"
        return f"disallowed by robots.txt{where}"

    # --- one download ----------------------------------------------------------------------

    def _download(
        self,
        url: str,
        previous: Page | None,
        site: str | None,
        robots: bool = True,
        head: int | None = None,
    ) -> Page | None:
        """GET ``url``, following redirects by hand; ``None`` means 304 Not Modified.

        With ``head``, a body longer than ``head`` bytes is not refused: its first
        ``head`` bytes are kept, cut after their last line break."""
        chain = [url]
        current = url
        while True:
            if not current.startswith(("http://", "https://")):
                raise FetchError(url, "not an http(s) URL")
            if "@" in urlsplit(current).netloc:
                raise FetchError(url, "URL with a user name or password (never sent)")
            if site is not None and origin(current) != origin(site):
                raise FetchError(url, f"redirected off the site, to {current}")
            if robots and not self.allowed(current):
                raise FetchError(url, self._refusal(url, current))
            headers = {}
            if previous is not None and current == previous.url:
                if previous.etag:
                    headers["If-None-Match"] = previous.etag
                if previous.last_modified:
                    headers["If-Modified-Since"] = previous.last_modified
            page, target = self._hop(url, current, headers, head)
            if target is None:
                return page
            if target in chain:
                raise FetchError(url, f"redirect loop ({len(chain)} hops)")
            if len(chain) > MAX_REDIRECTS:
                raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})")
            chain.append(target)
            current = target

    def _hop(
        self, url: str, current: str, headers: dict, head: int | None
    ) -> tuple[Page | None, str | None]:
        """One URL's answer: ``(page, None)``, ``(None, redirect target)``, or ``(None,
        None)`` for 304. Retried as :attr:`retry` says; each try holds one of the host's
        slots, from its paced start until the body is read."""
        host = self._host(current)
        retry = self.retry
        while True:
            with host.turn():
                with self._lock:
                    self.n_http += 1
                try:
                    response = self.session.get(
                        current,
                        headers=headers,
                        timeout=self._timeout,
                        stream=True,
                        allow_redirects=False,
                    )
                except requests.exceptions.Timeout:
                    raise FetchError(url, "timed out") from None
                except requests.exceptions.ConnectionError:
                    raise FetchError(url, "could not connect") from None
                except requests.exceptions.RequestException as exc:
                    raise FetchError(url, one_line(exc)) from None
                with response:
                    status = response.status_code
                    if not retry.is_retry("GET", status, "Retry-After" in response.headers):
                        location = response.headers.get("Location", "").strip()
                        if status in _REDIRECTS and location:
                            return None, urljoin(current, location)
                        if status == 304 and headers:
                            return None, None
                        if status >= 400:
                            raise FetchError(url, f"HTTP {status} {response.reason}")
                        return self._read(url, current, response, head), None
                    retry, wait = self._retry_wait(url, response, retry)
            host.hold_back(wait)

    def _retry_wait(
        self, url: str, response: requests.Response, retry: Retry
    ) -> tuple[Retry, float]:
        """The next retry state and the seconds to wait before retrying a 429/5xx answer;
        a FetchError saying why not when the retries are spent or the wait too long.

        ``Retry-After`` (RFC 9110 section 10.2.3) when the server sent one, else the
        policy's exponential backoff.
        """
        status = f"HTTP {response.status_code} {response.reason}"
        try:
            following = retry.increment("GET", response.url, response=response.raw)
        except MaxRetryError:
            spent = len(retry.history)
            reason = f"{status} (gave up after {spent} retries)" if spent else status
            raise FetchError(url, reason) from None
        try:
            asked = following.get_retry_after(response.raw)
        except InvalidHeader:
            asked = None
        wait = following.get_backoff_time() if asked is None else asked
        if wait > MAX_WAIT:
            said = "backoff" if asked is None else "Retry-After"
            raise FetchError(
                url, f"{status} ({said} of {wait:.0f} s, longer than {MAX_WAIT:.0f} s)"
            )
        return following, wait

    def _read(self, url: str, final: str, response: requests.Response, head: int | None) -> Page:
        limit = head or self.max_bytes
        try:
            declared = int(response.headers.get("Content-Length", "0"))
        except ValueError:
            declared = 0
        if declared > limit and not head:
            raise FetchError(url, f"larger than {limit} bytes (Content-Length {declared})")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                chunks.append(chunk)
                if size > limit:
                    if not head:
                        raise FetchError(url, f"larger than {limit} bytes")
                    break
        except requests.exceptions.RequestException as exc:
            # requests reports a read timeout in the body as a ConnectionError
            reason = "timed out" if "timed out" in str(exc) else f"broken answer ({one_line(exc)})"
            raise FetchError(url, reason) from None
        content_type = response.headers.get("Content-Type", "")
        charset = requests.utils.get_encoding_from_headers(response.headers)
        # requests guesses ISO-8859-1 for any text/* without a charset: let parsers sniff.
        if charset and "charset" not in content_type.lower():
            charset = None
        content = b"".join(chunks)
        if size > limit:  # the head of a longer body: its whole lines
            content = content[: content.rfind(b"\n", 0, limit) + 1]
        return Page(
            url=final,
            content=content,
            content_type=content_type.split(";")[0].strip().lower(),
            encoding=charset,
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )
