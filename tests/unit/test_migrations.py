import asyncio
import json
import sqlite3
from datetime import UTC, datetime

import pytest

from db import drafts
from db.database import Database, Migration, MigrationError, load_migrations, split_statements


async def test_fresh_database_reaches_the_latest_version_and_rerun_is_a_no_op(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    try:
        applied = await db.migrate()
        latest = len(load_migrations())
        assert len(applied) == latest
        assert await db.user_version() == latest
        assert await db.migrate() == []
        assert await db.user_version() == latest
    finally:
        await db.close()


async def test_upgrading_gives_every_server_with_members_a_settings_row(tmp_path):
    # Before 0016 a server on every default had no row; it needs one to record which
    # edition of the built-in notice its members agreed to.
    db = await Database.open(tmp_path / "a.db")
    try:
        before = [m for m in load_migrations() if m.version < 16]
        await db.migrate(before)
        await db.execute(
            "INSERT INTO members (guild_id, user_id, joined_at, notice_version) "
            "VALUES (5, 1, '2026-11-01T09:00:00+00:00', 1), (5, 2, '2026-11-01T09:00:00+00:00', 1)"
        )
        await db.execute(
            "INSERT INTO guild_settings (guild_id, notice_text, notice_version, updated_at) "
            "VALUES (6, 'Our own words', 3, '2026-11-01T09:00:00+00:00')"
        )
        await db.migrate()
        rows = await db.fetchall(
            "SELECT guild_id, notice_version, default_notice_edition FROM guild_settings "
            "ORDER BY guild_id"
        )
        assert [tuple(r) for r in rows] == [(5, 1, 1), (6, 3, 1)]
    finally:
        await db.close()


async def test_join_and_leave_history_becomes_daily_counts_with_no_identifier(tmp_path):
    # Each event used to be a row under a keyed hash of the person, kept for ever.
    [daily] = [m for m in load_migrations() if m.name.endswith("_membership_daily_counts.sql")]
    db = await Database.open(tmp_path / "a.db")
    try:
        await db.migrate([m for m in load_migrations() if m.version < daily.version])
        alice, bob, carol = ("a" * 64, "b" * 64, "c" * 64)  # HMAC-SHA256 hex, as stored
        await db.executemany(
            "INSERT INTO membership_events (guild_id, subject, event, on_day) VALUES (?, ?, ?, ?)",
            [
                (5, alice, "joined", "2026-11-01"),
                (5, bob, "joined", "2026-11-01"),
                (5, alice, "left", "2026-11-01"),
                (5, carol, "joined", "2026-11-03"),
                (5, alice, "joined", "2026-11-03"),
                (5, carol, "left", "2026-11-20"),
                (6, alice, "joined", "2026-11-01"),
            ],
        )
        await db.migrate()
        counts = await db.fetchall(
            "SELECT guild_id, on_day, joins, leaves FROM membership_daily_counts "
            "ORDER BY guild_id, on_day"
        )
        assert [tuple(r) for r in counts] == [
            (5, "2026-11-01", 2, 1),
            (5, "2026-11-03", 2, 0),
            (5, "2026-11-20", 0, 1),
            (6, "2026-11-01", 1, 0),
        ]
        columns = [
            c["name"] for c in await db.fetchall("PRAGMA table_info(membership_daily_counts)")
        ]
        assert columns == ["guild_id", "on_day", "joins", "leaves"]
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "membership_events" not in tables
        await db.checkpoint()
    finally:
        await db.close()
    # Not a trace of any pseudonym left in the file (secure_delete zeroes freed pages).
    data = (tmp_path / "a.db").read_bytes()
    assert all(subject.encode() not in data for subject in (alice, bob, carol))


async def test_pragmas_are_on(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    try:
        assert (await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchval("PRAGMA secure_delete") == 1
        assert await db.fetchval("PRAGMA busy_timeout") == 5000
    finally:
        await db.close()


async def test_a_failing_migration_rolls_back_whole_and_names_the_file(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    good = Migration(1, "0001_good.sql", "CREATE TABLE a (x INTEGER);")
    bad = Migration(
        2,
        "0002_bad.sql",
        "CREATE TABLE b (y INTEGER);\nINSERT INTO a VALUES (1);\nINSERT INTO nowhere VALUES (1);",
    )
    try:
        await db.migrate([good])
        with pytest.raises(MigrationError, match=r"0002_bad\.sql") as caught:
            await db.migrate([good, bad])
        assert "version 1" in str(caught.value)
        assert await db.user_version() == 1
        tables = {
            r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert "b" not in tables
        assert await db.fetchval("SELECT count(*) FROM a") == 0
    finally:
        await db.close()


def test_statement_splitting_keeps_triggers_whole():
    sql = """
    CREATE TABLE t (x INTEGER); -- a comment; with a semicolon
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = x + 1;
        UPDATE t SET x = x + 2;
    END;
    """
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_migration_files_are_numbered_without_gaps():
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))


async def test_transaction_rolls_back_on_error(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    try:
        await db.migrate([Migration(1, "0001_t.sql", "CREATE TABLE t (x INTEGER);")])
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")
                raise RuntimeError("boom")
        assert await db.fetchval("SELECT count(*) FROM t") == 0
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (2)")
        assert await db.fetchval("SELECT x FROM t") == 2
    finally:
        await db.close()


async def _table_t(tmp_path) -> Database:
    db = await Database.open(tmp_path / "a.db")
    await db.migrate([Migration(1, "0001_t.sql", "CREATE TABLE t (x INTEGER UNIQUE);")])
    return db


async def test_atomic_commits_all_or_nothing(tmp_path):
    db = await _table_t(tmp_path)
    try:

        def two_rows(conn, first, second):
            conn.execute("INSERT INTO t VALUES (?)", (first,))
            conn.execute("INSERT INTO t VALUES (?)", (second,))
            return "done"

        assert await db.atomic(two_rows, 1, 2) == "done"
        # The second insert breaks UNIQUE: the first of the pair must not stay either.
        with pytest.raises(sqlite3.IntegrityError):
            await db.atomic(two_rows, 3, 1)
        assert [r[0] for r in await db.fetchall("SELECT x FROM t ORDER BY x")] == [1, 2]
        assert not db.conn.in_transaction  # nothing left open for the next caller
    finally:
        await db.close()


async def test_atomic_and_run_join_an_open_transaction(tmp_path):
    db = await _table_t(tmp_path)
    try:

        def add(conn, x):
            conn.execute("INSERT INTO t VALUES (?)", (x,))

        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.atomic(add, 1)
                await db.run(add, 2)
                raise RuntimeError("the outer block fails after both")
        assert await db.fetchval("SELECT count(*) FROM t") == 0
    finally:
        await db.close()


async def test_statements_from_other_tasks_wait_for_an_open_transaction(tmp_path):
    db = await _table_t(tmp_path)
    try:
        inside = asyncio.Event()
        release = asyncio.Event()

        async def slow_transaction():
            with pytest.raises(RuntimeError):
                async with db.transaction():
                    await db.execute("INSERT INTO t VALUES (1)")
                    inside.set()
                    await release.wait()
                    raise RuntimeError("rolled back")

        def add(conn, x):
            conn.execute("INSERT INTO t VALUES (?)", (x,))

        task = asyncio.create_task(slow_transaction())
        await inside.wait()
        others = [
            asyncio.create_task(db.atomic(add, 2)),
            asyncio.create_task(db.execute("INSERT INTO t VALUES (3)")),
            asyncio.create_task(db.run(add, 4)),
        ]
        await asyncio.sleep(0.05)
        # None slipped into (and got rolled back with) the other task's transaction.
        assert not any(other.done() for other in others)
        release.set()
        await task
        await asyncio.gather(*others)
        assert sorted(r[0] for r in await db.fetchall("SELECT x FROM t")) == [2, 3, 4]
    finally:
        await db.close()


async def test_a_transaction_cancelled_while_beginning_leaves_nothing_open(tmp_path):
    # Shutdown cancels the outbox sender, which may be just beginning a transaction:
    # aiosqlite's thread still runs the BEGIN, and it must not stay open for everyone.
    db = await _table_t(tmp_path)
    try:

        async def write_later():
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")

        task = asyncio.create_task(write_later())
        await asyncio.sleep(0)  # it has taken the lock and is awaiting BEGIN
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await db.fetchall("SELECT 1")  # after whatever the cancelled task queued
        assert not db.conn.in_transaction
        await db.atomic(lambda conn: conn.execute("INSERT INTO t VALUES (2)"))
        assert [r[0] for r in await db.fetchall("SELECT x FROM t")] == [2]
    finally:
        await db.close()


async def test_kept_notes_move_to_the_one_form_store_under_their_old_number(tmp_path):
    # Notes refused before 0028 were kept in note_drafts; their Fix it buttons
    # (note:fix:<n>) find them in form_drafts by that number.
    [one] = [m for m in load_migrations() if m.name.endswith("_one_fix_it.sql")]
    db = await Database.open(tmp_path / "a.db")
    try:
        await db.migrate([m for m in load_migrations() if m.version < one.version])
        typed = {
            "kind": "meeting",
            "item_key": "4:20261203T1800",
            "note": "Room 4",
            "contact": "me",
        }
        await db.execute(
            "INSERT INTO note_drafts (id, guild_id, user_id, data, created_at) "
            "VALUES (7, 5, 1, ?, '2026-12-01T09:00:00.250000+00:00')",
            (json.dumps(typed),),
        )
        await db.execute(
            "INSERT INTO form_drafts (guild_id, user_id, form, context, fields, created_at) "
            "VALUES (5, 2, 'member:details', '{}', '{}', '2026-12-01T09:00:00+00:00')"
        )
        await db.migrate()
        found = [
            tuple(r)
            for r in await db.fetchall(
                "SELECT guild_id, user_id, form, context, fields, expires_at FROM form_drafts "
                "ORDER BY id"
            )
        ]
        assert [(g, u, f, e) for g, u, f, _c, _t, e in found] == [
            (5, 2, "member:details", "2026-12-01T09:15:00+00:00"),
            (5, 1, "note", "2026-12-03T09:00:00+00:00"),
        ]
        assert json.loads(found[1][3]) == {
            "kind": "meeting",
            "item_key": "4:20261203T1800",
            "note_draft": 7,
        }
        assert json.loads(found[1][4]) == {"note": "Room 4", "contact": "me"}
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "note_drafts" not in tables
        moved = await drafts.form_id_by(db, "note", "note_draft", 7, 1)
        assert moved is not None and await drafts.form_id_by(db, "note", "note_draft", 7, 2) is None
        kept = await drafts.take_form(db, moved, 1, datetime(2026, 12, 2, 9, tzinfo=UTC))
        assert kept is not None and not kept.expired and kept.fields["note"] == "Room 4"
    finally:
        await db.close()
