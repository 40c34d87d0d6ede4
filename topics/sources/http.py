"""Fetching pages over HTTP: one ``requests.Session`` with retries, and a page cache.

Every successful response is stored with :class:`joblib.Memory` keyed by its URL, so a
second crawl of the same site makes no request for pages it already has. Failures are
never cached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import requests
from joblib import Memory
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

try:
    _VERSION = version("topics")
except PackageNotFoundError:  # running from a source tree that is not installed
    _VERSION = "0"

USER_AGENT = f"topics/{_VERSION} (conference topic explorer; +https://pypi.org/project/topics/)"
#: Seconds to wait for a connection, then for each read.
TIMEOUT = (10.0, 30.0)
#: Largest response body accepted, in bytes.
MAX_BYTES = 20 * 1024 * 1024


class FetchError(Exception):
    """A page could not be fetched.

    Attributes
    ----------
    url : str
        The URL asked for.
    reason : str
        One line saying why (HTTP status, timeout, refused connection, too large).
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
    """

    url: str
    content: bytes
    content_type: str = ""
    encoding: str | None = None


def make_session(retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """Build the session every request goes through.

    Parameters
    ----------
    retries : int
        Retries on connection errors and on 429/500/502/503/504 responses.
    backoff : float
        Backoff factor in seconds: waits are ``backoff * 2**(n - 1)``; a
        ``Retry-After`` header is honoured instead when present.

    Returns
    -------
    requests.Session
        With a descriptive User-Agent and the retrying adapter mounted for http(s).
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def download(url: str, session: requests.Session, timeout=TIMEOUT) -> Page:
    """GET one URL.

    Parameters
    ----------
    url : str
        An http or https URL.
    session : requests.Session
        See :func:`make_session`.
    timeout : tuple of float
        Connect and read timeouts, in seconds.

    Returns
    -------
    Page

    Raises
    ------
    FetchError
        For a non-http(s) URL, a connection failure, a timeout, an HTTP status of 400
        or more, or a body larger than :data:`MAX_BYTES` bytes.
    """
    if not url.startswith(("http://", "https://")):
        raise FetchError(url, "not an http(s) URL")
    try:
        with session.get(url, timeout=timeout, stream=True) as response:
            if response.status_code >= 400:
                raise FetchError(url, f"HTTP {response.status_code} {response.reason}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(url, f"larger than {MAX_BYTES} bytes")
                chunks.append(chunk)
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            charset = requests.utils.get_encoding_from_headers(response.headers)
            # requests guesses ISO-8859-1 for any text/* without a charset: let parsers sniff.
            if charset and "charset" not in response.headers.get("Content-Type", "").lower():
                charset = None
            return Page(response.url, b"".join(chunks), media_type.lower(), charset)
    except requests.exceptions.Timeout:
        raise FetchError(url, "timed out") from None
    except requests.exceptions.TooManyRedirects:
        raise FetchError(url, "too many redirects") from None
    except requests.exceptions.RetryError as exc:
        raise FetchError(url, f"gave up after retries ({exc.__class__.__name__})") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(url, "could not connect") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(url, str(exc).splitlines()[0][:200]) from None


class Fetcher:
    """Fetch pages through one session, caching every successful response on disk.

    Parameters
    ----------
    cache_dir : path or None
        Folder for the :class:`joblib.Memory` page cache; ``None`` caches nothing.
    retries, backoff : see :func:`make_session`.
    timeout : tuple of float
        Connect and read timeouts, in seconds.

    Attributes
    ----------
    n_requests : int
        Pages fetched from the network (cache misses) by this fetcher.
    """

    def __init__(self, cache_dir=None, retries: int = 3, backoff: float = 0.5, timeout=TIMEOUT):
        self.session = make_session(retries, backoff)
        self.timeout = timeout
        self.n_requests = 0
        self._lock = threading.Lock()
        memory = Memory(Path(cache_dir) / "pages" if cache_dir else None, verbose=0)
        self._cached = memory.cache(self._download_counted, ignore=["self"])

    def _download_counted(self, url: str) -> Page:
        with self._lock:
            self.n_requests += 1
        return download(url, self.session, self.timeout)

    def get(self, url: str) -> Page:
        """Return the page at ``url``, from the cache when it was fetched before.

        Raises
        ------
        FetchError
            See :func:`download`.
        """
        return self._cached(url)

    def is_cached(self, url: str) -> bool:
        """Whether ``url`` is in the page cache (no request would be made)."""
        return self._cached.check_call_in_cache(url)
