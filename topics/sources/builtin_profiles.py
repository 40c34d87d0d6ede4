"""The built-in site profiles, and how a list page's profile is chosen among them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SourceError
from .profiles import Profile, load_profile, required_fields

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

_PYCON_US_2019 = Profile(
    name="pycon-us-2019",
    description=(
        "PyCon US 2019 (Symposion): list page /2019/schedule/talks/list/ or grid"
        " /2019/schedule/talks/"
    ),
    # The list page, and the grid (whose markup the 2023 site kept).
    talk_links=(
        'h2 > a[id^="presentation-"][href],'
        ' table.calendar td.slot span.title a[href*="/presentation/"]'
    ),
    title=("div.box-content > h2",),
    abstract=("div.box-content div.description", "div.box-content div.abstract"),
    speakers=('div.box-content h4 a[href*="/speaker/profile/"]',),
    when=("div.box-content > h4:first-of-type:not(:has(a))",),
    abstract_format="text",
    url_pattern=r"/2019/schedule/",
    markers=(
        "body.presentation-list",
        "body.schedule-page",
        "div.presentation-description",
        'link[href*="/site_media/static/"]',
    ),
    event_prefix="pycon-us",
    conference="PyCon US",
    year="2019",
    check_selectors=False,
)


_PYCON_US_2023 = Profile(
    name="pycon-us-2023",
    description="PyCon US 2023: talk grid /2023/schedule/talks/",
    talk_links='table.calendar td.slot span.title a[href*="presentation/"]',
    title=("div.panel-heading h3",),
    title_prefix=(
        r"(?P<track>Talks|Charlas|Tutorials|Sponsor Presentations|Posters|Lightning Talks"
        r"|Keynotes?|Summits?|Open Spaces?)\s*:\s*"
    ),
    abstract=("div.panel-body div.description",),
    speakers=("div.panel-body ul.no-list-style > li",),
    when=("div.panel-heading > p",),
    url_pattern=r"/2023/schedule/",
    markers=("main table.calendar td.slot", "div.mobile-background"),
    event_prefix="pycon-us",
    conference="PyCon US",
    year="2023",
    check_selectors=False,
)


_PYCON_US_2025 = Profile(
    name="pycon-us-2025",
    description="PyCon US 2025: talk grid /2025/schedule/talks/",
    talk_links='section.slot div.title a[href*="/presentation/"]',
    title=("hgroup.presentation-detail-header-headline h1",),
    track=("hgroup.presentation-detail-header-headline span.pill",),
    # The footer holds a second div.content: only the one in the description column counts.
    abstract=("main div.max-medium > div.content", "main div.content"),
    speakers=("p.speaker-list a",),
    when=("div.presentation-detail-header > p",),
    url_pattern=r"/2025/schedule/",
    markers=("div.calendar section.slot", "div.time-slot-listing"),
    event_prefix="pycon-us",
    conference="PyCon US",
    year="2025",
    check_selectors=False,
)


_EUROPYTHON_2016 = Profile(
    name="europython-2016",
    description="EuroPython 2016 (epcon): schedule grid /p3/schedule/ep2016/",
    talk_links="td.event div.name a[href]",
    title=("div.grid-100 > h1", "section h1", "h1"),
    abstract=("div.readonly div.cms", "div.cms"),
    speakers=("div.talk-speakers a",),
    tags=("div.all-tags span.tag",),
    when=("section.talk.when",),
    # "in <track> on Tuesday 19 July at 11:15". Atomic groups: only the first "in" and the
    # first "on" after it are tried, as a later one leaves less text for what follows (it
    # matches only where they do); trying every pair of them was cubic (docs/decisions.md).
    when_pattern=(
        r"^(?>.*?\bin\s+)(?>(?P<room>.+?)\s+on\s+)(?P<day>.+?)\s+at\s+(?P<time>\d{1,2}:\d{2})"
    ),
    language=("div.talk.details dl > dd:first-of-type",),
    url_pattern=r"ep2016\.europython\.eu|/ep2016/",
    event_prefix="europython",
    conference="EuroPython",
    year="2016",
    check_selectors=False,
)


_PRETALX = Profile(
    name="pretalx",
    description="pretalx: schedule /<event>/schedule/nojs, talks /<event>/talk/<CODE>/",
    talk_links='#fahrplan a[href*="/talk/"]',
    title=("article h3.talk-title .heading-with-buttons > span", "article h3.talk-title"),
    abstract=("article section.abstract",),
    details=("article section.description",),
    speakers=("article div.pretalx-session-info > div.title",),
    # "2016-07-18 09:00 \u2013 09:30 , Anfiteatro 1"
    when=("article h3.talk-title > small",),
    when_pattern=(
        r"^(?P<day>.+?)\s+(?P<time>\d{1,2}:\d{2}\s*[\u2013\u2014-]\s*\d{1,2}:\d{2})"
        r"\s*,\s*(?P<room>.+)$"
    ),
    url_pattern=r"/schedule/nojs",
    markers=('meta[name="generator"][content^="pretalx"]', "#fahrplan"),
    check_selectors=False,
)


#: The built-in profiles by name.
PROFILES: dict[str, Profile] = {
    p.name: p for p in (_PYCON_US_2019, _PYCON_US_2023, _PYCON_US_2025, _EUROPYTHON_2016, _PRETALX)
}


def get_profile(name: str) -> Profile:
    """Return the built-in profile called ``name``, or read the profile file ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`PROFILES`, or the path of a TOML profile file (see
        :func:`load_profile`): a name ending in ``.toml`` or an existing file.

    Raises
    ------
    SourceError
        If there is no such profile; the message lists the known ones and says how to
        write a profile file. See :func:`load_profile` for a file's errors.
    """
    if name in PROFILES:
        return PROFILES[name]
    if name.lower().endswith(".toml") or Path(name).is_file():
        return load_profile(name)
    raise SourceError(
        f"no site profile {name!r}; known profiles: {', '.join(PROFILES)}; or give a"
        " TOML profile file (--profile my-site.toml, fields: see 'topics sources')"
    )


#: Environment variable that switches the built-in profiles off for detection when set to
#: ``"off"``: tests use it to read sites the built-in profiles know as if they were new.
BUILTIN_VARIABLE = "TOPICS_BUILTIN_PROFILES"


def builtin_profiles() -> list[Profile]:
    """The built-in profiles detection may pick: none when ``$TOPICS_BUILTIN_PROFILES`` is
    ``off``."""
    if os.environ.get(BUILTIN_VARIABLE, "").strip().lower() == "off":
        return []
    return list(PROFILES.values())


def _ranked(url: str, soup: BeautifulSoup) -> list[tuple]:
    ranked = []
    for order, profile in enumerate(builtin_profiles()):
        n_links = sum(bool(a.get("href")) for a in soup.select(profile.talk_links))
        url_match = bool(profile.url_pattern and re.search(profile.url_pattern, url))
        n_markers = sum(bool(soup.select_one(m)) for m in profile.markers)
        ranked.append((n_links > 0, url_match, n_markers, n_links, -order, profile))
    ranked.sort(key=lambda r: r[:5], reverse=True)
    return ranked


def matching_profile(url: str, soup: BeautifulSoup) -> Profile | None:
    """The built-in profile whose talk-link selector matches a list page, if any.

    Candidates are ranked as by :func:`detect_profile`; ``None`` when no built-in
    profile's ``talk_links`` selector matches a link on the page.
    """
    ranked = _ranked(url, soup)
    return ranked[0][-1] if ranked and ranked[0][0] else None


def detect_profile(url: str, soup: BeautifulSoup) -> Profile:
    """Pick the built-in profile that fits a fetched list page.

    A profile is a candidate when its ``talk_links`` selector matches at least one
    link with an ``href`` on the page. Candidates are ranked by whether their
    ``url_pattern`` matches ``url``, then by how many of their ``markers`` match, then
    by how many links they find; the first registered wins a tie. When no selector
    matches, a profile is still chosen if it is the only one whose ``url_pattern``
    matches (so the caller can say which selector found nothing).

    Parameters
    ----------
    url : str
        The list page's final URL.
    soup : bs4.BeautifulSoup
        The parsed list page.

    Returns
    -------
    Profile

    Raises
    ------
    SourceError
        If no profile fits; the message names the known profiles and what a profile
        needs.
    """
    ranked = _ranked(url, soup)
    if ranked and ranked[0][0]:
        return ranked[0][-1]
    by_url = [r[-1] for r in ranked if r[1]]
    if len(by_url) == 1:
        return by_url[0]
    known = "; ".join(f"{p.name} ({p.description})" for p in PROFILES.values())
    raise SourceError(
        f"no site profile recognises {url}: no profile's talk-link selector matches it."
        f" Known profiles: {known}. Name one with --profile, or describe the site in a"
        f" TOML profile file given as --profile my-site.toml, with {required_fields()}"
        " ('topics sources' lists every field)"
    )
