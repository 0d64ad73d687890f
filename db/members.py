"""Members, their consent ledger, profiles, and daily counts of joins and leaves.

Other features ask here: `is_member`, `get_member` (then
`bot.domain.members.can_contact`), `contactable_user_ids` for a fan-out, and
`reminder_offsets` for a member's own reminder times.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from typing import Any, Literal

from bot.domain.consent import OPTIONAL_PURPOSES, PURPOSE_MEMBERSHIP
from bot.domain.members import (
    GROUP_NOT_GIVEN,
    Member,
    MemberCounts,
    Profile,
    offsets_from_text,
    offsets_to_text,
    summarise_counts,
)
from bot.domain.quiet_hours import QuietHours
from bot.domain.settings import GuildSettings
from db import erasures
from db.database import Database, from_iso, to_iso
from db.settings import ensure_settings_row

log = logging.getLogger(__name__)

PERSONAL_TABLES = ("members", "member_consents", "member_profiles", "member_presence")
# How long leaving may wait for a checkpoint held up by another connection's read
# (nothing else reaches the database meanwhile); it is retried at the next one.
LEAVE_CHECKPOINT_PATIENCE_MS = 250

JoinResult = Literal["joined", "reconfirmed", "already"]


# -- reading ----------------------------------------------------------------------


async def is_member(db: Database, guild_id: int, user_id: int) -> bool:
    return bool(
        await db.fetchval(
            "SELECT 1 FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
    )


def _granted_sql(guild_id: str, user_id: str) -> str:
    """SQL for the purposes whose latest ledger entry is a grant; `guild_id` and `user_id`
    are SQL expressions (placeholders, or columns of an enclosing query)."""
    return (
        "SELECT purpose FROM (SELECT purpose, granted, max(id) FROM member_consents "
        f"WHERE guild_id = {guild_id} AND user_id = {user_id} GROUP BY purpose) WHERE granted"
    )


async def current_consents(db: Database, guild_id: int, user_id: int) -> frozenset[str]:
    """Purposes whose latest ledger entry is a grant."""
    rows = await db.fetchall(_granted_sql("?", "?"), (guild_id, user_id))
    return frozenset(row[0] for row in rows)


async def get_member(db: Database, guild_id: int, user_id: int) -> Member | None:
    member, _notice = await member_and_notice(db, guild_id, user_id)
    return member


async def member_and_notice(db: Database, guild_id: int, user_id: int) -> tuple[Member | None, int]:
    """The member (as `get_member`) and the server's current notice version, read in one
    hand-off to the database: every member's press of a button checks both (rule 7)."""
    return member_from_rows(guild_id, user_id, await db.run(member_rows, guild_id, user_id))


MemberRows = tuple[sqlite3.Row | None, frozenset[str], int | None]


def member_from_rows(guild_id: int, user_id: int, found: MemberRows) -> tuple[Member | None, int]:
    """`member_and_notice` from what `member_rows` read."""
    row, consents, notice = found
    if notice is None:
        notice = GuildSettings(guild_id=guild_id).notice_version
    if row is None:
        return None, notice
    quiet = None
    if row["quiet_start"] and row["quiet_end"]:
        quiet = QuietHours(
            time.fromisoformat(row["quiet_start"]), time.fromisoformat(row["quiet_end"])
        )
    profile = Profile(
        preferred_name=row["preferred_name"],
        group=row["self_described_group"],
        access_needs=row["access_needs"],
        timezone=row["timezone"],
        quiet_hours=quiet,
        reminder_offsets=offsets_from_text(row["reminder_offsets"]),
    )
    member = Member(
        guild_id=guild_id,
        user_id=user_id,
        joined_at=datetime.fromisoformat(row["joined_at"]),
        notice_version=row["notice_version"],
        notice_revision=row["notice_revision"],
        consents=consents,
        paused_at=from_iso(row["paused_at"]),
        paused_until=from_iso(row["paused_until"]),
        profile=profile,
        gone_since=from_iso(row["presence_gone"]),
    )
    return member, notice


