"""Talks from pyvideo.org's metadata, in the layout of its ``data`` repository.

An event folder holds ``category.json`` (``title``, ``description``) and
``videos/<slug>.json`` (``title``, ``description``, ``speakers``, ``tags``,
``language``, ``recorded``, ``related_urls``, ...). Format:
https://github.com/pyvideo/data#json-schema

The folder is read from a local path or over HTTP. Over HTTP the list of videos comes
from the GitHub contents API when the base is the GitHub repository, otherwise from
the server's directory listing (``python -m http.server``, nginx ``autoindex``, Apache).
These are data files of a repository the user named, read as such: robots.txt, which
addresses crawlers of web pages, is not consulted (see :meth:`Fetcher.get`); the pace,
retries and cache of :class:`~topics.sources.http.Fetcher` apply as to any request.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ..corpus import Corpus, Talk, slugify, unique_ids
from .defaults import DEFAULT_DATA
from .errors import SourceError, one_line

if TYPE_CHECKING:
    from .http import Fetcher

_GITHUB_REPO = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)/?$")


def load_event(event: str, data: str = DEFAULT_DATA, fetcher: Fetcher | None = None) -> Corpus:
    """Load one pyvideo event as a corpus.

    Parameters
    ----------
    event : str
        The event's folder name in the data repository, such as ``"europython-2016"``.
    data : str
        The data repository: a local folder, an http(s) URL of a copy served with
        directory listings, or ``https://github.com/<owner>/<repo>``.
    fetcher : Fetcher, optional
        Used for URLs; a non-caching one is made when omitted.

    Returns
    -------
    Corpus
        One talk per video file, ordered by file name; ``id`` is the file's slug.

    Raises
    ------
    SourceError
        If the event folder, its ``category.json`` or its videos cannot be read.
    """
    if re.search(r"[/\\]|^\.\.?$", event) or not event:
        raise SourceError(f"not a pyvideo event name: {event!r}")
    if data.startswith(("http://", "https://")):
        from .http import Fetcher  # a local folder is read without the HTTP libraries

        return _load_remote(event, data, fetcher or Fetcher())
    return load_folder(Path(data) / event)


def load_folder(folder: str | Path) -> Corpus:
    """Load a pyvideo event folder from the local file system.

    Raises
    ------
    SourceError
        If ``folder`` does not exist, has no ``category.json``, or a video file is not
        valid JSON.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"no such folder: {folder} (a pyvideo event folder of the data)")
    category_path = folder / "category.json"
    if not category_path.is_file():
        raise SourceError(f"{folder} is not a pyvideo event folder (no category.json)")
    category = _parse_json(category_path.read_bytes(), str(category_path))
    videos = {
        path.stem: _parse_json(path.read_bytes(), str(path))
        for path in sorted((folder / "videos").glob("*.json"))
    }
    return _corpus(folder.name, category, videos, str(folder))


def _load_remote(event: str, data: str, fetcher: Fetcher) -> Corpus:
    from .http import FetchError

    github = _GITHUB_REPO.match(data)
    try:
        if github:
            api = f"https://api.github.com/repos/{github['repo']}/contents/{event}"
            entries = _parse_json(fetcher.get(api, robots=False).content, api)
            files = {e["name"]: e["download_url"] for e in entries if e.get("type") == "file"}
            listing = _parse_json(
                fetcher.get(f"{api}/videos", robots=False).content, f"{api}/videos"
            )
            video_urls = [e["download_url"] for e in listing if e["name"].endswith(".json")]
            category_url = files.get("category.json", "")
        else:
            base = data.rstrip("/") + f"/{event}/"
            category_url = urljoin(base, "category.json")
            video_urls = _listed_json_files(fetcher, urljoin(base, "videos/"))
        if not category_url:
            raise SourceError(f"pyvideo event {event!r} has no category.json at {data}")
        category = _parse_json(fetcher.get(category_url, robots=False).content, category_url)
        videos = {}
        for url in sorted(video_urls):
            videos[Path(urlsplit(url).path).stem] = _parse_json(
                fetcher.get(url, robots=False).content, url
            )
    except FetchError as exc:
        raise SourceError(f"cannot read pyvideo event {event!r}: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise SourceError(f"unexpected GitHub API answer for {event!r}: {exc}") from None
    return _corpus(event, category, videos, f"{data.rstrip('/')}/{event}")


def _listed_json_files(fetcher: Fetcher, folder_url: str) -> list[str]:
    from bs4 import BeautifulSoup

    page = fetcher.get(folder_url, robots=False)
    soup = BeautifulSoup(page.content, "lxml", from_encoding=page.encoding)
    urls = {urljoin(page.url, a["href"]) for a in soup.select("a[href]")}
    return [u for u in urls if u.startswith(page.url) and u.endswith(".json")]


def _parse_json(content: bytes, where: str):
    try:
        return json.loads(content)
    except RecursionError:
        raise SourceError(f"{where} is JSON nested too deeply to be a pyvideo file") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a number too long
        raise SourceError(f"{where} is not valid JSON: {one_line(exc)}") from None


def _corpus(event: str, category: dict, videos: dict[str, dict], source: str) -> Corpus:
    if not videos:
        raise SourceError(f"pyvideo event {event!r} at {source} has no videos/*.json")
    slugs = unique_ids(_talk_id(slug, video) for slug, video in videos.items())
    talks = []
    for slug, video in zip(slugs, videos.values(), strict=True):
        title = " ".join(str(video.get("title") or "").split()) if isinstance(video, dict) else ""
        if not title:
            continue
        urls = _items(video.get("related_urls"))
        related = [u for u in urls if isinstance(u, str)]
        related += [u["url"] for u in urls if isinstance(u, dict) and isinstance(u.get("url"), str)]
        talks.append(
            Talk(
                id=slug,
                title=title,
                abstract=str(video.get("description") or "").strip(),
                speakers=tuple(str(s) for s in _items(video.get("speakers")) if s),
                tags=tuple(str(t) for t in _items(video.get("tags")) if t),
                day=str(video.get("recorded") or ""),
                url=next((u for u in related if u.startswith(("http://", "https://"))), "")
                or f"https://pyvideo.org/{event}/{slug}.html",
                event=event,
                language=str(video.get("language") or ""),
            )
        )
    title = category.get("title", event) if isinstance(category, dict) else event
    return Corpus(talks=talks, title=str(title), source=source)


def _talk_id(stem: str, video) -> str:
    """A talk's id: its file's name, with the speakers' names that pyvideo's file names run
    together ("victor-stinnerlarry-hastings-core-developers-panel") separated."""
    slug = slugify(stem)
    speakers = (
        [slugify(str(s)) for s in _items(video.get("speakers"))] if isinstance(video, dict) else []
    )
    speakers = [s for s in speakers if s]
    joined = "".join(speakers)
    if (
        len(speakers) > 1
        and slug.startswith(joined)
        and slug[len(joined) : len(joined) + 1] in {"-", ""}
    ):
        return slugify("-".join(speakers) + slug[len(joined) :])
    return slug


def _items(value) -> list:
    """A list field of a video file: a list as is, a lone string as one item, else none."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []
