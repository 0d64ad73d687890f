"""Ideas and their supports (issue 22). Supports are never listed for anyone but the supporter.

The support count is a column (`ideas.supporters`): a support row leaves with its
member, the count stays. Leaving erases the author link and queues, in the same
transaction, a job that takes their name off the review and idea posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.ideas import (
    ANSWERED,
    LIVE,
    OPEN,
    REFUSED,
    REVIEW,
    WITHDRAWN,
    Idea,
    crosses_threshold,
    support_delta,
)
from bot.domain.text import same_text_key
from db import jobs
from db.database import Database, from_iso, to_iso

PERSONAL_TABLES = ("ideas", "idea_supports")
REFRESH_JOB = "idea_refresh"  # the posts of an idea show it again (after someone left)


def _idea(row: Any) -> Idea:
    return Idea(
        id=row["id"],
        guild_id=row["guild_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        title=row["title"],
        body=row["body"],
        affects=row["affects"],
        content_note=row["content_note"],
        state=row["state"],
        refusal_reason=row["refusal_reason"],
        supporters=row["supporters"],
        threshold_at=from_iso(row["threshold_at"]),
        answer=row["answer"],
        answer_reason=row["answer_reason"],
        answer_summary=row["answer_summary"],
        answered_at=from_iso(row["answered_at"]),
        review_channel_id=row["review_channel_id"],
        review_outbox_id=row["review_outbox_id"],
        channel_id=row["channel_id"] or 0,
        post_outbox_id=row["post_outbox_id"],
        message_id=row["message_id"],
        network_id=row["network_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        wants_network=bool(row["wants_network"]),
        words_public_at=from_iso(row["words_public_at"]),
    )


async def create(
    db: Database,
    *,
    guild_id: int,
    author_id: int,
    author_name: str | None,
    title: str,
    body: str,
    affects: str | None,
    content_note: str | None,
    state: str,
    now: datetime,
    wants_network: bool = False,
) -> Idea:
    idea_id = await db.execute(
        "INSERT INTO ideas (guild_id, author_id, author_name, title, title_key, body, affects, "
        "content_note, state, created_at, wants_network) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            author_id,
            author_name,
            title,
            same_text_key(title),
            body,
            affects,
            content_note,
            state,
            to_iso(now),
            int(wants_network),
        ),
    )
    found = await get(db, idea_id)
    assert found is not None
    return found


async def get(db: Database, idea_id: int) -> Idea | None:
    row = await db.fetchone("SELECT * FROM ideas WHERE id = ?", (idea_id,))
    return _idea(row) if row else None


async def live_with_title(db: Database, guild_id: int, title: str) -> Idea | None:
    """An idea in review or open here whose title reads the same (NFKC, casefolded)."""
    row = await db.fetchone(
        f"SELECT * FROM ideas WHERE guild_id = ? AND title_key = ? "
        f"AND state IN ({', '.join('?' * len(LIVE))}) ORDER BY id LIMIT 1",
        (guild_id, same_text_key(title), *LIVE),
    )
    return _idea(row) if row else None


async def raised_since(db: Database, guild_id: int, author_id: int, since: datetime) -> int:
    return await db.fetchval(
        "SELECT count(*) FROM ideas WHERE guild_id = ? AND author_id = ? AND created_at >= ?",
        (guild_id, author_id, to_iso(since)),
    )


async def set_review_post(db: Database, idea_id: int, channel_id: int, row_id: int | None) -> None:
    await db.execute(
        "UPDATE ideas SET review_channel_id = ?, review_outbox_id = coalesce(review_outbox_id, ?) "
        "WHERE id = ?",
        (channel_id, row_id, idea_id),
    )


async def review_message_id(db: Database, idea: Idea) -> int | None:
    if idea.review_outbox_id is None:
        return None
    return await db.fetchval(
        "SELECT sent_message_id FROM outbox WHERE id = ?", (idea.review_outbox_id,)
    )


async def publish(db: Database, idea_id: int, channel_id: int) -> bool:
    """Review -> open (or straight to open with review off). False if it was not in review."""
    return (
        await db.execute(
            "UPDATE ideas SET state = ?, channel_id = ? WHERE id = ? AND state = ?",
            (OPEN, channel_id, idea_id, REVIEW),
        )
        > 0
    )


async def refuse(db: Database, idea_id: int, reason: str) -> bool:
    return (
        await db.execute(
            "UPDATE ideas SET state = ?, refusal_reason = ? WHERE id = ? AND state = ?",
            (REFUSED, reason, idea_id, REVIEW),
        )
        > 0
    )


async def withdraw(db: Database, idea_id: int, author_id: int) -> bool:
    return (
        await db.execute(
            "UPDATE ideas SET state = ? WHERE id = ? AND author_id = ? AND state IN (?, ?)",
            (WITHDRAWN, idea_id, author_id, REVIEW, OPEN),
        )
        > 0
    )


async def edit(
    db: Database,
    idea_id: int,
    author_id: int,
    *,
    title: str,
    body: str,
    affects: str | None,
    content_note: str | None,
) -> bool:
    """Only before review is done."""
    return (
        await db.execute(
            "UPDATE ideas SET title = ?, title_key = ?, body = ?, affects = ?, content_note = ? "
            "WHERE id = ? AND author_id = ? AND state = ?",
            (title, same_text_key(title), body, affects, content_note, idea_id, author_id, REVIEW),
        )
        > 0
    )


@dataclass(frozen=True)
class SupportResult:
    idea: Idea
    changed: bool
    reached_threshold: bool  # this press took it to the threshold for the first time


async def set_support(
    db: Database,
    idea_id: int,
    guild_id: int,
    user_id: int,
    wants: bool,
    threshold: int,
    now: datetime,
) -> SupportResult | None:
    """Support or withdraw support, idempotently, committed before the caller replies.
    None if the idea is not open."""
    async with db.transaction():
        idea = await get(db, idea_id)
        if idea is None or idea.state != OPEN:
            return None
        already = (
            await db.fetchval(
                "SELECT 1 FROM idea_supports WHERE idea_id = ? AND user_id = ?",
                (idea_id, user_id),
            )
            is not None
        )
        delta = support_delta(already, wants)
        if delta > 0:
            await db.execute(
                "INSERT INTO idea_supports (idea_id, guild_id, user_id) VALUES (?, ?, ?)",
                (idea_id, guild_id, user_id),
            )
        elif delta < 0:
            await db.execute(
                "DELETE FROM idea_supports WHERE idea_id = ? AND user_id = ?", (idea_id, user_id)
            )
        reached = False
        if delta:
            after = idea.supporters + delta
            await db.execute("UPDATE ideas SET supporters = ? WHERE id = ?", (after, idea_id))
            if idea.threshold_at is None and crosses_threshold(idea.supporters, after, threshold):
                reached = True
                await db.execute(
                    "UPDATE ideas SET threshold_at = ? WHERE id = ?", (to_iso(now), idea_id)
                )
        updated = await get(db, idea_id)
    assert updated is not None
    return SupportResult(updated, bool(delta), reached)


async def supports(db: Database, idea_id: int, user_id: int) -> bool:
    return (
        await db.fetchval(
            "SELECT 1 FROM idea_supports WHERE idea_id = ? AND user_id = ?", (idea_id, user_id)
        )
        is not None
    )


async def supporters_to_tell(db: Database, idea_id: int) -> list[tuple[int, int]]:
    """(guild, user) of each supporter: only for queueing their DMs, never shown.
    Anyone known to have left their server is left off (issue 19)."""
    rows = await db.fetchall(
        "SELECT s.guild_id, s.user_id FROM idea_supports s WHERE s.idea_id = ? "
        "AND NOT EXISTS (SELECT 1 FROM member_presence g WHERE g.guild_id = s.guild_id "
        "AND g.user_id = s.user_id AND g.gone_since IS NOT NULL) ORDER BY s.rowid",
        (idea_id,),
    )
    return [(r[0], r[1]) for r in rows]


async def answer(
    db: Database,
    idea_id: int,
    *,
    answer: str,
    reason: str | None,
    summary: str,
    now: datetime,
) -> bool:
    return (
        await db.execute(
            "UPDATE ideas SET state = ?, answer = ?, answer_reason = ?, answer_summary = ?, "
            "answered_at = ? WHERE id = ? AND state = ?",
            (ANSWERED, answer, reason, summary, to_iso(now), idea_id, OPEN),
        )
        > 0
    )


async def set_words_public(
    db: Database, idea_id: int, author_id: int, public: bool, now: datetime
) -> bool:
    """The author's own choice: may their title and text appear on public pages?
    False if the idea is not theirs (or they have left, so it has no author)."""
    changed = await db.execute(
        "UPDATE ideas SET words_public_at = ? WHERE id = ? AND author_id = ?",
        (to_iso(now) if public else None, idea_id, author_id),
    )
    return changed > 0


async def own_ideas(db: Database, guild_id: int, author_id: int) -> list[Idea]:
    rows = await db.fetchall(
        "SELECT * FROM ideas WHERE guild_id = ? AND author_id = ? ORDER BY id DESC",
        (guild_id, author_id),
    )
    return [_idea(r) for r in rows]


async def open_ideas(db: Database, guild_id: int, *, most_supported: bool = False) -> list[Idea]:
    """Open ideas of this server, and network ideas posted here from another."""
    order = "supporters DESC, id DESC" if most_supported else "id DESC"
    rows = await db.fetchall(
        "SELECT * FROM ideas WHERE state = ? AND (guild_id = ? OR id IN "
        "(SELECT item_id FROM item_copies WHERE kind = 'idea' AND guild_id = ?)) "
        f"ORDER BY {order}",
        (OPEN, guild_id, guild_id),
    )
    return [_idea(r) for r in rows]


async def titled(db: Database, guild_id: int, states: tuple[str, ...]) -> list[tuple[int, str]]:
    rows = await db.fetchall(
        f"SELECT id, title FROM ideas WHERE guild_id = ? AND state IN "
        f"({', '.join('?' * len(states))}) ORDER BY id DESC",
        (guild_id, *states),
    )
    return [(r[0], r[1]) for r in rows]


# -- retention ------------------------------------------------------------------------


async def sweep(db: Database, guild_id: int, cutoff: datetime) -> int:
    """Answered (or refused, withdrawn) before `cutoff`: supports, the author link and the
    member-written text go; the title, the organisers' answer and the count stay."""
    async with db.transaction():
        rows = await db.fetchall(
            "SELECT id FROM ideas WHERE guild_id = ? AND member_text_erased_at IS NULL AND ("
            "(state = ? AND answered_at < ?) OR (state IN (?, ?) AND created_at < ?))",
            (guild_id, ANSWERED, to_iso(cutoff), REFUSED, WITHDRAWN, to_iso(cutoff)),
        )
        erased = 0
        for row in rows:
            erased += await db.execute("DELETE FROM idea_supports WHERE idea_id = ?", (row[0],))
            await db.execute(
                "UPDATE ideas SET author_id = NULL, author_name = NULL, body = NULL, "
                "affects = NULL, refusal_reason = NULL, words_public_at = NULL, "
                "member_text_erased_at = ? WHERE id = ?",
                (to_iso(cutoff), row[0]),
            )
    return erased


