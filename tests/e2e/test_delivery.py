"""The delivery and timing core, seen from Discord's side (issue 5)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

import pytest


def db_rows(world, sql, params=()):
    with sqlite3.connect(world.root / "speakback.db") as conn:
        return conn.execute(sql, params).fetchall()


async def schedule(world, kind, key, *, after, channel="general", content=None):
    await world.bot.control(
        "POST",
        "/test/job",
        {
            "kind": kind,
            "key": key,
            "due_at": (world.now + after).isoformat(),
            "channel_id": world.channel(channel).id,
            "content": content or key,
            "guild_id": world.guild().id,
        },
    )


def texts(channel):
    return [m.content for m in channel.messages]


async def wait_until_dead(world, within=10.0):
    for _ in range(int(within / 0.05)):
        if not world.bot.running:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not stop")


async def test_a_job_due_while_the_bot_is_down_runs_once_after_restart(world):
    general = world.channel("general")
    await schedule(world, "test_post", "poll-close-demo", after=timedelta(hours=1))
    await world.bot.kill()
    world.state.now += timedelta(hours=3)  # down across the due time
    await world.restart_bot(kill=True)
    assert texts(general) == ["poll-close-demo"]
    await world.restart_bot(kill=True)
    await world.advance(days=1)
    assert texts(general) == ["poll-close-demo"]


async def test_a_job_too_late_by_its_policy_is_recorded_missed_not_run(world):
    general = world.channel("general")
    await schedule(world, "test_late", "reminder-demo", after=timedelta(minutes=10))
    await world.bot.kill()
    world.state.now += timedelta(hours=2)
    await world.restart_bot(kill=True)
    assert texts(general) == []
    [(state, reason)] = db_rows(
        world, "SELECT state, last_error FROM jobs WHERE key = 'reminder-demo'"
    )
    assert state == "missed" and "late" in reason
    status = await world.mod.slash("status")
    assert "recorded as missed** (too late to be useful, e.g. the bot was down): 1" in status.text


async def test_a_crash_between_send_and_mark_produces_no_duplicate(world):
    alice = world.user("alice")
    await world.bot.control("POST", "/test/fault", {"crash_after_sends": 1})
    await world.bot.control(
        "POST", "/test/dm", {"user_id": alice.id, "content": "Your reminder", "dedupe_key": "once"}
    )
    await wait_until_dead(world)
    await world.restart_bot(kill=True)
    assert [m.content for m in alice.dms] == ["Your reminder"]
    sends = [r for r in world.requests_to("POST", "/messages") if r.body and r.body.get("nonce")]
    assert len(sends) == 2, "the row was sent, the process died, and it was sent again"
    assert sends[0].body["nonce"] == sends[1].body["nonce"]
    assert sends[0].response["id"] == sends[1].response["id"]
    assert db_rows(world, "SELECT state FROM outbox") == [("sent",)]


@pytest.mark.full
async def test_300_dms_at_once_all_arrive_paced_under_the_global_limit(world):
    people = [world.user(f"member{n}") for n in range(300)]
    for person in people:
        await world.bot.control(
            "POST", "/test/dm", {"user_id": person.id, "content": f"Hello {person.name}"}
        )
    await world.settle()
    assert all(len(p.dms) == 1 for p in people)
    assert world.global_429s == 0
    stamps = sorted(
        r.at for r in world.requests if not r.path.startswith(("/interactions", "/webhooks"))
    )
    busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert busiest <= 50, f"{busiest} requests in one second"


async def test_a_failing_job_retries_shows_in_status_and_does_not_block_others(world):
    general = world.channel("general")
    await schedule(world, "test_fail", "always-fails", after=timedelta(minutes=5))
    await schedule(world, "test_post", "still-on-time", after=timedelta(minutes=5))
    await world.advance(minutes=6)
    assert texts(general) == ["still-on-time"]
    status = await world.mod.slash("status")
    assert "test_fail" in status.text and "always fails" in status.text
    attempts_before = db_rows(world, "SELECT attempts FROM jobs WHERE key = 'always-fails'")[0][0]
    await world.advance(minutes=2)
    attempts_after = db_rows(world, "SELECT attempts FROM jobs WHERE key = 'always-fails'")[0][0]
    assert attempts_after == attempts_before + 1


async def test_status_is_for_moderators_only(world):
    bob = world.user("bob")
    reply = await bob.slash("status")
    assert reply.ephemeral and "Manage Server" in reply.text
    assert "backlog" not in reply.text.lower()


async def test_a_removed_server_is_erased_after_30_days_and_not_before(world):
    await world.mod.slash("setup timezone", zone="Europe/Dublin")
    guild_id = world.guild().id
    assert db_rows(
        world, "SELECT count(*) FROM guild_settings WHERE guild_id = ?", (guild_id,)
    ) == [(1,)]
    await world.remove_bot_from_guild()
    await world.advance(days=29)
    assert db_rows(
        world, "SELECT count(*) FROM guild_settings WHERE guild_id = ?", (guild_id,)
    ) == [(1,)]
    await world.advance(days=2)
    for (table,) in db_rows(world, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [c[1] for c in db_rows(world, f'PRAGMA table_info("{table}")')]
        if "guild_id" in columns:
            left = db_rows(world, f'SELECT count(*) FROM "{table}" WHERE guild_id = ?', (guild_id,))
            assert left == [(0,)], f"{table} still has rows of the removed server"


async def test_a_server_that_took_the_bot_back_while_it_was_offline_is_kept(world):
    # At start-up every server is marked present at once (on_ready, not one write per
    # GUILD_CREATE): one the bot was removed from and re-invited to while it was down
    # must still have its erase cancelled.
    await world.mod.slash("setup timezone", zone="Europe/Dublin")
    guild_id = world.guild().id
    await world.remove_bot_from_guild()
    world.guild().model.bot_present = True  # invited again while the bot is offline
    await world.restart_bot()
    await world.advance(days=31)
    assert db_rows(
        world, "SELECT count(*) FROM guild_settings WHERE guild_id = ?", (guild_id,)
    ) == [(1,)]
    assert db_rows(
        world, "SELECT removed_at FROM guild_presence WHERE guild_id = ?", (guild_id,)
    ) == [(None,)]


async def test_user_text_with_everyone_or_a_role_mention_never_pings(world):
    organisers = world.role("Organisers")
    form = await world.mod.slash("setup support")
    text = f"@everyone @here <@&{organisers.id}> <@{world.mod.id}> ring us"
    await world.mod.submit_modal(form, what_should_people_see_with_support=text)
    alice = world.user("alice")
    reply = await alice.slash("support")
    assert "ring us" in reply.text
    for message in [reply.message, *world.mod.ephemerals]:
        assert not message.pings.everyone
        assert not message.pings.roles
        assert not message.pings.users
    # and the bot told Discord so explicitly, on every message it sent
    bodies = [
        (r.body.get("data") if "/interactions/" in r.path else r.body)
        for r in world.requests
        if r.method == "POST"
        and isinstance(r.body, dict)
        and ("/interactions/" in r.path or "/messages" in r.path)
    ]
    messages = [b for b in bodies if isinstance(b, dict) and ("content" in b or "embeds" in b)]
    assert messages
    assert all(b.get("allowed_mentions", {}).get("parse") == [] for b in messages)


async def test_a_dm_past_its_expiry_is_skipped_not_sent_late(world):
    alice = world.user("alice")
    late = (world.now - timedelta(minutes=1)).isoformat()
    soon = (world.now + timedelta(hours=1)).isoformat()
    for content, expires in (("too late", late), ("in time", soon)):
        await world.bot.control(
            "POST", "/test/dm", {"user_id": alice.id, "content": content, "expires_at": expires}
        )
    await world.settle()
    assert [m.content for m in alice.dms] == ["in time"]
    assert db_rows(world, "SELECT state, detail FROM outbox ORDER BY id") == [
        ("skipped", "too late to be useful"),
        ("sent", None),
    ]


async def test_a_members_dm_channel_is_opened_once_even_across_a_restart(world):
    alice = world.user("alice")
    await alice.click(await alice.slash("join"), "I agree")

    async def dm(text):
        await world.bot.control(
            "POST",
            "/test/dm",
            {"guild_id": world.guild().id, "user_id": alice.id, "content": text},
        )
        await world.settle()

    await dm("First news")
    await world.restart_bot(kill=False)  # the in-memory cache is gone
    await dm("Second news")
    assert [m.content for m in alice.dms][-2:] == ["First news", "Second news"]
    opened = [r for r in world.requests if r.method == "POST" and r.path == "/users/@me/channels"]
    assert len(opened) == 1  # Discord was asked for the DM channel once, not after the restart


async def test_a_kept_dm_channel_discord_no_longer_knows_is_opened_again(world):
    alice = world.user("alice")
    await alice.click(await alice.slash("join"), "I agree")
    with sqlite3.connect(world.root / "speakback.db", timeout=30) as conn:
        conn.execute("UPDATE members SET dm_channel_id = 1234 WHERE user_id = ?", (alice.id,))
    await world.bot.control(
        "POST",
        "/test/dm",
        {"guild_id": world.guild().id, "user_id": alice.id, "content": "Still reaches you"},
    )
    await world.settle()
    assert [m.content for m in alice.dms][-1:] == ["Still reaches you"]
    [(kept,)] = db_rows(world, "SELECT dm_channel_id FROM members WHERE user_id = ?", (alice.id,))
    assert kept not in (None, 1234)  # the real channel, kept for next time


async def test_finished_messages_leave_the_outbox_after_7_days(world):
    """Kept a while (Discord's duplicate check, /status), then gone (rule 14)."""
    from bot import strings

    alice = world.user("alice")
    await alice.click(await alice.slash("join"), strings.I_AGREE)
    words = "The draw for Interview panel: you have a place"
    await world.bot.control(
        "POST",
        "/test/dm",
        {"guild_id": world.guild().id, "user_id": alice.id, "content": words, "urgent": True},
    )
    await world.settle()
    assert alice.dms[-1].content == words
    assert db_rows(world, "SELECT count(*) FROM outbox WHERE kind = 'dm'") == [(1,)]
    await world.advance(days=6)
    assert db_rows(world, "SELECT count(*) FROM outbox WHERE kind = 'dm'") == [(1,)]
    await world.advance(days=2)
    assert db_rows(world, "SELECT count(*) FROM outbox WHERE kind = 'dm'") == [(0,)]
    assert db_rows(world, "SELECT count(*) FROM outbox WHERE payload LIKE '%draw%'") == [(0,)]
    assert alice.dms[-1].content == words  # what was sent stays with the person, in Discord
