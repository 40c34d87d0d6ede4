"""The static site of a conference's topics: index of topics, one page per topic and per talk.

:func:`build_site` takes a corpus and the :class:`~topics.model.summary.ModelSummary` of
its topics. What the pages show is computed in Python into plain view objects
(:mod:`topics.site.views`, by :func:`topics.site.site_view.site_view`); the Jinja2
templates (:mod:`topics.site.templates`) only loop and print, with autoescaping on and
:class:`jinja2.StrictUndefined`; :mod:`topics.site.pages` renders them,
:mod:`topics.site.publish` publishes the site atomically.

Layout of a built site (every link is relative, so it works from ``file://`` and from any
static host, and no page requests anything outside the site)::

    index.html                  search box, corpus summary, topics as cards, downloads
    topics/<number>.html        one page per topic (1-based number), its first
                                TOPIC_PAGE_TALKS talks; topics/<number>-<page>.html the next
    talks/<talk id>.html        one page per talk, with its five most similar talks
    search.html                 full-text search (MiniSearch, prebuilt index)
    map.html                    2-D map of the talks (canvas; map/points.js holds the data)
    speakers.html               every speaker with their talks (on a large site, links
                                to speakers/<letter>.html, one page per initial)
    editions.html               topic shares per event (only when there are several)
    unassigned.html             talks without any topic weight (only when there are some)
    search/manifest.js, search/shard-0.js      the search index (see topics.site.search_index)
    map/points.js               talk positions (see topics.site.layout)
    data/*.csv, data/*.json     the export (see topics.site.export)
    wordclouds/topic-<number>.png
    static/                     style.css, search.js, map.js, vendor/minisearch.js
    .topics-site                marker: this folder may be replaced by the next build;
                                it lists the site's own top-level files and folders

Scripts: every script is a file of the site loaded with ``<script src>`` (the
Content-Security-Policy allows ``script-src 'self'`` only, which Chromium also matches
for ``file://`` pages); data are JavaScript files that set a global, never ``fetch``ed
(Chromium refuses ``fetch`` of ``file://`` URLs). No page holds an inline script.
"""

from .publish import MARKER, build_site, check_site_folder
from .views import RenderError

__all__ = ["MARKER", "RenderError", "build_site", "check_site_folder"]
