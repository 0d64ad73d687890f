"""The demo's network scene: two servers link up, and one poll reaches both.

Plugged into `tests.demo.SCENES` after the feature scenes. A second server,
Bradford voices, is added to the demo world; its moderator sets it up; the two
servers link (a code from one side, approval on the other); an organiser of the
first server posts a network poll; members of both servers vote in their own
server; it closes, and the results in each server show the network's totals and
voters by server (small groups shown only as "fewer than 5").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.emulator.render import walk

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World

OPTIONS = "More peer-led groups\nBetter crisis support\nClearer letters"


def _select_id(reply) -> str:
    return next(c["custom_id"] for c in walk(reply.message.components) if c.get("type") == 3)


async def scene_network_poll(t: Transcript, world: World) -> None:
    t.scene("Two servers, one network: a poll across both")
    home = world.guild()
    bradford = await world.add_guild("Bradford voices")
    t.note(f"a second server, {bradford.name}, with its own moderator and members")
    mo = world.user("mo", moderator=True, guilds=[bradford])
    await t.slash(
        mo,
        "setup channel",
        in_guild=bradford,
        announcements=bradford.channel("announcements"),
        moderators=bradford.channel("moderators"),
    )
    created = await t.slash(world.mod, "network create", name="Yorkshire champions")
    code = re.search(r"`(SB-[A-Z0-9-]+)`", created.text).group(1)
    await t.slash(mo, "network join", in_guild=bradford, code=code)
    await t.click(world.mod, home.channel("moderators").messages[-1], "Approve")

    bo, di = (world.user(name, guilds=[bradford]) for name in ("bo", "di"))
    for person in (bo, di):  # joining is shown in an earlier scene
        notice = await person.slash("join", in_guild=bradford)
        await person.click(notice, "I agree")
    t.show_new()

    olu = world.user("olu", organiser=True)
    form = await t.slash(olu, "poll create", kind="single", network=True)
    readback = await t.submit(
        olu, form, "the question and three options",
        question="What should the network work on this year?", options=OPTIONS,
    )  # fmt: skip
    await t.click(olu, readback, "Post it")
    here = home.channel("announcements").last
    poll_id = int(re.search(r"Poll (\d+)", here.text).group(1))
    await world.settle()
    there = bradford.channel("announcements").last
    t.note(f"poll {poll_id} is now in both servers' #announcements; members vote where they are")

    alice = world.user("alice")
    ballot = await t.click(alice, here, "Vote")
    await t.select(alice, ballot, _select_id(ballot), ["0"], "More peer-led groups")
    ballot = await t.click(bo, there, "Vote")
    await t.select(bo, ballot, _select_id(ballot), ["0"], "More peer-led groups")
    ballot = await t.click(di, there, "Vote")
    await t.select(di, ballot, _select_id(ballot), ["1"], "Better crisis support")
    await t.slash(olu, "poll close", poll=poll_id)
    await world.settle()
    t.show_new()
