"""The site's pages: Jinja2 rendering of the views, in parallel page workers.

Topic and talk pages (most of a large site) are rendered in jobs of
:data:`PAGES_PER_JOB` talk pages or :data:`TOPIC_PAGES_PER_JOB` topic pages, by
:class:`joblib.Parallel` (processes, or a Dask cluster: :mod:`topics.model.parallel`);
each local worker writes the pages it renders. Every page is rendered from its view
object with :func:`topics.site.templates.environment`.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.preprocessing import normalize

from ..corpus import Corpus
from ..model.parallel import runs_here
from ..model.summary import ModelSummary
from ..progress import track
from . import templates as template_folder
from .export import TOP_WORDS, ExportedTopic, write_exports
from .layout import write_map_data
from .plan import plan_jobs
from .search_index import SearchDocument
from .templates import environment
from .views import Pager, PageSite, SiteView, TalkViews, TopicView

#: Talk pages, and topic pages, rendered per parallel job (docs/decisions.md, "The site
#: at 100,000 talks"). Sites with less than one job's pages are rendered in this process;
#: so are the topic pages alone, when only topic.html changed.
PAGES_PER_JOB, TOPIC_PAGES_PER_JOB = 2_000, 1_000

#: Talks listed per topic page: a larger topic gets more pages, linked by a pager.
TOPIC_PAGE_TALKS = 100


def topic_page_href(topic: TopicView, number: int) -> str:
    """Href (from the root) of page ``number`` (1-based) of a topic's talks."""
    return topic.href if number == 1 else topic.href.replace(".html", f"-{number}.html")


