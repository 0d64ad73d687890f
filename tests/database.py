"""Speak Back's database as tests and benchmarks see it from outside the bot.

`rows` reads the bot's file read-only (what a test asserts on); `seed_members`
writes people who have joined straight into the real schema, for tests and
benchmarks where joining (three interactions each, tested on its own) is not
what is being measured.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path

from tests.emulator.world import GuildRef, Person, World


def db_path(world: World) -> Path:
    return world.root / "speakback.db"


def connect(path: Path) -> sqlite3.Connection:
    """A writer that waits (rather than fails) while the bot holds the write lock."""
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def rows(world: World, sql: str, params: Sequence = ()) -> list[tuple]:
    uri = f"file:{db_path(world)}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return conn.execute(sql, params).fetchall()


def seed_members(
    world: World,
    people: int | Iterable[str],
    *,
    guild: GuildRef | None = None,
    purposes: Iterable[str] = (),
) -> list[Person]:
    """People who have joined `guild` (the first server by default): the notice agreed
    and these DM purposes chosen. `people` is a list of names, or a count of
    people named member0, member1, ..."""
    names = [f"member{n}" for n in range(people)] if isinstance(people, int) else list(people)
    guild = guild or world.guild()
    seeded = [world.user(name, guilds=[guild]) for name in names]
    at = world.now.isoformat()
    granted = ("membership", *purposes)
    with closing(connect(db_path(world))) as conn, conn:
        conn.executemany(
            "INSERT OR IGNORE INTO members (guild_id, user_id, joined_at, notice_version) "
            "VALUES (?, ?, ?, 1)",
            [(guild.id, p.id, at) for p in seeded],
        )
        conn.executemany(
            "INSERT INTO member_consents (guild_id, user_id, purpose, granted, notice_version, at)"
            " VALUES (?, ?, ?, 1, 1, ?)",
            [(guild.id, p.id, purpose, at) for p in seeded for purpose in granted],
        )
    return seeded
