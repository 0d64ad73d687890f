"""/report end to end (issue 26): a period's figures for commissioners, totals only.

The bot runs with a public address (WEB_BASE_URL), so a report comes as a private
page link (signed, 7 days, **Withdraw this link**) and a zipped tidy CSV; without
one, the CSV alone. Items are written straight into the bot's database with dates
in the period (posting each through Discord is tested in its own feature's tests).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from contextlib import closing
from datetime import UTC, datetime

import pytest

from bot.strings import pages as pages_text
from bot.strings import reports as text
from tests.database import connect, db_path, rows, seed_members
from tests.e2e import linked, steps
from tests.emulator.world import GuildRef, World

BASE = "https://reports.example.org"
ENV = {"WEB_BASE_URL": BASE}


def at(*parts: int) -> str:
    return datetime(*parts, 12, 0, tzinfo=UTC).isoformat()


async def allow_reports(world: World, mod=None, guild: GuildRef | None = None) -> None:
    """A moderator's `/setup publish`, choosing "reports" (and nothing else)."""
    mod = mod or world.mod
    shown = await mod.slash("setup publish", in_guild=guild)
    saved = await mod.select(shown, "setup:publish:kinds", ["reports"])
    assert saved.ephemeral and "Reports for commissioners" in saved.text, saved.text


def seed_quarter(world: World, guild: GuildRef, *, polls: int, turnout: int) -> None:
    """Polls that closed in July to September 2026 and a busy opportunity."""
    with closing(connect(db_path(world))) as conn, conn:
        for n in range(polls):
            conn.execute(
                "INSERT INTO polls (guild_id, kind, question, anonymous, results, channel_id, "
                "state, created_at, closed_at, turnout) "
                "VALUES (?, 'single', ?, 1, 'at_close', 1, 'closed', ?, ?, ?)",
                (guild.id, f"Priority {n}", at(2026, 7, 1 + n), at(2026, 8, 1 + n), turnout),
            )
        conn.execute(
            "INSERT INTO polls (guild_id, kind, question, anonymous, results, channel_id, state, "
            "created_at, closed_at, turnout) VALUES (?, 'single', 'Later', 1, 'at_close', 1, "
            "'closed', ?, ?, 40)",
            (guild.id, at(2026, 10, 2), at(2026, 10, 20)),
        )
        conn.execute(
            "INSERT INTO opportunities (guild_id, channel_id, title, description, places, state, "
            "seed, created_at) VALUES (?, 1, 'Interview panel', 'Help', 6, 'closed', 1, ?)",
            (guild.id, at(2026, 9, 1)),
        )


async def get_bytes(world: World, path: str) -> tuple[int, str, bytes]:
    import aiohttp

    base = await steps.pages_url(world)
    async with aiohttp.ClientSession() as session, session.get(base + path) as response:
        return response.status, response.content_type, await response.read()


async def ask(organiser, period="last quarter", **options):
    return await organiser.slash("report", period=period, **options)


def fields(reply) -> str:
    return reply.text


def link_path(reply) -> str:
    url = re.search(re.escape(BASE) + r"(/reports/[A-Za-z0-9_.-]+)", reply.text)
    assert url, reply.text
    return url.group(1)


def csv_tables(reply) -> dict[str, list[list[str]]]:
    [archive] = reply.attachments
    assert archive.filename == "speak-back-report-2026-07-01-to-2026-09-30.zip"
    opened = zipfile.ZipFile(io.BytesIO(archive.data))
    return {
        name: list(csv.reader(io.StringIO(opened.read(name).decode("utf-8-sig"))))
        for name in opened.namelist()
    }


async def test_an_organiser_gets_a_quarter_as_a_private_page_and_a_tidy_csv(make_world):
    world = await make_world(env=ENV)
    olu = await steps.set_up(world)
    people = seed_members(world, 12)
    await allow_reports(world)
    seed_quarter(world, world.guild(), polls=6, turnout=7)

    reply = await ask(olu)
    assert reply.ephemeral
    assert "Report: Q2 2026/27" in reply.text
    assert "1 July 2026 to 30 September 2026" in reply.text
    assert "Polls closed: **6**" in reply.text
    assert "Votes cast in polls that closed: **42**" in reply.text
    assert "Members at the end of the period: **10 to 24**" in reply.text
    assert "Places filled: **fewer than 5**" in reply.text
    assert text.OPEN_REPORT in reply.buttons and text.WITHDRAW_LINK in reply.buttons

    tables = csv_tables(reply)
    assert set(tables) >= {"about.csv", "members.csv", "polls.csv", "meetings.csv"}
    assert tables["polls.csv"][0] == ["period_first", "period_last", "measure", "value"]
    assert ["2026-07-01", "2026-09-30", "polls_closed", "6"] in tables["polls.csv"]

    status, headers, page = await steps.get_page(world, link_path(reply))
    assert status == 200, page
    assert "Q2 2026/27" in page and '<td class="num">42</td>' in page
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in headers["Cache-Control"]
    for person in (*people, olu):
        assert str(person.id) not in page and person.name not in page
    status, content_type, body = await get_bytes(world, link_path(reply) + "/csv")
    assert status == 200 and content_type == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(body)).namelist()[0] == "about.csv"

    # a changed signature is no page at all
    tampered = link_path(reply)[:-2] + ("AA" if not link_path(reply).endswith("AA") else "BB")
    assert (await steps.get_page(world, tampered))[0] == 404


