"""web.shared: requests for one page share a read that has not begun, never an older one.

A stand-in for the database lets each test say exactly when a read begins (the moment
`on_start` is called, in the real one just before BEGIN in the database's thread) and
when it ends, so "arrived before / after the read began" is exact, not timing.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from web.shared import SharedReads


class Gated:
    """`read_at_once` that begins a read only when told, and reads `self.value` then."""

    def __init__(self) -> None:
        self.value = "first"
        self.begin = asyncio.Event()
        self.finish = asyncio.Event()
        self.begun = 0
        self.working: set[asyncio.Task] = set()

    async def read_at_once(self, reader, *args, on_start=None):
        # Like the database's thread: the work goes on even if the one who asked leaves.
        work = asyncio.create_task(self._in_thread(reader, args, on_start))
        self.working.add(work)
        return await asyncio.shield(work)

    async def _in_thread(self, reader, args, on_start):
        await self.begin.wait()
        if on_start is not None:
            on_start()
        self.begun += 1
        moment = SimpleNamespace(value=self.value)  # the read sees what is committed as it begins
        await self.finish.wait()
        return await reader(moment, *args)


async def page(db, slug):
    return f"{slug}:{db.value}"


async def until(check) -> None:
    for _ in range(100):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


async def test_requests_before_the_read_begins_share_it():
    db, shared = Gated(), SharedReads()
    asking = [asyncio.create_task(shared.read(db, page, "riverside")) for _ in range(20)]
    await asyncio.sleep(0)
    db.begin.set()
    db.finish.set()
    assert await asyncio.gather(*asking) == ["riverside:first"] * 20
    assert shared.reads == 1 and db.begun == 1


async def test_a_request_after_the_read_began_gets_a_new_read_that_sees_later_writes():
    db, shared = Gated(), SharedReads()
    early = asyncio.create_task(shared.read(db, page, "riverside"))
    db.begin.set()
    await until(lambda: db.begun == 1)  # the first read has begun: "first" is what it saw
    db.value = "updated"  # committed after that read began (an outcome update, an erasure)
    late = asyncio.create_task(shared.read(db, page, "riverside"))
    later = asyncio.create_task(shared.read(db, page, "riverside"))  # joins `late`'s read
    db.finish.set()
    assert await early == "riverside:first"
    assert await late == "riverside:updated" and await later == "riverside:updated"
    assert shared.reads == 2


async def test_nothing_is_kept_once_a_read_is_done():
    db, shared = Gated(), SharedReads()
    db.begin.set()
    db.finish.set()
    assert await shared.read(db, page, "riverside") == "riverside:first"
    db.value = "unpublished"
    assert await shared.read(db, page, "riverside") == "riverside:unpublished"
    assert shared.reads == 2 and not shared._waiting


async def test_different_pages_never_share():
    db, shared = Gated(), SharedReads()
    asking = [
        asyncio.create_task(shared.read(db, page, slug)) for slug in ("riverside", "hillside")
    ]
    db.begin.set()
    db.finish.set()
    assert await asyncio.gather(*asking) == ["riverside:first", "hillside:first"]
    assert shared.reads == 2


async def test_one_reader_leaving_does_not_cancel_the_others_read():
    db, shared = Gated(), SharedReads()
    leading = asyncio.create_task(shared.read(db, page, "riverside"))
    joining = [asyncio.create_task(shared.read(db, page, "riverside")) for _ in range(3)]
    await asyncio.sleep(0)
    joining[0].cancel()  # one who joined leaves
    leading.cancel()  # and the one who asked first: the read goes on for the others
    db.begin.set()
    db.finish.set()
    assert await joining[1] == "riverside:first" and await joining[2] == "riverside:first"
    for gone in (leading, joining[0]):
        with pytest.raises(asyncio.CancelledError):
            await gone
    assert shared.reads == 1 and db.begun == 1


async def test_a_failed_read_fails_for_everyone_who_shared_it_and_is_not_kept():
    class Gone(Exception):
        pass

    async def gone(db, slug):
        if db.value == "first":
            raise Gone
        return slug

    db, shared = Gated(), SharedReads()
    asking = [asyncio.create_task(shared.read(db, gone, "riverside")) for _ in range(3)]
    db.begin.set()
    db.finish.set()
    for result in await asyncio.gather(*asking, return_exceptions=True):
        assert isinstance(result, Gone)
    db.value = "published again"
    assert await shared.read(db, gone, "riverside") == "riverside"


async def test_a_read_that_cannot_start_fails_for_everyone_who_shared_it():
    class Closed:
        async def read_at_once(self, reader, *args, on_start=None):
            await asyncio.sleep(0)
            raise ValueError("Connection closed")

    shared = SharedReads()
    asking = [asyncio.create_task(shared.read(Closed(), page, "riverside")) for _ in range(3)]
    for result in await asyncio.gather(*asking, return_exceptions=True):
        assert isinstance(result, ValueError)


async def test_with_the_real_reader_in_its_thread(tmp_path):
    from db.database import Database

    writer = await Database.open(tmp_path / "bot.db")
    await writer.migrate()
    reader = await Database.open_reader(writer.path)
    try:

        async def names(db, guild_id):
            return await db.fetchval(
                "SELECT name FROM guild_presence WHERE guild_id = ?", (guild_id,)
            )

        shared = SharedReads()
        assert (
            await asyncio.gather(*(shared.read(reader, names, 1) for _ in range(10))) == [None] * 10
        )
        await writer.execute(
            "INSERT INTO guild_presence (guild_id, name, joined_at) VALUES (1, 'Riverside', 'x')"
        )
        assert (
            await asyncio.gather(*(shared.read(reader, names, 1) for _ in range(10)))
            == ["Riverside"] * 10
        )
        assert 2 <= shared.reads <= 20 and not shared._waiting
    finally:
        await reader.close()
        await writer.close()
