"""What people do in the end-to-end tests, written once for every feature's tests.

Joining (with the DM kinds chosen, or none), the DMs that are news to someone (not
the test DM sent when they first choose messages), everything a person can see, and
an organiser's usual set-up, meeting and opportunity post. Each test file keeps its own
defaults (which DM kinds its members choose) in a one-line `join` of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import membership as member_text
from tests.emulator.world import GuildRef, Person, World

DESCRIPTION = "Help us run a half-day session for ward staff on listening well."


async def agree(person: Person, guild: GuildRef | None = None):
    """/join and I agree: the reply asking which messages they would like."""
    notice = await person.slash("join", in_guild=guild)
    return await person.click(notice, strings.I_AGREE)


async def join(person: Person, purposes: Iterable[str] = (), *, guild: GuildRef | None = None):
    """/join and I agree; then these DMs chosen, or "No messages" if none. Returns the
    reply to that choice."""
    welcome = await agree(person, guild)
    chosen = list(purposes)
    if chosen:
        return await person.select(welcome, "member:prefs", chosen)
    return await person.click(welcome, member_text.NO_MESSAGES)


def news(person: Person) -> list:
    """Their DMs, leaving out the test DM sent when they first chose messages."""
    return [m for m in person.dms if m.content != member_text.TEST_DM]


def everything_seen_by(world: World, person: Person) -> str:
    """Every message this person can see: channel posts, their ephemerals, their DMs."""
    texts = []
    for message in world.state.messages.values():
        if message.deleted or message.visible_to not in (None, person.id):
            continue
        channel = world.state.channels[message.channel_id]
        if channel.guild_id is None and message not in person.dms:
            continue  # someone else's DM
        texts.append(message.text)
    return "\n".join(texts)


async def set_up(world: World) -> Person:
    """Organiser role and announcements channel; returns the organiser."""
    await world.mod.slash("setup roles", organiser=world.role("Organisers"))
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    return world.user("olu", organiser=True)


async def schedule(world: World, title="Champions catch-up", start="2026-12-03 18:00", **options):
    """A moderator's /meeting schedule, then Post it: the meeting's post in #general."""
    echo = await world.mod.slash("meeting schedule", title=title, start=start, **options)
    await world.mod.click(echo, meeting_text.POST_IT)
    return world.channel("general").last


async def post_opportunity(
    world: World, organiser: Person, title: str = "Co-deliver staff training", **options
):
    """/opportunity post, read back, Post it: (the organiser's answer, the post, its id)."""
    readback = await organiser.slash(
        "opportunity post", title=title, description=DESCRIPTION, **options
    )
    assert readback.ephemeral and "as I read it" in readback.text, readback.text
    done = await organiser.click(readback, "Post it")
    assert done.ephemeral and "being posted" in done.text, done.text
    message = world.channel("announcements").last
    opp_id = int(re.search(r"Opportunity (\d+)", message.text).group(1))
    return done, message, opp_id


async def pages_url(world: World) -> str:
    """The base URL of the running bot's pages (it listens on a free port: WEB_PORT=0)."""
    assert world.bot is not None
    health = await world.bot.control("GET", "/health")
    assert health.get("web_port"), f"the bot's pages did not start: {health}"
    return f"http://127.0.0.1:{health['web_port']}"


async def get_page(world: World, path: str) -> tuple[int, dict[str, str], str]:
    """GET one of the bot's pages: (status, headers, body text)."""
    import aiohttp

    base = await pages_url(world)
    async with aiohttp.ClientSession() as session, session.get(base + path) as response:
        return response.status, dict(response.headers), await response.text()
