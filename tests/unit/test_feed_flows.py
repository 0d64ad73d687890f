"""Calendar feed links and what they serve, without Discord or HTTP: a link is shown
once and stored hashed, a new link retires the old one, leaving retires it too, and
the feed follows edits and cancellations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.clock import DrivenClock
from bot.delivery import Delivery
from bot.dispatcher import Dispatcher
from bot.domain.recurrence import next_occurrences
from bot.heartbeat import Heartbeat
from bot.posts import Posts
from bot.retention import Retention
from bot.services import Services
from cogs.meetings import feeds
from db import calendar_feeds, members
from db import meetings as repo
from db.database import Database, to_iso
from db.personal_data import erase_all, export_all

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
SECRET = b"s" * 40
GUILD, OTHER = 7, 8
ALICE, BOB = 111, 222
BASE = "https://pages.example.org"


@pytest.fixture
async def services(tmp_path):
    db = await Database.open(tmp_path / "feeds.db")
    await db.migrate()
    clock = DrivenClock(NOW)
    dispatcher = Dispatcher(db, clock)
    delivery = Delivery(db, clock, None, dispatch=lambda *args: None, allowed_mentions=None)
    built = Services(
        db=db, clock=clock, dispatcher=dispatcher, delivery=delivery,
        retention=Retention(db, dispatcher),
        posts=Posts(db, delivery, lambda guild_id: f"Server {guild_id}"),
        heartbeat=Heartbeat(db, clock, dispatcher, delivery),
    )  # fmt: skip
    for guild_id, user_id in ((GUILD, ALICE), (GUILD, BOB), (OTHER, ALICE)):
        await members.agree(db, guild_id, user_id, notice_version=1, now=NOW, secret=SECRET)
    yield built
    await db.close()


async def add_meeting(services, title="Catch-up", rule="weekly", guild_id=GUILD) -> int:
    return await services.db.execute(
        "INSERT INTO meetings (guild_id, title, place, start_local, zone, rule, "
        "duration_minutes, channel_id, created_at) VALUES (?, ?, 'Room 2', "
        "'2026-10-13T18:00:00', 'Europe/London', ?, 90, 5, ?)",
        (guild_id, title, rule, to_iso(NOW)),
    )


def token_of(link: feeds.Link) -> str:
    return link.https.rsplit("/", 1)[1].removesuffix(".ics")


def vevents(data: bytes | None):
    assert data is not None
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


async def test_a_link_is_stored_only_as_a_hash_and_shows_the_meetings_they_go_to(services):
    first, second = await add_meeting(services, "Catch-up"), await add_meeting(services, "Panel")
    await repo.answer(services.db, first, "*", GUILD, ALICE, "going", NOW)
    await repo.answer(services.db, second, "*", GUILD, BOB, "going", NOW)
    link = await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE)
    assert link.https.startswith(BASE + "/calendar/") and link.https.endswith(".ics")
    assert link.webcal == "webcal://" + link.https.removeprefix("https://")
    token = token_of(link)
    assert len(token) >= 40
    stored = await services.db.fetchall("SELECT * FROM calendar_feeds")
    assert token not in repr([dict(r) for r in stored])
    assert stored[0]["token_hash"] == calendar_feeds.token_hash(token)
    found = vevents(await feeds.feed_for_token(services.db, services.clock.now(), token))
    assert list(found) == [f"meeting-{first}@speakback"]
    assert str(found[f"meeting-{first}@speakback"]["SUMMARY"]) == "Catch-up"


async def test_all_meetings_here_is_a_choice_that_keeps_the_same_address(services):
    first, second = await add_meeting(services), await add_meeting(services, "Panel")
    elsewhere = await add_meeting(services, "Not here", guild_id=OTHER)
    token = token_of(await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE))
    assert vevents(await feeds.feed_for_token(services.db, services.clock.now(), token)) == {}
    assert await feeds.choose_scope(services.db, GUILD, ALICE, "all")
    uids = set(vevents(await feeds.feed_for_token(services.db, services.clock.now(), token)))
    assert uids == {f"meeting-{first}@speakback", f"meeting-{second}@speakback"}
    assert f"meeting-{elsewhere}@speakback" not in uids
    assert not await feeds.choose_scope(services.db, GUILD, BOB, "all")  # no link: nothing saved


async def test_a_new_link_retires_the_old_one_and_keeps_the_choice(services):
    old = token_of(
        await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE, "all")
    )
    new = await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE)
    assert new.scope == "all"
    assert await feeds.feed_for_token(services.db, services.clock.now(), old) is None
    assert await feeds.feed_for_token(services.db, services.clock.now(), token_of(new)) is not None
    assert await feeds.feed_for_token(services.db, services.clock.now(), "not-a-token") is None


async def test_leaving_erases_the_link_in_that_server_only(services):
    here = token_of(await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE))
    there = token_of(await feeds.make_link(services.db, services.clock.now(), BASE, OTHER, ALICE))
    exported = await export_all(services.db, GUILD, ALICE)
    assert [set(r) for r in exported["calendar_feeds"]] == [
        {"guild_id", "user_id", "scope", "created_at"}
    ]  # no hash in the member's own file
    await erase_all(services.db, GUILD, ALICE, SECRET)
    assert await feeds.feed_for_token(services.db, services.clock.now(), here) is None
    assert await feeds.feed_for_token(services.db, services.clock.now(), there) is not None


async def test_a_link_of_someone_no_longer_a_member_finds_nothing(services):
    token = token_of(await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, BOB))
    await members.leave(services.db, GUILD, BOB, NOW, SECRET)
    assert await feeds.feed_for_token(services.db, services.clock.now(), token) is None
    assert (
        await services.db.fetchval("SELECT count(*) FROM calendar_feeds WHERE user_id = ?", (BOB,))
        == 0
    )


async def test_the_feed_follows_an_edit_a_cancelled_date_and_a_cancellation(services):
    mid = await add_meeting(services)
    await repo.answer(services.db, mid, "*", GUILD, ALICE, "maybe", NOW)
    token = token_of(await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE))
    uid = f"meeting-{mid}@speakback"
    before = vevents(await feeds.feed_for_token(services.db, services.clock.now(), token))[uid]
    assert int(before["SEQUENCE"]) == 0 and "EXDATE" not in before

    meeting = await repo.get_meeting(services.db, mid)
    assert meeting is not None
    await repo.update_meeting(
        services.db, mid, title="Catch-up (new room)", place="Room 3",
        series=meeting.series, offsets=meeting.offsets, remap={},
    )  # fmt: skip
    assert await repo.skip_date(services.db, mid, date(2026, 10, 27))
    after = vevents(await feeds.feed_for_token(services.db, services.clock.now(), token))[uid]
    assert int(after["SEQUENCE"]) == 2
    assert str(after["SUMMARY"]) == "Catch-up (new room)" and str(after["LOCATION"]) == "Room 3"
    exdates = [d.dt.astimezone(UTC) for x in [after["EXDATE"]] for d in x.dts]
    assert exdates == [datetime(2026, 10, 27, 18, 0, tzinfo=UTC)]

    services.clock.set(NOW + timedelta(days=1))
    assert await repo.cancel_meeting(services.db, mid, services.clock.now())
    gone = vevents(await feeds.feed_for_token(services.db, services.clock.now(), token))[uid]
    assert str(gone["STATUS"]) == "CANCELLED" and str(gone["SUMMARY"]).startswith("Cancelled: ")
    assert int(gone["SEQUENCE"]) == 3
    services.clock.set(NOW + timedelta(days=15, hours=1))
    assert vevents(await feeds.feed_for_token(services.db, services.clock.now(), token)) == {}


async def test_single_dates_they_answered_are_separate_events(services):
    mid = await add_meeting(services)
    meeting = await repo.get_meeting(services.db, mid)
    assert meeting is not None
    occs = next_occurrences(meeting.series, NOW, 2)
    for occ in occs:
        await repo.answer(services.db, mid, occ.key, GUILD, ALICE, "going", NOW)
    token = token_of(await feeds.make_link(services.db, services.clock.now(), BASE, GUILD, ALICE))
    assert set(vevents(await feeds.feed_for_token(services.db, services.clock.now(), token))) == {
        f"meeting-{mid}-{occ.key}@speakback" for occ in occs
    }


async def test_the_public_feed_has_the_servers_own_meetings_only(services):
    mid = await add_meeting(services)
    await add_meeting(services, "Elsewhere", guild_id=OTHER)
    data = await feeds.public_feed(services.db, services.clock.now(), GUILD)
    assert set(vevents(data)) == {f"meeting-{mid}@speakback"}
    assert "Meetings of your server" in data.decode()  # no name seen yet
