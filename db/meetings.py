"""Meetings, their RSVPs, reminder marks and drafts awaiting "Post it"."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.domain.meetings import (
    ATTENDING,
    SERIES_KEY,
    Answer,
    Attendee,
    Meeting,
    last_end,
    offsets_from_text,
    offsets_to_text,
)
from bot.domain.members import offsets_from_text as member_offsets
from bot.domain.quiet_hours import QuietHours
from bot.domain.records import MeetingAnswer
from bot.domain.recurrence import Series, occurrence_for_key
from db.database import Database, from_iso, to_iso

PERSONAL_TABLES = ("meeting_rsvps", "meeting_drafts")
DRAFT_LIFETIME = timedelta(days=1)


# -- drafts -------------------------------------------------------------------------


async def create_draft(
    db: Database, guild_id: int, user_id: int, data: dict[str, Any], now: datetime
) -> int:
    """Save a typed meeting; drafts nobody posted within a day are dropped here."""
    await db.execute(
        "DELETE FROM meeting_drafts WHERE created_at < ?", (to_iso(now - DRAFT_LIFETIME),)
    )
    return await db.execute(
        "INSERT INTO meeting_drafts (guild_id, user_id, data, created_at) VALUES (?, ?, ?, ?)",
        (guild_id, user_id, json.dumps(data), to_iso(now)),
    )


async def get_draft(db: Database, draft_id: int, guild_id: int, user_id: int) -> dict | None:
    """A draft, only for the organiser who typed it."""
    stored = await db.fetchval(
        "SELECT data FROM meeting_drafts WHERE id = ? AND guild_id = ? AND user_id = ?",
        (draft_id, guild_id, user_id),
    )
    return json.loads(stored) if stored else None


async def update_draft(db: Database, draft_id: int, data: dict[str, Any]) -> None:
    await db.execute(
        "UPDATE meeting_drafts SET data = ? WHERE id = ?", (json.dumps(data), draft_id)
    )


# -- meetings ---------------------------------------------------------------------


def _meeting(row: Any) -> Meeting:
    series = Series(
        start_local=datetime.fromisoformat(row["start_local"]),
        zone=row["zone"],
        rule=row["rule"],
        duration_minutes=row["duration_minutes"],
        skipped_dates=frozenset(
            date.fromisoformat(day) for day in (row["skipped_dates"] or "").split()
        ),
    )
    return Meeting(
        id=row["id"],
        guild_id=row["guild_id"],
        title=row["title"],
        place=row["place"],
        series=series,
        offsets=offsets_from_text(row["reminder_offsets"]),
        channel_id=row["channel_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        post_outbox_id=row["post_outbox_id"],
        message_id=row["message_id"],
        shown_occ_key=row["shown_occ_key"],
        discord_event=bool(row["discord_event"]),
        event_id=row["event_id"],
        state=row["state"],
        revision=row["revision"],
        cancelled_at=from_iso(row["cancelled_at"]),
        network_id=row["network_id"],
    )


async def post_draft(
    db: Database, draft_id: int, guild_id: int, user_id: int, channel_id: int, now: datetime
) -> int | None:
    """Turn a draft into a meeting, once: None if it was posted (or dropped) already."""
    async with db.transaction():
        data = await get_draft(db, draft_id, guild_id, user_id)
        if data is None:
            return None
        await db.execute("DELETE FROM meeting_drafts WHERE id = ?", (draft_id,))
        return await db.execute(
            "INSERT INTO meetings (guild_id, title, place, start_local, zone, rule, "
            "duration_minutes, reminder_offsets, channel_id, discord_event, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                data["title"],
                data.get("place"),
                data["start_local"],
                data["zone"],
                data["rule"],
                data["duration"],
                data["offsets"],
                channel_id,
                int(bool(data.get("discord_event"))),
                to_iso(now),
            ),
        )


async def get_meeting(db: Database, meeting_id: int, guild_id: int | None = None) -> Meeting | None:
    row = await db.fetchone("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
    if row is None or (guild_id is not None and row["guild_id"] != guild_id):
        return None
    return _meeting(row)


async def list_meetings(
    db: Database, guild_id: int, *, search: str = "", scheduled_only: bool = True
) -> list[Meeting]:
    clause = "AND state = 'scheduled'" if scheduled_only else ""
    rows = await db.fetchall(
        f"SELECT * FROM meetings WHERE guild_id = ? {clause} AND title LIKE ? ORDER BY id DESC",
        (guild_id, f"%{search}%"),
    )
    return [_meeting(row) for row in rows]


async def list_shared_with(db: Database, guild_id: int, *, search: str = "") -> list[Meeting]:
    """Scheduled network meetings of other servers that were posted in this server too.

    The caller checks the server is still linked (`bot.networks.may_answer_from`).
    """
    rows = await db.fetchall(
        "SELECT m.* FROM meetings m JOIN item_copies c ON c.kind = 'meeting' AND c.item_id = m.id "
        "AND c.guild_id = ? WHERE m.guild_id != ? AND m.state = 'scheduled' "
        "AND m.network_id IS NOT NULL AND m.title LIKE ? ORDER BY m.id DESC",
        (guild_id, guild_id, f"%{search}%"),
    )
    return [_meeting(row) for row in rows]


async def is_shared_with(db: Database, meeting_id: int, guild_id: int) -> bool:
    """Was this (network) meeting posted in this server?"""
    found = await db.fetchval(
        "SELECT 1 FROM item_copies WHERE kind = 'meeting' AND item_id = ? AND guild_id = ?",
        (meeting_id, guild_id),
    )
    return found is not None


async def set_shown_occurrence(db: Database, meeting_id: int, occ_key: str | None) -> None:
    await db.execute("UPDATE meetings SET shown_occ_key = ? WHERE id = ?", (occ_key, meeting_id))


async def set_event_id(db: Database, meeting_id: int, event_id: int | None) -> None:
    await db.execute("UPDATE meetings SET event_id = ? WHERE id = ?", (event_id, meeting_id))


async def update_meeting(
    db: Database,
    meeting_id: int,
    *,
    title: str,
    place: str | None,
    series: Series,
    offsets: tuple[timedelta, ...],
    remap: dict[str, str],
) -> int:
    """Save an edit (answers follow their occurrence to its new key); returns the revision."""
    async with db.transaction():
        await db.execute(
            "UPDATE meetings SET title = ?, place = ?, start_local = ?, zone = ?, rule = ?, "
            "duration_minutes = ?, reminder_offsets = ?, revision = revision + 1 WHERE id = ?",
            (
                title,
                place,
                series.start_local.isoformat(),
                series.zone,
                series.rule,
                series.duration_minutes,
                offsets_to_text(offsets),
                meeting_id,
            ),
        )
        if remap:
            # via a temporary key, so a chain a->b, b->c cannot collide
            for old, new in remap.items():
                await db.execute(
                    "UPDATE meeting_rsvps SET occ_key = ? WHERE meeting_id = ? AND occ_key = ?",
                    (f"~{new}", meeting_id, old),
                )
                await db.execute(
                    "UPDATE meeting_occurrences SET occ_key = ? "
                    "WHERE meeting_id = ? AND occ_key = ?",
                    (f"~{new}", meeting_id, old),
                )
            for table in ("meeting_rsvps", "meeting_occurrences"):
                await db.execute(
                    f"UPDATE {table} SET occ_key = substr(occ_key, 2) "
                    "WHERE meeting_id = ? AND occ_key LIKE '~%'",
                    (meeting_id,),
                )
        return int(await db.fetchval("SELECT revision FROM meetings WHERE id = ?", (meeting_id,)))


async def cancel_meeting(db: Database, meeting_id: int, now: datetime) -> bool:
    """Cancel once; False if it was cancelled already."""
    changed = await db.execute(
        "UPDATE meetings SET state = 'cancelled', cancelled_at = ?, revision = revision + 1 "
        "WHERE id = ? AND state = 'scheduled'",
        (to_iso(now), meeting_id),
    )
    return changed > 0


async def skip_date(db: Database, meeting_id: int, day: date) -> bool:
    """Cancel the series' meeting on this local date only; False if the meeting is not
    scheduled any more or that date was skipped already."""
    async with db.transaction():
        row = await db.fetchone(
            "SELECT skipped_dates FROM meetings WHERE id = ? AND state = 'scheduled'",
            (meeting_id,),
        )
        if row is None:
            return False
        days = set((row["skipped_dates"] or "").split())
        if day.isoformat() in days:
            return False
        days.add(day.isoformat())
        await db.execute(
            "UPDATE meetings SET skipped_dates = ?, revision = revision + 1 WHERE id = ?",
            (" ".join(sorted(days)), meeting_id),
        )
    return True


# -- answers ---------------------------------------------------------------------------


def _answer(row: Any) -> Answer:
    return Answer(
        user_id=row["user_id"],
        status=row["status"],
        show_name=bool(row["show_name"]),
        answered_at=datetime.fromisoformat(row["answered_at"]),
        series_wide=row["occ_key"] == SERIES_KEY,
        guild_id=row["guild_id"],
    )


async def counted_in(db: Database, meeting_id: int, user_id: int) -> int | None:
    """The server this person's answers to a meeting are counted in (None: no answer yet).

    One answer per person: in a network meeting, a member of two linked servers
    is counted in the server where they first answered.
    """
    return await db.fetchval(
        "SELECT guild_id FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ? LIMIT 1",
        (meeting_id, user_id),
    )


async def answer(
    db: Database,
    meeting_id: int,
    occ_key: str,
    guild_id: int,
    user_id: int,
    status: str,
    now: datetime,
) -> int:
    """Save an answer for one occurrence (or '*' for the series). Keeps their name choice.

    Returns the server it is counted in: `guild_id`, or the server where this
    person first answered the meeting (a network meeting answered from two servers).
    """
    async with db.transaction():
        guild_id = await counted_in(db, meeting_id, user_id) or guild_id
        show = await db.fetchval(
            "SELECT max(show_name) FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ?",
            (meeting_id, user_id),
        )
        await db.execute(
            "INSERT INTO meeting_rsvps (meeting_id, occ_key, guild_id, user_id, status, "
            "show_name, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (meeting_id, occ_key, guild_id, user_id) DO UPDATE SET "
            "status = excluded.status, answered_at = CASE WHEN status IN ('going', 'maybe') "
            "AND excluded.status IN ('going', 'maybe') THEN answered_at "
            "ELSE excluded.answered_at END",
            (meeting_id, occ_key, guild_id, user_id, status, int(bool(show)), to_iso(now)),
        )
    return guild_id


async def answer_series(
    db: Database,
    meeting_id: int,
    guild_id: int,
    user_id: int,
    status: str,
    upcoming_keys: list[str],
    now: datetime,
) -> int:
    """ "All in this series": one answer for every upcoming meeting (their own per-meeting
    answers for upcoming ones give way to it; past ones stay as they were).
    Returns the server it is counted in (see `answer`)."""
    async with db.transaction():
        counted = await answer(db, meeting_id, SERIES_KEY, guild_id, user_id, status, now)
        for key in upcoming_keys:
            await db.execute(
                "DELETE FROM meeting_rsvps WHERE meeting_id = ? AND occ_key = ? AND user_id = ?",
                (meeting_id, key, user_id),
            )
    return counted


async def set_show_name(
    db: Database, meeting_id: int, guild_id: int, user_id: int, show: bool
) -> bool:
    """Show (or hide) this person's name on the meeting; False if they have not answered.

    Their answer may be counted in another linked server than `guild_id`; it is one
    person's one answer either way, so it is found by user.
    """
    changed = await db.execute(
        "UPDATE meeting_rsvps SET show_name = ? WHERE meeting_id = ? AND user_id = ?",
        (int(show), meeting_id, user_id),
    )
    return changed > 0


async def answers_for(db: Database, meeting_id: int, occ_key: str) -> dict[int, Answer]:
    """Each person's answer for one occurrence (theirs for it, else their series answer)."""
    rows = await db.fetchall(
        "SELECT * FROM meeting_rsvps WHERE meeting_id = ? AND occ_key IN (?, ?)",
        (meeting_id, occ_key, SERIES_KEY),
    )
    found: dict[int, Answer] = {}
    for row in sorted(rows, key=lambda r: r["occ_key"] != SERIES_KEY):  # series first
        found[row["user_id"]] = _answer(row)
    return found


