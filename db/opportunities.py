"""Opportunities and members' replies to them.

Every change that decides a place (answering, withdrawing, the lottery draw, an
edit of the number of places) runs in one transaction, so two people pressing at
once can never both get the last place, and the answer is committed before the
member is told (rule 10). Functions return who was promoted off the waitlist so
the cog can tell them (by DM, if they allow it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.opportunities import (
    CANCELLED,
    CLOSED,
    CONFIRMED,
    DECLINED,
    INTERESTED,
    NO_PLACE,
    OPEN,
    WAITLISTED,
    WITHDRAWN,
    AnswerResult,
    Opportunity,
    Reply,
    Roster,
    build_roster,
    check_can_answer,
    draw_lottery,
    may_name,
    place_for_new_yes,
    to_promote,
    waitlist_position,
)
from db.database import Database, from_iso, to_iso
from db.members import known_gone

PERSONAL_TABLES = ("opportunities", "opportunity_replies")


def _opportunity(row: Any) -> Opportunity:
    return Opportunity(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        title=row["title"],
        description=row["description"],
        when_text=row["when_text"],
        when_at=from_iso(row["when_at"]),
        places=row["places"],
        allocation=row["allocation"],
        payment=row["payment"],
        content_note=row["content_note"],
        closes_at=from_iso(row["closes_at"]),
        state=row["state"],
        seed=row["seed"],
        drawn_at=from_iso(row["drawn_at"]),
        posted_by=row["posted_by"],
        post_outbox_id=row["post_outbox_id"],
        message_id=row["message_id"],
        created_at=from_iso(row["created_at"]),
        closed_at=from_iso(row["closed_at"]),
        invited=row["invited"],
        skipped_by_preference=row["skipped_by_preference"],
        answers_erased_at=from_iso(row["answers_erased_at"]),
        network_id=row["network_id"],
        fee_pence=row["fee_pence"],
        fee_per=row["fee_per"],
        voucher=bool(row["voucher"]),
        expenses=row["expenses"],
        happened_at=from_iso(row["happened_at"]),
    )


def _reply(row: Any) -> Reply:
    return Reply(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        state=row["state"],
        place=row["place"],
        seq=row["seq"],
        show_name_to_host=bool(row["show_name_to_host"]),
    )


# -- opportunities ------------------------------------------------------------------


async def create(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    title: str,
    description: str,
    when_text: str | None,
    when_at: datetime | None,
    places: int | None,
    allocation: str,
    payment: str | None,
    content_note: str | None,
    closes_at: datetime | None,
    seed: int,
    posted_by: int,
    now: datetime,
    fee_pence: int | None = None,
    fee_per: str | None = None,
    voucher: bool = False,
    expenses: str | None = None,
) -> Opportunity:
    opp_id = await db.execute(
        "INSERT INTO opportunities (guild_id, channel_id, title, description, when_text, "
        "when_at, places, allocation, payment, content_note, closes_at, seed, posted_by, "
        "created_at, fee_pence, fee_per, voucher, expenses) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            channel_id,
            title,
            description,
            when_text,
            to_iso(when_at),
            places,
            allocation,
            payment,
            content_note,
            to_iso(closes_at),
            seed,
            posted_by,
            to_iso(now),
            fee_pence,
            fee_per,
            int(voucher),
            expenses,
        ),
    )
    found = await get_opportunity(db, opp_id)
    assert found is not None
    return found


async def get_opportunity(
    db: Database, opp_id: int, guild_id: int | None = None
) -> Opportunity | None:
    """One opportunity; with `guild_id`, only if it belongs to that server."""
    row = await db.fetchone("SELECT * FROM opportunities WHERE id = ?", (opp_id,))
    if row is None or (guild_id is not None and row["guild_id"] != guild_id):
        return None
    return _opportunity(row)


async def list_for_guild(
    db: Database, guild_id: int, *, states: tuple[str, ...] = (OPEN,), search: str = ""
) -> list[Opportunity]:
    marks = ",".join("?" * len(states))
    rows = await db.fetchall(
        f"SELECT * FROM opportunities WHERE guild_id = ? AND state IN ({marks}) "
        "AND title LIKE ? ESCAPE '\\' ORDER BY state = 'open' DESC, id DESC LIMIT 25",
        (guild_id, *states, "%" + search.replace("%", "\\%").replace("_", "\\_") + "%"),
    )
    return [_opportunity(row) for row in rows]


async def list_shared_with(
    db: Database, guild_id: int, *, states: tuple[str, ...] = (OPEN,), search: str = ""
) -> list[Opportunity]:
    """Network opportunities from other servers that were posted in this server too.

    The caller checks the server is still linked (`bot.networks.may_answer_from`).
    """
    marks = ",".join("?" * len(states))
    rows = await db.fetchall(
        "SELECT o.* FROM opportunities o JOIN item_copies c ON c.kind = 'opportunity' "
        f"AND c.item_id = o.id AND c.guild_id = ? WHERE o.guild_id != ? AND o.state IN ({marks}) "
        "AND o.network_id IS NOT NULL AND o.title LIKE ? ESCAPE '\\' "
        "ORDER BY o.state = 'open' DESC, o.id DESC LIMIT 25",
        (
            guild_id,
            guild_id,
            *states,
            "%" + search.replace("%", "\\%").replace("_", "\\_") + "%",
        ),
    )
    return [_opportunity(row) for row in rows]


async def set_post(db: Database, opp_id: int, outbox_id: int | None) -> None:
    await db.execute(
        "UPDATE opportunities SET post_outbox_id = ? WHERE id = ?", (outbox_id, opp_id)
    )


async def set_message_id(db: Database, opp_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE opportunities SET message_id = ? WHERE id = ? AND message_id IS NULL",
        (message_id, opp_id),
    )


async def set_fan_out(db: Database, opp_id: int, invited: int, skipped: int) -> bool:
    """Record the invitations as queued; False (nothing changed) if they were before."""
    return (
        await db.execute(
            "UPDATE opportunities SET invited = ?, skipped_by_preference = ? "
            "WHERE id = ? AND invited IS NULL",
            (invited, skipped, opp_id),
        )
        > 0
    )


async def claim_draw_told(db: Database, opp_id: int, now: datetime) -> bool:
    """True once: a drawn lottery's entrants are told their places at most one time."""
    return (
        await db.execute(
            "UPDATE opportunities SET draw_told_at = ? WHERE id = ? AND draw_told_at IS NULL",
            (to_iso(now), opp_id),
        )
        > 0
    )


