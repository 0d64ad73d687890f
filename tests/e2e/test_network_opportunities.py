"""Network-wide opportunities end to end: three linked servers, one post (issue 10).

An organiser of one server posts with `network:true`; the post appears in every
linked server; members answer in their own server (or from their invitation DM),
once per person, counted where they first answered; the home organisers see names
of other servers' members only if those members agreed; another server's organisers
see names only of their own members; an unlinked server gets no new posts and can no
longer answer. Commands are synced globally (no DEV_GUILD_ID).
"""

from __future__ import annotations

import re

from bot import strings
from bot.strings import membership as member_text
from bot.strings import opportunities as text
from bot.strings.networks import LEAVE_NETWORK, LEFT_THE_NETWORK
from tests.database import rows
from tests.e2e.linked import BRADFORD, LEEDS, SERVERS, WAKEFIELD, cast, join, post_in
from tests.e2e.steps import news as dms
from tests.e2e.test_opportunities import eventually

INVITES = ("dm_opportunities",)
DESCRIPTION = "Join an interview panel for new peer support workers."


def copy_in(world, server: str, opp_id: int):
    return post_in(world, server, "Opportunity", opp_id)


async def name_myself(person, guild, name: str, needs: str | None = None) -> None:
    details = await person.slash("me settings", in_guild=guild)
    await person.click(details, member_text.EDIT_DETAILS)
    fields = {"preferred_name": name}
    if needs:
        fields["access_needs"] = needs
    await person.submit_modal(**fields)


async def post(world, organiser, title: str, **options):
    readback = await organiser.slash(
        "opportunity post",
        in_guild=world.guild(LEEDS),
        title=title,
        description=DESCRIPTION,
        network=True,
        **options,
    )
    done = await organiser.click(readback, "Post it")
    assert done.ephemeral and "being posted" in done.text, done.text
    last = world.guild(LEEDS).channel("announcements").last
    return done, int(re.search(r"Opportunity (\d+)", last.text).group(1))


