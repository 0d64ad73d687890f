"""The erasures log: who left, as keyed hashes, so a restored backup forgets them again.

A backup taken before someone used `/leave` still holds their rows. Each erasure
appends one line to ``<database stem>.erasures`` beside the database (for the
default ``speakback.db``, ``speakback.erasures``): the time and an HMAC of the
server and person made with the bot's secret key. The line says nothing about the
person to anyone without that key. The file is owner-only (0600), is never put in
a backup, and lines older than the oldest backup still kept are pruned when
backups are pruned (every kept backup already lacks those people).

`python -m bot restore` reads the lines written since the backup was taken and
erases everyone they match in the restored database, before the bot connects.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

SUFFIX = ".erasures"
GUILD_PREFIX = "guild:"


def log_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.stem + SUFFIX)


def keyed(secret: bytes, guild_id: int, user_id: int) -> str:
    """The line's hash of a person in a server: useless without the bot's secret key."""
    message = f"speakback:erasure:{guild_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def record(database_path: Path, secret: bytes, guild_id: int, user_id: int, now: datetime) -> None:
    """Append one erasure (after it has committed). A database in memory keeps no log."""
    if str(database_path) == ":memory:":
        return
    _append(database_path, f"{now.isoformat()} {keyed(secret, guild_id, user_id)}\n")


def _append(database_path: Path, line: str) -> None:
    if str(database_path) == ":memory:":
        return
    path = log_path(database_path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def record_guild(database_path: Path, guild_id: int, now: datetime) -> None:
    """Append a server's erasure (30 days after the bot was removed from it).

    A server's id says nothing about a person, so it is written as it is."""
    _append(database_path, f"{now.isoformat()} {GUILD_PREFIX}{guild_id}\n")


def erased_guilds(hashes: set[str]) -> set[int]:
    """The servers among `since()`'s lines."""
    return {int(h[len(GUILD_PREFIX) :]) for h in hashes if h.startswith(GUILD_PREFIX)}


def _entries(path: Path) -> Iterator[tuple[datetime, str]]:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return
    for raw in text.splitlines():
        when, _, digest = raw.partition(" ")
        try:
            yield datetime.fromisoformat(when), digest.strip()
        except ValueError:
            continue  # a torn last line after a crash: nothing to re-apply


def since(database_path: Path, moment: datetime) -> set[str]:
    """The hashes of erasures recorded at or after `moment`."""
    return {digest for when, digest in _entries(log_path(database_path)) if when >= moment}


def prune(database_path: Path, before: datetime) -> int:
    """Drop lines older than `before` (the oldest kept backup); how many were dropped."""
    path = log_path(database_path)
    entries = list(_entries(path))
    kept = [(when, digest) for when, digest in entries if when >= before]
    if len(kept) == len(entries):
        return 0
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, "".join(f"{w.isoformat()} {d}\n" for w, d in kept).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    return len(entries) - len(kept)
