"""The one time reader (issue 29): every typed case in the issue's table, and properties.

Server zone Europe/London; "now" is fixed at Saturday 5 December 2026, 12:00 GMT,
after 3 December has passed.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.timefmt import plain_local
from bot.domain.when import (
    MAX_AHEAD,
    MAX_YEARS_AHEAD,
    MONTH_FIRST,
    WhenError,
    parse_pause_until,
    parse_when,
    read_time,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # Saturday


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "ranges", "at", "length", "note"),
    [
        # /meeting schedule start:"12/13 18:00": valid only month first, so read that way
        ("12/13 18:00", True, london(2026, 12, 13, 18), None, None),
        # "Thursday 6-8pm": the coming Thursday, a start and a length
        ("Thursday 6-8pm", True, london(2026, 12, 10, 18), timedelta(hours=2), None),
        ("thursday 18:00-20:00", True, london(2026, 12, 10, 18), timedelta(hours=2), None),
        ("tomorrow 6pm to 8.30pm", True, london(2026, 12, 6, 18), timedelta(minutes=150), None),
        ("friday 11-1pm", True, london(2026, 12, 11, 11), timedelta(hours=2), None),
        # README's "3 Dec 6.30pm" once 3 Dec has passed: next year, and it says so
        (
            "3 Dec 6.30pm",
            False,
            london(2027, 12, 3, 18, 30),
            None,
            "3 Dec has passed this year, so this is 3 Dec 2027.",
        ),
        # /poll create closes:"01/02 18:00": day first, 1 February, said to be next year's
        (
            "01/02 18:00",
            False,
            london(2027, 2, 1, 18),
            None,
            "1 Feb has passed this year, so this is 1 Feb 2027.",
        ),
        ("2027-01-15 09:00", False, london(2027, 1, 15, 9), None, None),
        ("24 Dec 10am", False, london(2026, 12, 24, 10), None, None),
        ("december 24th 10am", False, london(2026, 12, 24, 10), None, None),
        ("06:30 tomorrow", False, london(2026, 12, 6, 6, 30), None, None),  # a leading zero
        ("9:30 tomorrow", False, london(2026, 12, 6, 9, 30), None, None),  # 8 to 12: morning
        (
            "11am",
            False,
            london(2026, 12, 6, 11),
            None,
            "11:00am has passed today, so this is tomorrow.",
        ),
        ("3 Dec 2027 18:00", False, london(2027, 12, 3, 18), None, None),
        ("next tuesday 6pm", False, london(2026, 12, 8, 18), None, None),
    ],
)
def test_the_issue_table_reads_as_meant(typed, ranges, at, length, note):
    reading = read_time(typed, LONDON, NOW, ranges=ranges)
    assert (reading.at, reading.length, reading.note, reading.other) == (at, length, note, None)


def test_every_read_back_spells_out_the_month():
    reading = read_time("12/13 18:00", LONDON, NOW)
    assert plain_local(reading.at, LONDON) == "Sunday 13 December 2026, 6:00pm (Europe/London)"


def test_month_first_when_the_server_chose_it():
    assert read_time("01/02 18:00", LONDON, NOW, date_order=MONTH_FIRST).at == london(
        2027, 1, 2, 18
    )
    # valid only day first: read that way, whatever the setting
    assert read_time("13/12 18:00", LONDON, NOW, date_order=MONTH_FIRST).at == london(
        2026, 12, 13, 18
    )


def test_a_bare_hour_from_1_to_7_gives_both_readings():
    reading = read_time("6.30", LONDON, NOW)
    assert reading.needs_am_pm
    assert reading.at == london(2026, 12, 6, 6, 30)  # the morning (today's has passed)
    assert reading.other == london(2026, 12, 5, 18, 30)  # the evening, later today
    both = read_time("friday 6:00-8:00", LONDON, NOW, ranges=True)
    assert (both.at, both.other, both.length) == (
        london(2026, 12, 11, 6),
        london(2026, 12, 11, 18),
        timedelta(hours=2),
    )


def test_a_bare_hour_where_only_one_reading_is_ahead_is_that_one():
    # 5 December 2026 at 4am has passed; 4pm is still ahead
    assert read_time("5/12/2026 4:00", LONDON, NOW) == read_time("5/12/2026 4pm", LONDON, NOW)


def test_where_nobody_can_be_asked_a_bare_hour_is_refused_kindly():
    with pytest.raises(WhenError) as caught:
        parse_when("6.30", LONDON, NOW)
    assert caught.value.kind == "am_or_pm" and "`6:30pm`" in str(caught.value)


@pytest.mark.parametrize("typed", ["6-8pm", "18:00-20:00", "thursday 6pm to 8pm"])
def test_a_range_outside_meetings_is_refused_kindly(typed):
    with pytest.raises(WhenError) as caught:
        read_time(typed, LONDON, NOW)
    assert caught.value.kind == "range" and "single time" in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "kind", "words"),
    [
        ("0001-01-01", "past", "in 1, which has passed"),
        ("1/1/0001 10am", "past", "which has passed"),
        ("9999-12-31 18:00", "too_far", "more than 5 years away"),
        ("31/12/9999 23:59", "too_far", "more than 5 years away"),
        ("yesterday 6pm", "past", "already passed"),
        ("2026-11-01 18:00", "past", "already passed"),
        ("31/02 10am", "no_such_day", "no such date"),
        ("13/13 10am", "no_such_day", "no such date"),
        ("in 60 weeks", "too_far", "type the year"),
        ("dec", "unreadable", "couldn't read"),
        ("thursday 3 dec 2026 10am", "past", "already passed"),
    ],
)
def test_absurd_and_past_times_get_a_specific_refusal(typed, kind, words):
    with pytest.raises(WhenError) as caught:
        read_time(typed, LONDON, NOW, day_alone="start_of_day")
    assert caught.value.kind == kind and words in str(caught.value)


def test_pause_until_year_one_is_refused_kindly():
    with pytest.raises(WhenError, match="has passed"):
        parse_pause_until("0001-01-01", LONDON, NOW)


def test_year_9999_west_of_utc_is_refused_not_overflowed():
    with pytest.raises(WhenError) as caught:
        read_time("9999-12-31 23:00", "America/Los_Angeles", NOW)
    assert caught.value.kind == "too_far"


def test_a_wrong_weekday_for_the_date_is_questioned():
    with pytest.raises(WhenError, match="is a Thursday"):
        read_time("friday 24 dec 10am", LONDON, NOW)


# -- properties ----------------------------------------------------------------------

PIECES = [
    "today", "tomorrow", "yesterday", "next", "this", "on", "at", "thursday", "fri", "in",
    "3", "12", "13", "31", "0", "7", "6.30", "6:30", "18:00", "25:00", "6pm", "13pm", "am",
    "pm", "-", "to", "/", "12/13", "01/02", "2026", "2027", "9999", "0001", "0001-01-01",
    "9999-12-31", "dec", "december", "feb", "29", "days", "weeks", "hours", "minutes",
    "noon", "midnight", "bst", "utc", "o'clock", ",", "of", "the", "3rd", "2026-12-03",
    "1/1/1", "99/99/99", "week", "month", "after",
]  # fmt: skip
ZONES = ["Europe/London", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"]
nows = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (naive bounds, as hypothesis asks)
    max_value=datetime(2090, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
typed = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map(" ".join),
)


def _within_bounds(reading, now: datetime, zone: str) -> None:
    for at in (reading.at, reading.other):
        if at is None:
            continue
        assert at.tzinfo is not None and at.second == 0 and at.microsecond == 0
        assert now < at + timedelta(minutes=1)  # whole minutes: at most the seconds dropped
        assert at > now.replace(second=0, microsecond=0)
        if reading.year_typed:
            assert at.astimezone(ZoneInfo(zone)).year <= now.year + MAX_YEARS_AHEAD
        else:
            assert at <= now + MAX_AHEAD


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=typed, now=nows, zone=st.sampled_from(ZONES), ranges=st.booleans())
def test_no_input_raises_anything_but_a_kind_refusal_and_accepted_times_are_in_bounds(
    text, now, zone, ranges
):
    try:
        reading = read_time(text, zone, now, ranges=ranges, day_alone="start_of_day")
    except WhenError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    _within_bounds(reading, now, zone)


@settings(max_examples=200, deadline=None)
@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    hour=st.integers(0, 23),
    now=nows,
    order=st.sampled_from(["day_first", "month_first"]),
)
def test_numeric_dates_are_read_one_way_or_refused(day, month, hour, now, order):
    text = (
        f"{day}/{month} {hour:02d}:00" if order == "day_first" else f"{month}/{day} {hour:02d}:00"
    )
    try:
        reading = read_time(text, "Europe/London", now, date_order=order)
    except WhenError as error:
        assert error.kind in {"no_such_day", "past", "too_far"}
        return
    local = reading.at.astimezone(LONDON)
    if local.hour == hour:  # not moved by a clock change
        assert (local.day, local.month) == (day, month)
    _within_bounds(reading, now, "Europe/London")
