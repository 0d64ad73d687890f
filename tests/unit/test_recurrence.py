"""Meeting series: wall time + zone + rule, expanded to UTC occurrences."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.recurrence import (
    Series,
    describe,
    first_occurrence,
    next_occurrences,
    occurrence_for_key,
    occurrence_on,
    occurrences_between,
    rrule_string,
    skipped_occurrences,
)
from bot.domain.timefmt import wall_time_exists

LONDON = ZoneInfo("Europe/London")
JAN_2026 = datetime(2026, 1, 1, tzinfo=UTC)


def wall(*args: int) -> datetime:
    """A naive local wall time, as a Series stores them."""
    return datetime(*args)  # noqa: DTZ001 - series times are naive local wall times by design


def test_weekly_stays_at_18_local_across_the_march_clock_change():
    series = Series(wall(2027, 3, 16, 18, 0), "Europe/London", "weekly")
    occs = next_occurrences(series, JAN_2026, 3)
    assert [o.start_utc.hour for o in occs] == [18, 18, 17]  # GMT, GMT, then BST
    assert {o.start_utc.astimezone(LONDON).hour for o in occs} == {18}
    assert occs[2].start_utc == datetime(2027, 3, 30, 17, 0, tzinfo=UTC)


def test_weekly_stays_at_18_local_across_the_october_clock_change():
    series = Series(wall(2026, 10, 20, 18, 0), "Europe/London", "weekly", 90)
    window = occurrences_between(
        series, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
    )
    assert [o.start_utc for o in window] == [
        datetime(2026, 10, 20, 17, 0, tzinfo=UTC),  # BST
        datetime(2026, 10, 27, 18, 0, tzinfo=UTC),  # GMT
        datetime(2026, 11, 3, 18, 0, tzinfo=UTC),
    ]
    assert all(o.end_utc - o.start_utc == timedelta(minutes=90) for o in window)


def test_between_is_half_open_and_in_utc():
    series = Series(wall(2026, 12, 1, 18, 0), "Europe/London", "weekly")
    start = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    got = occurrences_between(series, start, start + timedelta(days=7))
    assert [o.key for o in got] == ["20261208T180000"]


def test_fortnightly_is_fourteen_days_apart():
    series = Series(wall(2026, 12, 1, 18, 0), "Europe/London", "fortnightly")
    occs = next_occurrences(series, JAN_2026, 6)
    gaps = {(b.rule_local - a.rule_local) for a, b in pairwise(occs)}
    assert gaps == {timedelta(days=14)}


def test_monthly_first_tuesday():
    series = Series(wall(2026, 12, 1, 18, 0), "Europe/London", "monthly")
    keys = [o.rule_local.date().isoformat() for o in next_occurrences(series, JAN_2026, 4)]
    assert keys == ["2026-12-01", "2027-01-05", "2027-02-02", "2027-03-02"]
    assert rrule_string(series) == "FREQ=MONTHLY;BYDAY=+1TU"
    assert describe(series) == "on the first Tuesday of each month"


def test_monthly_from_a_fifth_weekday_uses_the_last():
    series = Series(wall(2026, 12, 29, 18, 0), "Europe/London", "monthly")  # 5th Tuesday
    keys = [o.rule_local.date().isoformat() for o in next_occurrences(series, JAN_2026, 3)]
    assert keys == ["2026-12-29", "2027-01-26", "2027-02-23"]
    assert rrule_string(series) == "FREQ=MONTHLY;BYDAY=-1TU"


def test_one_off_meeting_has_a_single_occurrence_and_no_rrule():
    series = Series(wall(2026, 12, 3, 18, 0), "Europe/London")
    assert [o.key for o in next_occurrences(series, JAN_2026, 5)] == ["20261203T180000"]
    assert rrule_string(series) is None and describe(series) == "once"


def test_count_and_until_limit_the_series():
    by_count = Series(wall(2026, 12, 1, 18), "Europe/London", "weekly", count=3)
    assert len(next_occurrences(by_count, JAN_2026, 10)) == 3
    assert rrule_string(by_count) == "FREQ=WEEKLY;COUNT=3"
    by_until = Series(
        wall(2026, 12, 1, 18), "Europe/London", "fortnightly", until_local=wall(2027, 6, 1)
    )
    assert next_occurrences(by_until, JAN_2026, 50)[-1].key == "20270518T180000"
    assert rrule_string(by_until) == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270531T230000Z"  # BST


def test_next_occurrences_are_strictly_after():
    series = Series(wall(2026, 12, 1, 18), "Europe/London", "weekly")
    first = first_occurrence(series)
    assert next_occurrences(series, first.start_utc, 1)[0].key == "20261208T180000"


def test_wall_time_in_a_gap_moves_forward_by_the_gap():
    series = Series(wall(2027, 3, 21, 1, 30), "Europe/London", "weekly")  # Sundays 01:30
    occs = next_occurrences(series, JAN_2026, 3)
    assert [o.start_utc.astimezone(LONDON).strftime("%d %H:%M") for o in occs] == [
        "21 01:30",
        "28 02:30",  # 01:30 does not exist that night
        "04 01:30",
    ]
    assert occs[1].key == "20270328T013000"  # the key stays the rule's wall time


def test_from_start_utc_and_keys():
    start = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    series = Series.from_start_utc(start, "Europe/London", "weekly", 60)
    assert series.start_local == wall(2026, 12, 1, 18, 0)
    assert occurrence_for_key(series, "20261215T180000").start_utc == start + timedelta(days=14)
    assert occurrence_for_key(series, "20261216T180000") is None
    assert occurrence_for_key(series, "nonsense") is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rule": "daily"},
        {"duration_minutes": 0},
        {"count": 3, "until_local": wall(2027, 1, 1)},
        {"zone": "Mars/Olympus"},
    ],
)
def test_invalid_series_are_rejected(kwargs):
    base = {"start_local": wall(2026, 12, 1, 18), "zone": "Europe/London"}
    with pytest.raises(ValueError):
        Series(**(base | kwargs))


ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=wall(2025, 1, 1), max_value=wall(2030, 12, 31)),
    zone=st.sampled_from(ZONES),
    rule=st.sampled_from(["weekly", "fortnightly", "monthly"]),
    after_days=st.integers(min_value=0, max_value=800),
)
def test_every_occurrence_is_the_right_weekday_and_wall_time(start, zone, rule, after_days):
    start = start.replace(second=0, microsecond=0)
    series = Series(start, zone, rule)
    after = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=after_days)
    occs = next_occurrences(series, after, 8)
    assert len(occs) == 8
    tz = ZoneInfo(zone)
    for occ in occs:
        assert occ.start_utc > after
        assert occ.rule_local.weekday() == start.weekday()
        assert occ.rule_local.time() == start.time()
        local = occ.start_utc.astimezone(tz).replace(tzinfo=None)
        if wall_time_exists(occ.rule_local, zone):
            assert local == occ.rule_local
        else:  # skipped by the clocks: moved forward, by less than a day
            assert occ.rule_local < local < occ.rule_local + timedelta(hours=3)
        if rule == "monthly":
            nth = (start.day - 1) // 7
            if nth < 4:
                assert (occ.rule_local.day - 1) // 7 == nth
            else:  # a 5th weekday repeats on the last one
                assert (occ.rule_local + timedelta(days=7)).month != occ.rule_local.month
    spacing = {"weekly": {7}, "fortnightly": {14}, "monthly": {28, 35}}[rule]
    walls = [o.rule_local for o in occs]
    assert {(b - a).days for a, b in pairwise(walls)} <= spacing


def test_a_skipped_date_is_left_out_and_the_series_goes_on():
    weekly = Series(wall(2026, 12, 3, 18, 0), "Europe/London", "weekly")
    skip = replace(weekly, skipped_dates=frozenset({date(2026, 12, 10)}))
    before = datetime(2026, 12, 1, tzinfo=UTC)
    days = [o.start_utc.day for o in next_occurrences(skip, before, 3)]
    assert days == [3, 17, 24]
    [dropped] = skipped_occurrences(skip)
    assert dropped.key == "20261210T180000"
    assert occurrence_for_key(skip, dropped.key) is None
    assert occurrence_for_key(weekly, dropped.key) == dropped
    assert occurrence_on(weekly, date(2026, 12, 10), before) == dropped
    assert occurrence_on(skip, date(2026, 12, 10), before) is None  # already skipped
    assert occurrence_on(weekly, date(2026, 12, 11), before) is None  # a Friday: no meeting
    after_start = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
    assert occurrence_on(weekly, date(2026, 12, 3), after_start) is None  # already begun
