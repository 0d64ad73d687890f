"""Calendar feeds (issue 26): a member's private address, and a server's public feed.

A calendar app fetches the address again every few hours (Google: up to a day), so
an edit, a cancelled date or a cancelled meeting reaches the member's calendar
without another file. What goes in the feed is `bot.domain.feeds`; the events are
written by `bot.domain.ics`, the same code `/meeting ics` uses, with the same UIDs.

The address carries a random token of which only a hash is stored
(`db.calendar_feeds`); the web adapter (`web/feeds.py`) asks here for the feed of a
token and answers 404 when there is none: a replaced link, or a member who left.
Only the database and the time are needed, so the pages can call this as the bot
does. No Discord here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.domain import feeds
from bot.domain.ics import Entry, build_calendar
from bot.domain.meetings import Meeting
from bot.networks import may_answer_from
from bot.strings import meetings as text
from db import calendar_feeds, guilds
from db import meetings as repo
from db.calendar_feeds import Feed
from db.database import Database

FEED_PATH = "/calendar/{token}.ics"
PUBLIC_FEED_PATH = "/calendar/server/{guild_id}.ics"


@dataclass(frozen=True)
class Link:
    """A feed address just made: shown once (only its hash is kept)."""

    https: str
    webcal: str
    scope: str


def addresses(base_url: str, token: str) -> tuple[str, str]:
    """The https address (for the link button) and the webcal:// one (for calendar apps)."""
    https = base_url.rstrip("/") + FEED_PATH.format(token=token)
    return https, "webcal://" + https.split("://", 1)[1]


def public_address(base_url: str, guild_id: int) -> str:
    return base_url.rstrip("/") + PUBLIC_FEED_PATH.format(guild_id=guild_id)


async def current_link(db: Database, guild_id: int, user_id: int) -> Feed | None:
    return await calendar_feeds.get_feed(db, guild_id, user_id)


async def make_link(
    db: Database, now: datetime, base_url: str, guild_id: int, user_id: int,
    scope: str | None = None,
) -> Link:  # fmt: skip
    """A new address (the old one, if any, stops working at once)."""
    token = await calendar_feeds.make_link(db, guild_id, user_id, now, scope)
    feed = await calendar_feeds.get_feed(db, guild_id, user_id)
    assert feed is not None
    https, webcal = addresses(base_url, token)
    return Link(https, webcal, feed.scope)


async def choose_scope(db: Database, guild_id: int, user_id: int, scope: str) -> bool:
    """Which meetings their link shows; False if they have no link yet."""
    return await calendar_feeds.set_scope(db, guild_id, user_id, scope)


async def _visible(db: Database, guild_id: int, meetings: list[Meeting]) -> list[Meeting]:
    """Meetings a member here may still see (a network meeting: its server still linked)."""
    return [m for m in meetings if await may_answer_from(db, m.guild_id, m.network_id, guild_id)]


async def _entries(
    db: Database, now: datetime, guild_id: int, user_id: int, scope: str
) -> list[Entry]:
    if scope == "all":
        found = await repo.meetings_for_feed(db, guild_id, now - feeds.KEEP_CANCELLED)
        return feeds.server_entries(await _visible(db, guild_id, found), now)
    answers = await repo.answers_by_meeting(db, guild_id, user_id)
    found = await repo.get_meetings(db, sorted(answers))
    return feeds.member_entries(await _visible(db, guild_id, found), answers, now)


async def _build(now: datetime, entries: list[Entry], name: str) -> bytes:
    return await asyncio.to_thread(
        build_calendar, entries, now=now, name=name, refresh=feeds.REFRESH
    )


async def _name(db: Database, guild_id: int) -> str:
    return await guilds.server_name(db, guild_id) or text.FEED_SERVER_UNKNOWN


async def feed_for_token(db: Database, now: datetime, token: str) -> bytes | None:
    """The calendar behind a private address, or None (no such link any more: 404)."""
    feed = await calendar_feeds.feed_for_token(db, token)
    if feed is None:
        return None
    entries = await _entries(db, now, feed.guild_id, feed.user_id, feed.scope)
    name = text.FEED_NAME.format(server=await _name(db, feed.guild_id))
    return await _build(now, entries, name)


async def member_file(
    db: Database, now: datetime, guild_id: int, user_id: int, scope: str
) -> tuple[bytes, int]:
    """The same calendar as a one-off file (no web address configured), and how many
    events it holds."""
    entries = await _entries(db, now, guild_id, user_id, scope)
    name = text.FEED_NAME.format(server=await _name(db, guild_id))
    return await _build(now, entries, name), len(entries)


async def public_feed(db: Database, now: datetime, guild_id: int) -> bytes:
    """A server's own meetings (titles, times, places) for its public feed. The caller
    checks that its moderators chose to publish it."""
    found = await repo.meetings_for_feed(db, guild_id, now - feeds.KEEP_CANCELLED, shared=False)
    name = text.PUBLIC_FEED_NAME.format(server=await _name(db, guild_id))
    return await _build(now, feeds.server_entries(found, now), name)
