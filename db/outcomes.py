"""Outcomes ("you said, we did", issue 23): what was decided about a poll, an idea or an
opportunity, its status and progress, its review date and its dated timeline.

Nothing here holds a person's id or name, so this module is not in the personal-data
registry and retention leaves it alone. Who was told an update is the outbox's
once-only key (`outcome-update:<update id>:<user id>`), and `outcome_updates.told_at`
records on the update that its DMs were queued (rule 10: once, never doubled).

Read API used by other features (keep these names): `list_outcomes`, `get_outcome`,
`outcome_for_item`, `timeline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db.database import Database, from_iso, to_iso

KINDS = ("poll", "idea", "opportunity")
STATUSES = ("planned", "in_progress", "done", "delayed", "not_going_ahead")

# The item's live title (it may have been edited), else the one kept when recorded.
_TITLE = (
    "coalesce(CASE o.item_kind "
    "WHEN 'poll' THEN (SELECT question FROM polls WHERE polls.id = o.item_id) "
    "WHEN 'idea' THEN (SELECT title FROM ideas WHERE ideas.id = o.item_id) "
    "WHEN 'opportunity' THEN (SELECT title FROM opportunities WHERE opportunities.id = o.item_id) "
    "END, o.title)"
)
_NETWORK = (
    "CASE o.item_kind "
    "WHEN 'poll' THEN (SELECT network_id FROM polls WHERE polls.id = o.item_id) "
    "WHEN 'idea' THEN (SELECT network_id FROM ideas WHERE ideas.id = o.item_id) "
    "WHEN 'opportunity' THEN (SELECT network_id FROM opportunities "
    "WHERE opportunities.id = o.item_id) END"
)
_COLUMNS = (
    "o.id, o.guild_id, o.item_kind, o.item_id, "
    f"{_TITLE} AS title, o.statement, o.status, o.progress, o.by_when, o.review_on, "
    "o.reminded_for, o.reminder_outbox_id, o.created_at, o.last_update_at, "
    f"{_NETWORK} AS network_id"
)


@dataclass(frozen=True)
class Outcome:
    id: int
    guild_id: int  # the item's home server
    item_kind: str  # "poll" | "idea" | "opportunity"
    item_id: int
    title: str
    statement: str
    status: str  # one of STATUSES
    progress: int | None
    by_when: str | None
    review_on: date | None  # a date in the server's zone; None once done or not going ahead
    created_at: datetime
    last_update_at: datetime
    network_id: int | None = None
    reminded_for: date | None = None  # the review date whose reminder has been posted
    reminder_outbox_id: int | None = None


@dataclass(frozen=True)
class Correction:
    field: str  # "statement" | "body" | "by_when"
    earlier: str | None
    corrected_at: datetime


@dataclass(frozen=True)
class Update:
    id: int
    outcome_id: int
    kind: str  # "recorded" | "update" | "reopened"
    body: str
    status: str
    progress: int | None
    by_when: str | None
    review_on: date | None
    posted_at: datetime
    told: int | None  # DMs queued for it (organisers see it through rule 9's count_text)
    told_at: datetime | None
    corrections: tuple[Correction, ...] = ()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _outcome(row: Any) -> Outcome:
    return Outcome(
        id=row["id"],
        guild_id=row["guild_id"],
        item_kind=row["item_kind"],
        item_id=row["item_id"],
        title=row["title"],
        statement=row["statement"],
        status=row["status"],
        progress=row["progress"],
        by_when=row["by_when"],
        review_on=_date(row["review_on"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        last_update_at=datetime.fromisoformat(row["last_update_at"]),
        network_id=row["network_id"],
        reminded_for=_date(row["reminded_for"]),
        reminder_outbox_id=row["reminder_outbox_id"],
    )


# -- reading ----------------------------------------------------------------------------


async def list_outcomes(
    db: Database, guild_ids: list[int] | tuple[int, ...], status: str | None = None
) -> list[Outcome]:
    """Outcomes of items made in these servers, or posted in them (network copies),
    newest update first; only those with `status`, if given."""
    ids = tuple(dict.fromkeys(guild_ids))
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    where = (
        f"(o.guild_id IN ({marks}) OR EXISTS (SELECT 1 FROM item_copies c WHERE "
        f"c.kind = o.item_kind AND c.item_id = o.item_id AND c.guild_id IN ({marks})))"
    )
    params: list[Any] = [*ids, *ids]
    if status is not None:
        where += " AND o.status = ?"
        params.append(status)
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outcomes o WHERE {where} "
        "ORDER BY o.last_update_at DESC, o.id DESC",
        params,
    )
    return [_outcome(row) for row in rows]


async def get_outcome(db: Database, outcome_id: int) -> Outcome | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM outcomes o WHERE o.id = ?", (outcome_id,))
    return _outcome(row) if row is not None else None


async def outcome_for_item(db: Database, item_kind: str, item_id: int) -> Outcome | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM outcomes o WHERE o.item_kind = ? AND o.item_id = ?",
        (item_kind, item_id),
    )
    return _outcome(row) if row is not None else None


async def timeline(db: Database, outcome_id: int) -> list[Update]:
    """The outcome's updates, oldest first, each with its corrections (earlier wording)."""
    rows = await db.fetchall(
        "SELECT * FROM outcome_updates WHERE outcome_id = ? ORDER BY id", (outcome_id,)
    )
    fixes = await db.fetchall(
        "SELECT update_id, field, earlier, corrected_at FROM outcome_corrections "
        "WHERE outcome_id = ? ORDER BY id",
        (outcome_id,),
    )
    by_update: dict[int | None, list[Correction]] = {}
    for fix in fixes:
        by_update.setdefault(fix["update_id"], []).append(
            Correction(fix["field"], fix["earlier"], datetime.fromisoformat(fix["corrected_at"]))
        )
    return [
        Update(
            id=row["id"],
            outcome_id=row["outcome_id"],
            kind=row["kind"],
            body=row["body"],
            status=row["status"],
            progress=row["progress"],
            by_when=row["by_when"],
            review_on=_date(row["review_on"]),
            posted_at=datetime.fromisoformat(row["posted_at"]),
            told=row["told"],
            told_at=from_iso(row["told_at"]),
            corrections=tuple(by_update.get(row["id"], ())),
        )
        for row in rows
    ]