def topic_pages(topic: TopicView) -> list[tuple[str, dict]]:
    """The pages of a topic: (href, template context), :data:`TOPIC_PAGE_TALKS` talks each.

    The talks of other topics that give it a share ("also in this topic") are listed on
    the first page, at most :data:`TOPIC_PAGE_TALKS` of them.
    """
    size = TOPIC_PAGE_TALKS
    count = max(1, -(-len(topic.talks) // size))
    hrefs = tuple((n, topic_page_href(topic, n)) for n in range(1, count + 1))
    light = dataclasses.replace(topic, talks=[], also=[])
    pages = []
    for number in range(1, count + 1):
        pager = Pager(
            number=number,
            count=count,
            total=len(topic.talks),
            first_rank=(number - 1) * size + 1,
            prev=hrefs[number - 2][1] if number > 1 else "",
            next=hrefs[number][1] if number < count else "",
            pages=hrefs,
        )
        context = {
            "topic": light,
            "pager": pager,
            "talks": topic.talks[(number - 1) * size : number * size],
            "also": topic.also[:size] if number == 1 else [],
            "also_total": len(topic.also) if number == 1 else 0,
        }
        pages.append((hrefs[number - 1][1], context))
    return pages


def _page_jobs(pages: list[tuple[str, tuple]] | TalkViews) -> list[tuple[str, tuple]]:
    """The ``(path, (template, root, page, context))`` jobs of ``pages``: those jobs
    themselves, or the talk pages of :class:`TalkViews`, whose views are made here."""
    if isinstance(pages, TalkViews):
        return [(talk.href, ("talk.html", "../", "talk", {"talk": talk})) for talk in pages]
    return pages


def _render_many(
    templates: Path, site: PageSite, pages: list[tuple[str, tuple]] | TalkViews
) -> list[str]:
    """Render the pages (see :func:`_page_jobs`); the HTML of each, in order."""
    env = environment(templates)
    return [
        env.get_template(template).render(site=site, root=root, page=page, **context)
        for _, (template, root, page, context) in _page_jobs(pages)
    ]


def _write_many(
    templates: Path, site: PageSite, pages: list[tuple[str, tuple]] | TalkViews, folder: Path
) -> None:
    """Render the pages (see :func:`_page_jobs`) into files of ``folder``."""
    jobs = _page_jobs(pages)
    for (path, _), html in zip(jobs, _render_many(templates, site, jobs), strict=True):
        _write_page(folder / path, html)


def _write_page(target: Path, html: str) -> None:
    target.write_text(html, encoding="utf-8", newline="\n")


def render_pages(
    site: SiteView,
    folder: Path,
    templates: Path | None = None,
    groups: Sequence[str] = ("pages", "speakers", "topics", "talks"),
    after: Sequence = (),
) -> list[Path]:
    """Write the HTML pages and static assets of ``site`` into ``folder``.

    Topic and talk pages (most of a large site) are rendered in parallel with
    :class:`joblib.Parallel` (processes, or a Dask cluster, see :mod:`topics.model.parallel`)
    in jobs of :data:`PAGES_PER_JOB` talk pages or :data:`TOPIC_PAGES_PER_JOB` topic pages,
    when there are more than one job's.

    Parameters
    ----------
    site : SiteView
        What to show, from :func:`site_view`.
    folder : pathlib.Path
        An existing, empty folder (the site's root).
    templates : path or None
        Template folder; :data:`topics.site.templates.TEMPLATES` when ``None``.
    groups : sequence of str
        What to render: ``"pages"`` (index, site-wide pages and static assets),
        ``"speakers"`` (``speakers/``, on large sites), ``"topics"`` (``topics/``),
        ``"talks"`` (``talks/``).
    after : sequence of joblib.delayed calls
        Other jobs writing into ``folder``, run once the pages are handed out: by the
        page workers when these run on this machine, else here.

    Returns
    -------
    list of pathlib.Path
        The pages written: index, the site-wide pages, topic pages, talk pages.

    Raises
    ------
    jinja2.TemplateError
        If a template is missing or fails (an undefined name, for instance).
    OSError
        If a file cannot be written.
    """
    templates = Path(templates or template_folder.TEMPLATES)
    env = environment(templates)
    written = []

    def write(path: str, html: str) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_page(target, html)
        written.append(target)

    def render(template: str, root: str, page: str, **context) -> str:
        return env.get_template(template).render(site=site, root=root, page=page, **context)

    if "pages" in groups:
        write("index.html", render("index.html", "", "index"))
        write("search.html", render("search.html", "", "search"))
        write("map.html", render("map.html", "", "map"))
        write("plan.html", render("plan.html", "", "plan"))  # the attendee's plan
        split = any(group.href != "speakers.html" for group in site.speakers)
        groups_shown = [] if split else site.speakers
        write(
            "speakers.html",
            render("speakers.html", "", "speakers", groups=groups_shown, current=""),
        )
        if site.editions is not None:
            write("editions.html", render("editions.html", "", "editions"))
        if site.unassigned:
            write("unassigned.html", render("unassigned.html", "", "unassigned"))
    if "speakers" in groups:
        for group in site.speakers:
            if group.href != "speakers.html":
                html = render(
                    "speakers.html", "../", "speakers", groups=[group], current=group.href
                )
                write(group.href, html)
    jobs: list[tuple[str, tuple]] = []
    if "topics" in groups:
        for topic in site.topics:
            for href, context in topic_pages(topic):
                jobs.append((href, ("topic.html", "../", "topic", context)))
    talks = site.talks if "talks" in groups else site.talks[:0]
    light = PageSite(
        title=site.title,
        source=site.source,
        nav=site.nav,
        n_talks=site.n_talks,
        topics=[topic.link for topic in site.topics],
        image_width=site.image_width,
        image_height=site.image_height,
    )
    size, topic_size = PAGES_PER_JOB, TOPIC_PAGES_PER_JOB
    chunks: list = [jobs[i : i + topic_size] for i in range(0, len(jobs), topic_size)]
    chunks += [talks[i : i + size] for i in range(0, len(talks), size)]
    paths = [path for path, _ in jobs] + talks.hrefs
    if _one_job(len(jobs), len(talks)):
        chunks = [jobs + _page_jobs(talks)] if paths else []
    if len(chunks) > 1 and runs_here():
        # Each worker writes its pages: their HTML (most of a large site) is not sent back.
        for parent in {path.rpartition("/")[0] for path in paths}:  # not a Path per page
            (folder / parent).mkdir(parents=True, exist_ok=True)
        done = Parallel(n_jobs=-1, return_as="generator")(
            [*(delayed(_write_many)(templates, light, chunk, folder) for chunk in chunks), *after]
        )
        # Counted here as each job comes back: the workers draw no bar of their own.
        list(track(done, len(paths), "page", [*map(len, chunks), *[0] * len(after)]))
        written += [folder / path for path in paths]
        after = ()
    else:
        if len(chunks) > 1:
            # Written as each job returns, so that the site's HTML is never all in memory.
            rendered = Parallel(n_jobs=-1, return_as="generator")(
                delayed(_render_many)(templates, light, chunk) for chunk in chunks
            )
        else:
            rendered = (_render_many(templates, light, chunk) for chunk in chunks)
        counted = track(rendered, len(paths), "page", map(len, chunks))
        for chunk, htmls in zip(chunks, counted, strict=True):
            hrefs = chunk.hrefs if isinstance(chunk, TalkViews) else [path for path, _ in chunk]
            for path, html in zip(hrefs, htmls, strict=True):
                write(path, html)
    for function, args, kwargs in after:
        function(*args, **kwargs)
    static = templates / "static"
    if "pages" in groups and static.is_dir():
        shutil.copytree(static, folder / "static")
    return written


def _one_job(n_topic_pages: int, n_talk_pages: int) -> bool:
    """Whether this many topic and talk pages are rendered as one job, in this process."""
    return n_topic_pages / TOPIC_PAGES_PER_JOB + n_talk_pages / PAGES_PER_JOB <= 1


def renders_here(site: SiteView) -> bool:
    """Whether :func:`render_pages` renders all of ``site``'s pages in this process, as one
    job (no page worker is started): the site has at most one job's pages."""
    n_topic_pages = sum(max(1, -(-len(topic.talks) // TOPIC_PAGE_TALKS)) for topic in site.topics)
    return _one_job(n_topic_pages, len(site.talks))


def search_documents(corpus: Corpus, site: SiteView) -> list[SearchDocument]:
    """What the search indexes of each talk: title, speakers, abstract (and shows: event)."""
    return [
        SearchDocument(
            id=talk.id,
            title=talk.title,
            speakers=", ".join(talk.speakers),
            abstract=talk.abstract,
            event=talk.event,
            topic=best + 1,  # 0: no topic
        )
        for talk, best in zip(corpus, site.talks.best.tolist(), strict=True)
    ]


def data_jobs(corpus: Corpus, summary: ModelSummary, site: SiteView, folder: Path, parts):
    """The jobs writing the map's data and the export into the site ``folder``.

    ``parts`` says which: ``"map"``, ``"data"`` (the export), ``"plan"`` (the plan and
    schedule exports). Returns
    :func:`joblib.delayed` calls whose arguments are small (not the view), to be run in
    any process of this machine.
    """
    W = np.asarray(summary.document_topic, dtype=float)
    jobs = []
    if "map" in parts:
        H = normalize(np.asarray(summary.topic_word, dtype=float))
        jobs.append(
            delayed(write_map_data)(
                [topic.link for topic in site.topics],
                [(talk.id, talk.title) for talk in corpus],
                site.talks.best,
                W,
                H @ H.T,
                folder / "map" / "points.js",
                summary.themes,
            )
        )
    if "data" in parts:
        exported = [
            ExportedTopic(
                number=topic.number,
                label=topic.label,
                size=topic.size,
                stability=topic.stability,
                words=summary.top_words(topic.index, TOP_WORDS),
            )
            for topic in site.topics
        ]
        talks = [(t.id, t.title, t.event) for t in corpus]
        jobs.append(delayed(write_exports)(exported, talks, W, folder / "data"))
    # The plan export (plan/talks.js) and the schedule export (data/schedule.*)
    shown = [(t.index, t.number, t.label, t.href) for t in site.topics]
    jobs += plan_jobs(corpus, W, shown, folder, parts)
    return jobs
