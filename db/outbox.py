"""The one outbox: every DM, channel post and message edit that is not an interaction reply.

Rows move pending -> sending -> sent (or skipped / undeliverable / failed /
cancelled). A row left in `sending` by a crash is sent again with the same
nonce (its id), so Discord returns the first message instead of a duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from db.database import Database

PERSONAL_TABLES = ("outbox", "dm_blocked", "held_messages")

FINAL_STATES = ("sent", "skipped", "undeliverable", "failed", "cancelled")
_FINAL = "('sent', 'skipped', 'undeliverable', 'failed', 'cancelled')"
# The id (the message's nonce) of a new row: above every id ever used, deleted ones
# too (a trigger keeps the largest deleted id in meta), so no nonce is used twice.
NEXT_ID = (
    "(SELECT max(coalesce((SELECT max(id) FROM outbox), 0), coalesce((SELECT CAST(value AS "
    "INTEGER) FROM meta WHERE key = 'outbox_last_id'), 0)) + 1)"
)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    guild_id: int | None
    user_id: int | None
    channel_id: int | None
    message_id: int | None
    purpose: str
    batch: str | None
    payload: dict[str, Any]
    revision: int
    urgent: bool
    retry_blocked: bool
    attempts: int
    expires_at: datetime | None = None
    created_at: datetime | None = None


def _row(row: Any) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        kind=row["kind"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        purpose=row["purpose"],
        batch=row["batch"],
        payload=json.loads(row["payload"]),
        revision=row["revision"],
        urgent=bool(row["urgent"]),
        retry_blocked=bool(row["retry_blocked"]),
        attempts=row["attempts"],
        expires_at=datetime.fromisoformat(row["expires_at"]) if row["expires_at"] else None,
        created_at=datetime.fromisoformat(row["created_at"]),
    )


async def enqueue(
    db: Database,
    *,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    dedupe_key: str | None = None,
    guild_id: int | None = None,
    user_id: int | None = None,
    channel_id: int | None = None,
    message_id: int | None = None,
    purpose: str = "service",
    batch: str | None = None,
    urgent: bool = False,
    retry_blocked: bool = False,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> int | None:
    """Add a row; returns its id, or None if this dedupe_key was already enqueued."""
    return await db.fetchval(
        "INSERT INTO outbox (id, dedupe_key, kind, guild_id, user_id, channel_id, message_id, "
        "purpose, batch, payload, urgent, retry_blocked, not_before, created_at, expires_at) "
        f"VALUES ({NEXT_ID}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(dedupe_key) DO NOTHING RETURNING id",
        (
            dedupe_key,
            kind,
            guild_id,
            user_id,
            channel_id,
            message_id,
            purpose,
            batch,
            json.dumps(payload),
            int(urgent),
            int(retry_blocked),
            (not_before or now).isoformat(),
            now.isoformat(),
            expires_at.isoformat() if expires_at else None,
        ),
    )


async def enqueue_edit(
    db: Database,
    *,
    guild_id: int | None,
    channel_id: int,
    message_id: int,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """Edits of one message coalesce into one row: the newest payload wins.

    An edit that would show what the message already shows (or is about to show) is
    not queued: refreshing every post after, say, a /leave must not re-edit the ones
    it did not change.
    """
    if await _shows_already(db, channel_id, message_id, payload):
        return
    await db.execute(
        "INSERT INTO outbox (id, dedupe_key, kind, guild_id, channel_id, message_id, payload, "
        f"not_before, created_at) VALUES ({NEXT_ID}, ?, 'edit', ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(dedupe_key) DO UPDATE SET payload = excluded.payload, "
        "revision = revision + 1, attempts = 0, "
        "state = CASE WHEN state = 'sending' THEN 'sending' ELSE 'pending' END",
        (
            f"edit:{channel_id}:{message_id}",
            guild_id,
            channel_id,
            message_id,
            json.dumps(payload),
            now.isoformat(),
            now.isoformat(),
        ),
    )


async def _shows_already(
    db: Database, channel_id: int, message_id: int, payload: dict[str, Any]
) -> bool:
    """Whether the message's last sent or queued content is this payload already."""
    wanted = json.loads(json.dumps(payload))
    edit = await db.fetchone(
        "SELECT payload, state FROM outbox WHERE dedupe_key = ?",
        (f"edit:{channel_id}:{message_id}",),
    )
    if edit is not None:
        return (
            edit["state"] in ("pending", "sending", "sent")
            and json.loads(edit["payload"]) == wanted
        )
    post = await db.fetchone(
        "SELECT payload FROM outbox WHERE kind = 'post' AND state = 'sent' "
        "AND channel_id = ? AND sent_message_id = ? ORDER BY id DESC LIMIT 1",
        (channel_id, message_id),
    )
    return post is not None and json.loads(post["payload"]) == wanted