async def my_answer(
    db: Database, meeting_id: int, occ_key: str, guild_id: int, user_id: int
) -> Answer | None:
    rows = await db.fetchall(  # by user: one answer per person, wherever it is counted
        "SELECT * FROM meeting_rsvps WHERE meeting_id = ? AND occ_key IN (?, ?) AND user_id = ?",
        (meeting_id, occ_key, SERIES_KEY, user_id),
    )
    own = [r for r in rows if r["occ_key"] == occ_key] or rows
    return _answer(own[0]) if own else None


async def attending_ids(db: Database, meeting_id: int, occ_keys: list[str]) -> list[int]:
    """People who said Going/Maybe to the series or to any of these occurrences."""
    keys = [SERIES_KEY, *occ_keys]
    marks = ", ".join("?" for _ in keys)
    rows = await db.fetchall(
        f"SELECT DISTINCT user_id FROM meeting_rsvps WHERE meeting_id = ? AND occ_key IN ({marks}) "
        "AND status IN ('going', 'maybe') ORDER BY user_id",
        (meeting_id, *keys),
    )
    return [row["user_id"] for row in rows]


async def attending(db: Database, meeting_id: int, occ_keys: list[str]) -> list[tuple[int, int]]:
    """(guild_id, user_id) of people who said Going/Maybe, with the server they count in."""
    keys = [SERIES_KEY, *occ_keys]
    marks = ", ".join("?" for _ in keys)
    rows = await db.fetchall(
        f"SELECT DISTINCT guild_id, user_id FROM meeting_rsvps WHERE meeting_id = ? "
        f"AND occ_key IN ({marks}) AND status IN ('going', 'maybe') ORDER BY user_id",
        (meeting_id, *keys),
    )
    return [(row["guild_id"], row["user_id"]) for row in rows]


