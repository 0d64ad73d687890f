"""Quiet hours: no DMs in a member's chosen window, in their own zone."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.quiet_hours import (
    QuietHours,
    QuietHoursError,
    in_quiet_hours,
    last_send_time_before,
    next_send_time,
    parse_quiet_hours,
)

LONDON = "Europe/London"
NIGHT = QuietHours(time(22, 0), time(8, 0))
LUNCH = QuietHours(time(12, 0), time(13, 30))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-08:00", NIGHT),
        ("22:00 - 08:00", NIGHT),
        ("10pm-8am", NIGHT),
        ("22:00 to 08:00", NIGHT),
        ("9.30pm – 7am", QuietHours(time(21, 30), time(7, 0))),
        ("12:00-13:30", LUNCH),
        ("none", None),
        ("off", None),
    ],
)
def test_parse_accepted(text, expected):
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize("text", ["22-08", "10-8", "25:00-08:00", "22:00", "late", "13pm-8am"])
def test_parse_refused_kindly(text):
    with pytest.raises(QuietHoursError, match="`22:00-08:00`"):
        parse_quiet_hours(text)


def test_equal_start_and_end_refused():
    with pytest.raises(QuietHoursError, match="different start and end"):
        parse_quiet_hours("22:00-22:00")


def test_str_round_trips():
    assert str(NIGHT) == "22:00-08:00"
    assert parse_quiet_hours(str(NIGHT)) == NIGHT


def test_no_quiet_hours_changes_nothing():
    when = utc(2026, 12, 1, 23)
    assert not in_quiet_hours(when, None, LONDON)
    assert next_send_time(when, None, LONDON) == when
    assert last_send_time_before(when, None, LONDON) == when


@pytest.mark.parametrize(
    ("when", "quiet"),
    [
        (utc(2026, 12, 1, 21, 59), False),
        (utc(2026, 12, 1, 22, 0), True),  # start included
        (utc(2026, 12, 1, 23, 59), True),
        (utc(2026, 12, 2, 3, 0), True),  # after midnight
        (utc(2026, 12, 2, 7, 59), True),
        (utc(2026, 12, 2, 8, 0), False),  # end excluded
        (utc(2026, 12, 2, 12, 0), False),
    ],
)
def test_window_wraps_midnight(when, quiet):
    assert in_quiet_hours(when, NIGHT, LONDON) is quiet


def test_window_is_in_the_members_zone():
    # 22:30 UTC in summer is 23:30 in London (quiet) and 18:30 in New York (not)
    when = utc(2027, 7, 1, 22, 30)
    assert in_quiet_hours(when, NIGHT, LONDON)
    assert not in_quiet_hours(when, NIGHT, "America/New_York")


def test_non_urgent_dm_waits_for_the_end():
    assert next_send_time(utc(2026, 12, 1, 23, 0), NIGHT, LONDON) == utc(2026, 12, 2, 8, 0)
    assert next_send_time(utc(2026, 12, 2, 3, 0), NIGHT, LONDON) == utc(2026, 12, 2, 8, 0)
    assert next_send_time(utc(2026, 12, 2, 12, 30), LUNCH, LONDON) == utc(2026, 12, 2, 13, 30)
    assert next_send_time(utc(2026, 12, 2, 9, 0), NIGHT, LONDON) == utc(2026, 12, 2, 9, 0)


def test_reminder_inside_quiet_hours_goes_just_before_they_begin():
    assert last_send_time_before(utc(2026, 12, 2, 7, 0), NIGHT, LONDON) == utc(2026, 12, 1, 21, 59)
    assert last_send_time_before(utc(2026, 12, 1, 23, 0), NIGHT, LONDON) == utc(2026, 12, 1, 21, 59)
    assert last_send_time_before(utc(2026, 12, 2, 13, 0), LUNCH, LONDON) == utc(2026, 12, 2, 11, 59)
    assert last_send_time_before(utc(2026, 12, 2, 9, 0), NIGHT, LONDON) == utc(2026, 12, 2, 9, 0)


def test_spring_forward_night_ends_at_8_local():
    # Night of 27-28 March 2027: 22:00 GMT to 08:00 BST is 9 real hours.
    inside = utc(2027, 3, 28, 3, 0)
    assert next_send_time(inside, NIGHT, LONDON) == utc(2027, 3, 28, 7, 0)
    assert last_send_time_before(inside, NIGHT, LONDON) == utc(2027, 3, 27, 21, 59)
    assert not in_quiet_hours(utc(2027, 3, 28, 7, 0), NIGHT, LONDON)


def test_fall_back_night_ends_at_8_local():
    # Night of 24-25 October 2026: 22:00 BST to 08:00 GMT is 11 real hours.
    inside = utc(2026, 10, 25, 3, 0)
    assert next_send_time(inside, NIGHT, LONDON) == utc(2026, 10, 25, 8, 0)
    assert last_send_time_before(inside, NIGHT, LONDON) == utc(2026, 10, 24, 20, 59)


def test_boundary_skipped_by_the_clocks_is_reached_at_the_jump():
    early = QuietHours(time(0, 30), time(1, 30))  # 01:30 does not exist on 28 March 2027
    inside = utc(2027, 3, 28, 0, 45)
    assert next_send_time(inside, early, LONDON) == utc(2027, 3, 28, 1, 0)  # 02:00 BST


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=2 * 366 * 24 * 60),
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    end=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    zone=st.sampled_from([LONDON, "America/New_York", "Australia/Adelaide"]),
)
def test_send_times_are_outside_quiet_hours(minutes, start, end, zone):
    if start == end:
        return
    qh = QuietHours(start, end)
    when = utc(2026, 1, 1) + timedelta(minutes=minutes)
    later = next_send_time(when, qh, zone)
    earlier = last_send_time_before(when, qh, zone)
    assert later >= when and not in_quiet_hours(later, qh, zone)
    assert earlier <= when and not in_quiet_hours(earlier, qh, zone)
    if in_quiet_hours(when, qh, zone):
        assert in_quiet_hours(later - timedelta(minutes=1), qh, zone)
        assert in_quiet_hours(earlier + timedelta(minutes=1), qh, zone)  # quiet began then
        assert later - earlier <= timedelta(days=1)