async def test_one_post_reaches_three_servers_and_each_person_answers_once(network):
    world, _mods = network
    c = cast(world)
    leeds, bradford, wakefield = c.leeds, c.bradford, c.wakefield
    olu, ada, ben, wyn, sam = c.olu, c.ada, c.ben, c.wyn, c.sam  # sam: Leeds and Bradford
    await join(ada, leeds, INVITES)
    await join(ben, bradford, INVITES)
    await join(wyn, wakefield, INVITES)
    await join(sam, bradford, INVITES)
    await join(sam, leeds, INVITES)
    await name_myself(ada, leeds, "Ada L")
    await name_myself(ben, bradford, "Ben B", "Step-free access")
    await name_myself(wyn, wakefield, "Wyn W")
    await name_myself(sam, bradford, "Sam S")

    done, opp_id = await post(world, olu, "Interview panel")
    # One post, three announcements channels; the organiser is told where it went.
    assert "in 3 servers" in done.text and all(name in done.text for name in SERVERS)
    await eventually(world, lambda: all(copy_in(world, n, opp_id) for n in SERVERS))
    assert rows(
        world,
        "SELECT count(*) FROM item_copies WHERE kind = 'opportunity' AND item_id = ?",
        (opp_id,),
    ) == [(3,)]

    # Invitations: each server's own members who chose them; sam once, not twice.
    for person in (ada, ben, wyn, sam):
        await eventually(world, lambda p=person: len(dms(p)) >= 1)
    assert [len(dms(p)) for p in (ada, ben, wyn, sam)] == [1, 1, 1, 1]
    assert "shared with your network" in dms(wyn)[0].text and LEEDS in dms(wyn)[0].text

    # Members answer in their own server; wyn from the invitation DM.
    said = await ada.click(copy_in(world, LEEDS, opp_id), strings.INTERESTED)
    assert text.SHARE_NAME not in said.buttons  # home members are named as usual
    said = await ben.click(copy_in(world, BRADFORD, opp_id), strings.INTERESTED)
    assert said.buttons == [text.SHARE_NAME, text.KEEP_COUNT]  # two equal choices
    assert text.NAME_NOW_KEPT in said.text  # a count until ben agrees
    shared = await ben.click(said, text.SHARE_NAME)
    assert "can now see your name" in shared.text
    again = await ben.click(copy_in(world, BRADFORD, opp_id), strings.INTERESTED)
    assert text.NAME_NOW_SHARED in again.text  # pressing yes again lets ben change it
    said = await wyn.click(dms(wyn)[0], strings.INTERESTED)
    assert said.buttons == [text.SHARE_NAME, text.KEEP_COUNT]  # wyn doesn't answer: a count
    await sam.click(copy_in(world, BRADFORD, opp_id), strings.INTERESTED)
    again = await sam.click(copy_in(world, LEEDS, opp_id), strings.NOT_THIS_TIME)
    assert "counted there, once" in again.text and BRADFORD in again.text
    await sam.click(copy_in(world, LEEDS, opp_id), strings.INTERESTED)
    listed = await sam.slash("opportunity list", in_guild=leeds)
    assert "Interview panel" in listed.text and "(you said yes)" in listed.text
    listed = await wyn.slash("opportunity list", in_guild=wakefield)
    assert "Interview panel" in listed.text and f"/{wakefield.id}/" in listed.text

    assert sorted(
        rows(
            world,
            "SELECT user_id, guild_id, state FROM opportunity_replies WHERE opportunity_id = ?",
            (opp_id,),
        )
    ) == sorted(
        [
            (ada.id, leeds.id, "interested"),
            (ben.id, bradford.id, "interested"),
            (wyn.id, wakefield.id, "interested"),
            (sam.id, bradford.id, "interested"),  # counted where sam first answered
        ]
    )

    # The home organisers: own members and those who agreed by name; the rest counted.
    roster = await olu.slash("opportunity roster", in_guild=leeds, opportunity=opp_id)
    assert "Ada L" in roster.text and "Ben B" in roster.text and "Step-free access" in roster.text
    assert "Wyn W" not in roster.text and str(wyn.id) not in roster.text
    assert "Sam S" not in roster.text and str(sam.id) not in roster.text
    # The unnamed count and the total would undo the per-server suppression (rule 9):
    # neither is exact.
    assert text.ROSTER_UNNAMED_HIDDEN in roster.text
    assert "Total:" not in roster.text and " 2" not in roster.text
    assert "fewer than 5" in roster.text  # every server is a small group here

    # Bradford's organiser sees Bradford's own members by name, and nobody else's.
    bea = world.user("bea", organiser=True, guilds=[bradford])
    picks = await bea.autocomplete(
        "opportunity roster", "opportunity", in_channel=bradford.channel("general")
    )
    assert any(choice.value == opp_id for choice in picks)
    theirs = await bea.slash("opportunity roster", in_guild=bradford, opportunity=opp_id)
    assert "Ben B" in theirs.text and "Sam S" in theirs.text
    assert "Ada L" not in theirs.text and str(ada.id) not in theirs.text
    assert "Wyn W" not in theirs.text and str(wyn.id) not in theirs.text
    assert LEEDS in theirs.text  # says whose opportunity it is
    # ...and cannot edit, close or cancel another server's opportunity.
    refused = await bea.slash("opportunity close", in_guild=bradford, opportunity=opp_id)
    assert refused.text == text.NOT_FOUND

    # Leaving Bradford erases sam's answer there (it was counted there).
    bye = await sam.slash("leave", in_guild=bradford)
    await sam.click(bye, strings.LEAVE_AND_ERASE)
    assert rows(
        world,
        "SELECT count(*) FROM opportunity_replies WHERE opportunity_id = ? AND user_id = ?",
        (opp_id, sam.id),
    ) == [(0,)]
    roster = await olu.slash("opportunity roster", in_guild=leeds, opportunity=opp_id)
    assert "Said yes (2)" in roster.text and "Sam S" not in roster.text
    assert "Total:" not in roster.text and text.ROSTER_UNNAMED_HIDDEN in roster.text


