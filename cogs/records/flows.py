"""The member's own record (issue 24): what /me record and the certificate show.

Every function here takes the person asking and reads only their rows: nothing in
this feature takes another person as an argument, so no command can show anyone
else's record (rule 2).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from bot.certificate import Certificate, certificate_pdf
from bot.domain.errors import Refusal
from bot.domain.records import Activity, in_order, meetings_said_going
from bot.domain.timefmt import utc_to_wall
from bot.services import Services
from bot.strings import records as text
from db import meetings as meetings_db
from db import records as repo
from db.settings import get_settings

BUILDING = asyncio.Semaphore(2)
"""Certificates made at once: each is about a second of CPU, off the event loop."""


@dataclass(frozen=True)
class MyRecord:
    took_part: list[Activity]
    said_going: list[Activity]
    retention_months: int

    @property
    def everything(self) -> list[Activity]:
        return in_order([*self.took_part, *self.said_going])


async def my_record(services: Services, guild_id: int, user_id: int) -> MyRecord:
    """What they took part in (kept until they leave), and the meetings they said Going
    to that took place within the server's retention period (their answers go after it)."""
    db, now = services.db, services.clock.now()
    settings = await get_settings(db, guild_id)
    since = now - relativedelta(months=settings.retention_months)
    took_part = [
        Activity(day=row.on_date, title=row.title, role=row.role, hours=row.hours)
        for row in await repo.record_of(db, guild_id, user_id)
    ]
    said_going: list[Activity] = []
    for meeting, answers in await meetings_db.going_answers_of(db, guild_id, user_id):
        said_going += meetings_said_going(
            meeting.title, meeting.series, meeting.cancelled_at, answers, now, since
        )
    return MyRecord(in_order(took_part), in_order(said_going), settings.retention_months)


async def certificate(
    services: Services, guild_id: int, user_id: int, name: str, server: str
) -> Certificate:
    """Their certificate, made now and not kept (nor is the name): built off the event
    loop, since reading the fonts takes about a second."""
    record = await my_record(services, guild_id, user_id)
    if not record.everything:
        raise Refusal(text.CERTIFICATE_EMPTY)
    settings = await get_settings(services.db, guild_id)
    issued = utc_to_wall(services.clock.now(), settings.timezone).date()
    async with BUILDING:
        return await asyncio.to_thread(
            certificate_pdf, name=name, server=server, activities=record.everything, issued=issued
        )