async def reminder_audience(
    db: Database, meeting: Meeting, occ_key: str, server_zone: str
) -> list[Attendee]:
    """Going/Maybe people for one occurrence, with their zone, quiet hours and offsets.

    Each person's profile is the one in the server their answer counts in; with no
    zone of their own, that server's zone applies. (Every server with members has a
    settings row since migration 0016; `server_zone` is only a safety net.)
    """
    answers = await answers_for(db, meeting.id, occ_key)
    attending = {uid: a for uid, a in answers.items() if a.status in ATTENDING}
    if not attending:
        return []
    rows = await db.fetchall(
        "SELECT r.user_id, coalesce(p.timezone, s.timezone) AS timezone, p.quiet_start, "
        "p.quiet_end, p.reminder_offsets FROM meeting_rsvps r LEFT JOIN member_profiles p "
        "ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
        "LEFT JOIN guild_settings s ON s.guild_id = r.guild_id "
        "WHERE r.meeting_id = ? AND r.occ_key IN (?, ?) GROUP BY r.user_id",
        (meeting.id, occ_key, SERIES_KEY),
    )
    people = []
    for row in rows:
        found = attending.get(row["user_id"])
        if found is None:
            continue
        quiet = None
        if row["quiet_start"] and row["quiet_end"]:
            quiet = QuietHours(
                time.fromisoformat(row["quiet_start"]), time.fromisoformat(row["quiet_end"])
            )
        people.append(
            Attendee(
                user_id=row["user_id"],
                answered_at=found.answered_at,
                zone=row["timezone"] or server_zone,
                quiet_hours=quiet,
                own_offsets=member_offsets(row["reminder_offsets"]),
            )
        )
    return people


