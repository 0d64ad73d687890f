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
    left: list[tuple[int, int]] = []

    async def run_leave_hooks(guild_id, user_id):
        left.append((guild_id, user_id))

    yield SimpleNamespace(
        db=database,
        clock=clock,
        dispatcher=dispatcher,
        left=left,
        run_leave_hooks=run_leave_hooks,
        fault_point=lambda name: None,
    )
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
    assert services.left == [(GUILD, ALICE)]  # what leaving changes elsewhere ran once
    assert not await flows.is_member(services, GUILD, ALICE)


async def test_what_leaving_changes_elsewhere_commits_with_the_erasure_or_not_at_all(services):
    """The post edits a feature queues on leaving share the erasure's transaction: if
    queueing them fails, nothing is erased (and the person can simply try again)."""
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)

    async def failing(guild_id, user_id):
        await services.db.execute(
            "INSERT INTO jobs (kind, key, payload, due_at) VALUES ('x', 'queued-in-leave', '{}', ?)",
            (NOW.isoformat(),),
        )
        raise RuntimeError("the edit could not be queued")

    services.run_leave_hooks = failing
    with pytest.raises(RuntimeError):
        await flows.leave(services, GUILD, ALICE, secret=SECRET, dispatch=Events())
    assert await flows.is_member(services, GUILD, ALICE)
    assert await services.db.fetchval("SELECT count(*) FROM jobs") == 0


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


async def test_the_recipient_policy_skips_someone_known_to_have_left_the_server(services):
    # Issue 19: until erased, a member found gone gets no optional DMs and no service
    # messages, and is left off fan-out lists; back in the server, all is as before.
    decide = flows.recipient_policy(services.db)
    await flows.agree(services, GUILD, ALICE, 1, secret=SECRET)
    member = await members.get_member(services.db, GUILD, ALICE)
    chosen = frozenset({"dm_reminders", "dm_opportunities"})
    await flows.set_contact_preferences(services, member, chosen)
    assert await members.contactable_user_ids(services.db, GUILD, "dm_reminders", NOW, 1) == [ALICE]
    await members.record_presence(services.db, GUILD, ALICE, present=False, now=NOW)
    for purpose in ("dm_reminders", "dm_opportunities", "about_yes"):
        decision = await decide(GUILD, ALICE, purpose, NOW)
        assert (decision.action, decision.reason) == ("skip", "left the server")
    assert (await decide(GUILD, ALICE, "service", NOW)).action == "send"  # asked for
    for purpose in chosen:
        assert await members.contactable_user_ids(services.db, GUILD, purpose, NOW, 1) == []

    await members.record_presence(services.db, GUILD, ALICE, present=True, now=NOW)
    assert (await decide(GUILD, ALICE, "dm_reminders", NOW)).action == "send"
    assert (await decide(GUILD, ALICE, "about_yes", NOW)).action == "send"
    assert await members.contactable_user_ids(services.db, GUILD, "dm_reminders", NOW, 1) == [ALICE]


class Planned:
    """A stand-in dispatcher: what the sweep planned next."""

    def __init__(self):
        self.jobs = []

    async def schedule(self, kind, due_at, payload, key, guild_id=None):
        self.jobs.append((kind, due_at))

    async def cancel(self, key):
        pass


async def test_the_presence_sweep_is_paced_and_erases_thirty_days_after_first_found_gone(
    services,
):
    services.dispatcher = Planned()
    people = list(range(1000, 1000 + flows.SWEEP_BATCH + 3))
    for user_id in people:
        await flows.agree(services, GUILD, user_id, 1, secret=SECRET)
    asked = []

    async def lookup(guild_id, user_id):
        asked.append(user_id)
        return None if user_id == people[1] else user_id != people[0]  # people[0] has left

    await flows.sweep_presence(services, lookup, NOW, secret=SECRET, dispatch=Events())
    assert len(asked) == flows.SWEEP_BATCH  # one batch, then the next soon
    assert services.dispatcher.jobs == [(flows.PRESENCE_SWEEP_JOB, NOW + flows.SWEEP_PAUSE)]
    await flows.sweep_presence(
        services, lookup, NOW + flows.SWEEP_PAUSE, secret=SECRET, dispatch=Events()
    )
    assert sorted(asked) == people  # everyone asked once: "could not tell" counts as asked
    assert services.dispatcher.jobs[-1] == (
        flows.PRESENCE_SWEEP_JOB,
        NOW + flows.SWEEP_PAUSE + flows.SWEEP_EVERY,
    )

    almost = NOW + flows.ERASE_AFTER_GONE - timedelta(seconds=1)
    await flows.sweep_presence(services, lookup, almost, secret=SECRET, dispatch=Events())
    assert await flows.is_member(services, GUILD, people[0])
    events = Events()
    await flows.sweep_presence(
        services, lookup, NOW + flows.ERASE_AFTER_GONE, secret=SECRET, dispatch=events
    )
    assert not await flows.is_member(services, GUILD, people[0])
    assert events.told == [("member_left", GUILD, people[0])]
    assert await flows.is_member(services, GUILD, people[1])  # "could not tell" is not gone
