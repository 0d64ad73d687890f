"""Owner-only files: the database, its WAL and SHM, the secret, and any backup taken by the bot.

The process runs with ``umask 077`` (:func:`owner_only_umask`, first thing at
start-up), so every file it creates is readable and writable by its own account
only (0600) and every directory 0700. SQLite gives the WAL and SHM files the
database file's own mode, so an owner-only database keeps them owner-only too.

A database or secret file left with wider modes (made before this, or copied in
with ``cp``) is tightened to owner-only and that is logged. An existing folder is
never changed (it may be shared on purpose, e.g. a home directory); if other
accounts can reach it, the log says so.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("speakback.files")

OWNER_ONLY_UMASK = 0o077
DIRECTORY_MODE = 0o700
_reported: set[Path] = set()


def owner_only_umask() -> int:
    """From now on this process creates files 0600 and directories 0700; the old umask."""
    return os.umask(OWNER_ONLY_UMASK)


def private_directory(path: Path) -> None:
    """Make `path` (and any missing parents) 0700; an existing one is only reported."""
    missing: list[Path] = []
    here = path
    while not here.exists():
        missing.append(here)
        here = here.parent
    for directory in reversed(missing):
        directory.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
        log.info("Created the folder %s (owner-only)", directory)
    if not missing:
        _report_open_directory(path)


def tighten(path: Path, what: str) -> bool:
    """Make an existing file owner-only if others can read or write it; True if changed."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if not mode & 0o077:
        return False
    os.chmod(path, mode & 0o700)
    log.warning(
        "The %s %s could be read by other accounts on this computer (mode %04o); "
        "it is now owner-only (%04o)",
        what,
        path,
        mode,
        mode & 0o700,
    )
    return True


def create_private_file(path: Path) -> None:
    """Create `path` empty and owner-only if it does not exist (whatever the umask)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _report_open_directory(path: Path) -> None:
    resolved = path.resolve()
    if resolved in _reported:
        return
    mode = stat.S_IMODE(resolved.stat().st_mode)
    if mode & 0o077:
        _reported.add(resolved)
        log.warning(
            "The folder %s is open to other accounts on this computer (mode %04o). "
            "Speak Back does not change a folder it did not create; its own files in it "
            "are owner-only. To keep even their names private: chmod 700 %s",
            path,
            mode,
            path,
        )
