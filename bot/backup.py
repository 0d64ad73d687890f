"""`python -m bot backup` and `python -m bot restore`: backups that keep the promises.

A backup is one owner-only SQLite file made with SQLite's backup API while the bot
runs (db/backup.py). The bot's secret key never goes into it in the clear: with a
passphrase (`BACKUP_PASSPHRASE`, or typed at the prompt) it is sealed with
Fernet under a key stretched from the passphrase by scrypt; without one it is left
out, and the operator keeps `speakback.secret` (or `SPEAKBACK_SECRET`) separately.
Without that key the file alone links no anonymous ballot to anyone.

A restore replaces the database with the backup, migrates it forward, and before
the bot next connects puts right what happened since the backup (db/restore.py):
people who left are erased again (from the erasures log, db/erasures.py), messages
queued before the backup are not sent again, reminders due in between are
recorded as missed, and polls past their closing time are closed.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from bot.lock import InstanceLock
from db import backup as copies
from db import erasures
from db import restore as fixes
from db.database import Database, load_migrations

BACKUP_SUFFIXES = (".db", ".sqlite", ".sqlite3")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# -- the sealed secret ----------------------------------------------------------------


def _fernet(passphrase: str, salt: bytes) -> Fernet:
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return Fernet(base64.urlsafe_b64encode(kdf.derive(passphrase.encode())))


def seal(secret: bytes, passphrase: str) -> str:
    salt = secrets.token_bytes(16)
    token = _fernet(passphrase, salt).encrypt(secret)
    return json.dumps(
        {
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode(),
            "fernet": token.decode(),
        }
    )


def unseal(sealed: str, passphrase: str) -> bytes:
    data = json.loads(sealed)
    try:
        return _fernet(passphrase, base64.b64decode(data["salt"])).decrypt(data["fernet"])
    except InvalidToken:
        raise BackupError(
            "That passphrase does not open the secret key in this backup. Check it and try again."
        ) from None


# -- backup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupDone:
    path: Path
    secret_included: bool
    removed: list[Path] = field(default_factory=list)
    erasures_pruned: int = 0


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _target(database: Path, where: Path | None, now: datetime) -> tuple[Path, Path | None]:
    """(the backup's file, the folder whose old backups --keep prunes, if any)."""
    name = f"{database.stem}-{_stamp(now)}.db"
    if where is None:
        folder = database.parent / "backups"
        return folder / name, folder
    if where.suffix in BACKUP_SUFFIXES and not where.is_dir():
        return where, None
    return where / name, where


def _ours(folder: Path, database: Path) -> list[Path]:
    return sorted(folder.glob(f"{database.stem}-*T*Z.db"))


def backup(
    database: Path,
    secret: bytes,
    where: Path | None = None,
    *,
    keep: int | None = None,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> BackupDone:
    if not database.is_file():
        raise BackupError(f"There is no database at {database} to back up.")
    now = now or datetime.now(UTC)
    path, folder = _target(database, where, now)
    if keep is not None and folder is None:
        raise BackupError("--keep needs a folder of backups, not one file name.")
    if path.exists():
        raise BackupError(f"{path} already exists; nothing was overwritten.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    sealed = seal(secret, passphrase) if passphrase and secret else None
    copies.copy(database, path, now, sealed)
    removed: list[Path] = []
    pruned = 0
    if keep is not None and folder is not None:
        kept = _ours(folder, database)
        for old in kept[: max(0, len(kept) - keep)]:
            old.unlink()
            removed.append(old)
        remaining = _ours(folder, database)
        if remaining:
            pruned = erasures.prune(database, copies.read_info(remaining[0]).taken_at)
    return BackupDone(path, sealed is not None, removed, pruned)


# -- restore --------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreDone:
    taken_at: datetime
    migrated: list[str]
    erased_again: int
    messages_not_resent: int
    reminders_missed: int
    polls_closed: int
    secret_restored: bool


def restore(
    database: Path,
    backup_path: Path,
    secret: bytes,
    *,
    secret_file: Path,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> RestoreDone:
    """Replace the database with `backup_path` and put right what happened since.

    `secret` is the key configured now (empty when none is); with none, the backup's
    sealed key is unsealed with `passphrase` and written to `secret_file`.
    """
    now = now or datetime.now(UTC)
    lock = InstanceLock(database)
    try:
        lock.acquire()
    except Exception:
        raise BackupError(
            f"Speak Back is running with this database (it holds {lock.path}). Stop it "
            "first (for example `systemctl stop speakback` or `docker compose stop`), "
            "then restore."
        ) from None
    try:
        try:
            info = copies.read_info(backup_path)
        except copies.NotABackup as error:
            raise BackupError(str(error)) from None
        known = max((m.version for m in load_migrations()), default=0)
        if info.version > known:
            raise BackupError(
                f"This backup comes from a newer Speak Back (database version {info.version}; "
                f"this code knows {known}). Update the code first, then restore."
            )
        secret_restored = False
        if not secret:
            if info.sealed_secret is None or not passphrase:
                raise BackupError(
                    "There is no secret key here (speakback.secret or SPEAKBACK_SECRET), and "
                    "this backup holds none that can be opened without its passphrase. Put the "
                    "key you kept back first (or set BACKUP_PASSPHRASE), then restore."
                )
            secret = unseal(info.sealed_secret, passphrase)
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, secret)
            finally:
                os.close(fd)
            secret_restored = True
        copies.replace_database(backup_path, database)
        done = asyncio.run(_put_right(database, info.taken_at, secret, now))
        return RestoreDone(info.taken_at, *done, secret_restored=secret_restored)
    finally:
        lock.release()


async def _put_right(
    database: Path, taken_at: datetime, secret: bytes, now: datetime
) -> tuple[list[str], int, int, int, int]:
    db = await Database.open(database)
    try:
        migrated = await db.migrate()
        async with db.transaction():
            erased = await fixes.reapply_erasures(db, erasures.since(database, taken_at), secret)
            cancelled = await fixes.cancel_queued_before(db, taken_at)
            missed = await fixes.miss_reminders_between(db, taken_at, now)
        closed = await fixes.close_overdue_polls(db, now)
        await db.checkpoint()
        await db.execute("VACUUM")  # erased rows and destroyed keys leave no free pages
        await db.checkpoint()
    finally:
        await db.close()
    return migrated, erased, cancelled, missed, closed
