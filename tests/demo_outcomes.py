"""The demo's outcomes scene: "you said, we did", followed through.

Plugged into `tests.demo.SCENES` after the network scene. The first poll's outcome
(recorded in the poll scene) is updated to "in progress", then, weeks later, to
"done"; Alice (who chose outcome messages) hears each once; anyone can read the
register with /decisions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.demo import Transcript
    from tests.emulator.world import World


async def scene_outcomes(t: Transcript, world: World) -> None:
    t.scene("You said, we did, followed through: an outcome's updates and the register")
    olu, cal = world.user("olu", organiser=True), world.user("cal")
    form = await t.slash(olu, "outcome update", item="poll:1", status="in_progress")
    await t.submit(
        olu, form, "what has happened, 30% done",
        happened="We have a room at the Hub on Thursday evenings, and two members will co-facilitate.",
        progress="30%",
    )  # fmt: skip
    await t.advance("four weeks later", days=28)
    form = await t.slash(olu, "outcome update", item="poll:1", status="done")
    await t.submit(
        olu, form, "what has happened",
        happened="The Thursday evening peer support group met for the first time: 11 people came.",
        progress="100",
    )  # fmt: skip
    await t.slash(cal, "decisions")
