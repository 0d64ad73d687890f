"""The feed route on its own (no bot): a live token serves text/calendar, anything
else is the plain 404 page, with the pages' strict headers and nothing cached publicly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.clock import DrivenClock
from db import calendar_feeds, members
from db.database import Database
from web.app import create_app
from web.site import Site

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GUILD, ALICE = 7, 111


@pytest.fixture
async def site(tmp_path):
    db = await Database.open(tmp_path / "web.db")
    await db.migrate()
    await members.agree(db, GUILD, ALICE, notice_version=1, now=NOW, secret=b"s" * 40)
    yield Site(db=db, clock=DrivenClock(NOW), base_url="https://pages.example.org")
    await db.close()


@pytest.fixture
async def client(site):
    async with TestClient(TestServer(create_app(site))) as client:
        yield client


async def test_a_live_token_serves_the_calendar(site, client):
    token = await calendar_feeds.make_link(site.db, GUILD, ALICE, NOW)
    response = await client.get(f"/calendar/{token}.ics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["Cache-Control"].startswith("private")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    calendar = Calendar.from_ical(await response.read())
    assert calendar.walk("VEVENT") == [] and calendar["VERSION"] == "2.0"


@pytest.mark.parametrize(
    "path", ["/calendar/nope.ics", "/calendar/{old}.ics", "/calendar/a%2Fb.ics"]
)
async def test_unknown_replaced_or_odd_tokens_are_a_plain_404(site, client, path):
    old = await calendar_feeds.make_link(site.db, GUILD, ALICE, NOW)
    await calendar_feeds.make_link(site.db, GUILD, ALICE, NOW)
    response = await client.get(path.format(old=old))
    assert response.status == 404
    body = await response.text()
    assert "There is no page at this address" in body and "Traceback" not in body


async def test_a_failing_feed_is_logged_without_its_private_address(
    site, client, monkeypatch, caplog
):
    # The module web/feeds.py calls through (another test may have re-imported cogs).
    from web.feeds import feeds

    token = await calendar_feeds.make_link(site.db, GUILD, ALICE, NOW)

    async def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(feeds, "feed_for_token", broken)
    response = await client.get(f"/calendar/{token}.ics")
    assert response.status == 500 and "Traceback" not in await response.text()
    assert "calendar feed failed" in caplog.text and token not in caplog.text
