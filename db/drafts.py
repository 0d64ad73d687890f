"""Polls and opportunities typed but not yet posted, awaiting **Post it** (issue 29),
and forms refused, awaiting **Fix it** (every form, organisers' notes too).

Kept like `meeting_drafts` (db/meetings.py): in the database, so the read-back's
buttons work after a restart; only the organiser who typed one can see or post it;
dropped when posted, after a day, or when that organiser leaves (personal data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from db.database import Database, to_iso

PERSONAL_TABLES = ("poll_drafts", "opportunity_drafts", "form_drafts")
DRAFT_LIFETIME = timedelta(days=1)
KINDS = {"poll": "poll_drafts", "opportunity": "opportunity_drafts"}


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


# -- forms with a bad field, kept for Fix it ------------------------------------------------

FORM_LIFETIME = timedelta(minutes=15)  # unless the form asks for longer (a note: two days)


@dataclass(frozen=True)
class KeptForm:
    form: str  # which form (its key in bot/ui.py)
    context: dict[str, Any]  # what it was about
    fields: dict[str, str]  # {input id: what was typed}
    expired: bool  # kept too long: not to be reopened


async def keep_form(
    db: Database,
    form: str,
    guild_id: int,
    user_id: int,
    context: dict[str, Any],
    fields: dict[str, str],
    now: datetime,
    lifetime: timedelta = FORM_LIFETIME,
) -> int:
    """Keep what was typed in a form that was refused, for `lifetime`; expired ones go here."""
    await sweep_forms(db, now)
    return await db.execute(
        "INSERT INTO form_drafts (guild_id, user_id, form, context, fields, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            user_id,
            form,
            json.dumps(context),
            json.dumps(fields),
            to_iso(now),
            to_iso(now + lifetime),
        ),
    )


async def take_form(db: Database, draft_id: int, user_id: int, now: datetime) -> KeptForm | None:
    """The form typed by this person, removed (marked `expired` if kept too long); else None."""
    async with db.transaction():
        row = await db.fetchone(
            "SELECT form, context, fields, expires_at FROM form_drafts "
            "WHERE id = ? AND user_id = ?",
            (draft_id, user_id),
        )
        if row is None:
            return None
        await db.execute("DELETE FROM form_drafts WHERE id = ?", (draft_id,))
    return KeptForm(
        row["form"],
        json.loads(row["context"]),
        json.loads(row["fields"]),
        expired=row["expires_at"] < to_iso(now),
    )


async def form_id_by(
    db: Database, form: str, key: str, value: int | str, user_id: int
) -> int | None:
    """The id of this person's kept `form` whose context has `key` = `value` (else None)."""
    return await db.fetchval(
        "SELECT id FROM form_drafts WHERE form = ? AND user_id = ? "
        "AND json_extract(context, '$.' || ?) = ? ORDER BY id DESC LIMIT 1",
        (form, user_id, key, value),
    )


async def sweep_forms(db: Database, now: datetime) -> int:
    return await db.execute("DELETE FROM form_drafts WHERE expires_at < ?", (to_iso(now),))


async def sweep_expired(db: Database, now: datetime) -> int:
    """Every draft and kept form past its lifetime, whether or not anyone typed again
    since (the daily retention sweep calls this: nothing is kept past its use)."""
    dropped = await sweep_forms(db, now)
    for table in (*KINDS.values(), "meeting_drafts"):
        dropped += await db.execute(
            f"DELETE FROM {table} WHERE created_at < ?", (to_iso(now - DRAFT_LIFETIME),)
        )
    return dropped


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
        # a form filled in a DM belongs to no server (guild 0): it goes too
        await db.execute("DELETE FROM form_drafts WHERE guild_id = 0 AND user_id = ?", (user_id,))
