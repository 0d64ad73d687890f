"""/opportunity list and /me opportunities end to end (what each person sees of their own)."""

from __future__ import annotations

from bot import strings
from bot.strings import opportunities as text
from tests.e2e.test_opportunities import join, post, set_up


async def test_the_list_and_my_answers_show_places_and_let_me_step_out(world):
    olu = await set_up(world)
    alice, bob = world.user("alice"), world.user("bob")
    for person in (alice, bob):
        await join(person)
    _done, message, opp_id = await post(world, olu, places=1, closes="2026-12-10 17:00")
    await post(world, olu, title="Review the leaflet")
    await alice.click(message, strings.INTERESTED)

    listed = await alice.slash("opportunity list")
    assert listed.ephemeral
    assert "Co-deliver staff training" in listed.text and "Review the leaflet" in listed.text
    assert text.PLACES_FULL in listed.text

    mine = await alice.slash("me opportunities")
    assert mine.ephemeral and "Co-deliver staff training" in mine.text
    buttons = [c for row in mine.components for c in row["components"]]
    assert [b["custom_id"] for b in buttons] == [f"opp:{opp_id}:no"]

    stepped_out = await alice.click(mine, buttons[0]["label"])
    assert stepped_out.ephemeral

    nothing = await bob.slash("me opportunities")
    assert nothing.text == text.ME_EMPTY
