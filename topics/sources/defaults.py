"""The sources' defaults and limits that the command's options show: a module that imports
nothing, so that parsing the options loads no HTTP, HTML, feed or calendar library.

Each constant is also a name of the module that uses it (:mod:`topics.sources.http`,
:mod:`topics.sources.crawler`, ...), where its documentation points.
"""

from __future__ import annotations

#: Seconds to wait for a connection, and for one attempt of a request in all (connecting,
#: sending, the answer's headers and body).
TIMEOUT = (10.0, 30.0)
#: Largest response body accepted, in bytes.
MAX_BYTES = 20 * 1024 * 1024
#: Default seconds between the starts of two requests to one host (at most 2 a second).
DELAY = 0.5
#: Default number of requests in flight to one host at a time.
CONCURRENCY = 2
#: Environment variable that overrides :data:`DELAY` when no delay is given.
DELAY_VARIABLE = "TOPICS_CRAWL_DELAY"
#: Longest wait, in seconds, a site may ask for: a ``Retry-After`` or a backoff asking for
#: more gives up on the page; a robots.txt ``Crawl-delay`` or ``Request-rate`` asking for
#: more paces the host at this.
MAX_WAIT = 120.0

#: Default largest number of talk pages read from one list page (the ``--max-pages`` option).
MAX_PAGES = 5000

#: Papers asked for in one arXiv API request: 500 papers are about 1 MB of Atom.
ARXIV_PAGE_SIZE = 500
#: arXiv API pages read when ``max_pages`` is not given: the 2,000 most recent papers.
ARXIV_PAGES = 4

#: Where ``topics run`` reads pyvideo's data from unless told otherwise.
DEFAULT_DATA = "https://github.com/pyvideo/data"
