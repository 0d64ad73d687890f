"""The dispatcher: due work runs once, late work follows its kind's policy, failures retry."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import DrivenClock
from bot.dispatcher import MAX_ATTEMPTS, Dispatcher, JobMissed
from db import jobs
from db.database import Database

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "d.db")
    await database.migrate()
    yield database
    await database.close()


def make(db, clock):
    dispatcher = Dispatcher(db, clock)
    ran: list[tuple[str, datetime]] = []

    async def record(job, now):
        ran.append((job.key, now))

    dispatcher.register("note", record)
    return dispatcher, ran


async def state_of(db, key):
    return await db.fetchval("SELECT state FROM jobs WHERE key = ?", (key,))


async def test_a_job_runs_once_when_due_and_not_before(db):
    clock = DrivenClock(START)
    dispatcher, ran = make(db, clock)
    await dispatcher.schedule("note", START + timedelta(hours=1), {}, "a")
    assert await dispatcher.run_due() == 0
    clock.advance(timedelta(minutes=59))
    assert await dispatcher.run_due() == 0
    clock.advance(timedelta(minutes=1))
    assert await dispatcher.run_due() == 1
    assert await dispatcher.run_due() == 0
    assert ran == [("a", START + timedelta(hours=1))]
    assert await state_of(db, "a") == "done"


async def test_rescheduling_a_key_moves_it_instead_of_adding_a_second(db):
    clock = DrivenClock(START)
    dispatcher, ran = make(db, clock)
    await dispatcher.schedule("note", START + timedelta(hours=1), {}, "a")
    await dispatcher.schedule("note", START + timedelta(hours=2), {}, "a")
    clock.advance(timedelta(hours=3))
    await dispatcher.run_due()
    assert [key for key, _ in ran] == ["a"]


async def test_work_due_while_down_runs_once_after_restart(db):
    clock = DrivenClock(START)
    first, _ = make(db, clock)
    await first.schedule("note", START + timedelta(minutes=10), {}, "a")
    # the bot is down for an hour; a new process starts on the same database
    clock.advance(timedelta(hours=1))
    second, ran = make(db, clock)
    await second.start()
    await second.wait_caught_up()
    try:
        assert [key for key, _ in ran] == ["a"]
        await second.run_due()
        assert len(ran) == 1
    finally:
        second.stop()


async def test_a_job_interrupted_mid_run_is_run_again_at_start(db):
    clock = DrivenClock(START)
    dispatcher, _ = make(db, clock)
    await dispatcher.schedule("note", START, {}, "a")
    await jobs.claim_next_due(db, START)  # claimed, then the process died
    assert await state_of(db, "a") == "running"
    again, ran = make(db, clock)
    await again.start()
    await again.wait_caught_up()
    again.stop()
    assert [key for key, _ in ran] == ["a"]
    assert await state_of(db, "a") == "done"


async def test_too_late_by_policy_is_recorded_missed_with_a_reason(db):
    clock = DrivenClock(START)
    dispatcher = Dispatcher(db, clock)
    ran = []

    async def remind(job, now):
        ran.append(job.key)

    dispatcher.register("remind", remind, max_lateness=timedelta(minutes=30))
    await dispatcher.schedule("remind", START, {}, "r")
    clock.advance(timedelta(hours=2))
    await dispatcher.run_due()
    assert ran == []
    row = await db.fetchone("SELECT state, last_error FROM jobs WHERE key = 'r'")
    assert row["state"] == "missed" and "unavailable" in row["last_error"]


async def test_a_handler_can_decide_it_is_too_late(db):
    clock = DrivenClock(START)
    dispatcher = Dispatcher(db, clock)

    async def remind(job, now):
        raise JobMissed("the meeting had already started")

    dispatcher.register("remind", remind)
    await dispatcher.schedule("remind", START, {}, "r")
    await dispatcher.run_due()
    row = await db.fetchone("SELECT state, last_error FROM jobs WHERE key = 'r'")
    assert (row["state"], row["last_error"]) == ("missed", "the meeting had already started")


async def test_a_failing_handler_retries_with_backoff_and_does_not_block_others(db):
    clock = DrivenClock(START)
    dispatcher, ran = make(db, clock)
    calls = []

    async def broken(job, now):
        calls.append(now)
        raise RuntimeError("database of a partner is down")

    dispatcher.register("broken", broken)
    await dispatcher.schedule("broken", START, {}, "b")
    await dispatcher.schedule("note", START, {}, "a")
    await dispatcher.run_due()
    assert [key for key, _ in ran] == ["a"]
    row = await db.fetchone("SELECT state, due_at, last_error FROM jobs WHERE key = 'b'")
    assert row["state"] == "pending" and "partner is down" in row["last_error"]
    assert datetime.fromisoformat(row["due_at"]) == START + jobs.backoff(1)
    problems = await jobs.recent_problems(db)
    assert [p["key"] for p in problems] == ["b"]
    # it keeps trying, further apart each time, then gives up and says so
    for _ in range(MAX_ATTEMPTS + 2):
        clock.advance(timedelta(hours=2))
        await dispatcher.run_due()
    assert len(calls) == MAX_ATTEMPTS
    assert await state_of(db, "b") == "failed"
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert all(gap >= timedelta(seconds=30) for gap in gaps)


async def test_scheduling_an_unknown_kind_is_refused(db):
    dispatcher, _ = make(db, DrivenClock(START))
    with pytest.raises(ValueError, match="no handler"):
        await dispatcher.schedule("nope", START, {}, "x")


async def test_cancel_removes_a_pending_job(db):
    clock = DrivenClock(START)
    dispatcher, ran = make(db, clock)
    await dispatcher.schedule("note", START, {}, "a")
    assert await dispatcher.cancel("a")
    await dispatcher.run_due()
    assert ran == []
