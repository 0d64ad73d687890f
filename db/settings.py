"""Server settings: one row per guild, defaults when there is none yet."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.consent import DEFAULT_NOTICE_EDITION
from bot.domain.notice_edits import (
    EDIT_CHANGE,
    EDIT_WORDING,
    NOTICE_CHANGED_JOB,
    notice_changed_key,
    still_current,
)
from bot.domain.settings import GuildSettings
from db import jobs
from db.database import Database, to_iso

_COLUMNS = (
    "organiser_role_id",
    "announce_role_id",
    "announcements_channel_id",
    "moderators_channel_id",
    "timezone",
    "support_text",
    "notice_text",
    "notice_version",
    "notice_revision",
    "split_by_group",
    "retention_months",
    "date_order",
    "organisers_channel_id",
    "ideas_review",
    "ideas_threshold",
    "ideas_answer_days",
)


async def get_settings(db: Database, guild_id: int) -> GuildSettings:
    row = await db.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
    if row is None:
        return GuildSettings(guild_id=guild_id)
    values: dict[str, Any] = {name: row[name] for name in _COLUMNS}
    values["split_by_group"] = bool(values["split_by_group"])
    values["ideas_review"] = bool(values["ideas_review"])
    return GuildSettings(guild_id=guild_id, **values)


async def update_settings(
    db: Database, guild_id: int, now: datetime, **changes: Any
) -> GuildSettings:
    """Change some settings of a server (creating its row on first change)."""
    unknown = set(changes) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    async with db.transaction():
        await ensure_settings_row(db, guild_id, now)
        if changes:
            assignments = ", ".join(f"{name} = :{name}" for name in changes)
            await db.execute(
                f"UPDATE guild_settings SET {assignments}, updated_at = :updated_at "
                "WHERE guild_id = :guild_id",
                {**changes, "updated_at": now.isoformat(), "guild_id": guild_id},
            )
    return await get_settings(db, guild_id)


async def ensure_settings_row(db: Database, guild_id: int, now: datetime) -> None:
    """The server's row, with the defaults, if it has none yet. A server on the built-in
    notice starts at the built-in notice's current edition (see `follow_default_notice`);
    joining makes the row too, so every server with members has one."""
    await db.execute(
        "INSERT INTO guild_settings (guild_id, updated_at, default_notice_edition) "
        "VALUES (?, ?, ?) ON CONFLICT(guild_id) DO NOTHING",
        (guild_id, now.isoformat(), DEFAULT_NOTICE_EDITION),
    )


async def follow_default_notice(
    db: Database, now: datetime, edition: int = DEFAULT_NOTICE_EDITION
) -> int:
    """At start-up: every server on the built-in notice whose version stands for another
    edition of its text (an older one; or a newer one, after a release was rolled back)
    moves to a new notice version, so its members are asked to agree again (rule 1).
    Returns how many servers moved. (A server with its own notice keeps its version:
    its text has not changed.)"""
    async with db.transaction():
        moving = await db.fetchall(
            "SELECT guild_id, notice_version FROM guild_settings "
            "WHERE notice_text IS NULL AND default_notice_edition <> ?",
            (edition,),
        )
        # Members with reminders planned are told, once, as after any real change
        # (the job runs once the features have registered their work).
        for row in moving:
            await tell_of_new_version(db, row["guild_id"], row["notice_version"] + 1, now)
        return await db.execute(
            "UPDATE guild_settings SET notice_version = notice_version + 1, "
            "default_notice_edition = ?, updated_at = ? "
            "WHERE notice_text IS NULL AND default_notice_edition <> ?",
            (edition, now.isoformat(), edition),
        )


async def tell_of_new_version(db: Database, guild_id: int, version: int, now: datetime) -> None:
    """Queue the work that tells members with reminders of notice `version` (in the
    caller's transaction: the new version and the telling commit together)."""
    await jobs.schedule(
        db,
        NOTICE_CHANGED_JOB,
        now,
        {"guild_id": guild_id, "version": version},
        notice_changed_key(guild_id, version),
        guild_id,
    )


async def save_notice(db: Database, guild_id: int, text: str, now: datetime) -> GuildSettings:
    """Save a new membership notice as a real change, at once: its version goes up by
    one (members re-confirm). `/setup notice` proposes and confirms instead."""
    async with db.transaction():
        current = await get_settings(db, guild_id)
        proposal = await propose_notice_change(db, current, text, now)
        saved = await confirm_notice_change(db, guild_id, proposal, now)
    assert saved is not None
    return saved


PROPOSAL_LIFETIME = timedelta(days=1)


async def _add_revision(
    db: Database, current: GuildSettings, kind: str, text: str, version: int, now: datetime
) -> int:
    return await db.execute(
        "INSERT INTO notice_revisions (guild_id, notice_version, kind, text, proposed_at, "
        "saved_at, from_version, from_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            current.guild_id,
            version,
            kind,
            text,
            to_iso(now),
            to_iso(now) if kind == EDIT_WORDING else None,
            current.notice_version,
            current.notice_revision,
        ),
    )


