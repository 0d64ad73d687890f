"""The demo's opportunity scene: an invitation, a yes, a no, and what the organiser sees.

Plugged into `tests.demo.SCENES` after the poll scene (Alice chose opportunity
messages when she joined; Bea and Cal joined without choosing any).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World


async def scene_opportunity(t: Transcript, world: World) -> None:
    t.scene("An invitation to co-deliver staff training: saying no costs nothing")
    olu = world.user("olu", organiser=True)
    alice, bea, cal = world.user("alice"), world.user("bea"), world.user("cal")
    readback = await t.slash(
        olu,
        "opportunity post",
        title="Co-deliver risk training for new staff",
        description="Two of us will co-deliver a half-day session with the training team.",
        when="next tuesday 10am",
        places=2,
        payment="GBP 60 voucher for the half day, plus travel. Tell us if vouchers affect your benefits.",
        content_note="mentions self-harm",
    )
    await t.click(olu, readback, "Post it")
    post = world.channel("announcements").last
    await t.click(alice, post, "I'm interested")
    await t.click(bea, post, "Not this time")
    t.note("cal doesn't answer; nobody will chase cal")
    await t.slash(olu, "opportunity roster", opportunity=1)
    await t.advance("a week later: nothing more is sent to bea or cal", days=7)
    assert cal.dms == [] and bea.dms == []
