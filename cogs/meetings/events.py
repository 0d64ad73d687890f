"""Discord scheduled events for meetings (best effort): the `Calendar` flows ask for.

One event per meeting, for the occurrence coming up; the roll job makes the next
one when a meeting of a series starts (the last one ends by itself).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.meetings import Meeting
from bot.domain.recurrence import Occurrence
from bot.domain.text import cut
from bot.strings import meetings as text
from db import meetings as repo

if TYPE_CHECKING:
    from discord.http import HTTPClient

    from db.database import Database

log = logging.getLogger("cogs.meetings")


def event_fields(meeting: Meeting, occ: Occurrence) -> dict[str, Any]:
    return {
        "name": cut(meeting.title, 100),
        "privacy_level": 2,  # guild only
        "entity_type": 3,  # external: a place or a link
        "entity_metadata": {"location": cut(meeting.place or text.EVENT_LOCATION_DEFAULT, 100)},
        "scheduled_start_time": occ.start_utc.isoformat(),
        "scheduled_end_time": occ.end_utc.isoformat(),
    }


class DiscordEvents:
    """Scheduled events through discord.py's HTTP client; the event id is kept on the meeting."""

    def __init__(self, http: HTTPClient, db: Database) -> None:
        self.http = http
        self.db = db

    async def make_event(self, meeting: Meeting, occ: Occurrence) -> str | None:
        """Create the Discord event for this occurrence; returns why not, or None."""
        try:
            data = await self.http.create_guild_scheduled_event(
                meeting.guild_id, **event_fields(meeting, occ)
            )
        except discord.HTTPException as error:
            log.warning("Could not create a Discord event for meeting %s: %s", meeting.id, error)
            return text.EVENT_REFUSED.format(reason=error.text or error.status)
        await repo.set_event_id(self.db, meeting.id, int(data["id"]))
        return None

    async def update_event(self, meeting: Meeting, occ: Occurrence | None) -> None:
        """Move the event with the meeting, or delete it when there is none left."""
        if meeting.event_id is None:
            return
        try:
            if occ is None or not meeting.is_scheduled:
                await self.http.delete_scheduled_event(meeting.guild_id, meeting.event_id)
                await repo.set_event_id(self.db, meeting.id, None)
            else:
                await self.http.edit_scheduled_event(
                    meeting.guild_id, meeting.event_id, **event_fields(meeting, occ)
                )
        except discord.HTTPException as error:
            log.warning("Could not update the Discord event of meeting %s: %s", meeting.id, error)
