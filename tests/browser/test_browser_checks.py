"""The browser checks themselves: each one passes a good page and catches a bad one,
so a page test that passes has really been looked at (tiny pages, no bot)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.browser.pages import (
    assert_accessible,
    assert_fits,
    assert_no_problems,
    assert_prints_cleanly,
    assert_stayed_local,
    is_local,
)

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title}</title><style>@media print {{ nav, .actions {{ display: none }} }}</style>"
    "{extra}</head><body>"
)
GOOD = (
    HEAD.format(title="You said, we did", extra="")
    + '<nav aria-label="Pages"><a href="/">Home</a></nav>'
    + "<main><h1>You said, we did</h1><p>As of 1 December 2026.</p>"
    + '<img src="/chart.svg" alt="Bar chart: 12 people said yes">'
    + '<div class="actions"><button type="button">Print</button></div></main></body></html>'
)
PAGES = {
    "/good": GOOD,
    "/no-alt": HEAD.format(title="Chart", extra="")
    + '<main><h1>Chart</h1><img src="/chart.svg"></main></body></html>',
    "/wide": HEAD.format(title="Wide", extra="")
    + '<main><h1>Wide</h1><div style="width:900px">a table too wide</div></main></body></html>',
    "/tracker": HEAD.format(
        title="Tracker", extra='<link rel="stylesheet" href="https://fonts.example.com/a.css">'
    )
    + "<main><h1>Tracker</h1></main></body></html>",
    "/prints-nav": HEAD.format(title="Nav", extra="").replace("nav, .actions", ".none")
    + '<nav aria-label="Pages"><a href="/">Home</a></nav><main><h1>Nav</h1></main></body></html>',
    # The back link in a paragraph, not in <nav>: the print stylesheet cannot know to hide it.
    "/prints-back-link": HEAD.format(title="Poll", extra="")
    + '<main><p><a href="/">Back to "you said, we did"</a></p><h1>Poll</h1></main></body></html>',
    # The same words as plain text, hidden from print by nothing.
    "/prints-back-words": HEAD.format(title="Poll", extra="")
    + "<main><h1>Poll</h1><p>Back to the list with your browser's button.</p></main></body></html>",
    # An item's heading that links to the item's page reads as its title on paper: fine.
    "/heading-link": HEAD.format(title="Items", extra="")
    + '<main><h1>Items</h1><article><h2><a href="/good">A poll</a></h2></article></main>'
    + "</body></html>",
}
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[str]:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGES[request.path], content_type="text/html")

    async def chart(request: web.Request) -> web.Response:
        return web.Response(text=SVG, content_type="image/svg+xml")

    app = web.Application()
    app.router.add_get("/chart.svg", chart)
    for path in PAGES:
        app.router.add_get(path, page)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_a_good_page_passes_every_check(browser_pages, site):
    visit = await browser_pages.open(f"{site}/good", phone=True)
    assert visit.status == 200
    await assert_accessible(visit.page)
    await assert_fits(visit.page)
    assert_stayed_local(visit)
    assert_no_problems(visit)
    assert any(url.endswith("/chart.svg") for url in visit.requests)
    await assert_prints_cleanly(visit.page)


async def test_axe_catches_an_image_without_a_text_alternative(browser_pages, site):
    visit = await browser_pages.open(f"{site}/no-alt")
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)") as failure:
        await assert_accessible(visit.page)
    assert '<img src="/chart.svg">' in str(failure.value)  # says where, readably


async def test_a_page_wider_than_a_phone_is_caught(browser_pages, site):
    visit = await browser_pages.open(f"{site}/wide", phone=True)
    with pytest.raises(AssertionError, match="scrolls sideways"):
        await assert_fits(visit.page)


async def test_a_request_for_another_host_is_refused_and_reported(browser_pages, site):
    visit = await browser_pages.open(f"{site}/tracker")
    assert visit.outside == ["https://fonts.example.com/a.css"]
    with pytest.raises(AssertionError, match=r"fonts\.example\.com"):
        assert_stayed_local(visit)


async def test_navigation_left_in_print_is_caught(browser_pages, site):
    visit = await browser_pages.open(f"{site}/prints-nav")
    with pytest.raises(AssertionError, match="<nav"):
        await assert_prints_cleanly(visit.page)


async def test_a_link_left_in_print_outside_nav_is_caught(browser_pages, site):
    visit = await browser_pages.open(f"{site}/prints-back-link")
    with pytest.raises(AssertionError, match="links that lead somewhere") as failure:
        await assert_prints_cleanly(visit.page)
    assert 'href="/"' in str(failure.value)  # says which, readably


async def test_words_for_a_screen_left_in_print_are_caught(browser_pages, site):
    visit = await browser_pages.open(f"{site}/prints-back-words")
    with pytest.raises(AssertionError, match="Back to"):
        await assert_prints_cleanly(visit.page)


async def test_an_items_heading_that_links_to_it_prints_as_its_title(browser_pages, site):
    visit = await browser_pages.open(f"{site}/heading-link")
    await assert_prints_cleanly(visit.page)


async def test_pages_work_without_javascript(browser_pages, site):
    visit = await browser_pages.open(f"{site}/good", javascript=False)
    assert await visit.page.locator("h1").inner_text() == "You said, we did"
    assert await visit.page.evaluate("() => typeof window.axe") == "undefined"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/x", True),
        ("http://localhost/", True),
        ("http://[::1]:9/", True),
        ("data:image/png;base64,AA", True),
        ("https://example.org/", False),
        ("http://127.0.0.1.example.org/", False),
    ],
)
def test_only_this_machine_counts_as_local(url, local):
    assert is_local(url) is local
