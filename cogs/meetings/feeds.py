"""Calendar feeds (issue 26): a member's private address, and a server's public feed.

A calendar app fetches the address again every few hours (Google: up to a day), so
an edit, a cancelled date or a cancelled meeting reaches the member's calendar
without another file. What goes in the feed is `bot.domain.feeds`; the events are
written by `bot.domain.ics`, the same code `/meeting ics` uses, with the same UIDs.

The address carries a random token of which only a hash is stored
(`db.calendar_feeds`); the web adapter (`web/`) asks here for the feed of a token and
answers 404 when there is none: a replaced link, or a member who left. No Discord here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.domain import feeds
from bot.domain.ics import Entry, build_calendar
from bot.domain.meetings import Meeting
from bot.networks import may_answer_from
from bot.services import Services
from bot.strings import meetings as text
from cogs.meetings.flows import posted
from db import calendar_feeds
from db import meetings as repo
from db.calendar_feeds import Feed

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


async def current_link(services: Services, guild_id: int, user_id: int) -> Feed | None:
    return await calendar_feeds.get_feed(services.db, guild_id, user_id)


async def make_link(
    services: Services, base_url: str, guild_id: int, user_id: int, scope: str | None = None
) -> Link:
    """A new address (the old one, if any, stops working at once)."""
    token = await calendar_feeds.make_link(
        services.db, guild_id, user_id, services.clock.now(), scope
    )
    feed = await calendar_feeds.get_feed(services.db, guild_id, user_id)
    assert feed is not None
    https, webcal = addresses(base_url, token)
    return Link(https, webcal, feed.scope)


async def choose_scope(services: Services, guild_id: int, user_id: int, scope: str) -> bool:
    """Which meetings their link shows; False if they have no link yet."""
    return await calendar_feeds.set_scope(services.db, guild_id, user_id, scope)


async def _visible(services: Services, guild_id: int, meetings: list[Meeting]) -> list[Meeting]:
    """Meetings a member here may still see (a network meeting: its server still linked)."""
    shown = []
    for meeting in meetings:
        if await may_answer_from(services.db, meeting.guild_id, meeting.network_id, guild_id):
            shown.append(meeting)
    return shown


async def _descriptions(
    services: Services, guild_id: int, meetings: list[Meeting]
) -> dict[int, str]:
    """A link to each meeting's post in this server, for answering or details."""
    found = {}
    for meeting in meetings:
        if meeting.message_id is None:
            continue
        link = await services.posts.link_for(posted(meeting), guild_id)
        found[meeting.id] = text.FEED_DESCRIPTION.format(link=link)
    return found


async def _entries(services: Services, guild_id: int, user_id: int, scope: str) -> list[Entry]:
    db = services.db
    now = services.clock.now()
    since = now - feeds.KEEP_CANCELLED
    if scope == "all":
        meetings = await _visible(
            services, guild_id, await repo.meetings_for_feed(db, guild_id, since)
        )
        return feeds.server_entries(
            meetings, now, await _descriptions(services, guild_id, meetings)
        )
    answers = await repo.answers_by_meeting(db, guild_id, user_id)
    meetings = await _visible(services, guild_id, await repo.get_meetings(db, sorted(answers)))
    return feeds.member_entries(
        meetings, answers, now, await _descriptions(services, guild_id, meetings)
    )


async def _build(services: Services, entries: list[Entry], name: str) -> bytes:
    return await asyncio.to_thread(
        build_calendar, entries, now=services.clock.now(), name=name, refresh=feeds.REFRESH
    )


async def feed_for_token(services: Services, token: str) -> bytes | None:
    """The calendar behind a private address, or None (no such link any more: 404)."""
    feed = await calendar_feeds.feed_for_token(services.db, token)
    if feed is None:
        return None
    entries = await _entries(services, feed.guild_id, feed.user_id, feed.scope)
    server = services.posts.server_name(feed.guild_id)
    return await _build(services, entries, text.FEED_NAME.format(server=server))


async def member_file(
    services: Services, guild_id: int, user_id: int, scope: str
) -> tuple[bytes, int]:
    """The same calendar as a one-off file (no web address configured), and how many
    events it holds."""
    entries = await _entries(services, guild_id, user_id, scope)
    server = services.posts.server_name(guild_id)
    return await _build(services, entries, text.FEED_NAME.format(server=server)), len(entries)


async def public_feed(services: Services, guild_id: int) -> bytes:
    """A server's own meetings (titles, times, places) for its public feed. The caller
    checks that its moderators chose to publish it."""
    now = services.clock.now()
    meetings = await repo.meetings_for_feed(
        services.db, guild_id, now - feeds.KEEP_CANCELLED, shared=False
    )
    entries = feeds.server_entries(meetings, now)
    server = services.posts.server_name(guild_id)
    return await _build(services, entries, text.PUBLIC_FEED_NAME.format(server=server))
