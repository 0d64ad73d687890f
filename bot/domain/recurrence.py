"""Meeting series: local wall time + IANA zone + rule, expanded into UTC occurrences.

The rule runs on **naive local wall times** (dateutil.rrule) and each result is
then placed in the zone, so a weekly 18:00 Europe/London meeting stays 18:00 on
the wall when the clocks change (its UTC time moves instead). A wall time the
clocks skip moves forward by the gap, a repeated one means the first; see
:mod:`bot.domain.timefmt`.

Rules: ``none`` (one meeting), ``weekly``, ``fortnightly`` (every 2 weeks) and
``monthly`` on the same weekday of the month as the first meeting, e.g. the
1st Tuesday (``BYDAY=+1TU``). A first meeting on a 5th weekday (e.g. the 5th
Tuesday, which most months lack) repeats on the **last** such weekday (``-1TU``);
a 4th weekday stays the 4th even when it is also the last.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du

from bot.domain.timefmt import as_zone, utc_to_wall, wall_to_utc

RULES = ("none", "weekly", "fortnightly", "monthly")
KEY_FORMAT = "%Y%m%dT%H%M%S"
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Series:
    """How a meeting repeats. ``start_local``/``until_local`` are naive wall times in ``zone``;
    ``until_local`` (inclusive) and ``count`` are optional and exclusive of each other.
    ``skipped_dates`` are local dates on which the series does not meet (one date
    cancelled); they are dates, not times, so they stay skipped if the time is edited."""

    start_local: datetime
    zone: str
    rule: str = "none"
    duration_minutes: int = 60
    until_local: datetime | None = None
    count: int | None = None
    skipped_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.start_local.tzinfo is not None or (
            self.until_local is not None and self.until_local.tzinfo is not None
        ):
            raise ValueError("Series times are naive local wall times")
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}; expected one of {RULES}")
        if self.duration_minutes <= 0:
            raise ValueError("duration_minutes must be positive")
        if self.until_local is not None and self.count is not None:
            raise ValueError("give until_local or count, not both")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1")
        try:
            as_zone(self.zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.zone!r}") from exc

    @classmethod
    def from_start_utc(
        cls, start_utc: datetime, zone: str, rule: str = "none", duration_minutes: int = 60,
        *, until_local: datetime | None = None, count: int | None = None,
    ) -> Series:  # fmt: skip
        """A series whose first meeting is at ``start_utc`` (e.g. from ``parse_when``)."""
        return cls(utc_to_wall(start_utc, zone), zone, rule, duration_minutes, until_local, count)

    @property
    def tz(self) -> ZoneInfo:
        return as_zone(self.zone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a series. ``key`` (the rule's wall time, e.g. ``20261203T180000``)
    identifies it stably for RSVPs and calendar UIDs, even if the series is edited."""

    rule_local: datetime
    start_utc: datetime
    end_utc: datetime

    @property
    def key(self) -> str:
        return self.rule_local.strftime(KEY_FORMAT)


def _monthly_position(start: datetime) -> int:
    nth = (start.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _rule(series: Series) -> du.rrule:
    start = series.start_local.replace(second=0, microsecond=0)
    limits = {"until": series.until_local, "count": series.count}
    if series.rule == "none":
        return du.rrule(du.DAILY, dtstart=start, count=1)
    if series.rule == "monthly":
        weekday = du.weekday(start.weekday(), _monthly_position(start))
        return du.rrule(du.MONTHLY, dtstart=start, byweekday=weekday, **limits)
    interval = 2 if series.rule == "fortnightly" else 1
    return du.rrule(du.WEEKLY, dtstart=start, interval=interval, **limits)


def _occurrence(series: Series, wall: datetime) -> Occurrence:
    start = wall_to_utc(wall, series.zone)
    return Occurrence(wall, start, start + series.duration)


def _walls_from(series: Series, after_utc: datetime) -> Iterator[datetime]:
    # a day's margin covers any UTC offset; callers filter on the exact UTC instant
    walls = _rule(series).xafter(utc_to_wall(after_utc, series.zone) - timedelta(days=1), inc=True)
    return (w for w in walls if w.date() not in series.skipped_dates)


def skipped_occurrences(series: Series) -> list[Occurrence]:
    """The meetings the rule would hold on skipped dates (iCalendar's EXDATE), in order."""
    found = []
    for day in sorted(series.skipped_dates):
        start = datetime.combine(day, datetime.min.time())
        walls = _rule(series).between(start, start + timedelta(days=1), inc=True)
        found += [_occurrence(series, w) for w in walls if w.date() == day]
    return found


def occurrence_on(series: Series, day: date, after_utc: datetime) -> Occurrence | None:
    """The meeting the series holds on this local date, if it has not started yet."""
    start = datetime.combine(day, datetime.min.time())
    for wall in _rule(series).between(start, start + timedelta(days=1), inc=True):
        occ = _occurrence(series, wall)
        if wall.date() == day and day not in series.skipped_dates and occ.start_utc > after_utc:
            return occ
    return None


def occurrences_between(series: Series, start_utc: datetime, end_utc: datetime) -> list[Occurrence]:
    """Occurrences starting in ``[start_utc, end_utc)``, soonest first."""
    found = []
    for wall in _walls_from(series, start_utc):
        occ = _occurrence(series, wall)
        if occ.start_utc >= end_utc:
            break
        if occ.start_utc >= start_utc:
            found.append(occ)
    return found


def next_occurrences(series: Series, after_utc: datetime, count: int) -> list[Occurrence]:
    """Up to ``count`` occurrences starting strictly after ``after_utc``, soonest first."""
    later = (_occurrence(series, w) for w in _walls_from(series, after_utc))
    return list(islice((o for o in later if o.start_utc > after_utc), count))


def first_occurrence(series: Series) -> Occurrence:
    return _occurrence(series, series.start_local.replace(second=0, microsecond=0))


def occurrence_for_key(series: Series, key: str) -> Occurrence | None:
    """The occurrence a key names, or None if the series has no such meeting."""
    try:
        wall = datetime.strptime(key, KEY_FORMAT)  # noqa: DTZ007 - a naive wall time by design
    except ValueError:
        return None
    if wall.date() in series.skipped_dates or wall not in _rule(series):
        return None
    return _occurrence(series, wall)


def rrule_string(series: Series) -> str | None:
    """The iCalendar RRULE value (no ``RRULE:`` prefix), or None for a one-off meeting.

    UNTIL is given in UTC, as RFC 5545 requires when DTSTART carries a TZID.
    """
    if series.rule == "none":
        return None
    start = series.start_local
    parts = {
        "weekly": ["FREQ=WEEKLY"],
        "fortnightly": ["FREQ=WEEKLY", "INTERVAL=2"],
        "monthly": [
            "FREQ=MONTHLY",
            f"BYDAY={_monthly_position(start):+d}{_ICAL_DAYS[start.weekday()]}",
        ],
    }[series.rule]
    if series.until_local is not None:
        until = wall_to_utc(series.until_local, series.zone)
        parts.append(f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    if series.count is not None:
        parts.append(f"COUNT={series.count}")
    return ";".join(parts)


def describe(series: Series) -> str:
    """Plain words for the rule, e.g. ``"every week on Tuesday"``, ``"on the first
    Tuesday of each month"``, ``"once"``."""
    day = f"{series.start_local:%A}"
    return {
        "none": "once",
        "weekly": f"every week on {day}",
        "fortnightly": f"every two weeks on {day}",
        "monthly": f"on the {_ORDINALS[_monthly_position(series.start_local)]} {day} of each month",
    }[series.rule]
