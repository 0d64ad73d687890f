"""Polls and opportunities typed but not yet posted, awaiting **Post it** (issue 29),
and organisers' notes refused, awaiting **Fix it** (issue 20).

Kept like `meeting_drafts` (db/meetings.py): in the database, so the read-back's
buttons work after a restart; only the organiser who typed one can see or post it;
dropped when posted, after a day, or when that organiser leaves (personal data).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from db.database import Database, to_iso

PERSONAL_TABLES = ("poll_drafts", "opportunity_drafts", "note_drafts")
DRAFT_LIFETIME = timedelta(days=1)
KINDS = {"poll": "poll_drafts", "opportunity": "opportunity_drafts", "note": "note_drafts"}


async def create_draft(
    db: Database, kind: str, guild_id: int, user_id: int, data: dict[str, Any], now: datetime
) -> int:
    """Save what was typed; drafts nobody posted within a day are dropped here."""
    table = KINDS[kind]
    await db.execute(f"DELETE FROM {table} WHERE created_at < ?", (to_iso(now - DRAFT_LIFETIME),))
    return await db.execute(
        f"INSERT INTO {table} (guild_id, user_id, data, created_at) VALUES (?, ?, ?, ?)",
        (guild_id, user_id, json.dumps(data), to_iso(now)),
    )


async def get_draft(
    db: Database, kind: str, draft_id: int, guild_id: int, user_id: int
) -> dict[str, Any] | None:
    """A draft, only for the organiser who typed it."""
    stored = await db.fetchval(
        f"SELECT data FROM {KINDS[kind]} WHERE id = ? AND guild_id = ? AND user_id = ?",
        (draft_id, guild_id, user_id),
    )
    return json.loads(stored) if stored else None


async def update_draft(db: Database, kind: str, draft_id: int, data: dict[str, Any]) -> None:
    await db.execute(
        f"UPDATE {KINDS[kind]} SET data = ? WHERE id = ?", (json.dumps(data), draft_id)
    )


async def take_draft(
    db: Database, kind: str, draft_id: int, guild_id: int, user_id: int
) -> dict[str, Any] | None:
    """Remove and return a draft, once: None if it was posted (or dropped) already."""
    async with db.transaction():
        data = await get_draft(db, kind, draft_id, guild_id, user_id)
        if data is not None:
            await db.execute(f"DELETE FROM {KINDS[kind]} WHERE id = ?", (draft_id,))
        return data


async def latest_field(
    db: Database, kind: str, guild_id: int, user_id: int, key: str, value: str, wanted: str
) -> str:
    """`wanted` from this organiser's newest draft whose `key` is `value` ("" if none)."""
    stored = await db.fetchval(
        f"SELECT json_extract(data, '$.' || ?) FROM {KINDS[kind]} "
        "WHERE guild_id = ? AND user_id = ? AND json_extract(data, '$.' || ?) = ? "
        "ORDER BY id DESC LIMIT 1",
        (wanted, guild_id, user_id, key, value),
    )
    return stored or ""


# -- personal data registry ----------------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for table in PERSONAL_TABLES:
        rows = await db.fetchall(
            f"SELECT * FROM {table} WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        found[table] = [dict(row) for row in rows]
    return found


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    async with db.transaction():
        for table in PERSONAL_TABLES:
            await db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
