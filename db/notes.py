"""That an organiser's note went (for the limit per item per day): no person, no text."""

from __future__ import annotations

from datetime import datetime

from db.database import Database, to_iso


async def notes_since(db: Database, kind: str, item_key: str, since: datetime) -> int:
    return await db.fetchval(
        "SELECT count(*) FROM organiser_notes WHERE kind = ? AND item_key = ? AND sent_at >= ?",
        (kind, item_key, to_iso(since)),
    )


async def record_note(db: Database, guild_id: int, kind: str, item_key: str, now: datetime) -> int:
    """Note that one went; returns its id (part of each DM's once-only key)."""
    return await db.execute(
        "INSERT INTO organiser_notes (guild_id, kind, item_key, sent_at) VALUES (?, ?, ?, ?)",
        (guild_id, kind, item_key, to_iso(now)),
    )
