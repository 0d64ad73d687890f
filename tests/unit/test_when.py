"""Reading typed times (meeting starts, pause dates) and reminder offsets."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import Refusal
from bot.domain.when import (
    WhenError,
    format_offset,
    format_offsets,
    parse_day,
    parse_offsets,
    parse_pause_until,
    parse_when,
    read_pause_until,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # Thursday, 12:00 GMT in London


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 18:00", london(2026, 12, 3, 18, 0)),
        ("2026-12-03T18:00", london(2026, 12, 3, 18, 0)),
        ("3 Dec 18:00", london(2026, 12, 3, 18, 0)),
        ("3/12/2026 18:00", london(2026, 12, 3, 18, 0)),  # day first, for UK users
        ("next tuesday 6pm", london(2026, 12, 1, 18, 0)),
        ("Next Tuesday at 6.30pm", london(2026, 12, 1, 18, 30)),
        ("tuesday 18:00", london(2026, 12, 1, 18, 0)),
        ("tomorrow 10:30", london(2026, 11, 27, 10, 30)),
        ("tomorrow at 10.30", london(2026, 11, 27, 10, 30)),  # dateparser alone gives 12:00
        ("midday tomorrow", london(2026, 11, 27, 12, 0)),
        ("friday 2pm", london(2026, 11, 27, 14, 0)),
        ("in 3 days", london(2026, 11, 29, 12, 0)),
        ("in 3 days at 6pm", london(2026, 11, 29, 18, 0)),
        ("in 2 hours", london(2026, 11, 26, 14, 0)),
        ("thursday 6pm", london(2026, 11, 26, 18, 0)),  # today, still ahead
        ("next thursday 6pm", london(2026, 12, 3, 18, 0)),  # "next" skips today
        ("thursday 9am", london(2026, 12, 3, 9, 0)),  # today's has passed: next week
        ("6pm BST", datetime(2026, 11, 26, 17, 0, tzinfo=UTC)),  # an explicit zone is kept
    ],
)
def test_accepted_phrases_in_the_server_zone(text, expected):
    assert parse_when(text, LONDON, NOW) == expected


def test_zone_can_be_given_by_name_and_changes_the_instant():
    assert parse_when("2026-12-03 18:00", "America/New_York", NOW) == datetime(
        2026, 12, 3, 23, 0, tzinfo=UTC
    )


def test_result_is_whole_minutes_in_utc():
    result = parse_when("in 2 hours", LONDON, NOW + timedelta(seconds=42))
    assert result.tzinfo is UTC and result.second == 0 and result.microsecond == 0


@pytest.mark.parametrize("text", ["blah", "", "   ", "next tuesday 25:00", "13pm", "soon"])
def test_garbage_is_refused_kindly_with_a_working_example(text):
    with pytest.raises(WhenError) as caught:
        parse_when(text, LONDON, NOW)
    assert caught.value.kind == "unreadable"
    assert "I couldn't read" in str(caught.value)
    assert "`3 Dec 18:00`" in str(caught.value) and "`next tuesday 6pm`" in str(caught.value)
    assert isinstance(caught.value, Refusal)


def test_garbage_message_quotes_what_was_typed():
    with pytest.raises(WhenError, match="I couldn't read 'blah' as a date and time"):
        parse_when("blah", LONDON, NOW)


@pytest.mark.parametrize("text", ["today 10am", "yesterday 6pm", "2026-11-01 18:00"])
def test_past_times_are_refused(text):
    with pytest.raises(WhenError) as caught:
        parse_when(text, LONDON, NOW)
    assert caught.value.kind == "past"
    assert str(caught.value).startswith("That time has already passed")


def test_past_times_allowed_when_asked():
    assert parse_when("today 10am", LONDON, NOW, must_be_future=False) == london(2026, 11, 26, 10)


@pytest.mark.parametrize("text", ["3 Dec", "tomorrow", "next tuesday"])
def test_a_day_without_a_time_is_refused_for_meetings(text):
    with pytest.raises(WhenError) as caught:
        parse_when(text, LONDON, NOW)
    assert caught.value.kind == "no_time"
    assert "tomorrow 10:30" in str(caught.value)


def test_time_skipped_by_the_clocks_moves_forward():
    # 01:30 on 28 March 2027 does not happen in London: it is read as 02:30 BST.
    result = parse_when("2027-03-28 01:30", LONDON, NOW)
    assert result == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert result.astimezone(LONDON).hour == 2


def test_repeated_time_means_the_first_one():
    now = datetime(2027, 10, 1, tzinfo=UTC)
    # 01:30 happens twice on 31 October 2027; the first is 01:30 BST = 00:30 UTC.
    assert parse_when("2027-10-31 01:30", LONDON, now) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_in_hours_counts_real_hours_across_the_clock_change():
    now = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 00:30 GMT, clocks jump at 01:00 UTC
    assert parse_when("in 2 hours", LONDON, now) == now + timedelta(hours=2)


def test_in_days_keeps_the_wall_time_across_the_clock_change():
    now = london(2027, 3, 27, 18, 0)
    assert parse_when("in 2 days", LONDON, now).astimezone(LONDON).hour == 18


def test_pause_until_a_day_means_the_start_of_that_day_in_the_zone():
    assert parse_pause_until("3 Dec", LONDON, NOW) == london(2026, 12, 3, 0, 0)
    assert parse_pause_until("tomorrow", LONDON, NOW) == london(2026, 11, 27, 0, 0)
    summer = datetime(2027, 6, 1, 12, tzinfo=UTC)
    assert parse_pause_until("2027-07-01", LONDON, summer) == datetime(2027, 6, 30, 23, tzinfo=UTC)
    assert parse_pause_until("next tuesday 6pm", LONDON, NOW) == london(2026, 12, 1, 18, 0)


# A weekday alone, typed on each day of one week (Monday 23 to Sunday 29 November 2026,
# at 12:00 GMT): the start of the next such day, and when it is today's, whose start
# has passed, next week's (issue 29: `/me pause until:friday` on a Friday was refused).
@pytest.mark.parametrize(
    ("today", "typed", "expected"),
    [
        (23, "friday", 27),  # Monday
        (23, "monday", 30),  # Monday: today's start has passed
        (24, "tuesday", 1),  # Tuesday, into December
        (24, "wednesday", 25),
        (25, "wed", 2),  # Wednesday
        (26, "thursday", 3),  # Thursday
        (27, "friday", 4),  # Friday
        (27, "this friday", 4),
        (27, "on friday", 4),
        (27, "next friday", 4),
        (27, "saturday", 28),
        (28, "saturday", 5),  # Saturday
        (29, "sunday", 6),  # Sunday
        (29, "monday", 30),
    ],
)
def test_pause_until_a_weekday_alone_is_the_next_one_to_start(today, typed, expected):
    now = datetime(2026, 11, today, 12, 0, tzinfo=UTC)
    month = 11 if expected >= today else 12
    assert parse_pause_until(typed, LONDON, now) == london(2026, month, expected, 0, 0)


def test_pause_until_todays_weekday_says_which_one_it_means():
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    reading = read_pause_until("friday", LONDON, friday)
    assert reading.note == "Today is Friday, so this is next Friday, 4 December."
    assert read_pause_until("saturday", LONDON, friday).note is None
    assert read_pause_until("next friday", LONDON, friday).note is None


def test_pause_until_todays_weekday_just_after_midnight_and_in_another_zone():
    # 00:30 on Friday in London: the day has begun, so next Friday.
    just_after = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)
    assert parse_pause_until("friday", LONDON, just_after) == london(2026, 12, 4, 0, 0)
    # 23:30 UTC Thursday is already Friday in Auckland: its next Friday is a week on.
    auckland = ZoneInfo("Pacific/Auckland")
    late_thursday = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    expected = datetime(2026, 12, 4, tzinfo=auckland).astimezone(UTC)
    assert parse_pause_until("friday", auckland, late_thursday) == expected


def test_a_weekday_alone_as_a_day_still_counts_today():
    friday = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert parse_day("friday", LONDON, friday) == date(2026, 11, 27)
    assert parse_day("next friday", LONDON, friday) == date(2026, 12, 4)


def test_a_meeting_needs_a_time_with_a_weekday_alone_still():
    with pytest.raises(WhenError) as caught:
        parse_when("friday", LONDON, datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    assert caught.value.kind == "no_time"


def test_pause_until_the_past_is_refused():
    with pytest.raises(WhenError) as caught:
        parse_pause_until("today", LONDON, NOW)
    assert caught.value.kind == "past"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h,1h", [timedelta(hours=24), timedelta(hours=1)]),
        ("1h, 24h", [timedelta(hours=24), timedelta(hours=1)]),  # longest (earliest) first
        ("2d, 30m", [timedelta(days=2), timedelta(minutes=30)]),
        ("1h30m", [timedelta(minutes=90)]),
        ("1h30m, 90 minutes, 1 hour 30 mins", [timedelta(minutes=90)]),  # deduplicated
        ("24 hours and 1 hour", [timedelta(hours=24), timedelta(hours=1)]),
        ("1w", [timedelta(days=7)]),
        ("5m,14d", [timedelta(days=14), timedelta(minutes=5)]),  # both limits included
        ("none", []),
    ],
)
def test_offsets_accepted(text, expected):
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "offset_unreadable"),
        ("soon", "offset_unreadable"),
        ("24h 1h", "offset_unreadable"),  # not silently 25 hours
        ("1h,,2h", "offset_unreadable"),
        ("4m", "offset_range"),
        ("15d", "offset_range"),
        ("1h,2h,3h,4h,5h,6h", "too_many_offsets"),
    ],
)
def test_offsets_refused(text, kind):
    with pytest.raises(WhenError) as caught:
        parse_offsets(text)
    assert caught.value.kind == kind
    assert "`24h,1h`" in str(caught.value) or kind == "too_many_offsets"


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=3, hours=4), "3 days 4 hours"),
        (timedelta(minutes=5), "5 minutes"),
    ],
)
def test_format_offset(offset, words):
    assert format_offset(offset) == words


def test_format_offsets_reads_as_a_list():
    assert format_offsets(parse_offsets("24h,1h,30m")) == "24 hours, 1 hour and 30 minutes"
    assert format_offsets([]) == "no reminders"


def test_a_day_is_read_in_the_zone_today_counts_and_the_past_is_refused():
    assert parse_day("24 Dec", LONDON, NOW) == date(2026, 12, 24)
    assert parse_day("2026-12-03 18:00", LONDON, NOW) == date(
        2026, 12, 3
    )  # the time only picks the day
    assert parse_day("today", LONDON, NOW) == date(2026, 11, 26)
    with pytest.raises(WhenError, match="already passed"):
        parse_day("2026-11-20", LONDON, NOW)
