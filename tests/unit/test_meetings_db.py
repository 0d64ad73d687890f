"""The meetings repository: drafts post once, answers per occurrence and series, retention."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.quiet_hours import QuietHours
from bot.domain.recurrence import Series
from db import meetings, members
from db.database import Database
from db.personal_data import erase_all, export_all
from db.settings import update_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 7
ALICE, BOB, CAROL = 111, 222, 333
FIRST, SECOND = "20261203T180000", "20261210T180000"


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "meetings.db")
    await database.migrate()
    for user_id in (ALICE, BOB, CAROL):
        await members.agree(database, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
    yield database
    await database.close()


def wall(*parts: int) -> datetime:
    """A naive local wall time (series are stored that way)."""
    return datetime(*parts)  # noqa: DTZ001


def draft(rule="weekly", **changes):
    return {
        "title": "Champions catch-up",
        "place": "Room 2",
        "start_local": "2026-12-03T18:00:00",
        "zone": "Europe/London",
        "rule": rule,
        "duration": 60,
        "offsets": "1440,60",
        **changes,
    }


async def new_meeting(db, rule="weekly", **changes):
    draft_id = await meetings.create_draft(db, GUILD, ALICE, draft(rule, **changes), NOW)
    return await meetings.post_draft(db, draft_id, GUILD, ALICE, 55, NOW)


async def test_a_draft_posts_once_and_only_for_the_organiser_who_typed_it(db):
    draft_id = await meetings.create_draft(db, GUILD, ALICE, draft(), NOW)
    assert await meetings.post_draft(db, draft_id, GUILD, BOB, 55, NOW) is None
    meeting_id = await meetings.post_draft(db, draft_id, GUILD, ALICE, 55, NOW)
    assert meeting_id is not None
    assert await meetings.post_draft(db, draft_id, GUILD, ALICE, 55, NOW) is None
    meeting = await meetings.get_meeting(db, meeting_id)
    assert meeting.series == Series(wall(2026, 12, 3, 18, 0), "Europe/London", "weekly")
    assert meeting.offsets == (timedelta(hours=24), timedelta(hours=1))
    assert await meetings.get_meeting(db, meeting_id, guild_id=GUILD + 1) is None


async def test_old_drafts_are_dropped_when_a_new_one_is_made(db):
    await meetings.create_draft(db, GUILD, ALICE, draft(), NOW - timedelta(days=2))
    await meetings.create_draft(db, GUILD, BOB, draft(), NOW)
    assert await db.fetchval("SELECT count(*) FROM meeting_drafts") == 1


async def test_an_answer_for_one_meeting_overrides_the_series_answer(db):
    mid = await new_meeting(db)
    await meetings.answer_series(db, mid, GUILD, ALICE, "going", [FIRST, SECOND], NOW)
    await meetings.answer(db, mid, SECOND, GUILD, ALICE, "no", NOW)
    assert (await meetings.answers_for(db, mid, FIRST))[ALICE].status == "going"
    assert (await meetings.answers_for(db, mid, SECOND))[ALICE].status == "no"
    # "all in this series" again: the one-off answer for an upcoming meeting gives way
    await meetings.answer_series(db, mid, GUILD, ALICE, "maybe", [FIRST, SECOND], NOW)
    assert (await meetings.answers_for(db, mid, SECOND))[ALICE].status == "maybe"
    assert await db.fetchval("SELECT count(*) FROM meeting_rsvps") == 1


async def test_changing_going_to_maybe_keeps_the_answer_time_for_reminders(db):
    mid = await new_meeting(db)
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW)
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "maybe", NOW + timedelta(days=1))
    assert (await meetings.answers_for(db, mid, FIRST))[ALICE].answered_at == NOW
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "no", NOW + timedelta(days=1))
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW + timedelta(days=2))
    assert (await meetings.answers_for(db, mid, FIRST))[ALICE].answered_at == NOW + timedelta(
        days=2
    )


async def test_showing_a_name_needs_an_answer_and_survives_a_change_of_answer(db):
    mid = await new_meeting(db)
    assert not await meetings.set_show_name(db, mid, GUILD, ALICE, True)
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW)
    assert await meetings.set_show_name(db, mid, GUILD, ALICE, True)
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "maybe", NOW)
    assert (await meetings.answers_for(db, mid, FIRST))[ALICE].show_name


async def test_the_reminder_audience_is_going_and_maybe_with_their_own_settings(db):
    mid = await new_meeting(db)
    meeting = await meetings.get_meeting(db, mid)
    await update_settings(db, GUILD, NOW, timezone="UTC")  # Alice has no zone of her own
    await members.update_profile(
        db,
        GUILD,
        BOB,
        NOW,
        timezone="America/New_York",
        quiet_hours=QuietHours(time(22), time(7)),
        reminder_offsets=(timedelta(minutes=30),),
    )
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW)
    await meetings.answer_series(db, mid, GUILD, BOB, "maybe", [FIRST], NOW)
    await meetings.answer(db, mid, FIRST, GUILD, CAROL, "no", NOW)
    people = {p.user_id: p for p in await meetings.reminder_audience(db, meeting, FIRST, "UTC")}
    assert set(people) == {ALICE, BOB}
    assert people[ALICE].zone == "UTC" and people[ALICE].own_offsets is None
    assert people[BOB].zone == "America/New_York"
    assert people[BOB].quiet_hours == QuietHours(time(22), time(7))
    assert people[BOB].own_offsets == (timedelta(minutes=30),)
    assert await meetings.attending_ids(db, mid, [FIRST]) == [ALICE, BOB]


async def test_moving_a_meeting_moves_its_answers_and_counts_a_revision(db):
    mid = await new_meeting(db)
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW)
    await meetings.answer(db, mid, SECOND, GUILD, BOB, "going", NOW)
    new = Series(wall(2026, 12, 10, 18, 0), "Europe/London", "weekly")
    revision = await meetings.update_meeting(
        db,
        mid,
        title="Catch-up",
        place=None,
        series=new,
        offsets=(),
        remap={FIRST: SECOND, SECOND: "20261217T180000"},  # a chain: no collision
    )
    assert revision == 1
    assert (await meetings.answers_for(db, mid, SECOND))[ALICE].status == "going"
    assert BOB in await meetings.answers_for(db, mid, "20261217T180000")
    assert (await meetings.get_meeting(db, mid)).offsets == ()


async def test_the_reminded_mark_starts_once_and_only_moves_forward(db):
    mid = await new_meeting(db)
    assert await meetings.reminded_until(db, mid, FIRST, NOW) == NOW
    assert await meetings.reminded_until(db, mid, FIRST, NOW + timedelta(hours=5)) == NOW
    await meetings.mark_reminded(db, mid, FIRST, NOW + timedelta(hours=2))
    await meetings.mark_reminded(db, mid, FIRST, NOW + timedelta(hours=1))
    assert await meetings.reminded_until(db, mid, FIRST, NOW) == NOW + timedelta(hours=2)


async def test_cancelling_happens_once(db):
    mid = await new_meeting(db)
    assert await meetings.cancel_meeting(db, mid, NOW)
    assert not await meetings.cancel_meeting(db, mid, NOW)
    assert not (await meetings.get_meeting(db, mid)).is_scheduled


async def test_retention_erases_answers_to_meetings_long_over_and_keeps_the_rest(db):
    one_off = await new_meeting(db, rule="none")
    weekly = await new_meeting(db)
    for mid in (one_off, weekly):
        await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW)
    await meetings.answer(db, weekly, "20270107T180000", GUILD, BOB, "going", NOW)
    await meetings.answer_series(db, weekly, GUILD, CAROL, "maybe", [], NOW)
    assert await meetings.sweep(db, GUILD, cutoff=NOW) == 0
    cutoff = datetime(2027, 1, 1, tzinfo=UTC)
    assert await meetings.sweep(db, GUILD, cutoff) == 2  # the one-off's, and one past week's
    left = await db.fetchall("SELECT meeting_id, occ_key, user_id FROM meeting_rsvps")
    assert sorted(tuple(r) for r in left) == [
        (weekly, "*", CAROL),
        (weekly, "20270107T180000", BOB),
    ]


async def test_leaving_erases_answers_and_drafts_and_export_lists_them(db):
    mid = await new_meeting(db)
    await meetings.create_draft(db, GUILD, ALICE, draft(), NOW)
    await meetings.answer(db, mid, FIRST, GUILD, ALICE, "going", NOW)
    await meetings.answer(db, mid, FIRST, GUILD, BOB, "going", NOW)
    exported = await export_all(db, GUILD, ALICE)
    assert [r["title"] for r in exported["meeting_rsvps"]] == ["Champions catch-up"]
    assert len(exported["meeting_drafts"]) == 1
    await erase_all(db, GUILD, ALICE, SECRET)
    assert await db.fetchval("SELECT count(*) FROM meeting_rsvps WHERE user_id = ?", (ALICE,)) == 0
    assert await db.fetchval("SELECT count(*) FROM meeting_drafts") == 0
    assert await db.fetchval("SELECT count(*) FROM meeting_rsvps") == 1  # Bob's stays