async def claim_promotion_told(db: Database, opp_id: int, reply: Reply) -> bool:
    """True once per promotion (a reply's queue position): told at most one time."""
    seq = reply.seq if reply.seq is not None else 0
    return (
        await db.execute(
            "UPDATE opportunity_replies SET promotion_told_seq = ? WHERE opportunity_id = ? "
            "AND guild_id = ? AND user_id = ? AND promotion_told_seq IS NOT ?",
            (seq, opp_id, reply.guild_id, reply.user_id, seq),
        )
        > 0
    )


async def claim_summary(db: Database, opp_id: int) -> bool:
    """True once: the fan-out summary is told to the organiser at most one time."""
    return (
        await db.execute(
            "UPDATE opportunities SET summary_sent = 1 WHERE id = ? AND summary_sent = 0",
            (opp_id,),
        )
        > 0
    )


_EDITABLE = {
    "title",
    "description",
    "when_text",
    "when_at",
    "places",
    "payment",
    "content_note",
    "closes_at",
    "fee_pence",
    "fee_per",
    "voucher",
    "expenses",
}


async def edit(db: Database, opp_id: int, **changes: Any) -> tuple[Opportunity, list[Reply]]:
    """Change some details while open; more places promote from the waitlist at once.

    Returns the opportunity as now and the replies promoted. Raises LookupError if
    it is not open any more.
    """
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = {k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in changes.items()}
    async with db.transaction():
        current = await get_opportunity(db, opp_id)
        if current is None or not current.is_open:
            raise LookupError("not open")
        if values:
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            await db.execute(
                f"UPDATE opportunities SET {assignments} WHERE id = :id", {**values, "id": opp_id}
            )
        opp = await get_opportunity(db, opp_id)
        assert opp is not None
        promoted = await _promote(db, opp)
    return opp, promoted