async def shown_payload(db: Database, channel_id: int, message_id: int) -> dict[str, Any] | None:
    """What a message of ours shows (or is about to): its latest edit, else its post.
    None if neither is kept any more (old rows are pruned)."""
    edit = await db.fetchval(
        "SELECT payload FROM outbox WHERE dedupe_key = ? AND state IN ('pending', 'sending', 'sent')",
        (f"edit:{channel_id}:{message_id}",),
    )
    if edit is not None:
        return json.loads(edit)
    post = await db.fetchval(
        "SELECT payload FROM outbox WHERE kind = 'post' AND state = 'sent' "
        "AND channel_id = ? AND sent_message_id = ? ORDER BY id DESC LIMIT 1",
        (channel_id, message_id),
    )
    return json.loads(post) if post is not None else None


async def claim_due(db: Database, now: datetime, limit: int) -> list[OutboxRow]:
    """Take up to `limit` due rows (urgent first, then oldest) and mark them sending."""
    async with db.transaction():
        rows = await db.fetchall(
            "SELECT * FROM outbox WHERE state = 'pending' AND not_before <= ? "
            "ORDER BY urgent DESC, not_before, id LIMIT ?",
            (now.isoformat(), limit),
        )
        if rows:
            ids = [row["id"] for row in rows]
            marks = ",".join("?" * len(ids))
            await db.execute(
                f"UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id IN ({marks})",
                ids,
            )
    # the claim counts as an attempt
    return [replace(_row(row), attempts=row["attempts"] + 1) for row in rows]


async def reread(db: Database, row_id: int) -> OutboxRow | None:
    row = await db.fetchone("SELECT * FROM outbox WHERE id = ?", (row_id,))
    return _row(row) if row is not None else None


async def mark_sent(db: Database, row: OutboxRow, now: datetime, message_id: int | None) -> None:
    # An edit whose payload changed while it was being sent goes round again.
    await db.execute(
        "UPDATE outbox SET state = CASE WHEN revision = ? THEN 'sent' ELSE 'pending' END, "
        "sent_at = ?, sent_message_id = ?, detail = NULL WHERE id = ?",
        (row.revision, now.isoformat(), message_id, row.id),
    )


async def mark(db: Database, row_id: int, state: str, detail: str | None = None) -> None:
    await db.execute(
        "UPDATE outbox SET state = ?, detail = ? WHERE id = ?", (state, detail, row_id)
    )


async def defer(db: Database, row_id: int, until: datetime, detail: str | None = None) -> None:
    await db.execute(
        "UPDATE outbox SET state = 'pending', not_before = ?, detail = ? WHERE id = ?",
        (until.isoformat(), detail, row_id),
    )


async def state_of(db: Database, row_id: int) -> str | None:
    """Where one row has got to (None: no such row)."""
    return await db.fetchval("SELECT state FROM outbox WHERE id = ?", (row_id,))


