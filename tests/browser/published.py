"""A network whose pages a commissioner would read: seeded through the running bot.

Leeds publishes everything: a closed poll with a hostile question (6 votes: 4, 1, 1,
so two figures are under 5) and its outcome (recorded, then two updates a week apart: in
progress, 40% then 60%; the second update's text is hostile too), and an idea answered by
an organiser. Bradford publishes meetings only; Wakefield nothing. After a day the daily
snapshot has the figures.
`Site` holds each page type's address; the browser tests and the screenshot read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot import strings
from bot.strings import membership as member_text
from bot.strings import pages as pages_text
from bot.strings import polls as poll_text
from tests.database import rows
from tests.e2e import linked, steps
from tests.e2e.conftest import FAST_ENV, QUIET
from tests.emulator.render import walk
from tests.emulator.world import World

BASE = "https://pages.example.org"
HOSTILE = "<script>alert(1)</script> **bold** [link](https://evil.example)"
QUESTION = "What should the crisis team work on first?"
VOTERS = ("alice", "bob", "carol", "dev", "erin", "fay")
PREFERRED_NAME = "Ali Preferred"
DECIDED = "An evening peer support group, run by members, starts in the new year."
UPDATES = (  # (what happened, progress): both "in progress"
    ("We have found a room on Thursday evenings.", "40%"),
    ("Six members are training to run the group.", "60%"),
)


@dataclass
class Site:
    world: World
    base: str  # http://127.0.0.1:<port>, where the bot serves its pages
    server: str  # Leeds's "you said, we did"
    poll: str  # the closed poll's page
    ideas: str  # ideas and their answers
    network: str  # the network's page
    poll_id: int

    def url(self, page: str) -> str:
        return self.base + getattr(self, page)


async def publish(world: World, mod, guild, kinds) -> str:
    """/setup publish in `guild`, choosing `kinds`: the reply's text."""
    shown = await mod.slash("setup publish", in_guild=guild)
    saved = await mod.select(shown, "setup:publish:kinds", list(kinds))
    assert saved.ephemeral and pages_text.SAVED in saved.text, saved.text
    return saved.text


async def start(root: Path) -> World:
    return await World.start(
        root,
        guilds=linked.SERVERS,
        quiet=QUIET,
        env={**FAST_ENV, "WEB_BASE_URL": BASE + "/"},
    )


async def seed(world: World, *, hostile: bool = True) -> Site:
    """`hostile=False` for the screenshot: the question without the injection attempt."""
    mods = await linked.set_up_servers(world)
    await linked.seed_network(world)
    leeds = world.guild(linked.LEEDS)
    organiser = world.user("olu", organiser=True, guilds=[leeds])
    await steps.join(organiser, guild=leeds)
    people = [world.user(name, guilds=[leeds]) for name in VOTERS]
    for person in people:
        await steps.join(person, ["dm_outcomes"], guild=leeds)
    details = await people[0].click(await people[0].slash("me settings"), member_text.EDIT_DETAILS)
    await people[0].submit_modal(details, preferred_name=PREFERRED_NAME)

    form = await organiser.slash("poll create", kind="single", in_guild=leeds)
    readback = await organiser.submit_modal(
        form,
        question=f"{QUESTION} {HOSTILE}" if hostile else QUESTION,
        options="Shorter waiting times\nPeer support at night\nA crisis line that answers",
    )
    await organiser.click(readback, poll_text.POST_IT)
    poll = leeds.channel("announcements").last
    poll_id = int(re.search(r"Poll (\d+)", poll.text).group(1))
    for person, choice in zip(people, (1, 1, 1, 1, 2, 3), strict=True):
        ballot = await person.click(poll, strings.VOTE)
        select = next(c["custom_id"] for c in walk(ballot.message.components) if c["type"] == 3)
        await person.select(ballot, select, [str(choice - 1)])
    await organiser.slash("poll close", poll=poll_id, in_guild=leeds)
    await world.settle()

    # What came of it, as an organiser records and follows it: a status, progress, updates.
    form = await organiser.slash("poll outcome", poll=poll_id, in_guild=leeds)
    await organiser.submit_modal(form, decided=DECIDED, by_when="by March")
    for number, (happened, progress) in enumerate(UPDATES):
        await world.advance(days=7)
        if hostile and number == len(UPDATES) - 1:
            happened = f"{happened} {HOSTILE}"
        form = await organiser.slash("outcome update", item=f"poll:{poll_id}", in_guild=leeds)
        done = await organiser.submit_modal(
            form, happened=happened, status="in progress", progress=progress
        )
        assert "Update posted" in done.text, done.text
        await world.settle()

    await world.mod.slash("setup ideas", review=False, in_guild=leeds)
    form = await people[1].slash("idea new", in_guild=leeds)
    await people[1].submit_modal(form, title="A private title", body="My own private words")
    await world.settle()
    idea_id = rows(world, "SELECT id FROM ideas")[0][0]
    form = await organiser.slash("idea respond", idea=idea_id, answer="forward", in_guild=leeds)
    await organiser.submit_modal(
        form, reason="The board agreed in November", summary="Peer workers on the night shift"
    )
    await world.settle()

    said = await publish(
        world, mods[linked.LEEDS], leeds, ["polls", "ideas", "outcomes", "meetings"]
    )
    await publish(world, mods[linked.BRADFORD], world.guild(linked.BRADFORD), ["meetings"])
    await world.advance(days=1)  # the daily snapshot
    server = re.search(re.escape(BASE) + r"(/s/[a-z0-9]+)", said).group(1)
    network = re.search(re.escape(BASE) + r"(/n/[a-z0-9]+)", said).group(1)
    return Site(
        world=world,
        base=await steps.pages_url(world),
        server=server,
        poll=f"{server}/polls/{poll_id}",
        ideas=f"{server}/ideas",
        network=network,
        poll_id=poll_id,
    )
