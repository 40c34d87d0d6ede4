"""Reusable headless-Chromium helpers for browser tests (Playwright driving Debian's chromium).

Usage in a test module::

    from .browser import chromium, open_page, require_chromium

    @pytest.fixture(scope="module")
    def browser():
        require_chromium()
        with chromium() as browser:
            yield browser

    def test_page(browser):
        page, log = open_page(browser)
        page.goto(url)
        log.assert_clean(allowed_prefix=...)
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO

#: The browser binary: Debian's chromium, not a Playwright download.
CHROMIUM = Path(os.environ.get("TOPICS_CHROMIUM", "/usr/bin/chromium"))

#: Headless, sandbox-less (containers), and no traffic of Chromium's own.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Longest wait for any one browser action: local pages load in milliseconds.
TIMEOUT_MS = 10_000

#: Desktop viewport of the screenshots, in CSS pixels.
VIEWPORT = {"width": 1280, "height": 800}


def skip_reason() -> str | None:
    """Why browser tests cannot run here, or ``None`` when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set TOPICS_CHROMIUM)"
    return None


def require_chromium() -> None:
    """Skip the calling test when Playwright or the chromium binary is missing."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch headless Chromium; yields a ``playwright.sync_api.Browser``, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a page did: every request URL, console errors, uncaught errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        """Start recording the events of ``page`` (a ``playwright.sync_api.Page``)."""
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "requestfailed",
            lambda request: self.failed.append(f"{request.url} ({request.failure})"),
        )
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.console_errors.append(f"{message.text} at {message.location}")
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)

    def outside(self, prefix: str) -> list[str]:
        """Requested URLs that do not start with ``prefix`` (the site's origin or folder)."""
        return [url for url in self.requests if not url.startswith(prefix)]

    def assert_clean(self, prefix: str) -> None:
        """Fail unless every request stayed under ``prefix`` and nothing went wrong."""
        # (This module is not a test module: pytest does not rewrite its asserts, so each
        # message carries what went wrong.)
        assert self.requests, "the page made no request at all"
        assert self.outside(prefix) == [], f"requests left {prefix}: {self.outside(prefix)}"
        assert self.failed == [], f"requests failed: {self.failed}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"uncaught page errors: {self.page_errors}"
        assert self.dialogs == [], f"the page opened dialogs (script ran?): {self.dialogs}"


def open_page(browser, viewport: dict | None = None) -> tuple[Any, PageLog]:
    """A new page in a fresh context of ``browser``, with its :class:`PageLog` attached."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = PageLog()
    log.attach(page)
    return page, log


def broken_images(page) -> list[str]:
    """Sources of the page's ``<img>`` elements that did not load (naturalWidth 0)."""
    return page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )


#: axe-core, vendored from npm (tests/vendor/README.md).
AXE = REPO / "tests" / "vendor" / "axe.min.js"


def serious_axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the page loaded in ``page``.

    axe is injected as an inline script, so ``page`` must belong to a context opened with
    ``bypass_csp=True``.
    """
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def wait_until(page, predicate: str, timeout: float = 10.0) -> None:
    """Poll ``predicate`` (a JavaScript function) until it is true.

    Not ``page.wait_for_function``: its polling evaluates the predicate with ``eval``,
    which the site's Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {predicate}"
        time.sleep(0.05)


def isolated_dot(page, skipped: tuple[str, ...] = ()) -> tuple[int, float, float]:
    """A dot of the map that no other dot is within 24 px of (so the pointer on it can
    only mean that talk), 20 px or more from the canvas's top left, whose talk id is not
    in ``skipped``: ``(index, x, y)`` on the canvas, or ``(-1, 0, 0)`` when there is none."""
    return tuple(
        page.evaluate(
            """(skipped) => {
                const v = window.topicsMapView;
                const points = v.talks.map((_, i) => v.screenPosition(i));
                for (let i = 0; i < points.length; i++) {
                    const p = points[i];
                    if (p.x < 20 || p.y < 20 || skipped.includes(v.talks[i][3])) continue;
                    if (points.every((q, j) => j === i || Math.hypot(p.x - q.x, p.y - q.y) > 24))
                        return [i, p.x, p.y];
                }
                return [-1, 0, 0];
            }""",
            list(skipped),
        )
    )
