"""What /status reports, and keeping track of which servers the bot is in (for retention).

No Discord here: the cog passes guild ids and names from Discord's events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.outages import outage_line
from bot.domain.outcomes import today_in
from bot.services import Services
from db import guilds, jobs, outbox
from db import outcomes as outcomes_db
from db.settings import get_settings


@dataclass(frozen=True)
class StatusReport:
    backlog: int  # messages due to send now
    deferred: int  # waiting for quiet hours or a retry
    waiting: int  # held until the person can receive them (shown suppressed, rule 9)
    undeliverable: int  # DMs that could not be delivered (closed DMs)
    last_run: datetime | None
    next_wake: datetime | None
    pending_jobs: int
    missed_jobs: int
    problems: list[dict[str, Any]]
    overdue_reviews: list[OverdueReview] = field(default_factory=list)
    last_outage: str | None = None  # the line moderators were (or would have been) given
    moderators_channel: bool = True  # False: the line could not be posted in this server


@dataclass(frozen=True)
class OverdueReview:
    """An outcome whose review date has come (issue 23), and whether its reminder could
    not be posted (no organisers or moderators channel)."""

    title: str
    review_on: date
    undeliverable: bool


async def overdue_reviews(services: Services, guild_id: int) -> list[OverdueReview]:
    settings = await get_settings(services.db, guild_id)
    nowhere = (settings.organisers_channel_id or settings.moderators_channel_id) is None
    today = today_in(settings.timezone, services.clock.now())
    return [
        OverdueReview(o.title, o.review_on, nowhere and o.reminded_for != o.review_on)
        for o in await outcomes_db.due_reviews(services.db, [guild_id], today)
        if o.review_on is not None
    ]


async def get_status_report(services: Services, guild_id: int) -> StatusReport:
    db, now = services.db, services.clock.now()
    backlog = await outbox.pending_count(db, now=now, guild_id=guild_id)
    everything = await outbox.pending_count(db, guild_id=guild_id)
    job_counts = await jobs.counts(db, guild_id)
    undeliverable = await outbox.dm_blocked_count(db, guild_id)
    waiting = await outbox.waiting_count(db, guild_id)
    problems = await jobs.recent_problems(db, guild_id=guild_id)
    outage = await services.heartbeat.last_outage()
    line = None
    if outage is not None:
        line = outage_line(outage, await services.heartbeat.outcomes(outage, guild_id))
    settings = await get_settings(db, guild_id)
    return StatusReport(
        backlog=backlog,
        deferred=everything - backlog - waiting,
        waiting=waiting,
        undeliverable=undeliverable,
        last_run=services.dispatcher.last_run,
        next_wake=services.dispatcher.next_wake,
        pending_jobs=job_counts.get("pending", 0),
        missed_jobs=job_counts.get("missed", 0),
        problems=problems,
        overdue_reviews=await overdue_reviews(services, guild_id),
        last_outage=line,
        moderators_channel=settings.moderators_channel_id is not None,
    )


async def bot_present(services: Services, guild_id: int, name: str) -> None:
    await services.retention.bot_present(guild_id, name, services.clock.now())


async def all_present(services: Services, present: Iterable[tuple[int, str]]) -> None:
    await services.retention.all_present(list(present), services.clock.now())


async def bot_removed(services: Services, guild_id: int) -> None:
    await services.retention.bot_removed(guild_id, services.clock.now())


async def note_removals_while_away(services: Services, here: Iterable[int]) -> None:
    """Servers recorded as present that the bot is no longer in (removed while offline)."""
    now = services.clock.now()
    here = set(here)
    for guild_id in await guilds.present_guilds(services.db):
        if guild_id not in here:
            await services.retention.bot_removed(guild_id, now)
