"""Leaving works from anywhere, and leaving the server is noticed (issue 19, problems 3, 4).

- `/leave` and `/me` work in a DM with the bot (asking which server when there are
  several); other commands stay server-only, as Discord shows them.
- Only Discord's member endpoint answering 404 Unknown Member (10007) marks someone
  gone: they are off rosters at once, a press on an old invitation DM cannot give them
  a place, and they are erased 30 days after first found gone unless they come back.
- A kill -9 just after `/leave`'s erasure commits leaves no name on any post: the edits
  were queued in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import membership as text
from tests.database import rows
from tests.e2e import steps
from tests.emulator.world import ScenarioError, World, walk


async def join(person, guild=None):
    return await steps.join(person, ["dm_opportunities", "dm_reminders"], guild=guild)


async def wait_until_dead(world: World, within: float = 10.0) -> None:
    for _ in range(int(within / 0.05)):
        if not world.bot.running:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not stop")


def members(world: World) -> list[tuple[int, int]]:
    return rows(world, "SELECT guild_id, user_id FROM members ORDER BY guild_id")


# -- /leave and /me in a DM ----------------------------------------------------------------


async def test_leave_in_a_dm_erases_the_one_server_they_are_a_member_of(world):
    alice = world.user("alice")
    await join(alice)
    confirm = await alice.slash("leave", in_dm=True)
    assert world.guild().model.name in confirm.text
    assert confirm.buttons == [strings.LEAVE_AND_ERASE, text.KEEP_MEMBERSHIP]
    done = await alice.click(confirm, strings.LEAVE_AND_ERASE)
    assert "You've left Speak Back in this server" in done.text
    assert members(world) == []


async def test_me_in_a_dm_asks_which_server_when_a_member_of_several(world):
    other = await world.add_guild("Second Community")
    alice = world.user("alice", guilds=[world.guild(), other])
    await join(alice)
    await join(alice, guild=other)
    asked = await alice.slash("me delete", in_dm=True)
    assert asked.content == text.DM_WHICH_SERVER
    [menu] = [c for c in walk(asked.components) if c.get("type") == 3]
    assert {o["label"] for o in menu["options"]} == {world.guild().model.name, "Second Community"}
    confirm = await alice.select(asked, text.DM_SERVER_PLACEHOLDER, "Second Community")
    assert "Second Community" in confirm.text
    await alice.click(confirm, strings.LEAVE_AND_ERASE)
    assert members(world) == [(world.guild().id, alice.id)]  # only the chosen server

    shown = await alice.slash("me show", in_dm=True)  # one server left: no question
    assert world.guild().model.name in shown.text


async def test_me_in_a_dm_says_kindly_when_there_is_no_server_and_settings_stay_in_servers(world):
    bob = world.user("bob")
    nothing = await bob.slash("leave", in_dm=True)
    assert nothing.text == text.DM_NO_SERVER
    await join(bob)
    settings = await bob.slash("me settings", in_dm=True)
    assert settings.text == text.DM_ONLY_IN_SERVER
    with pytest.raises(ScenarioError, match="No synced command /join"):
        await bob.slash("join", in_dm=True)  # guild-only commands are not offered in a DM


# -- crash-safe leaving (problem 4) -----------------------------------------------------------


async def test_a_kill_9_after_the_erasure_commits_leaves_no_name_on_any_post(world):
    echo = await world.mod.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00"
    )
    await world.mod.click(echo, meeting_text.POST_IT)
    post = world.channel("general").last
    alice = world.user("alice")
    await join(alice)
    saved = await alice.click(post, strings.GOING)
    await alice.click(saved, meeting_text.SHOW_MY_NAME)
    assert f"<@{alice.id}>" in world.channel("general").last.text

    await world.bot.control("POST", "/test/fault", {"at": "after_erasure"})
    confirm = await alice.slash("leave")
    with contextlib.suppress(Exception):  # the bot dies before it can answer
        await alice.click(confirm, strings.LEAVE_AND_ERASE)
    await wait_until_dead(world)
    assert any("Leave and erase" in p for p in world.clear_problems())  # never answered
    assert members(world) == []  # the erasure had committed
    assert f"<@{alice.id}>" in world.channel("general").last.text  # the edit had not gone
    await world.restart_bot(kill=True)
    await world.settle()
    assert f"<@{alice.id}>" not in world.channel("general").last.text
    assert "**Going:** 0" in world.channel("general").last.text
    for message in world.channel("general").messages:
        assert str(alice.id) not in message.text


# -- leaving the Discord server (problem 3) ------------------------------------------------


async def set_up_opportunity(world: World, places: int = 2):
    await world.mod.slash("setup roles", organiser=world.role("Organisers"))
    await world.mod.slash("setup channel", announcements=world.channel("announcements"))
    olu = world.user("olu", organiser=True)
    readback = await olu.slash(
        "opportunity post",
        title="Co-deliver staff training",
        description="Help us run a half-day session for ward staff on listening well.",
        places=places,
    )
    await olu.click(readback, "Post it")
    post = world.channel("announcements").last
    [(opp_id,)] = rows(world, "SELECT id FROM opportunities")
    return olu, post, opp_id


def presence(world: World) -> list[tuple]:
    return rows(world, "SELECT user_id, gone_since IS NOT NULL FROM member_presence")


async def test_a_member_who_left_the_server_is_off_the_roster_cannot_take_a_place_and_is_erased(
    world,
):
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    olu, post, opp_id = await set_up_opportunity(world)
    details = await alice.slash("me settings")
    await alice.click(details, text.EDIT_DETAILS)
    await alice.submit_modal(preferred_name="Ali", access_needs="A quiet room, please")
    said_yes = await alice.click(post, strings.INTERESTED)
    assert "You have a place" in said_yes.text
    roster = await olu.slash("opportunity roster", opportunity=opp_id)
    assert "Ali" in roster.text

    world.remove_from_server(alice)
    world.remove_from_server(bob)
    [invitation] = [m for m in bob.dms if strings.INTERESTED in m.buttons]
    refused = await bob.click(invitation, strings.INTERESTED)  # an old invitation DM
    assert refused.text == text.LEFT_THE_SERVER
    assert rows(world, "SELECT user_id FROM opportunity_replies") == [(alice.id,)]
    asked = world.requests_to("GET", "/members/{user_id}")
    assert [r.status for r in asked if str(bob.id) in r.path] == [404]  # Discord was asked

    await world.advance(days=1)  # the daily sweep asks Discord about each member
    assert sorted(presence(world)) == sorted([(alice.id, 1), (bob.id, 1)])
    roster = await olu.slash("opportunity roster", opportunity=opp_id)
    assert "Ali" not in roster.text and "A quiet room" not in roster.text
    assert f"<@{alice.id}>" not in roster.text

    await world.advance(days=28)  # 29 days after the sweep found alice gone: kept
    assert {u for _g, u in members(world)} == {alice.id, bob.id}
    await world.advance(days=2)  # 30 days after first found gone: erased, as /leave does
    assert members(world) == []
    assert rows(world, "SELECT count(*) FROM opportunity_replies") == [(0,)]
    assert rows(world, "SELECT count(*) FROM member_presence") == [(0,)]


async def test_someone_who_comes_back_and_uses_the_bot_is_not_erased(world):
    alice = world.user("alice")
    await join(alice)
    world.remove_from_server(alice)
    await world.advance(days=1)
    assert presence(world) == [(alice.id, 1)]
    world.add_to_server(alice)
    await alice.slash("me show")  # using the bot in that server again
    assert presence(world) == [(alice.id, 0)]
    await world.advance(days=31)
    assert members(world) == [(world.guild().id, alice.id)]


async def test_closed_dms_never_mark_anyone_gone(world):
    alice = world.user("alice")
    await join(alice)
    world.set_dms_closed(alice)
    await world.bot.control(
        "POST",
        "/test/dm",
        {
            "guild_id": world.guild().id,
            "user_id": alice.id,
            "content": "Hello",
            "purpose": "service",
        },
    )
    await world.advance(days=40)
    assert members(world) == [(world.guild().id, alice.id)]
    assert presence(world) == [(alice.id, 0)]


async def test_someone_known_to_have_left_gets_no_optional_dms_nor_service_messages(world):
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)  # both chose opportunity messages and reminders
    await join(bob)
    olu, post, opp_id = await set_up_opportunity(world)
    for person in (alice, bob):
        assert "You have a place" in (await person.click(post, strings.INTERESTED)).text
    world.remove_from_server(alice)
    await world.advance(days=1)  # the daily sweep finds her gone
    assert sorted(presence(world)) == sorted([(alice.id, 1), (bob.id, 0)])
    alice_before, bob_before = len(alice.dms), len(bob.dms)
    alice_rows = "SELECT count(*) FROM outbox WHERE user_id = ?"
    [(queued_before,)] = rows(world, alice_rows, (alice.id,))

    # A new opportunity: its invitations leave her out (an optional DM).
    readback = await olu.slash(
        "opportunity post",
        title="Interview panel",
        description="Sit on the panel for a new peer support worker.",
    )
    await olu.click(readback, "Post it")
    # A cancellation: a service message to those with a place, but not to her.
    cancelled = await olu.slash("opportunity cancel", opportunity=opp_id)
    assert "Sent to the person who said yes" in cancelled.text  # one: Bob
    await world.settle()
    assert len(alice.dms) == alice_before
    assert rows(world, alice_rows, (alice.id,)) == [(queued_before,)]  # off the lists
    assert len(bob.dms) == bob_before + 2
    assert any("Interview panel" in m.text for m in bob.dms[bob_before:])
    assert any("Cancelled" in m.text for m in bob.dms[bob_before:])
