"""Polls: creating, voting, closing (with the anonymity steps of rule 8) and retention.

Anonymity, in the order things happen:

- A poll gets a random secret in `poll_secrets`. A ballot is found again (to
  change a vote) by `voter_key` = HMAC(secret, "guild:user"), never by who.
  `guild` is always the poll's home server, so the key names one person per
  poll: a network-wide poll (issue 10) gets one ballot per person, whichever
  linked server they vote from.
- Network-wide polls: "X has voted" is one row per person per poll, kept under
  the server where they first voted (that is the per-server turnout, frozen at
  close). Anonymous ballots carry no server at all.
- "X has voted" is a row in `poll_voters`, apart from the ballot.
- Leaving erases "X has voted" and unlinks an open anonymous ballot (its
  `voter_key` replaced by random bytes that look like any other key), which
  stays as a count (rule 4). So that coming back, or voting from another linked
  server, cannot cast a second ballot, a row in `poll_left_voters` keyed by
  `left_voter_key` (which matches no ballot, and needs the bot's own secret as
  well as the poll's) says the person's vote is already counted, until close.
- Ballot ids are random and `ballots` is a WITHOUT ROWID table, stored in id
  order; ballots have no timestamps.
- At close, in one transaction: the tally is frozen, the secret is deleted,
  every `voter_key` and captured group is set to NULL, and `poll_left_voters` is
  emptied. Then, for anonymous polls, `VACUUM` rewrites the whole file from the
  tables' contents in key order (so where a ballot sits on disk no longer
  depends on when it was written or changed, and no free page keeps old bytes),
  and the WAL is checkpointed and truncated, so the old secret is not left in
  it. `secure_delete` is on as well, so deleted rows are zeroed.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.ballots import ballot_from_json, poll_kind
from bot.domain.members import Member
from bot.domain.polls import (
    CountedBeforeLeaving,
    Poll,
    PollSettings,
    ballot_key,
    breakdown_from_json,
    breakdown_to_json,
    check_can_vote,
    check_open,
    compute_breakdown,
    left_voter_key,
    new_ballot_id,
    new_secret,
    result_from_json,
    result_to_json,
    secret_fingerprint,
    unlinked_voter_key,
    voter_key,
)
from bot.domain.tally import tally
from db.database import Database, from_iso, to_iso
from db.members import member_from_rows, member_rows
from db.settings import get_meta, get_settings, set_meta

PERSONAL_TABLES = ("poll_voters", "ballots")


# -- creating ----------------------------------------------------------------------


async def create_poll(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    question: str,
    options: list[str],
    settings: PollSettings,
    max_choices: int | None,
    now: datetime,
) -> int:
    """Store a new open poll, its options and its secret; returns its id."""
    async with db.transaction():
        poll_id = await db.execute(
            "INSERT INTO polls (guild_id, kind, question, max_choices, anonymous, results, "
            "closes_at, content_note, reasons, channel_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                settings.kind.value,
                question,
                max_choices,
                int(settings.anonymous),
                settings.results,
                to_iso(settings.closes_at),
                settings.content_note,
                int(settings.reasons),
                channel_id,
                to_iso(now),
            ),
        )
        await db.executemany(
            "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)",
            [(poll_id, i, label) for i, label in enumerate(options)],
        )
        await db.execute(
            "INSERT INTO poll_secrets (poll_id, secret) VALUES (?, ?)", (poll_id, new_secret())
        )
    return poll_id


async def edit_open_poll(db: Database, poll_id: int, **changes: Any) -> bool:
    """Change an open poll's closing time or content note; False if it has closed."""
    allowed = {"closes_at", "content_note"}
    if not changes or set(changes) - allowed:
        raise ValueError(f"only {sorted(allowed)} can be edited")
    values = {k: to_iso(v) if k == "closes_at" else v for k, v in changes.items()}
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    return (
        await db.execute(
            f"UPDATE polls SET {assignments} WHERE id = :id AND state = 'open'",
            {**values, "id": poll_id},
        )
        > 0
    )


