"""Calendar files (.ics) for one meeting or a whole series (RFC 5545, via icalendar).

Times are written in the series' own zone (``DTSTART;TZID=Europe/London:...``)
with a matching VTIMEZONE, so calendar apps keep 18:00 at 18:00 across clock
changes, and the series carries its RRULE (UNTIL in UTC, as the RFC requires).

UIDs are stable, so downloading the file again updates the same calendar entry
instead of adding a second one: ``meeting-{id}@speakback`` for the series (and
for a one-off meeting), ``meeting-{id}-{occurrence key}@speakback`` for a single
meeting of a series. A cancelled meeting keeps its UID, has ``STATUS:CANCELLED``
and needs a higher ``sequence`` than the file people already have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vDuration, vRecur

from bot.domain.recurrence import (
    Occurrence,
    Series,
    first_occurrence,
    rrule_string,
    skipped_occurrences,
)

PRODID = "-//Speak Back//Meetings//EN"
DOMAIN = "speakback"


def meeting_uid(meeting_id: int, occurrence: Occurrence | None = None) -> str:
    """``meeting-42@speakback`` or, for one meeting of a series, ``meeting-42-20261203T180000@...``."""
    suffix = f"-{occurrence.key}" if occurrence is not None else ""
    return f"meeting-{meeting_id}{suffix}@{DOMAIN}"


def build_ics(
    *,
    meeting_id: int,
    series: Series,
    title: str,
    now: datetime,
    occurrence: Occurrence | None = None,
    location: str | None = None,
    description: str | None = None,
    cancelled: bool = False,
    sequence: int = 0,
    excluded: Iterable[Occurrence] = (),
) -> bytes:
    """The .ics file as bytes.

    ``occurrence=None`` gives the whole series (with RRULE, and EXDATE for each
    ``excluded`` occurrence and each meeting on one of the series' skipped dates); an
    occurrence gives just that meeting. ``now`` (aware) becomes DTSTAMP.
    """
    entry = Entry(
        meeting_id=meeting_id,
        series=series,
        title=title,
        occurrence=occurrence,
        location=location,
        description=description,
        cancelled=cancelled,
        sequence=sequence,
        excluded=tuple(excluded),
    )
    return build_calendar([entry], now=now)


@dataclass(frozen=True)
class Entry:
    """One VEVENT: a whole series (``occurrence=None``; a one-off meeting is a series of
    one) or one meeting of a series. ``title`` is written as given (a feed adds
    "Cancelled: " itself)."""

    meeting_id: int
    series: Series
    title: str
    occurrence: Occurrence | None = None
    location: str | None = None
    description: str | None = None
    cancelled: bool = False
    sequence: int = 0
    excluded: tuple[Occurrence, ...] = ()

    @property
    def uid(self) -> str:
        one_off = self.series.rule == "none"
        return meeting_uid(self.meeting_id, None if one_off else self.occurrence)


def _event(entry: Entry, now: datetime) -> Event:
    series = entry.series
    tz = series.tz
    occ = entry.occurrence or first_occurrence(series)
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", entry.title)
    event.add("dtstart", occ.start_utc.astimezone(tz))
    event.add("dtend", occ.end_utc.astimezone(tz))
    if entry.location:
        event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    event.add("sequence", entry.sequence)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    rule = None if entry.occurrence is not None else rrule_string(series)
    if rule is not None:
        event.add("rrule", vRecur.from_ical(rule))
        for skipped in [*entry.excluded, *skipped_occurrences(series)]:
            event.add("exdate", skipped.rule_local.replace(tzinfo=tz))
    return event


def build_calendar(
    entries: Iterable[Entry],
    *,
    now: datetime,
    name: str | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """A calendar of these events (a file, or a feed that apps fetch again): each event's
    zone gets its VTIMEZONE. ``name`` becomes the calendar's name in apps that show one
    (X-WR-CALNAME); ``refresh`` asks apps to fetch again that often (most decide for
    themselves: Google takes up to a day)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))  # an x- property: say its type
    first = last = None
    for entry in entries:
        calendar.add_component(_event(entry, now))
        series = entry.series
        occ = entry.occurrence or first_occurrence(series)
        start_year = occ.rule_local.year
        end_year = series.until_local.year if series.until_local else start_year + 10
        first = start_year if first is None else min(first, start_year)
        last = max(end_year, start_year) if last is None else max(last, end_year, start_year)
    if first is not None and last is not None:
        calendar.add_missing_timezones(
            first_date=date(first - 1, 1, 1), last_date=date(last + 1, 12, 31)
        )
    return calendar.to_ical()
