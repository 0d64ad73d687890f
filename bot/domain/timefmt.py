"""Showing times to people, and turning local wall-clock times into instants.

Rule 13: times are shown with Discord timestamps (``<t:UNIX:F>``) so each reader
sees their own zone. :func:`plain_local` is for echoing a time back in words, in
the zone it was typed in, before anything is posted.

Wall-time policy (used by parsing, recurrence and the calendar file alike):

* A wall time that happens twice (clocks go back, e.g. 01:30 on the last Sunday
  of October in London) means the **first** of the two (``fold=0``).
* A wall time that never happens (clocks go forward, e.g. 01:30 on the last
  Sunday of March in London) is **shifted forward by the length of the gap**
  (01:30 becomes 02:30 BST). This is the iCalendar (RFC 5545 §3.3.5) reading,
  so the bot and people's calendar apps agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DISCORD_STYLES = frozenset("tTdDfFR")
"""Discord timestamp styles: t 6:00 PM, T 6:00:00 PM, d 03/12/2026,
D 3 December 2026, f 3 December 2026 18:00, F Thursday, 3 December 2026 18:00,
R in 2 days."""


def as_zone(zone: ZoneInfo | str) -> ZoneInfo:
    """A ZoneInfo from a zone or its IANA name (e.g. ``"Europe/London"``)."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")


def _require_naive(wall: datetime) -> None:
    if wall.tzinfo is not None:
        raise ValueError("expected a naive local wall time")


def wall_to_utc(wall: datetime, zone: ZoneInfo | str) -> datetime:
    """The UTC instant of a naive local wall time in ``zone`` (policy in the module doc)."""
    _require_naive(wall)
    return wall.replace(tzinfo=as_zone(zone), fold=0).astimezone(UTC)


def utc_to_wall(instant: datetime, zone: ZoneInfo | str) -> datetime:
    """The naive local wall time in ``zone`` at an aware instant."""
    _require_aware(instant)
    return instant.astimezone(as_zone(zone)).replace(tzinfo=None)


def wall_time_exists(wall: datetime, zone: ZoneInfo | str) -> bool:
    """False when the clocks skip over ``wall`` (a spring-forward gap)."""
    _require_naive(wall)
    return utc_to_wall(wall_to_utc(wall, zone), zone) == wall


def wall_time_is_ambiguous(wall: datetime, zone: ZoneInfo | str) -> bool:
    """True when ``wall`` happens twice (the hour repeated when clocks go back)."""
    _require_naive(wall)
    tz = as_zone(zone)
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    return first.utcoffset() != second.utcoffset() and wall_time_exists(wall, tz)


def discord_timestamp(dt: datetime, style: str = "F") -> str:
    """``<t:UNIX:STYLE>``: Discord shows it in each reader's own zone and locale."""
    _require_aware(dt)
    if style not in DISCORD_STYLES:
        raise ValueError(f"unknown Discord timestamp style {style!r}")
    return f"<t:{int(dt.timestamp())}:{style}>"


def _clock(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d}{'am' if dt.hour < 12 else 'pm'}"


def plain_local(dt: datetime, zone: ZoneInfo | str) -> str:
    """E.g. ``"Thursday 3 December 2026, 6:00pm (Europe/London)"``.

    For echoing back what someone typed, in the zone they typed it in.
    """
    _require_aware(dt)
    tz = as_zone(zone)
    local = dt.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B %Y}, {_clock(local)} ({tz.key})"


def plain_date(dt: datetime, zone: ZoneInfo | str) -> str:
    """E.g. ``"Thursday 3 December 2026"``: the local date of an instant."""
    _require_aware(dt)
    return plain_day(dt.astimezone(as_zone(zone)).date())


def plain_day(day: date) -> str:
    """E.g. ``"Thursday 3 December 2026"``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def full_and_relative(dt: datetime) -> dict[str, str]:
    """`when` (the full date and time) and `relative` ("in 3 days"), as our sentences use
    them: `text.CLOSES.format(**full_and_relative(closes_at))`."""
    return {"when": discord_timestamp(dt, "F"), "relative": discord_timestamp(dt, "R")}
