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

    __slots__ = ("_begun", "_lock", "askers", "loop", "settled")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._lock = threading.Lock()
        self._begun = False
        self.loop = loop
        self.askers: list[asyncio.Future[Any]] = []
        self.settled = False

    def begin(self) -> None:  # in the database's thread, just before BEGIN
        with self._lock:
            self._begun = True

    def join(self) -> bool:  # on the event loop: True if it has not begun, so its answer is fresh
        with self._lock:
            return not self._begun

    def deliver(self, result: Any = None, error: BaseException | None = None) -> None:
        """From the database's thread, as soon as the read is done: every asker is
        woken in the loop's next turn (not one turn after whoever made the read)."""
        try:
            self.loop.call_soon_threadsafe(self.settle, result, error)
        except RuntimeError:  # the loop has closed (shutting down): nobody is waiting
            pass

    def settle(self, result: Any = None, error: BaseException | None = None) -> None:
        if self.settled:
            return
        self.settled = True
        for future in self.askers:
            if future.done():  # that request was cancelled
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)


async def _delivering(db: Any, found: _Read, reader: Callable[..., Awaitable[Any]], *args: Any):
    """The reader, run by `read_at_once` in the database's thread, handing its answer
    (or its error) to every asker from there."""
    try:
        result = await reader(db, *args)
    except Exception as error:
        found.deliver(error=error)
        raise
    found.deliver(result)
    return result


class SharedReads:
    """`await shared.read(db, reader, *args)`: `db.read_at_once(reader, *args)`, shared
    with the requests for the same reader and arguments that arrive before it begins.

    The first request queues the read at once, from its own task; the database's
    thread hands the answer to every request that shared it, itself included. A
    request that leaves (cancelled) leaves the read to the others.
    """

    def __init__(self) -> None:
        self._waiting: dict[Hashable, _Read] = {}
        self.reads = 0  # how many reads were made (the tests count them)

    async def read(self, db: Database, reader: Callable[..., Awaitable[T]], *args: Hashable) -> T:
        key = (reader, args)
        loop = asyncio.get_running_loop()
        mine: asyncio.Future[T] = loop.create_future()
        waiting = self._waiting.get(key)
        if waiting is not None and waiting.join():
            waiting.askers.append(mine)
            return await mine
        found = _Read(loop)
        found.askers.append(mine)
        self._waiting[key] = found
        self.reads += 1
        mine.add_done_callback(lambda _: self._forget(key, found))
        try:
            await db.read_at_once(_delivering, found, reader, *args, on_start=found.begin)
        except asyncio.CancelledError:
            # This request left: the read goes on in the database's thread and is handed
            # to the others from there.
            mine.cancel()
            raise
        except Exception as error:
            found.settle(error=error)  # no-op if the reader's own error was handed on already
        return await mine

    def _forget(self, key: Hashable, done: _Read) -> None:
        if self._waiting.get(key) is done:
            del self._waiting[key]
