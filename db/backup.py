"""Consistent copies of the database, with SQLite's own backup API.

A file copy of a database in WAL mode can miss committed pages still in the WAL,
or catch a page half-written. `sqlite3.Connection.backup` copies every page of one
read snapshot instead, while the bot keeps running. The copy is made owner-only,
written in rollback mode (one self-contained file), and stamped in its `meta`
table with the moment the snapshot began (`backup_taken_at`) and the schema
version, which `python -m bot restore` reads back.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.database import BUSY_TIMEOUT_MS

TAKEN_AT = "backup_taken_at"
SECRET_KEY = "backup_secret"


@dataclass(frozen=True)
class BackupInfo:
    taken_at: datetime
    version: int
    sealed_secret: str | None  # the bot's secret, encrypted with the operator's passphrase


class NotABackup(Exception):
    """The file is not a backup Speak Back made."""


def copy(source: Path, destination: Path, taken_at: datetime, sealed_secret: str | None) -> None:
    """Copy `source` into a new owner-only `destination` (which must not exist)."""
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)  # all pages in one step: one read snapshot
            dst.execute("PRAGMA journal_mode=DELETE")
            with dst:
                dst.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (TAKEN_AT, taken_at.isoformat()),
                )
                dst.execute("DELETE FROM meta WHERE key = ?", (SECRET_KEY,))
                if sealed_secret is not None:
                    dst.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?)", (SECRET_KEY, sealed_secret)
                    )
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(destination, 0o600)


def read_info(path: Path) -> BackupInfo:
    """What a backup says about itself; NotABackup if it is not one of ours."""
    if not path.is_file():
        raise NotABackup(f"There is no file at {path}.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            rows = dict(
                conn.execute(
                    "SELECT key, value FROM meta WHERE key IN (?, ?)", (TAKEN_AT, SECRET_KEY)
                ).fetchall()
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise NotABackup(f"{path} is not a Speak Back backup ({error}).") from error
    if TAKEN_AT not in rows:
        raise NotABackup(f"{path} is not a backup made by `python -m bot backup`.")
    return BackupInfo(datetime.fromisoformat(rows[TAKEN_AT]), int(version), rows.get(SECRET_KEY))


def replace_database(backup: Path, database: Path) -> None:
    """Make `database` an exact copy of `backup` (the bot must not be running)."""
    for suffix in ("-wal", "-shm"):
        try:
            os.remove(database.with_name(database.name + suffix))
        except FileNotFoundError:
            pass
    temporary = database.with_name(database.name + ".restoring")
    try:
        os.remove(temporary)
    except FileNotFoundError:
        pass
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)
            dst.execute("PRAGMA secure_delete=ON")  # the sealed secret leaves no trace
            with dst:
                dst.execute("DELETE FROM meta WHERE key IN (?, ?)", (TAKEN_AT, SECRET_KEY))
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(temporary, database)