async def latest_dm_test(
    db: Database, guild_id: int, user_id: int, *, prefix: str, since: datetime
) -> tuple[int, datetime] | None:
    """The newest test DM (dedupe key starting `prefix`) queued since `since`: (id, queued at)."""
    row = await db.fetchone(
        "SELECT id, created_at FROM outbox WHERE kind = 'dm' AND guild_id = ? AND user_id = ? "
        "AND dedupe_key LIKE ? ESCAPE '\\' AND created_at >= ? ORDER BY id DESC LIMIT 1",
        (
            guild_id,
            user_id,
            prefix.replace("%", "\\%").replace("_", "\\_") + "%",
            since.isoformat(),
        ),
    )
    if row is None:
        return None
    return row["id"], datetime.fromisoformat(row["created_at"])


WAITING = "waiting: "
"""The detail of a DM kept waiting until its person can receive it (`keep_waiting`)."""


async def keep_waiting(db: Database, row_id: int, recheck: datetime, reason: str) -> None:
    """Keep a DM until its person can receive it (looked at again at `recheck`)."""
    await defer(db, row_id, recheck, WAITING + reason)


async def release_waiting(db: Database, guild_id: int, user_id: int, now: datetime) -> int:
    """The person can receive messages again (e.g. agreed to the notice): their held
    DMs in this server are due now. Returns how many."""
    return await db.execute(
        "UPDATE outbox SET not_before = ?, detail = NULL WHERE state = 'pending' "
        "AND kind = 'dm' AND guild_id = ? AND user_id = ? AND detail LIKE ?",
        (now.isoformat(), guild_id, user_id, WAITING + "%"),
    )


async def waiting_count(db: Database, guild_id: int) -> int:
    """Messages in this server waiting until their person can receive them: DMs waiting
    for a new notice to be agreed, and service messages held while someone steps back.
    A count about people, shown only as one suppressed total (rule 9), never by reason
    or item (a reason could single out someone stepping back)."""
    return await db.fetchval(
        "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending' AND kind = 'dm' "
        "AND guild_id = ? AND detail LIKE ?) "
        "+ (SELECT count(*) FROM held_messages WHERE guild_id = ?)",
        (guild_id, WAITING + "%", guild_id),
    )


async def recover_interrupted(db: Database) -> int:
    """Rows a crash left mid-send go back to pending; the nonce prevents a duplicate."""
    return await db.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'")


async def cancel_pending(
    db: Database, *, batch: str | None = None, dedupe_prefix: str | None = None
) -> int:
    if batch is not None:
        return await db.execute(
            "UPDATE outbox SET state = 'cancelled' WHERE state = 'pending' AND batch = ?", (batch,)
        )
    if dedupe_prefix is not None:
        return await db.execute(
            "UPDATE outbox SET state = 'cancelled' WHERE state = 'pending' AND dedupe_key LIKE ? ESCAPE '\\'",
            (dedupe_prefix.replace("%", "\\%").replace("_", "\\_") + "%",),
        )
    raise ValueError("say which rows to cancel")


async def batch_counts(db: Database, batch: str) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT state, count(*) AS n FROM outbox WHERE batch = ? GROUP BY state", (batch,)
    )
    return {row["state"]: row["n"] for row in rows}


async def pending_count(
    db: Database,
    now: datetime | None = None,
    guild_id: int | None = None,
    batch: str | None = None,
) -> int:
    """Rows still to send: in flight, or pending (and due by `now` if given)."""
    clauses: list[str] = []
    params: list[Any] = []
    if now is not None:
        clauses.append("(state = 'sending' OR (state = 'pending' AND not_before <= ?))")
        params.append(now.isoformat())
    else:
        clauses.append("state IN ('pending', 'sending')")
    if batch is not None:
        clauses.append("batch = ?")
        params.append(batch)
    if guild_id is not None:
        clauses.append("guild_id = ?")
        params.append(guild_id)
    return await db.fetchval(f"SELECT count(*) FROM outbox WHERE {' AND '.join(clauses)}", params)


