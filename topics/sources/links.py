"""Links of a page: resolved, kept on the site, and described by the shape of their URL.

A crawl follows only http(s) links to the host of the page it started from
(:func:`site_links`). Pages a site generates from one template have URLs of one shape:
the same path segments but one, which names the page (an id, a slug, a day), such as
``/2019/schedule/presentation/<235>/`` or ``/schedule/<30076>/view_talk?day=friday``.
:func:`url_shapes` gives the shapes a URL can have, one per segment (or query value)
that may vary: links that share a shape form a group (:mod:`topics.sources.inference`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from .http import origin

#: File names that stand for their folder: ``/talks/index.html`` is ``/talks/``.
_INDEX = re.compile(r"(?i)index\.(?:html?|php|aspx?|jsp)")


class Shape(NamedTuple):
    """The shape of a URL with one part left open.

    Attributes
    ----------
    fixed : tuple of str
        The path segments, with ``"*"`` where the open segment is; for an open query
        value, the whole path followed by the query keys, the open one as ``"key=*"``.
    open_at : int
        Index of the open part in ``fixed``.
    suffix : str
        The open part's file extension (``".html"``), so ``/about`` and
        ``/talk-1.html`` differ.
    """

    fixed: tuple[str, ...]
    open_at: int
    suffix: str

    def __str__(self) -> str:
        if any("=" in part for part in self.fixed):
            path = [p for p in self.fixed if "=" not in p]
            query = "&".join(p for p in self.fixed if "=" in p)
            return "/" + "/".join(path) + "?" + query
        return "/" + "/".join(self.fixed)


def page_base(page_url: str, soup: BeautifulSoup) -> str:
    """The URL relative links of a page resolve against: its ``<base href>``, else its URL."""
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        return urljoin(page_url, str(base_tag["href"]).strip())
    return page_url


def site_links(
    page_url: str, soup: BeautifulSoup, anchors: Iterable[Tag] | None = None
) -> list[tuple[Tag, str]]:
    """The links of a page that a crawl may follow, with their absolute URLs.

    Parameters
    ----------
    page_url : str
        The page's final URL.
    soup : bs4.BeautifulSoup
        The parsed page.
    anchors : iterable of bs4.Tag, optional
        The elements to read (default: every ``<a href>`` of the page).

    Returns
    -------
    list of (bs4.Tag, str)
        Each anchor whose ``href``, resolved against the page's base and stripped of its
        fragment, is an http(s) URL of the page's origin (scheme, host and port:
        :func:`~topics.sources.http.origin`) other than the page itself; in
        page order, repeats included.
    """
    base = page_base(page_url, soup)
    site = origin(page_url)
    own = urldefrag(page_url)[0]
    found = []
    for anchor in soup.find_all("a", href=True) if anchors is None else anchors:
        href = str(anchor.get("href") or "").strip()
        if not href:
            continue
        try:
            url = urldefrag(urljoin(base, href))[0]
        except ValueError:  # a malformed IPv6 address
            continue
        if site is not None and origin(url) == site and url != own:
            found.append((anchor, url))
    return found


def path_segments(url: str) -> list[str]:
    """The segments of a URL's path, without empty ones and a trailing ``index.html``."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if segments and _INDEX.fullmatch(segments[-1]):
        segments.pop()
    return segments


def same_page(a: str, b: str) -> bool:
    """Whether two URLs name one page, up to a trailing slash or ``index.html``."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (origin(a), path_segments(a), pa.query) == (origin(b), path_segments(b), pb.query)


def _suffix(segment: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]{1,5}$", segment)
    return match.group().lower() if match else ""


def url_shapes(url: str) -> list[tuple[Shape, str]]:
    """Every shape of ``url`` with one part open, and the value of that part.

    The query is ignored when a path segment is open (``/talk/page?id=1`` has the shape
    ``/talk/*`` like ``/talk/intro/``); a query value is open only with the whole path
    fixed (``/talk.php?id=*``).

    Examples
    --------
    >>> [str(s) for s, _ in url_shapes("https://x.org/schedule/42/view?day=fri")]
    ['/*/42/view', '/schedule/*/view', '/schedule/42/*', '/schedule/42/view?day=*']
    """
    segments = path_segments(url)
    shapes = []
    for i, segment in enumerate(segments):
        fixed = (*segments[:i], "*", *segments[i + 1 :])
        shapes.append((Shape(fixed, i, _suffix(segment)), segment))
    query = sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    keys = [key for key, _ in query]
    for i, (key, value) in enumerate(query):
        if keys.count(key) > 1:
            continue
        fixed = (*segments, *(f"{k}=*" if j == i else f"{k}={v}" for j, (k, v) in enumerate(query)))
        shapes.append((Shape(fixed, len(segments) + i, ""), value))
    return shapes
