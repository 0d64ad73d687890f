"""Meetings' flows without Discord: posting a draft, answering, the reminder plan and its
jobs (once each, however often they run), and telling people going of a change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import DrivenClock
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.domain.settings import GuildSettings
from bot.heartbeat import Heartbeat
from bot.posts import Posts
from bot.retention import Retention
from bot.services import Services
from cogs.meetings import flows
from db import jobs, members, outbox
from db.database import Database

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # 18:00 in London in December
SECRET = b"s" * 40
GUILD, CHANNEL = 7, 55
ALICE, BOB, CAROL = 111, 222, 333
SETTINGS = GuildSettings(guild_id=GUILD, announcements_channel_id=CHANNEL, timezone="Europe/London")


class Drawn:
    """A Render that says what it was asked to draw."""

    def post(self, meeting, occ, counts, by_server, home):
        return {"content": f"post {meeting.id} going={counts.going}", "embeds": []}

    def reminder(self, meeting, occ, status, link):
        return {"content": f"reminder {meeting.id} {status} {link}", "embeds": []}

    def notice(self, meeting, occ, link, dropped):
        return {"content": f"notice {meeting.id} r{meeting.revision}", "embeds": []}


class NoEvents:
    async def make_event(self, meeting, occ):
        return None

    async def update_event(self, meeting, occ):
        return None


@pytest.fixture
async def services(tmp_path):
    db = await Database.open(tmp_path / "flows.db")
    await db.migrate()
    clock = DrivenClock(NOW)
    dispatcher = Dispatcher(db, clock)
    delivery = Delivery(db, clock, None, dispatch=lambda *args: None, allowed_mentions=None)
    built = Services(
        db=db,
        clock=clock,
        dispatcher=dispatcher,
        delivery=delivery,
        retention=Retention(db, dispatcher),
        posts=Posts(db, delivery, lambda guild_id: f"Server {guild_id}"),
        heartbeat=Heartbeat(db, clock, dispatcher, delivery),
    )
    render = Drawn()

    async def remind(job, now):
        await flows.send_due_reminders(built, render, job, now)

    async def roll(job, now):
        await flows.roll_on(built, render, NoEvents(), job, now)

    dispatcher.register(flows.REMINDER_JOB, remind)
    dispatcher.register(flows.ROLL_JOB, roll)
    for user_id in (ALICE, BOB, CAROL):
        await members.agree(db, GUILD, user_id, notice_version=1, now=NOW, secret=SECRET)
    for user_id in (BOB, CAROL):
        await members.set_contact_preferences(db, GUILD, user_id, frozenset({"dm_reminders"}), NOW)
    yield built
    await db.close()


async def posted_meeting(services: Services) -> flows.Shared:
    draft = await flows.start_draft(
        services,
        SETTINGS,
        ALICE,
        None,
        title="Champions catch-up",
        start="2026-12-03 18:00",
        duration=None,
        place=None,
        repeat="none",
        reminders=None,  # 24 h and 1 h before
        discord_event=False,
        network=False,
        ping=False,
    )
    return await flows.publish_draft(services, Drawn(), draft.id, SETTINGS, ALICE)


async def dms(services: Services, user_id: int) -> list[tuple[str, str]]:
    rows = await services.db.fetchall(
        "SELECT dedupe_key, purpose FROM outbox WHERE kind = 'dm' AND user_id = ? ORDER BY id",
        (user_id,),
    )
    return [(r[0], r[1]) for r in rows]


async def pending_keys(services: Services) -> list[str]:
    rows = await services.db.fetchall("SELECT key FROM jobs WHERE state = 'pending' ORDER BY key")
    return [r[0] for r in rows]


async def test_posting_a_draft_queues_the_post_once_with_its_dedupe_key(services):
    shared = await posted_meeting(services)
    assert not shared.published.networked
    assert shared.published.servers == (f"Server {GUILD}",)
    rows = await services.db.fetchall(
        "SELECT dedupe_key, channel_id FROM outbox WHERE kind = 'post'"
    )
    assert [(r[0], r[1]) for r in rows] == [(f"meeting-post:{shared.meeting.id}", CHANNEL)]
    assert shared.meeting.post_outbox_id is not None
    # Nobody has answered yet: only the job that moves the post on at the start.
    assert await pending_keys(services) == [f"meeting:{shared.meeting.id}:roll:{shared.occ.key}"]


async def test_answering_plans_one_job_per_reminder_minute_and_each_reminder_goes_once(services):
    shared = await posted_meeting(services)
    mid, occ = shared.meeting.id, shared.occ
    saved = await flows.answer(services, Drawn(), mid, occ.key, GUILD, BOB, "going", None)
    assert saved.reminders == (timedelta(hours=24), timedelta(hours=1))
    await flows.answer(services, Drawn(), mid, occ.key, GUILD, CAROL, "maybe", None)
    assert await pending_keys(services) == [
        f"meeting:{mid}:remind:{occ.key}:20261202T1800",
        f"meeting:{mid}:remind:{occ.key}:20261203T1700",
        f"meeting:{mid}:roll:{occ.key}",
    ]
    services.clock.set(START - timedelta(hours=24))
    assert await services.dispatcher.run_due() == 1
    first = f"remind:{mid}:{occ.key}:1440:{GUILD}"
    assert await dms(services, BOB) == [(f"{first}:{BOB}", "dm_reminders")]
    assert await dms(services, CAROL) == [(f"{first}:{CAROL}", "dm_reminders")]
    # The same job again (a re-run after a crash) queues nothing more.
    again = jobs.Job(
        0,
        flows.REMINDER_JOB,
        "again",
        GUILD,
        {"meeting_id": mid, "occ_key": occ.key},
        START - timedelta(hours=24),
        1,
    )
    await flows.send_due_reminders(services, Drawn(), again, services.clock.now())
    assert len(await dms(services, BOB)) == 1 and len(await dms(services, CAROL)) == 1
    services.clock.set(START - timedelta(hours=1))
    assert await services.dispatcher.run_due() == 1
    assert [k for k, _p in await dms(services, BOB)] == [
        f"{first}:{BOB}",
        f"remind:{mid}:{occ.key}:60:{GUILD}:{BOB}",
    ]
    assert await pending_keys(services) == [f"meeting:{mid}:roll:{occ.key}"]


async def test_a_reminder_job_run_again_after_the_outbox_is_pruned_sends_nothing(services):
    """ "Once" is the occurrence's reminded mark, not the outbox's dedupe keys (pruned
    after 7 days)."""
    shared = await posted_meeting(services)
    mid, occ = shared.meeting.id, shared.occ
    await flows.answer(services, Drawn(), mid, occ.key, GUILD, BOB, "going", None)
    services.clock.set(START - timedelta(hours=24))
    assert await services.dispatcher.run_due() == 1
    assert len(await dms(services, BOB)) == 1
    now = services.clock.now()
    await services.db.execute("UPDATE outbox SET state = 'sent', sent_at = ?", (now.isoformat(),))
    await outbox.prune(services.db, now + timedelta(seconds=1))  # as if 7 days had passed
    assert await dms(services, BOB) == []
    again = jobs.Job(
        0, flows.REMINDER_JOB, "again", GUILD, {"meeting_id": mid, "occ_key": occ.key}, now, 1
    )
    await flows.send_due_reminders(services, Drawn(), again, now)
    assert await dms(services, BOB) == []


async def test_an_edit_tells_each_person_going_once_and_replans(services):
    shared = await posted_meeting(services)
    mid, occ = shared.meeting.id, shared.occ
    await flows.answer(services, Drawn(), mid, occ.key, GUILD, BOB, "going", None)
    await flows.answer(services, Drawn(), mid, occ.key, GUILD, CAROL, "no", None)
    edit = await flows.plan_edit(
        services,
        mid,
        GUILD,
        "Europe/London",
        title=None,
        start="2026-12-04 17:00",
        duration=None,
        place=None,
        repeat=None,
        reminders=None,
    )
    changed = await flows.apply_edit(services, Drawn(), NoEvents(), edit)
    assert changed.told.total == 1
    assert changed.occ is not None and changed.occ.start_utc == datetime(
        2026, 12, 4, 17, tzinfo=UTC
    )
    notice = f"meeting-notice:{mid}:{changed.meeting.revision}:{BOB}"
    assert await dms(services, BOB) == [(notice, "about_yes")]
    assert await dms(services, CAROL) == []
    assert await pending_keys(services) == [
        f"meeting:{mid}:remind:{changed.occ.key}:20261203T1700",
        f"meeting:{mid}:remind:{changed.occ.key}:20261204T1600",
        f"meeting:{mid}:roll:{changed.occ.key}",
    ]


async def test_cancelling_turns_every_job_off(services):
    shared = await posted_meeting(services)
    await flows.answer(
        services, Drawn(), shared.meeting.id, shared.occ.key, GUILD, BOB, "going", None
    )
    cancel = await flows.plan_cancel(services, shared.meeting.id, GUILD, None)
    changed = await flows.apply_cancel(services, Drawn(), NoEvents(), cancel)
    assert not changed.meeting.is_scheduled and changed.told.total == 1
    assert await pending_keys(services) == []
