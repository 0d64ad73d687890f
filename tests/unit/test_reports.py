"""Period reports: figures against seeded data, rule 9 on every cell, the CSV, signed links."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.periods import Period, parse_period
from bot.domain.reports import (
    ABOUT_COLUMNS,
    CSV_COLUMNS,
    build_report,
    read_token,
    report_zip,
    shown_values,
    signed_token,
)
from db import reports
from db.database import Database

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HOME, OTHER = 7, 8
QUARTER = parse_period("last quarter", NOW.date())  # Q2 2026/27: July to September 2026
YEAR = parse_period("2025/26", NOW.date())


def at(*parts: int) -> str:
    return datetime(*parts, 12, 0, tzinfo=UTC).isoformat()


def utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "reports.db")
    await database.migrate()
    yield database
    await database.close()


async def seed_members(db: Database, guild_id: int, n: int, first_id: int = 1000) -> None:
    for user_id in range(first_id, first_id + n):
        await db.execute(
            "INSERT INTO members (guild_id, user_id, joined_at, notice_version) VALUES (?, ?, ?, 1)",
            (guild_id, user_id, NOW.isoformat()),
        )


async def seed_days(db: Database, guild_id: int, days: dict[str, tuple[int, int]]) -> None:
    for on_day, (joins, leaves) in days.items():
        await db.execute(
            "INSERT INTO membership_daily_counts (guild_id, on_day, joins, leaves) VALUES (?, ?, ?, ?)",
            (guild_id, on_day, joins, leaves),
        )


async def seed_poll(db: Database, guild_id: int, created: str, closed: str | None, turnout: int):
    return await db.execute(
        "INSERT INTO polls (guild_id, kind, question, anonymous, results, channel_id, state, "
        "created_at, closed_at, turnout) VALUES (?, 'single', 'Q?', 1, 'at_close', 1, ?, ?, ?, ?)",
        (guild_id, "closed" if closed else "open", created, closed, turnout if closed else None),
    )


async def seed_idea(
    db: Database,
    guild_id: int,
    created: str,
    *,
    supporters: int = 0,
    threshold: str | None = None,
    answered: str | None = None,
    answer: str | None = None,
):
    return await db.execute(
        "INSERT INTO ideas (guild_id, title, title_key, state, supporters, threshold_at, answer, "
        "answered_at, created_at) VALUES (?, 'An idea', 'an idea', ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            "answered" if answered else "open",
            supporters,
            threshold,
            answer,
            answered,
            created,
        ),
    )


async def seed_opportunity(
    db: Database, guild_id: int, created: str, places: int | None, confirmed: list[int], **extra
):
    opp_id = await db.execute(
        "INSERT INTO opportunities (guild_id, channel_id, title, description, places, state, seed, "
        "created_at, fee_pence) VALUES (?, 1, 'Panel', 'Help', ?, ?, 1, ?, ?)",
        (guild_id, places, extra.get("state", "closed"), created, extra.get("fee")),
    )
    for user_id in confirmed:
        await db.execute(
            "INSERT INTO opportunity_replies (opportunity_id, guild_id, user_id, state, place, "
            "answered_at) VALUES (?, ?, ?, 'interested', 'confirmed', ?)",
            (opp_id, guild_id, user_id, created),
        )


async def seed_outcome(db: Database, guild_id: int, item_id: int, created: str, status: str):
    await db.execute(
        "INSERT INTO outcomes (guild_id, item_kind, item_id, title, statement, status, "
        "created_at, last_update_at) VALUES (?, 'poll', ?, 'Q?', 'We will', ?, ?, ?)",
        (guild_id, item_id, status, created, created),
    )


async def seed_weekly_meeting(db: Database, guild_id: int, start_local: str, rsvps: dict):
    meeting_id = await db.execute(
        "INSERT INTO meetings (guild_id, title, start_local, zone, rule, duration_minutes, "
        "channel_id, created_at) VALUES (?, 'Catch-up', ?, 'Europe/London', 'weekly', 60, 1, ?)",
        (guild_id, start_local, NOW.isoformat()),
    )
    for (occ_key, user_id), (status, answered) in rsvps.items():
        await db.execute(
            "INSERT INTO meeting_rsvps (meeting_id, occ_key, guild_id, user_id, status, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
            (meeting_id, occ_key, guild_id, user_id, status, answered),
        )
    return meeting_id


async def figures(db: Database, period: Period, guilds=(HOME,)):
    return await reports.raw_figures(db, guilds, utc(period.first), utc(period.end_exclusive), NOW)


async def test_figures_for_a_quarter_count_only_what_happened_in_it(db):
    await seed_members(db, HOME, 30)
    # joined 6 and left 2 in the quarter; 3 joined and 1 left after it
    await seed_days(
        db,
        HOME,
        {
            "2026-06-30": (9, 9),  # the day before: not counted
            "2026-07-01": (4, 0),
            "2026-09-30": (2, 2),
            "2026-10-01": (3, 1),
        },
    )
    # polls: two closed in the quarter (turnouts 6 and 9), one closed after, one open
    await seed_poll(db, HOME, at(2026, 6, 20), at(2026, 7, 2), 6)
    await seed_poll(db, HOME, at(2026, 7, 5), at(2026, 9, 30), 9)
    await seed_poll(db, HOME, at(2026, 9, 1), at(2026, 10, 1), 50)
    await seed_poll(db, HOME, at(2026, 8, 1), None, 0)
    await seed_poll(db, OTHER, at(2026, 8, 1), at(2026, 8, 2), 99)  # another server
    # ideas: 3 raised in the quarter, one answered in it after 10 days
    await seed_idea(db, HOME, at(2026, 7, 1), supporters=6, threshold=at(2026, 7, 3))
    await seed_idea(
        db, HOME, at(2026, 8, 1), supporters=2, answered=at(2026, 8, 11), answer="forward"
    )
    await seed_idea(db, HOME, at(2026, 9, 29))
    await seed_idea(db, HOME, at(2026, 6, 1), answered=at(2026, 10, 2), answer="not_now")
    # opportunities: two in the quarter (8 + unlimited places, 3 confirmed); one cancelled
    await seed_opportunity(db, HOME, at(2026, 7, 10), 8, [1000, 1001, 1002], fee=2000)
    await seed_opportunity(db, HOME, at(2026, 8, 10), None, [])
    await seed_opportunity(db, HOME, at(2026, 8, 11), 5, [], state="cancelled")
    await seed_opportunity(db, HOME, at(2026, 10, 10), 5, [1003], fee=1000)
    # outcomes recorded in the quarter: 2 done, 1 delayed; one recorded later
    for item_id, (created, status) in enumerate(
        [
            (at(2026, 7, 2), "done"),
            (at(2026, 8, 2), "done"),
            (at(2026, 9, 2), "delayed"),
            (at(2026, 10, 2), "planned"),
        ]
    ):
        await seed_outcome(db, HOME, item_id, created, status)
    # a weekly Thursday 18:00 meeting from 24 September: 24 Sep in the quarter, 1 Oct after;
    # Alice Going to 24 Sep; Bob said "all in this series" Going on 25 Sep (counts from then)
    await seed_weekly_meeting(
        db,
        HOME,
        "2026-09-24T18:00:00",
        {
            ("20260924T180000", 1000): ("going", at(2026, 9, 20)),
            ("20260924T180000", 1001): ("maybe", at(2026, 9, 20)),
            ("*", 1002): ("going", at(2026, 9, 25)),
        },
    )

    raw = await figures(db, QUARTER)

    assert raw["members"] == {"at_end": 30 - 3 + 1, "joined": 6, "left": 2}
    assert raw["polls"] == {"opened": 3, "closed": 2, "turnouts": [6, 9]}
    ideas = raw["ideas"]
    assert (ideas["raised"], ideas["supports"], ideas["reached_threshold"]) == (3, 8, 1)
    assert ideas["answered"] == 1 and ideas["by_answer"]["forward"] == 1
    assert ideas["days_to_answer"] == [10.0]
    assert raw["outcomes"] == {"by_status": {"done": 2, "delayed": 1}}
    assert raw["opportunities"] == {"offered": 2, "places": 8, "unlimited": 1, "filled": 3}
    assert raw["payments"] == {"offered": 1}
    assert raw["meetings"] == {"held": 1, "going": 1}


async def test_figures_for_a_financial_year(db):
    await seed_members(db, HOME, 12)
    await seed_days(db, HOME, {"2025-03-31": (5, 0), "2025-04-01": (7, 1), "2026-03-31": (1, 1)})
    await seed_days(db, HOME, {"2026-04-01": (2, 0)})
    for month in (4, 7, 10):
        await seed_poll(db, HOME, at(2025, month, 1), at(2025, month, 20), 10)
    await seed_poll(db, HOME, at(2026, 3, 1), at(2026, 4, 1), 10)  # closed after the year
    for month in range(4, 13):
        await seed_idea(
            db, HOME, at(2025, month, 1), answered=at(2025, month, 3), answer="happening"
        )
    raw = await figures(db, YEAR)
    assert raw["members"] == {"at_end": 10, "joined": 8, "left": 2}
    assert raw["polls"]["closed"] == 3 and raw["polls"]["opened"] == 4
    assert raw["ideas"]["answered"] == 9 and raw["ideas"]["days_to_answer"] == [2.0] * 9
    report = build_report(raw, YEAR, scope="server", name="Champions", made_on=NOW.date())
    ideas = {row["measure"]: row["value"] for row in report["tables"][2]["rows"]}
    assert ideas["ideas_answered"] == "9"
    assert ideas["middle_days_to_answer"] == "2 days"
    # 9 "already happening" beside two zeros: the zeros are "fewer than 5", and 9 is not
    # shown, or it would give away that both others are 0 from the total of 9
    assert ideas["answered_happening"] == "not shown"
    assert ideas["answered_forward"] == ideas["answered_not_now"] == "fewer than 5"


async def test_a_meeting_on_a_cancelled_date_or_not_yet_held_is_not_counted(db):
    meeting_id = await seed_weekly_meeting(db, HOME, "2026-11-19T18:00:00", {})
    await db.execute("UPDATE meetings SET skipped_dates = '2026-11-26' WHERE id = ?", (meeting_id,))
    period = parse_period("this quarter", NOW.date())  # up to today, 3 December (a Thursday)
    raw = await figures(db, period)
    assert raw["meetings"]["held"] == 1  # 19 Nov; 26 Nov cancelled; 3 Dec 18:00 not yet


async def test_a_network_report_counts_only_the_servers_asked_about(db):
    await seed_members(db, HOME, 6)
    await seed_members(db, OTHER, 40, first_id=5000)
    await seed_poll(db, OTHER, at(2026, 8, 1), at(2026, 8, 2), 99)
    raw = await figures(db, QUARTER, guilds=(HOME,))
    assert raw["members"]["at_end"] == 6 and raw["polls"]["closed"] == 0
    both = await figures(db, QUARTER, guilds=(HOME, OTHER))
    assert both["members"]["at_end"] == 46 and both["polls"]["closed"] == 1


# -- rule 9 on every cell ---------------------------------------------------------------------

small = st.integers(min_value=0, max_value=60)


@st.composite
def raw_figures(draw):
    return {
        "members": {"at_end": draw(small), "joined": draw(small), "left": draw(small)},
        "polls": {
            "opened": draw(small),
            "closed": draw(small),
            "turnouts": draw(st.lists(small, max_size=8)),
        },
        "ideas": {
            "raised": draw(small),
            "supports": draw(small),
            "reached_threshold": draw(small),
            "answered": draw(small),
            "by_answer": {
                "forward": draw(small),
                "happening": draw(small),
                "not_now": draw(small),
            },
            "days_to_answer": draw(st.lists(st.floats(0, 400), max_size=8)),
        },
        "outcomes": {
            "by_status": draw(
                st.dictionaries(
                    st.sampled_from(["planned", "in_progress", "done", "delayed"]), small
                )
            )
        },
        "opportunities": {
            "offered": draw(small),
            "places": draw(small),
            "unlimited": draw(small),
            "filled": draw(small),
        },
        "payments": {"offered": draw(small)},
        "meetings": {"held": draw(small), "going": draw(small)},
    }


@given(raw_figures())
def test_no_cell_ever_shows_a_number_under_5(raw):
    report = build_report(raw, QUARTER, scope="server", name="Champions", made_on=NOW.date())
    for value in shown_values(report):
        head = value.split()[0].replace(",", "")
        if head.isdigit() and not value.endswith(("days", "day")):  # a time, not people
            assert int(head) >= 5, value
    statuses = {
        row["measure"]: row["value"]
        for row in report["tables"][3]["rows"]
        if "status_" in row["measure"]
    }
    by_status = raw["outcomes"]["by_status"]
    if (
        any(
            by_status.get(key, 0) < 5
            for key in ("planned", "in_progress", "done", "delayed", "not_going_ahead")
        )
        and sum(by_status.values()) >= 5
    ):
        # a figure under 5 beside a known total: one more is not shown
        assert "not shown" in statuses.values()


def test_every_small_cell_is_words():
    raw = {
        "members": {"at_end": 3, "joined": 1, "left": 4},
        "polls": {"opened": 2, "closed": 2, "turnouts": [3, 1]},
        "ideas": {
            "raised": 1,
            "supports": 4,
            "reached_threshold": 0,
            "answered": 1,
            "by_answer": {"forward": 1, "happening": 0, "not_now": 0},
            "days_to_answer": [3.0],
        },
        "outcomes": {"by_status": {"done": 2}},
        "opportunities": {"offered": 1, "places": 4, "unlimited": 0, "filled": 2},
        "payments": {"offered": 1},
        "meetings": {"held": 2, "going": 3},
    }
    report = build_report(raw, QUARTER, scope="server", name="Champions", made_on=NOW.date())
    for value in shown_values(report):
        assert value == "fewer than 5" or value.startswith("not shown"), value
    assert not any(ch.isdigit() for ch in "".join(shown_values(report)).replace("5", ""))


# -- the CSV ------------------------------------------------------------------------------


def test_the_csv_is_one_tidy_table_per_file():
    raw = {
        "members": {"at_end": 30, "joined": 6, "left": 2},
        "polls": {"opened": 7, "closed": 6, "turnouts": [6, 9, 12, 5, 20, 7]},
        "ideas": {
            "raised": 8,
            "supports": 40,
            "reached_threshold": 5,
            "answered": 5,
            "by_answer": {"forward": 5, "happening": 0, "not_now": 0},
            "days_to_answer": [1, 2, 3, 4, 30],
        },
        "outcomes": {"by_status": {"done": 6}},
        "opportunities": {"offered": 5, "places": 20, "unlimited": 0, "filled": 12},
        "payments": {"offered": 5},
        "meetings": {"held": 12, "going": 80},
    }
    report = build_report(raw, QUARTER, scope="server", name='Team "A", North', made_on=NOW.date())
    archive = zipfile.ZipFile(io.BytesIO(report_zip(report)))
    names = archive.namelist()
    assert names == [
        "about.csv",
        "members.csv",
        "polls.csv",
        "ideas.csv",
        "outcomes.csv",
        "opportunities.csv",
        "meetings.csv",
    ]
    tables = {
        name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in names
    }
    assert tables["about.csv"][0] == list(ABOUT_COLUMNS)
    assert ["name", 'Team "A", North'] in tables["about.csv"]
    for name in names[1:]:
        header, *rows = tables[name]
        assert header == list(CSV_COLUMNS)
        assert rows and all(len(row) == 4 for row in rows)
        assert all(row[:2] == ["2026-07-01", "2026-09-30"] for row in rows)
    members = {row[2]: row[3] for row in tables["members.csv"][1:]}
    assert members == {"members_at_end": "25 to 49", "joined": "6", "left": "fewer than 5"}
    polls = {row[2]: row[3] for row in tables["polls.csv"][1:]}
    assert polls == {"polls_opened": "7", "polls_closed": "6", "votes": "59", "middle_turnout": "8"}
    opportunities = {row[2]: row[3] for row in tables["opportunities.csv"][1:]}
    assert opportunities["offering_payment"] == "5"
    assert {row[2]: row[3] for row in tables["meetings.csv"][1:]} == {
        "meetings_held": "12",
        "going": "80",
    }


# -- the day's snapshot and links --------------------------------------------------------------


def test_a_signed_token_reads_back_and_a_changed_one_does_not():
    secret = b"k" * 40
    token = signed_token(secret, "abc123")
    assert read_token(secret, token) == "abc123"
    assert read_token(b"j" * 40, token) is None
    assert read_token(secret, "abc124" + token[6:]) is None
    assert read_token(secret, "abc123") is None
    assert read_token(secret, token + "x") is None


async def test_links_expire_are_withdrawn_by_their_server_only_and_are_pruned(db):
    await reports.create_link(db, "L1", HOME, "server", {"x": 1}, NOW, timedelta(days=7))
    link = await reports.get_link(db, "L1")
    assert link["expires_at"] == NOW + timedelta(days=7) and link["withdrawn_at"] is None
    assert not await reports.withdraw_link(db, "L1", OTHER, NOW)
    assert await reports.withdraw_link(db, "L1", HOME, NOW)
    assert not await reports.withdraw_link(db, "L1", HOME, NOW)  # once
    assert (await reports.get_link(db, "L1"))["withdrawn_at"] == NOW
    await reports.prune_links(db, NOW + timedelta(days=29))
    assert await reports.get_link(db, "L1") is not None
    await reports.prune_links(db, NOW + timedelta(days=31))
    assert await reports.get_link(db, "L1") is None


async def test_the_snapshot_is_the_same_all_day(db):
    await reports.save_snapshot(db, HOME, "server", QUARTER.key, "2026-12-03", {"a": 1})
    assert await reports.snapshot(db, HOME, "server", QUARTER.key, "2026-12-03") == {"a": 1}
    assert await reports.snapshot(db, HOME, "server", QUARTER.key, "2026-12-04") is None
    assert await reports.snapshot(db, HOME, "network", QUARTER.key, "2026-12-03") is None
    stored = await db.fetchall("SELECT figures FROM report_snapshots")
    assert [json.loads(row[0]) for row in stored] == [{"a": 1}]


async def test_a_servers_reports_go_with_the_server(db):
    from db.guilds import erase_guild

    await reports.create_link(db, "L1", HOME, "server", {"x": 1}, NOW, timedelta(days=7))
    await reports.create_link(db, "L2", OTHER, "server", {"x": 1}, NOW, timedelta(days=7))
    await reports.save_snapshot(db, HOME, "server", QUARTER.key, "2026-12-03", {"a": 1})
    await erase_guild(db, HOME)
    assert await reports.get_link(db, "L1") is None
    assert await reports.get_link(db, "L2") is not None
    assert await reports.snapshot(db, HOME, "server", QUARTER.key, "2026-12-03") is None
