"""A set-up that cannot trap a moderator (issue 29): /setup show says what is missing,
and /setup roles refuses an announcement role the bot cannot ping."""

from __future__ import annotations

import sqlite3

from bot.strings import setup as text
from tests.emulator.models import BOT_PERMISSIONS, EMBED_LINKS, MENTION_EVERYONE


def settings_row(world):
    with sqlite3.connect(world.root / "speakback.db") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM guild_settings").fetchone()


def attention(reply) -> str:
    """The text after the **Needs attention** heading (the block ends the reply)."""
    assert text.NEEDS_ATTENTION_TITLE in reply.text or "Needs attention:" in reply.text
    return reply.text.split("Needs attention", 1)[1]


async def test_setup_show_lists_what_is_missing_until_nothing_is(world):
    mod = world.mod
    fresh = attention(await mod.slash("setup show"))
    assert "No organiser role" in fresh and "`/setup roles`" in fresh
    assert "No announcements channel" in fresh and "`/setup channel`" in fresh
    await mod.slash("setup roles", organiser=world.role("Organisers"))
    await mod.slash("setup channel", announcements=world.channel("announcements"))
    # Ideas are reviewed first by default: that needs a moderators channel (issue 22).
    assert "Ideas are reviewed first" in attention(await mod.slash("setup show"))
    await mod.slash(
        "setup channel",
        announcements=world.channel("announcements"),
        moderators=world.channel("moderators"),
    )
    done = attention(await mod.slash("setup show"))
    assert "nothing" in done and "No organiser role" not in done
    # The bot loses Embed Links (a moderator tidies roles): show says so, and how to fix it.
    guild = world.guild()
    for role in ("@everyone", "Speak Back"):
        current = guild.role(role).model.permissions
        await guild.update_role(role, permissions=current & ~EMBED_LINKS)
    lacking = attention(await mod.slash("setup show"))
    assert "I'm missing: Embed Links" in lacking
    assert world.channel("announcements").mention in lacking


async def test_setup_show_says_a_network_without_a_moderators_channel_reaches_nobody(world):
    mod = world.mod
    await mod.slash("setup roles", organiser=world.role("Organisers"))
    await mod.slash("setup channel", announcements=world.channel("announcements"))
    await mod.slash("network create", name="Yorkshire champions")
    shown = attention(await mod.slash("setup show"))
    assert "network **Yorkshire champions** but has no moderators channel" in shown
    assert "reach nobody" in shown
    await mod.slash(
        "setup channel",
        announcements=world.channel("announcements"),
        moderators=world.channel("moderators"),
    )
    assert "moderators channel" not in attention(await mod.slash("setup show"))


async def test_an_announcement_role_nobody_can_ping_is_refused_with_how_to_fix_it(world):
    mod = world.mod
    await mod.slash("setup channel", announcements=world.channel("announcements"))
    quiet = await world.guild().add_role("Champions")  # not mentionable
    refused = await mod.slash("setup roles", organiser=world.role("Organisers"), announce=quiet)
    assert refused.ephemeral and "Nothing was changed" in refused.text
    assert "Allow anyone to @mention this role" in refused.text
    assert "Mention @everyone, @here and All Roles" in refused.text
    assert world.channel("announcements").mention in refused.text
    assert settings_row(world)["announce_role_id"] is None
    # Either fix works: the role made mentionable, or the bot allowed to mention all roles.
    await world.guild().update_role("Champions", mentionable=True)
    saved = await mod.slash("setup roles", organiser=world.role("Organisers"), announce=quiet)
    assert "Saved" in saved.text and settings_row(world)["announce_role_id"] == quiet.id
    other = await world.guild().add_role("Peer leads")
    await world.guild().update_role("Speak Back", permissions=BOT_PERMISSIONS | MENTION_EVERYONE)
    saved = await mod.slash("setup roles", organiser=world.role("Organisers"), announce=other)
    assert "Saved" in saved.text and settings_row(world)["announce_role_id"] == other.id
