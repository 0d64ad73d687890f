"""The members repository: joining, the consent ledger, stepping back, profile, totals."""

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.members import can_contact
from bot.domain.quiet_hours import QuietHours
from bot.domain.suppression import Shown
from db import members
from db.database import Database
from db.settings import update_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD, OTHER_GUILD = 1, 2
ALICE, BOB = 111111111111111111, 222222222222222222


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "m.db")
    await database.migrate()
    yield database
    await database.close()


async def join(db, user_id, guild_id=GUILD, version=1, when=NOW):
    return await members.agree(
        db, guild_id, user_id, notice_version=version, now=when, secret=SECRET
    )


async def test_joining_records_consent_and_one_more_in_todays_count(db):
    assert not await members.is_member(db, GUILD, ALICE)
    assert await join(db, ALICE) == "joined"
    assert await members.is_member(db, GUILD, ALICE)
    assert not await members.is_member(db, OTHER_GUILD, ALICE)
    history = await members.consent_history(db, GUILD, ALICE)
    assert history == [
        {"purpose": "membership", "granted": 1, "notice_version": 1, "at": NOW.isoformat()}
    ]
    counts = await db.fetchall("SELECT * FROM membership_daily_counts")
    assert [tuple(c) for c in counts] == [(GUILD, "2026-12-01", 1, 0)]


async def test_joining_again_changes_nothing(db):
    await join(db, ALICE)
    assert await join(db, ALICE) == "already"
    assert len(await members.consent_history(db, GUILD, ALICE)) == 1
    assert await db.fetchval("SELECT joins FROM membership_daily_counts") == 1


async def test_messages_are_off_until_chosen_and_the_ledger_keeps_changes(db):
    await join(db, ALICE)
    alice = await members.get_member(db, GUILD, ALICE)
    assert alice.consents == {"membership"}
    assert not can_contact(alice, "dm_opportunities", NOW, 1)

    later = NOW + timedelta(hours=1)
    await members.set_contact_preferences(
        db, GUILD, ALICE, frozenset({"dm_opportunities", "dm_reminders"}), later
    )
    await members.set_contact_preferences(db, GUILD, ALICE, frozenset({"dm_reminders"}), later)
    alice = await members.get_member(db, GUILD, ALICE)
    assert alice.consents == {"membership", "dm_reminders"}
    ledger = [(h["purpose"], h["granted"]) for h in await members.consent_history(db, GUILD, ALICE)]
    assert ledger == [
        ("membership", 1),
        ("dm_opportunities", 1),
        ("dm_reminders", 1),
        ("dm_opportunities", 0),
    ]


async def test_one_read_finds_the_member_their_consents_and_the_servers_notice(db):
    # The read every button press makes (one statement): nobody, then a member whose
    # consents are the latest of each purpose in this server only, and the server's
    # current notice version, which may be newer than the one they agreed to.
    assert await members.member_and_notice(db, GUILD, ALICE) == (None, 1)
    await join(db, ALICE)
    await join(db, ALICE, guild_id=OTHER_GUILD)
    for wanted in ({"dm_opportunities", "dm_reminders"}, {"dm_reminders"}):
        await members.set_contact_preferences(db, GUILD, ALICE, frozenset(wanted), NOW)
    await members.set_contact_preferences(db, OTHER_GUILD, ALICE, frozenset({"dm_outcomes"}), NOW)
    await update_settings(db, GUILD, NOW, notice_version=3)

    alice, notice = await members.member_and_notice(db, GUILD, ALICE)
    assert notice == 3 and alice.notice_version == 1
    assert alice.consents == {"membership", "dm_reminders"}
    assert alice.consents == await members.current_consents(db, GUILD, ALICE)
    elsewhere, notice = await members.member_and_notice(db, OTHER_GUILD, ALICE)
    assert notice == 1 and elsewhere.consents == {"membership", "dm_outcomes"}
    assert await members.member_and_notice(db, GUILD, BOB) == (None, 3)


async def test_preferences_need_membership(db):
    with pytest.raises(LookupError):
        await members.set_contact_preferences(db, GUILD, BOB, frozenset(), NOW)
    with pytest.raises(LookupError):
        await members.update_profile(db, GUILD, BOB, NOW, preferred_name="Bob")


async def test_a_new_notice_needs_reconfirming(db):
    await join(db, ALICE)
    await members.set_contact_preferences(db, GUILD, ALICE, frozenset({"dm_reminders"}), NOW)
    alice = await members.get_member(db, GUILD, ALICE)
    assert not can_contact(alice, "dm_reminders", NOW, notice_version=2)
    assert await members.contactable_user_ids(db, GUILD, "dm_reminders", NOW, 2) == []
    assert await join(db, ALICE, version=2) == "reconfirmed"
    alice = await members.get_member(db, GUILD, ALICE)
    assert alice.notice_version == 2 and can_contact(alice, "dm_reminders", NOW, 2)
    assert await members.contactable_user_ids(db, GUILD, "dm_reminders", NOW, 2) == [ALICE]


