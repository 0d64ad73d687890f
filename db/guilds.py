"""Servers the bot is in, and erasing a server's data when it has gone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from db import erasures
from db.database import Database


async def mark_present(db: Database, guild_id: int, name: str | None, now: datetime) -> None:
    await db.execute(
        "INSERT INTO guild_presence (guild_id, name, joined_at) VALUES (?, ?, ?) "
        "ON CONFLICT(guild_id) DO UPDATE SET name = excluded.name, removed_at = NULL",
        (guild_id, name, now.isoformat()),
    )


async def mark_all_present(
    db: Database, present: Iterable[tuple[int, str | None]], now: datetime
) -> None:
    """`mark_present` for every server the bot is in, in one statement (at start-up)."""
    await db.executemany(
        "INSERT INTO guild_presence (guild_id, name, joined_at) VALUES (?, ?, ?) "
        "ON CONFLICT(guild_id) DO UPDATE SET name = excluded.name, removed_at = NULL",
        [(guild_id, name, now.isoformat()) for guild_id, name in present],
    )


async def mark_removed(db: Database, guild_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO guild_presence (guild_id, joined_at, removed_at) VALUES (?, ?, ?) "
        "ON CONFLICT(guild_id) DO UPDATE SET removed_at = excluded.removed_at",
        (guild_id, now.isoformat(), now.isoformat()),
    )


async def removed_since(db: Database, guild_id: int) -> datetime | None:
    value = await db.fetchval(
        "SELECT removed_at FROM guild_presence WHERE guild_id = ?", (guild_id,)
    )
    return datetime.fromisoformat(value) if value else None


async def known_guilds(db: Database) -> list[int]:
    rows = await db.fetchall(
        "SELECT guild_id FROM guild_settings UNION SELECT guild_id FROM guild_presence "
        "WHERE removed_at IS NULL"
    )
    return [row[0] for row in rows]


async def present_guilds(db: Database) -> list[int]:
    rows = await db.fetchall("SELECT guild_id FROM guild_presence WHERE removed_at IS NULL")
    return [row[0] for row in rows]


async def tables_with_column(db: Database, column: str) -> list[str]:
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    found = []
    for table in tables:
        columns = await db.fetchall(f'PRAGMA table_info("{table["name"]}")')
        if any(c["name"] == column for c in columns):
            found.append(table["name"])
    return found


async def erase_guild(db: Database, guild_id: int, now: datetime | None = None) -> dict[str, int]:
    """Delete every row of this server, in every table that has a guild_id (one transaction).

    Rows that hang off those (ballots of a poll, say) go with them by ON DELETE CASCADE.
    """
    erased: dict[str, int] = {}
    async with db.transaction():
        await db.execute("PRAGMA defer_foreign_keys = ON")
        for table in await tables_with_column(db, "guild_id"):
            erased[table] = await db.execute(
                f'DELETE FROM "{table}" WHERE guild_id = ?', (guild_id,)
            )
    if now is not None:  # a restored backup forgets this server again (db/erasures.py)
        erasures.record_guild(db.path, guild_id, now)
    return erased


async def first_checklist(db: Database, guild_id: int, now: datetime) -> bool:
    """True once per server: the first time its set-up checklist is to be shown."""
    async with db.transaction():
        if await db.fetchval("SELECT 1 FROM setup_checklists WHERE guild_id = ?", (guild_id,)):
            return False
        await db.execute(
            "INSERT INTO setup_checklists (guild_id, shown_at) VALUES (?, ?)",
            (guild_id, now.isoformat()),
        )
        return True


async def server_name(db: Database, guild_id: int) -> str | None:
    """The server's name as last seen (for pages and calendar names), if known."""
    return await db.fetchval("SELECT name FROM guild_presence WHERE guild_id = ?", (guild_id,))
