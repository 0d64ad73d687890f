"""A content note holds the details back (issue 29, rule 12): the post and the DM show
the title and the note once, and **Show details** opens the rest privately."""

from __future__ import annotations

from bot import strings
from tests.e2e.test_opportunities import DESCRIPTION, dms, eventually, post
from tests.e2e.test_opportunities import join as join_for_opportunities
from tests.e2e.test_polls import create, set_up


async def test_a_poll_with_a_content_note_shows_its_options_only_behind_show_details(world):
    organiser = await set_up(world)
    poll, _poll_id = await create(
        world,
        organiser,
        question="How was the ward?",
        options="Restraint was used\nIt felt safe",
        kind="single",
        content_note="mentions of restraint",
    )
    assert poll.text.count("mentions of restraint") == 1
    assert "Restraint was used" not in poll.text and strings.HELD_BACK in poll.text
    assert poll.buttons == [strings.VOTE, strings.SHOW_DETAILS]
    before = poll.text

    alice = world.user("alice")  # anyone who can see the post may read on, privately
    details = await alice.click(poll, strings.SHOW_DETAILS)
    assert details.ephemeral
    assert "1. Restraint was used" in details.text and "2. It felt safe" in details.text
    assert world.channel("announcements").last.text == before  # the post is unchanged


async def test_an_opportunity_post_and_its_dm_hold_the_description_behind_show_details(world):
    organiser = await set_up(world)
    bob = world.user("bob")
    await join_for_opportunities(bob)
    _done, message, _opp_id = await post(world, organiser, content_note="talk of restraint")
    assert message.text.count("talk of restraint") == 1
    assert DESCRIPTION not in message.text
    await eventually(world, lambda: dms(bob))
    invitation = dms(bob)[0]
    assert invitation.text.count("talk of restraint") == 1
    assert DESCRIPTION not in invitation.text
    assert invitation.buttons == [strings.INTERESTED, strings.NOT_THIS_TIME, strings.SHOW_DETAILS]

    from_dm = await bob.click(invitation, strings.SHOW_DETAILS)
    assert DESCRIPTION in from_dm.text and from_dm.text.count("talk of restraint") == 1
    from_post = await world.user("carol").click(message, strings.SHOW_DETAILS)
    assert from_post.ephemeral and DESCRIPTION in from_post.text


async def test_without_a_content_note_nothing_is_held_back(world):
    organiser = await set_up(world)
    poll, _ = await create(world, organiser, options="Tea\nCoffee", kind="single")
    assert "1. Tea" in poll.text and poll.buttons == [strings.VOTE]
    _done, message, _ = await post(world, organiser)
    assert DESCRIPTION in message.text and strings.SHOW_DETAILS not in message.buttons
