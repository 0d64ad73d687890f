"""One dispatcher over the database: finds what is due and runs its handler.

The `jobs` table is the source of truth. APScheduler (3.x, memory job store)
only *wakes* the dispatcher at the next due time, under one fixed job id with
`replace_existing=True`. Its default `misfire_grace_time` of 1 s would silently
drop a wake-up that fires late (a busy loop, a suspended machine), so we set
`misfire_grace_time=None` (run however late) and `coalesce=True` (one run for
many missed fires): a late wake-up is still a wake-up, and the dispatcher works
out from the database what is due.

Features register handlers by kind: `dispatcher.register("poll_close", handler,
max_lateness=None)`. A handler gets the job and `now`; it must be idempotent,
because a crash between running it and marking it done runs it again (its
messages go through the outbox with dedupe keys, so nothing is doubled). A job
later than its kind's `max_lateness` (the bot was down) is recorded as missed
instead of run; a handler may also raise `JobMissed(reason)` itself. A handler
that raises anything else is retried with backoff, shown in `/status`, and does
not hold up other jobs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock, DrivenClock
from db import jobs
from db.database import Database
from db.jobs import Job

log = logging.getLogger("speakback.dispatcher")

Handler = Callable[[Job, datetime], Awaitable[None]]
WAKE_JOB_ID = "speakback-dispatcher-wake"
SAFETY_JOB_ID = "speakback-dispatcher-safety"
MAX_ATTEMPTS = 8


class JobMissed(Exception):
    """Raised by a handler: too late to be useful; recorded as missed with this reason."""


@dataclass(frozen=True)
class _Registration:
    handler: Handler
    max_lateness: timedelta | None
    reminder: bool  # counted in the outage line moderators get (bot/heartbeat.py)


class Dispatcher:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._handlers: dict[str, _Registration] = {}
        self._run_lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self.last_run: datetime | None = None
        self.next_wake: datetime | None = None
        self.after_run: Callable[[], None] | None = None  # e.g. nudge the outbox sender
        self._catch_up: asyncio.Task[None] | None = None
        # Run once the start-up catch-up is done, as part of it (e.g. telling moderators
        # the bot was offline, with what went late): `caught_up` waits for them too.
        self.after_catch_up: list[Callable[[], Awaitable[None]]] = []

    def register(
        self,
        kind: str,
        handler: Handler,
        *,
        max_lateness: timedelta | None = None,
        reminder: bool = False,
    ) -> None:
        """`reminder=True`: jobs of this kind are reminders to people, counted (sent
        late, or skipped) when moderators are told the bot was offline."""
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self._handlers[kind] = _Registration(handler, max_lateness, reminder)

    @property
    def reminder_kinds(self) -> set[str]:
        return {kind for kind, r in self._handlers.items() if r.reminder}

    @property
    def driven(self) -> bool:
        return isinstance(self.clock, DrivenClock)

    # -- lifecycle ------------------------------------------------------------

    async def start(self) -> None:
        recovered = await jobs.recover_interrupted(self.db)
        if recovered:
            log.warning("%d job(s) were interrupted by a stop; running them again", recovered)
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.start()
        if not self.driven:
            # A safety net: even if a wake-up were lost, nothing waits more than 5 min.
            self._scheduler.add_job(
                self._wake,
                "interval",
                minutes=5,
                id=SAFETY_JOB_ID,
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
            )
        # Overdue work (by each kind's policy), then wake-ups are rebuilt: as a task,
        # so a long catch-up after downtime never holds up connecting to Discord.
        self._catch_up = asyncio.create_task(self._start_up_catch_up(), name="speakback-catch-up")

    async def _start_up_catch_up(self) -> None:
        await self._wake()
        for then in self.after_catch_up:
            try:
                await then()
            except Exception:
                log.exception("A start-up step after the catch-up failed")
        if self.after_catch_up and self.after_run is not None:
            self.after_run()  # send what they queued

    @property
    def caught_up(self) -> bool:
        """True once the start-up catch-up has finished."""
        return self._catch_up is not None and self._catch_up.done()

    async def wait_caught_up(self) -> None:
        if self._catch_up is not None:
            await asyncio.shield(self._catch_up)

    def stop(self) -> None:
        if self._catch_up is not None and not self._catch_up.done():
            self._catch_up.cancel()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    # -- scheduling -----------------------------------------------------------

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        key: str,
        guild_id: int | None = None,
    ) -> None:
        if kind not in self._handlers:
            raise ValueError(f"no handler registered for job kind {kind!r}")
        await jobs.schedule(self.db, kind, due_at, payload, key, guild_id)
        await self._arm()

    async def rearm(self) -> None:
        """Work was queued straight into `jobs` (in another transaction, e.g. with the
        change that needs it): point the wake-up at it."""
        await self._arm()

    async def cancel(self, key: str) -> bool:
        cancelled = await jobs.cancel(self.db, key)
        await self._arm()
        return cancelled

    async def _arm(self) -> None:
        """Point the one APScheduler wake-up at the earliest pending job.

        While a run is under way it re-arms when it finishes, so nothing to do here
        (arming now would fire a wake-up that finds the run still going).
        """
        if self._run_lock.locked():
            return
        due = await jobs.next_due(self.db)
        self.next_wake = due
        if self._scheduler is None:
            return
        if due is None:
            if self._scheduler.get_job(WAKE_JOB_ID):
                self._scheduler.remove_job(WAKE_JOB_ID)
            return
        delay = (due - self.clock.now()).total_seconds()
        if self.driven and delay > 0:
            return  # a driven clock only moves when a test advances it
        self._scheduler.add_job(
            self._wake,
            "date",
            run_date=datetime.now(UTC) + timedelta(seconds=max(0.0, delay)),
            id=WAKE_JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    async def _wake(self) -> None:
        try:
            await self.run_due()
        except Exception:
            log.exception("The dispatcher failed; it will try again at the next wake-up")

    # -- running --------------------------------------------------------------

    async def run_due(self) -> int:
        """Run every job due now, one at a time; returns how many ran."""
        ran = 0
        async with self._run_lock:
            while True:
                now = self.clock.now()
                job = await jobs.claim_next_due(self.db, now)
                if job is None:
                    break
                await self._run_one(job, now)
                ran += 1
            self.last_run = self.clock.now()
        await self._arm()
        if ran and self.after_run is not None:
            self.after_run()
        return ran

    async def _run_one(self, job: Job, now: datetime) -> None:
        registration = self._handlers.get(job.kind)
        if registration is None:
            await jobs.finish(self.db, job.id, "failed", now, f"no handler for {job.kind!r}")
            log.error("Job %s has no handler (kind %s)", job.key, job.kind)
            return
        lateness = now - job.due_at
        if registration.max_lateness is not None and lateness > registration.max_lateness:
            reason = f"the bot was unavailable until {lateness} after it was due"
            await jobs.finish(self.db, job.id, "missed", now, reason)
            log.warning("Job %s missed: %s", job.key, reason)
            return
        try:
            await registration.handler(job, now)
        except JobMissed as missed:
            await jobs.finish(self.db, job.id, "missed", now, str(missed))
            log.info("Job %s recorded as missed: %s", job.key, missed)
        except Exception as error:
            detail = f"{type(error).__name__}: {error}"[:500]
            if job.attempts >= MAX_ATTEMPTS:
                await jobs.finish(self.db, job.id, "failed", now, detail)
                log.exception("Job %s failed for good after %d attempts", job.key, job.attempts)
            else:
                retry_at = now + jobs.backoff(job.attempts)
                await jobs.retry_later(self.db, job.id, retry_at, detail)
                log.exception(
                    "Job %s failed (attempt %d); retrying at %s", job.key, job.attempts, retry_at
                )
        else:
            await jobs.finish(self.db, job.id, "done", now)
