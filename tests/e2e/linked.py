"""Three servers linked into one network, and the people the network tests share (issue 10).

Leeds, Bradford and Wakefield each have announcements and moderators channels
set up (and, for `network`, an organiser role), and are linked into one network
the way moderators do it: a one-time code, approved by Leeds. Commands are
synced globally (no DEV_GUILD_ID). `cast` gives the usual people: an organiser
in Leeds, one person in each server, and one person in two linked servers.

Linking by commands takes ten interactions, so `network` writes the same rows
straight into the bot's database (`seed_network`, through db/networks.py);
tests/e2e/test_networks.py links by commands and checks that the rows match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from bot.domain.networks import new_code
from bot.strings import networks as network_text
from db import networks as repo
from db.database import Database
from tests.database import db_path
from tests.e2e import steps
from tests.emulator.world import GuildRef, Person, World

LEEDS, BRADFORD, WAKEFIELD = SERVERS = ["Leeds champions", "Bradford voices", "Wakefield group"]
NETWORK_NAME = "Yorkshire"


def code_in(reply) -> str:
    return re.search(r"`(SB-[A-Z0-9-]+)`", reply.text).group(1)


async def set_up_servers(world: World, *, organisers: bool = True) -> dict[str, Person]:
    """Each server's channels (and organiser role) set by its own moderator."""
    mods = {}
    for index, name in enumerate(SERVERS):
        guild = world.guild(name)
        mod = world.mod if index == 0 else world.user(f"mod{index}", moderator=True, guilds=[guild])
        mods[name] = mod
        await mod.slash(
            "setup channel",
            in_guild=guild,
            announcements=guild.channel("announcements"),
            moderators=guild.channel("moderators"),
        )
        if organisers:
            await mod.slash("setup roles", in_guild=guild, organiser=guild.role("Organisers"))
    return mods


async def link_by_commands(world: World, mods: dict[str, Person]) -> None:
    """Leeds creates the network; Bradford, then Wakefield, join with a one-time code
    each, approved by Leeds, which makes a fresh code after each approval."""
    leeds = world.guild(LEEDS)
    code = code_in(await mods[LEEDS].slash("network create", in_guild=leeds, name=NETWORK_NAME))
    for name in (BRADFORD, WAKEFIELD):
        await mods[name].slash("network join", in_guild=world.guild(name), code=code)
        await mods[LEEDS].click(leeds.channel("moderators").messages[-1], network_text.APPROVE)
        shown = await mods[LEEDS].slash("network show", in_guild=leeds)
        code = code_in(await mods[LEEDS].click(shown, network_text.MAKE_CODE))  # one-time codes


async def seed_network(world: World) -> None:
    """The rows `link_by_commands` leaves, written as db/networks.py writes them (on a
    second connection to the bot's database; the bot reads networks from it each time)."""
    now = world.now
    leeds = world.guild(LEEDS)
    db = await Database.open(db_path(world))
    try:
        network_id = await repo.create_network(db, NETWORK_NAME, leeds.id, now)
        code = new_code()
        await repo.add_code(db, network_id, code, now)
        for name in (BRADFORD, WAKEFIELD):
            guild = world.guild(name)
            assert await repo.use_code(db, code, now) == network_id
            request_id = await repo.open_request(db, network_id, guild.id, guild.name, now)
            await repo.decide(db, request_id, True, leeds.id, now)
            code = new_code()
            await repo.add_code(db, network_id, code, now)
    finally:
        await db.close()


@pytest.fixture
async def network(make_world):
    """Three servers, each with announcements and organisers, linked into one network."""
    world = await make_world(guilds=SERVERS)
    mods = await set_up_servers(world)
    await seed_network(world)
    leeds = world.guild(LEEDS)
    shown = await mods[LEEDS].slash("network show", in_guild=leeds)
    assert all(name in shown.text for name in SERVERS), shown.text
    return world, mods


@dataclass
class Cast:
    leeds: GuildRef
    bradford: GuildRef
    wakefield: GuildRef
    olu: Person  # organiser in Leeds
    ada: Person  # Leeds
    ben: Person  # Bradford
    wyn: Person  # Wakefield
    sam: Person  # a member in two linked servers: Leeds and Bradford


def cast(world: World) -> Cast:
    leeds, bradford, wakefield = (world.guild(n) for n in SERVERS)
    return Cast(
        leeds,
        bradford,
        wakefield,
        olu=world.user("olu", organiser=True, guilds=[leeds]),
        ada=world.user("ada", guilds=[leeds]),
        ben=world.user("ben", guilds=[bradford]),
        wyn=world.user("wyn", guilds=[wakefield]),
        sam=world.user("sam", guilds=[leeds, bradford]),
    )


async def join(person: Person, guild: GuildRef, purposes: Iterable[str] = ()) -> None:
    """/join and I agree in that server; then these DMs chosen, or "No messages" if none."""
    await steps.join(person, purposes, guild=guild)


def post_in(world: World, server: str, label: str, item_id: int):
    """The copy of "Opportunity 3" / "Meeting 3" in a server's announcements, if any."""
    for message in world.guild(server).channel("announcements").messages:
        if f"{label} {item_id}" in message.text:
            return message
    return None