async def statement_corrections(db: Database, outcome_id: int) -> list[Correction]:
    """Earlier wordings of the outcome's statement and "by when" (not of one update)."""
    rows = await db.fetchall(
        "SELECT field, earlier, corrected_at FROM outcome_corrections "
        "WHERE outcome_id = ? AND update_id IS NULL ORDER BY id",
        (outcome_id,),
    )
    return [
        Correction(r["field"], r["earlier"], datetime.fromisoformat(r["corrected_at"]))
        for r in rows
    ]


async def due_reviews(
    db: Database, guild_ids: list[int] | tuple[int, ...], today: date
) -> list[Outcome]:
    """Outcomes homed in these servers whose review date has come (overdue reviews)."""
    ids = tuple(guild_ids)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outcomes o WHERE o.guild_id IN ({marks}) "
        "AND o.review_on IS NOT NULL AND o.review_on <= ? ORDER BY o.review_on, o.id",
        (*ids, today.isoformat()),
    )
    return [_outcome(row) for row in rows]


async def with_review_dates(db: Database) -> list[Outcome]:
    """Every outcome with a review date still to be reminded (to re-arm the jobs)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outcomes o WHERE o.review_on IS NOT NULL "
        "AND (o.reminded_for IS NULL OR o.reminded_for != o.review_on) ORDER BY o.id"
    )
    return [_outcome(row) for row in rows]


# -- writing ----------------------------------------------------------------------------


async def create(
    db: Database,
    *,
    guild_id: int,
    item_kind: str,
    item_id: int,
    title: str,
    statement: str,
    status: str,
    progress: int | None,
    by_when: str | None,
    review_on: date | None,
    now: datetime,
) -> tuple[int, int] | None:
    """Record an item's outcome and its first timeline entry: (outcome id, update id),
    or None if the item has one already."""
    async with db.transaction():
        exists = await db.fetchval(
            "SELECT 1 FROM outcomes WHERE item_kind = ? AND item_id = ?", (item_kind, item_id)
        )
        if exists:
            return None
        await db.execute(
            "INSERT INTO outcomes (guild_id, item_kind, item_id, title, statement, status, "
            "progress, by_when, review_on, created_at, last_update_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                item_kind,
                item_id,
                title,
                statement,
                status,
                progress,
                by_when,
                _day(review_on),
                to_iso(now),
                to_iso(now),
            ),
        )
        outcome_id = await db.fetchval(
            "SELECT id FROM outcomes WHERE item_kind = ? AND item_id = ?", (item_kind, item_id)
        )
        update_id = await _add_update(
            db, outcome_id, "recorded", statement, status, progress, by_when, review_on, now
        )
    return outcome_id, update_id


async def _add_update(
    db: Database,
    outcome_id: int,
    kind: str,
    body: str,
    status: str,
    progress: int | None,
    by_when: str | None,
    review_on: date | None,
    now: datetime,
) -> int:
    return await db.execute(  # an INSERT returns its row id
        "INSERT INTO outcome_updates (outcome_id, kind, body, status, progress, by_when, "
        "review_on, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (outcome_id, kind, body, status, progress, by_when, _day(review_on), to_iso(now)),
    )


async def add_update(
    db: Database,
    outcome_id: int,
    *,
    kind: str,
    body: str,
    status: str,
    progress: int | None,
    by_when: str | None,
    review_on: date | None,
    now: datetime,
    expected_status: str,
) -> int | None:
    """Add an update and make it the outcome's current state. None if the outcome moved
    on meanwhile (its status is no longer `expected_status`: someone else updated it)."""
    async with db.transaction():
        changed = await db.execute(
            "UPDATE outcomes SET status = ?, progress = ?, by_when = ?, review_on = ?, "
            "last_update_at = ? WHERE id = ? AND status = ?",
            (status, progress, by_when, _day(review_on), to_iso(now), outcome_id, expected_status),
        )
        if not changed:
            return None
        return await _add_update(
            db, outcome_id, kind, body, status, progress, by_when, review_on, now
        )


async def mark_told(db: Database, update_id: int, told: int, now: datetime) -> bool:
    """Record once that an update's DMs were queued. False if they were already."""
    changed = await db.execute(
        "UPDATE outcome_updates SET told = ?, told_at = ? WHERE id = ? AND told_at IS NULL",
        (told, to_iso(now), update_id),
    )
    return changed > 0