# -- the personal data registry ----------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    """Their own ideas, and the ideas they support (only ever shown to them)."""
    raised = await db.fetchall(
        "SELECT id, title, body, affects, content_note, author_name, state, refusal_reason, "
        "answer, answer_summary, words_public_at, created_at FROM ideas "
        "WHERE guild_id = ? AND author_id = ? "
        "ORDER BY id",
        (guild_id, user_id),
    )
    supported = await db.fetchall(
        "SELECT s.idea_id, i.title FROM idea_supports s JOIN ideas i ON i.id = s.idea_id "
        "WHERE s.guild_id = ? AND s.user_id = ? ORDER BY s.idea_id",
        (guild_id, user_id),
    )
    return {
        "ideas": [dict(r) for r in raised],
        "idea_supports": [dict(r) for r in supported],
    }


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    """Supports go (the counts stay); their ideas stay without them, said to be by "a
    member", and a job queued in this same transaction shows that on the posts."""
    async with db.transaction():
        await db.execute(
            "DELETE FROM idea_supports WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        theirs = await db.fetchall(
            "SELECT id, created_at FROM ideas WHERE guild_id = ? AND author_id = ?",
            (guild_id, user_id),
        )
        await db.execute(
            "UPDATE ideas SET author_id = NULL, author_name = NULL, words_public_at = NULL "
            "WHERE guild_id = ? AND author_id = ?",
            (guild_id, user_id),
        )
        for row in theirs:
            # Due at once (the idea's own time is in the past); the handler re-renders.
            await jobs.schedule(
                db,
                REFRESH_JOB,
                datetime.fromisoformat(row["created_at"]),
                {"idea_id": row["id"]},
                key=f"idea-refresh:{row['id']}",
                guild_id=guild_id,
            )
