"""Figure 5: start-up with a large database, next to the same bot on an empty one.

The large database is made the way a maintainer makes one (`python -m bot
migrate`), then filled with direct SQL into the real schema: members with
their consent ledger, open polls with options, secrets and close jobs, and
100,000 future reminders as rows in the `jobs` table (test-mode `test_reminder`
jobs: the meetings feature keeps one job per meeting and minute, so this is a
harder case than real meetings make). Time to ready
is from process start until the bot answers `GET /health` with ready (logged in,
guilds received, commands checked); peak RSS is the process's VmHWM.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from bench import harness as h
from tests.database import connect, db_path
from tests.emulator.world import World

STARTS = 3
TIME_FACTOR = 2.0
RSS_LIMIT_MB = 200.0


def seed_large(world: World, *, members: int, polls: int, reminders: int) -> None:
    guild_id = world.guild().id
    channel_id = world.channel("announcements").id
    now = world.now
    at = now.isoformat()
    with contextlib.closing(connect(db_path(world))) as conn, conn:
        ids = range(10**17, 10**17 + members)
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, joined_at, notice_version) VALUES (?,?,?,1)",
            ((guild_id, uid, at) for uid in ids),
        )
        conn.executemany(
            "INSERT INTO member_consents (guild_id, user_id, purpose, granted, notice_version, at)"
            " VALUES (?, ?, ?, 1, 1, ?)",
            ((guild_id, uid, p, at) for uid in ids for p in ("membership", "dm_reminders")),
        )
        for n in range(polls):
            closes = (now + timedelta(days=1 + n % 30)).isoformat()
            cursor = conn.execute(
                "INSERT INTO polls (guild_id, kind, question, anonymous, results, closes_at, "
                "channel_id, created_at) VALUES (?, 'single', ?, 1, 'at_close', ?, ?, ?)",
                (guild_id, f"Which priority first? ({n})", closes, channel_id, at),
            )
            poll_id = cursor.lastrowid
            conn.executemany(
                "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)",
                [(poll_id, i, f"Option {i}") for i in range(3)],
            )
            conn.execute(
                "INSERT INTO poll_secrets (poll_id, secret) VALUES (?, ?)",
                (poll_id, os.urandom(32)),
            )
            conn.execute(
                "INSERT INTO jobs (kind, key, guild_id, payload, due_at) VALUES (?, ?, ?, ?, ?)",
                (
                    "poll_close",
                    f"poll-close:{poll_id}",
                    guild_id,
                    json.dumps({"poll_id": poll_id}),
                    closes,
                ),
            )
        conn.executemany(
            "INSERT INTO jobs (kind, key, guild_id, payload, due_at) VALUES (?, ?, ?, ?, ?)",
            (
                (
                    "test_reminder",
                    f"bench-future-reminder:{n}",
                    guild_id,
                    json.dumps({"user_id": 10**17 + n % max(1, members), "content": "Reminder"}),
                    (now + timedelta(days=1, seconds=25 * n)).isoformat(),
                )
                for n in range(reminders)
            ),
        )


async def measure_starts(world: World) -> tuple[list[float], float]:
    """Starts the bot STARTS times on this world's database: (seconds to ready each, peak RSS)."""
    await world.emulator.start()
    h.bot_for(world)
    times, peak = [], 0.0
    for _ in range(STARTS):
        times.append(await h.time_to_ready(world))
        await world.settle()
        assert world.bot.proc is not None
        peak = max(peak, h.peak_rss_mb(world.bot.proc.pid))
        await world.bot.stop()
    return times, peak


async def run(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(5, "Start-up")
    figure.sizes = {
        "reminders": scale.startup_reminders,
        "polls": scale.startup_polls,
        "members": scale.startup_members,
        "starts_each": STARTS,
    }
    empty = World(root / "startup-empty")
    try:
        empty_times, empty_rss = await measure_starts(empty)
    finally:
        await empty.close()

    large = World(root / "startup-large")
    try:
        h.migrate(db_path(large))
        seeded = time.monotonic()
        seed_large(
            large,
            members=scale.startup_members,
            polls=scale.startup_polls,
            reminders=scale.startup_reminders,
        )
        seconds_to_seed = time.monotonic() - seeded
        size_mb = db_path(large).stat().st_size / 2**20
        large_times, large_rss = await measure_starts(large)
        problems = large.emulator.problems()
    finally:
        await large.close()

    base, big = statistics.median(empty_times), statistics.median(large_times)
    figure.add(
        f"time to ready, median of {STARTS} (s)",
        round(big, 2),
        baseline=round(base, 2),
        target=f"<= {TIME_FACTOR:g} x baseline",
        holds=big <= TIME_FACTOR * base,
    )
    figure.add(
        "peak RSS (MB)",
        large_rss,
        baseline=empty_rss,
        target=f"<= {RSS_LIMIT_MB:g}",
        holds=large_rss <= RSS_LIMIT_MB,
    )
    figure.add(
        "first start, commands synced (s)", round(large_times[0], 2), round(empty_times[0], 2)
    )
    figure.add("database size (MB)", round(size_mb, 1))
    figure.invariants = {"emulator_problems": len(problems)}
    figure.notes += problems
    figure.notes.append(f"seeding took {seconds_to_seed:.1f} s (not part of the figure)")
    return figure
