"""Backups that keep the promises: a restore forgets who left, sends nothing twice,
misses reminders honestly, closes overdue polls, and a backup alone links no ballot."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta

import pytest

from bot.backup import BackupError, backup, restore, unseal
from bot.domain.polls import check_settings
from bot.lock import InstanceLock
from db import backup as copies
from db import erasures, jobs, members, outbox, polls
from db.database import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"0123456789abcdef" * 4
GUILD = 7
ALICE, BOB, CAROL = 314159265358979323, 271828182845904523, 161803398874989484


def run(coro):
    return asyncio.run(coro)


async def _open(path):
    db = await Database.open(path)
    await db.migrate()
    return db


async def _seed(path):
    """Three members, an open anonymous poll they voted in (closing in a day), one
    message queued, one reminder due in an hour."""
    db = await _open(path)
    try:
        for user_id in (ALICE, BOB, CAROL):
            await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
        settings = check_settings(
            kind="single", max_choices=None, anonymous=True, results="at_close",
            closes_at=NOW + timedelta(days=1), content_note=None, reasons=False,
        )  # fmt: skip
        poll_id = await polls.create_poll(
            db, guild_id=GUILD, channel_id=55, question="What first?", options=["A", "B"],
            settings=settings, max_choices=None, now=NOW,
        )  # fmt: skip
        for user_id, choice in ((ALICE, "0"), (BOB, "1"), (CAROL, "1")):
            await polls.cast_vote(
                db, poll_id, guild_id=GUILD, user_id=user_id, choice=choice, group=None,
                voter_name=None, now=NOW, secret=SECRET,
            )  # fmt: skip
        await outbox.enqueue(
            db, kind="dm", payload={"content": "hello"}, now=NOW, guild_id=GUILD, user_id=ALICE,
            purpose="reminders", dedupe_key="queued-before",
        )  # fmt: skip
        await jobs.schedule(
            db, "meeting_reminder", NOW + timedelta(hours=1), {}, "reminder:1", GUILD
        )
        return poll_id
    finally:
        await db.close()


async def _leave(path, user_id, when):
    db = await Database.open(path)
    try:
        await members.leave(db, GUILD, user_id, when, SECRET)
    finally:
        await db.close()


def test_a_restore_erases_again_who_left_and_sends_and_reminds_nothing_twice(tmp_path):
    database = tmp_path / "speakback.db"
    poll_id = run(_seed(database))
    taken = backup(database, SECRET, now=NOW + timedelta(minutes=5))
    run(_leave(database, BOB, NOW + timedelta(hours=2)))
    assert oct(stat.S_IMODE(erasures.log_path(database).stat().st_mode)) == "0o600"

    later = NOW + timedelta(days=2)  # past the poll's close and the reminder
    done = restore(
        database, taken.path, SECRET, secret_file=tmp_path / "speakback.secret", now=later
    )
    assert (done.erased_again, done.messages_not_resent) == (1, 1)
    assert (done.reminders_missed, done.polls_closed) == (1, 1)

    async def check():
        db = await Database.open(database)
        try:
            assert await members.is_member(db, GUILD, ALICE)
            assert not await members.is_member(db, GUILD, BOB)  # left after the backup
            queued = await db.fetchone(
                "SELECT state FROM outbox WHERE dedupe_key = ?", ("queued-before",)
            )
            assert queued["state"] == "cancelled"
            reminder = await db.fetchone("SELECT state FROM jobs WHERE key = 'reminder:1'")
            assert reminder["state"] == "missed"
            poll = await polls.get_poll(db, poll_id)
            assert poll.state == "closed" and poll.turnout == 3  # Bob's vote still counts
            assert await db.fetchval("SELECT count(*) FROM poll_secrets") == 0
            # Bob's person id is nowhere in the restored database.
            for table in [
                r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
            ]:
                for row in await db.fetchall(f"SELECT * FROM {table}"):
                    assert BOB not in tuple(row), table
        finally:
            await db.close()

    run(check())
    raw = database.read_bytes()
    assert str(BOB).encode() not in raw


def test_an_erasure_before_the_backup_is_not_applied_to_someone_who_came_back(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    run(_leave(database, CAROL, NOW + timedelta(minutes=1)))

    async def rejoin():
        db = await Database.open(database)
        try:
            await members.agree(db, GUILD, CAROL, notice_version=1, now=NOW, secret=SECRET)
        finally:
            await db.close()

    run(rejoin())
    taken = backup(database, SECRET, now=NOW + timedelta(minutes=10))
    done = restore(
        database, taken.path, SECRET, secret_file=tmp_path / "s", now=NOW + timedelta(hours=1)
    )
    assert done.erased_again == 0

    async def check():
        db = await Database.open(database)
        try:
            assert await members.is_member(db, GUILD, CAROL)
        finally:
            await db.close()

    run(check())


def test_a_backup_without_a_passphrase_alone_links_no_ballot(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    taken = backup(database, SECRET, now=NOW)
    assert not taken.secret_included
    assert oct(stat.S_IMODE(taken.path.stat().st_mode)) == "0o600"
    raw = taken.path.read_bytes()
    assert SECRET not in raw
    info = copies.read_info(taken.path)
    assert info.sealed_secret is None and info.taken_at == NOW
    conn = sqlite3.connect(taken.path)
    try:
        # The ballots hold no person's id; only a keyed code that needs the bot's key.
        for row in conn.execute("SELECT * FROM ballots"):
            assert not {ALICE, BOB, CAROL} & set(row)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_with_a_passphrase_the_secret_is_sealed_and_comes_back_only_with_it(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    taken = backup(database, SECRET, tmp_path / "b", passphrase="correct horse", now=NOW)
    assert taken.secret_included and SECRET not in taken.path.read_bytes()
    sealed = copies.read_info(taken.path).sealed_secret
    assert unseal(sealed, "correct horse") == SECRET
    with pytest.raises(BackupError, match="passphrase"):
        unseal(sealed, "wrong")
    # On a new machine with no key: the restore brings it back, owner-only.
    fresh = tmp_path / "new"
    fresh.mkdir()
    secret_file = fresh / "speakback.secret"
    done = restore(
        fresh / "speakback.db", taken.path, b"", secret_file=secret_file,
        passphrase="correct horse", now=NOW + timedelta(hours=1),
    )  # fmt: skip
    assert done.secret_restored and secret_file.read_bytes() == SECRET
    assert oct(stat.S_IMODE(secret_file.stat().st_mode)) == "0o600"
    # The sealed key is not left in the restored database.
    assert copies.SECRET_KEY.encode() not in (fresh / "speakback.db").read_bytes()


def test_restore_without_any_key_is_refused_and_changes_nothing(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    taken = backup(database, SECRET, now=NOW)
    before = database.read_bytes()
    with pytest.raises(BackupError, match="no secret key"):
        restore(database, taken.path, b"", secret_file=tmp_path / "s", now=NOW)
    assert database.read_bytes() == before


def test_restore_is_refused_while_the_bot_holds_its_lock(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    taken = backup(database, SECRET, now=NOW)
    with InstanceLock(database) as lock:
        assert lock.path.name == "speakback.lock"
        with pytest.raises(BackupError, match="running"):
            restore(database, taken.path, SECRET, secret_file=tmp_path / "s", now=NOW)
    restore(database, taken.path, SECRET, secret_file=tmp_path / "s", now=NOW)  # once stopped


def test_a_backup_from_newer_code_is_refused(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    taken = backup(database, SECRET, now=NOW)
    conn = sqlite3.connect(taken.path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(BackupError, match="newer"):
        restore(database, taken.path, SECRET, secret_file=tmp_path / "s", now=NOW)


def test_an_older_backup_is_migrated_forward(tmp_path):
    from db.database import load_migrations

    migrations = load_migrations()
    older = tmp_path / "older.db"

    async def make_older():
        db = await Database.open(older)
        try:
            await db.migrate(migrations[:-1])  # made by the code before the newest change
        finally:
            await db.close()

    run(make_older())
    copies.copy(older, tmp_path / "older-backup.db", NOW, None)
    database = tmp_path / "speakback.db"
    done = restore(
        database, tmp_path / "older-backup.db", SECRET, secret_file=tmp_path / "s", now=NOW
    )
    assert done.migrated == [migrations[-1].name]
    conn = sqlite3.connect(database)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations[-1].version
    conn.close()


def test_keep_prunes_old_backups_and_the_erasures_they_no_longer_need(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    folder = tmp_path / "backups"
    first = backup(database, SECRET, folder, keep=2, now=NOW + timedelta(days=1))
    run(_leave(database, CAROL, NOW + timedelta(days=1, hours=1)))
    second = backup(database, SECRET, folder, keep=2, now=NOW + timedelta(days=2))
    run(_leave(database, BOB, NOW + timedelta(days=2, hours=1)))
    # Both lines matter while the first backup (which still holds both) is kept.
    assert second.erasures_pruned == 0
    assert erasures.since(database, NOW) == {
        erasures.keyed(SECRET, GUILD, CAROL),
        erasures.keyed(SECRET, GUILD, BOB),
    }
    third = backup(database, SECRET, folder, keep=2, now=NOW + timedelta(days=3))
    assert third.removed == [first.path] and not first.path.exists()
    assert second.path.exists() and third.path.exists()
    # Carol left before every backup still kept: her line is no longer needed.
    assert third.erasures_pruned == 1
    assert erasures.since(database, NOW) == {erasures.keyed(SECRET, GUILD, BOB)}


def test_the_erasures_log_is_never_in_a_backup_and_says_nothing_without_the_key(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    run(_leave(database, ALICE, NOW))
    text = erasures.log_path(database).read_text()
    when, digest = text.split()  # one line: a time and a keyed hash, nothing else
    assert datetime.fromisoformat(when) == NOW and len(digest) == 64
    assert str(ALICE) not in text
    taken = backup(database, SECRET, now=NOW + timedelta(hours=1))
    assert erasures.keyed(SECRET, GUILD, ALICE).encode() not in taken.path.read_bytes()


def test_a_backup_never_overwrites(tmp_path):
    database = tmp_path / "speakback.db"
    run(_seed(database))
    target = tmp_path / "one.db"
    backup(database, SECRET, target, now=NOW)
    with pytest.raises(BackupError, match="already exists"):
        backup(database, SECRET, target, now=NOW)
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "missing.db", SECRET, now=NOW)


def test_backup_and_restore_from_the_command_line(tmp_path):
    from tests.unit.test_cli import _run

    database = tmp_path / "speakback.db"
    run(_seed(database))
    env = {"DATABASE_PATH": str(database), "SPEAKBACK_SECRET": SECRET.decode()}
    made = _run(["backup", str(tmp_path / "bk"), "--keep", "3"], env, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "not in it" in made.stdout  # no passphrase: says to keep the key apart
    (path,) = (tmp_path / "bk").glob("speakback-*.db")
    again = _run(["restore", str(path)], env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Restored the backup" in again.stdout and "Traceback" not in again.stderr
    bad = _run(["backup", "--keep", "0"], env, tmp_path)
    assert bad.returncode != 0 and "1 or more" in bad.stderr
    missing = _run(["restore", str(tmp_path / "nothing.db")], env, tmp_path)
    assert missing.returncode == 1 and "no file" in missing.stderr.lower()
    assert "Traceback" not in missing.stderr
    assert not os.path.exists(tmp_path / "speakback.secret")


def test_a_server_erased_after_the_backup_is_erased_again(tmp_path):
    from db import guilds

    database = tmp_path / "speakback.db"
    run(_seed(database))
    taken = backup(database, SECRET, now=NOW)

    async def erase():
        db = await Database.open(database)
        try:
            await guilds.erase_guild(db, GUILD, NOW + timedelta(days=30))
        finally:
            await db.close()

    run(erase())
    done = restore(
        database, taken.path, SECRET, secret_file=tmp_path / "s", now=NOW + timedelta(days=31)
    )
    assert done.erased_again == 0  # nobody of that server is left to match

    async def check():
        db = await Database.open(database)
        try:
            assert await db.fetchval("SELECT count(*) FROM members") == 0
            assert await db.fetchval("SELECT count(*) FROM polls") == 0
        finally:
            await db.close()

    run(check())


def test_a_second_bot_on_the_same_database_is_refused_before_connecting(tmp_path):
    from tests.unit.test_cli import _run

    database = tmp_path / "speakback.db"
    env = {"DISCORD_TOKEN": "MTIz.abc.defghijklmnop", "DATABASE_PATH": str(database)}
    with InstanceLock(database):
        result = _run(["run"], env, tmp_path)
    assert result.returncode == 2
    assert "already running" in result.stderr and "Traceback" not in result.stderr
