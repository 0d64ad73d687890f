"""Requests for the same page share a read that has not begun yet: never an older one.

Fifty people reloading one page while the community votes would otherwise make fifty
identical reads, one after another in the pages' database thread. Here a request
joins the read of the same page (same model function, same arguments) that is
waiting to begin, if there is one, and otherwise asks for a new one. Once a read has
begun nobody joins it; the next request starts the next read.

So this is not a cache. Every answer comes from a read that began after its request
arrived: an outcome update, an erasure or an unpublishing committed before someone
asks shows in what they get, exactly as without sharing. Nothing is kept after the
read ends. The "has it begun?" flag is set in the database's thread, just before
BEGIN, under a lock that the event loop takes to join.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from db.database import Database

T = TypeVar("T")


class _Read:
    """One read to come: joinable until the database's thread begins it."""

    __slots__ = ("_begun", "_lock", "task")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._begun = False
        self.task: asyncio.Future[Any] | None = None

    def begin(self) -> None:  # in the database's thread, just before BEGIN
        with self._lock:
            self._begun = True

    def join(self) -> bool:  # on the event loop: True if it has not begun, so its answer is fresh
        with self._lock:
            return not self._begun


class SharedReads:
    """`await shared.read(db, model.server_page, slug)`: `db.read_at_once(...)`, shared
    with the requests for the same page that arrive before that read begins."""

    def __init__(self) -> None:
        self._waiting: dict[Hashable, _Read] = {}
        self.reads = 0  # how many reads were made (the tests count them)

    async def read(self, db: Database, reader: Callable[..., Awaitable[T]], *args: Hashable) -> T:
        key = (reader, args)
        found = self._waiting.get(key)
        if found is None or not found.join():
            found = _Read()
            self._waiting[key] = found
            self.reads += 1
            found.task = asyncio.ensure_future(db.read_at_once(reader, *args, on_start=found.begin))
            found.task.add_done_callback(lambda task: self._forget(key, found, task))
        assert found.task is not None
        # Shielded: one reader leaving (a closed connection) must not cancel the others' read.
        return await asyncio.shield(found.task)

    def _forget(self, key: Hashable, done: _Read, task: asyncio.Future[Any]) -> None:
        if self._waiting.get(key) is done:
            del self._waiting[key]
        if not task.cancelled():
            task.exception()  # seen here: if every asker left, asyncio need not warn
