"""Calendar files parse back to the same times, zone and recurrence."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from bot.domain.ics import build_ics, meeting_uid
from bot.domain.recurrence import Series, first_occurrence, next_occurrences, rrule_string

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WEEKLY = Series(datetime(2026, 10, 13, 18, 0), "Europe/London", "weekly", 90)  # noqa: DTZ001 - wall time


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_series_file_has_zone_times_rrule_and_vtimezone():
    data = build_ics(
        meeting_id=42, series=WEEKLY, title="Champions' catch-up", now=NOW,
        location="Room 2, Library", description="Tea provided.\nAll welcome.",
    )  # fmt: skip
    calendar, event = _event(data)
    assert calendar["VERSION"] == "2.0" and "Speak Back" in str(calendar["PRODID"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == first_occurrence(WEEKLY).start_utc and end - start == timedelta(minutes=90)
    assert start.astimezone(LONDON).hour == 18
    assert event["RRULE"].to_ical().decode() == rrule_string(WEEKLY) == "FREQ=WEEKLY"
    assert str(event["UID"]) == "meeting-42@speakback" == meeting_uid(42)
    assert str(event["SUMMARY"]) == "Champions' catch-up"
    assert str(event["LOCATION"]) == "Room 2, Library"
    assert str(event["DESCRIPTION"]) == "Tea provided.\nAll welcome."
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["STATUS"]) == "CONFIRMED"


def test_recurrence_expands_to_our_occurrences_across_the_clock_change():
    _, event = _event(build_ics(meeting_id=42, series=WEEKLY, title="t", now=NOW))
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
    theirs = [dt.astimezone(UTC) for dt in rule[:6]]  # 13 Oct .. 17 Nov 2026, clocks go back 25 Oct
    ours = [o.start_utc for o in next_occurrences(WEEKLY, datetime(2026, 10, 1, tzinfo=UTC), 6)]
    assert theirs == ours
    assert {dt.hour for dt in theirs} == {17, 18}  # UTC moves, the wall clock does not


def test_monthly_series_with_until_round_trips():
    series = Series(
        datetime(2026, 12, 1, 18, 0), "Europe/London", "monthly", 60,  # noqa: DTZ001 - wall time
        until_local=datetime(2027, 6, 30, 23, 59),  # noqa: DTZ001 - wall time
    )  # fmt: skip
    _, event = _event(build_ics(meeting_id=7, series=series, title="t", now=NOW))
    text = event["RRULE"].to_ical().decode()
    assert "FREQ=MONTHLY" in text and "BYDAY=+1TU" in text and "UNTIL=20270630T225900Z" in text
    rule = rrulestr(text, dtstart=event.decoded("DTSTART"))
    ours = next_occurrences(series, datetime(2026, 1, 1, tzinfo=UTC), 20)
    assert [dt.astimezone(UTC) for dt in rule] == [o.start_utc for o in ours]
    assert len(ours) == 7


def test_single_occurrence_file_has_its_own_stable_uid_and_no_rrule():
    occ = next_occurrences(WEEKLY, datetime(2026, 11, 1, tzinfo=UTC), 1)[0]
    data = build_ics(meeting_id=42, series=WEEKLY, title="t", now=NOW, occurrence=occ)
    _, event = _event(data)
    assert "RRULE" not in event
    assert str(event["UID"]) == "meeting-42-20261103T180000@speakback"
    assert event.decoded("DTSTART") == occ.start_utc == datetime(2026, 11, 3, 18, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    again = build_ics(meeting_id=42, series=WEEKLY, title="t", now=NOW, occurrence=occ)
    assert again == data  # same input, same file


def test_one_off_meeting_uses_the_meeting_uid():
    one_off = Series(datetime(2026, 12, 3, 18, 0), "Europe/London")  # noqa: DTZ001 - wall time
    occ = first_occurrence(one_off)
    _, event = _event(build_ics(meeting_id=9, series=one_off, title="t", now=NOW, occurrence=occ))
    assert str(event["UID"]) == "meeting-9@speakback" and "RRULE" not in event


def test_cancelled_meeting_and_excluded_dates():
    occs = next_occurrences(WEEKLY, datetime(2026, 11, 1, tzinfo=UTC), 2)
    data = build_ics(
        meeting_id=42, series=WEEKLY, title="t", now=NOW, cancelled=True, sequence=3,
        excluded=[occs[1]],
    )  # fmt: skip
    _, event = _event(data)
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 3
    exdates = [d.dt for d in event["EXDATE"].dts]
    assert [d.astimezone(UTC) for d in exdates] == [occs[1].start_utc]
