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
        payment="Lunch is provided.",
        fee="60",
        voucher=True,
        expenses="travel",
        content_note="mentions self-harm",
    )
    await t.click(olu, readback, "Post it")
    post = world.channel("announcements").last
    asked = await t.click(alice, post, "I'm interested")
    t.note("alice is asked privately how she'd like to be paid; every choice is as easy")
    await t.click(alice, asked, "Voucher")
    await t.click(bea, post, "Not this time")
    t.note("cal doesn't answer; nobody will chase cal")
    await t.slash(olu, "opportunity roster", opportunity=1)
    await t.advance("a week later: nothing more is sent to bea or cal", days=7)
    assert cal.dms == [] and bea.dms == []


async def scene_my_record(t: Transcript, world: World) -> None:
    """After the training: who took part, Alice's travel claim, marked paid; then Alice's
    own record and certificate, seen by her alone."""
    t.scene("After the training: who took part, a travel claim, marked paid")
    olu, alice, bea = world.user("olu"), world.user("alice"), world.user("bea")
    confirm = await t.slash(
        olu, "opportunity happened", opportunity=1, role="co-trainer", hours=3.5
    )
    await t.click(olu, confirm, "Confirm who took part")
    form = await t.slash(alice, "me claim", opportunity=1)
    await t.submit(
        alice, form, "£6.40, travel, the bus there and back", amount="£6.40", kind="travel",
        note="bus there and back",
    )  # fmt: skip
    payments = await t.slash(olu, "opportunity payments", opportunity=1)
    await t.click(olu, payments, "Mark paid: no name given (1)")

    t.scene("Alice's own record: what she took part in, for her alone")
    shown = await t.slash(alice, "me record")
    form = await t.click(alice, shown, "Get a certificate")
    await t.submit(alice, form, 'the name to print, "Alice Ó Dónaill"', name="Alice Ó Dónaill")
    await t.slash(bea, "me record")
