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
from tests.emulator.world import ScenarioError, World, walk


async def join(person, guild=None):
    notice = await person.slash("join", in_guild=guild)
    welcome = await person.click(notice, strings.I_AGREE)
    return await person.select(welcome, "member:prefs", ["dm_opportunities", "dm_reminders"])


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
