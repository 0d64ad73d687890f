"""Due work (the `jobs` table): scheduled closes, reminders, draws, retention sweeps."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from db.database import Database


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    key: str
    guild_id: int | None
    payload: dict[str, Any]
    due_at: datetime
    attempts: int


def _job(row: Any) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        key=row["key"],
        guild_id=row["guild_id"],
        payload=json.loads(row["payload"]),
        due_at=datetime.fromisoformat(row["due_at"]),
        attempts=row["attempts"],
    )


async def schedule(
    db: Database,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any],
    key: str,
    guild_id: int | None = None,
) -> None:
    """Create or move the job with this key. A finished job with the key is replaced."""
    await db.execute(
        "INSERT INTO jobs (kind, key, guild_id, payload, due_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, guild_id = excluded.guild_id, "
        "payload = excluded.payload, due_at = excluded.due_at, state = 'pending', "
        "attempts = 0, last_error = NULL, finished_at = NULL",
        (kind, key, guild_id, json.dumps(payload), due_at.isoformat()),
    )


async def cancel(db: Database, key: str) -> bool:
    return await db.execute("DELETE FROM jobs WHERE key = ? AND state = 'pending'", (key,)) > 0


async def pending_keys(db: Database, kind: str) -> set[str]:
    rows = await db.fetchall("SELECT key FROM jobs WHERE kind = ? AND state = 'pending'", (kind,))
    return {row[0] for row in rows}


async def next_due(db: Database) -> datetime | None:
    value = await db.fetchval("SELECT min(due_at) FROM jobs WHERE state = 'pending'")
    return datetime.fromisoformat(value) if value else None


async def claim_next_due(db: Database, now: datetime) -> Job | None:
    """Atomically take the earliest due job (state -> running)."""
    async with db.transaction():
        row = await db.fetchone(
            "SELECT * FROM jobs WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT 1",
            (now.isoformat(),),
        )
        if row is None:
            return None
        await db.execute(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1 WHERE id = ?", (row["id"],)
        )
    job = _job(row)
    return replace(job, attempts=job.attempts + 1)  # this run counts as an attempt


async def finish(
    db: Database, job_id: int, state: str, now: datetime, error: str | None = None
) -> None:
    await db.execute(
        "UPDATE jobs SET state = ?, finished_at = ?, last_error = ? WHERE id = ?",
        (state, now.isoformat(), error, job_id),
    )


async def retry_later(db: Database, job_id: int, due_at: datetime, error: str) -> None:
    await db.execute(
        "UPDATE jobs SET state = 'pending', due_at = ?, last_error = ? WHERE id = ?",
        (due_at.isoformat(), error, job_id),
    )


async def recover_interrupted(db: Database) -> int:
    """Jobs left running by a crash go back to pending (handlers are idempotent)."""
    return await db.execute("UPDATE jobs SET state = 'pending' WHERE state = 'running'")


async def counts(db: Database, guild_id: int | None = None) -> dict[str, int]:
    where, params = ("WHERE guild_id = ?", (guild_id,)) if guild_id is not None else ("", ())
    rows = await db.fetchall(
        f"SELECT state, count(*) AS n FROM jobs {where} GROUP BY state", params
    )
    return {row["state"]: row["n"] for row in rows}


async def recent_problems(db: Database, limit: int = 5, guild_id: int | None = None) -> list[Any]:
    """Jobs that are failing (retrying with an error) or gave up, newest first."""
    guild_clause = "AND (guild_id = ? OR guild_id IS NULL)" if guild_id is not None else ""
    params: tuple[Any, ...] = (guild_id, limit) if guild_id is not None else (limit,)
    return await db.fetchall(
        "SELECT kind, key, state, attempts, last_error FROM jobs "
        f"WHERE last_error IS NOT NULL AND state IN ('pending', 'failed') {guild_clause} "
        "ORDER BY id DESC LIMIT ?",
        params,
    )


async def forget_finished(db: Database, before: datetime) -> int:
    return await db.execute(
        "DELETE FROM jobs WHERE state IN ('done', 'missed') AND finished_at < ?",
        (before.isoformat(),),
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


async def outcomes_due_between(
    db: Database,
    kinds: Iterable[str],
    start: datetime,
    end: datetime,
    guild_id: int | None = None,
) -> dict[int, dict[str, int]]:
    """Per server (or only `guild_id`'s): how many jobs of these kinds, due in
    [start, end), were done and how many missed (an outage's reminders: sent late, or
    skipped)."""
    kinds = sorted(kinds)
    if not kinds:
        return {}
    marks = ", ".join("?" * len(kinds))
    one = "AND guild_id = ? " if guild_id is not None else ""
    rows = await db.fetchall(
        f"SELECT guild_id, state, count(*) AS n FROM jobs WHERE kind IN ({marks}) "
        "AND due_at >= ? AND due_at < ? AND state IN ('done', 'missed') "
        f"AND guild_id IS NOT NULL {one}GROUP BY guild_id, state",
        (*kinds, start.isoformat(), end.isoformat(), *([guild_id] if guild_id is not None else [])),
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["guild_id"], {})[row["state"]] = row["n"]
    return found


async def oldest_due(db: Database, now: datetime) -> datetime | None:
    """When the longest-waiting job that is due now fell due (None: nothing is waiting)."""
    value = await db.fetchval(
        "SELECT min(due_at) FROM jobs WHERE state IN ('pending', 'running') AND due_at <= ?",
        (now.isoformat(),),
    )
    return datetime.fromisoformat(value) if value else None
