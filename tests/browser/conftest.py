"""Real-browser fixtures: one headless Chromium per pytest worker, a new page per test.

    async def test_page(browser_pages, make_world):
        visit = await browser_pages.open(url, phone=True)
        await assert_accessible(visit.page)

The browser is Debian's /usr/bin/chromium, launched through Playwright's Python package
(never `playwright install`). Without it the tests here skip with a one-line reason, except
under CI=true, where a missing browser is a failure. Every test in this directory runs in
the worker's one event loop (the browser's), so the e2e fixtures are redefined here to run
in that loop too; they are otherwise the same as tests/e2e/conftest.py's.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright
from pytest_asyncio import is_async_test

from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, BrowserPages, missing_browser_reason
from tests.e2e.conftest import (  # noqa: F401 (fixtures and the report hook, for this directory)
    MakeWorld,
    fork_server,
    pytest_runtest_makereport,
    worlds_in,
)
from tests.emulator.world import World

HERE = os.path.dirname(__file__)
SESSION = pytest.mark.asyncio(loop_scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_async_test(item) and str(item.path).startswith(HERE):
            item.add_marker(SESSION, append=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """This worker's Chromium, started on first use and closed at the end of the session."""
    reason = missing_browser_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser_pages(browser: Browser) -> AsyncIterator[BrowserPages]:
    pages = BrowserPages(browser)
    try:
        yield pages
    finally:
        await pages.close()


@pytest_asyncio.fixture(loop_scope="session")
async def make_world(tmp_path: Any, request: pytest.FixtureRequest) -> AsyncIterator[MakeWorld]:
    # The e2e fixture's own body, on the session's event loop that these tests share.
    async with worlds_in(tmp_path, request) as make:
        yield make


@pytest_asyncio.fixture(loop_scope="session")
async def world(make_world: MakeWorld) -> World:
    """Speak Back against the emulator: one server, a moderator `world.mod`."""
    return await make_world()
