"""web.server: the pages get their own read-only connection, closed when the bot stops."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from types import SimpleNamespace

import aiohttp
import pytest

from bot.clock import DrivenClock
from db.database import Database
from web import server

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def fake_bot(db: Database) -> SimpleNamespace:
    config = SimpleNamespace(web_host="127.0.0.1", web_port=0, web_base_url=None, secret=b"s" * 40)
    return SimpleNamespace(
        config=config,
        services=SimpleNamespace(db=db, clock=DrivenClock(NOW)),
        is_fully_ready=True,
        shards={},
        web_port=None,
    )


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "bot.db")
    await database.migrate()
    yield database
    await database.close()


async def test_the_pages_read_through_their_own_connection_closed_at_teardown(db):
    bot = fake_bot(db)
    await server.setup(bot)
    reader = server._reader
    try:
        assert reader is not None and reader is not db and reader.path == db.path
        with pytest.raises(sqlite3.OperationalError):
            await reader.execute("DELETE FROM guild_presence")
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{bot.web_port}/healthz") as response,
        ):
            assert response.status == 200  # health reads through it too
    finally:
        await server.teardown(bot)
    assert server._reader is None
    with pytest.raises(ValueError):  # aiosqlite: no active connection
        await reader.fetchval("SELECT 1")
    assert await db.fetchval("SELECT 1") == 1  # the bot's own connection carries on


async def test_an_in_memory_database_is_read_through_the_bots_connection():
    db = await Database.open(":memory:")
    try:
        await db.migrate()
        bot = fake_bot(db)
        await server.setup(bot)
        try:
            assert server._reader is None
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{bot.web_port}/s/nothing") as response,
            ):
                assert response.status == 404
        finally:
            await server.teardown(bot)
    finally:
        await db.close()


async def test_a_reader_that_cannot_open_is_logged_and_the_pages_use_the_bot(db, caplog):
    db.path.unlink()  # the file gone under the bot (the open connection keeps working)
    with caplog.at_level(logging.WARNING, logger="speakback.web"):
        assert await server.open_reader(db) is None
    assert "read-only connection" in caplog.text
    assert str(db.path) not in caplog.text
