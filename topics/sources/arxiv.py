"""Papers from arXiv's API, which answers in Atom, read page by page.

The API is documented in its user manual, https://info.arxiv.org/help/api/user-manual.html.
:func:`load_arxiv` reads ``arxiv:<category>`` (the category's papers, most recently
submitted first, :data:`ARXIV_PAGE_SIZE` a page, and :data:`ARXIV_PAGES` pages unless
``max_pages`` says otherwise) or an API query URL. Its terms of use
(https://info.arxiv.org/help/api/tou.html) ask for one request every 3 seconds on one
connection: every request to the API's host starts at least :data:`ARXIV_DELAY` seconds
after the previous one, whatever the fetcher's delay
(:meth:`~topics.sources.http.Fetcher.pace`). The API is arXiv's designated interface for
programs, governed by those terms rather than by robots.txt (which is for crawlers of
arXiv's web pages, and disallows ``/api`` there): its pages are fetched like a file the
user named. ``$TOPICS_ARXIV_API`` sets another API address (a mirror, or a test server);
it is paced the same. Each answer is read as a feed (:mod:`topics.sources.feeds`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import feedparser

from ..corpus import Corpus, Talk
from .crawler import CrawlFailure
from .defaults import ARXIV_PAGE_SIZE, ARXIV_PAGES
from .errors import SourceError
from .feeds import entry_talks, one_space, parse_document
from .http import Fetcher, FetchError

logger = logging.getLogger(__name__)

#: The API arXiv documents; ``$TOPICS_ARXIV_API`` (:data:`ARXIV_API_VARIABLE`) replaces it.
ARXIV_API = "https://export.arxiv.org/api/query"
ARXIV_API_VARIABLE = "TOPICS_ARXIV_API"
#: Most papers one API request may ask for (the user manual: slices of at most 2,000).
ARXIV_MAX_PAGE_SIZE = 2000
#: Most papers the API gives for one query (the user manual), whatever the paging.
ARXIV_MAX_RESULTS = 30_000
#: Least seconds between two requests to the API (its terms of use).
ARXIV_DELAY = 3.0

_CATEGORY = re.compile(r"[A-Za-z][A-Za-z.-]{0,39}")
_ARXIV_ERROR = re.compile(r"https?://arxiv\.org/api/errors", re.IGNORECASE)


def arxiv_api() -> str:
    """The arXiv API's address: ``$TOPICS_ARXIV_API``, else :data:`ARXIV_API`."""
    return os.environ.get(ARXIV_API_VARIABLE) or ARXIV_API


def is_arxiv_api(url: str) -> bool:
    """Whether ``url`` is a query of arXiv's API: :data:`ARXIV_API` over http or https,
    or the address ``$TOPICS_ARXIV_API`` sets."""
    parts = urlsplit(url)
    try:
        where = (parts.hostname, parts.port, parts.path.rstrip("/"))
    except ValueError:  # a port that is not a number
        return False
    default, api = urlsplit(ARXIV_API), urlsplit(arxiv_api())
    if where[0] == default.hostname and where[1] in (None, 80, 443):
        return where[2] == default.path
    return where == (api.hostname, api.port, api.path.rstrip("/"))


def load_arxiv(
    source: str,
    fetcher: Fetcher,
    max_pages: int | None = None,
    failures: list[CrawlFailure] | None = None,
) -> Corpus:
    """Read the most recent papers of an arXiv category, or an API query, page by page.

    Format: the arXiv API user manual, https://info.arxiv.org/help/api/user-manual.html
    (``search_query``, ``start``, ``max_results``, ``sortBy``, ``sortOrder``; the Atom
    answer's ``opensearch:totalResults``; errors as an entry titled "Error" whose id is
    under ``http://arxiv.org/api/errors``).

    Parameters
    ----------
    source : str
        ``arxiv:<category>`` (``arxiv:cs.CL``): the category's papers, most recently
        submitted first, :data:`ARXIV_PAGE_SIZE` a page; or an API query URL, whose
        ``max_results`` (at most :data:`ARXIV_MAX_PAGE_SIZE`) is the page size and whose
        ``start`` is where reading starts.
    fetcher : Fetcher
        Fetches (and caches) the pages; requests to the API start at least
        :data:`ARXIV_DELAY` seconds apart, one at a time.
    max_pages : int, optional
        API pages read at most (:data:`ARXIV_PAGES` when omitted); reading also stops
        at the last paper, or at the API's :data:`ARXIV_MAX_RESULTS`.
    failures : list of CrawlFailure, optional
        Receives a page after the first that could not be fetched or read (reading stops
        there, the papers read are kept); it is logged when omitted.

    Returns
    -------
    Corpus
        One talk per paper, in the API's order, each paper once.

    Raises
    ------
    SourceError
        If the category is not a category's name, the first page cannot be fetched or
        read, the API answers with an error, or it has no paper.
    """
    base, query, start, size = _arxiv_query(source)
    fetcher.pace(base, ARXIV_DELAY)
    what = query.get("search_query") or query.get("id_list") or source
    talks: list[Talk] = []
    seen: set[str] = set()
    total, pages = None, max_pages or ARXIV_PAGES
    for n in range(pages):
        first = start + n * size
        if first >= ARXIV_MAX_RESULTS or (total is not None and first >= total):
            break
        url = f"{base}?{urlencode({**query, 'start': first, 'max_results': size})}"
        try:
            parsed = _arxiv_page(url, fetcher, what)
        except SourceError as exc:
            if n == 0:
                raise
            failure = CrawlFailure(url, str(exc))
            if failures is None:
                logger.warning("arXiv page skipped, reading stopped: %s: %s", *failure)
            else:
                failures.append(failure)
            break
        with contextlib.suppress(ValueError):
            total = int(str(parsed.feed.get("opensearch_totalresults", "")).strip())
        found = [t for t in entry_talks(parsed) if t.id not in seen]  # papers pushed down a page
        seen.update(t.id for t in found)
        talks += found
        if not parsed.entries:
            break
    if not talks:
        raise SourceError(f"arXiv has no paper for {what} (is the category right?)")
    if total is not None and start + len(talks) < min(total, ARXIV_MAX_RESULTS):
        logger.info(
            "arXiv %s: %d of its %d papers read (%d pages of %d; --max-pages reads more)",
            what,
            len(talks),
            total,
            pages,
            size,
        )
    return Corpus(talks=talks, title=f"arXiv {what}", source=source)


def _arxiv_query(source: str) -> tuple[str, dict[str, str], int, int]:
    """The API's address, the query's parameters (without paging), the first paper and
    the page size of ``arxiv:<category>`` or of an API URL."""
    if source.startswith("arxiv:"):
        category = source.removeprefix("arxiv:")
        if not _CATEGORY.fullmatch(category):
            raise SourceError(
                f"{source!r}: not an arXiv category (letters, dots and hyphens, such as"
                " arxiv:cs.CL or arxiv:hep-th)"
            )
        query = {
            "search_query": f"cat:{category}",
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        return arxiv_api(), query, 0, ARXIV_PAGE_SIZE
    parts = urlsplit(source)
    query = dict(parse_qsl(parts.query))
    try:
        start = max(0, int(query.pop("start", "0")))
        size = int(query.pop("max_results", ARXIV_PAGE_SIZE))
    except ValueError:
        raise SourceError(f"{source}: start and max_results must be whole numbers") from None
    size = min(max(size, 1), ARXIV_MAX_PAGE_SIZE)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query, start, size


def _arxiv_page(url: str, fetcher: Fetcher, what: str) -> feedparser.FeedParserDict:
    try:
        page = fetcher.get(url, robots=False)
    except FetchError as exc:
        raise SourceError(f"cannot fetch arXiv's answer {exc}") from None
    parsed = parse_document(page.content, page.url, page.encoding)
    for entry in parsed.entries:
        if _ARXIV_ERROR.match(str(entry.get("id", ""))):
            message = one_space(str(entry.get("summary", "")))[:200] or "an error"
            raise SourceError(f"arXiv's API refused {what}: {message}")
    return parsed
