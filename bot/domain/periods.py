"""Reading the period of a report for commissioners (`/report period:`).

A period is a run of whole days, first and last included, in the server's own
calendar. What people type:

* ``last quarter`` / ``this quarter``: UK financial quarters, Q1 = April to June,
  Q2 = July to September, Q3 = October to December, Q4 = January to March.
  "Last quarter" is the last one that has ended.
* ``last year`` / ``this year``: financial years, 1 April to 31 March.
* ``2026/27`` (or ``2026-27``, ``2026/2027``): the financial year from 1 April 2026.
* ``Q3 2026/27``: one quarter of a financial year.
* ``last month`` / ``this month``, ``2026-04`` or ``April 2026``: a calendar month
  (``2011-12`` is the financial year 2011/12; December 2011 is ``December 2011``).
* ``2026-04-01..2027-03-31`` (or ``2026-04-01 to 2027-03-31``): any run of days.

Refused, kindly and with an example: a period whose last day comes before its first
(reversed), one that has not begun yet (in the future), and one longer than
``MAX_DAYS``. A period that has begun but not ended (this quarter, this year) is
reported up to today, and says so (``Period.so_far``): its figures cannot cover
days that have not happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise

from bot.domain.errors import Refusal

EXAMPLES = "`last quarter`, `2026/27` or `2026-04-01..2027-03-31`"
MAX_DAYS = 5 * 366 + 1
"""The longest period a report covers (five years)."""
FIRST_YEAR = 2000

_QUARTER_NAMES = {1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}
_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^q([1-4])\s+(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH_NAMED = re.compile(r"^([a-z]+)\s+(\d{4})$")
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to|–|—)\s*(\d{4}-\d{2}-\d{2})$")


class PeriodError(Refusal):
    """The typed period could not be used; the message says what to type instead."""


@dataclass(frozen=True)
class Period:
    """Whole days from ``first`` to ``last``, both included, in the server's calendar."""

    first: date
    last: date
    label: str
    so_far: bool = False
    """True when the period asked for goes on past today and was cut at today."""

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period cannot end before it begins")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def end_exclusive(self) -> date:
        """The day after the last day: figures are counted for first <= day < this."""
        return self.last + timedelta(days=1)

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    @property
    def key(self) -> str:
        """A stable name for the days covered, e.g. ``2026-04-01..2026-06-30``."""
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def financial_year_start(day: date) -> int:
    """The calendar year in which the financial year holding ``day`` began (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_quarter(day: date) -> tuple[int, int]:
    """(financial year start, quarter 1-4) of ``day``: Q1 = April to June."""
    return financial_year_start(day), (day.month - 4) % 12 // 3 + 1


def quarter_days(year_start: int, quarter: int) -> tuple[date, date]:
    """First and last day of ``quarter`` (1-4) of the financial year from April ``year_start``."""
    if quarter not in _QUARTER_NAMES:
        raise ValueError("a quarter is 1 to 4")
    month = 4 + 3 * (quarter - 1)
    year = year_start + (month - 1) // 12
    month = (month - 1) % 12 + 1
    first = date(year, month, 1)
    following = date(year + (month + 2) // 12, (month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def year_label(year_start: int) -> str:
    """``2026/27`` for the financial year from 1 April 2026."""
    return f"{year_start}/{(year_start + 1) % 100:02d}"


def quarter_label(year_start: int, quarter: int) -> str:
    return f"{_QUARTER_NAMES[quarter]} {year_label(year_start)}"


def parse_period(typed: str, today: date) -> Period:
    """The period ``typed`` names, as seen on ``today`` (the server's date). See the module."""
    text = " ".join((typed or "").lower().replace("’", "'").split())
    if not text:
        raise PeriodError(f"Please say which period the report covers, for example {EXAMPLES}.")
    period = _read(text, today)
    if period.first > today:
        raise PeriodError(
            f"{_label_sentence(period)} has not begun yet, so there is nothing to report. "
            f"Try a period that has started, for example `last quarter`."
        )
    if period.days > MAX_DAYS:
        raise PeriodError(
            "That period is longer than five years. Please choose a shorter one, "
            "for example one financial year such as `2025/26`."
        )
    if period.last > today:
        return replace(period, last=today, so_far=True)
    return period


def _read(text: str, today: date) -> Period:
    year, quarter = financial_quarter(today)
    if text in ("last quarter", "previous quarter"):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return Period(*quarter_days(year, quarter), quarter_label(year, quarter))
    if text in ("this quarter", "current quarter"):
        return Period(*quarter_days(year, quarter), quarter_label(year, quarter))
    if text in ("last year", "last financial year", "previous year"):
        return _year(year - 1)
    if text in ("this year", "this financial year", "current year"):
        return _year(year)
    if text in ("last month", "previous month"):
        last = today.replace(day=1) - timedelta(days=1)
        return _month(last.year, last.month)
    if text in ("this month", "current month"):
        return _month(today.year, today.month)
    if (match := _MONTH.match(text)) and int(match[2]) != (int(match[1]) + 1) % 100:
        # "2011-12" is the financial year 2011/12, not December: "December 2011" is that
        if not 1 <= int(match[2]) <= 12:
            raise PeriodError(
                f"`{typed_echo(text)}` is not a month: please write year-month, "
                "for example `2026-04` for April 2026."
            )
        return _month(int(match[1]), int(match[2]))
    if (match := _MONTH_NAMED.match(text)) and match[1] in _MONTH_NAMES:
        return _month(int(match[2]), _MONTH_NAMES[match[1]])
    if match := _QUARTER.match(text):
        start = _year_start(match[2], match[3], text)
        return Period(*quarter_days(start, int(match[1])), quarter_label(start, int(match[1])))
    if match := _YEAR.match(text):
        return _year(_year_start(match[1], match[2], text))
    if match := _RANGE.match(text):
        first, last = _day(match[1]), _day(match[2])
        if last < first:
            raise PeriodError(
                f"That period ends ({last:%-d %B %Y}) before it begins ({first:%-d %B %Y}). "
                f"Please put the first day first, for example `{last}..{first}`."
            )
        return Period(first, last, f"{first:%-d %B %Y} to {last:%-d %B %Y}")
    raise PeriodError(
        f"I couldn't read `{typed_echo(text)}` as a period. Please type one of {EXAMPLES} "
        "(a financial year runs from 1 April; Q1 is April to June)."
    )


def _month(year: int, month: int) -> Period:
    if year < FIRST_YEAR:
        raise PeriodError(f"Reports go back to {year_label(FIRST_YEAR)} at the earliest.")
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), f"{first:%B %Y}")


