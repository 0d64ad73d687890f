"""Knowing it was down (issue 27): outages from heartbeats, and the one line per server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import DrivenClock
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.domain.outages import OUTAGE_GAP, Outage, ReminderOutcomes, outage_line, outage_since
from bot.heartbeat import HEARTBEAT_KEY, LAST_OUTAGE_KEY, PENDING_KEY, Heartbeat
from db import guilds
from db.database import Database
from db.settings import get_meta, set_meta, update_settings

T0 = datetime(2026, 12, 3, 2, 10, tzinfo=UTC)
BACK = datetime(2026, 12, 3, 3, 40, tzinfo=UTC)
HERE, THERE, QUIET = 1, 2, 3  # servers: two with a moderators channel, one without


def ts(when, style):
    return f"<t:{int(when.timestamp())}:{style}>"


# -- the rule ---------------------------------------------------------------------------


def test_a_first_start_and_a_short_gap_are_no_outage():
    assert outage_since(None, T0) is None
    assert outage_since(T0, T0 + OUTAGE_GAP) is None
    assert outage_since(T0 + timedelta(minutes=1), T0) is None  # the clock was put back


def test_a_gap_over_five_minutes_is_an_outage_from_the_last_heartbeat_to_now():
    assert outage_since(T0, BACK) == Outage(T0, BACK)


@given(st.integers(min_value=0, max_value=10 * 24 * 60 * 60))
def test_an_outage_exactly_when_the_gap_is_over_five_minutes(seconds):
    now = T0 + timedelta(seconds=seconds)
    found = outage_since(T0, now)
    assert (found is not None) == (seconds > 300)
    if found is not None:
        assert found == Outage(T0, now) and Outage.from_json(found.to_json()) == found


def test_the_line_names_the_times_and_counts_late_and_skipped_reminders():
    line = outage_line(Outage(T0, BACK), ReminderOutcomes(late=14, skipped=2))
    assert line == (
        f"I was offline from {ts(T0, 'f')} to {ts(BACK, 't')}; 14 meeting reminders went "
        "out late, 2 were skipped because their meeting had started."
    )


def test_the_line_reads_well_for_one_none_and_a_long_outage():
    assert outage_line(Outage(T0, BACK), ReminderOutcomes(late=1)).endswith(
        "; 1 meeting reminder went out late."
    )
    assert outage_line(Outage(T0, BACK), ReminderOutcomes(skipped=1)).endswith(
        "; 1 meeting reminder was skipped because their meeting had started."
    )
    assert outage_line(Outage(T0, BACK), ReminderOutcomes()).endswith(
        f"to {ts(BACK, 't')}. No meeting reminders were due meanwhile."
    )
    days = T0 + timedelta(days=2)
    assert f"to {ts(days, 'f')}" in outage_line(Outage(T0, days), ReminderOutcomes())


# -- heartbeats in the database -----------------------------------------------------------


@pytest.fixture
async def beat(tmp_path):
    db = await Database.open(tmp_path / "speakback.db")
    await db.migrate()
    clock = DrivenClock(T0)
    dispatcher = Dispatcher(db, clock)
    dispatcher.register("meeting_reminder", _nothing, reminder=True)
    dispatcher.register("poll_close", _nothing)  # not a reminder: never counted
    delivery = Delivery(db, clock, None, dispatch=lambda *args: None, allowed_mentions=None)
    for guild_id in (HERE, THERE, QUIET):
        await guilds.mark_present(db, guild_id, f"Server {guild_id}", T0)
    await update_settings(db, HERE, T0, moderators_channel_id=100)
    await update_settings(db, THERE, T0, moderators_channel_id=200)
    yield Heartbeat(db, clock, dispatcher, delivery), clock, db
    await db.close()


async def _nothing(job, now):
    return None


async def _job(db, key, kind, guild_id, due, state):
    await db.execute(
        "INSERT INTO jobs (kind, key, guild_id, payload, due_at, state, finished_at) "
        "VALUES (?, ?, ?, '{}', ?, ?, ?)",
        (kind, key, guild_id, due.isoformat(), state, BACK.isoformat()),
    )


async def posts(db):
    found = await db.fetchall("SELECT channel_id, payload FROM outbox WHERE kind = 'post'")
    return {row["channel_id"]: json.loads(row["payload"])["content"] for row in found}


async def test_the_outage_line_is_computed_from_heartbeats_per_server_and_queued_once(beat):
    heartbeat, clock, db = beat
    assert await heartbeat.detect() is None  # the first start: no outage, a heartbeat
    assert await get_meta(db, HEARTBEAT_KEY) == T0.isoformat()
    clock.set(T0 + timedelta(minutes=4))
    await heartbeat.beat()
    last = T0 + timedelta(minutes=4)
    clock.set(BACK)  # killed after that beat; started again at 03:40
    minute = timedelta(minutes=1)
    for n in range(3):
        await _job(db, f"late-here-{n}", "meeting_reminder", HERE, last + n * minute, "done")
    await _job(db, "skipped-here", "meeting_reminder", HERE, last + 9 * minute, "missed")
    await _job(db, "late-there", "meeting_reminder", THERE, last + minute, "done")
    await _job(db, "before", "meeting_reminder", THERE, last - minute, "done")  # sent in time
    await _job(db, "a-close", "poll_close", THERE, last + minute, "done")  # not a reminder
    await _job(db, "still-to-come", "meeting_reminder", HERE, BACK + minute, "pending")

    assert await heartbeat.detect() == Outage(last, BACK)
    assert await heartbeat.tell_moderators() == 2
    said = await posts(db)
    span = f"I was offline from {ts(last, 'f')} to {ts(BACK, 't')}"
    assert said == {
        100: f"{span}; 3 meeting reminders went out late, 1 was skipped because their "
        "meeting had started.",
        200: f"{span}; 1 meeting reminder went out late.",
    }
    # Told once: a second start soon after finds nothing new to say.
    assert await get_meta(db, PENDING_KEY) is None
    clock.set(BACK + timedelta(minutes=2))
    assert await heartbeat.detect() is None
    assert await heartbeat.tell_moderators() == 0
    assert len(await posts(db)) == 2
    # /status keeps the last one, for the server with no moderators channel.
    assert await heartbeat.last_outage() == Outage(last, BACK)
    assert await heartbeat.outcomes(Outage(last, BACK), QUIET) == ReminderOutcomes()


async def test_down_again_before_moderators_were_told_is_one_outage(beat):
    heartbeat, clock, db = beat
    await set_meta(db, HEARTBEAT_KEY, T0.isoformat())
    clock.set(T0 + timedelta(hours=1))
    assert await heartbeat.detect() == Outage(T0, T0 + timedelta(hours=1))
    # killed before the catch-up finished; down another hour
    clock.set(T0 + timedelta(hours=2))
    assert await heartbeat.detect() == Outage(T0, T0 + timedelta(hours=2))
    assert await heartbeat.tell_moderators() == 2
    assert json.loads(await get_meta(db, LAST_OUTAGE_KEY))["start"] == T0.isoformat()