async def meetings_answered_by(db: Database, guild_id: int, user_id: int) -> list[int]:
    """Scheduled meetings this person said Going/Maybe to (any occurrence)."""
    rows = await db.fetchall(
        "SELECT DISTINCT r.meeting_id FROM meeting_rsvps r JOIN meetings m ON m.id = r.meeting_id "
        "WHERE r.guild_id = ? AND r.user_id = ? AND r.status IN ('going', 'maybe') "
        "AND m.state = 'scheduled' ORDER BY r.meeting_id",
        (guild_id, user_id),
    )
    return [row["meeting_id"] for row in rows]


async def my_upcoming_answers(
    db: Database, guild_id: int, user_id: int
) -> dict[tuple[int, str], str]:
    """{(meeting_id, occ_key): status} for this person ('*' for series answers).

    Includes network meetings they answered while counted in another linked server;
    meetings of servers not linked to `guild_id` are left out.
    """
    rows = await db.fetchall(
        "SELECT r.meeting_id, r.occ_key, r.status FROM meeting_rsvps r "
        "JOIN meetings m ON m.id = r.meeting_id WHERE r.user_id = ? "
        "AND (r.guild_id = ? OR m.network_id IS NOT NULL)",
        (user_id, guild_id),
    )
    return {(row["meeting_id"], row["occ_key"]): row["status"] for row in rows}