async def test_per_server_breakdown_hides_small_groups(network):
    world, _mods = network
    leeds = world.guild(LEEDS)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    people = {LEEDS: 5, BRADFORD: 5, WAKEFIELD: 2}
    members = []
    for server, count in people.items():
        guild = world.guild(server)
        for index in range(count):
            person = world.user(f"{server[:3].lower()}{index}", guilds=[guild])
            await join(person, guild)  # no invitations
            members.append((person, server))
    _done, opp_id = await post(world, olu, "Reading group")
    await eventually(world, lambda: all(copy_in(world, n, opp_id) for n in SERVERS))
    for person, server in members:
        await person.click(copy_in(world, server, opp_id), strings.INTERESTED)
    roster = await olu.slash("opportunity roster", in_guild=leeds, opportunity=opp_id)
    # Leeds' organisers know Leeds' 5 by name: a total, or the count of the 7 others
    # without a name, less Bradford's 5 would be Wakefield's 2 (rule 9).
    assert "Total:" not in roster.text and ": 7" not in roster.text
    assert text.ROSTER_UNNAMED_HIDDEN in roster.text
    lines = {line.split(":")[0].strip("- *"): line for line in roster.text.splitlines()}
    assert "5 yes answers" in lines[BRADFORD]
    assert "fewer than 5" in lines[WAKEFIELD]
    # Leeds is hidden too, so Wakefield's 2 can't be worked out from the total.
    assert "5" not in lines[LEEDS].split(":", 1)[1]


async def test_an_unlinked_server_gets_no_new_posts_and_can_no_longer_answer(network):
    world, mods = network
    leeds, wakefield = world.guild(LEEDS), world.guild(WAKEFIELD)
    olu = world.user("olu", organiser=True, guilds=[leeds])
    wyn = world.user("wyn", guilds=[wakefield])
    wes = world.user("wes", organiser=True, guilds=[wakefield])
    await join(wyn, wakefield, INVITES)
    _done, first = await post(world, olu, "Co-deliver staff training")
    await eventually(world, lambda: copy_in(world, WAKEFIELD, first) is not None and dms(wyn))

    confirm = await mods[WAKEFIELD].slash("network leave", in_guild=wakefield)
    left = await mods[WAKEFIELD].click(confirm, LEAVE_NETWORK)
    assert "has left" in left.text
    refused = await wyn.click(copy_in(world, WAKEFIELD, first), strings.INTERESTED)
    assert refused.text == LEFT_THE_NETWORK
    refused = await wyn.click(dms(wyn)[0], strings.INTERESTED)  # the invitation, too
    assert refused.text == LEFT_THE_NETWORK
    assert rows(world, "SELECT count(*) FROM opportunity_replies") == [(0,)]
    hidden = await wes.slash("opportunity roster", in_guild=wakefield, opportunity=first)
    assert hidden.text == text.NOT_FOUND
    assert (await wyn.slash("opportunity list", in_guild=wakefield)).text == text.LIST_EMPTY

    done, second = await post(world, olu, "Interview panel")
    assert "in 2 servers" in done.text and WAKEFIELD not in done.text
    await eventually(world, lambda: copy_in(world, BRADFORD, second) is not None)
    await world.settle()
    assert copy_in(world, WAKEFIELD, second) is None
    assert len(dms(wyn)) == 1  # no invitation from a network Wakefield has left


async def test_only_organisers_of_a_linked_server_post_network_wide(make_world):
    world = await make_world(guilds=SERVERS[:2])
    leeds = world.guild(LEEDS)
    await world.mod.slash(
        "setup channel", in_guild=leeds, announcements=leeds.channel("announcements")
    )
    await world.mod.slash("setup roles", in_guild=leeds, organiser=leeds.role("Organisers"))
    olu = world.user("olu", organiser=True, guilds=[leeds])
    ada = world.user("ada", guilds=[leeds])
    not_linked = await olu.slash(
        "opportunity post", in_guild=leeds, title="x", description="y", network=True
    )
    assert "isn't in a network" in not_linked.text
    not_organiser = await ada.slash(
        "opportunity post", in_guild=leeds, title="x", description="y", network=True
    )
    assert "Only organisers" in not_organiser.text
    assert leeds.channel("announcements").messages == []
    assert rows(world, "SELECT count(*) FROM opportunities") == [(0,)]


async def test_coming_back_lists_a_linked_servers_post_shown_here_meanwhile(network):
    world, _ = network
    c = cast(world)
    await join(c.ben, c.bradford)
    await c.ben.slash("me pause", in_guild=c.bradford)
    await post(world, c.olu, "Co-design the crisis leaflet")
    await world.settle()

    back = await c.ben.slash("me resume", in_guild=c.bradford)
    assert "Posted while you were away" in back.text
    assert "Co-design the crisis leaflet" in back.text  # Leeds' post, as shown in Bradford
    bradford_copy = c.bradford.channel("announcements").last
    assert str(bradford_copy.id) in back.text  # the link goes to Bradford's copy
