"""Reading times people type: meeting starts, pause dates and reminder offsets.

Times are read in the server's zone, relative to a ``now`` passed in (never the
system clock), and returned as aware UTC, whole minutes. Most phrases go to
dateparser (English only, day-month order for UK users, future preferred). A few
things are handled here first because dateparser (1.5) gets them wrong or
leaves them to its version:

* ``6.30pm`` / ``10.30`` (UK style): dateparser silently drops these times
  ("tomorrow at 10.30" came back as 12:00), so dots become colons.
* ``noon`` / ``midday`` / ``midnight`` become ``12:00`` / ``00:00``.
* ``[next|this|on] <weekday> [at] <time>`` is resolved here so the rule is ours:
  ``friday 2pm`` / ``this friday 2pm`` is the soonest Friday 2pm still ahead
  (today counts); ``next friday 2pm`` is the first Friday after today.
* ``in N minutes/hours/days/weeks`` is resolved here: minutes and hours by the
  clock (right across a clock change), days and weeks by the calendar.

As a guard, when the text holds one clear time (``18:00``, ``6pm``) the result
must be at that time, otherwise the text is refused rather than misread. A day
without a time is refused for meetings (``3 Dec`` alone would mean midnight).
Wall times that are skipped or repeated by a clock change follow the policy in
:mod:`bot.domain.timefmt` (first of two; skipped times move forward).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.domain.errors import Refusal
from bot.domain.timefmt import as_zone, plain_local, utc_to_wall, wall_to_utc

EXAMPLES = "`2026-12-03 18:00` or `next tuesday 6pm`"
OFFSET_EXAMPLES = "`24h,1h` or `2d, 30m` or `1h30m`"
MIN_OFFSET = timedelta(minutes=5)
MAX_OFFSET = timedelta(days=14)
MAX_OFFSETS = 5


class WhenError(Refusal):
    """A time or offset could not be used. ``str(err)`` is safe to show as-is.

    ``kind`` is one of: ``unreadable``, ``no_time``, ``past``, ``offset_unreadable``,
    ``offset_range``, ``too_many_offsets``.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4,
    "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_TIME = r"(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?\s*(?P<ampm>am|pm)|(?P<h24>\d{1,2}):(?P<m24>[0-5]\d)"
_TIME_RE = re.compile(rf"(?<![\d:])(?:{_TIME})(?![\d])")
_WEEKDAY_RE = re.compile(
    rf"^(?:(?P<which>next|this|on)\s+)?(?P<day>[a-z]+),?\s+(?:at\s+)?(?:{_TIME})$"
)
_IN_RE = re.compile(
    r"^in\s+(?P<n>\d{1,4}|an?|one)\s+(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?)$"
)


def _normalise(text: str) -> str:
    text = " ".join(text.strip().lower().split())
    text = re.sub(r"(?<![\d.])(\d{1,2})\.([0-5]\d)(?![\d.])", r"\1:\2", text)
    text = re.sub(r"\b(noon|midday)\b", "12:00", text)
    return re.sub(r"\bmidnight\b", "00:00", text)


def _clock_time(match: re.Match[str]) -> time | None:
    """The time a _TIME match names, or None if it is not a real time (13pm, 25:00)."""
    if match["h24"] is not None:
        hour, minute = int(match["h24"]), int(match["m24"])
        return time(hour, minute) if hour < 24 else None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if not 1 <= hour <= 12:
        return None
    return time(hour % 12 + (12 if match["ampm"] == "pm" else 0), minute)


def _unreadable(text: str) -> WhenError:
    shown = text.strip()[:80].replace("`", "'")
    return WhenError(
        "unreadable",
        f"I couldn't read '{shown}' as a date and time. Try something like {EXAMPLES}.",
    )


def _weekday_phrase(text: str, wall_now: datetime) -> datetime | None:
    """``[next|this|on] <weekday> [at] <time>`` as a local wall time, else None."""
    match = _WEEKDAY_RE.match(text)
    if match is None or match["day"] not in _WEEKDAYS:
        return None
    at = _clock_time(match)
    if at is None:
        raise _unreadable(text)
    ahead = (_WEEKDAYS[match["day"]] - wall_now.weekday()) % 7
    if match["which"] == "next" and ahead == 0:
        ahead = 7
    wall = datetime.combine(wall_now.date() + timedelta(days=ahead), at)
    return wall if wall > wall_now else wall + timedelta(days=7)


def _in_phrase(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """``in N minutes|hours|days|weeks`` as an aware UTC instant, else None."""
    match = _IN_RE.match(text)
    if match is None:
        return None
    n = int(match["n"]) if match["n"].isdigit() else 1
    unit = match["unit"][0]
    if unit in "mh":
        return now + timedelta(minutes=n if unit == "m" else 60 * n)
    days = n if unit == "d" else 7 * n
    return wall_to_utc(utc_to_wall(now, tz) + timedelta(days=days), tz)


def _read(text: str, tz: ZoneInfo, now: datetime, *, date_alone: str) -> datetime:
    """Shared reader. ``date_alone`` is ``"refuse"`` or ``"start_of_day"``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cleaned = _normalise(text)
    if not cleaned:
        raise _unreadable(text)
    relative = _in_phrase(cleaned, now, tz)
    if relative is not None:
        return relative
    wall_now = utc_to_wall(now, tz)
    wall = _weekday_phrase(cleaned, wall_now)
    if wall is not None:
        return wall_to_utc(wall, tz)
    settings = {
        "RELATIVE_BASE": wall_now,
        "TIMEZONE": tz.key,  # text without a zone is read as local wall time (naive result)
        # RETURN_AS_TIMEZONE_AWARE left at its default: aware only if the text names a zone
        # (e.g. "6pm BST"); naive results are localised by wall_to_utc, whose DST-gap and
        # repeated-hour policy is deliberate (dateparser would use pytz's guess).
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
    }
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(cleaned)
    parsed = data.date_obj
    if parsed is None:
        raise _unreadable(text)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    times = [t for t in (_clock_time(m) for m in _TIME_RE.finditer(cleaned)) if t is not None]
    if len(times) == 1 and parsed.time().replace(second=0, microsecond=0) != times[0]:
        raise _unreadable(text)  # dateparser ignored or misread the time that was typed
    if not times:
        if date_alone == "refuse":
            shown = text.strip()[:80].replace("`", "'")
            raise WhenError(
                "no_time",
                f"I can see a day in '{shown}' but no time. Please add one, "
                "like `tomorrow 10:30` or `3 Dec 18:00`.",
            )
        parsed = datetime.combine(parsed.date(), time(0))
    return wall_to_utc(parsed.replace(second=0, microsecond=0), tz)


def _check_future(result: datetime, tz: ZoneInfo, now: datetime) -> datetime:
    if result <= now:
        raise WhenError(
            "past",
            f"That time has already passed ({plain_local(result, tz)}). "
            f"Please give a time in the future, like {EXAMPLES}.",
        )
    return result


def parse_when(
    text: str, tz: ZoneInfo | str, now: datetime, *, must_be_future: bool = True
) -> datetime:
    """Read a date and time typed by a person; aware UTC, seconds dropped.

    ``tz`` is the server's zone; ``now`` is the clock's aware time. Raises
    :class:`WhenError` (kinds ``unreadable``, ``no_time``, ``past``).
    """
    zone = as_zone(tz)
    result = _read(text, zone, now, date_alone="refuse").replace(second=0, microsecond=0)
    return _check_future(result, zone, now) if must_be_future else result


def parse_pause_until(text: str, tz: ZoneInfo | str, now: datetime) -> datetime:
    """Like :func:`parse_when`, but a day alone (``3 Dec``, ``tomorrow``) means the
    start of that day in ``tz``. Must be in the future."""
    zone = as_zone(tz)
    result = _read(text, zone, now, date_alone="start_of_day").replace(second=0, microsecond=0)
    return _check_future(result, zone, now)


def parse_day(text: str, tz: ZoneInfo | str, now: datetime) -> date:
    """A local date typed by a person (``24 Dec``, ``next tuesday``, ``2026-12-24``);
    a time, if typed too, only picks the day. Today counts; past days do not."""
    zone = as_zone(tz)
    day = utc_to_wall(_read(text, zone, now, date_alone="start_of_day"), zone).date()
    if day < utc_to_wall(now, zone).date():
        shown = text.strip()[:80].replace("`", "'")
        raise WhenError("past", f"'{shown}' has already passed. Please give a day to come.")
    return day


_OFFSET_PART = re.compile(r"(\d{1,4})\s*(weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m)")
_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_NO_OFFSETS = {"none", "off", "no", "no reminders"}


def parse_offsets(text: str) -> list[timedelta]:
    """Reminder offsets such as ``24h,1h``, ``2d, 30m`` or ``1h30m``.

    Returns them longest first (the order the reminders are sent), without
    duplicates; each between 5 minutes and 14 days, at most 5. ``none``/``off``
    gives an empty list (no reminders). Raises :class:`WhenError`.
    """
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _NO_OFFSETS:
        return []
    found: set[timedelta] = set()
    for item in re.split(r"\s*(?:,|;|\band\b)\s*", cleaned):
        compact = item.replace(" ", "")
        units = [_UNIT_MINUTES[u[0]] for _, u in _OFFSET_PART.findall(compact)]
        in_order = all(a > b for a, b in pairwise(units))  # "24h1h" is not 25h
        if not compact or _OFFSET_PART.sub("", compact) or not in_order:
            shown = text.strip()[:80].replace("`", "'")
            raise WhenError(
                "offset_unreadable",
                f"I couldn't read '{shown}' as reminder times. Try something like {OFFSET_EXAMPLES}.",
            )
        minutes = sum(int(n) * _UNIT_MINUTES[u[0]] for n, u in _OFFSET_PART.findall(compact))
        offset = timedelta(minutes=minutes)
        if not MIN_OFFSET <= offset <= MAX_OFFSET:
            raise WhenError(
                "offset_range",
                f"Each reminder must be between 5 minutes and 14 days before the meeting "
                f"('{item[:40]}' is {format_offset(offset)}). Try {OFFSET_EXAMPLES}.",
            )
        found.add(offset)
    if len(found) > MAX_OFFSETS:
        raise WhenError(
            "too_many_offsets",
            f"Please choose at most {MAX_OFFSETS} reminder times (you gave {len(found)}).",
        )
    return sorted(found, reverse=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_offset(offset: timedelta) -> str:
    """E.g. ``"24 hours"``, ``"1 hour 30 minutes"``, ``"2 days"``, ``"3 days 4 hours"``.

    Under two days it counts hours (people say "24 hours", not "1 day").
    """
    minutes = int(offset.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60) if minutes >= 48 * 60 else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = [_plural(n, w) for n, w in ((days, "day"), (hours, "hour"), (mins, "minute")) if n]
    return " ".join(parts) or "0 minutes"


def format_offsets(offsets: list[timedelta]) -> str:
    """E.g. ``"24 hours and 1 hour"``; ``"no reminders"`` for none."""
    words = [format_offset(o) for o in offsets]
    if not words:
        return "no reminders"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