def _year(start: int) -> Period:
    if start < FIRST_YEAR:
        raise PeriodError(f"Reports go back to {year_label(FIRST_YEAR)} at the earliest.")
    return Period(date(start, 4, 1), date(start + 1, 3, 31), year_label(start))


def _year_start(first: str, second: str, text: str) -> int:
    start = int(first)
    following = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    if len(second) == 2 and following < start:
        following += 100
    if following != start + 1:
        raise PeriodError(
            f"A financial year runs from 1 April to 31 March, so `{typed_echo(text)}` should be "
            f"`{year_label(start)}`: the second year comes straight after the first."
        )
    if start < FIRST_YEAR:
        raise PeriodError(f"Reports go back to {year_label(FIRST_YEAR)} at the earliest.")
    return start


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"`{text}` is not a date on the calendar. Please write dates as year-month-day, "
            "for example `2026-04-01..2027-03-31`."
        ) from None


def _label_sentence(period: Period) -> str:
    return f"{period.label[0].upper()}{period.label[1:]}"


def typed_echo(text: str) -> str:
    """What was typed, short and without backticks, to quote back in a refusal."""
    cleaned = text.replace("`", "'")
    return cleaned if len(cleaned) <= 40 else cleaned[:39] + "…"


# -- bands for member totals ------------------------------------------------------------

BANDS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


def member_band(n: int) -> str:
    """A member total in words, as a band (rule 9): "fewer than 5", "25 to 49", ...

    A band rather than the number, so two reports a few days apart cannot be
    differenced to see one person join or leave."""
    if n < 0:
        raise ValueError("a count cannot be below 0")
    if n < BANDS[0]:
        return f"fewer than {BANDS[0]}"
    for low, high in pairwise(BANDS):
        if n < high:
            return f"{low:,} to {high - 1:,}"
    return f"{BANDS[-1]:,} or more"
