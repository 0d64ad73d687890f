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
from datetime import UTC, date, datetime

from icalendar import Calendar, Event, vRecur

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
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = series.tz
    one_off = series.rule == "none"
    occ = occurrence or first_occurrence(series)

    event = Event()
    event.add("uid", meeting_uid(meeting_id, None if one_off or occurrence is None else occ))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", title)
    event.add("dtstart", occ.start_utc.astimezone(tz))
    event.add("dtend", occ.end_utc.astimezone(tz))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    rule = None if occurrence is not None else rrule_string(series)
    if rule is not None:
        event.add("rrule", vRecur.from_ical(rule))
        for skipped in [*excluded, *skipped_occurrences(series)]:
            event.add("exdate", skipped.rule_local.replace(tzinfo=tz))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    start_year = occ.rule_local.year
    last = series.until_local.year if series.until_local else start_year + 10
    calendar.add_missing_timezones(
        first_date=date(start_year - 1, 1, 1), last_date=date(max(last, start_year) + 1, 12, 31)
    )
    return calendar.to_ical()
