"""Quiet hours (rule 14): a daily window, in the member's own zone, when the bot
does not DM them. Default none.

The window is ``[start, end)`` on the member's wall clock and may wrap midnight
(``22:00-08:00``). Because it is defined by the wall clock it follows clock
changes: 22:00-08:00 is 9 real hours on the night the clocks go forward and 11
on the night they go back. A boundary the clocks skip (e.g. 01:30 in a
spring-forward gap) is reached at the moment of the jump.

* Non-urgent DMs wait: :func:`next_send_time` gives the end of the quiet period.
* Reminders must not arrive late: :func:`last_send_time_before` gives one minute
  before the quiet period began (the caller decides what to do if that has
  already passed, e.g. record the reminder as missed).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.errors import Refusal
from bot.domain.timefmt import as_zone

EXAMPLE = "`22:00-08:00`"
_NONE_WORDS = {"", "none", "off", "no"}
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_RANGE_RE = re.compile(rf"^{_CLOCK}\s*(?:-|–|—|to|until)\s*{_CLOCK}$")


class QuietHoursError(Refusal):
    """Quiet hours could not be read; the message is safe to show."""


class QuietHours(NamedTuple):
    start: time
    end: time

    @property
    def wraps_midnight(self) -> bool:
        return self.start > self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _clock(hour: str, minute: str | None, ampm: str | None) -> time | None:
    if minute is None and ampm is None:
        return None  # "10-8" could mean 10am or 10pm: ask for 22:00 or 10pm
    h, m = int(hour), int(minute or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "pm" else 0)
    return time(h, m) if h < 24 and m < 60 else None


def parse_quiet_hours(text: str) -> QuietHours | None:
    """``"22:00-08:00"`` (also ``10pm-8am``, ``22:00 to 08:00``); ``none``/``off`` means none."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _NONE_WORDS:
        return None
    match = _RANGE_RE.match(cleaned)
    start = _clock(*match.group(1, 2, 3)) if match else None
    end = _clock(*match.group(4, 5, 6)) if match else None
    if start is None or end is None:
        shown = text.strip()[:40].replace("`", "'")
        raise QuietHoursError(
            f"I couldn't read '{shown}' as quiet hours. Use a start and end time like "
            f"{EXAMPLE} (10pm to 8am), or `none` to turn them off."
        )
    if start == end:
        raise QuietHoursError(
            "Quiet hours need different start and end times, for example "
            f"{EXAMPLE}. To turn them off, use `none`."
        )
    return QuietHours(start, end)


def in_quiet_hours(when_utc: datetime, qh: QuietHours | None, zone: ZoneInfo | str) -> bool:
    """Whether the member's wall clock at ``when_utc`` is inside their quiet hours."""
    if qh is None:
        return False
    now = when_utc.astimezone(as_zone(zone)).time().replace(tzinfo=None)
    if qh.wraps_midnight:
        return now >= qh.start or now < qh.end
    return qh.start <= now < qh.end


def _instants(day: date, at: time, tz: ZoneInfo) -> list[datetime]:
    """The UTC instants when the wall clock in ``tz`` shows ``day at`` (two in a repeated
    hour); for a skipped time, the instant of the jump past it."""
    wall = datetime.combine(day, at)
    found = set()
    for fold in (0, 1):
        instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == wall:
            found.add(instant)
    if found:
        return sorted(found)
    # In a gap: fold=1 lands before the jump and fold=0 after it; find the jump (whole minutes).
    lo = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    hi = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    while hi - lo > timedelta(minutes=1):
        mid = lo + (hi - lo) // 2
        if mid.astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return [hi]


def next_send_time(when_utc: datetime, qh: QuietHours | None, zone: ZoneInfo | str) -> datetime:
    """For non-urgent DMs: ``when_utc`` itself, or the end of the quiet period it falls in."""
    if not in_quiet_hours(when_utc, qh, zone):
        return when_utc
    assert qh is not None
    tz = as_zone(zone)
    local = when_utc.astimezone(tz)
    end_day = local.date() + timedelta(days=1 if local.time() >= qh.end else 0)
    return min(i for i in _instants(end_day, qh.end, tz) if i > when_utc)


def last_send_time_before(
    when_utc: datetime, qh: QuietHours | None, zone: ZoneInfo | str
) -> datetime:
    """For reminders: ``when_utc`` itself, or one minute before its quiet period began."""
    if not in_quiet_hours(when_utc, qh, zone):
        return when_utc
    assert qh is not None
    tz = as_zone(zone)
    local = when_utc.astimezone(tz)
    start_day = local.date() - timedelta(days=1 if local.time() < qh.start else 0)
    start = max(i for i in _instants(start_day, qh.start, tz) if i <= when_utc)
    return start - timedelta(minutes=1)