async def close(db: Database, opp_id: int, now: datetime) -> tuple[Opportunity, bool]:
    """Close (drawing the lottery first, if it is one). Idempotent: (opp, closed just now)."""
    async with db.transaction():
        opp = await get_opportunity(db, opp_id)
        if opp is None:
            raise LookupError("no such opportunity")
        if opp.state != OPEN:
            return opp, False
        if opp.is_lottery and opp.drawn_at is None:
            await _draw(db, opp, now)
        await db.execute(
            "UPDATE opportunities SET state = ?, closed_at = ? WHERE id = ?",
            (CLOSED, to_iso(now), opp_id),
        )
        closed = await get_opportunity(db, opp_id)
    assert closed is not None
    return closed, True


async def _draw(db: Database, opp: Opportunity, now: datetime) -> None:
    assert opp.places is not None
    entrants = await db.fetchall(
        "SELECT guild_id, user_id FROM opportunity_replies WHERE opportunity_id = ? AND state = ?",
        (opp.id, INTERESTED),
    )
    draw = draw_lottery(opp.places, [(r["guild_id"], r["user_id"]) for r in entrants], opp.seed)
    for seq, (guild_id, user_id) in enumerate(draw.confirmed + draw.waitlisted, start=1):
        place = CONFIRMED if seq <= len(draw.confirmed) else WAITLISTED
        await db.execute(
            "UPDATE opportunity_replies SET place = ?, seq = ? "
            "WHERE opportunity_id = ? AND guild_id = ? AND user_id = ?",
            (place, seq, opp.id, guild_id, user_id),
        )
    await db.execute("UPDATE opportunities SET drawn_at = ? WHERE id = ?", (to_iso(now), opp.id))


async def cancel(db: Database, opp_id: int, now: datetime) -> tuple[Opportunity, list[Reply]]:
    """Cancel; returns it and the people who had said yes (to be told). Idempotent."""
    async with db.transaction():
        opp = await get_opportunity(db, opp_id)
        if opp is None:
            raise LookupError("no such opportunity")
        if opp.state == CANCELLED:
            return opp, []
        yes = [r for r in await replies(db, opp_id) if r.state == INTERESTED]
        await db.execute(
            "UPDATE opportunities SET state = ?, closed_at = coalesce(closed_at, ?) WHERE id = ?",
            (CANCELLED, to_iso(now), opp_id),
        )
        cancelled = await get_opportunity(db, opp_id)
    assert cancelled is not None
    return cancelled, yes


# -- replies ---------------------------------------------------------------------------


async def replies(db: Database, opp_id: int) -> list[Reply]:
    rows = await db.fetchall(
        "SELECT * FROM opportunity_replies WHERE opportunity_id = ? ORDER BY seq, guild_id, user_id",
        (opp_id,),
    )
    return [_reply(row) for row in rows]


async def get_reply(db: Database, opp_id: int, guild_id: int, user_id: int) -> Reply | None:
    row = await db.fetchone(
        "SELECT * FROM opportunity_replies WHERE opportunity_id = ? AND guild_id = ? "
        "AND user_id = ?",
        (opp_id, guild_id, user_id),
    )
    return _reply(row) if row is not None else None


async def reply_of_person(db: Database, opp_id: int, user_id: int) -> Reply | None:
    """A person's one reply to an opportunity, whichever server it is counted in."""
    row = await db.fetchone(
        "SELECT * FROM opportunity_replies WHERE opportunity_id = ? AND user_id = ?",
        (opp_id, user_id),
    )
    return _reply(row) if row is not None else None