async def correct(
    db: Database,
    outcome_id: int,
    *,
    statement: str | None,
    by_when: str | None,
    update_id: int | None,
    body: str | None,
    now: datetime,
) -> bool:
    """Fix wording only; the earlier wording is kept as a correction. Fields left None
    stay as they are (by_when: "" clears it). False if nothing changed."""
    changed = False
    async with db.transaction():
        row = await db.fetchone(
            "SELECT statement, by_when FROM outcomes WHERE id = ?", (outcome_id,)
        )
        if row is None:
            return False
        if statement is not None and statement != row["statement"]:
            await _keep_earlier(db, outcome_id, None, "statement", row["statement"], now)
            await db.execute(
                "UPDATE outcomes SET statement = ? WHERE id = ?", (statement, outcome_id)
            )
            changed = True
        if by_when is not None and (by_when or None) != row["by_when"]:
            await _keep_earlier(db, outcome_id, None, "by_when", row["by_when"], now)
            await db.execute(
                "UPDATE outcomes SET by_when = ? WHERE id = ?", (by_when or None, outcome_id)
            )
            changed = True
        if update_id is not None and body is not None:
            earlier = await db.fetchval(
                "SELECT body FROM outcome_updates WHERE id = ? AND outcome_id = ?",
                (update_id, outcome_id),
            )
            if earlier is not None and earlier != body:
                await _keep_earlier(db, outcome_id, update_id, "body", earlier, now)
                await db.execute(
                    "UPDATE outcome_updates SET body = ? WHERE id = ?", (body, update_id)
                )
                changed = True
    return changed