async def save_wording_fix(
    db: Database, current: GuildSettings, text: str, now: datetime
) -> GuildSettings:
    """A wording fix: a dated revision of the text; the consent version stays."""
    async with db.transaction():
        revision = await _add_revision(db, current, EDIT_WORDING, text, current.notice_version, now)
        return await update_settings(
            db, current.guild_id, now, notice_text=text, notice_revision=revision
        )


async def propose_notice_change(
    db: Database, current: GuildSettings, text: str, now: datetime
) -> int:
    """A real change, kept until a moderator confirms it (proposals left for a day
    are dropped). Returns the proposal's revision number."""
    async with db.transaction():
        await db.execute(
            "DELETE FROM notice_revisions WHERE saved_at IS NULL AND proposed_at < ?",
            (to_iso(now - PROPOSAL_LIFETIME),),
        )
        return await _add_revision(db, current, EDIT_CHANGE, text, current.notice_version + 1, now)


async def get_proposal(db: Database, guild_id: int, revision: int) -> dict[str, Any] | None:
    """A real change not yet confirmed (None: confirmed, dropped, or another server's)."""
    row = await db.fetchone(
        "SELECT * FROM notice_revisions WHERE id = ? AND guild_id = ? AND saved_at IS NULL",
        (revision, guild_id),
    )
    return dict(row) if row is not None else None


async def drop_proposal(db: Database, guild_id: int, revision: int) -> bool:
    return bool(
        await db.execute(
            "DELETE FROM notice_revisions WHERE id = ? AND guild_id = ? AND saved_at IS NULL",
            (revision, guild_id),
        )
    )


async def confirm_notice_change(
    db: Database, guild_id: int, revision: int, now: datetime
) -> GuildSettings | None:
    """Put a proposed real change in force: the new version and its text, once.

    None if the proposal is gone (confirmed already, or dropped) or the notice was
    saved since it was written (see `bot.domain.notice_edits.still_current`)."""
    async with db.transaction():
        proposal = await get_proposal(db, guild_id, revision)
        if proposal is None:
            return None
        current = await get_settings(db, guild_id)
        if not still_current(
            proposal["from_version"],
            current.notice_version,
            proposal["from_revision"],
            current.notice_revision,
        ):
            return None
        await db.execute(
            "UPDATE notice_revisions SET saved_at = ? WHERE id = ?", (to_iso(now), revision)
        )
        await tell_of_new_version(db, guild_id, proposal["notice_version"], now)
        return await update_settings(
            db,
            guild_id,
            now,
            notice_text=proposal["text"],
            notice_version=proposal["notice_version"],
            notice_revision=revision,
        )


async def revision_saved_at(db: Database, guild_id: int, revision: int | None) -> datetime | None:
    """When a saved revision was saved (None: the first wording, or not a saved one)."""
    if revision is None:
        return None
    value = await db.fetchval(
        "SELECT saved_at FROM notice_revisions WHERE id = ? AND guild_id = ? "
        "AND saved_at IS NOT NULL",
        (revision, guild_id),
    )
    return datetime.fromisoformat(value) if value else None


async def export_revisions(db: Database, guild_id: int) -> list[dict[str, Any]]:
    rows = await db.fetchall(
        "SELECT id, notice_version, kind, saved_at FROM notice_revisions "
        "WHERE guild_id = ? AND saved_at IS NOT NULL ORDER BY id",
        (guild_id,),
    )
    return [dict(row) for row in rows]


async def get_meta(db: Database, key: str) -> str | None:
    return await db.fetchval("SELECT value FROM meta WHERE key = ?", (key,))


async def set_meta(db: Database, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


async def delete_meta(db: Database, key: str) -> None:
    await db.execute("DELETE FROM meta WHERE key = ?", (key,))