async def answer(
    db: Database,
    opp_id: int,
    guild_id: int,
    user_id: int,
    said: str,
    now: datetime,
    *,
    show_name_to_host: bool = True,
) -> tuple[AnswerResult, list[Reply]]:
    """Record `interested` or `declined` (a yes turned no is a withdrawal).

    One answer per person per opportunity: if they already answered from another
    server of the network, that answer changes and stays counted where they first
    answered (the returned reply's `guild_id`). `show_name_to_host` is stored only
    with a first answer; a later answer keeps the member's choice.

    Repeating an answer changes nothing. Returns the result and anyone promoted
    because a place came free. Raises Refusal (nothing changed) when it cannot be
    taken, LookupError if the opportunity does not exist, and lets the foreign key
    refuse a person who is not a member.
    """
    if said not in (INTERESTED, DECLINED):
        raise ValueError(f"unknown answer {said!r}")
    async with db.transaction():
        opp = await get_opportunity(db, opp_id)
        if opp is None:
            raise LookupError("no such opportunity")
        before = await reply_of_person(db, opp_id, user_id)
        if before is not None:
            guild_id = before.guild_id  # counted in the server where they first answered
        check_can_answer(opp, said, before)
        all_replies = await replies(db, opp_id)
        previous = before.state if before else None
        promoted: list[Reply] = []
        if said == INTERESTED:
            if before is not None and before.state == INTERESTED:
                return AnswerResult(
                    before, False, previous, waitlist_position(before, all_replies)
                ), []
            confirmed = sum(1 for r in all_replies if r.place == CONFIRMED)
            place = place_for_new_yes(opp, confirmed)
            seq = (max((r.seq or 0 for r in all_replies), default=0)) + 1
            await _upsert(
                db, opp_id, guild_id, user_id, INTERESTED, place, seq, now, show_name_to_host
            )
        else:
            if before is not None and before.state != INTERESTED:
                return AnswerResult(before, False, previous), []
            state = WITHDRAWN if before is not None else DECLINED
            await _upsert(
                db, opp_id, guild_id, user_id, state, NO_PLACE, None, now, show_name_to_host
            )
            if before is not None and before.place == CONFIRMED:
                promoted = await _promote(db, opp)
        after = await get_reply(db, opp_id, guild_id, user_id)
        assert after is not None
        position = waitlist_position(after, await replies(db, opp_id))
    return AnswerResult(after, True, previous, position), promoted


async def _upsert(
    db: Database,
    opp_id: int,
    guild_id: int,
    user_id: int,
    state: str,
    place: str,
    seq: int | None,
    now: datetime,
    show_name_to_host: bool,
) -> None:
    # The member's name choice is set with a first answer only; changes keep it.
    await db.execute(
        "INSERT INTO opportunity_replies (opportunity_id, guild_id, user_id, state, place, seq, "
        "show_name_to_host, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (opportunity_id, guild_id, user_id) DO UPDATE SET state = excluded.state, "
        "place = excluded.place, seq = excluded.seq, answered_at = excluded.answered_at, "
        # a place given up and asked for again: a later promotion is news again
        "promotion_told_seq = CASE WHEN excluded.place = 'confirmed' "
        "THEN promotion_told_seq END",
        (opp_id, guild_id, user_id, state, place, seq, int(show_name_to_host), to_iso(now)),
    )


async def set_show_name(db: Database, opp_id: int, user_id: int, show: bool) -> Reply | None:
    """The member's choice: may the home server's organisers see their name? (None: no reply)."""
    await db.execute(
        "UPDATE opportunity_replies SET show_name_to_host = ? WHERE opportunity_id = ? "
        "AND user_id = ?",
        (int(show), opp_id, user_id),
    )
    return await reply_of_person(db, opp_id, user_id)


async def _promote(db: Database, opp: Opportunity) -> list[Reply]:
    """Give free places to the front of the waitlist (inside the caller's transaction)."""
    chosen = to_promote(opp, await replies(db, opp.id))
    for reply in chosen:
        await db.execute(
            "UPDATE opportunity_replies SET place = ? WHERE opportunity_id = ? AND guild_id = ? "
            "AND user_id = ?",
            (CONFIRMED, opp.id, reply.guild_id, reply.user_id),
        )
    return [
        Reply(r.guild_id, r.user_id, r.state, CONFIRMED, r.seq, r.show_name_to_host) for r in chosen
    ]


async def confirmed_count(db: Database, opp_id: int) -> int:
    return await db.fetchval(
        "SELECT count(*) FROM opportunity_replies WHERE opportunity_id = ? AND place = ?",
        (opp_id, CONFIRMED),
    )


# -- what members and organisers see -------------------------------------------------


@dataclass(frozen=True)
class MyAnswer:
    opportunity: Opportunity
    reply: Reply
    position: int | None


async def answers_of(db: Database, guild_id: int, user_id: int) -> list[MyAnswer]:
    """This member's own answers, newest opportunity first."""
    rows = await db.fetchall(
        "SELECT opportunity_id FROM opportunity_replies WHERE guild_id = ? AND user_id = ? "
        "ORDER BY opportunity_id DESC LIMIT 25",
        (guild_id, user_id),
    )
    found = []
    for row in rows:
        opp = await get_opportunity(db, row["opportunity_id"])
        all_replies = await replies(db, row["opportunity_id"])
        mine = next(r for r in all_replies if r.key == (guild_id, user_id))
        assert opp is not None
        found.append(MyAnswer(opp, mine, waitlist_position(mine, all_replies)))
    return found


