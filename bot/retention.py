"""Retention (rule 14), run as dispatcher jobs.

- When the bot is removed from a server (GUILD_DELETE that is not an outage), that
  server's data is erased 30 days later unless the bot comes back first.
- Every day, answers to items closed longer ago than the server's retention
  setting are erased by the sweepers features register here; finished outbox rows
  older than 7 days are pruned (`db.outbox.prune`), and expired automatic-reply
  windows are forgotten; report links that stopped working over 30 days ago and
  old report snapshots go too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from bot.dispatcher import Dispatcher
from db import drafts, guilds, jobs, outbox, reports
from db.database import Database
from db.jobs import Job
from db.settings import get_settings

log = logging.getLogger("speakback.retention")

ERASE_AFTER_REMOVAL = timedelta(days=30)
SWEEP_EVERY = timedelta(days=1)
KEEP_FINISHED_JOBS = timedelta(days=30)
KEEP_SENT_MESSAGES = timedelta(
    days=7
)  # Discord's nonce check lasts minutes; /status looks back days

# (db, guild_id, cutoff) -> rows erased; cutoff: items closed before it lose their answers
Sweeper = Callable[[Database, int, datetime], Awaitable[int]]
# (now) -> rows erased: a feature's own daily keeping rule, whatever the server's setting
# (payments: 90 days after paid, 12 months after the opportunity)
DailyTask = Callable[[datetime], Awaitable[int]]


def erase_key(guild_id: int) -> str:
    return f"guild-erase:{guild_id}"


class Retention:
    def __init__(self, db: Database, dispatcher: Dispatcher) -> None:
        self.db = db
        self.dispatcher = dispatcher
        self._sweepers: list[Sweeper] = []
        self._daily: list[DailyTask] = []
        dispatcher.register("guild_erase", self._erase_guild)
        dispatcher.register("retention_sweep", self._sweep)

    def add_sweeper(self, sweeper: Sweeper) -> None:
        self._sweepers.append(sweeper)

    def add_daily(self, task: DailyTask) -> None:
        """A feature's own rule, run once a day with the sweep (not per server)."""
        self._daily.append(task)

    async def ensure_daily_sweep(self, now: datetime) -> None:
        pending = await self.db.fetchval(
            "SELECT 1 FROM jobs WHERE kind = 'retention_sweep' AND state = 'pending'"
        )
        if not pending:
            await self._schedule_sweep(now + SWEEP_EVERY)

    async def _schedule_sweep(self, when: datetime) -> None:
        # One key per day: the running sweep must not overwrite its own successor.
        await self.dispatcher.schedule(
            "retention_sweep", when, {}, f"retention-sweep:{when.date()}"
        )

    async def bot_removed(self, guild_id: int, now: datetime) -> None:
        await guilds.mark_removed(self.db, guild_id, now)
        await self.dispatcher.schedule(
            "guild_erase",
            now + ERASE_AFTER_REMOVAL,
            {"guild_id": guild_id},
            erase_key(guild_id),
            guild_id,
        )
        log.info(
            "Removed from guild %s; its data will be erased on %s",
            guild_id,
            now + ERASE_AFTER_REMOVAL,
        )

    async def bot_present(self, guild_id: int, name: str | None, now: datetime) -> None:
        await guilds.mark_present(self.db, guild_id, name, now)
        if await self.dispatcher.cancel(erase_key(guild_id)):
            log.info("Back in guild %s before its erase date; its data is kept", guild_id)

    async def all_present(self, present: list[tuple[int, str | None]], now: datetime) -> None:
        """`bot_present` for every server at once, as start-up finds them: one write for
        all (2,500 servers on one shard), and a cancel only for those with an erase due."""
        await guilds.mark_all_present(self.db, present, now)
        due = await jobs.pending_keys(self.db, "guild_erase")
        for guild_id, _name in present:
            if erase_key(guild_id) in due and await self.dispatcher.cancel(erase_key(guild_id)):
                log.info("Back in guild %s before its erase date; its data is kept", guild_id)

    async def _erase_guild(self, job: Job, now: datetime) -> None:
        guild_id = int(job.payload["guild_id"])
        if await guilds.removed_since(self.db, guild_id) is None:
            return  # the bot came back; nothing to erase
        erased = await guilds.erase_guild(self.db, guild_id, now)
        log.info("Erased guild %s, 30 days after removal: %s", guild_id, erased)

    async def _sweep(self, job: Job, now: datetime) -> None:
        total = 0
        for guild_id in await guilds.known_guilds(self.db):
            settings = await get_settings(self.db, guild_id)
            cutoff = now - relativedelta(months=settings.retention_months)
            for sweeper in self._sweepers:
                total += await sweeper(self.db, guild_id, cutoff)
        for task in self._daily:
            total += await task(now)
        await jobs.forget_finished(self.db, now - KEEP_FINISHED_JOBS)
        pruned = await outbox.prune(self.db, now - KEEP_SENT_MESSAGES)
        await outbox.forget_expired_auto_replies(self.db, now)
        await drafts.sweep_expired(self.db, now)
        await reports.prune_links(self.db, now)  # report links stopped 30+ days ago
        if pruned:
            log.info("Retention sweep pruned %d finished message(s) older than 7 days", pruned)
        if total:
            log.info("Retention sweep erased %d answer(s) to long-closed items", total)
        await self._schedule_sweep(now + SWEEP_EVERY)
