"""Knowing it was down: a heartbeat every minute, and one line for moderators after.

While the bot runs it writes the time into `meta` (`heartbeat`) every minute, and
once more when it stops cleanly. At start-up a last heartbeat more than 5 minutes
old is an outage, from that heartbeat to now (bot/domain/outages.py). Once the
dispatcher has caught up on what fell due meanwhile, each server's moderators
channel gets one line: when the bot was offline, and how many of that server's
meeting reminders went out late or were skipped. The line goes through the outbox
(a dedupe key per outage and server), and the outage waits in `meta`
(`outage_pending`) until those posts are queued, in one transaction: a crash in
between tells moderators once, not never and not twice. Servers with no
moderators channel see the line in `/status` (`last_outage` in `meta`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from bot.clock import Clock
from bot.delivery import Delivery, message_payload
from bot.dispatcher import Dispatcher
from bot.domain.outages import HEARTBEAT_EVERY, Outage, ReminderOutcomes, outage_line, outage_since
from db import guilds, jobs
from db.database import Database
from db.settings import delete_meta, get_meta, get_settings, set_meta

log = logging.getLogger("speakback.heartbeat")

HEARTBEAT_KEY = "heartbeat"
PENDING_KEY = "outage_pending"  # found at start-up, moderators not yet told
LAST_OUTAGE_KEY = "last_outage"  # for /status


class Heartbeat:
    def __init__(
        self, db: Database, clock: Clock, dispatcher: Dispatcher, delivery: Delivery
    ) -> None:
        self.db = db
        self.clock = clock
        self.dispatcher = dispatcher
        self.delivery = delivery
        self.every = HEARTBEAT_EVERY.total_seconds()  # wall-clock seconds
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> Outage | None:
        """Before the dispatcher starts catching up: find an outage, then beat."""
        found = await self.detect()
        self._tasks.append(asyncio.create_task(self._beat_forever(), name="speakback-heartbeat"))
        return found

    def tell_when_caught_up(self) -> None:
        """Once the dispatcher has run what fell due meanwhile, so the late and skipped
        reminders are counted: tell moderators of a pending outage (before the start-up
        catch-up counts as finished)."""
        self.dispatcher.after_catch_up.append(self.tell_moderators)

    async def detect(self) -> Outage | None:
        """At start-up: was the bot offline (last heartbeat over 5 minutes ago)? The
        outage is kept in `meta` until moderators are told; the heartbeat is now."""
        now = self.clock.now()
        last = await get_meta(self.db, HEARTBEAT_KEY)
        found = outage_since(datetime.fromisoformat(last) if last else None, now)
        async with self.db.transaction():
            pending = await get_meta(self.db, PENDING_KEY)
            if pending is not None and found is not None:
                # Down again before moderators were told of the last one: one outage.
                found = Outage(Outage.from_json(pending).start, found.end)
            if found is not None:
                await set_meta(self.db, PENDING_KEY, found.to_json())
                await set_meta(self.db, LAST_OUTAGE_KEY, found.to_json())
            await set_meta(self.db, HEARTBEAT_KEY, now.isoformat())
        if found is not None:
            minutes = int((found.end - found.start).total_seconds() // 60)
            log.warning("Speak Back was offline for %d minute(s) before this start", minutes)
        return found

    async def beat(self) -> None:
        await set_meta(self.db, HEARTBEAT_KEY, self.clock.now().isoformat())

    async def stop(self) -> None:
        """A clean stop: the last heartbeat is now (an outage is measured from here)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        with contextlib.suppress(Exception):
            await self.beat()

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.beat()
            except Exception:
                log.exception("Could not write the heartbeat; trying again in a minute")

    async def tell_moderators(self) -> int:
        """Queue the line for a pending outage in each server's moderators channel."""
        told = 0
        async with self.db.transaction():
            pending = await get_meta(self.db, PENDING_KEY)
            if pending is None:
                return 0
            outage = Outage.from_json(pending)
            counted = await self._outcomes(outage)  # every server's, in one query
            for guild_id in sorted(await guilds.present_guilds(self.db)):
                channel_id = (await get_settings(self.db, guild_id)).moderators_channel_id
                if channel_id is None:
                    continue  # shown in /status instead
                line = outage_line(outage, counted.get(guild_id, ReminderOutcomes()))
                await self.delivery.post(
                    guild_id=guild_id,
                    channel_id=channel_id,
                    payload=message_payload(line),
                    dedupe_key=f"outage:{outage.start.isoformat()}:{guild_id}",
                )
                told += 1
            await delete_meta(self.db, PENDING_KEY)
        log.info("Offline notice queued for %d server(s)", told)
        return told

    async def outcomes(self, outage: Outage, guild_id: int) -> ReminderOutcomes:
        """This server's reminders that fell due while the bot was offline."""
        return (await self._outcomes(outage, guild_id)).get(guild_id, ReminderOutcomes())

    async def _outcomes(
        self, outage: Outage, guild_id: int | None = None
    ) -> dict[int, ReminderOutcomes]:
        counts = await jobs.outcomes_due_between(
            self.db, self.dispatcher.reminder_kinds, outage.start, outage.end, guild_id
        )
        return {
            guild: ReminderOutcomes(late=mine.get("done", 0), skipped=mine.get("missed", 0))
            for guild, mine in counts.items()
        }

    async def last_outage(self) -> Outage | None:
        value = await get_meta(self.db, LAST_OUTAGE_KEY)
        return Outage.from_json(value) if value else None
