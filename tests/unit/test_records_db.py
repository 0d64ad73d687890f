"""The member's own record: written once per opportunity, read only for that member."""

from datetime import UTC, date, datetime

import pytest

from db import members, records
from db.database import Database
from db.personal_data import erase_all, export_all

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 1
ALICE, BOB = 11, 22


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "r.db")
    await database.migrate()
    for user in (ALICE, BOB):
        await members.agree(database, GUILD, user, notice_version=1, now=NOW, secret=SECRET)
    yield database
    await database.close()


async def test_a_row_is_written_and_read_back_for_that_member_only(db):
    await records.add_took_part(
        db, GUILD, ALICE, 7, date(2026, 11, 20), "Interview panel", "panel member", 3.5, now=NOW
    )
    await records.add_took_part(
        db, GUILD, BOB, 7, date(2026, 11, 20), "Interview panel", None, None
    )
    [row] = await records.record_of(db, GUILD, ALICE)
    assert (row.title, row.on_date, row.role, row.hours) == (
        "Interview panel",
        date(2026, 11, 20),
        "panel member",
        3.5,
    )
    assert [r.role for r in await records.record_of(db, GUILD, BOB)] == [None]


async def test_confirming_twice_updates_and_never_doubles(db):
    first = await records.add_took_part(db, GUILD, ALICE, 7, "2026-11-20", "Panel", None, None)
    again = await records.add_took_part(db, GUILD, ALICE, 7, "2026-11-20", "Panel", "chair", 2)
    assert first == again
    [row] = await records.record_of(db, GUILD, ALICE)
    assert (row.role, row.hours) == ("chair", 2)


async def test_it_joins_the_callers_transaction(db):
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await records.add_took_part(db, GUILD, ALICE, 7, NOW, "Panel", None, None)
            raise RuntimeError("the confirmation failed after the write")
    assert await records.record_of(db, GUILD, ALICE) == []


async def test_a_datetime_is_its_utc_day_and_silly_hours_are_refused(db):
    await records.add_took_part(
        db, GUILD, ALICE, 8, datetime(2026, 11, 20, 23, 30, tzinfo=UTC), "Late one", None, None
    )
    assert [r.on_date for r in await records.record_of(db, GUILD, ALICE)] == [date(2026, 11, 20)]
    for bad in (0, -1, 1001):
        with pytest.raises(ValueError):
            await records.add_took_part(db, GUILD, ALICE, 9, NOW, "Panel", None, bad)


async def test_export_has_it_and_leaving_erases_it(db):
    await records.add_took_part(db, GUILD, ALICE, 7, NOW, "Panel", None, None)
    await records.add_took_part(db, GUILD, BOB, 7, NOW, "Panel", None, None)
    exported = await export_all(db, GUILD, ALICE)
    assert [r["title"] for r in exported["member_records"]] == ["Panel"]
    await erase_all(db, GUILD, ALICE, SECRET)
    assert await records.record_of(db, GUILD, ALICE) == []
    assert len(await records.record_of(db, GUILD, BOB)) == 1
