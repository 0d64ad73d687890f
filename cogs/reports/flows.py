"""/report: a period's figures for commissioners, for this server or the network.

Only where moderators allow reports (`/setup publish`); for the network, only the
servers that allow them are counted. The figures are taken once a server day for
each period and scope (`db.reports` snapshot), suppressed before they are stored
(`bot.domain.reports.build_report`). With a public address (WEB_BASE_URL) a
private page link is made: a random id, signed, for 7 days, that any organiser
of the server can withdraw; the link row says nothing about who made it.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.errors import Refusal
from bot.domain.periods import Period, parse_period
from bot.domain.publishing import REPORTS
from bot.domain.reports import build_report, report_zip, signed_token, zip_name
from bot.domain.timefmt import utc_to_wall, wall_to_utc
from bot.services import Services
from bot.strings import reports as text
from db import reports as repo
from db.database import Database
from db.networks import guild_names, network_of
from db.pages import get_publication
from db.settings import get_settings

LINK_LASTS = timedelta(days=7)
PERIODS_A_DAY = 5
"""Different periods a server may report on in one day: each is a window on the same
figures, and many overlapping windows could be differenced down to a day (rule 9)."""
REPORTS_KIND = REPORTS
"""The `/setup publish` kind that allows reports."""


@dataclass(frozen=True)
class Made:
    report: dict[str, Any]
    period: Period
    csv_zip: bytes
    file_name: str
    link_id: str | None = None
    url: str | None = None
    expires_at: datetime | None = None


def report_path(secret: bytes, link_id: str) -> str:
    """The page's path (after WEB_BASE_URL)."""
    return f"/reports/{signed_token(secret, link_id)}"


async def allows_reports(db: Database, guild_id: int) -> bool:
    """Whether this server's moderators chose to allow reports in `/setup publish`."""
    publication = await get_publication(db, guild_id)
    return publication is not None and REPORTS_KIND in publication.kinds


async def make_report(
    services: Services,
    guild_id: int,
    typed_period: str,
    scope: str,
    *,
    secret: bytes,
    base_url: str | None,
) -> Made:
    """The report for `typed_period` (a Refusal, changing nothing, if it cannot be made)."""
    db, now = services.db, services.clock.now()
    settings = await get_settings(db, guild_id)
    zone = settings.timezone
    today = utc_to_wall(now, zone).date()
    period = parse_period(typed_period, today)
    if not await allows_reports(db, guild_id):
        raise Refusal(text.NOT_ALLOWED)
    counted, in_network, name = [guild_id], 1, None
    if scope == "network":
        network = await network_of(db, guild_id)
        if network is None:
            raise Refusal(text.NO_NETWORK)
        in_network, name = len(network.guild_ids), network.name
        counted = [g for g in network.guild_ids if await allows_reports(db, g)]
    if name is None:
        name = (await guild_names(db, [guild_id])).get(guild_id) or "this server"
    report = await repo.snapshot(db, guild_id, scope, period.key, today.isoformat())
    if report is None:
        if len(await repo.periods_taken(db, guild_id, today.isoformat())) >= PERIODS_A_DAY:
            raise Refusal(text.TOO_MANY_PERIODS.format(limit=PERIODS_A_DAY))
        start = wall_to_utc(datetime.combine(period.first, datetime.min.time()), zone)
        end = wall_to_utc(datetime.combine(period.end_exclusive, datetime.min.time()), zone)
        raw = await repo.raw_figures(db, counted, start, end, now)
        report = build_report(
            raw,
            period,
            scope=scope,
            name=name,
            made_on=today,
            servers_counted=len(counted),
            servers_in_network=in_network,
        )
        await repo.save_snapshot(db, guild_id, scope, period.key, today.isoformat(), report)
    csv_zip = await asyncio.to_thread(report_zip, report)
    if base_url is None:
        return Made(report, period, csv_zip, zip_name(report))
    link_id = secrets.token_urlsafe(12)
    await repo.create_link(db, link_id, guild_id, scope, report, now, LINK_LASTS)
    return Made(
        report,
        period,
        csv_zip,
        zip_name(report),
        link_id=link_id,
        url=base_url.rstrip("/") + report_path(secret, link_id),
        expires_at=now + LINK_LASTS,
    )


async def withdraw(services: Services, guild_id: int, link_id: str) -> bool:
    """Stop a link at once (False: it had stopped already, or is not this server's)."""
    return await repo.withdraw_link(services.db, link_id, guild_id, services.clock.now())