async def set_post_outbox(db: Database, poll_id: int, row_id: int | None) -> None:
    await db.execute("UPDATE polls SET post_outbox_id = ? WHERE id = ?", (row_id, poll_id))


async def set_message_id(db: Database, poll_id: int, message_id: int) -> None:
    await db.execute("UPDATE polls SET message_id = ? WHERE id = ?", (message_id, poll_id))


async def set_results_outbox(db: Database, poll_id: int, row_id: int | None) -> None:
    await db.execute(
        "UPDATE polls SET results_outbox_id = coalesce(results_outbox_id, ?) WHERE id = ?",
        (row_id, poll_id),
    )


# -- reading -----------------------------------------------------------------------


async def get_poll(db: Database, poll_id: int, guild_id: int | None = None) -> Poll | None:
    """The poll, or None (also None if it belongs to another server than `guild_id`)."""
    poll = _poll_from(await db.run(_poll_rows, poll_id))
    if poll is None or (guild_id is not None and poll.guild_id != guild_id):
        return None
    return poll


def _poll_from(row: sqlite3.Row | None) -> Poll | None:
    if row is None:
        return None
    return Poll(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=poll_kind(row["kind"]),
        question=row["question"],
        options=tuple(label for _position, label in sorted(json.loads(row["option_pairs"]))),
        max_choices=row["max_choices"],
        anonymous=bool(row["anonymous"]),
        results=row["results"],
        closes_at=from_iso(row["closes_at"]),
        content_note=row["content_note"],
        reasons=bool(row["reasons"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        post_outbox_id=row["post_outbox_id"],
        state=row["state"],
        created_at=datetime.fromisoformat(row["created_at"]),
        closed_at=from_iso(row["closed_at"]),
        turnout=row["turnout"],
        result=result_from_json(row["result_json"]) if row["result_json"] else None,
        breakdown=breakdown_from_json(row["breakdown_json"]) if row["breakdown_json"] else None,
        results_outbox_id=row["results_outbox_id"],
        outcome_text=row["outcome_text"],
        outcome_by=row["outcome_by"],
        outcome_at=from_iso(row["outcome_at"]),
        answers_erased_at=from_iso(row["answers_erased_at"]),
        network_id=row["network_id"],
        server_turnout=(
            {int(g): n for g, n in json.loads(row["server_turnout_json"]).items()}
            if row["server_turnout_json"]
            else None
        ),
    )


# The polls read by the last presses, by id: (the row's values, the Poll made of them).
_SEEN: dict[int, tuple[tuple[Any, ...], Poll]] = {}
_SEEN_MAX = 64


def _poll_seen(row: sqlite3.Row | None) -> Poll | None:
    """`_poll_from(row)`, reusing the Poll made from the same values last time.

    When a poll is announced, hundreds of presses read the same row one after another;
    building a Poll decodes its options, dates and results each time (about a tenth of
    a millisecond of the event loop per press). `_poll_from` depends on nothing but the
    row's values and a Poll is frozen, so a row equal to the one seen last gives an
    equal Poll; any change to the poll (a close, a message id) changes the row and
    builds a new one. Bounded: the oldest poll seen is forgotten past `_SEEN_MAX`."""
    if row is None:
        return None
    values = tuple(row)
    seen = _SEEN.get(row["id"])
    if seen is not None and seen[0] == values:
        return seen[1]
    poll = _poll_from(row)
    assert poll is not None
    _SEEN.pop(poll.id, None)
    if len(_SEEN) >= _SEEN_MAX:
        del _SEEN[next(iter(_SEEN))]
    _SEEN[poll.id] = (values, poll)
    return poll


# The poll and its options in one statement (see `db.members._MEMBER_SQL` for why
# one). The options come as [position, label] pairs, put in order in Python:
# SQLite does not promise the order of an aggregate's rows.
_POLL_SQL = (
    "SELECT polls.*, (SELECT json_group_array(json_array(o.position, o.label)) "
    "FROM poll_options o WHERE o.poll_id = polls.id) AS option_pairs "
    "FROM polls WHERE id = ?"
)


def _poll_rows(conn: sqlite3.Connection, poll_id: int) -> sqlite3.Row | None:
    return conn.execute(_POLL_SQL, (poll_id,)).fetchone()


async def list_polls(
    db: Database, guild_id: int, *, open_only: bool, search: str = "", limit: int = 25
) -> list[dict[str, Any]]:
    """Polls of a server, newest first: id, question, state, closes_at (for lists)."""
    rows = await db.fetchall(
        "SELECT id, question, state, closes_at, message_id, channel_id, kind FROM polls "
        "WHERE guild_id = ? AND (? = 0 OR state = 'open') AND question LIKE ? "
        "ORDER BY state = 'open' DESC, id DESC LIMIT ?",
        (guild_id, int(open_only), f"%{search}%", limit),
    )
    return [dict(row) for row in rows]


async def list_shared_with(
    db: Database, guild_id: int, *, open_only: bool, search: str = "", limit: int = 25
) -> list[dict[str, Any]]:
    """Network polls from other servers posted here too: id, question, state, closes_at,
    kind, home guild_id, network_id, and this server's copy (channel_id, message_id).

    The caller checks this server is still linked (`bot.networks.may_answer_from`).
    """
    rows = await db.fetchall(
        "SELECT p.id, p.question, p.state, p.closes_at, p.kind, p.guild_id, p.network_id, "
        "c.channel_id, o.sent_message_id AS message_id FROM polls p "
        "JOIN item_copies c ON c.kind = 'poll' AND c.item_id = p.id AND c.guild_id = ? "
        "LEFT JOIN outbox o ON o.id = c.outbox_id "
        "WHERE p.guild_id != ? AND p.network_id IS NOT NULL AND (? = 0 OR p.state = 'open') "
        "AND p.question LIKE ? ORDER BY p.state = 'open' DESC, p.id DESC LIMIT ?",
        (guild_id, guild_id, int(open_only), f"%{search}%", limit),
    )
    return [dict(row) for row in rows]


async def turnout(db: Database, poll_id: int) -> int:
    return int(
        await db.fetchval("SELECT count(*) FROM poll_voters WHERE poll_id = ?", (poll_id,)) or 0
    )


async def has_voted(db: Database, poll_id: int, guild_id: int, user_id: int) -> bool:
    return bool(
        await db.fetchval(
            "SELECT 1 FROM poll_voters WHERE poll_id = ? AND guild_id = ? AND user_id = ?",
            (poll_id, guild_id, user_id),
        )
    )


async def voted_in(db: Database, guild_id: int, user_id: int) -> set[int]:
    rows = await db.fetchall(
        "SELECT poll_id FROM poll_voters WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return {row[0] for row in rows}


async def voted_anywhere(db: Database, user_id: int, poll_ids: list[int]) -> set[int]:
    """Which of these polls this person has voted in, from whichever server (their own view)."""
    if not poll_ids:
        return set()
    marks = ",".join("?" * len(poll_ids))
    rows = await db.fetchall(
        f"SELECT poll_id FROM poll_voters WHERE user_id = ? AND poll_id IN ({marks})",
        (user_id, *poll_ids),
    )
    return {row[0] for row in rows}


async def counted_in(db: Database, poll_id: int, user_id: int) -> int | None:
    """The server this person's vote is counted in (where they first voted), if any."""
    return await db.fetchval(
        "SELECT guild_id FROM poll_voters WHERE poll_id = ? AND user_id = ?", (poll_id, user_id)
    )


async def _secret(db: Database, poll_id: int) -> bytes | None:
    return await db.fetchval("SELECT secret FROM poll_secrets WHERE poll_id = ?", (poll_id,))


@dataclass(frozen=True)
class VotePress:
    """All that a press of a poll's Vote button re-checks, read in one hand-off."""

    member: Member | None
    notice_version: int
    poll: Poll | None
    ballot: tuple[str, str | None] | None  # (choice JSON, reason) while the poll is open
    counted_before: bool  # an anonymous vote unlinked when they left still counts


async def vote_press(
    db: Database, poll_id: int, guild_id: int, user_id: int, secret: bytes
) -> VotePress:
    """The member (as `members.member_and_notice`), the poll (as `get_poll`) and their
    ballot (as `ballot_of`): the busiest read there is when a poll is announced to
    everyone at once, so it is one round trip to the database thread, not three."""
    member_found, poll_found, (ballot, counted_before) = await db.run(
        _vote_press, poll_id, guild_id, user_id, secret
    )
    member, notice_version = member_from_rows(guild_id, user_id, member_found)
    return VotePress(member, notice_version, _poll_seen(poll_found), ballot, counted_before)


def _vote_press(
    conn: sqlite3.Connection, poll_id: int, guild_id: int, user_id: int, secret: bytes
) -> tuple[Any, sqlite3.Row | None, tuple[tuple[str, str | None] | None, bool]]:
    member_found = member_rows(conn, guild_id, user_id)
    poll_found = _poll_rows(conn, poll_id)
    ballot: tuple[tuple[str, str | None] | None, bool] = (None, False)
    if member_found[0] is not None and poll_found is not None:
        ballot = _ballot_of(conn, poll_id, poll_found["guild_id"], user_id, secret)
    return member_found, poll_found, ballot


async def ballot_of(
    db: Database, poll: Poll, user_id: int, secret: bytes
) -> tuple[tuple[str, str | None] | None, bool]:
    """((choice JSON, reason) of this person's ballot while the poll is open, else None;
    whether a vote of theirs was unlinked when they left and still counts)."""
    return await db.run(_ballot_of, poll.id, poll.guild_id, user_id, secret)


def _ballot_of(
    conn: sqlite3.Connection, poll_id: int, home_guild_id: int, user_id: int, app_secret: bytes
) -> tuple[tuple[str, str | None] | None, bool]:
    """`ballot_of` in the database thread: one statement after the secret."""
    secret = conn.execute(
        "SELECT s.secret, p.anonymous FROM poll_secrets s JOIN polls p ON p.id = s.poll_id "
        "WHERE s.poll_id = ?",
        (poll_id,),
    ).fetchone()
    if secret is None:
        return None, False
    row = conn.execute(
        "SELECT b.choice, b.reason, EXISTS (SELECT 1 FROM poll_left_voters l "
        "  WHERE l.poll_id = ?1 AND l.left_key = ?3) AS counted_before "
        "FROM (SELECT 1) LEFT JOIN ballots b ON b.poll_id = ?1 AND b.voter_key = ?2",
        (
            poll_id,
            ballot_key(secret[0], app_secret, bool(secret[1]), home_guild_id, user_id),
            left_voter_key(secret[0], app_secret, home_guild_id, user_id),
        ),
    ).fetchone()
    ballot = None if row["choice"] is None else (row["choice"], row["reason"])
    return ballot, bool(row["counted_before"])


async def current_choices(db: Database, poll_id: int) -> list[str]:
    """Every ballot's choice JSON (live results, the tally at close)."""
    rows = await db.fetchall("SELECT choice FROM ballots WHERE poll_id = ? ORDER BY id", (poll_id,))
    return [row[0] for row in rows]


# -- voting ------------------------------------------------------------------------


async def cast_vote(
    db: Database,
    poll_id: int,
    *,
    guild_id: int,
    user_id: int,
    choice: str,
    group: str | None,
    voter_name: str | None,
    now: datetime,
    secret: bytes,
) -> bool:
    """Record (or change) this member's vote, committed on return; True if it was a change.

    `guild_id` is the server the member votes from (membership is checked there).
    One vote per person per poll: someone who already voted from another linked
    server changes that vote, and it stays counted where they first voted (see
    `counted_in`); a named ballot keeps that server too.

    Raises PollClosed if the poll stopped taking votes, LookupError if there is no
    such poll or the person is not a member. This is the hot path when many people
    vote at once: three statements in one transaction, run in one hand-off to the
    database thread (`Database.atomic`).
    """
    return await db.atomic(
        _cast_vote_in, poll_id, guild_id, user_id, choice, group, voter_name, now, secret
    )


def _cast_vote_in(conn: sqlite3.Connection, *vote: Any) -> bool:
    """`cast_vote`'s statements, in the database thread (arguments in its order)."""
    poll_id, guild_id, user_id, choice, group, voter_name, now, app_secret = vote
    row = conn.execute(
        "SELECT p.guild_id, p.state, p.closes_at, p.anonymous, s.secret, EXISTS ("
        "  SELECT 1 FROM members m WHERE m.guild_id = ? AND m.user_id = ?) AS member, "
        "EXISTS (SELECT 1 FROM poll_left_voters l WHERE l.poll_id = p.id) AS anyone_left "
        "FROM polls p LEFT JOIN poll_secrets s ON s.poll_id = p.id WHERE p.id = ?",
        (guild_id, user_id, poll_id),
    ).fetchone()
    if row is None:
        raise LookupError("no such poll")
    check_open(row["state"], from_iso(row["closes_at"]), now)
    if not row["member"]:
        raise LookupError("not a member")
    if row["secret"] is None:  # only ever missing once closed
        check_open("closed", None, now)
    named = not row["anonymous"]
    if row["anyone_left"] and _counted_before_leaving(  # most polls have no leaver
        conn, poll_id, row["secret"], app_secret, row["guild_id"], user_id
    ):
        raise CountedBeforeLeaving()
    new_id = new_ballot_id()
    (kept_id,) = conn.execute(
        "INSERT INTO ballots (id, poll_id, voter_key, guild_id, user_id, voter_name, "
        "choice, grp) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (poll_id, voter_key) DO UPDATE SET choice = excluded.choice, "
        "grp = excluded.grp, voter_name = excluded.voter_name RETURNING id",
        (
            new_id,
            poll_id,
            ballot_key(row["secret"], app_secret, row["anonymous"], row["guild_id"], user_id),
            guild_id if named else None,
            user_id if named else None,
            voter_name if named else None,
            choice,
            group,
        ),
    ).fetchone()
    conn.execute(
        "INSERT INTO poll_voters (poll_id, guild_id, user_id) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (poll_id, guild_id, user_id),
    )
    return kept_id != new_id  # an earlier ballot kept its id: this vote changed it


async def set_reason(
    db: Database, poll_id: int, user_id: int, reason: str | None, now: datetime, secret: bytes
) -> bool:
    """Add or change the reason on this member's ballot. False if they have no ballot."""
    async with db.transaction():
        poll = await get_poll(db, poll_id)
        if poll is None:
            return False
        check_can_vote(poll, now)
        poll_secret = await _secret(db, poll_id)
        if poll_secret is None:
            return False
        key = ballot_key(poll_secret, secret, poll.anonymous, poll.guild_id, user_id)
        changed = await db.execute(
            "UPDATE ballots SET reason = ? WHERE poll_id = ? AND voter_key = ?",
            (reason, poll_id, key),
        )
    return changed > 0


# -- closing -----------------------------------------------------------------------


async def close_poll(db: Database, poll_id: int, now: datetime) -> tuple[Poll, bool]:
    """Freeze the results and destroy the link between voters and ballots.

    Idempotent: returns (poll, closed_now); a poll closed before is returned as it
    is. For an anonymous poll closed now, the caller must then run `compact`.
    """
    async with db.transaction():
        poll = await get_poll(db, poll_id)
        if poll is None:
            raise LookupError("no such poll")
        if not poll.is_open:
            return poll, False
        settings = await get_settings(db, poll.guild_id)
        rows = await db.fetchall(
            "SELECT choice, grp FROM ballots WHERE poll_id = ? ORDER BY id", (poll_id,)
        )
        ballots = [ballot_from_json(poll.kind, row["choice"]) for row in rows]
        result = tally(poll.kind, poll.options, ballots)
        breakdown = None
        if settings.split_by_group:
            breakdown = compute_breakdown(
                poll.kind,
                poll.options,
                [(b, row["grp"]) for b, row in zip(ballots, rows, strict=True)],
            )
        count = len(ballots)  # who left since voting took the link, not the count
        by_server = None
        if poll.network_id is not None:
            counted = await db.fetchall(
                "SELECT guild_id, count(*) FROM poll_voters WHERE poll_id = ? GROUP BY guild_id",
                (poll_id,),
            )
            by_server = json.dumps({str(g): n for g, n in counted}, sort_keys=True)
        await db.execute(
            "UPDATE polls SET state = 'closed', closed_at = ?, turnout = ?, result_json = ?, "
            "breakdown_json = ?, server_turnout_json = ? WHERE id = ?",
            (
                to_iso(now),
                count,
                result_to_json(result),
                breakdown_to_json(breakdown) if breakdown else None,
                by_server,
                poll_id,
            ),
        )
        await db.execute("DELETE FROM poll_secrets WHERE poll_id = ?", (poll_id,))
        await db.execute("DELETE FROM poll_left_voters WHERE poll_id = ?", (poll_id,))
        await db.execute(
            "UPDATE ballots SET voter_key = NULL, grp = NULL WHERE poll_id = ?", (poll_id,)
        )
    closed = await get_poll(db, poll_id)
    assert closed is not None
    return closed, True


async def compact(db: Database) -> None:
    """Rewrite the file from the tables' contents and empty the WAL (rule 8).

    After this, a ballot's place on disk depends only on its random id, no free
    page holds an old row, and the WAL no longer holds the destroyed secret.
    """
    await db.checkpoint()
    await db.execute("VACUUM")
    await db.checkpoint()


async def record_outcome(
    db: Database, poll_id: int, decided: str, by_when: str, now: datetime
) -> bool:
    """Record "you said, we did" once. False if the poll is open or has one already."""
    changed = await db.execute(
        "UPDATE polls SET outcome_text = ?, outcome_by = ?, outcome_at = ? "
        "WHERE id = ? AND state = 'closed' AND outcome_text IS NULL",
        (decided, by_when, to_iso(now), poll_id),
    )
    return changed > 0


async def outbox_row(db: Database, dedupe_key: str) -> int | None:
    """The outbox row queued under this key (a results post queued before a crash)."""
    return await db.fetchval("SELECT id FROM outbox WHERE dedupe_key = ?", (dedupe_key,))


async def voter_ids(db: Database, poll_id: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM poll_voters WHERE poll_id = ? ORDER BY user_id", (poll_id,)
    )
    return [row[0] for row in rows]


async def voters_by_server(db: Database, poll_id: int) -> dict[int, list[int]]:
    """Who voted, under the server each is counted in (outcome DMs go through it)."""
    rows = await db.fetchall(
        "SELECT guild_id, user_id FROM poll_voters WHERE poll_id = ? ORDER BY guild_id, user_id",
        (poll_id,),
    )
    found: dict[int, list[int]] = {}
    for guild_id, user_id in rows:
        found.setdefault(guild_id, []).append(user_id)
    return found


async def closed_ballots(db: Database, poll_id: int) -> list[dict[str, Any]]:
    """Ballots of a closed poll for export: anonymous ones carry no identity at all."""
    rows = await db.fetchall(
        "SELECT b.id, b.guild_id, b.user_id, b.voter_name, b.choice, b.reason FROM ballots b "
        "JOIN polls p ON p.id = b.poll_id WHERE b.poll_id = ? AND p.state = 'closed' "
        "ORDER BY b.id",
        (poll_id,),
    )
    return [dict(row) for row in rows]


async def pending_close_ids(db: Database) -> list[int]:
    """Open polls whose closing time is set (to re-arm closes if a job went missing)."""
    rows = await db.fetchall(
        "SELECT id FROM polls WHERE state = 'open' AND closes_at IS NOT NULL ORDER BY id"
    )
    return [row[0] for row in rows]


# -- retention (rule 14) -----------------------------------------------------------


async def sweep(db: Database, guild_id: int, cutoff: datetime) -> int:
    """Erase ballots and voters of polls closed before `cutoff`; frozen totals stay."""
    async with db.transaction():
        polls = await db.fetchall(
            "SELECT id FROM polls WHERE guild_id = ? AND state = 'closed' AND closed_at < ? "
            "AND answers_erased_at IS NULL",
            (guild_id, to_iso(cutoff)),
        )
        erased = 0
        for row in polls:
            erased += await db.execute("DELETE FROM ballots WHERE poll_id = ?", (row["id"],))
            erased += await db.execute("DELETE FROM poll_voters WHERE poll_id = ?", (row["id"],))
            await db.execute(
                "UPDATE polls SET answers_erased_at = ? WHERE id = ?", (to_iso(cutoff), row["id"])
            )
    return erased


# -- the bot's own secret ---------------------------------------------------------

SECRET_FINGERPRINT = "secret_fingerprint"


class SecretChanged(Exception):
    """The bot's secret is not the one open anonymous polls were keyed with."""

    def __init__(self, open_polls: int) -> None:
        super().__init__(f"{open_polls} open anonymous poll(s) were keyed with another secret")
        self.open_polls = open_polls


async def open_anonymous_count(db: Database) -> int:
    return await db.fetchval(
        "SELECT count(*) FROM polls p JOIN poll_secrets s ON s.poll_id = p.id WHERE p.anonymous = 1"
    )


async def adopt_bot_secret(db: Database, secret: bytes) -> str:
    """At start-up: check the bot's secret against the fingerprint kept in `meta`.

    - "same": nothing to do.
    - "first": no fingerprint yet (a new database, or one from before anonymous
      ballots were keyed with the bot's secret): the open anonymous polls' ballots
      are keyed again, from `voter_key` to `ballot_key`, for each person recorded as
      having voted (the secret is known now; nothing else is needed), and the
      fingerprint is stored, in one transaction.
    - "changed": a different secret, and no anonymous poll is open, so nothing is
      orphaned; the new fingerprint is stored.
    Raises SecretChanged if the secret changed while an anonymous poll is open: its
    ballots could not be found again (voters could not change their vote, and could
    vote twice).
    """
    fingerprint = secret_fingerprint(secret)
    async with db.transaction():
        stored = await get_meta(db, SECRET_FINGERPRINT)
        if stored == fingerprint:
            return "same"
        if stored is not None:
            still_open = await open_anonymous_count(db)
            if still_open:
                raise SecretChanged(still_open)
            await set_meta(db, SECRET_FINGERPRINT, fingerprint)
            return "changed"
        for poll in await db.fetchall(
            "SELECT p.id, p.guild_id, s.secret FROM polls p "
            "JOIN poll_secrets s ON s.poll_id = p.id WHERE p.anonymous = 1"
        ):
            voters = await db.fetchall(
                "SELECT DISTINCT user_id FROM poll_voters WHERE poll_id = ?", (poll["id"],)
            )
            for (user_id,) in voters:
                await db.execute(
                    "UPDATE ballots SET voter_key = ? WHERE poll_id = ? AND voter_key = ?",
                    (
                        ballot_key(poll["secret"], secret, True, poll["guild_id"], user_id),
                        poll["id"],
                        voter_key(poll["secret"], poll["guild_id"], user_id),
                    ),
                )
        await set_meta(db, SECRET_FINGERPRINT, fingerprint)
    return "first"


# -- personal data registry --------------------------------------------------------


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict]]:
    """Polls this person voted in; their named ballots, and anonymous ones still open."""
    voted = await db.fetchall(
        "SELECT v.poll_id, p.question, p.anonymous, p.state, p.guild_id AS home FROM poll_voters v "
        "JOIN polls p ON p.id = v.poll_id WHERE v.guild_id = ? AND v.user_id = ? "
        "ORDER BY v.poll_id",
        (guild_id, user_id),
    )
    ballots = [
        dict(row)
        for row in await db.fetchall(
            "SELECT poll_id, voter_name, choice, reason FROM ballots "
            "WHERE guild_id = ? AND user_id = ? ORDER BY poll_id",
            (guild_id, user_id),
        )
    ]
    return {"poll_voters": [dict(row) for row in voted], "ballots": ballots}


async def open_anonymous_ballots(
    db: Database, guild_id: int, user_id: int, secret: bytes
) -> list[dict[str, Any]]:
    """For this person's own export: their ballots in open anonymous polls counted in
    this server. Found only with the bot's secret (`ballot_key`), so not in
    `export_member`, which reads the database alone."""
    found = []
    for row in await db.fetchall(
        "SELECT s.poll_id, s.secret, p.guild_id AS home FROM poll_voters v "
        "JOIN polls p ON p.id = v.poll_id JOIN poll_secrets s ON s.poll_id = p.id "
        "WHERE v.guild_id = ? AND v.user_id = ? AND p.anonymous = 1 ORDER BY v.poll_id",
        (guild_id, user_id),
    ):
        ballot = await db.fetchone(
            "SELECT poll_id, choice, reason FROM ballots WHERE poll_id = ? AND voter_key = ?",
            (row["poll_id"], ballot_key(row["secret"], secret, True, row["home"], user_id)),
        )
        if ballot is not None:
            found.append({**dict(ballot), "note": "anonymous: unlinked from you at close"})
    return found


async def counted_after_leaving(
    db: Database, guild_id: int, user_id: int, secret: bytes
) -> list[dict]:
    """For this person's own export: open polls of this server (or its networks) where
    a vote of theirs was unlinked when they left and still counts (`poll_left_voters`).

    Pseudonymous and kept until close, like the membership ledger, so not part of
    `export_member`, which lists what leaving erases."""
    return await db.run(_counted_after_leaving, guild_id, user_id, secret)


def _counted_after_leaving(
    conn: sqlite3.Connection, guild_id: int, user_id: int, app_secret: bytes
) -> list[dict]:
    polls = conn.execute(
        "SELECT p.id, p.question, p.guild_id AS home, s.secret "
        "FROM (SELECT DISTINCT poll_id FROM poll_left_voters) l "
        "JOIN polls p ON p.id = l.poll_id JOIN poll_secrets s ON s.poll_id = p.id "
        "WHERE p.guild_id = ? OR p.network_id IN "
        "  (SELECT network_id FROM network_members WHERE guild_id = ?) ORDER BY p.id",
        (guild_id, guild_id),
    ).fetchall()
    return [
        {"poll_id": row["id"], "question": row["question"]}
        for row in polls
        if _counted_before_leaving(conn, row["id"], row["secret"], app_secret, row["home"], user_id)
    ]


def _counted_before_leaving(
    conn: sqlite3.Connection,
    poll_id: int,
    poll_secret: bytes,
    app_secret: bytes,
    home_guild_id: int,
    user_id: int,
) -> bool:
    """Whether this person left with a vote here that still counts (`poll_left_voters`)."""
    return (
        conn.execute(
            "SELECT 1 FROM poll_left_voters WHERE poll_id = ? AND left_key = ?",
            (poll_id, left_voter_key(poll_secret, app_secret, home_guild_id, user_id)),
        ).fetchone()
        is not None
    )


async def erase_member(db: Database, guild_id: int, user_id: int, secret: bytes) -> None:
    """Named ballots go; anonymous ones stay as counts, unlinked from this person now.

    Only votes counted in this server: a network poll voted in from another linked
    server stays there (the person is still a member of that server).
    """
    async with db.transaction():
        open_anonymous = await db.fetchall(
            "SELECT s.poll_id, s.secret, p.guild_id AS home FROM poll_secrets s "
            "JOIN polls p ON p.id = s.poll_id JOIN poll_voters v ON v.poll_id = p.id "
            "WHERE v.guild_id = ? AND v.user_id = ? AND p.anonymous = 1",
            (guild_id, user_id),
        )
        for row in open_anonymous:
            # A random key, not NULL: a NULL one would mark the ballot as a leaver's,
            # and with the note below say whose while the poll is open.
            unlinked = await db.execute(
                "UPDATE ballots SET voter_key = ?, grp = NULL WHERE poll_id = ? AND voter_key = ?",
                (
                    unlinked_voter_key(),
                    row["poll_id"],
                    ballot_key(row["secret"], secret, True, row["home"], user_id),
                ),
            )
            if unlinked:  # it still counts: coming back must not cast a second one
                await db.execute(
                    "INSERT INTO poll_left_voters (poll_id, left_key) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (
                        row["poll_id"],
                        left_voter_key(row["secret"], secret, row["home"], user_id),
                    ),
                )
        await db.execute(
            "DELETE FROM ballots WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        await db.execute(
            "DELETE FROM poll_voters WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
