"""Getting in without typing (issue 29): the set-up checklist once per server,
`/setup welcome` and its **Read about joining** button, "join first" replies that
carry it, and I agree carrying on with what was pressed."""

from __future__ import annotations

import asyncio

from bot import strings
from bot.strings import membership as member_text
from bot.strings import setup as text
from tests.database import rows
from tests.e2e.test_polls import create, set_up


async def posted(world, channel, words: str):
    for _ in range(100):
        for message in channel.messages:
            if words in message.text:
                return message
        await asyncio.sleep(0.1)
        await world.settle()
    raise AssertionError(f"{words!r} was never posted")


async def test_the_first_reply_to_a_moderator_carries_the_checklist_once(world):
    first = await world.mod.slash("setup show")
    assert text.CHECKLIST in first.text and first.ephemeral
    again = await world.mod.slash("setup show")
    assert text.CHECKLIST not in again.text
    assert rows(world, "SELECT count(*) FROM setup_checklists") == [(1,)]
    member = await world.user("alice").slash("help")  # not a moderator: never shown
    assert text.CHECKLIST not in member.text


async def test_setup_welcome_posts_an_introduction_whose_button_opens_the_notice_privately(world):
    general = world.channel("general")
    done = await world.mod.slash("setup welcome")
    assert done.ephemeral and "Pin it" in done.text
    welcome = await posted(world, general, text.WELCOME_TITLE)
    assert welcome.buttons == [strings.READ_ABOUT_JOINING]
    before = (welcome.text, welcome.components)

    alice = world.user("alice")  # not a member
    notice = await alice.click(welcome, strings.READ_ABOUT_JOINING)
    assert notice.ephemeral and member_text.NOTICE_TITLE in notice.text
    assert notice.buttons == [strings.I_AGREE, strings.NOT_NOW]
    after = next(m for m in general.messages if m.id == welcome.id)
    assert (after.text, after.components) == before  # the public post is byte-identical
    joined = await alice.click(notice, strings.I_AGREE)
    assert member_text.WELCOME.split(".")[0] in joined.text
    assert rows(world, "SELECT user_id FROM members") == [(alice.id,)]


async def test_a_join_first_reply_has_the_button_and_i_agree_carries_on_to_the_vote(world):
    organiser = await set_up(world)
    poll, _ = await create(world, organiser, options="Tea\nCoffee", kind="single")
    bob = world.user("bob")
    refused = await bob.slash("me settings")
    assert strings.JOIN_FIRST in refused.text and refused.buttons == [strings.READ_ABOUT_JOINING]

    pressed = await bob.click(poll, strings.VOTE)  # a non-member presses Vote
    assert strings.JOIN_FIRST in pressed.text
    assert pressed.buttons == [strings.READ_ABOUT_JOINING]
    notice = await bob.click(pressed, strings.READ_ABOUT_JOINING)
    assert member_text.NOTICE_TITLE in notice.text
    agreed = await bob.click(notice, strings.I_AGREE)
    # taken back to what they were doing: the ballot opens without pressing Vote again
    assert any("Tea" in m.text and m.ephemeral for m in agreed.followups), agreed.text
