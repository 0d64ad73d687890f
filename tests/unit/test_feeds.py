"""Calendar feeds: what a feed holds, parsed back by icalendar and recurring-ical-events
(what calendar apps do), agrees with the bot's own occurrences, across clock changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from bot.domain.feeds import KEEP_CANCELLED, member_entries, server_entries
from bot.domain.ics import build_calendar, build_ics, meeting_uid
from bot.domain.meetings import Meeting
from bot.domain.recurrence import Series, next_occurrences, occurrences_between

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
# Tuesdays 18:00 in London from 13 Oct 2026: the clocks go back on 25 Oct 2026 and
# forward on 28 Mar 2027 (the last Sundays of October and March).
WEEKLY = Series(datetime(2026, 10, 13, 18, 0), "Europe/London", "weekly", 90)  # noqa: DTZ001
ONE_OFF = Series(datetime(2026, 10, 20, 10, 30), "Europe/London", "none", 60)  # noqa: DTZ001
WINDOW = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC))


def meeting(mid: int, series: Series = WEEKLY, **changes) -> Meeting:
    base = Meeting(
        id=mid, guild_id=1, title=f"Meeting {mid}", place="Room 2", series=series,
        offsets=(), channel_id=5, created_at=NOW,
    )  # fmt: skip
    return replace(base, **changes)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def starts(calendar: Calendar, uid: str | None = None) -> list[datetime]:
    found = recurring_ical_events.of(calendar).between(*WINDOW)
    return sorted(
        e.decoded("DTSTART").astimezone(UTC) for e in found if uid is None or e["UID"] == uid
    )


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def feed(entries) -> Calendar:
    return parse(build_calendar(entries, now=NOW, name="Speak Back meetings"))


def test_a_series_answer_is_one_event_that_expands_to_our_occurrences_across_both_changes():
    m = meeting(42)
    cal = feed(member_entries([m], {42: {"*": "going"}}, NOW))
    assert list(events(cal)) == [meeting_uid(42)]
    ours = [o.start_utc for o in occurrences_between(WEEKLY, *WINDOW)]
    assert starts(cal) == ours
    hours = {d.hour for d in ours}
    assert hours == {17, 18}  # 18:00 on the wall: 17:00 UTC in summer time, 18:00 in winter
    march = [d for d in ours if d.month in (3, 4) and d.year == 2027]
    assert {d.hour for d in march} == {17, 18}  # the spring change is inside the window too
    assert cal["X-WR-CALNAME"] == "Speak Back meetings"


def test_a_cancelled_date_and_a_date_they_cannot_make_are_exdates():
    skipped = replace(WEEKLY, skipped_dates=frozenset({date(2026, 10, 27)}))
    m = meeting(42, skipped, revision=1)
    cal = feed(member_entries([m], {42: {"*": "maybe", "20261103T180000": "no"}}, NOW))
    (event,) = cal.walk("VEVENT")
    exdates = sorted(d.dt.astimezone(UTC) for x in event.get("EXDATE") for d in x.dts)
    assert exdates == [
        datetime(2026, 10, 27, 18, 0, tzinfo=UTC),  # after the change: 18:00 UTC
        datetime(2026, 11, 3, 18, 0, tzinfo=UTC),
    ]
    got = starts(cal)
    assert datetime(2026, 10, 27, 18, 0, tzinfo=UTC) not in got
    assert datetime(2026, 11, 3, 18, 0, tzinfo=UTC) not in got
    assert datetime(2026, 10, 20, 17, 0, tzinfo=UTC) in got  # before it: 17:00 UTC
    expected = [o.start_utc for o in occurrences_between(skipped, *WINDOW)]
    assert got == [d for d in expected if d != datetime(2026, 11, 3, 18, 0, tzinfo=UTC)]


def test_single_dates_are_separate_events_with_the_uid_meeting_ics_gives_them():
    m = meeting(42)
    occs = next_occurrences(WEEKLY, NOW, 3)
    answers = {42: {occs[0].key: "going", occs[1].key: "no", occs[2].key: "maybe"}}
    cal = feed(member_entries([m], answers, NOW))
    found = events(cal)
    assert sorted(found) == sorted(meeting_uid(42, o) for o in (occs[0], occs[2]))
    for occ in (occs[0], occs[2]):
        event = found[meeting_uid(42, occ)]
        assert "RRULE" not in event
        assert event.decoded("DTSTART").astimezone(UTC) == occ.start_utc
        from_ics = parse(
            build_ics(meeting_id=42, series=WEEKLY, title="t", now=NOW, occurrence=occ)
        )
        assert str(from_ics.walk("VEVENT")[0]["UID"]) == meeting_uid(42, occ)
    assert starts(cal) == [occs[0].start_utc, occs[2].start_utc]


def test_a_one_off_meeting_is_one_event_with_the_meetings_own_uid():
    m = meeting(9, ONE_OFF)
    (event,) = feed(member_entries([m], {9: {"20261020T103000": "going"}}, NOW)).walk("VEVENT")
    assert str(event["UID"]) == "meeting-9@speakback" and "RRULE" not in event


def test_only_going_and_maybe_count_and_other_meetings_stay_out():
    ms = [meeting(1), meeting(2), meeting(3)]
    answers = {1: {"*": "no"}, 2: {"*": "going"}}
    assert [e.meeting_id for e in member_entries(ms, answers, NOW)] == [2]
    assert [e.meeting_id for e in server_entries(ms, NOW)] == [1, 2, 3]


def test_an_edit_raises_sequence_and_keeps_the_uid():
    before = feed(member_entries([meeting(42, revision=0)], {42: {"*": "going"}}, NOW))
    moved = replace(WEEKLY, start_local=datetime(2026, 10, 13, 19, 0))  # noqa: DTZ001
    after = feed(member_entries([meeting(42, moved, revision=1)], {42: {"*": "going"}}, NOW))
    (old,), (new,) = before.walk("VEVENT"), after.walk("VEVENT")
    assert old["UID"] == new["UID"] == meeting_uid(42)
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert {d.hour for d in starts(after)} == {18, 19}


def test_a_cancelled_meeting_is_kept_for_14_days_as_cancelled_then_dropped():
    gone = meeting(42, state="cancelled", revision=3, cancelled_at=NOW)
    for entries in (
        member_entries([gone], {42: {"*": "going"}}, NOW + timedelta(days=13)),
        server_entries([gone], NOW + timedelta(days=13)),
    ):
        (event,) = feed(entries).walk("VEVENT")
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["SUMMARY"]) == "Cancelled: Meeting 42"
        assert int(event["SEQUENCE"]) == 3
    later = NOW + KEEP_CANCELLED
    assert member_entries([gone], {42: {"*": "going"}}, later) == []
    assert server_entries([gone], later) == []


def test_a_single_date_that_is_cancelled_stays_as_cancelled_until_14_days_after_it():
    occ = next_occurrences(WEEKLY, NOW, 2)[1]
    skipped = replace(WEEKLY, skipped_dates=frozenset({occ.rule_local.date()}))
    m = meeting(42, skipped, revision=1)
    (entry,) = member_entries([m], {42: {occ.key: "going"}}, NOW)
    assert entry.cancelled and entry.title.startswith("Cancelled: ")
    (event,) = feed([entry]).walk("VEVENT")
    assert str(event["UID"]) == meeting_uid(42, occ) and str(event["STATUS"]) == "CANCELLED"
    assert member_entries([m], {42: {occ.key: "going"}}, occ.end_utc + KEEP_CANCELLED) == []


def test_an_empty_feed_is_still_a_calendar_and_asks_for_an_hourly_refresh():
    data = build_calendar([], now=NOW, name="Speak Back meetings", refresh=timedelta(hours=1))
    cal = parse(data)
    assert cal.walk("VEVENT") == [] and cal["VERSION"] == "2.0"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data and b"X-PUBLISHED-TTL:PT1H" in data


ZONES = ("Europe/London", "America/New_York", "Australia/Sydney")


@settings(max_examples=25, deadline=None)
@given(
    rule=st.sampled_from(("weekly", "fortnightly", "monthly")),
    zone=st.sampled_from(ZONES),
    day=st.integers(0, 60),
    hour=st.integers(0, 23),
    minute=st.sampled_from((0, 15, 30, 45)),
    skips=st.lists(st.integers(0, 20), max_size=3),
)
def test_any_series_feed_expands_to_the_bots_own_occurrences(rule, zone, day, hour, minute, skips):
    start = datetime(2026, 9, 1, hour, minute) + timedelta(days=day)  # noqa: DTZ001 - wall time
    series = Series(start, zone, rule, 45)
    every = occurrences_between(series, *WINDOW)
    skipped = frozenset(every[i].rule_local.date() for i in skips if i < len(every))
    series = replace(series, skipped_dates=skipped)
    cal = feed(server_entries([meeting(1, series)], NOW))
    assert starts(cal) == [o.start_utc for o in occurrences_between(series, *WINDOW)]
