"""The report page (web/reports.py) through aiohttp's test client: shown, escaped, stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import DrivenClock
from bot.domain.periods import parse_period
from bot.domain.reports import build_report, signed_token
from db import reports
from db.database import Database
from web.app import create_app
from web.site import Site

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SECRET = b"r" * 40
GUILD = 7
HOSTILE = "<script>alert(1)</script> **Team** @everyone"

RAW = {
    "members": {"at_end": 31, "joined": 3, "left": 6},
    "polls": {"opened": 6, "closed": 5, "turnouts": [5, 6, 7, 8, 40]},
    "ideas": {
        "raised": 2,
        "supports": 12,
        "reached_threshold": 0,
        "answered": 0,
        "by_answer": {"forward": 0, "happening": 0, "not_now": 0},
        "days_to_answer": [],
    },
    "outcomes": {"by_status": {"done": 6, "delayed": 2}},
    "opportunities": {"offered": 3, "places": 9, "unlimited": 1, "filled": 7},
    "payments": {"offered": 2},
    "meetings": {"held": 13, "going": 3},
}


@pytest.fixture
async def setup(tmp_path):
    db = await Database.open(tmp_path / "page.db")
    await db.migrate()
    await db.execute(
        "INSERT INTO published_pages (guild_id, slug, kinds, changed_at) VALUES (?, 'abc', 'reports', ?)",
        (GUILD, NOW.isoformat()),
    )
    clock = DrivenClock(NOW)
    client = TestClient(TestServer(create_app(Site(db=db, clock=clock, secret=SECRET))))
    await client.start_server()
    period = parse_period("last quarter", NOW.date())
    report = build_report(RAW, period, scope="server", name=HOSTILE, made_on=NOW.date())
    await reports.create_link(db, "link1", GUILD, "server", report, NOW, timedelta(days=7))
    yield client, db, clock
    await client.close()
    await db.close()


def path(link_id: str = "link1") -> str:
    return f"/reports/{signed_token(SECRET, link_id)}"


async def test_the_page_shows_every_table_with_suppressed_figures_and_escapes_the_name(setup):
    client, _, _ = setup
    response = await client.get(path())
    page = await response.text()
    assert response.status == 200
    assert "<script>" not in page and "&lt;script&gt;" in page
    for title in (
        "Members",
        "Polls",
        "Ideas raised by members",
        "Outcomes (you said, we did)",
        "Meetings",
    ):
        assert f">{title}</h2>" in page
    assert '<td class="num">25 to 49</td>' in page  # members in a band
    assert '<td class="num">fewer than 5</td>' in page
    assert 'Status now: Delayed</th><td class="num">fewer than 5' in page
    assert 'Status now: Done</th><td class="num">not shown' in page
    assert '<td class="num">3</td>' not in page and '<td class="num">2</td>' not in page
    assert "Q2 2026/27" in page and "1 July 2026 to 30 September 2026" in page
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response.headers["Cache-Control"]


async def test_unsigned_or_unknown_addresses_are_404(setup):
    client, _, _ = setup
    assert (await client.get("/reports/link1")).status == 404
    assert (await client.get("/reports/link1.forged")).status == 404
    assert (await client.get(path("nosuchlink"))).status == 404


async def test_withdrawn_or_no_longer_allowed_is_410_saying_which(setup):
    client, db, _ = setup
    await db.execute("UPDATE published_pages SET kinds = 'polls' WHERE guild_id = ?", (GUILD,))
    response = await client.get(path())
    assert response.status == 410 and "no longer shares reports" in await response.text()
    await db.execute("UPDATE published_pages SET kinds = 'reports' WHERE guild_id = ?", (GUILD,))
    assert (await client.get(path())).status == 200
    await reports.withdraw_link(db, "link1", GUILD, NOW)
    response = await client.get(path())
    assert response.status == 410 and "withdrawn" in await response.text()
    assert (await client.get(path() + "/csv")).status == 410


async def test_a_link_works_for_7_days_then_says_it_expired(setup):
    client, _, clock = setup
    clock.set(NOW + timedelta(days=7) - timedelta(seconds=1))
    assert (await client.get(path())).status == 200
    clock.set(NOW + timedelta(days=7))
    response = await client.get(path())
    assert response.status == 410 and "expired" in await response.text()