async def _keep_earlier(
    db: Database,
    outcome_id: int,
    update_id: int | None,
    field: str,
    earlier: str | None,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO outcome_corrections (outcome_id, update_id, field, earlier, corrected_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (outcome_id, update_id, field, earlier, to_iso(now)),
    )


async def set_review(db: Database, outcome_id: int, review_on: date | None) -> None:
    await db.execute(
        "UPDATE outcomes SET review_on = ? WHERE id = ?", (_day(review_on), outcome_id)
    )


async def mark_reminded(db: Database, outcome_id: int, review_on: date) -> bool:
    """Record once that this review date's reminder is queued. False if it was already,
    or if the review date has moved on since."""
    changed = await db.execute(
        "UPDATE outcomes SET reminded_for = ? WHERE id = ? AND review_on = ? "
        "AND (reminded_for IS NULL OR reminded_for != ?)",
        (review_on.isoformat(), outcome_id, review_on.isoformat(), review_on.isoformat()),
    )
    return changed > 0


async def set_reminder_outbox(db: Database, outcome_id: int, row_id: int | None) -> None:
    await db.execute(
        "UPDATE outcomes SET reminder_outbox_id = coalesce(?, reminder_outbox_id) WHERE id = ?",
        (row_id, outcome_id),
    )


# -- the CSV export ----------------------------------------------------------------------


async def export_rows(
    db: Database, guild_ids: list[int] | tuple[int, ...]
) -> tuple[list[Outcome], dict[int, list[Update]]]:
    """The outcomes `list_outcomes` gives, and each one's timeline."""
    found = await list_outcomes(db, guild_ids)
    return found, {o.id: await timeline(db, o.id) for o in found}


# -- the items outcomes belong to (read from their own tables) ---------------------------


@dataclass(frozen=True)
class ItemRef:
    """What outcomes need of a poll, an idea or an opportunity."""

    kind: str
    id: int
    guild_id: int
    title: str
    state: str
    channel_id: int | None
    message_id: int | None
    post_outbox_id: int | None
    network_id: int | None
    results_outbox_id: int | None  # a poll's results message (updates reply to it)
    answers_erased: bool  # retention has erased who voted, supported or said yes

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


_ITEM_SQL = {
    "poll": (
        "SELECT id, guild_id, question AS title, state, channel_id, message_id, post_outbox_id, "
        "network_id, results_outbox_id, answers_erased_at IS NOT NULL AS erased "
        "FROM polls WHERE id = ?"
    ),
    "idea": (
        "SELECT id, guild_id, title, state, channel_id, message_id, post_outbox_id, "
        "network_id, NULL AS results_outbox_id, member_text_erased_at IS NOT NULL AS erased "
        "FROM ideas WHERE id = ?"
    ),
    "opportunity": (
        "SELECT id, guild_id, title, state, channel_id, message_id, post_outbox_id, "
        "network_id, NULL AS results_outbox_id, answers_erased_at IS NOT NULL AS erased "
        "FROM opportunities WHERE id = ?"
    ),
}


async def item_ref(db: Database, kind: str, item_id: int) -> ItemRef | None:
    sql = _ITEM_SQL.get(kind)
    if sql is None:
        return None
    row = await db.fetchone(sql, (item_id,))
    if row is None:
        return None
    return ItemRef(
        kind=kind,
        id=row["id"],
        guild_id=row["guild_id"],
        title=row["title"],
        state=row["state"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        post_outbox_id=row["post_outbox_id"],
        network_id=row["network_id"],
        results_outbox_id=row["results_outbox_id"],
        answers_erased=bool(row["erased"]),
    )


READY_STATES = {
    "poll": ("closed",),
    "idea": ("open", "answered"),
    "opportunity": ("open", "closed", "cancelled"),
}
"""Which items may have an outcome: closed polls, published ideas, any opportunity."""


async def candidate_items(
    db: Database, guild_id: int, typed: str, limit: int = 25
) -> list[tuple[str, int, str, bool]]:
    """This server's items that may have an outcome, matching `typed`: (kind, id, title,
    has an outcome), those with an outcome and the newest first."""
    like = f"%{typed.strip()}%"
    rows = await db.fetchall(
        "SELECT t.kind, t.id, t.title, EXISTS (SELECT 1 FROM outcomes o WHERE "
        "o.item_kind = t.kind AND o.item_id = t.id) AS has FROM ("
        "  SELECT 'poll' AS kind, id, question AS title, created_at FROM polls "
        "  WHERE guild_id = ? AND state = 'closed' "
        "  UNION ALL SELECT 'idea', id, title, created_at FROM ideas "
        "  WHERE guild_id = ? AND state IN ('open', 'answered') "
        "  UNION ALL SELECT 'opportunity', id, title, created_at FROM opportunities "
        "  WHERE guild_id = ?"
        ") AS t WHERE t.title LIKE ? ORDER BY has DESC, t.created_at DESC, t.id DESC LIMIT ?",
        (guild_id, guild_id, guild_id, like, limit),
    )
    return [(r["kind"], r["id"], r["title"], bool(r["has"])) for r in rows]


_AUDIENCE_SQL = {
    "poll": "SELECT guild_id, user_id FROM poll_voters WHERE poll_id = ?",
    "idea": "SELECT guild_id, user_id FROM idea_supports WHERE idea_id = ?",
    "opportunity": (
        "SELECT guild_id, user_id FROM opportunity_replies "
        "WHERE opportunity_id = ? AND state = 'interested'"
    ),
}


async def audience(db: Database, kind: str, item_id: int) -> dict[int, list[int]]:
    """Who voted in, supported or said yes to the item, under the server each counts in
    (never shown to anyone: outcome messages are queued from it)."""
    rows = await db.fetchall(_AUDIENCE_SQL[kind] + " ORDER BY guild_id, user_id", (item_id,))
    found: dict[int, list[int]] = {}
    for guild_id, user_id in rows:
        found.setdefault(guild_id, []).append(user_id)
    return found


async def count_review_dates(db: Database, guild_id: int) -> int:
    """This server's outcomes with a review date still to come back (or due)."""
    return await db.fetchval(
        "SELECT count(*) FROM outcomes WHERE guild_id = ? AND review_on IS NOT NULL "
        "AND (reminded_for IS NULL OR reminded_for != review_on)",
        (guild_id,),
    )


async def status_of(
    db: Database, item_kind: str, item_id: int
) -> tuple[str, int | None, datetime] | None:
    """An item's outcome status, progress and last update (one indexed read: posts ask
    this on every refresh)."""
    row = await db.fetchone(
        "SELECT status, progress, last_update_at FROM outcomes WHERE item_kind = ? AND item_id = ?",
        (item_kind, item_id),
    )
    if row is None:
        return None
    return row["status"], row["progress"], datetime.fromisoformat(row["last_update_at"])
