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

    __slots__ = ("_begun", "_lock", "joiners")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._begun = False
        self.joiners: list[asyncio.Future[Any]] = []

    def begin(self) -> None:  # in the database's thread, just before BEGIN
        with self._lock:
            self._begun = True

    def join(self) -> bool:  # on the event loop: True if it has not begun, so its answer is fresh
        with self._lock:
            return not self._begun


class SharedReads:
    """`await shared.read(db, reader, *args)`: `db.read_at_once(reader, *args)`, shared
    with the requests for the same reader and arguments that arrive before it begins.

    The first request makes the read itself, in its own task (so its hand-off to the
    database's thread is queued at once, and it answers as soon as the read ends);
    those that join wait on a future it settles, one loop turn later. If it is
    cancelled, the ones that joined get a read of their own (begun later still).
    """

    def __init__(self) -> None:
        self._waiting: dict[Hashable, _Read] = {}
        self.reads = 0  # how many reads were made (the tests count them)
        self._handed_over: set[asyncio.Future[None]] = set()

    async def read(self, db: Database, reader: Callable[..., Awaitable[T]], *args: Hashable) -> T:
        key = (reader, args)
        waiting = self._waiting.get(key)
        if waiting is not None and waiting.join():
            mine: asyncio.Future[T] = asyncio.get_running_loop().create_future()
            waiting.joiners.append(mine)
            return await mine
        found = _Read()
        self._waiting[key] = found
        self.reads += 1
        try:
            result = await db.read_at_once(reader, *args, on_start=found.begin)
        except asyncio.CancelledError:
            self._forget(key, found)
            if found.joiners:
                task = asyncio.ensure_future(self._read_for(found.joiners, db, reader, args))
                self._handed_over.add(task)
                task.add_done_callback(self._handed_over.discard)
            raise
        except BaseException as error:
            self._forget(key, found)
            _settle(found.joiners, error=error)
            raise
        self._forget(key, found)
        _settle(found.joiners, result=result)
        return result

    async def _read_for(
        self, joiners: list[asyncio.Future[Any]], db: Database, reader: Callable, args: tuple
    ) -> None:
        self.reads += 1
        try:
            result = await db.read_at_once(reader, *args)
        except BaseException as error:
            _settle(joiners, error=error)
            if not isinstance(error, Exception):
                raise
        else:
            _settle(joiners, result=result)

    def _forget(self, key: Hashable, done: _Read) -> None:
        if self._waiting.get(key) is done:
            del self._waiting[key]


def _settle(
    joiners: list[asyncio.Future[Any]], *, result: Any = None, error: BaseException | None = None
) -> None:
    for future in joiners:
        if future.done():  # that request was cancelled
            continue
        if isinstance(error, asyncio.CancelledError):
            future.cancel()
        elif error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
