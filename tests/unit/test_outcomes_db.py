"""The outcomes repository: one outcome per item, its timeline, corrections, review dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db import outcomes
from db.database import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "outcomes.db")
    await database.migrate()
    yield database
    await database.close()


async def _record(db: Database, item_id: int = 1, guild_id: int = 7) -> int:
    made = await outcomes.create(
        db,
        guild_id=guild_id,
        item_kind="poll",
        item_id=item_id,
        title="Which service first?",
        statement="We will start with the crisis line.",
        status="planned",
        progress=None,
        by_when="spring",
        review_on=date(2027, 3, 1),
        now=NOW,
    )
    assert made is not None
    return made[0]


async def test_one_outcome_per_item_with_its_first_entry(db):
    outcome_id = await _record(db)
    assert await _record_again(db) is None
    found = await outcomes.get_outcome(db, outcome_id)
    assert found is not None and found.status == "planned" and found.review_on == date(2027, 3, 1)
    entries = await outcomes.timeline(db, outcome_id)
    assert [(e.kind, e.body) for e in entries] == [
        ("recorded", "We will start with the crisis line.")
    ]


async def _record_again(db: Database):
    return await outcomes.create(
        db,
        guild_id=7,
        item_kind="poll",
        item_id=1,
        title="x",
        statement="y",
        status="planned",
        progress=None,
        by_when=None,
        review_on=None,
        now=NOW,
    )


async def test_updates_move_the_outcome_and_list_newest_first(db):
    first = await _record(db, 1)
    second = await _record(db, 2)
    later = NOW + timedelta(days=3)
    update = await outcomes.add_update(
        db,
        first,
        kind="update",
        body="Training has begun.",
        status="in_progress",
        progress=40,
        by_when="spring",
        review_on=date(2027, 4, 1),
        now=later,
        expected_status="planned",
    )
    assert update is not None
    # someone else moved it on meanwhile: refused
    assert (
        await outcomes.add_update(
            db,
            first,
            kind="update",
            body="x",
            status="done",
            progress=None,
            by_when=None,
            review_on=None,
            now=later,
            expected_status="planned",
        )
        is None
    )
    listed = await outcomes.list_outcomes(db, [7])
    assert [o.id for o in listed] == [first, second]
    assert listed[0].status == "in_progress" and listed[0].progress == 40
    assert [o.id for o in await outcomes.list_outcomes(db, [7], status="planned")] == [second]
    assert await outcomes.list_outcomes(db, [8]) == []
    assert await outcomes.mark_told(db, update, 3, later)
    assert not await outcomes.mark_told(db, update, 3, later)  # once


async def test_a_correction_keeps_the_earlier_wording(db):
    outcome_id = await _record(db)
    entry = (await outcomes.timeline(db, outcome_id))[0]
    assert await outcomes.correct(
        db,
        outcome_id,
        statement="We will start with the crisis line's evening hours.",
        by_when=None,
        update_id=entry.id,
        body="We will start with the crisis line's evening hours.",
        now=NOW + timedelta(days=1),
    )
    found = await outcomes.get_outcome(db, outcome_id)
    assert found is not None and found.statement.endswith("evening hours.")
    assert found.by_when == "spring"
    fixed = (await outcomes.timeline(db, outcome_id))[0]
    assert [c.earlier for c in fixed.corrections] == ["We will start with the crisis line."]
    assert [c.field for c in await outcomes.statement_corrections(db, outcome_id)] == ["statement"]


async def test_a_review_date_is_reminded_once(db):
    outcome_id = await _record(db)
    assert [o.id for o in await outcomes.with_review_dates(db)] == [outcome_id]
    assert [o.id for o in await outcomes.due_reviews(db, [7], date(2027, 3, 1))] == [outcome_id]
    assert await outcomes.due_reviews(db, [7], date(2027, 2, 28)) == []
    assert await outcomes.mark_reminded(db, outcome_id, date(2027, 3, 1))
    assert not await outcomes.mark_reminded(db, outcome_id, date(2027, 3, 1))
    assert not await outcomes.mark_reminded(db, outcome_id, date(2027, 5, 1))  # not its date
    assert await outcomes.with_review_dates(db) == []