# One statement, not three: a button press runs it, and each statement is a step the
# database thread takes back and forth with the event loop for Python's lock. The
# server's notice version, the member with their profile, and their granted purposes
# (as JSON). Always one row; the member's columns are NULL when nobody was found.
_MEMBER_SQL = (
    "SELECT s.notice_version AS server_notice, m.*, p.preferred_name, "
    "p.self_described_group, p.access_needs, p.timezone, p.quiet_start, p.quiet_end, "
    "p.reminder_offsets, g.gone_since AS presence_gone, (SELECT json_group_array(purpose) FROM ("
    + _granted_sql("k.guild_id", "k.user_id")
    + ")) AS granted_purposes "
    "FROM (SELECT ? AS guild_id, ? AS user_id) AS k "
    "LEFT JOIN guild_settings s ON s.guild_id = k.guild_id "
    "LEFT JOIN members m ON m.guild_id = k.guild_id AND m.user_id = k.user_id "
    "LEFT JOIN member_profiles p ON p.guild_id = k.guild_id AND p.user_id = k.user_id "
    "LEFT JOIN member_presence g ON g.guild_id = k.guild_id AND g.user_id = k.user_id"
)


def member_rows(conn: sqlite3.Connection, guild_id: int, user_id: int) -> MemberRows:
    """In the database thread (`Database.run`): the member's row, their granted purposes
    and the server's notice version; other repositories call it to fold this check
    into their read."""
    row = conn.execute(_MEMBER_SQL, (guild_id, user_id)).fetchone()
    if row["joined_at"] is None:  # NOT NULL for every member: nobody was found
        return None, frozenset(), row["server_notice"]
    return row, frozenset(json.loads(row["granted_purposes"])), row["server_notice"]


