"""Network-wide polls end to end: three linked servers, one poll (issue 10).

An organiser of one server creates a poll with `network:true`; it appears in every
linked server's announcements channel; members vote in their own server, once per
person (a member of two servers votes once, counted where they first voted); the
results in every server show network totals and voters by server with small groups
suppressed; organisers see names (named polls) only of their own server's members;
an unlinked server gets no new polls and can no longer vote. Commands are synced
globally (no DEV_GUILD_ID).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re

from bot import strings
from bot.strings import polls as text
from bot.strings.networks import LEAVE_NETWORK, LEFT_THE_NETWORK
from tests.database import rows, seed_members
from tests.e2e.linked import BRADFORD, LEEDS, SERVERS, WAKEFIELD, cast, join
from tests.e2e.test_opportunities import eventually
from tests.emulator.render import walk

OUTCOMES = ("dm_outcomes",)

OPTIONS = "Waiting times\nPeer support groups\nOut-of-hours help"


async def create(world, organiser, **options):
    form = await organiser.slash(
        "poll create", in_guild=world.guild(LEEDS), kind="single", network=True, **options
    )
    assert form.modal is not None, form.text
    readback = await organiser.submit_modal(
        question="What should we improve first?", options=OPTIONS
    )
    done = await organiser.click(readback, "Post it")
    assert done.ephemeral and "being posted" in done.text, done.text
    last = world.guild(LEEDS).channel("announcements").last
    return done, int(re.search(r"Poll (\d+)", last.text).group(1))


def copy_in(world, server: str, poll_id: int):
    for message in world.guild(server).channel("announcements").messages:
        title = message.embeds[0].get("title", "") if message.embeds else ""
        if f"Poll {poll_id}" in message.text and not title.startswith(("Results:", "You said")):
            return message
    return None


def results_in(world, server: str, poll_id: int) -> list:
    return [
        m
        for m in world.guild(server).channel("announcements").messages
        if m.embeds
        and m.embeds[0].get("title", "").startswith("Results:")
        and f"Poll {poll_id}" in m.text
    ]


async def vote(person, message, option_number: int):
    ballot = await person.click(message, strings.VOTE)
    assert ballot.ephemeral, ballot.text
    select = next(c["custom_id"] for c in walk(ballot.message.components) if c.get("type") == 3)
    return await person.select(ballot, select, [str(option_number - 1)])


async def test_one_poll_in_three_servers_one_vote_per_person_results_everywhere(network):
    world, _mods = network
    c = cast(world)
    leeds, bradford, wakefield = c.leeds, c.bradford, c.wakefield
    olu, ada, ben, wyn, sam = c.olu, c.ada, c.ben, c.wyn, c.sam  # sam: Leeds and Bradford
    await join(ada, leeds, OUTCOMES)
    await join(ben, bradford)  # no messages
    await join(wyn, wakefield, OUTCOMES)
    await join(sam, bradford, OUTCOMES)
    await join(sam, leeds, OUTCOMES)

    done, poll_id = await create(world, olu, closes="in 2 days")
    assert "in 3 servers" in done.text and all(name in done.text for name in SERVERS)
    await eventually(world, lambda: all(copy_in(world, n, poll_id) for n in SERVERS))
    assert rows(
        world, "SELECT count(*) FROM item_copies WHERE kind = 'poll' AND item_id = ?", (poll_id,)
    ) == [(3,)]
    for name in SERVERS:
        copy = copy_in(world, name, poll_id)
        assert strings.VOTE in copy.buttons and text.NETWORK_LINE in copy.text

    # Members vote in their own server, each from their own copy.
    saved = await vote(ada, copy_in(world, LEEDS, poll_id), 2)
    assert "Your vote is saved" in saved.text
    await vote(ben, copy_in(world, BRADFORD, poll_id), 2)
    await vote(wyn, copy_in(world, WAKEFIELD, poll_id), 1)
    await vote(sam, copy_in(world, BRADFORD, poll_id), 3)
    # Sam again, from Leeds: told kindly it counts in Bradford, once; the vote changes.
    ballot = await sam.click(copy_in(world, LEEDS, poll_id), strings.VOTE)
    assert BRADFORD in ballot.text and "counted there, once" in ballot.text
    changed = await vote(sam, copy_in(world, LEEDS, poll_id), 2)
    assert "Your vote is changed" in changed.text and "counted there, once" in changed.text
    assert rows(world, "SELECT count(*) FROM ballots WHERE poll_id = ?", (poll_id,)) == [(4,)]
    assert sorted(
        rows(world, "SELECT user_id, guild_id FROM poll_voters WHERE poll_id = ?", (poll_id,))
    ) == sorted(
        [(ada.id, leeds.id), (ben.id, bradford.id), (wyn.id, wakefield.id), (sam.id, bradford.id)]
    )
    # Anonymous ballots carry no server (only "has voted" does).
    assert rows(world, "SELECT count(*) FROM ballots WHERE guild_id IS NOT NULL") == [(0,)]

    # The turnout shows on every copy: the network's.
    await eventually(
        world,
        lambda: all("4 people have voted" in copy_in(world, n, poll_id).text for n in SERVERS),
    )
    listed = await wyn.slash("polls", in_guild=wakefield)
    assert "What should we improve first?" in listed.text and LEEDS in listed.text
    assert text.LIST_VOTED in listed.text and f"/{wakefield.id}/" in listed.text

    # Only Leeds closes it; results go to every server, with voters by server.
    bea = world.user("bea", organiser=True, guilds=[bradford])
    refused = await bea.slash("poll close", in_guild=bradford, poll=poll_id)
    assert refused.text == text.HOME_ONLY.format(home=LEEDS)
    await olu.slash("poll close", in_guild=leeds, poll=poll_id)
    await eventually(world, lambda: all(len(results_in(world, n, poll_id)) == 1 for n in SERVERS))
    for name in SERVERS:
        shown = results_in(world, name, poll_id)[0].text
        # four ballots in an anonymous poll: too few to show how anyone voted (rule 9)
        assert "4 people voted; too few to show results" in shown, shown
        assert "Peer support groups" not in shown
        assert text.RESULTS_BY_SERVER in shown and "fewer than 5" in shown
        assert "Total: 4 voters" in shown
        assert strings.VOTE not in copy_in(world, name, poll_id).buttons
    # Any linked server may look at the results; the breakdown hides small groups.
    theirs = await wyn.slash("poll results", in_guild=wakefield, poll=poll_id)
    assert "too few to show results" in theirs.text and f"{WAKEFIELD}: fewer than 5" in theirs.text

    # You said, we did: posted in every server, DMed to voters who asked, via their server.
    await olu.slash("poll outcome", in_guild=leeds, poll=poll_id)
    await olu.submit_modal(decided="Evening peer support groups.", by_when="by March")
    for name in SERVERS:
        await eventually(
            world,
            lambda n=name: any(
                "Evening peer support" in m.text
                for m in world.guild(n).channel("announcements").messages
            ),
        )
    for person in (ada, wyn, sam):  # chose outcome messages in the server they count in
        await eventually(world, lambda p=person: any("Evening peer" in m.text for m in p.dms))
    assert not any("Evening peer" in m.text for m in ben.dms)  # ben chose none
    assert sum("Evening peer" in m.text for m in sam.dms) == 1  # once, not once per server


async def test_voters_by_server_hide_small_groups(network):
    world, _mods = network
    leeds = world.guild(LEEDS)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    _done, poll_id = await create(world, olu)
    await eventually(world, lambda: all(copy_in(world, n, poll_id) for n in SERVERS))
    sizes = {LEEDS: 6, BRADFORD: 5, WAKEFIELD: 2}
    voting = []
    for server, count in sizes.items():
        guild = world.guild(server)
        for person in seed_members(
            world, guild=guild, people=[f"{server[:3].lower()}{n}" for n in range(count)]
        ):
            voting.append(vote(person, copy_in(world, server, poll_id), 1))
    await asyncio.gather(*voting)  # members vote at the same time, as they would
    await olu.slash("poll close", in_guild=leeds, poll=poll_id)
    await eventually(world, lambda: len(results_in(world, BRADFORD, poll_id)) == 1)
    shown = results_in(world, BRADFORD, poll_id)[0].text
    lines = {line.split(":")[0].strip("- *"): line for line in shown.splitlines()}
    assert "Total: 13 voters" in shown
    assert "5 voters" in lines[BRADFORD]
    assert "fewer than 5" in lines[WAKEFIELD]
    # Leeds (the largest group) is hidden too, so Wakefield's 2 can't be worked out.
    assert "hidden" in lines[LEEDS] and "6" not in lines[LEEDS].split(":", 1)[1]


async def test_organisers_see_names_only_of_their_own_members(network):
    world, _mods = network
    leeds, bradford = world.guild(LEEDS), world.guild(BRADFORD)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    bea = world.user("bea", organiser=True, guilds=[bradford])
    [adaline] = seed_members(world, guild=leeds, people=["adaline"])
    [benedict] = seed_members(world, guild=bradford, people=["benedict"])
    _done, poll_id = await create(world, olu, anonymous=False)
    await eventually(world, lambda: all(copy_in(world, n, poll_id) for n in SERVERS))
    await vote(adaline, copy_in(world, LEEDS, poll_id), 1)
    await vote(benedict, copy_in(world, BRADFORD, poll_id), 2)
    await olu.slash("poll close", in_guild=leeds, poll=poll_id)

    def table(reply) -> str:
        [csv_file] = reply.attachments
        data = csv_file.data.decode("utf-8-sig")
        list(csv.reader(io.StringIO(data)))  # a well-formed CSV
        return data.lower()

    home = table(await olu.slash("poll export", in_guild=leeds, poll=poll_id))
    assert "adaline" in home and str(adaline.id) in home
    assert "benedict" not in home and str(benedict.id) not in home
    assert text.EXPORT_OTHER_SERVER in home and "peer support groups" in home  # counted
    theirs = table(await bea.slash("poll export", in_guild=bradford, poll=poll_id))
    assert "benedict" in theirs and str(benedict.id) in theirs
    assert "adaline" not in theirs and str(adaline.id) not in theirs


async def test_an_unlinked_server_gets_no_new_polls_and_can_no_longer_vote(network):
    world, mods = network
    leeds, wakefield = world.guild(LEEDS), world.guild(WAKEFIELD)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    [wyn] = seed_members(world, guild=wakefield, people=["wyn"])
    _done, first = await create(world, olu)
    await eventually(world, lambda: copy_in(world, WAKEFIELD, first) is not None)

    confirm = await mods[WAKEFIELD].slash("network leave", in_guild=wakefield)
    left = await mods[WAKEFIELD].click(confirm, LEAVE_NETWORK)
    assert "has left" in left.text
    refused = await wyn.click(copy_in(world, WAKEFIELD, first), strings.VOTE)
    assert refused.text == LEFT_THE_NETWORK
    assert rows(world, "SELECT count(*) FROM poll_voters") == [(0,)]
    assert (await wyn.slash("polls", in_guild=wakefield)).text == text.LIST_EMPTY
    hidden = await wyn.slash("poll results", in_guild=wakefield, poll=first)
    assert hidden.text == text.POLL_GONE
    wes = world.user("wes", organiser=True, guilds=[wakefield])
    hidden = await wes.slash("poll close", in_guild=wakefield, poll=first)
    assert hidden.text == text.POLL_GONE

    done, second = await create(world, olu)
    assert "in 2 servers" in done.text and WAKEFIELD not in done.text
    await eventually(world, lambda: copy_in(world, BRADFORD, second) is not None)
    await world.settle()
    assert copy_in(world, WAKEFIELD, second) is None
    await olu.slash("poll close", in_guild=leeds, poll=first)
    await eventually(world, lambda: len(results_in(world, BRADFORD, first)) == 1)
    assert results_in(world, WAKEFIELD, first) == []  # no new posts there
    assert strings.VOTE not in copy_in(world, WAKEFIELD, first).buttons  # its old copy closes


async def test_only_organisers_of_a_linked_server_create_network_polls(make_world):
    world = await make_world(guilds=SERVERS[:2])
    leeds = world.guild(LEEDS)
    await world.mod.slash(
        "setup channel", in_guild=leeds, announcements=leeds.channel("announcements")
    )
    await world.mod.slash("setup roles", in_guild=leeds, organiser=leeds.role("Organisers"))
    olu = world.user("olu", organiser=True, guilds=[leeds])
    ada = world.user("ada", guilds=[leeds])
    not_linked = await olu.slash("poll create", in_guild=leeds, kind="single", network=True)
    assert "isn't in a network" in not_linked.text and not_linked.modal is None
    not_organiser = await ada.slash("poll create", in_guild=leeds, kind="single", network=True)
    assert "Only organisers" in not_organiser.text and not_organiser.modal is None
    assert rows(world, "SELECT count(*) FROM polls") == [(0,)]
