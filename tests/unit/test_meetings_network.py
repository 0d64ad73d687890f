"""Network meetings in the repository and rules: one answer per person, counted where
first given; reminders and notices under that server; per-server counts (issue 10)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from bot.domain.meetings import SERIES_KEY, Answer, attending_by_server
from db import meetings, members, network_items, networks
from db.database import Database
from db.settings import update_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
LEEDS, BRADFORD, WAKEFIELD = 7, 8, 9
ADA, SAM, WYN = 111, 222, 333
FIRST, SECOND = "20261203T180000", "20261210T180000"


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "network-meetings.db")
    await database.migrate()
    for guild_id, user_id in ((LEEDS, ADA), (LEEDS, SAM), (BRADFORD, SAM), (WAKEFIELD, WYN)):
        await members.agree(database, guild_id, user_id, notice_version=1, now=NOW, secret=SECRET)
    yield database
    await database.close()


async def network_meeting(db) -> int:
    data = {
        "title": "Network catch-up",
        "place": None,
        "start_local": "2026-12-03T18:00:00",
        "zone": "Europe/London",
        "rule": "weekly",
        "duration": 60,
        "offsets": "1440,60",
    }
    draft_id = await meetings.create_draft(db, LEEDS, ADA, data, NOW)
    meeting_id = await meetings.post_draft(db, draft_id, LEEDS, ADA, 55, NOW)
    network_id = await networks.create_network(db, "Yorkshire", LEEDS, NOW)
    await network_items.set_network(db, "meeting", meeting_id, network_id)
    for guild_id, channel_id in ((LEEDS, 55), (BRADFORD, 66), (WAKEFIELD, 77)):
        await network_items.record_copy(db, "meeting", meeting_id, guild_id, channel_id, None)
    return meeting_id


async def test_a_person_in_two_servers_answers_once_counted_where_they_first_answered(db):
    mid = await network_meeting(db)
    assert await meetings.counted_in(db, mid, SAM) is None
    assert await meetings.answer(db, mid, FIRST, BRADFORD, SAM, "going", NOW) == BRADFORD
    # From Leeds, the same answer changes, and stays counted in Bradford.
    assert await meetings.answer(db, mid, FIRST, LEEDS, SAM, "maybe", NOW) == BRADFORD
    # Another occurrence, and the whole series, count there too.
    assert await meetings.answer(db, mid, SECOND, LEEDS, SAM, "no", NOW) == BRADFORD
    answers = await meetings.answers_for(db, mid, FIRST)
    assert answers[SAM].status == "maybe" and answers[SAM].guild_id == BRADFORD
    rows = await db.fetchall(
        "SELECT guild_id, occ_key FROM meeting_rsvps WHERE user_id = ?", (SAM,)
    )
    assert sorted(tuple(r) for r in rows) == [(BRADFORD, FIRST), (BRADFORD, SECOND)]
    counted = await meetings.answer_series(db, mid, LEEDS, SAM, "going", [FIRST, SECOND], NOW)
    assert counted == BRADFORD
    rows = await db.fetchall(
        "SELECT guild_id, occ_key FROM meeting_rsvps WHERE user_id = ?", (SAM,)
    )
    assert [tuple(r) for r in rows] == [(BRADFORD, SERIES_KEY)]
    # Their answer and name choice are found from either server.
    mine = await meetings.my_answer(db, mid, FIRST, LEEDS, SAM)
    assert mine is not None and mine.status == "going"
    assert await meetings.set_show_name(db, mid, LEEDS, SAM, True)
    assert (await meetings.answers_for(db, mid, FIRST))[SAM].show_name


async def test_leaving_the_server_an_answer_counts_in_erases_it_and_frees_the_person(db):
    mid = await network_meeting(db)
    await meetings.answer(db, mid, FIRST, BRADFORD, SAM, "going", NOW)
    assert await members.leave(db, BRADFORD, SAM, NOW, SECRET)
    assert await meetings.answers_for(db, mid, FIRST) == {}
    # Still a member of Leeds: a new answer from there counts in Leeds.
    assert await meetings.answer(db, mid, FIRST, LEEDS, SAM, "going", NOW) == LEEDS


async def test_reminders_and_notices_go_to_each_person_as_a_member_of_their_server(db):
    mid = await network_meeting(db)
    await update_settings(db, WAKEFIELD, NOW, timezone="Pacific/Auckland")
    meeting = await meetings.get_meeting(db, mid)
    assert meeting is not None and meeting.network_id is not None
    await meetings.answer(db, mid, FIRST, LEEDS, ADA, "going", NOW)
    await meetings.answer(db, mid, FIRST, BRADFORD, SAM, "maybe", NOW)
    await meetings.answer(db, mid, FIRST, WAKEFIELD, WYN, "going", NOW)
    assert await meetings.attending(db, mid, [FIRST]) == [
        (LEEDS, ADA),
        (BRADFORD, SAM),
        (WAKEFIELD, WYN),
    ]
    people = {
        p.user_id: p for p in await meetings.reminder_audience(db, meeting, FIRST, "Europe/London")
    }
    assert set(people) == {ADA, SAM, WYN}
    # With no zone of their own, a member's quiet hours are read in their server's zone.
    assert people[WYN].zone == "Pacific/Auckland"
    assert people[ADA].zone == "Europe/London"


async def test_listing_shared_meetings_and_a_persons_answers_across_the_network(db):
    mid = await network_meeting(db)
    assert [m.id for m in await meetings.list_shared_with(db, BRADFORD)] == [mid]
    assert await meetings.list_shared_with(db, LEEDS) == []  # its own, listed as such
    assert await meetings.is_shared_with(db, mid, WAKEFIELD)
    await meetings.answer(db, mid, FIRST, BRADFORD, SAM, "going", NOW)
    # In Leeds, sam's answer (counted in Bradford) is still shown as theirs.
    assert await meetings.my_upcoming_answers(db, LEEDS, SAM) == {(mid, FIRST): "going"}
    await meetings.cancel_meeting(db, mid, NOW)
    assert await meetings.list_shared_with(db, BRADFORD) == []


def answer(user_id: int, status: str, guild_id: int) -> Answer:
    return Answer(user_id, status, False, NOW, guild_id=guild_id)


def test_per_server_counts_count_going_and_maybe_once_each_and_list_every_server():
    answers = {
        1: answer(1, "going", LEEDS),
        2: answer(2, "maybe", LEEDS),
        3: answer(3, "no", BRADFORD),
        4: answer(4, "going", BRADFORD),
    }
    assert attending_by_server(answers, [LEEDS, BRADFORD, WAKEFIELD]) == {
        LEEDS: 2,
        BRADFORD: 1,
        WAKEFIELD: 0,  # listed with 0, so the breakdown can't hint who had anyone
    }


async def test_the_database_itself_refuses_a_second_answer_from_another_server(db):
    mid = await network_meeting(db)
    await meetings.answer(db, mid, FIRST, BRADFORD, SAM, "going", NOW)
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO meeting_rsvps (meeting_id, occ_key, guild_id, user_id, status, "
            "answered_at) VALUES (?, ?, ?, ?, 'going', ?)",
            (mid, FIRST, LEEDS, SAM, NOW.isoformat()),
        )
