"""The services every feature uses, built once, in one place, from what each one needs.

    database -> dispatcher (what is due) -> delivery (outbox + paced sender)
             -> retention (erasure and sweeps) -> posts (items in one or more servers)

Nothing here takes the whole client: delivery gets discord.py's HTTP client and
a way to raise events; posts gets a way to name a server. The client builds the
services in `setup_hook` (there is an event loop by then) and exposes each as an
attribute (`bot.db`, `bot.delivery`, ...) for the cogs.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.heartbeat import Heartbeat
from bot.posts import Posts
from bot.retention import Retention
from db.database import Database
from db.polls import SecretChanged, adopt_bot_secret
from db.settings import follow_default_notice

if TYPE_CHECKING:
    import discord
    from discord.http import HTTPClient

log = logging.getLogger("speakback")

SETTLE_ROUNDS = 100

LeaveHook = Callable[[int, int], Awaitable[None]]
"""(guild_id, user_id) -> None: what leaving changes in a feature, such as the post edits
it queues. Runs inside the erasure's transaction, so it must only read and write the
database (no waiting on other locks, no requests to Discord)."""


@dataclass
class Services:
    db: Database
    clock: Clock
    dispatcher: Dispatcher
    delivery: Delivery
    retention: Retention
    posts: Posts
    heartbeat: Heartbeat
    leave_hooks: list[LeaveHook] = field(default_factory=list)
    armed_faults: set[str] = field(default_factory=set)  # test control only
    dm_check_wait: float | None = None  # test control only: a DM check's wait, if not 10 s

    def on_leaving(self, hook: LeaveHook) -> None:
        """Features add what leaving changes for them (see `LeaveHook`)."""
        self.leave_hooks.append(hook)

    async def run_leave_hooks(self, guild_id: int, user_id: int) -> None:
        for hook in self.leave_hooks:
            await hook(guild_id, user_id)

    def fault_point(self, name: str) -> None:
        """Where a crash would hurt (tests arm one through the test control and kill us here)."""
        if name in self.armed_faults:
            log.warning("TEST FAULT: killing the process at %r", name)
            os.kill(os.getpid(), signal.SIGKILL)

    @classmethod
    async def open(
        cls,
        database_path: str | Path,
        clock: Clock,
        *,
        http: HTTPClient,
        dispatch: Callable[..., None],
        allowed_mentions: discord.AllowedMentions | None,
        server_name: Callable[[int], str],
        secret: bytes,
    ) -> Services:
        """Open (and migrate) the database, then build each service on what it uses.

        Raises `db.polls.SecretChanged` (the database is closed first) if the bot's
        secret changed while an anonymous poll is open."""
        db = await Database.open(database_path)
        applied = await db.migrate()
        if applied:
            log.info("Database migrated: %s", ", ".join(applied))
            # A migration may drop what is no longer kept (per-person join/leave
            # rows): fold the WAL in, so no old copy of those pages stays in it.
            await db.checkpoint()
        try:
            adopted = await adopt_bot_secret(db, secret)
        except SecretChanged:
            await db.close()
            raise
        if adopted == "first":
            log.info("Open anonymous ballots are keyed with the bot's secret as well")
        elif adopted == "changed":
            log.warning("The bot's secret changed; no anonymous poll was open, so none is affected")
        moved = await follow_default_notice(db, clock.now())
        if moved:
            log.info("The built-in notice changed: %d server(s) will ask members again", moved)
        dispatcher = Dispatcher(db, clock)
        delivery = Delivery(db, clock, http, dispatch=dispatch, allowed_mentions=allowed_mentions)
        dispatcher.after_run = delivery.wake
        return cls(
            db=db,
            clock=clock,
            dispatcher=dispatcher,
            delivery=delivery,
            retention=Retention(db, dispatcher),
            posts=Posts(db, delivery, server_name),
            heartbeat=Heartbeat(db, clock, dispatcher, delivery),
        )

    async def start(self) -> None:
        """Start sending and waking (after the features registered their job handlers)."""
        await self.delivery.start()
        await self.heartbeat.start()  # finds an outage before the catch-up runs what is late
        self.heartbeat.tell_when_caught_up()
        await self.dispatcher.start()
        await self.retention.ensure_daily_sweep(self.clock.now())

    async def settle(self) -> None:
        """Run everything due now to completion: jobs, then the messages they queued."""
        for _ in range(SETTLE_ROUNDS):
            ran = await self.dispatcher.run_due()
            await self.delivery.drain()
            if not ran:
                return
        log.warning("settle: work kept arriving; stopped after %d rounds", SETTLE_ROUNDS)

    async def stop(self) -> None:
        await self.heartbeat.stop()
        self.dispatcher.stop()
        await self.delivery.stop()

    async def close(self) -> None:
        await self.db.close()
