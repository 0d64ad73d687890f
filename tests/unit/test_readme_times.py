"""Every date and time example in README reads as README says, all year round (issue 29).

Each backticked example that looks like a time is read with the one time reader
(bot/domain/when.read_time) at four dates across the year, in Europe/London (GMT
in January and October's end, BST in April and July): each must be accepted and
within bounds, or, where README says it is refused, refused kindly.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.when import DATE_ORDERS, MAX_AHEAD, MONTH_FIRST, WhenError, read_time

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
ZONE = "Europe/London"
NOWS = [datetime(2027, month, 15, 12, 0, tzinfo=UTC) for month in (1, 4, 7, 10)]

_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight"
TIME_LIKE = re.compile(
    rf"\b({_MONTHS})[a-z]*\b|\b({_DAYS})\b|^\d{{4}}-\d\d-\d\d|\d(am|pm)\b|^\d\d?[:.]\d\d"
    r"|^in \d+ (minute|hour|day|week)s?$|^\d\d?/\d\d?",
    re.IGNORECASE,
)
# Backticked text that looks like a time but is read by another rule, and why.
NOT_READ_AS_A_TIME = {
    "22:00-08:00": "quiet hours (bot/domain/quiet_hours.py)",
    "10pm-8am": "quiet hours",
    "Tuesdays in January": "an opportunity's `when`, shown as typed",
    "2026-04-01..2027-03-31": "a report's period (bot/domain/periods.py)",
    "April 2026": "a report's period",
}
# README says these are a start and a length for meetings, and refused elsewhere.
RANGES = {"6-8pm", "18:00-20:00"}


def examples() -> list[str]:
    found = []
    for typed in re.findall(r"`([^`\n]{2,40})`", README):
        if ":" in typed.split(" ")[0] and not re.match(r"^\d", typed):
            continue  # an option (`closes:"..."`), not an example itself
        if typed.startswith("/") or typed in NOT_READ_AS_A_TIME:
            continue
        if TIME_LIKE.search(typed) and typed not in found:
            found.append(typed)
    return found


EXAMPLES = examples()


def test_the_examples_are_found():
    """The extraction itself: the table's examples and those in the command tables."""
    for typed in ("3 Dec 6.30pm", "next tuesday 6pm", "2027-12-03 18:00", "6.30", "12/13 18:00"):
        assert typed in EXAMPLES
    assert set(RANGES) <= set(EXAMPLES)
    assert len(EXAMPLES) >= 12


def _year_typed(typed: str) -> bool:
    return re.search(r"\b20\d\d\b", typed) is not None


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%d %b"))
@pytest.mark.parametrize("typed", EXAMPLES)
def test_every_readme_example_reads_within_bounds_all_year(typed, now):
    reading = read_time(typed, ZONE, now, ranges=True, day_alone="start_of_day")
    assert now < reading.at, typed
    if _year_typed(typed):
        assert reading.at.year <= now.year + 5
    else:
        assert reading.at <= now + MAX_AHEAD, typed
    if typed in RANGES:
        assert reading.length == timedelta(hours=2)
        with pytest.raises(WhenError):  # "elsewhere refused kindly"
            read_time(typed, ZONE, now)


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.strftime("%d %b"))
def test_the_table_rows_read_as_the_table_says(now):
    def at(typed: str, **options):
        return read_time(typed, ZONE, now, **options).at

    assert (at("01/02 18:00").day, at("01/02 18:00").month) == (1, 2)  # day first
    month_first = at("01/02 18:00", date_order=MONTH_FIRST)
    assert (month_first.month, month_first.day) == (1, 2)
    assert MONTH_FIRST in DATE_ORDERS
    for order in DATE_ORDERS:  # valid only one way: read that way
        assert (at("12/13 18:00", date_order=order).month, at("12/13 18:00").day) == (12, 13)
    bare = read_time("6.30", ZONE, now)
    assert bare.other is not None  # both 6:30am and 6:30pm: the read-back asks
    assert {bare.at.astimezone(UTC).hour % 12, bare.other.astimezone(UTC).hour % 12} <= {5, 6}
    assert at("3 Dec 6.30pm").month == 12
    assert at("2027-12-03 18:00") == datetime(2027, 12, 3, 18, 0, tzinfo=UTC)


def test_a_day_that_has_passed_this_year_says_it_is_next_years():
    reading = read_time("3 Dec 6.30pm", ZONE, datetime(2027, 12, 15, 12, tzinfo=UTC))
    assert reading.at.year == 2028 and reading.note and "2028" in reading.note
