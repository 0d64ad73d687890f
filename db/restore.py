"""What a restored backup must put right before the bot next connects.

A backup is a moment in the past. Between it and the restore, people left (their
erasure must hold), messages were sent (the queued copies must not go twice),
reminders fired, and polls reached their closing time (their secrets must go).
Each function here does one of those, and returns how many it changed.
"""

from __future__ import annotations

from datetime import datetime

from db import erasures, guilds, polls
from db.database import Database, to_iso
from db.personal_data import erase_all, personal_tables

REMINDER_KINDS = ("meeting_reminder",)
PERSON_COLUMNS = ("user_id", "member_id", "voter_id", "author_id")


async def people(db: Database) -> set[tuple[int, int]]:
    """Every (server, person) that a registered personal table holds a row for."""
    found: set[tuple[int, int]] = set()
    for table in personal_tables():
        columns = {row["name"] for row in await db.fetchall(f"PRAGMA table_info({table})")}
        if "guild_id" not in columns:
            continue
        for column in PERSON_COLUMNS:
            if column in columns:
                rows = await db.fetchall(
                    f"SELECT DISTINCT guild_id, {column} FROM {table} WHERE {column} IS NOT NULL"
                )
                found.update((int(g), int(u)) for g, u in rows)
    return found


async def reapply_erasures(db: Database, hashes: set[str], secret: bytes) -> int:
    """Erase again every server and person whose erasure is in `hashes`; how many people."""
    if not hashes:
        return 0
    for guild_id in erasures.erased_guilds(hashes):
        await guilds.erase_guild(db, guild_id)
    erased = 0
    for guild_id, user_id in sorted(await people(db)):
        if erasures.keyed(secret, guild_id, user_id) in hashes:
            await erase_all(db, guild_id, user_id, secret)
            erased += 1
    return erased


async def cancel_queued_before(db: Database, moment: datetime) -> int:
    """Messages queued before the backup may have gone out since: never send them twice."""
    return await db.execute(
        "UPDATE outbox SET state = 'cancelled', detail = 'restored from a backup' "
        "WHERE state IN ('pending', 'sending') AND created_at < ?",
        (to_iso(moment),),
    )


async def miss_reminders_between(db: Database, start: datetime, end: datetime) -> int:
    """Reminders due between the backup and now may have been sent: record them missed."""
    marks = ",".join("?" for _ in REMINDER_KINDS)
    return await db.execute(
        "UPDATE jobs SET state = 'missed', finished_at = ?, "
        "last_error = 'due between the backup and the restore' "
        f"WHERE state IN ('pending', 'running') AND kind IN ({marks}) "
        "AND due_at >= ? AND due_at <= ?",
        (to_iso(end), *REMINDER_KINDS, to_iso(start), to_iso(end)),
    )


async def close_overdue_polls(db: Database, now: datetime) -> int:
    """Close polls past their closing time, destroying their secrets (rule 8).

    Their results are posted when the bot starts: the scheduled close still runs,
    finds the poll closed and its results not yet announced.
    """
    rows = await db.fetchall(
        "SELECT id FROM polls WHERE state = 'open' AND closes_at IS NOT NULL AND closes_at <= ?",
        (to_iso(now),),
    )
    closed = 0
    for row in rows:
        _poll, closed_now = await polls.close_poll(db, row["id"], now)
        closed += closed_now
    if closed:
        await polls.compact(db)
    return closed
