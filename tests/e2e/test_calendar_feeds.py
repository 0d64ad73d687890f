"""Calendar feeds end to end (issue 26): `/me calendar` through the emulator, and the
feed fetched from the running bot's own web port, as a calendar app would.

The world starts on Tuesday 1 December 2026, 09:00 UTC (Europe/London, GMT). The
bot's public address is set to https://pages.example.org; the test fetches the
same path from the port the bot listens on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import recurring_ical_events
from icalendar import Calendar

from bot import strings
from bot.strings import meetings as text
from bot.strings import pages as pages_text
from tests.database import rows
from tests.e2e import steps
from tests.e2e.steps import schedule
from tests.emulator.render import walk

BASE = "https://pages.example.org"
MEETING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def link_of(reply) -> str:
    [url] = [b["url"] for b in walk(reply.components) if b.get("type") == 2 and b.get("url")]
    return url


async def fetch(world, url: str) -> tuple[int, Calendar | None]:
    status, headers, body = await steps.get_page(world, urlparse(url).path)
    if status != 200:
        return status, None
    assert headers["Content-Type"].startswith("text/calendar")
    assert "private" in headers["Cache-Control"]
    return status, Calendar.from_ical(body)


def by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_a_members_calendar_follows_an_edit_a_cancelled_date_and_a_new_link(make_world):
    world = await make_world(env={"WEB_BASE_URL": BASE})
    post = await schedule(world, title="Weekly drop-in", repeat="weekly", place="Room 2")
    await schedule(world, title="Open day", start="2026-12-20 11:00")
    alice = world.user("alice")
    await steps.join(alice)
    saved = await alice.click(post, strings.GOING)
    await alice.click(saved, text.ALL_IN_SERIES)

    reply = await alice.slash("me calendar")
    assert reply.ephemeral
    https = link_of(reply)
    assert https.startswith(f"{BASE}/calendar/") and https.endswith(".ics")
    webcal = "webcal://" + https.removeprefix("https://")
    assert f"```\n{webcal}\n```" in reply.text and f"```\n{https}\n```" in reply.text
    for app in ("Google Calendar", "Apple Calendar", "Outlook", "up to a day"):
        assert app in reply.text
    assert {text.SCOPE_MINE, text.SCOPE_ALL, text.MAKE_NEW_LINK} <= set(reply.buttons)
    token = https.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in str(rows(world, "SELECT * FROM calendar_feeds"))  # only its hash

    status, calendar = await fetch(world, https)
    assert status == 200 and calendar is not None
    [uid] = by_uid(calendar)
    event = by_uid(calendar)[uid]
    assert str(event["SUMMARY"]) == "Weekly drop-in" and "RRULE" in event
    seq = int(event["SEQUENCE"])
    starts = recurring_ical_events.of(calendar).between(MEETING, MEETING + timedelta(days=15))
    assert [e.decoded("DTSTART").astimezone(UTC) for e in starts] == [
        MEETING, MEETING + timedelta(days=7), MEETING + timedelta(days=14)
    ]  # fmt: skip

    [choice] = await world.mod.autocomplete("meeting edit", "meeting", "drop")
    await world.mod.slash("meeting edit", meeting=choice.value, place="Room 3")
    await world.mod.slash("meeting cancel", meeting=choice.value, date="2026-12-10")
    _, calendar = await fetch(world, https)
    assert calendar is not None
    event = by_uid(calendar)[uid]
    assert int(event["SEQUENCE"]) > seq + 1 and str(event["LOCATION"]) == "Room 3"
    assert [d.dt.astimezone(UTC) for d in event["EXDATE"].dts] == [MEETING + timedelta(days=7)]

    again = await alice.slash("me calendar")
    assert "can't show that address again" in again.text and token not in again.text
    assert "Open day" not in str(by_uid(calendar))
    chose = await alice.click(again, text.SCOPE_ALL)
    assert "Saved" in chose.text
    _, calendar = await fetch(world, https)
    assert calendar is not None
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == [
        "Open day", "Weekly drop-in"
    ]  # fmt: skip

    fresh = await alice.click(again, text.MAKE_NEW_LINK)
    new = link_of(fresh)
    assert new != https
    assert (await fetch(world, https))[0] == 404
    assert (await fetch(world, new))[0] == 200

    leave = await alice.slash("leave")
    await alice.click(leave, strings.LEAVE_AND_ERASE)
    assert (await fetch(world, new))[0] == 404
    assert rows(world, "SELECT count(*) FROM calendar_feeds") == [(0,)]


async def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_for_14_days(make_world):
    world = await make_world(env={"WEB_BASE_URL": BASE})
    post = await schedule(world, title="Open day", start="2026-12-20 11:00")
    alice = world.user("alice")
    await steps.join(alice)
    await alice.click(post, strings.MAYBE)
    https = link_of(await alice.slash("me calendar"))
    [choice] = await world.mod.autocomplete("meeting cancel", "meeting", "open")
    await world.mod.slash("meeting cancel", meeting=choice.value)
    _, calendar = await fetch(world, https)
    assert calendar is not None
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and str(event["SUMMARY"]) == "Cancelled: Open day"
    await world.set_time(datetime(2026, 12, 15, 10, 0, tzinfo=UTC))
    _, calendar = await fetch(world, https)
    assert calendar is not None and calendar.walk("VEVENT") == []


async def test_without_a_web_address_the_member_gets_a_calendar_file(world):
    post = await schedule(world, title="Weekly drop-in", repeat="weekly")
    await schedule(world, title="Open day", start="2026-12-20 11:00")
    alice = world.user("alice")
    await steps.join(alice)
    await alice.click(post, strings.GOING)  # this Thursday only
    reply = await alice.slash("me calendar")
    assert "won't change by itself" in reply.text
    [event] = Calendar.from_ical(reply.attachments[0].data).walk("VEVENT")
    assert str(event["UID"]) == "meeting-1-20261203T180000@speakback"
    assert "RRULE" not in event
    everything = await alice.click(reply, text.SCOPE_ALL)
    titles = Calendar.from_ical(everything.attachments[0].data).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in titles) == ["Open day", "Weekly drop-in"]
    assert rows(world, "SELECT count(*) FROM calendar_feeds") == [(0,)]


async def test_only_members_get_a_calendar_and_only_inside_a_server(world):
    bob = world.user("bob")
    reply = await bob.slash("me calendar")
    assert reply.content == strings.JOIN_FIRST
    await steps.join(bob)
    in_dm = await bob.slash("me calendar", in_dm=True)
    assert in_dm.ephemeral and in_dm.text == text.CALENDAR_IN_SERVER_ONLY


async def test_a_server_may_publish_a_meetings_calendar_and_stop(make_world):
    world = await make_world(env={"WEB_BASE_URL": BASE})
    post = await schedule(world, title="Weekly drop-in", repeat="weekly", place="Room 2")
    alice = world.user("alice")
    await steps.join(alice)
    await alice.click(post, strings.GOING)

    shown = await world.mod.slash("setup publish")
    saved = await world.mod.select(shown, "setup:publish:kinds", ["polls"])
    slug = re.search(r"/s/([a-z0-9]+)", saved.text).group(1)
    assert "meetings.ics" not in saved.text
    assert (await steps.get_page(world, f"/s/{slug}/meetings.ics"))[0] == 410  # not chosen

    saved = await world.mod.select(saved, "setup:publish:kinds", ["polls", "calendar"])
    feed = f"{BASE}/s/{slug}/meetings.ics"
    assert feed in saved.text and "webcal://pages.example.org/s/" in saved.text
    status, headers, body = await steps.get_page(world, f"/s/{slug}/meetings.ics")
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Weekly drop-in" and str(event["LOCATION"]) == "Room 2"
    assert str(alice.id) not in body and "Going" not in body
    _, _, page = await steps.get_page(world, f"/s/{slug}")
    assert f'href="/s/{slug}/meetings.ics"' in page

    again = await world.mod.slash("setup publish")
    await world.mod.click(again, pages_text.UNPUBLISH)
    assert (await steps.get_page(world, f"/s/{slug}/meetings.ics"))[0] == 410
    assert (await steps.get_page(world, "/s/nosuchpage/meetings.ics"))[0] == 404