async def answered_ids(db: Database, guild_id: int, user_id: int) -> dict[int, str]:
    rows = await db.fetchall(
        "SELECT opportunity_id, state FROM opportunity_replies WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return {row["opportunity_id"]: row["state"] for row in rows}


async def roster(
    db: Database,
    opp: Opportunity,
    *,
    viewer_guild_id: int | None = None,
    reached_guilds: tuple[int, ...] | None = None,
) -> Roster:
    """Names (preferred name, access needs) of those who said yes; totals for the rest.

    `viewer_guild_id` is the organisers' server (default: the home server);
    `reached_guilds` the servers whose members could answer (default: the home server).
    """
    viewer = opp.guild_id if viewer_guild_id is None else viewer_guild_id
    reached = (opp.guild_id,) if reached_guilds is None else reached_guilds
    # Someone known to have left the Discord server is left out (issue 19).
    gone = await known_gone(db, tuple({viewer, *reached}))
    all_replies = [r for r in await replies(db, opp.id) if r.key not in gone]
    profiles: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    for reply in all_replies:
        if reply.state != INTERESTED or not may_name(opp, reply, viewer):
            continue  # nothing about a decliner, or a name not shared, is even read
        row = await db.fetchone(
            "SELECT preferred_name, access_needs FROM member_profiles "
            "WHERE guild_id = ? AND user_id = ?",
            (reply.guild_id, reply.user_id),
        )
        if row is not None:
            profiles[reply.key] = (row["preferred_name"], row["access_needs"])
    marks = ",".join("?" * len(reached))
    members_here = await db.fetchval(
        f"SELECT count(DISTINCT user_id) FROM members WHERE guild_id IN ({marks})", reached
    )
    return build_roster(
        opp,
        all_replies,
        profiles,
        members_here,
        viewer_guild_id=viewer,
        reached_guilds=reached,
    )


# -- retention and personal data ----------------------------------------------------


async def sweep(db: Database, guild_id: int, cutoff: datetime) -> int:
    """Erase replies to opportunities closed (or cancelled) before `cutoff`."""
    async with db.transaction():
        rows = await db.fetchall(
            "SELECT id FROM opportunities WHERE guild_id = ? AND state IN (?, ?) "
            "AND closed_at < ? AND answers_erased_at IS NULL",
            (guild_id, CLOSED, CANCELLED, to_iso(cutoff)),
        )
        erased = 0
        for row in rows:
            erased += await db.execute(
                "DELETE FROM opportunity_replies WHERE opportunity_id = ?", (row["id"],)
            )
            await db.execute(
                "UPDATE opportunities SET answers_erased_at = ? WHERE id = ?",
                (to_iso(cutoff), row["id"]),
            )
    return erased


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    replies_ = await db.fetchall(
        "SELECT r.opportunity_id, o.title, r.state, r.place, r.seq, r.show_name_to_host, "
        "r.answered_at FROM opportunity_replies r JOIN opportunities o ON o.id = r.opportunity_id "
        "WHERE r.guild_id = ? AND r.user_id = ? ORDER BY r.opportunity_id",
        (guild_id, user_id),
    )
    posted = await db.fetchall(
        "SELECT id, title, state, created_at FROM opportunities "
        "WHERE guild_id = ? AND posted_by = ? ORDER BY id",
        (guild_id, user_id),
    )
    return {
        "opportunity_replies": [dict(row) for row in replies_],
        "opportunities": [dict(row) for row in posted],
    }


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    """Their replies go; a place they held passes to the next person waiting."""
    async with db.transaction():
        held = await db.fetchall(
            "SELECT opportunity_id FROM opportunity_replies WHERE guild_id = ? AND user_id = ? "
            "AND place = ?",
            (guild_id, user_id, CONFIRMED),
        )
        await db.execute(
            "DELETE FROM opportunity_replies WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        for row in held:
            opp = await get_opportunity(db, row["opportunity_id"])
            if opp is not None:
                await _promote(db, opp)
        await db.execute(
            "UPDATE opportunities SET posted_by = NULL WHERE guild_id = ? AND posted_by = ?",
            (guild_id, user_id),
        )
