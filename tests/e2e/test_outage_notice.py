"""Knowing it was down (issue 27), through Discord's eyes: a kill -9, two hours offline
in driven time, and each server's moderators channel gets one line, once, with that
server's own counts; a server with no moderators channel sees it in /status.

The world starts on Tuesday 1 December 2026, 09:00 UTC (London is on GMT: "10:45"
there is 10:45 UTC). The bot is killed at 09:00 and started again at 11:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import strings
from bot.strings import meetings as meeting_text
from bot.strings import status as status_text
from tests.e2e import steps

LEEDS, BRADFORD, WAKEFIELD = "Leeds", "Bradford", "Wakefield"
DOWN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BACK = DOWN + timedelta(hours=2)
OFFLINE = f"I was offline from <t:{int(DOWN.timestamp())}:f> to <t:{int(BACK.timestamp())}:t>"


async def meeting(mod, guild, title, start, reminders):
    """A moderator schedules a meeting in this server; a member says Going to it."""
    echo = await mod.slash(
        "meeting schedule", in_guild=guild, title=title, start=start, reminders=reminders
    )
    await mod.click(echo, meeting_text.POST_IT)
    return guild.channel("announcements").last


async def test_after_a_kill_9_and_two_hours_down_each_moderators_channel_is_told_once(
    make_world,
):
    world = await make_world(guilds=(LEEDS, BRADFORD, WAKEFIELD))
    leeds, bradford, wakefield = (world.guild(n) for n in (LEEDS, BRADFORD, WAKEFIELD))
    mods = {
        LEEDS: world.mod,
        BRADFORD: world.user("bea", moderator=True, guilds=[bradford]),
        WAKEFIELD: world.user("wes", moderator=True, guilds=[wakefield]),
    }
    for name, guild in ((LEEDS, leeds), (BRADFORD, bradford), (WAKEFIELD, wakefield)):
        channels = {"announcements": guild.channel("announcements")}
        if name != WAKEFIELD:  # Wakefield has no moderators channel
            channels["moderators"] = guild.channel("moderators")
        await mods[name].slash("setup channel", in_guild=guild, **channels)
    people = {  # one member in each server
        LEEDS: world.user("ada", guilds=[leeds]),
        BRADFORD: world.user("ben", guilds=[bradford]),
        WAKEFIELD: world.user("wyn", guilds=[wakefield]),
    }
    for name, person in people.items():
        await steps.join(person, ("dm_reminders",), guild=world.guild(name))
    posts = [
        # Leeds: one reminder due at 10:30 (sent late, at 11:00), one due at 09:45 for a
        # meeting that began at 10:45 (skipped).
        await meeting(mods[LEEDS], leeds, "Late in Leeds", "2026-12-01 12:30", "2h"),
        await meeting(mods[LEEDS], leeds, "Missed in Leeds", "2026-12-01 10:45", "1h"),
        # Bradford: one due at 10:00 (late); one due at 13:00, after the outage.
        await meeting(mods[BRADFORD], bradford, "Late in Bradford", "2026-12-01 12:00", "2h"),
        await meeting(mods[BRADFORD], bradford, "Later in Bradford", "2026-12-01 14:00", "1h"),
        # Wakefield: one due at 10:00 (late), but nowhere to say so but /status.
        await meeting(mods[WAKEFIELD], wakefield, "Late in Wakefield", "2026-12-01 12:00", "2h"),
    ]
    for post, name in zip(posts, (LEEDS, LEEDS, BRADFORD, BRADFORD, WAKEFIELD), strict=True):
        saved = await people[name].click(post, strings.GOING)
        assert "Saved: **Going**" in saved.text, saved.text
    before = {name: len(world.guild(name).channel("moderators").messages) for name in mods}

    await world.bot.kill()  # kill -9
    world.state.now = BACK
    await world.restart_bot(kill=True)
    await world.settle()  # the outbox has sent what the catch-up queued

    def told(name):
        said = world.guild(name).channel("moderators").messages[before[name] :]
        return [m.text for m in said if m.text.startswith("I was offline")]

    assert told(LEEDS) == [
        f"{OFFLINE}; 1 meeting reminder went out late, 1 was skipped because their "
        "meeting had started."
    ]
    assert told(BRADFORD) == [f"{OFFLINE}; 1 meeting reminder went out late."]
    assert told(WAKEFIELD) == []
    for person in people.values():  # the late ones did go, one each; the skipped one not
        assert len([m for m in person.dms if "Reminder:" in m.text]) == 1
    assert [m.text.split("\n")[0] for m in people[LEEDS].dms if "Reminder:" in m.text] == [
        "## Reminder: Late in Leeds"
    ]

    status = await mods[WAKEFIELD].slash("status", in_guild=wakefield)
    assert f"{OFFLINE}; 1 meeting reminder went out late." in status.text
    assert status_text.OUTAGE_NO_CHANNEL in status.text

    # Once: a clean restart and a kill soon after tell nobody again.
    await world.restart_bot(kill=False)
    await world.advance(minutes=2)
    await world.restart_bot(kill=True)
    await world.settle()
    assert len(told(LEEDS)) == 1 and len(told(BRADFORD)) == 1
