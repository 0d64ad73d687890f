"""Server settings: one row per guild, defaults when there is none yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.consent import DEFAULT_NOTICE_EDITION
from bot.domain.settings import GuildSettings
from db.database import Database

_COLUMNS = (
    "organiser_role_id",
    "announce_role_id",
    "announcements_channel_id",
    "moderators_channel_id",
    "timezone",
    "support_text",
    "notice_text",
    "notice_version",
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
    return await db.execute(
        "UPDATE guild_settings SET notice_version = notice_version + 1, "
        "default_notice_edition = ?, updated_at = ? "
        "WHERE notice_text IS NULL AND default_notice_edition <> ?",
        (edition, now.isoformat(), edition),
    )


async def save_notice(db: Database, guild_id: int, text: str, now: datetime) -> GuildSettings:
    """Save a new membership notice; its version goes up by one (members re-confirm)."""
    async with db.transaction():
        current = await get_settings(db, guild_id)
        return await update_settings(
            db, guild_id, now, notice_text=text, notice_version=current.notice_version + 1
        )


async def get_meta(db: Database, key: str) -> str | None:
    return await db.fetchval("SELECT value FROM meta WHERE key = ?", (key,))


async def set_meta(db: Database, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
