"""Membership end to end: the real bot against the emulator (rules 1, 3, 4, 5, 7, 11).

Each test reads like what a person does; the database file is opened read-only
afterwards to prove what was (and was not) kept. `world` (tests/e2e/conftest.py)
fails a test if the bot broke any of Discord's rules on the way.
"""

from __future__ import annotations

import json

import pytest

from bot import strings
from bot.domain.consent import DEFAULT_NOTICE_EDITION
from bot.strings import membership as text
from tests.database import rows
from tests.e2e import steps
from tests.emulator.world import World

NOTICE_FIELD = "What joining means (stored, why, who sees)"


def where_id_appears(world: World, user_id: int) -> list[str]:
    """Every table.column in the database whose value holds this id, as number or text."""
    found = []
    tables = [t for (t,) in rows(world, "SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for column in [c[1] for c in rows(world, f'PRAGMA table_info("{table}")')]:
            hits = rows(
                world,
                f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? '
                f'OR CAST("{column}" AS TEXT) LIKE ?',
                (user_id, f"%{user_id}%"),
            )[0][0]
            if hits:
                found.append(f"{table}.{column}")
    return found


async def join(person, purposes=("dm_reminders",)):
    return await steps.join(person, purposes)


def news(person) -> list[str]:
    """The words of what reached them (`steps.news`: without the test DM)."""
    return [m.content for m in steps.news(person)]


async def send_test_dm(world, person, purpose="dm_reminders", content="Meeting tomorrow at 6pm"):
    await world.bot.control(
        "POST",
        "/test/dm",
        {
            "guild_id": world.guild().id,
            "user_id": person.id,
            "content": content,
            "purpose": purpose,
        },
    )
    await world.settle()


async def test_join_shows_the_notice_and_only_agreeing_makes_a_member(world):
    alice = world.user("alice")
    notice = await alice.slash("join")
    assert notice.ephemeral
    assert "What we store" in notice.text and "/leave" in notice.text
    assert notice.buttons == [strings.I_AGREE, strings.NOT_NOW]
    # Which edition of the built-in notice she is reading is on record (about the
    # server, not her), so a release that changes its words asks her again.
    edition = rows(world, "SELECT notice_version, default_notice_edition FROM guild_settings")
    assert edition == [(1, DEFAULT_NOTICE_EDITION)]

    welcome = await alice.click(notice, strings.I_AGREE)
    assert "you've joined" in welcome.text
    assert rows(world, "SELECT purpose, granted FROM member_consents") == [("membership", 1)]

    saved = await alice.select(welcome, "member:prefs", ["dm_reminders", "dm_outcomes"])
    assert "meeting reminders, poll outcomes" in saved.text
    again = await alice.slash("join")
    assert text.ALREADY_MEMBER in again.text and "meeting reminders" in again.text
    assert rows(world, "SELECT count(*) FROM members") == [(1,)]
    consents = rows(world, "SELECT purpose, granted, notice_version FROM member_consents")
    assert consents == [("membership", 1, 1), ("dm_reminders", 1, 1), ("dm_outcomes", 1, 1)]
    assert rows(world, "SELECT joins, leaves FROM membership_daily_counts") == [(1, 0)]


async def test_not_now_stores_nothing(world):
    bob = world.user("bob")
    notice = await bob.slash("join")
    declined = await bob.click(notice, strings.NOT_NOW)
    assert "Nothing about you was stored" in declined.text
    assert where_id_appears(world, bob.id) == []


async def test_messages_are_off_unless_chosen(world):
    alice = world.user("alice")
    await join(alice, purposes=())
    await send_test_dm(world, alice, purpose="dm_opportunities")
    assert news(alice) == []


async def test_non_members_get_the_join_hint_from_commands_and_buttons(world):
    carol = world.user("carol")
    reply = await carol.slash("me settings")
    assert reply.content == strings.JOIN_FIRST and reply.ephemeral

    # A member's own settings message outlives their membership: pressing it now
    # is a non-member pressing a member-only button, and is re-checked.
    welcome = await join(carol)
    settings_message = await carol.slash("me settings")
    leave = await carol.slash("leave")
    await carol.click(leave, strings.LEAVE_AND_ERASE)
    pressed = await carol.click(settings_message, text.EDIT_DETAILS)
    assert pressed.content == strings.JOIN_FIRST
    chose = await carol.select(welcome, "member:prefs", ["dm_outcomes"])
    assert strings.JOIN_FIRST in chose.text
    assert where_id_appears(world, carol.id) == []


async def test_stepping_back_stops_dms_until_resumed(world):
    alice = world.user("alice")
    await join(alice, purposes=("dm_reminders",))
    await send_test_dm(world, alice, content="first reminder")
    assert news(alice) == ["first reminder"]

    paused = await alice.slash("me pause")
    assert "stepping back" in paused.text and "nobody is told" in paused.text
    await send_test_dm(world, alice, content="while paused")
    assert news(alice) == ["first reminder"]
    show = await alice.slash("me show")
    assert "until you use `/me resume`" in show.text

    resumed = await alice.slash("me resume")
    assert "Welcome back" in resumed.text
    await send_test_dm(world, alice, content="after resuming")
    assert news(alice) == ["first reminder", "after resuming"]


async def test_a_pause_with_a_date_ends_by_itself(world):
    alice = world.user("alice")
    await join(alice)
    paused = await alice.slash("me pause", until="2026-12-05")
    assert "Saturday 5 December 2026" in paused.text
    await send_test_dm(world, alice, content="too soon")
    assert news(alice) == []
    await world.advance(days=4)
    await send_test_dm(world, alice, content="back again")
    assert news(alice) == ["back again"]


async def test_a_pause_until_todays_weekday_is_until_next_week_and_says_so(world):
    # Issue 29: the driven clock starts on Tuesday 1 December 2026, 09:00.
    alice = world.user("alice")
    await join(alice)
    paused = await alice.slash("me pause", until="tuesday")
    assert paused.ephemeral
    assert "Today is Tuesday, so this is next Tuesday, 8 December." in paused.text
    assert "until **Tuesday 8 December 2026**" in paused.text
    assert "already passed" not in paused.text
    assert rows(world, "SELECT paused_until IS NOT NULL FROM members") == [(1,)]


async def test_a_past_pause_date_is_refused_kindly(world):
    alice = world.user("alice")
    await join(alice)
    reply = await alice.slash("me pause", until="2020-01-01")
    assert "which has passed" in reply.text and reply.ephemeral
    assert rows(world, "SELECT paused_at FROM members") == [(None,)]


async def test_settings_save_profile_and_bad_input_is_explained(world):
    alice = world.user("alice")
    await join(alice)
    settings = await alice.slash("me settings")
    grouped = await alice.select(settings, "member:group", ["carer"])
    assert "Carer" in grouped.text
    form = await alice.click(grouped, text.EDIT_DETAILS)
    saved = await alice.submit_modal(
        form,
        preferred_name="Al",
        access_needs="Step-free access",
        timezone="europe/dublin",
        quiet_hours="10pm-8am",
        reminders="24h, 1h",
    )
    assert "Europe/Dublin" in saved.text and "22:00-08:00" in saved.text
    assert "24 hours and 1 hour" in saved.text
    profile = rows(
        world,
        "SELECT preferred_name, self_described_group, access_needs, timezone, quiet_start, "
        "quiet_end, reminder_offsets FROM member_profiles",
    )
    assert profile == [
        ("Al", "carer", "Step-free access", "Europe/Dublin", "22:00", "08:00", "1440,60")
    ]

    form = await alice.click(grouped, text.EDIT_DETAILS)
    refused = await alice.submit_modal(form, quiet_hours="sometimes")
    assert "22:00-08:00" in refused.text and refused.ephemeral
    assert rows(world, "SELECT quiet_start FROM member_profiles") == [("22:00",)]


async def test_a_member_typing_uk_as_their_time_zone_gets_uk_time_and_is_told(world):
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    saved = await alice.submit_modal(form, timezone="UK")
    assert strings.ZONE_NOTES["uk_time"] in saved.text
    assert rows(world, "SELECT timezone FROM member_profiles") == [("Europe/London",)]


async def test_quiet_hours_hold_a_dm_until_morning(world):
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    await alice.submit_modal(form, quiet_hours="08:00-18:00")  # world starts at 09:00 London
    await send_test_dm(world, alice, content="not now")
    assert news(alice) == []
    await world.advance(hours=9, minutes=1)
    assert news(alice) == ["not now"]


async def test_export_contains_everything_about_me_and_nobody_else(world):
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice, purposes=("dm_reminders", "dm_outcomes"))
    await join(bob)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    await alice.submit_modal(form, preferred_name="Al", access_needs="captions")
    await send_test_dm(world, alice, content="hello")

    reply = await alice.slash("me export")
    assert reply.ephemeral
    [attachment] = reply.attachments
    assert attachment.filename == text.EXPORT_FILENAME
    document = json.loads(attachment.data)
    tables = document["tables"]
    assert {"members", "member_consents", "member_profiles", "outbox", "dm_blocked"} <= set(tables)
    assert [c["purpose"] for c in tables["member_consents"]] == [
        "membership",
        "dm_reminders",
        "dm_outcomes",
    ]
    assert all(c["at"] and c["notice_version"] == 1 for c in tables["member_consents"])
    assert tables["member_profiles"][0]["access_needs"] == "captions"
    assert len(tables["outbox"]) == 2  # "hello", and the test DM when she chose messages
    assert "membership_events" not in document  # joins are counted by day, about nobody
    assert str(bob.id) not in attachment.data.decode()
    # every row about alice in every personal table is in the file
    for table in ("members", "member_consents", "member_profiles", "outbox"):
        held = rows(world, f"SELECT count(*) FROM {table} WHERE user_id = ?", (alice.id,))[0][0]
        assert len(tables[table]) == held, table


async def test_leaving_erases_at_once_and_keeps_only_a_count_of_leaves(world):
    alice, bob = world.user("alice"), world.user("bob")
    await join(alice, purposes=("dm_reminders",))
    await join(bob)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    await alice.submit_modal(form, preferred_name="Al", access_needs="a quiet room")
    await alice.slash("me pause")
    await send_test_dm(world, alice)
    assert where_id_appears(world, alice.id)

    confirm = await alice.slash("me delete")
    assert strings.LEAVE_AND_ERASE in confirm.buttons and "/me export" in confirm.text
    done = await alice.click(confirm, strings.LEAVE_AND_ERASE)
    assert "erased" in done.text
    assert where_id_appears(world, alice.id) == []
    assert rows(world, "SELECT joins, leaves FROM membership_daily_counts") == [(2, 1)]
    assert where_id_appears(world, bob.id)  # nobody else touched
    again = await alice.slash("join")
    assert strings.I_AGREE in again.buttons


async def test_keep_my_membership_changes_nothing(world):
    alice = world.user("alice")
    await join(alice)
    confirm = await alice.slash("leave")
    kept = await alice.click(confirm, text.KEEP_MEMBERSHIP)
    assert "still a member" in kept.text
    assert rows(world, "SELECT count(*) FROM members") == [(1,)]


async def test_a_new_notice_holds_dms_and_is_shown_first(world):
    alice = world.user("alice")
    await join(alice, purposes=("dm_reminders",))
    form = await world.mod.slash("setup notice")
    check = await world.mod.submit_modal(
        form,
        **{NOTICE_FIELD: "New notice: we now also keep X.", "What does this change?": "change"},
    )
    await world.mod.click(check, "Save the new version")

    await send_test_dm(world, alice, content="held back")
    assert news(alice) == []
    reply = await alice.slash("me settings")
    assert "New notice: we now also keep X." in reply.text
    assert text.AFTER_NOTICE_RETRY in reply.text
    # Data rights never wait for the new notice.
    assert "new version (2)" in (await alice.slash("me show")).text

    confirmed = await alice.click(reply, strings.I_AGREE)
    assert "Thank you" in confirmed.text
    assert rows(world, "SELECT notice_version FROM members") == [(2,)]
    # What waited for her agreement goes now (issue 19), then what comes after it.
    await world.settle()
    assert news(alice) == ["held back"]
    await send_test_dm(world, alice, content="after agreeing")
    assert news(alice) == ["held back", "after agreeing"]


async def test_closed_dms_are_shown_and_cleared_by_a_test_message(world):
    alice = world.user("alice")
    await join(alice)
    world.set_dms_closed(alice)
    await send_test_dm(world, alice)
    show = await alice.slash("me show")
    assert "couldn't reach you" in show.text
    assert strings.OPENED_MY_DMS in show.buttons

    world.set_dms_closed(alice, False)
    await world.advance(minutes=11)  # joining tested her DMs; one test per 10 minutes
    sent = await alice.click(show, strings.OPENED_MY_DMS)
    assert text.DM_CHECK_OPEN in sent.text
    assert [m.content for m in alice.dms] == [text.TEST_DM, text.TEST_DM]
    assert "No problems found" in (await alice.slash("me show")).text


async def test_members_count_is_totals_only_for_organisers(world):
    organiser = world.user("olu", organiser=True)
    await world.mod.slash("setup roles", organiser=world.role("Organisers"))
    people = [world.user(f"p{i}") for i in range(6)]
    for person in people:
        await join(person, purposes=())
    await people[0].slash("me pause")
    reply = await organiser.slash("members count")
    assert "**Members:** 6" in reply.text
    assert "**Stepping back right now:** fewer than 5" in reply.text  # never an exact 1
    assert "**Joined in the last 30 days:** 6" in reply.text
    assert "**Left in the last 30 days:** fewer than 5" in reply.text
    for person in people:
        assert person.name not in reply.text and str(person.id) not in reply.text
    refused = await people[1].slash("members count")
    assert "Only organisers" in refused.text


async def test_two_members_count_looks_the_same_day_cannot_be_differenced(world):
    """Issue 21 (3): looking before and after one person's change gave them away."""
    organiser = world.user("olu", organiser=True)
    await world.mod.slash("setup roles", organiser=world.role("Organisers"))
    people = [world.user(f"p{i}") for i in range(6)]
    for person in people[:5]:
        await join(person, purposes=())
    before = await organiser.slash("members count")
    assert "**Members:** 5" in before.text
    await join(people[5], purposes=())  # one person's change
    await people[0].slash("me pause")
    after = await organiser.slash("members count")
    assert after.text == before.text  # the same day: the same figures
    await world.advance(hours=24)
    tomorrow = await organiser.slash("members count")
    assert "**Members:** 6" in tomorrow.text and tomorrow.text != before.text


async def test_help_shows_member_commands_only_to_members(world):
    dee = world.user("dee")
    before = await dee.slash("help")
    assert "/me show" not in before.text and "appear here once you do" in before.text
    await join(dee)
    after = await dee.slash("help")
    assert "/me show" in after.text


async def test_help_in_a_dm_says_member_commands_are_listed_in_the_server(world):
    """In a DM nobody is a member of anything, so it must not say "you haven't joined"."""
    dee = world.user("dee")
    await join(dee)
    in_dm = await dee.slash("help", in_dm=True)
    assert "haven't joined" not in in_dm.text
    assert "listed when you use `/help` in the server" in in_dm.text
    assert "/support" in in_dm.text and "/me show" not in in_dm.text


NASTY = [
    "@everyone @here <@&1> <@1> **bold** __u__ ~~s~~ `code` ||spoiler|| # heading",
    "[link](https://example.com) > quote\n- list\n```py\nprint(1)\n```",
    "\u202eevil\u200b ümlaut 漢字 🙂 \\",
]


@pytest.mark.parametrize("value", NASTY)
async def test_free_text_in_profile_fields_never_breaks_a_reply_or_pings(world, value):
    alice = world.user("alice")
    await join(alice)
    form = await alice.click(await alice.slash("me settings"), text.EDIT_DETAILS)
    saved = await alice.submit_modal(form, preferred_name=value[:64], access_needs=value * 3)
    show = await alice.slash("me show")
    for reply in (saved, show):
        assert reply.message is not None
        assert not any(m.pings.anyone for m in reply.messages)


async def test_buttons_keep_working_after_a_crash_and_restart(world):
    alice = world.user("alice")
    notice = await alice.slash("join")
    await world.restart_bot(kill=True)
    welcome = await alice.click(notice, strings.I_AGREE)
    assert "you've joined" in welcome.text
    await world.restart_bot(kill=True)
    saved = await alice.select(welcome, "member:prefs", ["dm_opportunities"])
    assert "opportunities" in saved.text