async def answers_by_meeting(
    db: Database, guild_id: int, user_id: int
) -> dict[int, dict[str, str]]:
    """{meeting_id: {occ_key or '*': status}}: this person's answers counted here
    (for their calendar feed)."""
    rows = await db.fetchall(
        "SELECT meeting_id, occ_key, status FROM meeting_rsvps WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    found: dict[int, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row["meeting_id"], {})[row["occ_key"]] = row["status"]
    return found


async def meetings_for_feed(
    db: Database, guild_id: int, cancelled_since: datetime, *, shared: bool = True
) -> list[Meeting]:
    """This server's meetings (and, with `shared`, network meetings posted here) that
    are scheduled or were cancelled since `cancelled_since`: what a calendar feed shows.
    The caller checks a shared meeting's server is still linked."""
    since = to_iso(cancelled_since)
    own = await db.fetchall(
        "SELECT * FROM meetings WHERE guild_id = ? AND (state = 'scheduled' OR cancelled_at >= ?) "
        "ORDER BY id",
        (guild_id, since),
    )
    others = []
    if shared:
        others = await db.fetchall(
            "SELECT m.* FROM meetings m JOIN item_copies c ON c.kind = 'meeting' "
            "AND c.item_id = m.id AND c.guild_id = ? WHERE m.guild_id != ? "
            "AND m.network_id IS NOT NULL AND (m.state = 'scheduled' OR m.cancelled_at >= ?) "
            "ORDER BY m.id",
            (guild_id, guild_id, since),
        )
    return [_meeting(row) for row in [*own, *others]]


async def get_meetings(db: Database, meeting_ids: list[int]) -> list[Meeting]:
    if not meeting_ids:
        return []
    marks = ", ".join("?" * len(meeting_ids))
    rows = await db.fetchall(
        f"SELECT * FROM meetings WHERE id IN ({marks}) ORDER BY id", tuple(meeting_ids)
    )
    return [_meeting(row) for row in rows]


async def going_answers_of(
    db: Database, guild_id: int, user_id: int
) -> list[tuple[Meeting, list[MeetingAnswer]]]:
    """For this person's own record (/me record), and only theirs: each meeting they
    said Going to (counted in this server), with all their answers to it (an answer
    for one date may override a series answer). Cancelled meetings are included: the
    dates before the cancellation took place."""
    rows = await db.fetchall(
        "SELECT m.*, r.occ_key, r.status, r.answered_at FROM meeting_rsvps r "
        "JOIN meetings m ON m.id = r.meeting_id WHERE r.guild_id = ? AND r.user_id = ? "
        "AND r.meeting_id IN (SELECT meeting_id FROM meeting_rsvps "
        "WHERE guild_id = ? AND user_id = ? AND status = 'going') ORDER BY m.id",
        (guild_id, user_id, guild_id, user_id),
    )
    found: dict[int, tuple[Meeting, list[MeetingAnswer]]] = {}
    for row in rows:
        if row["id"] not in found:
            found[row["id"]] = (_meeting(row), [])
        found[row["id"]][1].append(
            MeetingAnswer(row["occ_key"], row["status"], datetime.fromisoformat(row["answered_at"]))
        )
    return list(found.values())


# -- reminder marks ---------------------------------------------------------------------


async def reminded_until(db: Database, meeting_id: int, occ_key: str, now: datetime) -> datetime:
    """Reminders due up to this instant have been handled (the row is made on first use)."""
    await db.execute(
        "INSERT INTO meeting_occurrences (meeting_id, occ_key, reminded_until) VALUES (?, ?, ?) "
        "ON CONFLICT (meeting_id, occ_key) DO NOTHING",
        (meeting_id, occ_key, to_iso(now)),
    )
    value = await db.fetchval(
        "SELECT reminded_until FROM meeting_occurrences WHERE meeting_id = ? AND occ_key = ?",
        (meeting_id, occ_key),
    )
    return datetime.fromisoformat(value)


async def mark_reminded(db: Database, meeting_id: int, occ_key: str, until: datetime) -> None:
    await db.execute(
        "UPDATE meeting_occurrences SET reminded_until = max(reminded_until, ?) "
        "WHERE meeting_id = ? AND occ_key = ?",
        (to_iso(until), meeting_id, occ_key),
    )


async def pending_job_keys(db: Database, prefix: str) -> set[str]:
    """Keys of this meeting's pending jobs (the dispatcher's table, read only)."""
    rows = await db.fetchall(
        "SELECT key FROM jobs WHERE state = 'pending' AND substr(key, 1, ?) = ?",
        (len(prefix), prefix),
    )
    return {row["key"] for row in rows}


# -- retention ---------------------------------------------------------------------------


async def sweep(db: Database, guild_id: int, cutoff: datetime) -> int:
    """Erase answers to meetings that ended (or were cancelled) before `cutoff`.

    For a series that goes on, answers to its single past meetings that ended
    before the cutoff go; its "all in this series" answers stay while it runs.
    """
    erased = 0
    rows = await db.fetchall("SELECT * FROM meetings WHERE guild_id = ?", (guild_id,))
    for row in rows:
        meeting = _meeting(row)
        ended = meeting.cancelled_at if not meeting.is_scheduled else last_end(meeting.series)
        if ended is not None and ended < cutoff:
            erased += await db.execute(
                "DELETE FROM meeting_rsvps WHERE meeting_id = ?", (meeting.id,)
            )
            continue
        keys = await db.fetchall(
            "SELECT DISTINCT occ_key FROM meeting_rsvps WHERE meeting_id = ? AND occ_key != ?",
            (meeting.id, SERIES_KEY),
        )
        for (key,) in keys:
            occurrence = occurrence_for_key(meeting.series, key)
            if occurrence is None or occurrence.end_utc < cutoff:
                erased += await db.execute(
                    "DELETE FROM meeting_rsvps WHERE meeting_id = ? AND occ_key = ?",
                    (meeting.id, key),
                )
    return erased


# -- personal data registry ----------------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    rsvps = await db.fetchall(
        "SELECT r.*, m.title FROM meeting_rsvps r JOIN meetings m ON m.id = r.meeting_id "
        "WHERE r.guild_id = ? AND r.user_id = ? ORDER BY r.meeting_id, r.occ_key",
        (guild_id, user_id),
    )
    drafts = await db.fetchall(
        "SELECT * FROM meeting_drafts WHERE guild_id = ? AND user_id = ? ORDER BY id",
        (guild_id, user_id),
    )
    return {
        "meeting_rsvps": [dict(row) for row in rsvps],
        "meeting_drafts": [dict(row) for row in drafts],
    }


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    async with db.transaction():
        for table in PERSONAL_TABLES:
            await db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )


async def members_with_reminders_planned(db: Database, guild_id: int) -> list[int]:
    """Members of this server with a reminder to come: Going or Maybe to a scheduled
    meeting (their answer counted here), reminders chosen, and not turned all off."""
    rows = await db.fetchall(
        "SELECT DISTINCT r.user_id FROM meeting_rsvps r "
        "JOIN meetings m ON m.id = r.meeting_id AND m.state = 'scheduled' "
        "JOIN members mm ON mm.guild_id = r.guild_id AND mm.user_id = r.user_id "
        "LEFT JOIN member_profiles p ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
        "WHERE r.guild_id = ? AND r.status IN ('going', 'maybe') "
        "AND coalesce(p.reminder_offsets, 'x') <> '' "
        "AND (SELECT c.granted FROM member_consents c WHERE c.guild_id = r.guild_id "
        "     AND c.user_id = r.user_id AND c.purpose = 'dm_reminders' "
        "     ORDER BY c.id DESC LIMIT 1) = 1 "
        "ORDER BY r.user_id",
        (guild_id,),
    )
    return [row["user_id"] for row in rows]
