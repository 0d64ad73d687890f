"""One person's press never changes a public post (issue 19, problem 1).

After a moderator saves a new notice, the first member to press Vote, I'm
interested or Going on a post in a channel is shown the new notice privately
(an ephemeral reply); the post stays exactly as everyone else sees it. Once they
press I agree, what they pressed carries on: the ballot opens, the answer is
saved.
"""

from __future__ import annotations

import json
import re

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import membership as member_text
from bot.strings import setup as setup_text
from tests.database import rows, seed_members
from tests.emulator.render import walk
from tests.emulator.world import World

NOTICE_FIELD = "What joining means (stored, why, who sees)"
NEW_NOTICE = "New notice: we now also keep the date you last agreed."


def looks(message) -> str:
    """Everything a channel sees of a post: its words, embeds and buttons, byte for byte."""
    return json.dumps(
        {
            "content": message.content,
            "embeds": message.embeds,
            "components": message.components,
        },
        sort_keys=True,
    )


async def change_notice(world: World, words: str = NEW_NOTICE) -> None:
    """A real change to the notice, confirmed (members are asked to agree again)."""
    form = await world.mod.slash("setup notice")
    check = await world.mod.submit_modal(
        form, **{NOTICE_FIELD: words, setup_text.NOTICE_KIND_LABEL: "change"}
    )
    await world.mod.click(check, setup_text.NOTICE_SAVE)


def assert_private_notice(reply, person) -> None:
    """The new notice went to this person alone, with I agree / Not now."""
    assert reply.kind == "message", reply.kind  # a new message, not an edit of the post
    assert reply.ephemeral and reply.message.visible_to == person.id
    assert NEW_NOTICE in reply.text
    assert member_text.AFTER_NOTICE_RETRY not in reply.text  # no need to press again
    assert reply.buttons == [strings.I_AGREE, strings.NOT_NOW]


async def test_a_vote_press_after_a_notice_change_leaves_the_poll_post_alone(world):
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    (alice,) = seed_members(world, ["alice"])
    form = await world.mod.slash("poll create", kind="single")
    readback = await world.mod.submit_modal(
        question="What should we improve first?", options="Waiting times\nPeer support"
    )
    await world.mod.click(readback, "Post it")
    assert form.modal is not None
    post = world.channel("announcements").last
    poll_id = int(re.search(r"Poll (\d+)", post.text).group(1))
    await change_notice(world)
    before = looks(post)

    notice = await alice.click(post, strings.VOTE)
    assert looks(post) == before
    assert_private_notice(notice, alice)

    agreed = await alice.click(notice, strings.I_AGREE)
    assert looks(post) == before
    assert rows(world, "SELECT notice_version FROM members") == [(2,)]
    assert "Thank you" in agreed.content  # the notice screen says it is saved
    (ballot,) = await agreed.wait_followups()  # and the ballot opens, as Vote does
    assert ballot.ephemeral and ballot.visible_to == alice.id
    select = next(c["custom_id"] for c in walk(ballot.components) if c.get("type") == 3)
    voted = await alice.select(ballot, select, ["1"])
    assert "Peer support" in voted.text
    assert rows(world, "SELECT count(*) FROM poll_voters WHERE poll_id = ?", (poll_id,)) == [(1,)]


async def test_an_open_ballot_is_the_persons_own_screen_and_becomes_the_notice(world):
    """Only a message the person alone sees (here their ephemeral ballot) is replaced."""
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    (bob,) = seed_members(world, ["bob"])
    await world.mod.slash("poll create", kind="single")
    readback = await world.mod.submit_modal(
        question="Which first?", options="Waiting times\nPeer support"
    )
    await world.mod.click(readback, "Post it")
    post = world.channel("announcements").last
    ballot = await bob.click(post, strings.VOTE)
    await change_notice(world)
    before = looks(post)

    select = next(c["custom_id"] for c in walk(ballot.components) if c.get("type") == 3)
    notice = await bob.select(ballot, select, ["0"])
    assert notice.kind == "update" and notice.message is ballot.message
    assert notice.ephemeral and NEW_NOTICE in notice.text
    assert member_text.AFTER_NOTICE_RETRY in notice.text  # a choice cannot be carried on
    assert looks(post) == before
    assert rows(world, "SELECT count(*) FROM poll_voters") == [(0,)]


