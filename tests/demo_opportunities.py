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


async def scene_my_record(t: Transcript, world: World) -> None:
    """After the training: Alice's own record and certificate, seen by her alone."""
    from datetime import datetime

    from db import records
    from db.database import Database
    from tests.database import db_path, rows

    t.scene("Alice's own record: what she took part in, for her alone")
    alice, bea = world.user("alice"), world.user("bea")
    [(when_at, title)] = rows(world, "SELECT when_at, title FROM opportunities WHERE id = 1")
    # What the organiser's /opportunity happened writes for each person ticked as taking
    # part (the payments part of issue 24); written here directly through the same call.
    t.note("the training took place; olu confirms alice took part, as co-trainer, 3.5 hours")
    db = await Database.open(db_path(world))
    try:
        await records.add_took_part(
            db, world.guild().id, alice.id, 1, datetime.fromisoformat(when_at), title,
            "co-trainer", 3.5, now=world.now,
        )  # fmt: skip
    finally:
        await db.close()
    shown = await t.slash(alice, "me record")
    form = await t.click(alice, shown, "Get a certificate")
    await t.submit(alice, form, 'the name to print, "Alice Ó Dónaill"', name="Alice Ó Dónaill")
    await t.slash(bea, "me record")