async def test_stepping_back_and_resuming(db):
    await join(db, ALICE)
    await join(db, BOB)
    for user in (ALICE, BOB):
        await members.set_contact_preferences(db, GUILD, user, frozenset({"dm_reminders"}), NOW)
    until = NOW + timedelta(days=7)
    assert await members.pause(db, GUILD, ALICE, NOW, until)
    assert await members.contactable_user_ids(db, GUILD, "dm_reminders", NOW, 1) == [BOB]
    alice = await members.get_member(db, GUILD, ALICE)
    assert not can_contact(alice, "dm_reminders", NOW, 1)
    # The pause ends by itself at its date.
    assert await members.contactable_user_ids(db, GUILD, "dm_reminders", until, 1) == [
        ALICE,
        BOB,
    ]
    assert await members.pause(db, GUILD, ALICE, NOW, None)
    assert await members.contactable_user_ids(db, GUILD, "dm_reminders", until, 1) == [BOB]
    assert await members.resume(db, GUILD, ALICE)
    assert await members.contactable_user_ids(db, GUILD, "dm_reminders", NOW, 1) == [ALICE, BOB]
    assert not await members.pause(db, GUILD, 999, NOW, None)


async def test_profile_round_trip_and_clearing(db):
    await join(db, ALICE)
    await members.update_profile(
        db,
        GUILD,
        ALICE,
        NOW,
        preferred_name="Al",
        group="carer",
        access_needs="Step-free access",
        timezone="Europe/Dublin",
        quiet_hours=QuietHours(time(22), time(8)),
        reminder_offsets=(timedelta(hours=24), timedelta(hours=1)),
    )
    profile = (await members.get_member(db, GUILD, ALICE)).profile
    assert profile.preferred_name == "Al" and profile.group == "carer"
    assert profile.quiet_hours == QuietHours(time(22), time(8))
    assert profile.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert await members.reminder_offsets(db, GUILD, ALICE) == profile.reminder_offsets
    await members.update_profile(db, GUILD, ALICE, NOW, quiet_hours=None, reminder_offsets=())
    profile = (await members.get_member(db, GUILD, ALICE)).profile
    assert profile.quiet_hours is None and profile.reminder_offsets == ()
    with pytest.raises(ValueError):
        await members.update_profile(db, GUILD, ALICE, NOW, shoe_size=9)


async def test_counts_are_totals_with_small_groups_hidden(db):
    users = list(range(10**17, 10**17 + 20))
    for user in users:
        await join(db, user)
    groups = ["lived_experience"] * 8 + ["staff"] * 6 + ["carer"] * 2 + [None] * 4
    for user, group in zip(users, groups, strict=True):
        await members.update_profile(db, GUILD, user, NOW, group=group)
    await members.pause(db, GUILD, users[0], NOW, None)
    await members.pause(db, GUILD, users[1], NOW - timedelta(days=2), NOW - timedelta(days=1))
    totals = await members.counts(db, GUILD, NOW, notice_version=1)
    assert (totals.members, totals.paused, totals.awaiting_notice) == (20, 1, 0)
    assert totals.by_group == {
        "lived_experience": None,  # the largest, hidden so the small ones can't be derived
        "carer": None,  # 2: fewer than 5
        "staff": 6,
        "prefer_not_to_say": None,
        "not_given": None,  # 4
    }
    shown = {f.group: f.shown for f in totals.groups.figures}
    assert shown["lived_experience"] is Shown.PROTECTIVE and shown["carer"] is Shown.SMALL
    assert (await members.counts(db, GUILD, NOW, notice_version=2)).awaiting_notice == 20


async def test_leaving_erases_everything_and_keeps_only_one_more_in_the_leaves(db):
    await join(db, ALICE)
    await join(db, BOB)
    await members.set_contact_preferences(db, GUILD, ALICE, frozenset({"dm_outcomes"}), NOW)
    await members.update_profile(db, GUILD, ALICE, NOW, preferred_name="Al", group="staff")
    assert await members.leave(db, GUILD, ALICE, NOW, SECRET)
    assert await members.get_member(db, GUILD, ALICE) is None
    for table in members.PERSONAL_TABLES:
        assert await db.fetchval(f"SELECT count(*) FROM {table} WHERE user_id = ?", (ALICE,)) == 0
    assert await members.is_member(db, GUILD, BOB)
    counts = await db.fetchall("SELECT * FROM membership_daily_counts")
    assert [tuple(c) for c in counts] == [(GUILD, "2026-12-01", 2, 1)]
    assert await members.event_totals(db, GUILD, NOW - timedelta(days=30)) == {
        "joined": 2,
        "left": 1,
    }
    assert not await members.leave(db, GUILD, ALICE, NOW, SECRET)
    assert await db.fetchval("SELECT leaves FROM membership_daily_counts") == 1


