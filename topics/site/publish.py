"""Publishing a site: :func:`build_site` renders into a temporary folder and swaps it in.

The site is published atomically: it is rendered into a temporary sibling folder which
then replaces the previous site, so a failed build leaves the previous site intact. Two
builds into one folder at once take turns at that swap (an exclusive lock on the parent
folder), and the last one's site stays; the next build deletes the temporary folder a
killed build left (each build locks its own while it writes it). Page names come from
talk ids, which must be safe as file names (:func:`topics.corpus.is_safe_id`): no id can
name a file outside the site.

Only what topics made is ever deleted: files and folders the user put into a site folder
(a ``CNAME`` and ``.nojekyll`` for GitHub Pages, a ``.git`` checkout, notes) are moved
into each new site; a folder that topics did not make is not built into unless asked
(``force``); and a sibling folder is deleted as a killed build's leftover only when its
name is exactly one this module makes and it holds the marker.

A rebuild renders again only the parts of the site (:data:`PAGE_PARTS`,
:data:`DATA_PARTS`) whose inputs, code or templates changed; the marker records each
part's key.
"""

from __future__ import annotations

import gc
import glob
import json
import os
import pickle
import re
import shutil
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import joblib
from joblib import Memory

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from ..corpus import Corpus
from ..model.summary import ModelSummary
from ..progress import stage
from .pages import data_jobs, render_pages, renders_here, search_documents
from .search_index import write_search_index
from .site_view import check_summary, named_events, site_view
from .templates import template_digest
from .views import HEIGHT, WIDTH, SiteView
from .wordclouds import SCALE, theme_weights, topic_weights, write_wordclouds

#: File that marks a folder as a site built here, which a later build may replace. It
#: lists the site's top-level names ("files"): anything else in the folder is the user's.
MARKER = ".topics-site"

#: The top-level names of a site whose marker does not list them (built before it did).
_OLDER_SITE = frozenset(
    {
        *("index.html", "search.html", "map.html", "speakers.html", "editions.html"),
        *("unassigned.html", "speakers", "topics", "talks", "search", "map", "data"),
        *("wordclouds", "static", MARKER),
        *("plan.html", "plan"),  # topics.site.plan
    }
)

#: The end of the name of a temporary sibling ``.<site>.new-*`` (being built) or
#: ``.<site>.old-*`` (being deleted) of the site folder ``<site>``.
_TEMPORARY = re.compile(r"(new|old)-[0-9a-f]{32}")


