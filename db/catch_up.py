"""What was posted in a server while someone was stepping back (for their summary).

Reads the items' own tables (no person's id): opportunities and polls still open,
and meetings still to come, posted in this server since a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from db.database import Database, to_iso

# The post's message: kept on the item once known, else the outbox row that sent it.
_MESSAGE = (
    "coalesce(message_id, (SELECT sent_message_id FROM outbox WHERE outbox.id = post_outbox_id))"
)


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
    """Items posted here at or after `since` that have not ended by `now`, oldest first."""
    after = to_iso(since)
    found: list[tuple[str, PostedItem]] = []
    for row in await db.fetchall(
        f"SELECT title, channel_id, {_MESSAGE} AS message_id, created_at FROM opportunities "
        "WHERE guild_id = ? AND state = 'open' AND created_at >= ?",
        (guild_id, after),
    ):
        found.append((row["created_at"], _item("opportunity", row["title"], guild_id, row)))
    for row in await db.fetchall(
        f"SELECT question, channel_id, {_MESSAGE} AS message_id, created_at FROM polls "
        "WHERE guild_id = ? AND state = 'open' AND created_at >= ?",
        (guild_id, after),
    ):
        found.append((row["created_at"], _item("poll", row["question"], guild_id, row)))
    for row in await db.fetchall(
        f"SELECT title, channel_id, {_MESSAGE} AS message_id, created_at, start_local, zone, rule, "
        "duration_minutes FROM meetings "
        "WHERE guild_id = ? AND state = 'scheduled' AND created_at >= ?",
        (guild_id, after),
    ):
        if row["rule"] == "none":
            start = datetime.fromisoformat(row["start_local"]).replace(tzinfo=ZoneInfo(row["zone"]))
            if start <= now:
                continue  # a one-off meeting that has already begun
        found.append((row["created_at"], _item("meeting", row["title"], guild_id, row)))
    found.sort(key=lambda pair: pair[0])
    return [item for _when, item in found]


def _item(kind: str, title: str, guild_id: int, row) -> PostedItem:
    return PostedItem(kind, title, guild_id, row["channel_id"], row["message_id"])
