"""The pages' read-only connection (`Database.open_reader`) and `Database.read_at_once`."""

from __future__ import annotations

import asyncio
import sqlite3
import stat

import pytest

from db.database import Database

NOW = "2026-12-03T09:00:00+00:00"


@pytest.fixture
async def writer(tmp_path):
    database = await Database.open(tmp_path / "bot.db")
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
async def reader(writer):
    connection = await Database.open_reader(writer.path)
    yield connection
    await connection.close()


async def name_of(db, guild_id):
    return await db.fetchval("SELECT name FROM guild_presence WHERE guild_id = ?", (guild_id,))


async def add_guild(db, guild_id, name):
    await db.execute(
        "INSERT INTO guild_presence (guild_id, name, joined_at) VALUES (?, ?, ?)",
        (guild_id, name, NOW),
    )


async def test_the_reader_refuses_every_write(reader, writer):
    await add_guild(writer, 1, "Riverside")
    for sql in (
        "DELETE FROM guild_presence",
        "UPDATE guild_presence SET name = 'x'",
        "INSERT INTO guild_presence (guild_id, name, joined_at) VALUES (2, 'y', 'z')",
        "CREATE TABLE sneaky (x)",
    ):
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            await reader.execute(sql)

    def write_in_thread(conn):
        conn.execute("DELETE FROM guild_presence")

    with pytest.raises(sqlite3.OperationalError):
        await reader.run(write_in_thread)
    assert await name_of(writer, 1) == "Riverside"


async def test_the_reader_sees_each_commit_at_once(reader, writer):
    assert await name_of(reader, 1) is None
    await add_guild(writer, 1, "Riverside")
    assert await name_of(reader, 1) == "Riverside"
    await writer.execute("DELETE FROM guild_presence WHERE guild_id = 1")  # an erasure
    assert await name_of(reader, 1) is None
    assert await reader.read_at_once(name_of, 1) is None


async def test_the_reader_does_not_wait_for_a_transaction_the_bot_holds_open(reader, writer):
    await add_guild(writer, 1, "Riverside")
    async with writer.transaction():
        await writer.execute("UPDATE guild_presence SET name = 'Not yet' WHERE guild_id = 1")
        # The bot's connection is mid-transaction; the page reads the last commit.
        assert await asyncio.wait_for(reader.read_at_once(name_of, 1), 2) == "Riverside"
    assert await reader.read_at_once(name_of, 1) == "Not yet"


async def test_a_checkpoint_is_not_held_up_by_the_reader_between_pages(reader, writer):
    await add_guild(writer, 1, "Riverside")
    assert await reader.read_at_once(name_of, 1) == "Riverside"
    assert await writer.checkpoint(patience_ms=200)


async def test_read_at_once_reads_everything_in_one_hand_off(reader, writer):
    await add_guild(writer, 1, "Riverside")
    await add_guild(writer, 2, "Hillside")
    handed = 0
    real = reader._serial

    async def counting(call, *args):
        nonlocal handed
        handed += 1
        return await real(call, *args)

    reader._serial = counting

    async def page(db, ids):
        names = [await name_of(db, guild_id) for guild_id in ids]
        rows = await db.fetchall("SELECT guild_id FROM guild_presence ORDER BY guild_id")
        one = await db.fetchone("SELECT count(*) FROM guild_presence")
        raw = await db.run(lambda conn: conn.execute("SELECT 7").fetchone()[0])
        return names, [r[0] for r in rows], one[0], raw

    assert await reader.read_at_once(page, (1, 2, 3)) == (
        ["Riverside", "Hillside", None],
        [1, 2],
        2,
        7,
    )
    assert handed == 1


async def test_read_at_once_refuses_a_reader_that_waits_on_anything_else(reader):
    async def sleeps(db):
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="only database reads"):
        await reader.read_at_once(sleeps)
    assert await reader.read_at_once(name_of, 1) is None  # and the connection is fine after


async def test_read_at_once_passes_on_the_readers_own_exception(reader):
    class Missing(Exception):
        pass

    async def fails(db):
        await db.fetchval("SELECT 1")
        raise Missing

    with pytest.raises(Missing):
        await reader.read_at_once(fails)
    assert not reader.conn._conn.in_transaction  # its read transaction was ended


async def test_read_at_once_works_on_the_bots_own_connection_too(writer):
    await add_guild(writer, 1, "Riverside")
    assert await writer.read_at_once(name_of, 1) == "Riverside"
    async with writer.transaction():
        await add_guild(writer, 2, "Hillside")
        assert await writer.read_at_once(name_of, 2) == "Hillside"  # joins, sees its own write
    assert await name_of(writer, 2) == "Hillside"  # and did not end the transaction early


async def test_the_reader_needs_the_file_and_leaves_its_modes_alone(tmp_path, writer, reader):
    with pytest.raises(FileNotFoundError):
        await Database.open_reader(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
    for suffix in ("", "-wal", "-shm"):
        path = writer.path.with_name(writer.path.name + suffix)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix
