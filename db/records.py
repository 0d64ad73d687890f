"""The member's own record (issue 24): what they took part in, for them alone.

A row is written when an organiser confirms "took part" (`add_took_part`, called
from /opportunity happened inside its own transaction); nothing is stored for
someone who did not come. Rows are read only by the member (/me record, the
certificate, /me export): no function here lists anyone but the one person asked
for (rule 2). Kept until the member leaves, whatever the server's retention setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from db.database import Database, to_iso

PERSONAL_TABLES = ("member_records",)


@dataclass(frozen=True)
class RecordRow:
    id: int
    opportunity_id: int | None
    on_date: date
    title: str
    role: str | None
    hours: float | None


def _day(on_date: date | datetime | str) -> str:
    if isinstance(on_date, datetime):
        if on_date.tzinfo is None:
            raise ValueError("times stored must be timezone-aware")
        return on_date.astimezone(UTC).date().isoformat()
    if isinstance(on_date, date):
        return on_date.isoformat()
    return date.fromisoformat(on_date).isoformat()


async def add_took_part(
    db: Database,
    guild_id: int,
    user_id: int,
    opportunity_id: int | None,
    on_date: date | datetime | str,
    title: str,
    role: str | None = None,
    hours: float | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Write (or, if already there, update) one "took part" row; returns its id.

    `guild_id` is the member's own server (in a network, not always the opportunity's
    home). A datetime `on_date` is taken as its UTC day. Joins the caller's transaction
    when called inside `db.transaction()` (statements on `db` join it); confirming the
    same opportunity twice updates the one row (role, hours, date) and never doubles it.
    """
    if hours is not None and not 0 < hours <= 1000:
        raise ValueError("hours must be more than 0 and at most 1000")
    recorded = to_iso(now or datetime.now(UTC))
    day = _day(on_date)
    role = role or None
    if opportunity_id is not None:
        existing = await db.fetchval(
            "SELECT id FROM member_records WHERE guild_id = ? AND user_id = ? "
            "AND opportunity_id = ?",
            (guild_id, user_id, opportunity_id),
        )
        if existing is not None:
            await db.execute(
                "UPDATE member_records SET on_date = ?, title = ?, role = ?, hours = ? "
                "WHERE id = ?",
                (day, title, role, hours, existing),
            )
            return int(existing)
    return await db.execute(
        "INSERT INTO member_records "
        "(guild_id, user_id, opportunity_id, on_date, title, role, hours, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, opportunity_id, day, title, role, hours, recorded),
    )


async def remove_took_part(db: Database, guild_id: int, user_id: int, opportunity_id: int) -> bool:
    """Take a "took part" row back (an organiser ticked the wrong person); True if one went."""
    return bool(
        await db.execute(
            "DELETE FROM member_records WHERE guild_id = ? AND user_id = ? AND opportunity_id = ?",
            (guild_id, user_id, opportunity_id),
        )
    )


async def record_of(db: Database, guild_id: int, user_id: int) -> list[RecordRow]:
    """This one member's record in this server, oldest first."""
    rows = await db.fetchall(
        "SELECT id, opportunity_id, on_date, title, role, hours FROM member_records "
        "WHERE guild_id = ? AND user_id = ? ORDER BY on_date, id",
        (guild_id, user_id),
    )
    return [
        RecordRow(
            id=r["id"],
            opportunity_id=r["opportunity_id"],
            on_date=date.fromisoformat(r["on_date"]),
            title=r["title"],
            role=r["role"],
            hours=r["hours"],
        )
        for r in rows
    ]


# -- the personal data registry ----------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    rows = await db.fetchall(
        "SELECT opportunity_id, on_date, title, role, hours, recorded_at FROM member_records "
        "WHERE guild_id = ? AND user_id = ? ORDER BY on_date, id",
        (guild_id, user_id),
    )
    return {"member_records": [dict(r) for r in rows]}


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    await db.execute(
        "DELETE FROM member_records WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
