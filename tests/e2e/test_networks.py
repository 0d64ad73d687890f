"""Networks: servers link only with consent on both sides (issue 10)."""

from __future__ import annotations

import pytest

from bot.strings import networks as text
from tests.database import rows
from tests.e2e.linked import SERVERS, code_in, link_by_commands, seed_network, set_up_servers


@pytest.fixture
async def three(make_world):
    world = await make_world(guilds=SERVERS)  # commands synced globally (no DEV_GUILD_ID)
    return world, await set_up_servers(world, organisers=False)


async def link(world, mods, joiner: str, code: str) -> None:
    guild = world.guild(joiner)
    await mods[joiner].slash("network join", in_guild=guild, code=code)


async def test_linking_needs_both_sides_and_codes_work_once(three):
    world, mods = three
    leeds, bradford = world.guild(SERVERS[0]), world.guild(SERVERS[1])
    created = await mods[SERVERS[0]].slash(
        "network create", in_guild=leeds, name="Yorkshire champions"
    )
    code = code_in(created)
    asked = await mods[SERVERS[1]].slash("network join", in_guild=bradford, code=code)
    assert "Nothing is shared until they approve" in asked.text
    shown = await mods[SERVERS[1]].slash("network show", in_guild=bradford)
    assert text.NOT_IN_NETWORK in shown.text  # not linked yet: one side is not consent
    request = leeds.channel("moderators").messages[-1]
    assert "Bradford voices" in request.content + str(request.embeds)
    # the code was spent: Wakefield can't reuse it
    reused = await mods[SERVERS[2]].slash(
        "network join", in_guild=world.guild(SERVERS[2]), code=code
    )
    assert "doesn't work" in reused.text
    # a non-moderator in Leeds cannot approve
    alice = world.user("alice", guilds=[leeds])
    refused = await alice.click(request, text.APPROVE)
    assert "Manage Server" in refused.text or "Only moderators" in refused.text
    approved = await mods[SERVERS[0]].click(request, text.APPROVE)
    assert "Approved" in approved.text
    shown = await mods[SERVERS[1]].slash("network show", in_guild=bradford)
    assert "Leeds champions" in shown.text and "Bradford voices" in shown.text
    told = bradford.channel("moderators").messages[-1]
    assert "Yorkshire champions" in told.content
    # the request now says what happened, and can't be pressed twice
    assert request.buttons == []
    assert "Approved by a moderator of **Leeds champions**" in str(request.embeds)


async def test_refusal_links_nothing_and_leaving_unlinks_at_once(three):
    world, mods = three
    leeds, bradford, wakefield = (world.guild(n) for n in SERVERS)
    code = code_in(await mods[SERVERS[0]].slash("network create", in_guild=leeds, name="Y"))
    await mods[SERVERS[2]].slash("network join", in_guild=wakefield, code=code)
    await mods[SERVERS[0]].click(leeds.channel("moderators").messages[-1], text.REFUSE)
    assert (
        text.NOT_IN_NETWORK
        in (await mods[SERVERS[2]].slash("network show", in_guild=wakefield)).text
    )
    shown = await mods[SERVERS[0]].slash("network show", in_guild=leeds)
    second = code_in(await mods[SERVERS[0]].click(shown, text.MAKE_CODE))
    await mods[SERVERS[1]].slash("network join", in_guild=bradford, code=second)
    await mods[SERVERS[0]].click(leeds.channel("moderators").messages[-1], text.APPROVE)
    confirm = await mods[SERVERS[1]].slash("network leave", in_guild=bradford)
    # Nothing happens until a moderator confirms, and the question says what stops.
    assert confirm.ephemeral and "Leave the network Y?" in confirm.text
    assert "stop reaching this server" in confirm.text and "close" in confirm.text
    assert "moderators are told" in confirm.text
    stayed = await mods[SERVERS[1]].click(confirm, text.STAY_IN_NETWORK)
    assert stayed.text == text.STAYING_IN_NETWORK
    shown = await mods[SERVERS[0]].slash("network show", in_guild=leeds)
    assert "Bradford voices" in shown.text.split("Waiting")[0]
    assert "has left" not in leeds.channel("moderators").messages[-1].content
    older = await mods[SERVERS[1]].slash("network leave", in_guild=bradford)
    confirm = await mods[SERVERS[1]].slash("network leave", in_guild=bradford)
    left = await mods[SERVERS[1]].click(confirm, text.LEAVE_NETWORK)
    assert "has left" in left.text
    again = await mods[SERVERS[1]].click(older, text.LEAVE_NETWORK)  # an older confirmation
    assert again.text == text.LEAVE_OUT_OF_DATE
    shown = await mods[SERVERS[0]].slash("network show", in_guild=leeds)
    assert "Bradford voices" not in shown.text.split("Waiting")[0]
    assert "has left" in leeds.channel("moderators").messages[-1].content


async def test_only_moderators_link_servers(three):
    world, mods = three
    leeds = world.guild(SERVERS[0])
    bob = world.user("bob", guilds=[leeds])
    reply = await bob.slash("network create", in_guild=leeds, name="Mine")
    assert "Manage Server" in reply.text
    assert (
        text.NOT_IN_NETWORK in (await mods[SERVERS[0]].slash("network show", in_guild=leeds)).text
    )


async def test_a_mistyped_code_is_explained_kindly(three):
    world, mods = three
    reply = await mods[SERVERS[1]].slash(
        "network join", in_guild=world.guild(SERVERS[1]), code="hello"
    )
    assert "doesn't look like a network link code" in reply.text


NETWORK_TABLES = {
    "networks": "SELECT * FROM networks ORDER BY id",
    "network_members": "SELECT * FROM network_members ORDER BY network_id, guild_id",
    # codes are random: compare everything but the hash, and that each hash is distinct
    "network_codes": "SELECT network_id, created_at, expires_at, used_at, "
    "count(DISTINCT code_hash) FROM network_codes GROUP BY network_id, created_at, expires_at, "
    "used_at ORDER BY network_id, used_at IS NULL, used_at",
    "network_requests": "SELECT * FROM network_requests ORDER BY id",
    "guild_presence": "SELECT * FROM guild_presence ORDER BY guild_id",
}


def network_rows(world) -> dict[str, list[tuple]]:
    return {table: rows(world, sql) for table, sql in NETWORK_TABLES.items()}


async def test_linking_by_commands_leaves_the_rows_the_network_fixture_seeds(make_world):
    """The `network` fixture writes its link rows directly (seed_network); here the
    moderators link the same three servers by commands, and the rows are the same."""
    linked = await make_world(guilds=SERVERS)
    await link_by_commands(linked, await set_up_servers(linked))
    seeded = await make_world(guilds=SERVERS)
    await set_up_servers(seeded)
    await seed_network(seeded)
    by_commands, by_seed = network_rows(linked), network_rows(seeded)
    assert by_commands["network_members"] and by_commands["network_requests"]
    assert len(by_commands["network_codes"]) >= 1
    # the two worlds have different server ids: compare with ids mapped to server names
    names_linked = {g.id: g.name for g in linked.guilds}
    names_seeded = {g.id: g.name for g in seeded.guilds}

    def named(table_rows, names):
        return [tuple(names.get(v, v) for v in row) for row in table_rows]

    for table in NETWORK_TABLES:
        assert named(by_commands[table], names_linked) == named(by_seed[table], names_seeded), table
    shown = await seeded.mod.slash("network show", in_guild=seeded.guild(SERVERS[0]))
    assert all(name in shown.text for name in SERVERS), shown.text
