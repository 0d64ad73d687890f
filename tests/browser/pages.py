"""Pages in a real browser: Debian's Chromium driven by Playwright, with an axe-core scan.

The fixtures live in tests/browser/conftest.py; what a test checks about a page is here,
written once for every page type:

    visit = await browser_pages.open(url, phone=True)
    await assert_accessible(visit.page)       # axe-core: no serious or critical violation
    await assert_fits(visit.page)             # no sideways scrolling at 375 px
    assert_stayed_local(visit)                # nothing asked of any other host

Never `playwright install` (it downloads a browser): Playwright launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, Request, Route

CHROMIUM = Path(os.environ.get("SPEAKBACK_CHROMIUM", "/usr/bin/chromium"))
# Headless, quiet, and a fresh temporary profile (Playwright's launch() makes one and
# removes it on close): no network of its own (updates, sync, safe browsing), no QUIC.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# axe-core's impact levels; these two fail a test (minor and moderate are reported).
BLOCKING = ("serious", "critical")
# Elements that mean nothing on paper: "print to PDF" must leave them out.
SCREEN_ONLY = "nav, button, form, input, select, textarea, [role=navigation], .skip, .skip-link"
# On paper a link is only words. One that is an item's heading reads as its title; any
# other link still printed is there to go somewhere: navigation, which paper cannot do.
TITLE = "h1, h2, h3, h4, h5, h6"
# Words that only make sense on a screen, wherever the page puts them.
NAVIGATION_WORDS = ("Back to", "Skip to")

_axe = Axe()


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium to run the browser tests)"
    return None


@dataclass
class Visit:
    """One page in its own browser context, and everything it asked for."""

    page: Page
    context: BrowserContext
    requests: list[str] = field(default_factory=list)  # every URL, in order
    outside: list[str] = field(default_factory=list)  # URLs for another host: refused
    problems: list[str] = field(default_factory=list)  # console errors, CSP refusals, crashes
    status: int | None = None  # the HTTP status of the page itself


class BrowserPages:
    """A new context and page per visit (a test's own cookies, viewport, JavaScript
    setting); the browser itself is shared by the worker's whole session."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.visits: list[Visit] = []

    async def open(
        self,
        url: str | None = None,
        *,
        phone: bool = False,
        javascript: bool = True,
        media: str | None = None,
    ) -> Visit:
        options: dict = {"java_script_enabled": javascript, "viewport": DESKTOP}
        if phone:  # a small phone: honours <meta name="viewport"> as a phone would
            options.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        context = await self.browser.new_context(**options)
        page = await context.new_page()
        visit = Visit(page=page, context=context)
        self.visits.append(visit)

        async def guard(route: Route, request: Request) -> None:
            visit.requests.append(request.url)
            if is_local(request.url):
                await route.continue_()
            else:  # recorded and refused: a test must never reach the internet
                visit.outside.append(request.url)
                await route.abort("blockedbyclient")

        await context.route("**/*", guard)
        page.on("console", lambda m: m.type == "error" and visit.problems.append(m.text))
        page.on("pageerror", lambda e: visit.problems.append(f"page error: {e}"))
        if media:
            await page.emulate_media(media=media)
        if url is not None:
            response = await page.goto(url, wait_until="load")
            visit.status = response.status if response else None
        return visit

    async def close(self) -> None:
        for visit in self.visits:
            await visit.context.close()
        self.visits.clear()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS or f"[{parts.hostname}]" in LOCAL_HOSTS


def assert_stayed_local(visit: Visit) -> None:
    assert visit.requests, "the page made no request at all: nothing was tested"
    assert not visit.outside, "the page asked other hosts for:\n  " + "\n  ".join(visit.outside)


def assert_no_problems(visit: Visit) -> None:
    """No console error: a refused script or style (the CSP), a missing image, a crash."""
    assert not visit.problems, "the browser reported:\n  " + "\n  ".join(visit.problems)


def axe_report(violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


async def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations of the page as it is now (needs JavaScript in the page's
    context: axe runs as a script; a page is scanned with JavaScript on)."""
    results = await _axe.run(page)
    return results.response["violations"]


async def assert_accessible(page: Page) -> None:
    """0 serious or critical axe-core violations; any found are printed readably."""
    blocking = [v for v in await axe_violations(page) if v.get("impact") in BLOCKING]
    assert not blocking, axe_report(blocking)


async def assert_fits(page: Page, width: int = PHONE["width"]) -> None:
    """Readable on a phone: the page is no wider than the screen (no sideways scroll)."""
    wide = await page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide on a {width} px screen: it scrolls sideways"


async def screen_only_elements_shown(page: Page) -> list[str]:
    """The navigation, buttons and forms still visible (call after emulating print)."""
    shown = []
    for element in await page.locator(SCREEN_ONLY).all():
        if await element.is_visible():
            shown.append((await element.evaluate("e => e.outerHTML"))[:120])
    return shown


async def links_printed(page: Page) -> list[str]:
    """The links still visible, other than items' headings (call after emulating print)."""
    shown = []
    for link in await page.locator("a[href]").all():
        if await link.is_visible() and not await link.evaluate(f"a => !!a.closest({TITLE!r})"):
            shown.append((await link.evaluate("e => e.outerHTML"))[:120])
    return shown


def navigation_words_in(text: str) -> list[str]:
    return [words for words in NAVIGATION_WORDS if words.lower() in text.lower()]


async def assert_prints_cleanly(page: Page) -> None:
    """With print media, nothing meant only for a screen shows: no nav, button or form, no
    link but an item's heading, and no "Back to" or "Skip to" anywhere in the
    text as printed (innerText leaves out what the print stylesheet hides)."""
    await page.emulate_media(media="print")
    shown = await screen_only_elements_shown(page)
    assert not shown, "printing shows screen-only elements:\n  " + "\n  ".join(shown)
    links = await links_printed(page)
    assert not links, "printing shows links that lead somewhere:\n  " + "\n  ".join(links)
    words = navigation_words_in(await page.locator("body").inner_text())
    assert not words, f"the printed page says {words}: words for a screen, not paper"
