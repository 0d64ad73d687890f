"""Payment on a network opportunity (issue 24): someone counted in another server who
chose **Just count me** is asked for their name before they can be paid."""

from __future__ import annotations

from bot import strings
from bot.strings import opportunities as text
from bot.strings import payments as pay_text
from tests.database import rows
from tests.e2e.linked import BRADFORD, cast, join
from tests.e2e.test_network_opportunities import copy_in, post
from tests.e2e.test_opportunities import eventually


async def test_just_count_me_is_asked_for_a_name_to_be_paid(network):
    world, _mods = network
    c = cast(world)
    await join(c.ben, c.bradford)
    _done, opp_id = await post(world, c.olu, "Interview panel", places=3, fee="25")
    await eventually(world, lambda: copy_in(world, BRADFORD, opp_id) is not None)
    said = await c.ben.click(copy_in(world, BRADFORD, opp_id), strings.INTERESTED)
    kept = await c.ben.click(said, text.KEEP_COUNT)
    assert "need your name" in kept.text
    assert kept.buttons == [pay_text.SHARE_TO_BE_PAID, "No payment, thanks"]
    # No payment needs no name; sharing the name opens the choices.
    await c.ben.click(kept, "No payment, thanks")
    assert rows(world, "SELECT choice FROM payment_choices") == [("none",)]
    asked = await c.ben.click(kept, pay_text.SHARE_TO_BE_PAID)
    assert asked.buttons == ["Fee", "No payment, thanks"]
    await c.ben.click(asked, "Fee")
    assert rows(world, "SELECT choice FROM payment_choices") == [("fee",)]
    assert rows(world, "SELECT show_name_to_host FROM opportunity_replies") == [(1,)]
