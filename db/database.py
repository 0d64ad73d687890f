"""The one aiosqlite connection, its pragmas, transactions and migrations.

SQLite runs in WAL mode with foreign keys, a busy timeout, `secure_delete` (so
erased rows do not linger in free pages) and `synchronous=NORMAL` (durable
across a process crash, which is what "committed before the user sees done"
needs). One connection is shared by the whole bot; an asyncio lock keeps one
coroutine's transaction from interleaving with another's statements.

The public pages (web/) read through a second, read-only connection
(`Database.open_reader`): WAL lets it read while the bot writes, so a page does not
queue behind a burst of votes, and SQLite itself refuses any write through it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.files import create_private_file, private_directory, tighten

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000

READER_PRAGMAS = (
    "PRAGMA query_only=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS:d}",
)

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS:d}",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA secure_delete=ON",
)

_inside_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "speakback_inside_transaction", default=False
)


def to_iso(when: datetime | None) -> str | None:
    """How times are stored: ISO 8601 with their zone (always UTC here). None stays None."""
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError("times stored must be timezone-aware")
    return when.isoformat()


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class MigrationError(Exception):
    """A migration failed; the database stays at the version before it."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(package: str = "db.migrations") -> list[Migration]:
    """Numbered `NNNN_name.sql` files, in order (a test keeps the numbers gap-free)."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        number, _, _rest = entry.name.partition("_")
        if not number.isdigit():
            raise MigrationError(f"Migration file {entry.name} must start with a number like 0001_")
        found.append(Migration(int(number), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"Two migration files share a number: {sorted(versions)}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers with BEGIN...END stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise MigrationError(f"Incomplete SQL statement at the end: {buffer.strip()[:60]!r}")
    return statements


def _atomically(conn: sqlite3.Connection, fn: Callable[..., T], *args: Any) -> T:
    """In the database thread: BEGIN IMMEDIATE, fn, COMMIT; ROLLBACK if anything fails."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
        conn.execute("COMMIT")
    except BaseException:
        _rollback_if_open(conn)
        raise
    return result


def _rollback_if_open(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _checkpoint(conn: sqlite3.Connection, patience_ms: int) -> bool:
    """In the database thread: TRUNCATE checkpoint, waiting at most `patience_ms`;
    True if a reader elsewhere kept it from finishing."""
    conn.execute(f"PRAGMA busy_timeout={patience_ms:d}")
    try:
        # All rows read: an unread cursor counts as a statement in progress, and
        # SQLite would then refuse a VACUUM that follows.
        ((busy, _frames, _done),) = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS:d}")
    return bool(busy)


def _owner_only(path: Path) -> None:
    """Before opening: the folder made 0700 if new (only reported if it exists and is
    open to others), the database, WAL and SHM tightened to 0600 if they are wider, and
    a new database created 0600, which SQLite then gives its WAL and SHM files too."""
    private_directory(path.parent)
    tighten(path, "database")
    for suffix in ("-wal", "-shm", "-journal"):
        tighten(path.with_name(path.name + suffix), "database file")
    create_private_file(path)


def _read_at_once(
    conn: sqlite3.Connection,
    on_start: Callable[[], None] | None,
    reader: Callable[..., Any],
    *args: Any,
) -> Any:
    """In the database thread: `reader(_Immediate(conn), *args)` driven to its end inside
    one short read transaction (one consistent moment; BEGIN DEFERRED takes no write lock)."""
    if on_start is not None:
        on_start()
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        coroutine = reader(_Immediate(conn), *args)
        try:
            waited = coroutine.send(None)
        except StopIteration as done:
            return done.value
        coroutine.close()
        raise RuntimeError(
            f"read_at_once: {getattr(reader, '__name__', reader)} waited on {waited!r}; "
            "only database reads may be awaited in it"
        )
    finally:
        if began:
            _rollback_if_open(conn)  # nothing was written: ending it is all COMMIT would do


