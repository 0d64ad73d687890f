"""Membership's flows run without Discord: joining, choices, leaving, the export, the policy."""

import json
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from bot.clock import DrivenClock
from bot.dispatcher import Dispatcher
from bot.domain.quiet_hours import QuietHours
from cogs.membership import flows
from db import members
from db.database import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD = 1
ALICE = 111111111111111111


class Events:
    def __init__(self) -> None:
        self.told: list[tuple] = []

    def __call__(self, *args) -> None:
        self.told.append(args)


@pytest.fixture
async def services(tmp_path):
    database = await Database.open(tmp_path / "m.db")
    await database.migrate()
    clock = DrivenClock(NOW)
    dispatcher = Dispatcher(database, clock)
    dispatcher.register(flows.PAUSE_END_JOB, lambda job, now: None)
    yield SimpleNamespace(db=database, clock=clock, dispatcher=dispatcher)
    await database.close()


async def test_joining_agreeing_and_an_outdated_press(services):
    joining = await flows.start_joining(services, GUILD, ALICE)
    assert joining.status is None and not joining.outdated
    version = joining.settings.notice_version

    stale = await flows.agree(services, GUILD, ALICE, version + 1, secret=SECRET)
    assert stale.result == "changed" and not stale.outdated
    assert not await flows.is_member(services, GUILD, ALICE)

    agreed = await flows.agree(services, GUILD, ALICE, version, secret=SECRET)
    assert agreed.result == "joined" and agreed.member is not None
    again = await flows.agree(services, GUILD, ALICE, version, secret=SECRET)
    assert again.result == "already" and again.status is not None
    assert again.status.dms_blocked_since is None

    joining = await flows.start_joining(services, GUILD, ALICE)
    assert joining.status is not None and joining.status.member.user_id == ALICE


async def test_choices_pausing_and_resuming(services):
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)
    member = await members.get_member(services.db, GUILD, ALICE)
    saved = await flows.set_contact_preferences(services, member, frozenset({"dm_reminders"}))
    assert saved.chosen == {"dm_reminders"} and not saved.paused
    assert "dm_reminders" in saved.member.consents

    assert await flows.resume(services, saved.member) is None  # not stepping back
    paused = await flows.pause(services, saved.member, "2027-01-15")
    assert paused.ends is not None and paused.ends > NOW
    member = await members.get_member(services.db, GUILD, ALICE)
    again = await flows.set_contact_preferences(services, member, frozenset({"dm_outcomes"}))
    assert again.paused
    resumed = await flows.resume(services, again.member)
    assert resumed is not None and flows.optional_choices(resumed.consents) == {"dm_outcomes"}
    assert resumed.caught_up.empty  # nothing was held or posted meanwhile


async def test_details_are_saved_and_other_features_told(services):
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)
    member = await members.get_member(services.db, GUILD, ALICE)
    events = Events()
    status = await flows.save_details(
        services, member, {"preferred_name": "Al", "timezone": "Europe/Dublin"}, dispatch=events
    )
    assert status.member.profile.preferred_name == "Al"
    assert status.member.profile.timezone == "Europe/Dublin"
    assert events.told == [("member_settings_changed", GUILD, ALICE)]


async def test_leaving_erases_tells_others_and_leaves_nothing_to_export(services):
    assert await flows.before_leaving(services, GUILD, ALICE, secret=SECRET) == "nothing_held"
    assert await flows.build_export(services, GUILD, ALICE, secret=SECRET) is None

    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)
    assert await flows.before_leaving(services, GUILD, ALICE, secret=SECRET) == "confirm"
    document = json.loads(await flows.build_export(services, GUILD, ALICE, secret=SECRET))
    assert document["user_id"] == str(ALICE) and document["tables"]["members"]

    events = Events()
    assert await flows.leave(services, GUILD, ALICE, secret=SECRET, dispatch=events)
    assert events.told == [("member_left", GUILD, ALICE)]
    assert not await flows.leave(services, GUILD, ALICE, secret=SECRET, dispatch=events)
    assert events.told == [("member_left", GUILD, ALICE)]  # told once
    assert not await flows.is_member(services, GUILD, ALICE)


async def test_member_totals(services):
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)
    totals, events = await flows.count_members(services, GUILD)
    assert totals.members == 1 and events["joined"] == 1


async def test_the_recipient_policy(services):
    decide = flows.recipient_policy(services.db)
    assert (await decide(None, ALICE, "service", NOW)).action == "send"
    assert (await decide(None, ALICE, "dm_reminders", NOW)).action == "skip"
    assert (await decide(GUILD, ALICE, "dm_reminders", NOW)).action == "skip"  # not a member
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)
    member = await members.get_member(services.db, GUILD, ALICE)
    await flows.set_contact_preferences(services, member, frozenset({"dm_reminders"}))
    assert (await decide(GUILD, ALICE, "dm_reminders", NOW)).action == "send"
    assert (await decide(GUILD, ALICE, "dm_outcomes", NOW)).action == "skip"  # not chosen
    member = await members.get_member(services.db, GUILD, ALICE)
    await flows.pause(services, member, None)
    later = NOW + timedelta(minutes=1)
    assert (await decide(GUILD, ALICE, "dm_reminders", later)).action == "skip"


async def test_the_recipient_policy_for_service_messages(services):
    decide = flows.recipient_policy(services.db)
    assert (await decide(GUILD, ALICE, "about_yes", NOW)).action == "skip"  # not a member
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)  # chose no DM kinds
    assert (await decide(GUILD, ALICE, "about_yes", NOW)).action == "send"
    await members.update_profile(
        services.db, GUILD, ALICE, NOW, quiet_hours=QuietHours(time(8, 0), time(20, 0))
    )
    waits = await decide(GUILD, ALICE, "about_yes", NOW)  # 09:00: quiet until 20:00
    assert waits.action == "defer" and waits.until == NOW.replace(hour=20)
    soon = NOW + timedelta(hours=2)  # the thing starts before quiet hours end
    assert (await decide(GUILD, ALICE, "about_yes", NOW, soon)).action == "send"
    member = await members.get_member(services.db, GUILD, ALICE)
    await flows.pause(services, member, None)
    later = NOW + timedelta(minutes=1)
    assert (await decide(GUILD, ALICE, "about_yes", later, soon)).action == "hold"
