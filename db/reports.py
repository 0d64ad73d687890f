"""Period reports for commissioners: the raw figures, the day's snapshot, private links.

The figures here are **unsuppressed** totals over a set of servers and a span of
time; they are never shown as they are: ``bot.domain.reports.build_report`` applies
rule 9 to every one before anything is stored or shown. Nothing read here names a
person, and nothing stored here is about one.

What counts, for the servers asked about (an item counts where it was posted from,
its home server; a network item is counted once):

* members: at the end of the period (today's members, less those who joined since,
  plus those who left since, from the daily join and leave counts), joined, left;
* polls closed in the period and their turnout (frozen at close);
* ideas raised in the period, their supports, those that reached the support
  threshold, and ideas answered in the period (by answer) with the days each took;
* outcomes recorded in the period, by their status now;
* opportunities posted in the period (not cancelled), their places, and places
  filled (confirmed answers still held: answers to items closed longer ago than the
  server's retention setting have been erased); opportunities offering payment;
* meetings held: dates of scheduled meetings that started in the period, before
  now, not cancelled; and how many said Going to each (answers still held).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain.meetings import GOING, SERIES_KEY
from bot.domain.recurrence import occurrences_between
from db.database import Database, from_iso, to_iso
from db.meetings import _meeting
from db.payments import count_offering_payment

KEEP_STOPPED_LINKS = timedelta(days=30)


def _marks(guild_ids: Sequence[int]) -> str:
    return ", ".join("?" for _ in guild_ids)


async def raw_figures(
    db: Database, guild_ids: Sequence[int], start: datetime, end: datetime, now: datetime
) -> dict[str, dict[str, Any]]:
    """Unsuppressed totals for [start, end) (UTC) over `guild_ids`. See the module."""
    guild_ids = tuple(guild_ids)
    return {
        "members": await _members(db, guild_ids, start, end),
        "polls": await _polls(db, guild_ids, start, end),
        "ideas": await _ideas(db, guild_ids, start, end),
        "outcomes": await _outcomes(db, guild_ids, start, end),
        "opportunities": await _opportunities(db, guild_ids, start, end),
        "payments": {"offered": await count_offering_payment(db, guild_ids, start, end)},
        "meetings": await _meetings(db, guild_ids, start, min(end, now)),
    }


async def _members(
    db: Database, guild_ids: tuple[int, ...], start: datetime, end: datetime
) -> dict[str, int]:
    marks = _marks(guild_ids)
    now_count = await db.fetchval(
        f"SELECT count(*) FROM members WHERE guild_id IN ({marks})", guild_ids
    )
    first, after = start.date().isoformat(), end.date().isoformat()
    row = await db.fetchone(
        "SELECT coalesce(sum(CASE WHEN on_day >= ? AND on_day < ? THEN joins END), 0) AS joined, "
        "coalesce(sum(CASE WHEN on_day >= ? AND on_day < ? THEN leaves END), 0) AS left_, "
        "coalesce(sum(CASE WHEN on_day >= ? THEN joins END), 0) AS joined_since, "
        "coalesce(sum(CASE WHEN on_day >= ? THEN leaves END), 0) AS left_since "
        f"FROM membership_daily_counts WHERE guild_id IN ({marks})",
        (first, after, first, after, after, after, *guild_ids),
    )
    at_end = max(0, now_count - row["joined_since"] + row["left_since"])
    return {"at_end": at_end, "joined": row["joined"], "left": row["left_"]}


async def _polls(
    db: Database, guild_ids: tuple[int, ...], start: datetime, end: datetime
) -> dict[str, Any]:
    rows = await db.fetchall(
        "SELECT coalesce(turnout, 0) AS turnout FROM polls "
        f"WHERE guild_id IN ({_marks(guild_ids)}) AND state = 'closed' "
        "AND closed_at >= ? AND closed_at < ?",
        (*guild_ids, to_iso(start), to_iso(end)),
    )
    opened = await db.fetchval(
        f"SELECT count(*) FROM polls WHERE guild_id IN ({_marks(guild_ids)}) "
        "AND created_at >= ? AND created_at < ?",
        (*guild_ids, to_iso(start), to_iso(end)),
    )
    turnouts = [row["turnout"] for row in rows]
    return {"opened": opened, "closed": len(turnouts), "turnouts": turnouts}


async def _ideas(
    db: Database, guild_ids: tuple[int, ...], start: datetime, end: datetime
) -> dict[str, Any]:
    marks, span = _marks(guild_ids), (to_iso(start), to_iso(end))
    raised = await db.fetchone(
        "SELECT count(*) AS raised, coalesce(sum(supporters), 0) AS supports FROM ideas "
        f"WHERE guild_id IN ({marks}) AND created_at >= ? AND created_at < ?",
        (*guild_ids, *span),
    )
    reached = await db.fetchval(
        f"SELECT count(*) FROM ideas WHERE guild_id IN ({marks}) "
        "AND threshold_at >= ? AND threshold_at < ?",
        (*guild_ids, *span),
    )
    answered = await db.fetchall(
        "SELECT answer, created_at, answered_at FROM ideas "
        f"WHERE guild_id IN ({marks}) AND state = 'answered' "
        "AND answered_at >= ? AND answered_at < ?",
        (*guild_ids, *span),
    )
    by_answer = {"forward": 0, "happening": 0, "not_now": 0}
    days: list[float] = []
    for row in answered:
        if row["answer"] in by_answer:
            by_answer[row["answer"]] += 1
        took = from_iso(row["answered_at"]) - from_iso(row["created_at"])  # type: ignore[operator]
        days.append(took.total_seconds() / 86400)
    return {
        "raised": raised["raised"],
        "supports": raised["supports"],
        "reached_threshold": reached,
        "answered": len(answered),
        "by_answer": by_answer,
        "days_to_answer": days,
    }


async def _outcomes(
    db: Database, guild_ids: tuple[int, ...], start: datetime, end: datetime
) -> dict[str, Any]:
    rows = await db.fetchall(
        f"SELECT status, count(*) AS n FROM outcomes WHERE guild_id IN ({_marks(guild_ids)}) "
        "AND created_at >= ? AND created_at < ? GROUP BY status",
        (*guild_ids, to_iso(start), to_iso(end)),
    )
    return {"by_status": {row["status"]: row["n"] for row in rows}}


async def _opportunities(
    db: Database, guild_ids: tuple[int, ...], start: datetime, end: datetime
) -> dict[str, int]:
    row = await db.fetchone(
        "SELECT count(*) AS offered, coalesce(sum(places), 0) AS places, "
        "coalesce(sum(places IS NULL), 0) AS unlimited, "
        "coalesce(sum((SELECT count(*) FROM opportunity_replies r WHERE r.opportunity_id = o.id "
        "AND r.state = 'interested' AND r.place = 'confirmed')), 0) AS filled "
        f"FROM opportunities o WHERE guild_id IN ({_marks(guild_ids)}) AND state != 'cancelled' "
        "AND created_at >= ? AND created_at < ?",
        (*guild_ids, to_iso(start), to_iso(end)),
    )
    return {
        "offered": row["offered"],
        "places": row["places"],
        "unlimited": row["unlimited"],
        "filled": row["filled"],
    }


async def _meetings(
    db: Database, guild_ids: tuple[int, ...], start: datetime, end: datetime
) -> dict[str, int]:
    held = going = 0
    if end <= start:
        return {"held": 0, "going": 0}
    rows = await db.fetchall(
        f"SELECT * FROM meetings WHERE guild_id IN ({_marks(guild_ids)}) AND state = 'scheduled'",
        guild_ids,
    )
    for row in rows:
        meeting = _meeting(row)
        dates = [o for o in occurrences_between(meeting.series, start, end) if o.start_utc < end]
        if not dates:
            continue
        answers = await db.fetchall(
            "SELECT occ_key, user_id, status, answered_at FROM meeting_rsvps WHERE meeting_id = ?",
            (meeting.id,),
        )
        own = {(a["occ_key"], a["user_id"]): a["status"] for a in answers}
        series = [a for a in answers if a["occ_key"] == SERIES_KEY]
        for occurrence in dates:
            held += 1
            people = {uid: status for (key, uid), status in own.items() if key == occurrence.key}
            for answer in series:
                # "All in this series" counts for dates from when it was given, not before.
                given = from_iso(answer["answered_at"])
                if answer["user_id"] not in people and given and given <= occurrence.start_utc:
                    people[answer["user_id"]] = answer["status"]
            going += sum(1 for status in people.values() if status == GOING)
    return {"held": held, "going": going}


# -- the day's snapshot --------------------------------------------------------------------


async def snapshot(
    db: Database, guild_id: int, scope: str, period_key: str, on_day: str
) -> dict[str, Any] | None:
    """The report already taken today for this server, scope and period, if any."""
    row = await db.fetchone(
        "SELECT on_day, figures FROM report_snapshots "
        "WHERE guild_id = ? AND scope = ? AND period_key = ?",
        (guild_id, scope, period_key),
    )
    if row is None or row["on_day"] != on_day:
        return None
    return json.loads(row["figures"])


async def periods_taken(db: Database, guild_id: int, on_day: str) -> set[tuple[str, str]]:
    """(scope, period) of every report this server has taken today."""
    rows = await db.fetchall(
        "SELECT scope, period_key FROM report_snapshots WHERE guild_id = ? AND on_day = ?",
        (guild_id, on_day),
    )
    return {(row["scope"], row["period_key"]) for row in rows}


async def save_snapshot(
    db: Database, guild_id: int, scope: str, period_key: str, on_day: str, figures: dict
) -> None:
    await db.execute(
        "INSERT INTO report_snapshots (guild_id, scope, period_key, on_day, figures) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, scope, period_key) DO UPDATE SET "
        "on_day = excluded.on_day, figures = excluded.figures",
        (guild_id, scope, period_key, on_day, json.dumps(figures)),
    )


# -- private links ---------------------------------------------------------------------------


async def create_link(
    db: Database,
    link_id: str,
    guild_id: int,
    scope: str,
    figures: dict,
    now: datetime,
    lasts: timedelta,
) -> None:
    await db.execute(
        "INSERT INTO report_links (id, guild_id, scope, figures, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (link_id, guild_id, scope, json.dumps(figures), to_iso(now), to_iso(now + lasts)),
    )


async def get_link(db: Database, link_id: str) -> dict[str, Any] | None:
    row = await db.fetchone("SELECT * FROM report_links WHERE id = ?", (link_id,))
    if row is None:
        return None
    return {
        "id": row["id"],
        "guild_id": row["guild_id"],
        "scope": row["scope"],
        "figures": json.loads(row["figures"]),
        "created_at": from_iso(row["created_at"]),
        "expires_at": from_iso(row["expires_at"]),
        "withdrawn_at": from_iso(row["withdrawn_at"]),
    }


async def withdraw_link(db: Database, link_id: str, guild_id: int, now: datetime) -> bool:
    """Stop a link working at once. False if it is not this server's or already stopped."""
    changed = await db.execute(
        "UPDATE report_links SET withdrawn_at = ? "
        "WHERE id = ? AND guild_id = ? AND withdrawn_at IS NULL",
        (to_iso(now), link_id, guild_id),
    )
    return bool(changed)


async def withdraw_all(db: Database, guild_id: int, now: datetime) -> int:
    """Stop every working link of this server's (when it stops allowing reports), so
    allowing them again later cannot bring an old link back."""
    return await db.execute(
        "UPDATE report_links SET withdrawn_at = ? WHERE guild_id = ? AND withdrawn_at IS NULL "
        "AND expires_at > ?",
        (to_iso(now), guild_id, to_iso(now)),
    )


async def prune_links(db: Database, now: datetime) -> int:
    """Forget links that stopped working (expired or withdrawn) over 30 days ago, and
    snapshots older than a day (the retention sweep calls this)."""
    cutoff = to_iso(now - KEEP_STOPPED_LINKS)
    gone = await db.execute(
        "DELETE FROM report_links WHERE expires_at < ? OR withdrawn_at < ?", (cutoff, cutoff)
    )
    gone += await db.execute(
        "DELETE FROM report_snapshots WHERE on_day < ?",
        ((now - timedelta(days=2)).date().isoformat(),),
    )
    return gone