async def test_an_interested_press_after_a_notice_change_leaves_the_opportunity_post_alone(
    world,
):
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    (alice,) = seed_members(world, ["alice"])
    readback = await world.mod.slash(
        "opportunity post", title="Co-deliver staff training", description="Half a day."
    )
    await world.mod.click(readback, "Post it")
    post = world.channel("announcements").last
    await change_notice(world)
    before = looks(post)

    notice = await alice.click(post, strings.INTERESTED)
    assert looks(post) == before
    assert_private_notice(notice, alice)
    assert rows(world, "SELECT count(*) FROM opportunity_replies") == [(0,)]

    agreed = await alice.click(notice, strings.I_AGREE)
    (thanks,) = await agreed.wait_followups()
    assert thanks.ephemeral and "Co-deliver staff training" in thanks.text
    assert rows(world, "SELECT user_id, state FROM opportunity_replies") == [
        (alice.id, "interested")
    ]


async def test_a_going_press_after_a_notice_change_leaves_the_meeting_post_alone(world):
    (alice,) = seed_members(world, ["alice"])
    echo = await world.mod.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00"
    )
    await world.mod.click(echo, meeting_text.POST_IT)
    post = world.channel("general").last
    await change_notice(world)
    before = looks(post)

    notice = await alice.click(post, strings.GOING)
    assert looks(post) == before
    assert_private_notice(notice, alice)
    assert "**Going:** 0" in post.text

    agreed = await alice.click(notice, strings.I_AGREE)
    (saved,) = await agreed.wait_followups()
    assert saved.ephemeral and "Saved: **Going**" in saved.text
    assert rows(world, "SELECT user_id, status FROM meeting_rsvps") == [(alice.id, "going")]
    await world.settle()  # the post's edit goes through the outbox
    assert "**Going:** 1" in post.text  # the post changes only as everyone's count does
    assert post.buttons == [strings.GOING, strings.MAYBE, strings.CANT_MAKE_IT]


async def test_a_notice_shown_from_join_still_agrees_with_the_old_plain_button(world):
    """`member:agree:<n>` (no origin) keeps working: today's /join, and old screens."""
    alice = world.user("alice")
    notice = await alice.slash("join")
    agree = next(c for c in walk(notice.components) if c.get("label") == strings.I_AGREE)
    assert agree["custom_id"] == "member:agree:1"
    welcome = await alice.click(notice, strings.I_AGREE)
    assert "Welcome" in welcome.text and welcome.followups == []


async def test_a_notice_changed_while_reading_is_shown_again_and_still_carries_on(world):
    (alice,) = seed_members(world, ["alice"])
    echo = await world.mod.slash("meeting schedule", title="Catch-up", start="2026-12-03 18:00")
    await world.mod.click(echo, meeting_text.POST_IT)
    post = world.channel("general").last
    await change_notice(world)
    notice = await alice.click(post, strings.MAYBE)
    await change_notice(world, "Newer still.")

    again = await alice.click(notice, strings.I_AGREE)
    assert again.kind == "update" and "Newer still." in again.text
    assert member_text.NOTICE_CHANGED_WHILE_READING in again.text
    assert again.followups == [] and rows(world, "SELECT count(*) FROM meeting_rsvps") == [(0,)]
    agreed = await alice.click(again, strings.I_AGREE)
    (saved,) = await agreed.wait_followups()
    assert "Saved: **Maybe**" in saved.text
    assert rows(world, "SELECT status FROM meeting_rsvps") == [("maybe",)]
    assert rows(world, "SELECT notice_version FROM members") == [(3,)]