async def test_event_totals_add_up_the_days_from_the_window_start(db):
    await join(db, ALICE, when=NOW - timedelta(days=40))  # before the window
    await join(db, BOB, when=NOW - timedelta(days=3))
    await members.leave(db, GUILD, BOB, NOW, SECRET)
    await join(db, BOB, when=NOW)
    await join(db, ALICE, guild_id=OTHER_GUILD)  # another server's
    assert await members.event_totals(db, GUILD, NOW - timedelta(days=30)) == {
        "joined": 2,
        "left": 1,
    }
    assert await members.event_totals(db, 99, NOW) == {"joined": 0, "left": 0}


async def test_cascade_erases_consents_and_profile_with_the_member(db):
    await join(db, ALICE)
    await members.update_profile(db, GUILD, ALICE, NOW, preferred_name="Al")
    await db.execute("DELETE FROM members WHERE user_id = ?", (ALICE,))
    assert await db.fetchval("SELECT count(*) FROM member_consents") == 0
    assert await db.fetchval("SELECT count(*) FROM member_profiles") == 0


# -- still in the server? (issue 19) ---------------------------------------------------------


async def test_gone_keeps_the_first_time_found_and_present_clears_it(db):
    await join(db, ALICE)
    await members.record_presence(db, GUILD, ALICE, present=False, now=NOW)
    later = NOW + timedelta(days=7)
    await members.record_presence(db, GUILD, ALICE, present=False, now=later)
    assert await members.gone_since(db, GUILD, ALICE) == NOW  # the first time, not the last
    member = await members.get_member(db, GUILD, ALICE)
    assert member is not None and member.gone_since == NOW
    assert await members.gone_before(db, NOW + timedelta(days=30)) == [(GUILD, ALICE)]
    assert await members.gone_before(db, NOW - timedelta(seconds=1)) == []
    assert await members.known_gone(db, (GUILD,)) == {(GUILD, ALICE)}
    assert await members.known_gone(db, (OTHER_GUILD,)) == set()

    assert await members.seen_in_server(db, GUILD, ALICE)  # used the bot there again
    assert not await members.seen_in_server(db, GUILD, ALICE)
    assert await members.gone_since(db, GUILD, ALICE) is None
    await members.record_presence(db, GUILD, ALICE, present=False, now=later)
    await members.record_presence(db, GUILD, ALICE, present=None, now=later)  # can't tell
    assert await members.gone_since(db, GUILD, ALICE) == later  # unchanged
    await members.record_presence(db, GUILD, ALICE, present=True, now=later)
    assert await members.gone_since(db, GUILD, ALICE) is None
    await members.record_presence(db, GUILD, ALICE, present=None, now=later)
    assert await members.gone_since(db, GUILD, ALICE) is None


async def test_presence_is_recorded_only_for_members_and_goes_with_them(db):
    await members.record_presence(db, GUILD, BOB, present=False, now=NOW)  # not a member
    assert await db.fetchval("SELECT count(*) FROM member_presence") == 0
    await join(db, ALICE)
    await members.record_presence(db, GUILD, ALICE, present=False, now=NOW)
    await members.leave(db, GUILD, ALICE, NOW, SECRET)
    assert await db.fetchval("SELECT count(*) FROM member_presence") == 0


async def test_the_sweep_asks_first_about_those_never_asked_then_the_longest_ago(db):
    await join(db, ALICE)
    await join(db, BOB)
    await join(db, ALICE, guild_id=OTHER_GUILD)
    week_ago = NOW - timedelta(days=7)
    await members.record_presence(db, GUILD, ALICE, present=True, now=NOW - timedelta(days=8))
    await members.record_presence(db, GUILD, BOB, present=True, now=NOW - timedelta(days=1))
    assert await members.members_to_check(db, week_ago, 10) == [
        (OTHER_GUILD, ALICE),  # never asked
        (GUILD, ALICE),  # asked 8 days ago
    ]  # bob was asked yesterday: not again this week
    assert await members.members_to_check(db, week_ago, 1) == [(OTHER_GUILD, ALICE)]
    assert await members.member_guilds(db, ALICE) == [GUILD, OTHER_GUILD]