async def next_not_before(db: Database) -> datetime | None:
    value = await db.fetchval("SELECT min(not_before) FROM outbox WHERE state = 'pending'")
    return datetime.fromisoformat(value) if value else None


# -- keeping only what is needed (rule 14) ------------------------------------


async def sent_post(db: Database, dedupe_key: str) -> tuple[int, int] | None:
    """(channel id, message id) of the post queued under this key, once it is sent.
    Pruning keeps a sent post's pointer, so this holds however old the post is."""
    row = await db.fetchone(
        "SELECT channel_id, sent_message_id FROM outbox WHERE dedupe_key = ? "
        "AND kind = 'post' AND state = 'sent' AND sent_message_id IS NOT NULL",
        (dedupe_key,),
    )
    return (row["channel_id"], row["sent_message_id"]) if row is not None else None


async def prune(db: Database, cutoff: datetime) -> int:
    """Finished rows older than `cutoff` (the sweeper passes 7 days ago) go.

    DMs and edits are deleted whatever way they finished: "at most once" is recorded
    on each item (a lottery's `draw_told_at`, a poll's outcome, a meeting's reminded
    mark...), not on these rows. A sent post keeps its pointer (which message it
    became: items and their results are found through it) but not its content; a
    post that never went is deleted. Returns how many rows were deleted.
    """
    when = cutoff.isoformat()
    async with db.transaction():
        deleted = await db.execute(
            f"DELETE FROM outbox WHERE state IN {_FINAL} AND coalesce(sent_at, created_at) < ? "
            "AND (kind IN ('dm', 'edit') OR state != 'sent')",
            (when,),
        )
        await db.execute(
            "UPDATE outbox SET payload = '{}', detail = NULL WHERE kind = 'post' "
            "AND state = 'sent' AND sent_at < ? AND payload != '{}'",
            (when,),
        )
    return deleted


async def forget_finished(db: Database, row_id: int) -> None:
    """Delete a row once it is finished (an automatic reply to a DM, kept no longer)."""
    await db.execute(f"DELETE FROM outbox WHERE id = ? AND state IN {_FINAL}", (row_id,))


# -- automatic replies to DMs ----------------------------------------------------


def auto_reply_key(secret: bytes, user_id: int) -> str:
    """A keyed hash of the person (HMAC with the bot's own secret): it says "replied to
    lately" without naming anyone to someone holding the database alone."""
    if len(secret) < 16:
        raise ValueError("the bot's secret must be at least 16 bytes")
    return hmac.new(secret, f"dm-auto-reply:{user_id}".encode(), hashlib.sha256).hexdigest()


async def claim_auto_reply(
    db: Database, secret: bytes, user_id: int, now: datetime, until: datetime
) -> bool:
    """True if no automatic reply went to this person in the current window: the new
    window (until `until`) is recorded, and the caller sends one."""
    key = auto_reply_key(secret, user_id)
    async with db.transaction():
        current = await db.fetchval("SELECT until FROM dm_auto_replies WHERE user_key = ?", (key,))
        if current is not None and datetime.fromisoformat(current) > now:
            return False
        await db.execute(
            "INSERT INTO dm_auto_replies (user_key, until) VALUES (?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET until = excluded.until",
            (key, until.isoformat()),
        )
    return True


async def auto_reply_until(db: Database, secret: bytes, user_id: int) -> datetime | None:
    value = await db.fetchval(
        "SELECT until FROM dm_auto_replies WHERE user_key = ?", (auto_reply_key(secret, user_id),)
    )
    return datetime.fromisoformat(value) if value else None


async def forget_expired_auto_replies(db: Database, now: datetime) -> int:
    return await db.execute("DELETE FROM dm_auto_replies WHERE until <= ?", (now.isoformat(),))


# -- DMs found closed ------------------------------------------------------


async def record_dm_blocked(db: Database, guild_id: int, user_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO dm_blocked (guild_id, user_id, since) VALUES (?, ?, ?) "
        "ON CONFLICT(guild_id, user_id) DO NOTHING",
        (guild_id, user_id, now.isoformat()),
    )


