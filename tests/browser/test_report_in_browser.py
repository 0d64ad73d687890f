"""The report page (/report's private link) in a real browser: it passes the axe-core scan
with no serious or critical violation, prints cleanly to PDF (every table, none of the
screen-only link), fits a phone, works without JavaScript, and asks nothing of any other
host. The page is served by the web app itself on a test server (the figures are made as
/report makes them; tests/e2e/test_reports.py runs /report through Discord)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from aiohttp.test_utils import TestServer
from pypdf import PdfReader

from bot.clock import DrivenClock
from bot.domain.periods import parse_period
from bot.domain.reports import build_report, signed_token
from db import reports
from db.database import Database
from tests.browser.pages import (
    assert_accessible,
    assert_fits,
    assert_no_problems,
    assert_prints_cleanly,
    assert_stayed_local,
)
from tests.unit.test_report_page import GUILD, HOSTILE, NOW, RAW, SECRET
from web.app import create_app
from web.site import Site


@pytest_asyncio.fixture(loop_scope="session")
async def report_url(tmp_path) -> AsyncIterator[str]:
    db = await Database.open(tmp_path / "browser.db")
    await db.migrate()
    await db.execute(
        "INSERT INTO published_pages (guild_id, slug, kinds, changed_at) "
        "VALUES (?, 'abc', 'reports', ?)",
        (GUILD, NOW.isoformat()),
    )
    report = build_report(
        RAW,
        parse_period("last quarter", NOW.date()),
        scope="network",
        name=HOSTILE,
        made_on=NOW.date(),
        servers_counted=2,
        servers_in_network=3,
    )
    await reports.create_link(db, "link1", GUILD, "network", report, NOW, timedelta(days=7))
    server = TestServer(create_app(Site(db=db, clock=DrivenClock(NOW), secret=SECRET)))
    await server.start_server()
    try:
        yield str(server.make_url(f"/reports/{signed_token(SECRET, 'link1')}"))
    finally:
        await server.close()
        await db.close()


async def test_the_report_page_passes_axe_and_stays_local(browser_pages, report_url):
    visit = await browser_pages.open(report_url)
    assert visit.status == 200
    await assert_accessible(visit.page)
    assert_stayed_local(visit)
    assert_no_problems(visit)


async def test_the_report_page_prints_cleanly_to_pdf(browser_pages, report_url):
    visit = await browser_pages.open(report_url)
    await assert_prints_cleanly(visit.page)
    assert not await visit.page.locator(".noprint").is_visible()
    pdf = PdfReader(io.BytesIO(await visit.page.pdf(format="A4")))
    # NFKC: the PDF's text has ligatures ("ﬁ") where the page has two letters
    printed = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in pdf.pages))
    assert 1 <= len(pdf.pages) <= 4
    for title in ("Members", "Polls", "Ideas raised by members", "Meetings", "About these figures"):
        assert title in printed
    assert "25 to 49" in printed and "fewer than 5" in printed
    assert "Figures from 2 of the network's 3 servers" in printed
    assert "<script>" in printed  # the hostile name is printed as text, never run
    assert "Download these figures" not in printed


async def test_the_report_page_fits_a_phone_without_javascript(browser_pages, report_url):
    visit = await browser_pages.open(report_url, phone=True, javascript=False)
    assert visit.status == 200
    assert await visit.page.locator("h2", has_text="Meetings").is_visible()
    await assert_fits(visit.page)