async def dm_channel_of(db: Database, guild_id: int, user_id: int) -> int | None:
    """The member's DM channel with the bot, if one was opened before."""
    return await db.fetchval(
        "SELECT dm_channel_id FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )


async def remember_dm_channel(db: Database, guild_id: int, user_id: int, channel_id: int) -> None:
    """Keep the DM channel's id with the member (only while they are one)."""
    await db.execute(
        "UPDATE members SET dm_channel_id = ? WHERE guild_id = ? AND user_id = ?",
        (channel_id, guild_id, user_id),
    )


async def forget_dm_channel(db: Database, guild_id: int, user_id: int) -> None:
    """Drop a kept DM channel id Discord no longer accepts (it is opened again)."""
    await db.execute(
        "UPDATE members SET dm_channel_id = NULL WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )


async def consent_history(db: Database, guild_id: int, user_id: int) -> list[dict[str, Any]]:
    rows = await db.fetchall(
        "SELECT purpose, granted, notice_version, at FROM member_consents "
        "WHERE guild_id = ? AND user_id = ? ORDER BY id",
        (guild_id, user_id),
    )
    return [dict(row) for row in rows]


async def contactable_user_ids(
    db: Database, guild_id: int, purpose: str, now: datetime, notice_version: int
) -> list[int]:
    """Members who may get a `purpose` DM now: chose it, notice current, not stepping
    back, not known to have left the server.

    The delivery policy checks again at send time; this is for choosing recipients.
    """
    rows = await db.fetchall(
        "SELECT m.user_id FROM members m JOIN ("
        "  SELECT user_id, granted, max(id) FROM member_consents"
        "  WHERE guild_id = ? AND purpose = ? GROUP BY user_id"
        ") c ON c.user_id = m.user_id "
        "WHERE m.guild_id = ? AND c.granted = 1 AND m.notice_version >= ? "
        "AND (m.paused_at IS NULL OR (m.paused_until IS NOT NULL AND m.paused_until <= ?)) "
        "AND NOT EXISTS (SELECT 1 FROM member_presence g WHERE g.guild_id = m.guild_id "
        "AND g.user_id = m.user_id AND g.gone_since IS NOT NULL) "
        "ORDER BY m.user_id",
        (guild_id, purpose, guild_id, notice_version, to_iso(now)),
    )
    return [row["user_id"] for row in rows]


async def reminder_offsets(
    db: Database, guild_id: int, user_id: int
) -> tuple[timedelta, ...] | None:
    """A member's own reminder offsets (longest first), or None to use the meeting's."""
    stored = await db.fetchval(
        "SELECT reminder_offsets FROM member_profiles WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return offsets_from_text(stored)


# -- joining and consent -------------------------------------------------------


async def _ledger(
    db: Database,
    guild_id: int,
    user_id: int,
    purpose: str,
    granted: bool,
    notice_version: int,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO member_consents (guild_id, user_id, purpose, granted, notice_version, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, purpose, int(granted), notice_version, to_iso(now)),
    )


async def count_event(db: Database, guild_id: int, event: str, now: datetime) -> None:
    """Add one to today's count of joins or leaves in this server: a number, no person."""
    if event not in ("joined", "left"):
        raise ValueError(f"unknown membership event {event!r}")
    joined = int(event == "joined")
    await db.execute(
        "INSERT INTO membership_daily_counts (guild_id, on_day, joins, leaves) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, on_day) DO UPDATE SET "
        "joins = joins + excluded.joins, leaves = leaves + excluded.leaves",
        (guild_id, now.date().isoformat(), joined, 1 - joined),
    )


async def agree(
    db: Database,
    guild_id: int,
    user_id: int,
    *,
    notice_version: int,
    now: datetime,
    secret: bytes | None = None,
) -> JoinResult:
    """Record agreement to the notice: a new member joins, or a member re-confirms.

    (`secret` is no longer used: joins are counted by day, with no keyed hash.)"""
    async with db.transaction():
        await ensure_settings_row(db, guild_id, now)  # what the notice version stands for
        current = await db.fetchval(
            "SELECT notice_version FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        # The wording in force now is the wording they read and agreed to.
        revision = await db.fetchval(
            "SELECT notice_revision FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        if current is not None and current >= notice_version:
            await _seen(db, guild_id, user_id, revision)
            return "already"
        if current is None:
            await db.execute(
                "INSERT INTO members (guild_id, user_id, joined_at, notice_version) "
                "VALUES (?, ?, ?, ?)",
                (guild_id, user_id, to_iso(now), notice_version),
            )
            await count_event(db, guild_id, "joined", now)
        else:
            await db.execute(
                "UPDATE members SET notice_version = ? WHERE guild_id = ? AND user_id = ?",
                (notice_version, guild_id, user_id),
            )
        await _seen(db, guild_id, user_id, revision)
        await _ledger(db, guild_id, user_id, PURPOSE_MEMBERSHIP, True, notice_version, now)
    return "joined" if current is None else "reconfirmed"


async def _seen(db: Database, guild_id: int, user_id: int, revision: int | None) -> None:
    await db.execute(
        "UPDATE members SET notice_revision = ? WHERE guild_id = ? AND user_id = ?",
        (revision, guild_id, user_id),
    )


async def notice_seen(db: Database, guild_id: int, user_id: int, revision: int | None) -> None:
    """A member opened the notice: the wording they last saw is now `revision`
    (never moved back: a notice shown before a wording fix was saved stays behind)."""
    await db.execute(
        "UPDATE members SET notice_revision = ? WHERE guild_id = ? AND user_id = ? "
        "AND (notice_revision IS NULL OR notice_revision < ?)",
        (revision, guild_id, user_id, revision),
    )


async def set_contact_preferences(
    db: Database, guild_id: int, user_id: int, chosen: frozenset[str], now: datetime
) -> frozenset[str]:
    """Grant the chosen purposes and withdraw the rest; the ledger gets only changes.

    Returns the purposes now granted. Raises LookupError if not a member.
    """
    async with db.transaction():
        version = await db.fetchval(
            "SELECT notice_version FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if version is None:
            raise LookupError("not a member")
        before = await current_consents(db, guild_id, user_id)
        for purpose in OPTIONAL_PURPOSES:
            wanted = purpose in chosen
            if wanted != (purpose in before):
                await _ledger(db, guild_id, user_id, purpose, wanted, version, now)
    return frozenset(p for p in OPTIONAL_PURPOSES if p in chosen)


async def grant_purpose(
    db: Database, guild_id: int, user_id: int, purpose: str, now: datetime
) -> bool:
    """Grant one optional purpose, chosen where it is offered (e.g. "Remind me before
    meetings"): recorded in the ledger with the time and notice version, like a choice in
    /me settings. False if not a member; a purpose already granted adds nothing."""
    if purpose not in OPTIONAL_PURPOSES:
        raise ValueError(f"not an optional purpose: {purpose!r}")
    async with db.transaction():
        version = await db.fetchval(
            "SELECT notice_version FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if version is None:
            return False
        if purpose not in await current_consents(db, guild_id, user_id):
            await _ledger(db, guild_id, user_id, purpose, True, version, now)
    return True


# -- stepping back ---------------------------------------------------------------


async def pause(
    db: Database, guild_id: int, user_id: int, now: datetime, until: datetime | None
) -> bool:
    """Step back from now until `until` (or until they resume). False if not a member."""
    changed = await db.execute(
        "UPDATE members SET paused_at = ?, paused_until = ? WHERE guild_id = ? AND user_id = ?",
        (to_iso(now), to_iso(until) if until else None, guild_id, user_id),
    )
    return changed > 0


async def resume(db: Database, guild_id: int, user_id: int) -> bool:
    changed = await db.execute(
        "UPDATE members SET paused_at = NULL, paused_until = NULL "
        "WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return changed > 0


# -- profile ---------------------------------------------------------------------

_PROFILE_FIELDS = {
    "preferred_name": "preferred_name",
    "group": "self_described_group",
    "access_needs": "access_needs",
    "timezone": "timezone",
}


async def update_profile(
    db: Database, guild_id: int, user_id: int, now: datetime, **changes: Any
) -> None:
    """Change some profile fields (validated by the caller). None clears a field.

    Fields: preferred_name, group, access_needs, timezone, quiet_hours
    (QuietHours | None), reminder_offsets (tuple[timedelta, ...] | None).
    """
    columns: dict[str, Any] = {}
    for name, value in changes.items():
        if name in _PROFILE_FIELDS:
            columns[_PROFILE_FIELDS[name]] = value
        elif name == "quiet_hours":
            columns["quiet_start"] = f"{value.start:%H:%M}" if value else None
            columns["quiet_end"] = f"{value.end:%H:%M}" if value else None
        elif name == "reminder_offsets":
            columns["reminder_offsets"] = offsets_to_text(value)
        else:
            raise ValueError(f"unknown profile field {name!r}")
    async with db.transaction():
        if not await is_member(db, guild_id, user_id):
            raise LookupError("not a member")
        await db.execute(
            "INSERT INTO member_profiles (guild_id, user_id, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO NOTHING",
            (guild_id, user_id, to_iso(now)),
        )
        if columns:
            assignments = ", ".join(f"{column} = :{column}" for column in columns)
            await db.execute(
                f"UPDATE member_profiles SET {assignments}, updated_at = :updated_at "
                "WHERE guild_id = :guild_id AND user_id = :user_id",
                {**columns, "updated_at": to_iso(now), "guild_id": guild_id, "user_id": user_id},
            )


# -- organiser totals ------------------------------------------------------------


async def counts(db: Database, guild_id: int, now: datetime, notice_version: int) -> MemberCounts:
    """Totals only: members, stepping back, awaiting the new notice, by self-described group."""
    row = await db.fetchone(
        "SELECT count(*) AS members, "
        "coalesce(sum(paused_at IS NOT NULL AND (paused_until IS NULL OR paused_until > ?)), 0) "
        "AS paused, coalesce(sum(notice_version < ?), 0) AS awaiting "
        "FROM members WHERE guild_id = ?",
        (to_iso(now), notice_version, guild_id),
    )
    return summarise_counts(
        row["members"],
        row["paused"],
        await _group_counts(db, guild_id),
        awaiting_notice=row["awaiting"],
    )


async def daily_snapshot(
    db: Database, guild_id: int, day: str, take: Callable[[], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """Today's figures for /members count: taken on the first look of the day, then
    the same all day (rule 9), so no two looks can be differenced."""
    row = await db.fetchone(
        "SELECT on_day, figures FROM member_count_snapshots WHERE guild_id = ?", (guild_id,)
    )
    if row is not None and row["on_day"] == day:
        return json.loads(row["figures"])
    figures = await take()
    await db.execute(
        "INSERT INTO member_count_snapshots (guild_id, on_day, figures) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET on_day = excluded.on_day, figures = excluded.figures",
        (guild_id, day, json.dumps(figures)),
    )
    return figures


async def raw_counts(
    db: Database, guild_id: int, now: datetime, notice_version: int
) -> dict[str, Any]:
    """Unsuppressed totals (members, paused, awaiting, groups): never shown as they are."""
    row = await db.fetchone(
        "SELECT count(*) AS members, "
        "coalesce(sum(paused_at IS NOT NULL AND (paused_until IS NULL OR paused_until > ?)), 0) "
        "AS paused, coalesce(sum(notice_version < ?), 0) AS awaiting "
        "FROM members WHERE guild_id = ?",
        (to_iso(now), notice_version, guild_id),
    )
    return {
        "members": row["members"],
        "paused": row["paused"],
        "awaiting": row["awaiting"],
        "groups": await _group_counts(db, guild_id),
    }


async def _group_counts(db: Database, guild_id: int) -> dict[str, int]:
    """Unsuppressed counts by self-described group: never shown as they are."""
    rows = await db.fetchall(
        "SELECT coalesce(p.self_described_group, ?) AS grp, count(*) AS n FROM members m "
        "LEFT JOIN member_profiles p USING (guild_id, user_id) WHERE m.guild_id = ? GROUP BY grp",
        (GROUP_NOT_GIVEN, guild_id),
    )
    return {row["grp"]: row["n"] for row in rows}


async def event_totals(db: Database, guild_id: int, since: datetime) -> dict[str, int]:
    """Joins and leaves in this server from the day of `since` on (unsuppressed)."""
    row = await db.fetchone(
        "SELECT coalesce(sum(joins), 0) AS joined, coalesce(sum(leaves), 0) AS left_ "
        "FROM membership_daily_counts WHERE guild_id = ? AND on_day >= ?",
        (guild_id, since.date().isoformat()),
    )
    return {"joined": row["joined"], "left": row["left_"]}


# -- still in the server? (issue 19) ------------------------------------------------


async def members_to_check(
    db: Database, checked_before: datetime, limit: int
) -> list[tuple[int, int]]:
    """(guild_id, user_id) of members not asked about since `checked_before` (never
    asked first, then the longest ago), at most `limit`: the paced sweep's next batch."""
    rows = await db.fetchall(
        "SELECT m.guild_id, m.user_id FROM members m LEFT JOIN member_presence p "
        "ON p.guild_id = m.guild_id AND p.user_id = m.user_id "
        "WHERE p.checked_at IS NULL OR p.checked_at < ? "
        "ORDER BY p.checked_at IS NOT NULL, p.checked_at, m.guild_id, m.user_id LIMIT ?",
        (to_iso(checked_before), limit),
    )
    return [(row[0], row[1]) for row in rows]


async def record_presence(
    db: Database, guild_id: int, user_id: int, *, present: bool | None, now: datetime
) -> None:
    """What Discord's member endpoint said. Gone (False): `gone_since` keeps the first
    time it was found; present (True): cleared; could not tell (None): only when it was
    asked, so the sweep moves on. Nothing is recorded for someone who is not a member."""
    gone = "?" if present is False else "NULL"
    keep = {
        True: "NULL",
        False: "coalesce(member_presence.gone_since, excluded.gone_since)",
        None: "member_presence.gone_since",
    }[present]
    params: tuple[Any, ...] = (to_iso(now),) + ((to_iso(now),) if present is False else ())
    await db.execute(
        "INSERT INTO member_presence (guild_id, user_id, checked_at, gone_since) "
        f"SELECT guild_id, user_id, ?, {gone} FROM members WHERE guild_id = ? AND user_id = ? "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET checked_at = excluded.checked_at, "
        f"gone_since = {keep}",
        (*params, guild_id, user_id),
    )


async def seen_in_server(db: Database, guild_id: int, user_id: int) -> bool:
    """They used the bot in this server: no longer gone. True if they had been."""
    return (
        await db.execute(
            "UPDATE member_presence SET gone_since = NULL "
            "WHERE guild_id = ? AND user_id = ? AND gone_since IS NOT NULL",
            (guild_id, user_id),
        )
        > 0
    )


async def gone_since(db: Database, guild_id: int, user_id: int) -> datetime | None:
    return from_iso(
        await db.fetchval(
            "SELECT gone_since FROM member_presence WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
    )


async def gone_before(db: Database, cutoff: datetime) -> list[tuple[int, int]]:
    """Members first found gone at or before `cutoff` (to be erased)."""
    rows = await db.fetchall(
        "SELECT guild_id, user_id FROM member_presence WHERE gone_since IS NOT NULL "
        "AND gone_since <= ? ORDER BY guild_id, user_id",
        (to_iso(cutoff),),
    )
    return [(row[0], row[1]) for row in rows]


async def known_gone(db: Database, guild_ids: tuple[int, ...]) -> set[tuple[int, int]]:
    """(guild_id, user_id) of members of these servers known to have left the server:
    rosters leave them out until they come back or are erased."""
    if not guild_ids:
        return set()
    marks = ",".join("?" * len(guild_ids))
    rows = await db.fetchall(
        "SELECT guild_id, user_id FROM member_presence "
        f"WHERE gone_since IS NOT NULL AND guild_id IN ({marks})",
        guild_ids,
    )
    return {(row[0], row[1]) for row in rows}


async def member_guilds(db: Database, user_id: int) -> list[int]:
    """The servers this person is a member in (for commands used in a DM)."""
    rows = await db.fetchall(
        "SELECT guild_id FROM members WHERE user_id = ? ORDER BY joined_at, guild_id", (user_id,)
    )
    return [row[0] for row in rows]


# -- leaving ---------------------------------------------------------------------


async def leave(
    db: Database,
    guild_id: int,
    user_id: int,
    now: datetime,
    secret: bytes,
    *,
    then: Callable[[], Awaitable[None]] | None = None,
    before: Callable[[], Awaitable[Any]] | None = None,
) -> bool:
    """Erase everything about this person in this server, at once, in one transaction.

    `before` runs inside it, first: what the person chose to keep (an unpaid
    expenses claim, made anonymous of their id: rule 4's one exception).

    Only one more in today's count of leaves remains (if they were a member). `then`
    runs inside the same transaction, after the erasure (if they were a member): what
    leaving changes elsewhere, such as the post edits it queues, commits with it or
    not at all, so a crash can never keep a name on a post. Returns whether they were
    a member.
    """
    from db.personal_data import erase_all

    async with db.transaction():
        was_member = await is_member(db, guild_id, user_id)
        if before is not None:
            await before()
        await erase_all(db, guild_id, user_id, secret)
        if was_member:
            await count_event(db, guild_id, "left", now)
            if then is not None:
                await then()
    # Committed: note it in the erasures log, so restoring an older backup forgets
    # this person again (db/erasures.py).
    erasures.record(db.path, secret, guild_id, user_id, now)
    # Until a checkpoint the WAL still holds the pages as they were, with the keys
    # that linked this person's anonymous ballots to them: "unlinked at once" needs
    # those copies gone too (closing a poll does the same, rule 8). The erasure has
    # committed by now, so a checkpoint that cannot run must not undo the answer.
    try:
        await db.checkpoint(patience_ms=LEAVE_CHECKPOINT_PATIENCE_MS)
    except sqlite3.Error:
        log.warning("Could not checkpoint the WAL after someone left", exc_info=True)
    return was_member


# -- personal data registry --------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {}
    for table in PERSONAL_TABLES:
        order = "id" if table == "member_consents" else "user_id"
        rows = await db.fetchall(
            f"SELECT * FROM {table} WHERE guild_id = ? AND user_id = ? ORDER BY {order}",
            (guild_id, user_id),
        )
        tables[table] = [dict(row) for row in rows]
    return tables


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    # Consents and profile go with the member row (ON DELETE CASCADE); said here too
    # so a missing cascade could never leave them behind.
    async with db.transaction():
        for table in ("member_presence", "member_consents", "member_profiles", "members"):
            await db.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )


async def on_notice_count(db: Database, guild_id: int, notice_version: int) -> int:
    """Members who have agreed to notice `notice_version` (or later): those a real change
    asks to agree again. A count about people: show it through `count_text` (rule 9)."""
    return await db.fetchval(
        "SELECT count(*) FROM members WHERE guild_id = ? AND notice_version >= ?",
        (guild_id, notice_version),
    )


async def consenting_user_ids(
    db: Database, guild_id: int, purpose: str, notice_version: int
) -> list[int]:
    """Members who chose `purpose` messages, with a current notice, not known to have
    left the server: stepping back or not (the delivery policy holds theirs for the
    summary they get when they come back; outcome updates use this)."""
    rows = await db.fetchall(
        "SELECT m.user_id FROM members m JOIN ("
        "  SELECT user_id, granted, max(id) FROM member_consents"
        "  WHERE guild_id = ? AND purpose = ? GROUP BY user_id"
        ") c ON c.user_id = m.user_id "
        "WHERE m.guild_id = ? AND c.granted = 1 AND m.notice_version >= ? "
        "AND NOT EXISTS (SELECT 1 FROM member_presence g WHERE g.guild_id = m.guild_id "
        "AND g.user_id = m.user_id AND g.gone_since IS NOT NULL) "
        "ORDER BY m.user_id",
        (guild_id, purpose, guild_id, notice_version),
    )
    return [row["user_id"] for row in rows]
