"""The demo's poll scene: from creation to "you said, we did", with the chart saved.

Plugged into `tests.demo.SCENES` after the setup and joining scenes (Alice is a
member who chose poll outcome messages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.emulator.render import walk

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World

OPTIONS = "Shorter waiting times\nEvening peer support groups\nOut-of-hours crisis help"


def _select_id(reply) -> str:
    return next(c["custom_id"] for c in walk(reply.message.components) if c.get("type") == 3)


async def scene_poll(t: Transcript, world: World) -> None:
    t.scene("Members decide what to improve first (an anonymous poll)")
    olu = world.user("olu", organiser=True)
    alice, bea, cal = world.user("alice"), world.user("bea"), world.user("cal")
    for person in (bea, cal):  # joining is shown in the scene before
        notice = await person.slash("join")
        await person.click(notice, "I agree")
    t.show_new()
    form = await t.slash(olu, "poll create", kind="single", closes="in 2 days")
    readback = await t.submit(
        olu, form, "the question and three options", question="What should we improve first?",
        options=OPTIONS,
    )  # fmt: skip
    await t.click(olu, readback, "Post it")
    poll = world.channel("announcements").last
    ballot = await t.click(alice, poll, "Vote")
    await t.select(alice, ballot, _select_id(ballot), ["1"], "Evening peer support groups")
    ballot = await t.click(bea, poll, "Vote")
    await t.select(bea, ballot, _select_id(ballot), ["1"], "Evening peer support groups")
    ballot = await t.click(cal, poll, "Vote")
    await t.select(cal, ballot, _select_id(ballot), ["2"], "Out-of-hours crisis help")
    await t.slash(cal, "polls")
    await t.slash(cal, "poll results", poll=1)
    await t.advance("two days later, the poll closes by itself", days=2)
    form = await t.slash(olu, "poll outcome", poll=1)
    await t.submit(
        olu, form, "what was decided and by when",
        decided="We will start an evening peer support group, on Thursdays.",
        by_when="by the end of March",
    )  # fmt: skip
