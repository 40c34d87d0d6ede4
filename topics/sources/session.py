"""The HTTP session of every request: no credentials, bounded reads, connection retries.

``requests`` and ``urllib3`` bound each read of an answer, not the whole answer
(https://github.com/psf/requests/issues/3099): :class:`BoundedAdapter` reads answers
through a response whose every socket read waits at most until the request's deadline,
so a request given a ``urllib3.Timeout`` with ``total`` ends when it is spent.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import io
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry


def make_session(retries: int, backoff: float, pool: int = 10, headers: dict | None = None):
    """Build the session every request goes through.

    Parameters
    ----------
    retries : int
        Retries of a request whose connection fails (refused, reset, DNS); answers
        that ask for a retry are handled by :class:`Fetcher`, which paces them.
    backoff : float
        Backoff factor in seconds for those retries.
    pool : int
        Connections kept alive per host.
    headers : dict of str to str, optional
        Sent with every request (the User-Agent, the Accept header).

    Returns
    -------
    requests.Session
        With ``headers``, the retrying adapter mounted for http(s) (:class:`BoundedAdapter`:
        a request given a
        ``urllib3.Timeout`` with ``total`` ends when it is spent, body included), no
        cookie jar (cookies are refused) and no credentials (neither ``~/.netrc`` nor a
        URL's ``user:password@``).
    """
    session = requests.Session()
    # A crawler of public pages sends no credentials: no cookie is ever stored (so none
    # is sent back, to any host) and no Authorization header is made from ~/.netrc or
    # from a URL's user:password@ (the session's own auth replaces both, see _NoAuth).
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.auth = _NoAuth()
    session.headers.update(headers or {})
    retry = Retry(
        total=retries,
        connect=retries,
        read=False,  # a server that stopped answering is not asked again at once
        status=0,
        redirect=0,
        backoff_factor=backoff,
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
    )
    adapter = BoundedAdapter(max_retries=retry, pool_maxsize=pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _NoAuth(requests.auth.AuthBase):
    """Authentication that sends nothing: set as the session's auth, it keeps requests
    from adding credentials found in ``~/.netrc`` or in the URL."""

    def __call__(self, request):
        request.headers.pop("Authorization", None)
        return request


class _BoundedReader(io.RawIOBase):
    """A socket's bytes, each read waiting at most until ``deadline`` (``time.monotonic()``)
    and none starting after it (:class:`TimeoutError`, which urllib3 reports as a read
    timeout)."""

    def __init__(self, sock, deadline: float):
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # closing it lets the socket close
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        self._sock.settimeout(left)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _BoundedSocket:
    """What :class:`http.client.HTTPResponse` reads from: a socket whose reads are bounded."""

    def __init__(self, sock, deadline: float):
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_BoundedReader(self._sock, self._deadline))


class _BoundedResponse(http.client.HTTPResponse):
    """An answer read (status line, headers, body) by the deadline of its attempt.

    urllib3 creates it right after setting the socket's timeout to its read timeout,
    which, for a ``urllib3.Timeout`` with ``total``, is what is left of the attempt's
    total time (``Timeout.read_timeout``): the deadline is now plus that timeout.
    """

    def __init__(self, sock, *args, **kwargs):
        timeout = sock.gettimeout()
        if timeout is not None:
            sock = _BoundedSocket(sock, time.monotonic() + timeout)
        super().__init__(sock, *args, **kwargs)


class _BoundedHTTPConnection(HTTPConnection):
    response_class = _BoundedResponse


class _BoundedHTTPSConnection(HTTPSConnection):
    response_class = _BoundedResponse


class _BoundedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _BoundedHTTPConnection


class _BoundedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _BoundedHTTPSConnection


_BOUNDED_POOLS = {"http": _BoundedHTTPConnectionPool, "https": _BoundedHTTPSConnectionPool}


class BoundedAdapter(HTTPAdapter):
    """An adapter whose connections read answers as :class:`_BoundedResponse` (through an
    http(s) proxy too; a SOCKS proxy keeps urllib3's own connections)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _BOUNDED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _BOUNDED_POOLS
        return manager