class _Immediate:
    """The reading half of `Database`, answering at once on the raw connection, in the
    database's thread: what `Database.read_at_once` hands the reader it runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def fetchall(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    async def fetchone(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(self._conn, *args)


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.strip().startswith("--") for ln in text.splitlines())


class Database:
    """The bot's database: `await Database.open(path)`, then queries and transactions."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # One statement stream on one connection: a transaction must not interleave.
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            _owner_only(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        return cls(conn, path)

    @classmethod
    async def open_reader(cls, path: str | Path) -> Database:
        """A second connection to the same file that can only read (the public pages').

        Opened `mode=ro` with `query_only=ON`, so a write through it fails in SQLite
        itself. The file must exist (the bot's own connection made it, 0600); in WAL
        mode it sees each commit as soon as it is made and never waits for the writer.
        Its reads are short (one statement, or one `read_at_once`), so it holds up a
        checkpoint for no longer than a page takes to read.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No database at {path} to read")
        conn = await aiosqlite.connect(
            path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None
        )
        conn.row_factory = sqlite3.Row
        try:
            for pragma in READER_PRAGMAS:
                await conn.execute(pragma)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path)

    async def close(self) -> None:
        await self.conn.close()

    # -- plain statements (each its own implicit transaction) ---------------

    # Each call is one hand-off to aiosqlite's thread (about 0.1 ms each): a read
    # executes and fetches in one go, a write reads its rowcount from the cursor.
    # Outside a transaction the lock keeps a statement from landing inside another
    # task's open transaction; inside one, the statement simply joins it.

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one statement; returns lastrowid (inserts) or rowcount."""
        cursor = await self._serial(self.conn.execute, sql, params)
        is_insert = sql.lstrip()[:6].upper() == "INSERT"
        return (cursor.lastrowid if is_insert else cursor.rowcount) or 0

    async def fetchone(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[sqlite3.Row]:
        return list(await self._serial(self.conn.execute_fetchall, sql, params))

    async def fetchval(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._serial(self.conn.executemany, sql, rows)

    # -- several statements in one hand-off (hot paths) ----------------------

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(connection, *args)` run in the database's thread, in ONE hand-off: for reads.

        For the hot paths (every button press reads a member, a poll, a ballot):
        the statements in `fn` run back to back on the raw `sqlite3.Connection`
        with nothing interleaving, instead of one thread round trip each. `fn` must
        be plain, quick SQL and Python: it runs off the event loop and must not
        touch asyncio or discord. Inside `transaction()` it joins the transaction;
        outside one, writes in `fn` would each commit on their own: use `atomic`.
        """
        return await self._serial(self._in_thread, fn, *args)

    async def read_at_once(
        self,
        reader: Callable[..., Awaitable[T]],
        *args: Any,
        on_start: Callable[[], None] | None = None,
    ) -> T:
        """`await reader(db, *args)`, for an async reader written against this class's
        reading methods (fetchone, fetchall, fetchval, run), run whole in the database's
        thread in ONE hand-off and one read transaction.

        For the public pages: a page's several queries would otherwise each wait their
        turn in the thread's queue and then for the event loop, which during a burst of
        votes costs far more than the queries. The reader must await nothing but those
        methods (no sleep, no thread, no other I/O): anything else is refused with a
        RuntimeError. It gets no `execute`, so it cannot write. `on_start`, if given, is
        called in the database's thread just before the read begins (web.shared uses it).
        """
        return await self.run(_read_at_once, on_start, reader, *args)

    async def atomic(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(connection, *args)` as one transaction, begun, run and committed in ONE
        hand-off (ROLLBACK if `fn` raises, and the exception comes back here).

        What `transaction()` does for a block of awaited statements, for a write on
        a hot path (a vote) that needs nothing from the event loop between its
        statements. Being one hand-off, it also cannot be left half-done by a
        cancelled task. Inside `transaction()` it joins the transaction.
        """
        if _inside_transaction.get():
            return await self._in_thread(fn, *args)
        return await self._serial(self._in_thread, _atomically, fn, *args)

    async def _serial(self, call: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Await `call(*args)` inside this task's open transaction, or else once no other
        task's transaction is open, so it never lands inside one. (A plain function,
        not a context manager: this is on every statement's path.)

        Only `transaction()` and `migrate()` hold the lock, across their awaits. A
        single hand-off (a statement, `run`, `atomic`) cannot interleave with another:
        aiosqlite's thread takes them first come, first served. So a call goes to
        the queue in the same step as it finds the lock free (nothing can begin a
        transaction in between); one that finds a transaction open waits its turn
        for the lock and lets go of it at once, so hundreds of presses waiting behind
        one transaction are released one loop turn apart, not one query apart.
        """
        if not _inside_transaction.get() and self._lock.locked():
            async with self._lock:
                pass
        return await call(*args)

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        # aiosqlite has no public "run this callable in the connection's thread";
        # `_execute` is how its own methods do it (stable since aiosqlite 0.17).
        return await self.conn._execute(fn, self.conn._conn, *args)

    # -- transactions -------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """`async with db.transaction():` — BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error.

        Statements made through `db` inside the block (in the same task) join it.
        Nesting is not supported: inner blocks simply join the outer transaction.
        """
        if _inside_transaction.get():
            yield self
            return
        async with self._lock:
            token = _inside_transaction.set(True)
            try:
                try:
                    # Inside the try: a task cancelled while awaiting BEGIN has still
                    # begun (aiosqlite's thread runs it), and must not leave it open.
                    await self.conn.execute("BEGIN IMMEDIATE")
                    yield self
                except BaseException:
                    await self._in_thread(_rollback_if_open)
                    raise
                else:
                    await self.conn.execute("COMMIT")
            finally:
                _inside_transaction.reset(token)

    # -- schema -------------------------------------------------------------

    async def user_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version") or 0)

    async def migrate(self, migrations: list[Migration] | None = None) -> list[str]:
        """Apply pending migrations, each in one transaction with its version bump."""
        migrations = load_migrations() if migrations is None else migrations
        current = await self.user_version()
        applied: list[str] = []
        for migration in migrations:
            if migration.version <= current:
                continue
            statements = split_statements(migration.sql)
            async with self._lock:
                try:
                    await self.conn.execute("BEGIN IMMEDIATE")
                    for statement in statements:
                        await self.conn.execute(statement)
                    await self.conn.execute(f"PRAGMA user_version = {migration.version:d}")
                    await self.conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    await self._in_thread(_rollback_if_open)
                    raise MigrationError(
                        f"Migration {migration.name} failed and was rolled back "
                        f"(database left at version {current}): {exc}"
                    ) from exc
            current = migration.version
            applied.append(migration.name)
            log.info("Applied migration %s", migration.name)
        return applied

    async def checkpoint(self, *, patience_ms: int = BUSY_TIMEOUT_MS) -> bool:
        """Fold the WAL into the main file and truncate it (after destroying secrets or
        links), so no earlier copy of a page stays in it. Returns whether it completed.

        A reader on another connection (a backup, the sqlite3 shell) holds it up: it
        waits at most `patience_ms`, during which nothing else reaches the database,
        then gives up with a warning; the WAL is folded in at a later checkpoint.
        """
        busy = await self.run(_checkpoint, patience_ms)
        if busy:
            log.warning("A WAL checkpoint could not finish: another connection is reading")
        return not busy
