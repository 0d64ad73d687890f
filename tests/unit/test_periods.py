"""Reading a report's period: UK financial quarters and years, day ranges, kind refusals."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import Refusal
from bot.domain.periods import (
    PeriodError,
    financial_quarter,
    member_band,
    parse_period,
    quarter_days,
)

TODAY = date(2026, 12, 3)  # Q3 of 2026/27


@pytest.mark.parametrize(
    ("typed", "first", "last", "label"),
    [
        ("last quarter", date(2026, 7, 1), date(2026, 9, 30), "Q2 2026/27"),
        ("Last Quarter", date(2026, 7, 1), date(2026, 9, 30), "Q2 2026/27"),
        ("last year", date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        ("2025/26", date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        ("2025-26", date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        ("2025/2026", date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        ("FY 2025/26", date(2025, 4, 1), date(2026, 3, 31), "2025/26"),
        ("Q1 2026/27", date(2026, 4, 1), date(2026, 6, 30), "Q1 2026/27"),
        ("q4 2025/26", date(2026, 1, 1), date(2026, 3, 31), "Q4 2025/26"),
        ("1999/00", None, None, None),  # refused: before 2000
        ("2026-04-01..2026-06-30", date(2026, 4, 1), date(2026, 6, 30), None),
        ("2026-04-01 to 2026-06-30", date(2026, 4, 1), date(2026, 6, 30), None),
        ("2026-11-03..2026-11-03", date(2026, 11, 3), date(2026, 11, 3), None),
        ("last month", date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "February 2026"),
        ("April 2026", date(2026, 4, 1), date(2026, 4, 30), "April 2026"),
        ("sept 2026", date(2026, 9, 1), date(2026, 9, 30), "September 2026"),
        ("2026-13", None, None, None),
        ("2011-12", date(2011, 4, 1), date(2012, 3, 31), "2011/12"),
        ("December 2011", date(2011, 12, 1), date(2011, 12, 31), "December 2011"),
    ],
)
def test_periods_people_type(typed, first, last, label):
    if first is None:
        with pytest.raises(PeriodError):
            parse_period(typed, TODAY)
        return
    period = parse_period(typed, TODAY)
    assert (period.first, period.last) == (first, last)
    assert not period.so_far
    if label:
        assert period.label == label


def test_a_financial_year_under_way_is_reported_up_to_today():
    # The issue's own examples: on 3 December 2026 both are under way.
    for typed in ("2026/27", "2026-04-01..2027-03-31", "this year"):
        period = parse_period(typed, TODAY)
        assert period.first == date(2026, 4, 1)
        assert period.last == TODAY
        assert period.so_far


def test_last_month_in_january_is_december():
    period = parse_period("last month", date(2027, 1, 5))
    assert (period.first, period.last) == (date(2026, 12, 1), date(2026, 12, 31))
    assert parse_period("this month", TODAY).so_far


def test_this_quarter_is_so_far():
    period = parse_period("this quarter", TODAY)
    assert (period.first, period.last, period.so_far) == (date(2026, 10, 1), TODAY, True)


def test_last_quarter_in_april_is_january_to_march():
    period = parse_period("last quarter", date(2027, 4, 2))
    assert (period.first, period.last, period.label) == (
        date(2027, 1, 1),
        date(2027, 3, 31),
        "Q4 2026/27",
    )


def test_reversed_range_is_refused_with_the_fix():
    with pytest.raises(PeriodError) as refused:
        parse_period("2026-06-30..2026-04-01", TODAY)
    message = str(refused.value)
    assert "ends" in message and "before it begins" in message
    assert "`2026-04-01..2026-06-30`" in message


@pytest.mark.parametrize("typed", ["2027/28", "2027-01-01..2027-02-01", "Q4 2026/27"])
def test_a_period_in_the_future_is_refused(typed):
    with pytest.raises(PeriodError) as refused:
        parse_period(typed, TODAY)
    assert "has not begun yet" in str(refused.value)


@pytest.mark.parametrize(
    "typed", ["", "   ", "yesterday-ish", "2026/28", "2026-02-30..2026-03-01", "q5 2026/27"]
)
def test_unreadable_periods_are_refused_kindly(typed):
    with pytest.raises(PeriodError) as refused:
        parse_period(typed, TODAY)
    message = str(refused.value)
    assert message.endswith(".") and "Traceback" not in message
    assert isinstance(refused.value, Refusal)


def test_too_long_is_refused():
    with pytest.raises(PeriodError, match="five years"):
        parse_period("2001-01-01..2026-01-01", TODAY)


def test_a_hostile_echo_cannot_break_the_code_span():
    with pytest.raises(PeriodError) as refused:
        parse_period("`@everyone` " + "x" * 80, TODAY)
    assert "``" not in str(refused.value).replace("`last quarter`", "")


days = st.dates(min_value=date(2001, 1, 1), max_value=date(2090, 12, 31))


@given(days)
def test_quarters_tile_the_financial_year(day):
    year, quarter = financial_quarter(day)
    first, last = quarter_days(year, quarter)
    assert first <= day <= last
    assert first.day == 1 and (last + timedelta(days=1)).day == 1
    assert quarter_days(year, 1)[0] == date(year, 4, 1)
    assert quarter_days(year, 4)[1] == date(year + 1, 3, 31)
    for q in (1, 2, 3):
        assert quarter_days(year, q)[1] + timedelta(days=1) == quarter_days(year, q + 1)[0]


@given(days)
def test_last_quarter_has_ended_and_is_next_to_this_one(today):
    last = parse_period("last quarter", today)
    this = parse_period("this quarter", today)
    assert last.last < today and not last.so_far
    assert last.last + timedelta(days=1) == this.first
    assert this.first <= today == this.last


@given(days, days)
def test_any_range_is_read_refused_or_cut_but_never_reaches_past_today(a, b):
    typed = f"{a.isoformat()}..{b.isoformat()}"
    try:
        period = parse_period(typed, TODAY)
    except PeriodError as refused:
        assert b < a or a > TODAY or (b - a).days + 1 > 5 * 366 + 1, str(refused)
        return
    assert period.first == a
    assert period.last == min(b, TODAY)
    assert period.so_far == (b > TODAY)
    assert period.days >= 1


@given(st.integers(min_value=0, max_value=100_000))
def test_bands_never_show_a_small_number_and_hold_the_count(n):
    band = member_band(n)
    if n < 5:
        assert band == "fewer than 5"
        return
    low, _, high = band.replace(",", "").partition(" to ")
    if band.endswith("or more"):
        assert n >= int(band.split()[0].replace(",", ""))
    else:
        assert int(low) <= n <= int(high)


@given(days)
def test_last_month_ends_the_day_before_this_month(today):
    last, this = parse_period("last month", today), parse_period("this month", today)
    assert last.first.day == 1 and last.last + timedelta(days=1) == this.first
    assert this.first <= today == this.last
    if last.first.month != (last.first.year + 1) % 100:  # else "2011-12" is a year
        assert parse_period(f"{last.first:%Y-%m}", today) == last
