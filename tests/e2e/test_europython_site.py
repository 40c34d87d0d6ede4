"""EuroPython 2016 from pyvideo's local metadata, built by the command line, read as a user.

Its 169 descriptions mix pyvideo's header, reStructuredText and Markdown: the talk pages
show them rendered, and the page's text (footer, details, file names, the run's summary)
names what a person knows, not local paths or slugs.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from bs4 import BeautifulSoup

from topics.cli import main

#: A line of raw markup: a reST target, a backquote, ``**``, a rule of dashes.
RAW_MARKUP = re.compile(r"^\s*\.\. _[^:]*:|`|\*\*|^\s*-{4,}\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def built(shared, tmp_path_factory):
    """(site folder, stderr) of ``topics run <local europython-2016 folder>`` on an empty cache."""
    work = tmp_path_factory.mktemp("europython")
    source = shared / "data" / "pyvideo" / "europython-2016"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        args = ["run", str(source), "--cache", str(work / "cache"), "--out", str(work / "site")]
        code = main(args)
    assert code == 0, err.getvalue()
    return work / "site", err.getvalue()


def _soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_no_raw_markup_line_on_any_talk_page(built):
    site, _ = built
    pages = sorted((site / "talks").glob("*.html"))
    assert len(pages) == 169
    raw, headers, links = [], 0, 0
    for page in pages:
        section = _soup(page).select_one("section.abstract")
        text = section.get_text("\n")
        raw += [(page.name, line) for line in text.splitlines() if RAW_MARKUP.search(line)]
        headers += "[EuroPython 2016]" in text or "July 2016]" in text
        links += len(section.select(".abstract-text a[href]"))
    assert raw == []
    assert headers == 0  # pyvideo's header (and its date) is not shown
    assert links >= 40  # reST and Markdown links became links (43)


def test_lists_and_code_are_rendered(built):
    site, _ = built
    name = "adrian-dziubek-python-descriptors-for-better-data-structures"
    page = _soup(site / "talks" / f"{name}.html")
    items = [li.get_text(" ", strip=True) for li in page.select(".abstract-text ul > li")]
    assert "realized that __call__ is used instead of assignment," in items
    assert "__call__" in [code.get_text() for code in page.select(".abstract-text li code")]


def test_footer_and_event_name_what_people_know(built):
    site, _ = built
    page = _soup(site / "talks" / "adam-dangoor-another-pair-of-eyes-reviewing-code-well.html")
    footer = " ".join(page.select_one("footer").get_text(" ").split()).replace(" .", ".")
    assert "Talks of EuroPython 2016, read from europython-2016." in footer
    assert "shared" not in footer
    details = {div.dt.get_text(): div.dd.get_text() for div in page.select("dl.details > div")}
    assert details["Event"] == "EuroPython 2016"


def test_local_run_says_nothing_of_pages_and_ids_separate_speakers(built):
    site, err = built
    assert "crawled 169 talks from " in err and "pages fetched" not in err, err
    panel = "victor-stinner-larry-hastings-christian-heimes-yury-selivanov-core-developers-pa"
    assert (site / "talks" / f"{panel}.html").is_file()
