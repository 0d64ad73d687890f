"""Meetings and reminders end to end: the real bot against the emulator, with a driven clock.

The world starts on Tuesday 1 December 2026, 09:00 UTC; the server's zone is
Europe/London (GMT in winter), so "18:00" there is 18:00 UTC until the clocks
change. Moderators act as organisers until an organiser role is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot import strings
from bot.strings import meetings as text
from bot.strings import membership as member_text
from tests.database import rows
from tests.e2e import steps
from tests.e2e.steps import news, schedule
from tests.emulator.world import World

MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thursday 18:00 London
MINUTE = timedelta(minutes=1)


async def join(person, purposes=("dm_reminders",)):
    return await steps.join(person, purposes)


def reminders(person) -> list[str]:
    return [m.text for m in person.dms if "Reminder:" in m.text]


async def until(world: World, when: datetime) -> None:
    await world.set_time(when)


async def test_a_meeting_is_echoed_posted_answered_and_reminded_once_at_the_minute(world):
    general = world.channel("general")
    echo = await world.mod.slash(
        "meeting schedule", title="Champions catch-up", start="2026-12-03 18:00", place="Room 2"
    )
    assert echo.ephemeral
    assert "Thursday 3 December 2026, 6:00pm (Europe/London)" in echo.text
    assert f"<t:{int(MEETING.timestamp())}:F>" in echo.text
    assert "24 hours and 1 hour" in echo.text
    assert echo.buttons == [text.POST_IT, text.CHANGE]
    assert general.messages == []  # nothing is posted before the organiser says so

    posted = await world.mod.click(echo, text.POST_IT)
    assert "Posted in" in posted.text and posted.buttons == []
    post = general.last
    assert f"<t:{int(MEETING.timestamp())}:F>" in post.text
    assert f"<t:{int(MEETING.timestamp())}:R>" in post.text
    assert post.buttons == [strings.GOING, strings.MAYBE, strings.CANT_MAKE_IT]
    assert len(general.messages) == 1

    alice = world.user("alice")
    await join(alice)
    saved = await alice.click(post, strings.GOING)
    assert saved.ephemeral and "Saved: **Going**" in saved.text
    assert "24 hours and 1 hour before" in saved.text
    assert text.ALL_IN_SERIES not in saved.buttons  # a one-off meeting
    assert "**Going:** 1 - **Maybe:** 0" in general.last.text
    assert str(alice.id) not in general.last.text  # no name unless she chooses

    await until(world, MEETING - timedelta(hours=24) - MINUTE)
    assert news(alice) == []
    await until(world, MEETING - timedelta(hours=24))
    assert len(reminders(alice)) == 1
    assert "You said **Going**" in alice.dms[-1].text and "Room 2" in alice.dms[-1].text
    await world.restart_bot(kill=True)
    await until(world, MEETING - timedelta(hours=1))
    assert len(reminders(alice)) == 2
    await until(world, MEETING + timedelta(hours=2))
    await world.restart_bot(kill=True)
    assert len(reminders(alice)) == 2
    assert "took place" in general.last.text and general.last.buttons == []


async def test_start_times_in_plain_words_are_read_in_server_time_or_refused_kindly(world):
    cases = {
        "next tuesday 6pm": "Tuesday 8 December 2026, 6:00pm (Europe/London)",
        "tomorrow 10:30": "Wednesday 2 December 2026, 10:30am (Europe/London)",
        "3 Dec 6.30pm": "Thursday 3 December 2026, 6:30pm (Europe/London)",
    }
    for typed, read in cases.items():
        echo = await world.mod.slash("meeting schedule", title="Reading group", start=typed)
        assert read in echo.text, typed
    refused = {
        "someday soon": "couldn't read",
        "3 Dec": "no time",
        "2026-11-30 18:00": "already passed",
    }
    for typed, words in refused.items():
        reply = await world.mod.slash("meeting schedule", title="Reading group", start=typed)
        assert reply.ephemeral and words in reply.text, typed
    bad = await world.mod.slash(
        "meeting schedule", title="Reading group", start="tomorrow 6pm", reminders="soon-ish"
    )
    assert "reminder times" in bad.text
    assert world.channel("general").messages == []
    assert rows(world, "SELECT count(*) FROM meetings") == [(0,)]


async def test_change_before_posting_and_only_organisers_schedule(world):
    bob = world.user("bob")
    await join(bob)
    refused = await bob.slash("meeting schedule", title="Mine", start="tomorrow 6pm")
    assert "Manage Server" in refused.text
    echo = await world.mod.slash("meeting schedule", title="Catch-up", start="tomorrow 6pm")
    form = await world.mod.click(echo, text.CHANGE)
    changed = await world.mod.submit_modal(
        form, start="friday 7pm", title="Catch-up and cake", duration="90"
    )
    assert "Friday 4 December 2026, 7:00pm" in changed.text and "1 hour 30 minutes" in changed.text
    form = await world.mod.click(changed, text.CHANGE)
    refused = await world.mod.submit_modal(form, start="someday")
    assert refused.ephemeral and "couldn't read" in refused.text
    post = await world.mod.click(changed, text.POST_IT)
    assert "Posted" in post.text
    assert "Catch-up and cake" in world.channel("general").last.text
    assert "Friday 4 December" not in world.channel("general").last.text  # shown as a timestamp
    [choice] = await bob.autocomplete("meeting edit", "meeting", "cake")
    not_allowed = await bob.slash("meeting edit", meeting=choice.value, title="Mine now")
    assert "Manage Server" in not_allowed.text
    assert rows(world, "SELECT title FROM meetings") == [("Catch-up and cake",)]


async def test_post_it_checks_again_that_the_presser_is_still_an_organiser(world):
    echo = await world.mod.slash("meeting schedule", title="Catch-up", start="tomorrow 6pm")
    world.mod.take_role(world.guild().moderator_role)
    refused = await world.mod.click(echo, text.POST_IT)
    assert "Manage Server" in refused.text
    assert world.channel("general").messages == []


async def test_only_members_who_chose_reminders_and_are_not_stepping_back_get_them(world):
    post = await schedule(world)
    alice, bob, carol, dave, erin, frank = (
        world.user(n) for n in ("alice", "bob", "carol", "dave", "erin", "frank")
    )
    await join(alice)
    await join(bob, purposes=())  # a member who chose no messages
    await join(carol)
    await join(dave)
    await join(frank)
    for person in (alice, bob, carol, frank):
        await person.click(post, strings.GOING)
    declined = await dave.click(post, strings.CANT_MAKE_IT)
    assert text.SHOW_MY_NAME not in declined.buttons  # names show only among going or maybe
    not_member = await erin.click(post, strings.GOING)
    assert not_member.content == strings.JOIN_FIRST
    await carol.slash("me pause")
    # Frank's quiet hours cover the 1 h reminder (17:00): it goes before they begin.
    form = await frank.click(await frank.slash("me settings"), member_text.EDIT_DETAILS)
    await frank.submit_modal(form, quiet_hours="16:30-23:00")

    await until(world, MEETING - timedelta(hours=2))
    assert [len(reminders(p)) for p in (alice, bob, carol, dave, erin, frank)] == [1, 0, 0, 0, 0, 1]
    await until(world, MEETING - timedelta(hours=1, minutes=32))  # 16:28
    assert len(reminders(frank)) == 1
    await until(world, MEETING - timedelta(hours=1, minutes=31))  # 16:29, before 16:30
    assert len(reminders(frank)) == 2
    await until(world, MEETING - timedelta(minutes=10))
    assert [len(reminders(p)) for p in (alice, bob, carol, dave, erin, frank)] == [2, 0, 0, 0, 0, 2]
    shown = world.channel("general").last.text
    assert "**Going:** 4 - **Maybe:** 0" in shown
    assert "make it:" not in shown  # declining leaves no trace others can read


async def test_a_members_own_reminder_times_replace_the_meetings(world):
    post = await schedule(world)
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), member_text.EDIT_DETAILS)
    await alice.submit_modal(form, reminders="30m")
    saved = await alice.click(post, strings.MAYBE)
    assert "30 minutes before" in saved.text
    await until(world, MEETING - timedelta(minutes=31))
    assert news(alice) == []
    await until(world, MEETING - timedelta(minutes=30))
    assert len(reminders(alice)) == 1 and "You said **Maybe**" in alice.dms[-1].text


async def test_downtime_sends_a_still_useful_reminder_once_and_records_a_useless_one_missed(world):
    post = await schedule(world)
    alice = world.user("alice")
    await join(alice)
    await alice.click(post, strings.GOING)
    await world.bot.kill()
    world.state.now = MEETING - timedelta(hours=3)  # down across the 24 h reminder
    await world.restart_bot(kill=True)
    assert len(reminders(alice)) == 1
    await world.restart_bot(kill=True)
    assert len(reminders(alice)) == 1

    await world.bot.kill()
    world.state.now = MEETING + timedelta(minutes=5)  # down across the 1 h reminder and the start
    await world.restart_bot(kill=True)
    assert len(reminders(alice)) == 1
    missed = rows(world, "SELECT state, last_error FROM jobs WHERE key LIKE 'meeting:%:remind:%'")
    assert ("missed", "the meeting had already started") in missed
    assert "took place" in world.channel("general").last.text


async def test_downtime_across_two_reminders_sends_only_the_nearer_one(world):
    post = await schedule(world)
    alice = world.user("alice")
    await join(alice)
    await alice.click(post, strings.GOING)
    await world.bot.kill()
    world.state.now = MEETING - timedelta(minutes=20)
    await world.restart_bot(kill=True)
    assert len(reminders(alice)) == 1  # the 1 h one, not a pile of two


async def test_answers_per_meeting_and_for_the_whole_series(world):
    post = await schedule(world, title="Weekly drop-in", repeat="weekly")
    assert "every week on Thursday, at 18:00 (Europe/London)" in post.text
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await join(bob)
    saved = await alice.click(post, strings.GOING)
    assert text.ALL_IN_SERIES in saved.buttons
    series = await alice.click(saved, text.ALL_IN_SERIES)
    assert "every meeting in this series" in series.text
    shown = await alice.click(series, text.SHOW_MY_NAME)
    assert text.NAME_SHOWN in shown.text and text.HIDE_MY_NAME in shown.buttons
    await bob.click(post, strings.GOING)  # this week only
    assert "**Going:** 2" in world.channel("general").last.text
    assert f"<@{alice.id}>" in world.channel("general").last.text
    assert f"<@{bob.id}>" not in world.channel("general").last.text

    for step in (MEETING - timedelta(hours=24), MEETING - timedelta(hours=1)):
        await until(world, step)
    await until(world, MEETING + timedelta(minutes=5))  # the first meeting has begun
    assert [len(reminders(p)) for p in (alice, bob)] == [2, 2]
    post = world.channel("general").last
    next_week = MEETING + timedelta(days=7)
    assert f"<t:{int(next_week.timestamp())}:F>" in post.text
    assert "**Going:** 1" in post.text  # only Alice said yes to the whole series
    await until(world, next_week - timedelta(hours=24))
    await until(world, next_week - timedelta(minutes=30))
    assert [len(reminders(p)) for p in (alice, bob)] == [4, 2]
    listing = await bob.slash("meetings")
    assert "Weekly drop-in" in listing.text and "You haven't answered" in listing.text
    listing = await alice.slash("meetings")
    assert "Your answer: **Going**" in listing.text


async def test_a_weekly_meeting_stays_at_18_00_in_london_across_the_clock_change(make_world):
    world = await make_world(now=datetime(2027, 3, 20, 9, 0, tzinfo=UTC))
    await schedule(world, title="Weekly drop-in", start="2027-03-25 18:00", repeat="weekly")
    alice = world.user("alice")
    await join(alice)
    await alice.click(world.channel("general").last, strings.GOING)
    await alice.click(alice.last_reply, text.ALL_IN_SERIES)
    await until(world, datetime(2027, 3, 24, 18, 0, tzinfo=UTC))
    await until(world, datetime(2027, 3, 25, 17, 0, tzinfo=UTC))  # GMT: 17:00 local
    assert len(reminders(alice)) == 2
    # Clocks go forward on 28 March: the next meeting is 18:00 BST = 17:00 UTC
    await until(world, datetime(2027, 4, 1, 15, 59, tzinfo=UTC))
    assert len(reminders(alice)) == 3
    await until(world, datetime(2027, 4, 1, 16, 0, tzinfo=UTC))
    assert len(reminders(alice)) == 4
    post = world.channel("general").last
    assert f"<t:{int(datetime(2027, 4, 1, 17, 0, tzinfo=UTC).timestamp())}:F>" in post.text


async def test_edit_and_cancel_tell_people_going_and_move_their_reminders(world):
    post = await schedule(world)
    alice, bob, carol = world.user("alice"), world.user("bob"), world.user("carol")
    await join(alice)
    await join(bob, purposes=())
    await join(carol)
    await alice.click(post, strings.GOING)
    await bob.click(post, strings.MAYBE)
    await carol.click(post, strings.CANT_MAKE_IT)
    [choice] = await world.mod.autocomplete("meeting edit", "meeting", "catch")
    edited = await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-04 18:00")
    assert "2 people who said Going or Maybe" in edited.text
    assert "Friday 4 December 2026, 6:00pm" in edited.text
    [changed] = news(alice)
    assert "Changed: Champions catch-up" in changed.text
    assert f"<t:{int((MEETING + timedelta(days=1)).timestamp())}:F>" in changed.text
    # Bob chose no DM kinds, but said Maybe: a service message (rule 15). Carol can't make it.
    assert [m.text.splitlines()[0] for m in news(bob)] == ["## Changed: Champions catch-up"]
    assert news(carol) == []
    new_start = MEETING + timedelta(days=1)
    assert f"<t:{int(new_start.timestamp())}:F>" in world.channel("general").last.text
    assert "**Going:** 1 - **Maybe:** 1" in world.channel("general").last.text

    await until(world, MEETING - timedelta(hours=24))  # the old reminder time
    assert reminders(alice) == []
    await until(world, new_start - timedelta(hours=24))
    assert len(reminders(alice)) == 1

    cancelled = await world.mod.slash("meeting cancel", meeting=choice.value)
    assert "cancelled" in cancelled.text
    assert any("Cancelled: Champions catch-up" in m.text for m in alice.dms)
    assert "Cancelled" in world.channel("general").last.text
    assert world.channel("general").last.buttons == []
    await until(world, new_start)
    assert len(reminders(alice)) == 1
    again = await world.mod.slash("meeting cancel", meeting=choice.value)
    assert again.text == text.CANCELLED_ALREADY


async def test_one_date_of_a_weekly_meeting_can_be_cancelled_and_the_rest_go_on(world):
    post = await schedule(world, title="Weekly drop-in", repeat="weekly")
    alice = world.user("alice")
    await join(alice)
    saved = await alice.click(post, strings.GOING)
    await alice.click(saved, text.ALL_IN_SERIES)
    [choice] = await world.mod.autocomplete("meeting cancel", "meeting", "drop")
    friday = await world.mod.slash("meeting cancel", meeting=choice.value, date="2026-12-11")
    assert "no meeting still to come on Friday 11 December 2026" in friday.text
    assert "Nothing was changed" in friday.text

    second, third = MEETING + timedelta(days=7), MEETING + timedelta(days=14)
    done = await world.mod.slash("meeting cancel", meeting=choice.value, date="10 Dec")
    assert "The meeting on Thursday 10 December 2026 is cancelled" in done.text
    assert "the person who said Going or Maybe" in done.text
    [told] = [m for m in alice.dms if "Not on" in m.text]
    assert "Not on Thursday 10 December 2026: Weekly drop-in" in told.text
    assert f"<t:{int(second.timestamp())}:F>" in told.text
    again = await world.mod.slash("meeting cancel", meeting=choice.value, date="10 Dec")
    assert "no meeting still to come on Thursday 10 December" in again.text

    for step in (MEETING - timedelta(hours=24), MEETING - timedelta(hours=1)):
        await until(world, step)
    await until(world, MEETING + timedelta(minutes=5))  # the first meeting happens as planned
    assert len(reminders(alice)) == 2
    assert f"<t:{int(third.timestamp())}:F>" in world.channel("general").last.text
    for step in (second - timedelta(hours=24), second - timedelta(hours=1), second):
        await until(world, step)
    assert len(reminders(alice)) == 2  # nothing for the cancelled date
    await until(world, third - timedelta(hours=24))
    assert len(reminders(alice)) == 3

    whole = await alice.slash("meeting ics", meeting=choice.value, series=True)
    [event] = Calendar.from_ical(whole.attachments[0].data).walk("VEVENT")
    assert [d.dt for d in event["exdate"].dts] == [second]
    one_off = await schedule(world, title="Open day", start="2026-12-20 11:00")
    assert one_off is not None
    [open_day] = await world.mod.autocomplete("meeting cancel", "meeting", "open")
    refused = await world.mod.slash("meeting cancel", meeting=open_day.value, date="20 Dec")
    assert "happens once" in refused.text and "Nothing was changed" in refused.text


async def test_the_calendar_file_reads_back_to_the_same_times_and_rule(world):
    await schedule(world, title="Weekly drop-in", repeat="weekly", place="Room 2")
    [choice] = await world.mod.autocomplete("meeting ics", "meeting", "drop")
    alice = world.user("alice")  # anyone may take a calendar file
    one = await alice.slash("meeting ics", meeting=choice.value)
    whole = await alice.slash("meeting ics", meeting=choice.value, series=True)
    [one_file], [series_file] = one.attachments, whole.attachments
    assert series_file.filename.endswith(".ics")
    [event] = Calendar.from_ical(series_file.data).walk("VEVENT")
    assert event.decoded("dtstart") == MEETING
    assert str(event.decoded("dtstart").tzinfo) == "Europe/London"
    assert event["rrule"].to_ical() == b"FREQ=WEEKLY"
    assert str(event["location"]) == "Room 2"
    [single] = Calendar.from_ical(one_file.data).walk("VEVENT")
    assert single.decoded("dtend") == MEETING + timedelta(hours=1) and "rrule" not in single


async def test_a_discord_event_is_made_when_asked(world):
    await schedule(world, discord_event=True, place="https://meet.example/abc")
    await world.wait_for_request("POST", "/scheduled-events")
    events = list(world.state.scheduled_events.values())
    assert len(events) == 1
    assert events[0]["entity_metadata"]["location"] == "https://meet.example/abc"
    assert events[0]["scheduled_start_time"].startswith("2026-12-03T18:00:00")
    [choice] = await world.mod.autocomplete("meeting edit", "meeting", "catch")
    await world.mod.slash("meeting edit", meeting=choice.value, start="2026-12-04 17:00")
    [moved] = world.state.scheduled_events.values()
    assert moved["scheduled_start_time"].startswith("2026-12-04T17:00:00")
    await world.mod.slash("meeting cancel", meeting=choice.value)
    assert list(world.state.scheduled_events.values()) == []


# -- the load test: a kill -9 in the middle of 300 reminders --------------------------------


def seed_members_going(world: World, people, meeting_id: int, occ_key: str) -> None:
    """300 members who chose reminders and said Going, written straight into the database
    (joining through the UI is tested above; here the fan-out is under test)."""
    guild = world.guild().id
    at = world.now.isoformat()
    with closing(sqlite3.connect(world.root / "speakback.db", timeout=30)) as conn:
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, joined_at, notice_version) VALUES (?, ?, ?, 1)",
            [(guild, p.id, at) for p in people],
        )
        conn.executemany(
            "INSERT INTO member_consents (guild_id, user_id, purpose, granted, notice_version, at) "
            "VALUES (?, ?, ?, 1, 1, ?)",
            [
                (guild, p.id, purpose, at)
                for p in people
                for purpose in ("membership", "dm_reminders")
            ],
        )
        conn.executemany(
            "INSERT INTO meeting_rsvps (meeting_id, occ_key, guild_id, user_id, status, show_name, "
            "answered_at) VALUES (?, ?, ?, ?, 'going', 0, ?)",
            [(meeting_id, occ_key, guild, p.id, at) for p in people],
        )
        conn.commit()


async def wait_until_dead(world: World, within: float = 30.0) -> None:
    for _ in range(int(within / 0.05)):
        if not world.bot.running:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not stop")


@pytest.mark.full
async def test_kill_9_during_a_fan_out_to_300_leaves_everyone_exactly_one_reminder(world):
    post = await schedule(world)
    [(meeting_id, occ_key)] = rows(world, "SELECT id, shown_occ_key FROM meetings")
    crowd = [world.user(f"member{n:03d}") for n in range(300)]
    seed_members_going(world, crowd, meeting_id, occ_key)
    alice = world.user("alice")
    await join(alice)
    await alice.click(post, strings.GOING)  # 301 going; this answer re-plans the reminders
    everyone = [*crowd, alice]

    await world.bot.control("POST", "/test/fault", {"crash_after_sends": 120})
    world.state.now = MEETING - timedelta(hours=24)
    with contextlib.suppress(Exception):
        await world.bot.control("POST", "/clock", {"now": world.state.now.isoformat()})
    await wait_until_dead(world)
    sent_before_crash = sum(1 for p in everyone if reminders(p))
    assert 0 < sent_before_crash < len(everyone)
    await world.restart_bot(kill=True)
    await world.settle()

    counts = [len(reminders(p)) for p in everyone]
    duplicates = sum(c - 1 for c in counts if c > 1)
    nonces = [
        r.body["nonce"]
        for r in world.requests_to("POST", "/messages")
        if isinstance(r.body, dict) and r.body.get("nonce")
    ]
    resent = len(nonces) - len(set(nonces))
    print(
        f"\n300-RSVP kill -9: {sum(counts)} reminders to {len(everyone)} people "
        f"({sent_before_crash} before the crash, {resent} re-sent with the same nonce), "
        f"duplicates {duplicates}, 429s {world.count_status(429)} (global {world.global_429s})"
    )
    assert resent >= 1  # the send the kill interrupted went again, and Discord deduplicated it
    assert counts == [1] * len(everyone)
    assert world.global_429s == 0 and world.count_status(429) == 0
    states = rows(
        world, "SELECT state, count(*) FROM outbox WHERE purpose = 'dm_reminders' GROUP BY state"
    )
    assert states == [("sent", len(everyone))]


async def test_changing_my_reminder_times_after_answering_moves_my_reminder(world):
    post = await schedule(world)
    alice = world.user("alice")
    await join(alice)
    await alice.click(post, strings.GOING)
    form = await alice.click(await alice.slash("me settings"), member_text.EDIT_DETAILS)
    await alice.submit_modal(form, reminders="2h")
    await world.settle()
    pending = rows(world, "SELECT key FROM jobs WHERE state = 'pending' AND key LIKE '%:remind:%'")
    assert [k.rsplit(":", 1)[1] for (k,) in pending] == ["20261203T1600"]  # re-planned at once
    await until(world, MEETING - timedelta(hours=3))
    assert reminders(alice) == []  # not the meeting's 24 h
    await until(world, MEETING - timedelta(hours=2))
    assert len(reminders(alice)) == 1
    await until(world, MEETING - timedelta(minutes=5))
    assert len(reminders(alice)) == 1  # nor its 1 h


async def test_leaving_takes_a_shown_name_off_the_post_at_once(world):
    post = await schedule(world)
    alice = world.user("alice")
    await join(alice)
    saved = await alice.click(post, strings.GOING)
    await alice.click(saved, text.SHOW_MY_NAME)
    assert f"<@{alice.id}>" in world.channel("general").last.text
    leave = await alice.slash("leave")
    await alice.click(leave, strings.LEAVE_AND_ERASE)
    await world.settle()
    assert f"<@{alice.id}>" not in world.channel("general").last.text
    assert "**Going:** 0" in world.channel("general").last.text
    assert rows(world, "SELECT count(*) FROM meeting_rsvps") == [(0,)]


async def test_leaving_does_not_re_edit_a_meeting_post_it_does_not_change(world):
    post = await schedule(world)
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice)
    await alice.click(post, strings.GOING)
    await join(bob)  # bob answers nothing: no post shows him
    await world.settle()
    shown = world.channel("general").last.text
    edits = "SELECT count(*), coalesce(sum(revision), 0) FROM outbox WHERE kind = 'edit'"
    before = rows(world, edits)
    leave = await bob.slash("leave")
    await bob.click(leave, strings.LEAVE_AND_ERASE)
    await world.settle()
    assert rows(world, edits) == before  # no edit queued, so no request made
    assert world.channel("general").last.text == shown
