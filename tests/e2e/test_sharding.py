"""Two shards (issue 28): each shard gets its own servers, and a network poll whose
servers sit on different shards posts, counts and closes as it does on one.

The emulator recommends two shards in GET /gateway/bot and lets both identify at once
(`max_concurrency` 2); discord.py's AutoShardedBot opens one connection per shard,
and each IDENTIFY with `shard: [id, 2]` receives the servers where
`(guild_id >> 22) % 2 == id`, as Discord's gateway does.
"""

from __future__ import annotations

import pytest

from tests.database import seed_members
from tests.e2e.linked import LEEDS, SERVERS, seed_network, set_up_servers
from tests.e2e.test_network_polls import copy_in, create, results_in, vote
from tests.e2e.test_opportunities import eventually
from tests.emulator.gateway import shard_for


@pytest.fixture
async def sharded(make_world):
    world = await make_world(guilds=SERVERS, shards=2, max_concurrency=2)
    mods = await set_up_servers(world)
    await seed_network(world)
    return world, mods


def guilds_received(session) -> set[int]:
    return {int(f["d"]["id"]) for f in session.backlog if f["t"] == "GUILD_CREATE"}


async def test_each_shard_receives_only_its_own_servers(sharded):
    world, mods = sharded
    gateway = world.emulator.gateway
    assert gateway.shard_count == 2 and sorted(gateway.shards) == [0, 1]
    ids = {g.id for g in world.guilds}
    expected = {n: {g for g in ids if shard_for(g, 2) == n} for n in (0, 1)}
    assert expected[0] and expected[1], "the servers should spread over both shards"
    for n in (0, 1):
        session = gateway.shards[n]
        assert session.shard == (n, 2)
        assert guilds_received(session) == expected[n]
    # The bot answers in every server, whichever shard holds it.
    for guild in world.guilds:
        shown = await mods[guild.name].slash("help", in_guild=guild)
        assert shown.ephemeral and shown.text


async def test_a_network_poll_across_shards_posts_counts_and_closes(sharded):
    world, _mods = sharded
    leeds = world.guild(LEEDS)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    _done, poll_id = await create(world, olu)
    await eventually(world, lambda: all(copy_in(world, n, poll_id) for n in SERVERS))
    sizes = dict(zip(SERVERS, (3, 2, 2), strict=True))  # 7 voters over both shards
    for server, count in sizes.items():
        guild = world.guild(server)
        people = [f"{server[:3].lower()}{n}" for n in range(count)]
        for person in seed_members(world, guild=guild, people=people):
            await vote(person, copy_in(world, server, poll_id), 1)
    await eventually(
        world,
        lambda: all("7 people have voted" in copy_in(world, n, poll_id).text for n in SERVERS),
    )
    await olu.slash("poll close", in_guild=leeds, poll=poll_id)
    await eventually(world, lambda: all(len(results_in(world, n, poll_id)) == 1 for n in SERVERS))
    for name in SERVERS:
        shown = results_in(world, name, poll_id)[0].text
        assert "Total: 7 voters" in shown, shown
