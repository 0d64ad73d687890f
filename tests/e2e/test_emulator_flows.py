"""The emulator drives a real discord.py bot (the bare echo bot) the way people would."""

from __future__ import annotations

import pytest

from tests.emulator.interactions import ScenarioError
from tests.emulator.process import ECHO_BOT


async def test_slash_command_replies(echo_world):
    alice = echo_world.user("alice")
    reply = await alice.slash("echo", text="hello there")
    assert reply.kind == "message"
    assert reply.text == "hello there"
    assert not reply.ephemeral
    assert echo_world.channel("general").messages[-1].content == "hello there"

    private = await alice.slash("echo", text="just me", ephemeral=True)
    assert private.ephemeral
    assert private.message not in echo_world.channel("general").messages
    assert private.message in alice.ephemerals


async def test_subcommand_group_with_typed_options_and_permissions(echo_world):
    alice = echo_world.user("alice")
    options = {
        "organiser": echo_world.role("Organisers"),
        "channel": echo_world.channel("announcements"),
        "who": alice,
        "months": 6,
    }
    allowed = await echo_world.mod.slash("config roles set", options=options)
    assert (
        allowed.text == "organiser=Organisers channel=announcements who=alice months=6 public=False"
    )

    refused = await alice.slash("config roles set", options=options)
    assert refused.text == "Sorry, only moderators can do that."
    assert refused.ephemeral

    shown = await echo_world.mod.slash("config show")
    assert "manage_guild=True" in shown.text and "Moderators" in shown.text


async def test_the_test_api_refuses_what_the_discord_client_would_not_allow(echo_world):
    alice = echo_world.user("alice")
    with pytest.raises(ScenarioError, match="No synced command /nope"):
        await alice.slash("nope")
    with pytest.raises(ScenarioError, match="required"):
        await alice.slash("echo")
    with pytest.raises(ScenarioError, match="needs a subcommand"):
        await alice.slash("config roles")
    with pytest.raises(ScenarioError, match=r"1\.\.24"):
        await echo_world.mod.slash(
            "config roles set",
            options={
                "organiser": echo_world.role("Organisers"),
                "channel": echo_world.channel("general"),
                "who": alice,
                "months": 99,
            },
        )


async def test_buttons_modals_and_selects(echo_world):
    alice = echo_world.user("alice")
    hello = await alice.slash("hello")
    assert hello.buttons == ["Say hi", "Open form"]

    hi = await alice.click(hello, "Say hi")
    assert hi.ephemeral and "member" in hi.text

    form = await alice.click(hello, "Open form")
    assert form.kind == "modal"
    assert "Your name" in form.text
    thanks = await alice.submit_modal(your_name="Alice", about="I like tea")
    assert thanks.text == "Thanks Alice: I like tea"

    picked = await alice.select(hello, "Pick a colour", ["Orange"])
    assert picked.kind == "update"
    assert echo_world.channel("general").messages[-1].content == "You picked orange"
    assert hello.message.history, "the edit keeps the earlier version"


async def test_modal_from_a_command_and_required_fields(echo_world):
    alice = echo_world.user("alice")
    await alice.slash("form")
    with pytest.raises(ScenarioError, match="required"):
        await alice.submit_modal(about="no name")
    await alice.slash("form")
    reply = await alice.submit_modal(name="A")
    assert reply.text == "Thanks A: (nothing)"


async def test_autocomplete_and_deferred_followup(echo_world):
    alice = echo_world.user("alice")
    choices = await alice.autocomplete("pick", "colour", "re")
    assert [c.value for c in choices] == ["red", "green"]

    thought = await alice.slash("think")
    assert thought.kind == "deferred"
    assert thought.text == "done thinking"


async def test_dm_button_carries_user_and_no_member(echo_world):
    alice = echo_world.user("alice")
    sent = await alice.slash("dm_me", text="psst")
    assert sent.text == "Sent you a DM"
    assert [m.content for m in alice.dms] == ["psst"]

    reply = await alice.click(alice.dms[-1], "Say hi")
    payload = reply.interaction.payload
    assert "member" not in payload and "guild_id" not in payload
    assert payload["user"]["id"] == str(alice.id)
    assert reply.text == "Hi alice (user, guild=None)"


async def test_dm_to_the_bot(echo_world):
    alice = echo_world.user("alice")
    answers = await alice.dm_bot("is anyone there?")
    assert [m.content for m in answers] == ["You said: is anyone there?"]


async def test_several_servers_and_removal(make_world):
    world = await make_world(bot_command=ECHO_BOT, guilds=["One", "Two", "Three"])
    identify = [e for e in world.emulator.gateway.events if e["t"] == "GUILD_CREATE"]
    assert [e["d"]["name"] for e in identify] == ["One", "Two", "Three"]
    three = world.guild("Three")
    carol = world.user("carol", guilds=[three])
    reply = await carol.slash("echo", text="hi from three")
    assert reply.message.guild_id == three.id

    await world.remove_bot_from_guild(three)
    deleted = world.emulator.gateway.events[-1]
    assert deleted["t"] == "GUILD_DELETE" and "unavailable" not in deleted["d"]
    four = await world.add_guild("Four")
    assert world.emulator.gateway.events[-1]["d"]["id"] == str(four.id)


async def test_kill_and_restart_keeps_buttons_working(echo_world):
    alice = echo_world.user("alice")
    hello = await alice.slash("hello")
    await echo_world.restart_bot(kill=True)
    assert echo_world.emulator.gateway.identifies == 2
    assert (await alice.click(hello, "Say hi")).ephemeral


async def test_gateway_resume(echo_world):
    await echo_world.drop_gateway()
    assert echo_world.emulator.gateway.resumes == 1
    alice = echo_world.user("alice")
    assert (await alice.slash("echo", text="still here")).text == "still here"


async def test_clock_is_driven_through_the_control_server(echo_world):
    before = echo_world.now
    after = await echo_world.advance(hours=23)
    assert (after - before).total_seconds() == 23 * 3600


async def test_ephemeral_defer_keeps_the_followup_private(echo_world):
    alice = echo_world.user("alice")
    reply = await alice.slash("think", ephemeral=True)
    assert reply.ephemeral and reply.text == "done thinking"
    assert echo_world.channel("general").messages == []
    assert echo_world.pings() == []
