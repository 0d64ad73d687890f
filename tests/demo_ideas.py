"""The demo's ideas scene: a member raises an idea, members support it, organisers answer.

Plugged into `tests.demo.SCENES` after the opportunity scene (Alice chose outcome
messages when she joined; Bea and Cal joined without choosing any).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World


async def scene_idea(t: Transcript, world: World) -> None:
    t.scene("Alice raises an idea; members support it; organisers must answer, then ask how")
    olu, alice = world.user("olu", organiser=True), world.user("alice")
    bea, cal = world.user("bea"), world.user("cal")
    dee, eli, fin = (world.user(name) for name in ("dee", "eli", "fin"))
    for person in (dee, eli, fin):  # joining is shown in an earlier scene
        notice = await person.slash("join")
        await person.click(notice, "I agree")
    t.show_new()

    form = await t.slash(alice, "idea new")
    await t.submit(
        alice, form, "a title, what and why, and who it affects",
        title="Champions co-deliver risk training",
        body="New staff learn about risk from slides.\nWe could tell them what it is like.",
        affects="New ward staff",
    )  # fmt: skip
    review = world.channel("moderators").last
    await t.click(world.mod, review, "Publish")
    post = world.channel("announcements").last
    for person in (bea, cal, dee, eli, fin):
        await t.click(person, post, "Support")
    await t.slash(alice, "ideas")
    form = await t.slash(olu, "idea respond", idea=1, answer="forward")
    answered = await t.submit(
        olu, form, "why, and a one-line summary",
        reason="The training team asked for exactly this.",
        summary="Two champions will co-design the next risk session.",
    )  # fmt: skip
    form = await t.click(olu, answered, "Start a poll")
    readback = await t.submit(
        olu, form, "three options; the question is written already",
        options="A half-day session\nA short film\nBoth",
    )  # fmt: skip
    await t.click(olu, readback, "Post it")
