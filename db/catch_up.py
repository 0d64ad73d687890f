"""What was posted in a server while someone was stepping back (for their summary).

Reads the items' own tables (no person's id): opportunities and polls still open,
and meetings still to come, posted in this server since a moment (its own items and
linked servers' copies posted here). The post's message is kept on the item once
known, else it is the outbox row that sent it (a copy's: its `item_copies` row's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from db.database import Database, to_iso


@dataclass(frozen=True)
class PostedItem:
    kind: str  # "opportunity", "poll" or "meeting"
    title: str
    guild_id: int
    channel_id: int
    message_id: int | None


async def posted_since(
    db: Database, guild_id: int, since: datetime, now: datetime
) -> list[PostedItem]:
    """Items posted here at or after `since` that have not ended by `now`, oldest first:
    this server's own, and copies of linked servers' items posted here (networks)."""
    after = to_iso(since)
    found: list[tuple[str, PostedItem]] = []
    for row in await _here(db, "opportunity", "opportunities", "title", "open", guild_id, after):
        found.append((row["created_at"], _item("opportunity", row["title"], guild_id, row)))
    for row in await _here(db, "poll", "polls", "question", "open", guild_id, after):
        found.append((row["created_at"], _item("poll", row["question"], guild_id, row)))
    for row in await _here(
        db,
        "meeting",
        "meetings",
        "title",
        "scheduled",
        guild_id,
        after,
        extra=", t.start_local, t.zone, t.rule",
    ):
        if row["rule"] == "none":
            start = datetime.fromisoformat(row["start_local"]).replace(tzinfo=ZoneInfo(row["zone"]))
            if start <= now:
                continue  # a one-off meeting that has already begun
        found.append((row["created_at"], _item("meeting", row["title"], guild_id, row)))
    found.sort(key=lambda pair: pair[0])
    return [item for _when, item in found]


async def _here(
    db: Database,
    kind: str,
    table: str,
    title: str,
    state: str,
    guild_id: int,
    after: str,
    *,
    extra: str = "",
) -> list:
    """Rows of `table` still in `state`, created since `after`, with where they were
    posted in this server: an item of its own, or a linked server's copy shown here."""
    return await db.fetchall(
        f"SELECT t.{title}, t.channel_id, "
        f"coalesce(t.message_id, (SELECT sent_message_id FROM outbox WHERE outbox.id = "
        f"t.post_outbox_id)) AS message_id, t.created_at{extra} FROM {table} t "
        f"WHERE t.guild_id = ? AND t.state = ? AND t.created_at >= ? "
        f"UNION ALL "
        f"SELECT t.{title}, c.channel_id, "
        f"(SELECT sent_message_id FROM outbox WHERE outbox.id = c.outbox_id) AS message_id, "
        f"t.created_at{extra} FROM {table} t JOIN item_copies c "
        f"ON c.kind = ? AND c.item_id = t.id AND c.guild_id = ? "
        f"WHERE t.guild_id != ? AND t.state = ? AND t.created_at >= ?",
        (guild_id, state, after, kind, guild_id, guild_id, state, after),
    )


def _item(kind: str, title: str, guild_id: int, row) -> PostedItem:
    return PostedItem(kind, title, guild_id, row["channel_id"], row["message_id"])