async def clear_dm_blocked(db: Database, guild_id: int, user_id: int) -> None:
    await db.execute(
        "DELETE FROM dm_blocked WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )


async def dm_blocked_since(db: Database, guild_id: int, user_id: int) -> datetime | None:
    value = await db.fetchval(
        "SELECT since FROM dm_blocked WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return datetime.fromisoformat(value) if value else None


async def dm_blocked_count(db: Database, guild_id: int | None = None) -> int:
    if guild_id is None:
        return await db.fetchval("SELECT count(*) FROM dm_blocked")
    return await db.fetchval("SELECT count(*) FROM dm_blocked WHERE guild_id = ?", (guild_id,))


# -- service messages held while someone steps back (rule 15) ------------------


def summary_line(payload: dict[str, Any], limit: int = 300) -> str:
    """One line saying what a held message was: its first embed's title and text, or
    its content."""
    parts: list[str] = []
    for embed in payload.get("embeds", [])[:1]:
        parts += [str(embed.get(key, "")).strip() for key in ("title", "description")]
    if not any(parts):
        parts = [str(payload.get("content", "")).strip()]
    line = " - ".join(p.replace("\n", " ") for p in parts if p)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


async def hold(db: Database, row: OutboxRow, now: datetime, reason: str | None) -> None:
    """Keep a service message for the resume summary instead of sending it."""
    assert row.guild_id is not None and row.user_id is not None
    async with db.transaction():
        await db.execute(
            "INSERT INTO held_messages (guild_id, user_id, summary, ends_at, held_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                row.guild_id,
                row.user_id,
                summary_line(row.payload),
                row.expires_at.isoformat() if row.expires_at is not None else None,
                now.isoformat(),
            ),
        )
        await mark(db, row.id, "skipped", f"held: {reason}" if reason else "held")


async def take_held(db: Database, guild_id: int, user_id: int, now: datetime) -> list[str]:
    """The held lines still worth showing (their item has not begun), oldest first;
    all of this person's held lines are then deleted (shown once)."""
    async with db.transaction():
        rows = await db.fetchall(
            "SELECT summary, ends_at FROM held_messages WHERE guild_id = ? AND user_id = ? "
            "ORDER BY id",
            (guild_id, user_id),
        )
        await db.execute(
            "DELETE FROM held_messages WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
    return [
        row["summary"]
        for row in rows
        if row["ends_at"] is None or datetime.fromisoformat(row["ends_at"]) > now
    ]


# -- personal data ---------------------------------------------------------


async def export_member(
    db: Database, guild_id: int, user_id: int
) -> dict[str, list[dict[str, Any]]]:
    messages = await db.fetchall(
        "SELECT id, kind, purpose, state, created_at, sent_at, payload FROM outbox "
        "WHERE guild_id = ? AND user_id = ? ORDER BY id",
        (guild_id, user_id),
    )
    blocked = await db.fetchall(
        "SELECT since FROM dm_blocked WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    held = await db.fetchall(
        "SELECT summary, ends_at, held_at FROM held_messages WHERE guild_id = ? AND user_id = ? "
        "ORDER BY id",
        (guild_id, user_id),
    )
    return {
        "outbox": [dict(row) for row in messages],
        "dm_blocked": [dict(row) for row in blocked],
        "held_messages": [dict(row) for row in held],
    }


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    await db.execute("DELETE FROM outbox WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
    await clear_dm_blocked(db, guild_id, user_id)
    await db.execute(
        "DELETE FROM held_messages WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    # Automatic replies belong to no server: leaving any server erases them.
    await db.execute(
        "DELETE FROM outbox WHERE guild_id IS NULL AND user_id = ? AND kind = 'dm'", (user_id,)
    )
    await db.execute(
        "DELETE FROM dm_auto_replies WHERE user_key = ?", (auto_reply_key(secret, user_id),)
    )
