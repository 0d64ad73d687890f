"""What each server publishes beyond Discord (rule 16) and the daily snapshot of figures.

Nothing here holds a person's id or name, so it is not in the personal-data registry;
`db.guilds.erase_guild` removes a server's rows with the rest of its data. The pages
(web/) only read: `publication_by_slug`, `get_snapshot`, `network_by_slug`; writing is
for the `/setup publish` flow and the daily snapshot job (cogs/setup/flows.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.publishing import PAGE_KINDS, new_slug, parse_kinds, store_kinds
from bot.domain.recurrence import occurrences_between
from db import meetings as meetings_db
from db.database import Database, from_iso, to_iso

SNAPSHOT_JOB = "pages_snapshot"
COUNT_PERIOD = timedelta(days=365)  # opportunities offered and meetings held: the last year


@dataclass(frozen=True)
class Publication:
    guild_id: int
    slug: str
    kinds: tuple[str, ...]  # () once unpublished: the pages answer 410
    published_at: datetime | None
    changed_at: datetime

    @property
    def published(self) -> bool:
        return bool(self.kinds)

    @property
    def shows_pages(self) -> bool:
        """A public page is live: some kind shown on pages is chosen (a server that chose
        only the calendar feed or reports has no public page)."""
        return any(kind in PAGE_KINDS for kind in self.kinds)


@dataclass(frozen=True)
class Snapshot:
    guild_id: int
    taken_on: date
    taken_at: datetime
    figures: dict[str, Any]


def _publication(row: Any) -> Publication:
    return Publication(
        guild_id=row["guild_id"],
        slug=row["slug"],
        kinds=parse_kinds(row["kinds"]),
        published_at=from_iso(row["published_at"]),
        changed_at=datetime.fromisoformat(row["changed_at"]),
    )


# -- reading (the pages) ------------------------------------------------------------------


async def get_publication(db: Database, guild_id: int) -> Publication | None:
    row = await db.fetchone("SELECT * FROM published_pages WHERE guild_id = ?", (guild_id,))
    return _publication(row) if row is not None else None


async def publication_by_slug(db: Database, slug: str) -> Publication | None:
    row = await db.fetchone("SELECT * FROM published_pages WHERE slug = ?", (slug,))
    return _publication(row) if row is not None else None


async def publications(db: Database, guild_ids: tuple[int, ...] | list[int]) -> list[Publication]:
    if not guild_ids:
        return []
    marks = ",".join("?" * len(guild_ids))
    rows = await db.fetchall(
        f"SELECT * FROM published_pages WHERE guild_id IN ({marks}) ORDER BY guild_id",
        list(guild_ids),
    )
    return [_publication(row) for row in rows]


async def published_guild_ids(db: Database) -> list[int]:
    rows = await db.fetchall(
        "SELECT guild_id FROM published_pages WHERE kinds != '' ORDER BY guild_id"
    )
    return [row[0] for row in rows]


async def network_by_slug(db: Database, slug: str) -> int | None:
    return await db.fetchval("SELECT network_id FROM network_pages WHERE slug = ?", (slug,))


async def network_slug(db: Database, network_id: int) -> str | None:
    return await db.fetchval("SELECT slug FROM network_pages WHERE network_id = ?", (network_id,))


async def get_snapshot(db: Database, guild_id: int) -> Snapshot | None:
    row = await db.fetchone("SELECT * FROM page_snapshots WHERE guild_id = ?", (guild_id,))
    if row is None:
        return None
    return Snapshot(
        guild_id=row["guild_id"],
        taken_on=date.fromisoformat(row["taken_on"]),
        taken_at=datetime.fromisoformat(row["taken_at"]),
        figures=json.loads(row["figures"]),
    )


# -- writing (/setup publish and the snapshot job) ----------------------------------------------


async def set_kinds(
    db: Database, guild_id: int, kinds: tuple[str, ...], now: datetime
) -> Publication:
    """What this server publishes from now on (its address is made the first time)."""
    async with db.transaction():
        current = await get_publication(db, guild_id)
        if current is None:
            await db.execute(
                "INSERT INTO published_pages (guild_id, slug, kinds, published_at, changed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    guild_id,
                    new_slug(),
                    store_kinds(kinds),
                    to_iso(now) if kinds else None,
                    to_iso(now),
                ),
            )
        else:
            since = current.published_at if current.published else (now if kinds else None)
            await db.execute(
                "UPDATE published_pages SET kinds = ?, published_at = ?, changed_at = ? "
                "WHERE guild_id = ?",
                (store_kinds(kinds), to_iso(since), to_iso(now), guild_id),
            )
    found = await get_publication(db, guild_id)
    assert found is not None
    return found


async def ensure_network_slug(db: Database, network_id: int) -> str:
    await db.execute(
        "INSERT INTO network_pages (network_id, slug) VALUES (?, ?) "
        "ON CONFLICT (network_id) DO NOTHING",
        (network_id, new_slug()),
    )
    slug = await network_slug(db, network_id)
    assert slug is not None
    return slug


async def save_snapshot(
    db: Database, guild_id: int, taken_on: date, now: datetime, figures: dict[str, Any]
) -> None:
    await db.execute(
        "INSERT INTO page_snapshots (guild_id, taken_on, taken_at, figures) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET taken_on = excluded.taken_on, "
        "taken_at = excluded.taken_at, figures = excluded.figures",
        (guild_id, taken_on.isoformat(), to_iso(now), json.dumps(figures, sort_keys=True)),
    )


async def drop_snapshot(db: Database, guild_id: int) -> None:
    """Unpublished: the figures are not kept for pages nobody may read."""
    await db.execute("DELETE FROM page_snapshots WHERE guild_id = ?", (guild_id,))


# -- the figures a snapshot holds --------------------------------------------------------------


async def collect_figures(db: Database, guild_id: int, now: datetime) -> dict[str, Any]:
    """Counts only, per item id; no text and no person. Items made in this server."""
    return {
        "polls": await _poll_figures(db, guild_id),
        "ideas": await _idea_figures(db, guild_id),
        "opportunities": await _opportunity_figures(db, guild_id, now),
        "meetings": await _meeting_figures(db, guild_id, now),
    }


async def _poll_figures(db: Database, guild_id: int) -> dict[str, Any]:
    rows = await db.fetchall(
        "SELECT id, kind, turnout, result_json FROM polls "
        "WHERE guild_id = ? AND state = 'closed' AND result_json IS NOT NULL",
        (guild_id,),
    )
    found: dict[str, Any] = {}
    for row in rows:
        result = json.loads(row["result_json"])
        found[str(row["id"])] = {
            "took_part": row["turnout"] if row["turnout"] is not None else result.get("ballots", 0),
            "totals": result.get("totals", []),
            "winners": result.get("winners", []),
        }
    return found


async def _idea_figures(db: Database, guild_id: int) -> dict[str, Any]:
    rows = await db.fetchall(
        "SELECT id, supporters FROM ideas WHERE guild_id = ? AND state = 'answered'",
        (guild_id,),
    )
    return {str(row["id"]): {"supporters": row["supporters"]} for row in rows}


async def _opportunity_figures(db: Database, guild_id: int, now: datetime) -> dict[str, int]:
    since = to_iso(now - COUNT_PERIOD)
    offered = await db.fetchval(
        "SELECT count(*) FROM opportunities WHERE guild_id = ? AND state != 'cancelled' "
        "AND created_at >= ?",
        (guild_id, since),
    )
    filled = await db.fetchval(
        "SELECT count(*) FROM opportunity_replies r JOIN opportunities o "
        "ON o.id = r.opportunity_id WHERE o.guild_id = ? AND o.state != 'cancelled' "
        "AND o.created_at >= ? AND r.place = 'confirmed'",
        (guild_id, since),
    )
    return {"offered": int(offered or 0), "places_filled": int(filled or 0)}


async def _meeting_figures(db: Database, guild_id: int, now: datetime) -> dict[str, int]:
    held = 0
    for meeting in await meetings_db.list_meetings(db, guild_id, scheduled_only=False):
        end = min(now, meeting.cancelled_at) if meeting.cancelled_at else now
        held += len(occurrences_between(meeting.series, now - COUNT_PERIOD, end))
    return {"held": held}