async def test_withdraw_this_link_stops_the_page_at_once(make_world):
    world = await make_world(env=ENV)
    olu = await steps.set_up(world)
    await allow_reports(world)
    reply = await ask(olu)
    path = link_path(reply)
    assert (await steps.get_page(world, path))[0] == 200

    done = await olu.click(reply, text.WITHDRAW_LINK)
    assert done.ephemeral and done.text == text.WITHDRAWN
    status, _, page = await steps.get_page(world, path)
    assert status == 410 and "withdrawn" in page
    assert (await get_bytes(world, path + "/csv"))[0] == 410
    again = await olu.click(reply, text.WITHDRAW_LINK)
    assert again.text == text.ALREADY_STOPPED


async def test_taking_reports_out_of_setup_publish_stops_every_link(make_world):
    world = await make_world(env=ENV)
    olu = await steps.set_up(world)
    await allow_reports(world)
    path = link_path(await ask(olu))
    assert (await steps.get_page(world, path))[0] == 200
    again = await world.mod.slash("setup publish")
    await world.mod.click(again, pages_text.UNPUBLISH)
    status, _, page = await steps.get_page(world, path)
    assert status == 410 and "no longer shares reports" in page
    refused = await ask(olu)
    assert refused.text == text.NOT_ALLOWED and not refused.attachments
    # Allowing reports again does not bring the old link back: it was withdrawn.
    await allow_reports(world)
    assert (await steps.get_page(world, path))[0] == 410
    assert rows(world, "SELECT count(*) FROM report_links WHERE withdrawn_at IS NULL") == [(0,)]


async def test_a_link_expires_after_7_days(make_world):
    world = await make_world(env=ENV)
    olu = await steps.set_up(world)
    await allow_reports(world)
    path = link_path(await ask(olu))
    await world.advance(days=6, hours=23)
    assert (await steps.get_page(world, path))[0] == 200
    await world.advance(hours=1)
    status, _, page = await steps.get_page(world, path)
    assert status == 410 and "expired" in page


async def test_without_a_public_address_the_csv_alone(world):
    olu = await steps.set_up(world)
    await allow_reports(world)
    reply = await ask(olu)
    assert text.CSV_ONLY in reply.text
    assert text.WITHDRAW_LINK not in reply.buttons and "/reports/" not in reply.text
    assert "about.csv" in csv_tables(reply)


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2026-09-30..2026-07-01", "before it begins"),
        ("2027/28", "has not begun yet"),
        ("sometime soon", "couldn't read"),
    ],
)
async def test_a_period_that_cannot_be_used_is_refused_kindly(world, period, words):
    olu = await steps.set_up(world)
    await allow_reports(world)
    reply = await ask(olu, period=period)
    assert reply.ephemeral and words in reply.text and not reply.attachments


async def test_reports_need_the_servers_choice_and_an_organiser(world):
    olu = await steps.set_up(world)
    reply = await ask(olu)
    assert reply.text == text.NOT_ALLOWED and not reply.attachments
    await allow_reports(world)
    member = world.user("ada")
    refused = await member.slash("report", period="last quarter")
    assert refused.ephemeral and not refused.attachments and "Report:" not in refused.text


async def test_a_network_report_leaves_out_servers_that_do_not_allow_reports(make_world):
    world = await make_world(guilds=linked.SERVERS, env=ENV)
    mods = await linked.set_up_servers(world)
    await linked.seed_network(world)
    leeds, bradford, wakefield = (world.guild(name) for name in linked.SERVERS)
    await allow_reports(world, mods[linked.LEEDS], leeds)
    await allow_reports(world, mods[linked.BRADFORD], bradford)  # Wakefield does not
    seed_quarter(world, leeds, polls=3, turnout=5)
    seed_quarter(world, bradford, polls=3, turnout=5)
    seed_quarter(world, wakefield, polls=9, turnout=50)
    olu = world.user("olu", organiser=True, guilds=[leeds])

    reply = await olu.slash("report", in_guild=leeds, period="last quarter", scope="network")
    assert "from 2 of its 3 servers" in reply.text, reply.text
    assert "Polls closed: **6**" in reply.text
    assert "Votes cast in polls that closed: **30**" in reply.text
    status, _, page = await steps.get_page(world, link_path(reply))
    assert status == 200 and "Figures from 2 of the network" in page

    own = await olu.slash("report", in_guild=leeds, period="last quarter")
    assert "Polls closed: **fewer than 5**" in own.text


async def test_a_days_figures_stay_the_same_all_day(world):
    olu = await steps.set_up(world)
    await allow_reports(world)
    seed_quarter(world, world.guild(), polls=5, turnout=6)
    first = await ask(olu)
    assert "Polls closed: **5**" in first.text
    seed_quarter(world, world.guild(), polls=1, turnout=6)  # one more closed in the quarter
    assert "Polls closed: **5**" in (await ask(olu)).text  # the same day: the same figures
    await world.advance(days=1)
    assert "Polls closed: **6**" in (await ask(olu)).text


async def test_a_network_report_needs_a_network(world):
    olu = await steps.set_up(world)
    await allow_reports(world)
    reply = await ask(olu, scope="network")
    assert reply.text == text.NO_NETWORK and not reply.attachments


async def test_at_most_5_different_periods_a_day(world):
    olu = await steps.set_up(world)
    await allow_reports(world)
    periods = ["last quarter", "2025/26", "Q1 2026/27", "2026-08-01..2026-08-31", "2026/27"]
    for period in periods:
        assert "Report:" in (await ask(olu, period=period)).text
    refused = await ask(olu, period="2026-08-01..2026-08-30")
    assert "5 different periods today" in refused.text and not refused.attachments
    assert "Report:" in (await ask(olu, period="2025/26")).text  # one of today's: fine
    await world.advance(days=1)
    assert "Report:" in (await ask(olu, period="2026-08-01..2026-08-30")).text