def build_site(
    corpus: Corpus,
    summary: ModelSummary,
    out_dir: str | os.PathLike,
    memory: Memory | None = None,
    force: bool = False,
) -> Path:
    """Render the topic site of a corpus and publish it atomically into ``out_dir``.

    Parameters
    ----------
    corpus : Corpus
        The talks, ``n_talks`` of them.
    summary : ModelSummary
        The topics of these talks (:meth:`topics.model.TopicModel.summary`). A talk belongs
        to its strongest topic (highest weight in W); a talk whose weights are all zero
        to none.
    out_dir : path
        The site folder. Replaced once the new site is complete; it must be absent,
        empty, or a site built here before (it holds the ``.topics-site`` marker), unless
        ``force``. What the folder holds that is not the site's (the names the marker does
        not list: a ``CNAME``, ``.nojekyll``, ``.git``, notes) is moved into the new site.
    memory : joblib.Memory or None
        Cache of the word cloud images and of the site view.
    force : bool
        Build also into a non-empty folder that is not a site: its files and folders
        named like the site's (``index.html``, ``talks``, ...) are replaced, the others
        kept; a file of the user's named like a new part of a site is replaced too.

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding the new site.

    Raises
    ------
    RenderError
        If the inputs are inconsistent or a talk id is unsafe (see
        :func:`topics.site.site_view.check_summary`).
    FileExistsError
        If ``out_dir`` exists and is a file or a symbolic link; unless ``force``, if it
        is a non-empty folder that is not a site, or holds a file of the user's named
        like a file of the new site (see :func:`check_site_folder`).
    OSError, jinja2.TemplateError
        If rendering or writing fails; ``out_dir`` is then left as it was.
    """
    out = Path(out_dir).absolute()
    check_summary(corpus, summary)
    corpus = named_events(corpus)
    check_site_folder(out, force)
    digest, code = joblib.hash((corpus.digest(), summary)), _code_digest()
    keys = {
        "talks": joblib.hash((digest, code, template_digest("talk.html"))),
        "topics": joblib.hash((digest, code, template_digest("topic.html"))),
        "speakers": joblib.hash((digest, code, template_digest("speakers.html"))),
        **{part: joblib.hash((digest, code, part)) for part in DATA_PARTS},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    new = out.with_name(f".{out.name}.new-{uuid.uuid4().hex}")
    new.mkdir()
    try:
        with _locked(new):  # in use: no other build takes it for a killed build's leftover
            new.chmod(0o755)  # a web server must be able to read it, whatever the umask
            # Marked at once, so that the next build knows a killed build's leftover.
            (new / MARKER).write_text(json.dumps({"generator": "topics"}), encoding="utf-8")
            # The word clouds need only the model: worker processes draw them while this
            # one makes the site view, and the pages when no page worker is started (the
            # page workers would share the cores and joblib's executor with them).
            with _side_thread() as pool:
                clouds = pool.submit(_write_clouds, summary, new / "wordclouds", memory)
                with _gc_paused(), stage("site view"):
                    site = _cached_view(corpus, summary, digest, code, memory)
                    # The view lives until the end: collections need not go over it again.
                    gc.freeze()
                try:
                    if not renders_here(site):
                        clouds.result()
                    reused = _unchanged(out, keys)
                    _render_into(new, out, corpus, summary, site, keys, reused, force, clouds)
                finally:
                    gc.unfreeze()
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return out


def _cached_view(
    corpus: Corpus, summary: ModelSummary, digest: str, code: str, memory: Memory | None
) -> SiteView:
    """The site view, from the memory when it holds the one of these inputs and code
    (called with collections paused, see :func:`_gc_paused`)."""
    store = memory.cache(_stored_view, ignore=["blob"]) if memory is not None else None
    if store is not None and store.check_call_in_cache(digest, code, None):
        blob = store(digest, code, None)
        if blob is not None:
            return pickle.loads(blob)
    site = site_view(corpus, summary)
    if store is not None:
        store.call(digest, code, pickle.dumps(site, protocol=pickle.HIGHEST_PROTOCOL))
    return site


def _write_clouds(summary: ModelSummary, folder: Path, memory: Memory | None) -> None:
    """Each topic's word cloud (``topic-<n>.png``) and each theme's (``theme-<n>.png``)."""
    with stage("word clouds"):
        for weights, name in (
            (topic_weights(summary), "topic-{number}.png"),
            (theme_weights(summary), "theme-{number}.png"),
        ):
            write_wordclouds(
                weights,
                folder,
                width=WIDTH,
                height=HEIGHT,
                scale=SCALE,
                random_state=summary.random_state,
                memory=memory,
                name=name,
            )


def _render_into(
    new: Path,
    out: Path,
    corpus: Corpus,
    summary: ModelSummary,
    site: SiteView,
    keys: dict[str, str],
    reused: list[str],
    force: bool,
    clouds: Future,
) -> None:
    """Write the site into the folder ``new``, but for the ``reused`` parts, moved over
    from the site in ``out`` as ``new`` replaces it, with the user's files in ``out``; the
    word clouds (``clouds``, being drawn into ``new``) are waited for before ``new`` is
    marked and published."""
    fresh = [part for part in (*PAGE_PARTS, *DATA_PARTS) if part not in reused]
    with stage("pages"):
        _render_parts(new, corpus, summary, site, ["pages", *fresh])
    clouds.result()
    marker = {
        "generator": "topics",
        "talks": site.n_talks,
        "topics": len(site.topics),
        "parts": keys,
        "files": sorted({path.name for path in new.iterdir()} - {MARKER} | set(reused)),
    }
    (new / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    with stage("publish"), _locked(out.parent):  # two builds publish one after the other
        check_site_folder(out, force)  # again: another build may have published meanwhile
        moved = _move_unchanged(out, new, keys, reused)
        if moved is None:
            # Another build published other parts meanwhile: these are rendered after all
            # (that build waits, as when both publish at once).
            _render_parts(new, corpus, summary, site, reused)
        kept: list[str] = []
        try:
            kept = _move_user_files(out, new, force)
            _swap_into_place(new, out)
        except BaseException:
            _move_back(new, out, [*(moved or []), *kept])
            raise
        _remove_leftovers(out)


def _render_parts(
    new: Path,
    corpus: Corpus,
    summary: ModelSummary,
    site: SiteView,
    parts: Sequence[str],
) -> None:
    """Write into ``new`` these ``parts`` of the site: ``"pages"`` (index, site-wide pages,
    static assets), :data:`PAGE_PARTS` and :data:`DATA_PARTS`."""
    groups = [part for part in parts if part == "pages" or part in PAGE_PARTS]
    data = [part for part in parts if part in DATA_PARTS]
    # The search index is made in a thread of this process while the pages are rendered:
    # this process mostly waits for the page workers. The map and the export are jobs of
    # the page workers, after the pages, or the index would finish last, alone.
    with _side_thread() as pool:
        search = None
        if "search" in data:
            search = pool.submit(_search_index, search_documents(corpus, site), new / "search")
        after = data_jobs(corpus, summary, site, new, data)
        render_pages(site, new, groups=groups, after=after)
        if search is not None:
            search.result()


def _search_index(documents: list, folder: Path) -> None:
    with stage("search index", len(documents), "talk"):
        write_search_index(documents, folder)


@contextmanager
def _side_thread() -> Iterator[ThreadPoolExecutor]:
    """A thread for work done beside this one's, waited for at the end of the block, but
    not when an exception (Ctrl-C) leaves it: the build stops at once, and what the thread
    writes goes into the unpublished folder, deleted."""
    pool = ThreadPoolExecutor(1)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: while the millions of small objects of a large
    site's view are made or unpickled, collections would go over all of them again and
    again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _locked(folder: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on ``folder`` (POSIX ``flock``, released on exit); yields
    whether it is held: with ``wait=False``, ``False`` when another process holds it.
    Where there is no ``flock`` (Windows) nothing is locked and ``True`` is yielded."""
    if fcntl is None:
        yield True
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _remove_leftovers(out: Path) -> None:
    """Delete what killed builds left beside ``out``: temporary folders no build holds.

    Only folders named exactly as this module names them (``.<site>.new-`` or
    ``.<site>.old-`` and 32 hex digits) and holding the marker are taken: a folder of the
    user's (``.site.old-backup``) is not. Called with the parent folder locked, so no
    other build is between its renames."""
    if fcntl is None:  # without locks a leftover cannot be told from a build in progress
        return
    prefix = f".{out.name}."
    for leftover in out.parent.glob(f"{glob.escape(prefix)}*"):
        if not _TEMPORARY.fullmatch(leftover.name[len(prefix) :]):
            continue
        if leftover.is_symlink() or not (leftover / MARKER).is_file():
            continue
        with _locked(leftover, wait=False) as free:
            if free:
                _delete_site_folder(leftover)


def _delete_site_folder(folder: Path) -> None:
    """Delete a site folder, its marker last: interrupted, it is still known as a leftover."""
    for path in folder.iterdir():
        if path.name == MARKER:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _move_user_files(out: Path, new: Path, force: bool) -> list[str]:
    """Move into ``new`` what ``out`` holds that is not its site's (see :func:`_site_names`),
    and return their names. Called with the parent folder locked, just before ``new``
    replaces ``out``.

    Raises
    ------
    FileExistsError
        Unless ``force``, if one of them is named like a file or folder of the new site
        (nothing is moved then); with ``force`` those are left, to be deleted with ``out``.
    """
    if not out.is_dir():
        return []
    own = _site_names(out)
    theirs = sorted(path.name for path in out.iterdir() if path.name not in own)
    taken = [name for name in theirs if os.path.lexists(new / name)]
    if taken and not force:
        raise FileExistsError(
            f"{out} holds {', '.join(taken[:3])}, which topics did not make, and the new"
            " site has a file of that name: refusing to replace it; move it away, or use"
            " --force to replace it"
        )
    moved: list[str] = []
    try:
        for name in theirs:
            if name not in taken:
                os.rename(out / name, new / name)
                moved.append(name)
    except BaseException:
        _move_back(new, out, moved)
        raise
    return moved


def _unchanged(out: Path, keys: dict[str, str]) -> list[str]:
    """The parts of the site in ``out`` whose key is unchanged: they need no rendering."""
    previous = _previous_keys(out)
    return [name for name, key in keys.items() if previous.get(name) == key]


def _move_unchanged(
    out: Path, new: Path, keys: dict[str, str], parts: Sequence[str]
) -> list[str] | None:
    """Move ``parts`` of the site in ``out`` into ``new``, if ``out`` still holds them with
    these keys, and return them; ``None`` (and nothing moved) if it does not.

    Called with the parent folder locked, just before ``new`` replaces ``out``: until then
    the published site keeps every file, whatever happens to this build. Moving a folder is
    one rename.
    """
    if not set(parts) <= set(_unchanged(out, keys)):
        return None
    moved: list[str] = []
    try:
        for name in parts:
            os.rename(out / name, new / name)
            moved.append(name)
    except BaseException:
        _move_back(new, out, moved)
        raise
    return moved


def _move_back(new: Path, out: Path, parts: Sequence[str]) -> None:
    """Undo :func:`_move_unchanged` for ``parts``: the published site is left whole."""
    for name in parts:
        os.rename(new / name, out / name)


#: Folders of pages each rebuilt only when their inputs or their template changed.
PAGE_PARTS = ("speakers", "topics", "talks")

#: Folders of the site written apart from the pages (search index, map data, export),
#: each rebuilt only when its inputs changed (so are ``topics/`` and ``talks/``, when
#: also their templates did not).
DATA_PARTS = ("search", "map", "data", "plan")


def _stored_view(digest: str, code: str, blob: bytes | None) -> bytes | None:
    """The site view ``blob`` (pickled), as kept in the memory under the inputs' ``digest``
    and the ``code``'s alone.

    Pickled by the C pickler, not by joblib's pure-Python pickler (docs/decisions.md, "The
    site at 100,000 talks").
    """
    return blob


def _code_digest() -> str:
    """Hash of the code that turns the inputs into pages and data files: every module of
    :mod:`topics.site` and :mod:`topics.model` (the site calls the model's similarity and
    word clouds)."""
    package = Path(__file__).resolve().parent.parent
    files = sorted([*package.glob("site/*.py"), *package.glob("model/*.py")])
    return joblib.hash(
        [(path.relative_to(package).as_posix(), path.read_bytes()) for path in files]
    )


def _read_marker(out: Path) -> dict:
    """The marker of the site in ``out``; empty if it is missing or unreadable."""
    try:
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return marker if isinstance(marker, dict) else {}


def _previous_keys(out: Path) -> dict[str, str]:
    """The part keys recorded by the site in ``out``, for parts that are still there."""
    parts = _read_marker(out).get("parts")
    if not isinstance(parts, dict):
        return {}
    return {name: key for name, key in parts.items() if (out / str(name)).is_dir()}


def _site_names(out: Path) -> set[str]:
    """The top-level names of the site in ``out``, which a rebuild replaces: those its
    marker lists (:data:`_OLDER_SITE` if it lists none), and the marker; none if ``out``
    holds no marker (it is not a site)."""
    if not (out / MARKER).is_file():
        return set()
    files = _read_marker(out).get("files")
    if not (isinstance(files, list) and all(isinstance(name, str) for name in files)):
        return set(_OLDER_SITE)
    return {*files, MARKER}


def check_site_folder(out_dir: str | os.PathLike, force: bool = False) -> None:
    """Check that a site may be built into ``out_dir`` (see :func:`build_site`).

    Parameters
    ----------
    out_dir : path
        The site folder.
    force : bool
        Allow a non-empty folder that is not a site built here.

    Raises
    ------
    FileExistsError
        If ``out_dir`` is a file or a symbolic link; unless ``force``, if it is a
        non-empty folder without the :data:`MARKER` file.
    """
    out = Path(out_dir).absolute()
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FileExistsError(f"{out} exists and is not a folder: refusing to replace it")
    if not force and out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise FileExistsError(
            f"{out} is not empty and is not a site built by topics (no {MARKER} file):"
            " refusing to build into it; choose another --out folder, or use --force to"
            " build into it (its files named like the site's are replaced, the others kept)"
        )


def _swap_into_place(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new``; the old folder is deleted only once ``new`` is in place."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex}")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    _delete_site_folder(old)
