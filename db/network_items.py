"""Copies of network-wide items (polls, opportunities, meetings) posted in each server."""

from __future__ import annotations

from dataclasses import dataclass

from db.database import Database

_TABLES = {"poll": "polls", "opportunity": "opportunities", "meeting": "meetings", "idea": "ideas"}


@dataclass(frozen=True)
class Copy:
    guild_id: int
    channel_id: int
    outbox_id: int | None
    message_id: int | None


async def record_copy(
    db: Database, kind: str, item_id: int, guild_id: int, channel_id: int, outbox_id: int | None
) -> None:
    await db.execute(
        "INSERT INTO item_copies (kind, item_id, guild_id, channel_id, outbox_id) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(kind, item_id, guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
        "outbox_id = excluded.outbox_id",
        (kind, item_id, guild_id, channel_id, outbox_id),
    )


async def copies(db: Database, kind: str, item_id: int) -> list[Copy]:
    """Every copy, with its message id once the outbox has sent it."""
    rows = await db.fetchall(
        "SELECT c.guild_id, c.channel_id, c.outbox_id, o.sent_message_id FROM item_copies c "
        "LEFT JOIN outbox o ON o.id = c.outbox_id WHERE c.kind = ? AND c.item_id = ? "
        "ORDER BY c.rowid",
        (kind, item_id),
    )
    return [Copy(r[0], r[1], r[2], r[3]) for r in rows]


async def set_network(db: Database, kind: str, item_id: int, network_id: int) -> None:
    await db.execute(
        f"UPDATE {_TABLES[kind]} SET network_id = ? WHERE id = ?", (network_id, item_id)
    )


async def set_post_outbox(db: Database, kind: str, item_id: int, row_id: int | None) -> None:
    """The outbox row of an item's home post (the first one queued wins)."""
    await db.execute(
        f"UPDATE {_TABLES[kind]} SET post_outbox_id = coalesce(post_outbox_id, ?) WHERE id = ?",
        (row_id, item_id),
    )


async def set_message_id(db: Database, kind: str, item_id: int, message_id: int) -> None:
    """The home post's message id, once the outbox has sent it."""
    await db.execute(
        f"UPDATE {_TABLES[kind]} SET message_id = ? WHERE id = ?", (message_id, item_id)
    )
