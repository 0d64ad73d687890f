"""Figure 2: durable writes. Votes per second through the polls repository, next to a raw
aiosqlite insert-and-commit loop on the same file; then the bot killed (SIGKILL) in the
middle of a burst of votes: every vote the voter saw confirmed is there after the restart,
and nobody's vote counts twice.

Part (a) runs in this process (no Discord involved): `db.polls.cast_vote` is what every
ballot screen calls, one transaction per vote. Part (b) is end to end: each voter picks
an option on their ballot screen (the select the Vote button shows), which commits
before the "saved" reply (rule 10).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bench import harness as h
from db.database import PRAGMAS, Database
from tests.database import rows, seed_members

RATIO_TARGET = 0.5
BURST_RATE = 200.0  # votes per second in the burst the bot is killed in
RETRY_RATE = 100.0  # presses per second when the unconfirmed vote again
GUILD = 1234


async def repository_votes(path: Path, n: int) -> float:
    """Votes per second through db.polls.cast_vote (each committed on return)."""
    from bot.domain.ballots import SingleBallot, ballot_to_json
    from bot.domain.polls import check_settings
    from db import polls as repo

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    db = await Database.open(path)
    try:
        await db.migrate()
        await db.executemany(
            "INSERT INTO members (guild_id, user_id, joined_at, notice_version) VALUES (?,?,?,1)",
            [(GUILD, uid, now.isoformat()) for uid in range(1, n + 1)],
        )
        settings = check_settings(
            kind="single",
            max_choices=None,
            anonymous=True,
            results="at_close",
            closes_at=None,
            content_note=None,
            reasons=False,
        )
        poll_id = await repo.create_poll(
            db,
            guild_id=GUILD,
            channel_id=1,
            question="What first?",
            options=["A", "B", "C"],
            settings=settings,
            max_choices=None,
            now=now,
        )
        started = time.perf_counter()
        for uid in range(1, n + 1):
            await repo.cast_vote(
                db,
                poll_id,
                guild_id=GUILD,
                user_id=uid,
                choice=ballot_to_json(SingleBallot(uid % 3)),
                group=None,
                voter_name=None,
                now=now,
                secret=h.BENCH_SECRET,
            )
        elapsed = time.perf_counter() - started
        assert await repo.turnout(db, poll_id) == n
        return n / elapsed
    finally:
        await db.close()


async def raw_inserts(path: Path, n: int) -> float:
    """Inserts per second: the same pragmas, one INSERT + COMMIT per row, nothing else."""
    conn = await aiosqlite.connect(path)
    try:
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS raw_votes (id INTEGER PRIMARY KEY, user_id INTEGER, "
            "choice TEXT)"
        )
        await conn.commit()
        started = time.perf_counter()
        for uid in range(1, n + 1):
            await conn.execute(
                "INSERT INTO raw_votes (user_id, choice) VALUES (?, ?)", (uid, '{"choice": 1}')
            )
            await conn.commit()
        return n / (time.perf_counter() - started)
    finally:
        await conn.close()


def ballot_for(world, person, template) -> object:
    """The ballot screen the Vote button shows this person (same components, their own copy)."""
    channel = world.state.channels[template.channel_id]
    return world.state.create_message(
        channel,
        world.state.bot,
        {"content": "", "embeds": template.embeds, "components": template.components, "flags": 64},
        webhook_id=world.state.application_id,
        message_type=19,
        visible_to=person.id,
    )


def vote(world, person, message, poll_select: str, option: int):
    data = {"custom_id": poll_select, "component_type": 3, "values": [str(option)]}
    return h.component_interaction(world, person, message, data, "vote")


async def crash_burst(root: Path, n: int) -> dict[str, int]:
    world = await h.start_world(root / "writes-crash")
    try:
        people = seed_members(world, n, purposes=h.EVERY_DM)
        poll = await h.create_poll(world)
        first = await people[0].click(poll, "Vote")
        assert first.message is not None, first.text
        template = first.message
        select = next(
            c["custom_id"]
            for row in template.components
            for c in row.get("components", [])
            if c.get("type") == 3
        )
        poll_id = int(select.split(":")[1])
        screens = {p.id: ballot_for(world, p, template) for p in people}
        made = [vote(world, p, screens[p.id], select, i % 3) for i, p in enumerate(people)]

        kill_at = int(n * 0.4)
        spread = n / BURST_RATE
        started = time.monotonic()
        dispatched = []
        for index, inter in enumerate(made):
            if index == kill_at:
                # Kill once some votes are confirmed, so there is something to lose.
                await h.wait_until(
                    lambda: any(i.response_type is not None for i in dispatched),
                    within=30,
                    every=0.01,
                    what="a first confirmed vote",
                )
                await world.bot.kill()
                break
            at = started + spread * index / n
            if at > time.monotonic():
                await asyncio.sleep(at - time.monotonic())
            inter.created = time.monotonic()
            await world.emulator.dispatch_interaction(inter)
            dispatched.append(inter)
        await asyncio.sleep(world.emulator.ack_deadline + 0.2)  # in-flight presses expire
        confirmed = {i.user.id for i in dispatched if i.response_type is not None and not i.failed}
        unanswered = len(dispatched) - len(confirmed)
        world.clear_problems()  # presses the dead bot never answered: expected here

        await h.relaunch(world)
        await world.settle()
        voters = {
            uid
            for (uid,) in rows(
                world, "SELECT user_id FROM poll_voters WHERE poll_id = ?", (poll_id,)
            )
        }
        missing = len(confirmed - voters)
        ballots = h.scalar(world, "SELECT count(*) FROM ballots WHERE poll_id = ?", (poll_id,))
        doubled_before = ballots - len(voters)

        # Everyone not confirmed presses again (as a person would); the confirmed change nothing.
        again = [
            vote(world, p, screens[p.id], select, i % 3)
            for i, p in enumerate(people)
            if p.id not in confirmed
        ]
        await h.fire_spread(world, again, len(again) / RETRY_RATE)
        await world.settle()
        voters_after = h.scalar(
            world, "SELECT count(*) FROM poll_voters WHERE poll_id = ?", (poll_id,)
        )
        ballots_after = h.scalar(
            world, "SELECT count(*) FROM ballots WHERE poll_id = ?", (poll_id,)
        )
        return {
            "confirmed_before_kill": len(confirmed),
            "unanswered_at_kill": unanswered,
            "confirmed_missing": missing,
            "doubled": doubled_before + max(0, ballots_after - voters_after),
            "voters_after_retry": voters_after,
            "unacknowledged_after_restart": len(world.failed_interactions),
        }
    finally:
        await world.close()


async def run(root: Path, scale: h.Scale) -> h.Figure:
    if not h.has_cog("polls"):
        return h.unavailable(2, "Durable writes", "polls have not landed")
    figure = h.Figure(2, "Durable writes")
    n = scale.write_votes
    with tempfile.TemporaryDirectory(dir=root) as scratch:
        path = Path(scratch) / "writes.db"
        ours = await repository_votes(path, n)
        raw = await raw_inserts(path, n)
        with contextlib.closing(sqlite3.connect(path)) as conn:
            journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    ratio = ours / raw
    crash = await crash_burst(root, scale.crash_votes)
    figure.sizes = {
        "votes_timed": n,
        "burst_votes": scale.crash_votes,
        "burst_votes_per_s": BURST_RATE,
        "journal": journal,
    }
    figure.add(
        "votes/s through db.polls.cast_vote", round(ours), baseline=f"{raw:.0f} raw inserts/s"
    )
    figure.add(
        "ratio to raw insert+commit",
        round(ratio, 2),
        target=f">= {RATIO_TARGET:g}",
        holds=ratio >= RATIO_TARGET,
    )
    figure.add("votes confirmed before the kill", crash["confirmed_before_kill"])
    figure.add(
        "confirmed votes missing after restart",
        crash["confirmed_missing"],
        target="0",
        holds=crash["confirmed_missing"] == 0,
    )
    figure.add("votes counted twice", crash["doubled"], target="0", holds=crash["doubled"] == 0)
    figure.add(
        "voters after everyone unconfirmed pressed again",
        crash["voters_after_retry"],
        target=str(scale.crash_votes),
        holds=crash["voters_after_retry"] == scale.crash_votes,
    )
    figure.invariants = {
        "lost": crash["confirmed_missing"],
        "doubled": crash["doubled"],
        "unacknowledged": crash["unacknowledged_after_restart"],
    }
    figure.notes.append(
        f"{crash['unanswered_at_kill']} presses were in flight when the bot was killed "
        "(Discord shows those people 'This interaction failed'; nothing was saved for them)."
    )
    return figure
