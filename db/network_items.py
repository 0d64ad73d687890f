"""Copies of network-wide items (polls, opportunities, meetings) posted in each server."""

from __future__ import annotations

from dataclasses import dataclass

from db.database import Database


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
    table = {"poll": "polls", "opportunity": "opportunities", "meeting": "meetings"}[kind]
    await db.execute(f"UPDATE {table} SET network_id = ? WHERE id = ?", (network_id, item_id))
