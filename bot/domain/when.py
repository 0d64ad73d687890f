"""Reading times people type: meeting starts, closing times, pause dates, offsets.

One reader for every typed time (:func:`read_time`; :func:`parse_when`,
:func:`parse_pause_until` and :func:`parse_day` are its shorthands). Times are
read in a zone, relative to a ``now`` passed in (never the system clock), and
returned as aware UTC, whole minutes. The text is split into a time (or, for
meetings, a range of times) and a day, and both are read by our rules; dateparser
(English) reads only a day phrase our rules do not know (``day after tomorrow``).
Our rules, because dateparser (1.5) misreads what people type in a hurry:

* Numeric dates are day first (``01/02`` is 1 February) unless the server chose
  ``month_first``; a date valid only one way (``12/13``) is read that way.
  Dateparser read ``12/13`` as 12 December 2113.
* A day and month without a year is the next one to come: when it has passed
  this year it is next year's, and the reading says so (``Reading.note``).
* Nothing more than a year ahead (``now < t <= now + 366 days``) unless a year is
  typed; a typed year is at most ``MAX_YEARS_AHEAD`` ahead. Year 1 or 9999 gets a
  specific refusal, never an overflow.
* ``6.30pm`` / ``10.30`` (UK style) are times; ``noon`` / ``midday`` / ``midnight``
  are ``12:00`` / ``00:00``.
* A bare 1 to 7 o'clock without am/pm (``6.30``, ``at 6``) could be morning or
  evening: the reading carries both (``Reading.other``) and the caller asks.
  ``06:30`` (a leading zero) and 8 to 12 are read as typed.
* ``[next|this|on] <weekday>``: ``friday 2pm`` / ``this friday 2pm`` is the soonest
  Friday 2pm still ahead (today counts); ``next friday 2pm`` is the first Friday
  after today. A weekday alone (a pause ``until friday``) is that day's start; typed
  on that weekday, when today's start has passed, it is the next one and the reading
  says so (where today counts, as for :func:`parse_day`, it is today). A time alone
  is the next time the clock shows it.
* ``in N minutes/hours/days/weeks``: minutes and hours by the clock (right across
  a clock change), days and weeks by the calendar.
* ``6-8pm``, ``18:00-20:00``, ``6pm to 8pm``: a start and a length, where the
  caller allows a range (meetings); elsewhere a range is refused kindly.

Wall times that are skipped or repeated by a clock change follow the policy in
:mod:`bot.domain.timefmt` (first of two; skipped times move forward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.domain.errors import Refusal
from bot.domain.timefmt import as_zone, plain_day, plain_local, utc_to_wall, wall_to_utc

EXAMPLES = "`3 Dec 18:00` or `next tuesday 6pm`"
OFFSET_EXAMPLES = "`24h,1h` or `2d, 30m` or `1h30m`"
MIN_OFFSET = timedelta(minutes=5)
MAX_OFFSET = timedelta(days=14)
MAX_OFFSETS = 5
MAX_AHEAD = timedelta(days=366)
"""How far ahead a time may be when no year is typed."""
MAX_YEARS_AHEAD = 5
"""How many years ahead a typed year may be."""
MAX_TYPED = 100

DAY_FIRST = "day_first"
MONTH_FIRST = "month_first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)


class WhenError(Refusal):
    """A time or offset could not be used. ``str(err)`` is safe to show as-is.

    ``kind`` is one of: ``unreadable``, ``no_time``, ``past``, ``too_far``, ``range``,
    ``no_such_day``, ``offset_unreadable``, ``offset_range``, ``too_many_offsets``.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Reading:
    """What a typed time was read as.

    ``at``: the instant (aware UTC, whole minutes). ``other``: when a bare 1 to 7
    o'clock could be morning or evening, the evening reading (``at`` is then the
    morning one); the caller asks which before using either. ``length``: a typed
    range's length (meetings). ``note``: something the read-back must say (a date
    rolled into next year, a time that has passed today). ``year_typed``: a year
    was given, so the one-year bound does not apply.
    """

    at: datetime
    other: datetime | None = None
    length: timedelta | None = None
    note: str | None = None
    year_typed: bool = False

    @property
    def needs_am_pm(self) -> bool:
        return self.other is not None


_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4,
    "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "bst": 60}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"

# One clock time: 6pm, 6:30pm, 18:00, 6:30 (bare), at 6 (bare), 6 o'clock (bare).
_TIME_RE = re.compile(
    r"(?<![\d:/.-])(?:(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?\s*(?P<ampm>am|pm)"
    r"|(?P<h24>\d{1,2}):(?P<m24>[0-5]\d)"
    r"|(?P<hoc>\d{1,2})\s*o'?clock"
    r"|(?<=\bat )(?P<hat>\d{1,2})(?=$|[\s,]))"
    r"(?![\d:/])"
)
_RANGE_RE = re.compile(
    r"(?<![\d:/.-])(?P<h1>\d{1,2})(?::(?P<m1>[0-5]\d))?\s*(?P<a1>am|pm)?"
    r"\s*(?:-|–|—|\bto\b|\buntil\b|\btill\b)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>[0-5]\d))?\s*(?P<a2>am|pm)?(?![\d:/-])"
)
_IN_RE = re.compile(
    r"^in\s+(?P<n>\d{1,4}|an?|one)\s+(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?)$"
)
_WEEKDAY_RE = re.compile(
    rf"^(?:(?P<which>next|this|on|coming|this coming)\s+)?(?P<day>{_WEEKDAY})$"
)
_ISO_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_NUMERIC_RE = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?$"
)
_DAY_MONTH_RE = re.compile(
    rf"^(?P<d>\d{{1,2}}){_ORD}\s*(?:of\s+)?(?P<mon>{_MONTH})\.?(?:,?\s+(?P<y>\d{{4}}))?$"
)
_MONTH_DAY_RE = re.compile(
    rf"^(?P<mon>{_MONTH})\.?\s*(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}(?:,?\s+(?P<y>\d{{4}}))?$"
)
_LEADING_WEEKDAY_RE = re.compile(rf"^(?P<day>{_WEEKDAY}),?\s+(?:the\s+)?(?P<rest>.*\d.*)$")
_FILLER = {"at", "on", "from", "the", "starting", "start", "for", "by", ","}


def _shown(text: str) -> str:
    return text.strip()[:80].replace("`", "'")


def _unreadable(text: str) -> WhenError:
    return WhenError(
        "unreadable",
        f"I couldn't read '{_shown(text)}' as a date and time. Try something like {EXAMPLES}.",
    )


def _past(result_words: str) -> WhenError:
    return WhenError(
        "past",
        f"That time has already passed ({result_words}). "
        f"Please give a time in the future, like {EXAMPLES}.",
    )


def _too_far(now: datetime, typed_year: bool) -> WhenError:
    if typed_year:
        return WhenError(
            "too_far",
            f"That is more than {MAX_YEARS_AHEAD} years away. Please give a date before "
            f"the end of {now.year + MAX_YEARS_AHEAD}.",
        )
    return WhenError(
        "too_far",
        "That is more than a year away. If you really mean it, please type the year too, "
        "like `3 Dec 2027 18:00`.",
    )


def _normalise(text: str) -> str:
    text = " ".join(text.strip().lower().split())
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    text = re.sub(r"(?<=\d)t(?=\d{1,2}:\d)", " ", text)  # 2026-12-03T18:00
    text = re.sub(r"(?<![\d.:/])(\d{1,2})\.([0-5]\d)(?![\d.])", r"\1:\2", text)
    text = re.sub(r"(?<=\d)\s*(a|p)\.m\.?", r"\1m", text)
    text = re.sub(r"\b(noon|midday)\b", "12:00", text)
    text = re.sub(r"\bmidnight\b", "00:00", text)
    text = re.sub(r"\btonight\b", "today", text)
    return re.sub(r"\btmrw\b|\btomorow\b|\btmr\b", "tomorrow", text)


@dataclass(frozen=True)
class _Clock:
    """A typed clock time; ``bare`` when it could be morning or evening."""

    at: time
    bare: bool = False


def _hour(h: int, m: int, ampm: str | None) -> time | None:
    if ampm is None:
        return time(h, m) if h < 24 else None
    if not 1 <= h <= 12:
        return None
    return time(h % 12 + (12 if ampm == "pm" else 0), m)


def _is_bare(digits: str, ampm: str | None) -> bool:
    """A 1 to 7 o'clock typed without am/pm or a leading zero."""
    return ampm is None and not digits.startswith("0") and 1 <= int(digits) <= 7


def _clock_of(match: re.Match[str]) -> _Clock | None:
    if match["h"] is not None:
        at = _hour(int(match["h"]), int(match["m"] or 0), match["ampm"])
        return _Clock(at) if at else None
    digits, minute = (
        (match["h24"], int(match["m24"]))
        if match["h24"] is not None
        else (match["hoc"] or match["hat"], 0)
    )
    at = _hour(int(digits), minute, None)
    return _Clock(at, _is_bare(digits, None)) if at else None


def _read_range(match: re.Match[str]) -> tuple[_Clock, timedelta] | None:
    """A typed range as its start and length, or None if it is not one."""
    a1, a2 = match["a1"], match["a2"]
    if not (a1 or a2 or (match["m1"] and match["m2"])):
        return None  # "12-13" is not a range of times
    h1, m1 = int(match["h1"]), int(match["m1"] or 0)
    h2, m2 = int(match["h2"]), int(match["m2"] or 0)
    end = _hour(h2, m2, a2)
    if end is None:
        return None
    bare = False
    if a1 is None and a2 is not None:  # "6-8pm": the start takes the end's am/pm
        start = _hour(h1, m1, a2)
        if start is not None and start > end:  # "11-1pm" is 11am to 1pm
            start = _hour(h1, m1, "am")
    else:
        start = _hour(h1, m1, a1)
        h2_digits = match["h2"]
        bare = (
            a2 is None
            and _is_bare(match["h1"], a1)
            and not h2_digits.startswith("0")
            and int(h2_digits) <= 12
        )
    if start is None:
        return None
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    if minutes == 0:
        return None
    return _Clock(start, bare), timedelta(minutes=minutes)


def _strip_zone(text: str) -> tuple[str, int | None]:
    match = re.search(r"\s+(utc|gmt|bst|z)$", text)
    if match is None:
        return text, None
    return text[: match.start()], _ZONES[match[1]]


def _split(text: str, ranges: bool, typed: str) -> tuple[str, _Clock | None, timedelta | None]:
    """The day part of the text, the time typed, and a range's length."""
    found = [m for m in _RANGE_RE.finditer(text) if _read_range(m) is not None]
    if found:
        if not ranges:
            raise WhenError(
                "range",
                f"I can see a range of times in '{_shown(typed)}', but this needs one moment. "
                "Please give a single time, like `3 Dec 6pm`.",
            )
        if len(found) > 1:
            raise _unreadable(typed)
        match = found[0]
        read = _read_range(match)
        assert read is not None
        return text[: match.start()] + " " + text[match.end() :], read[0], read[1]
    times = list(_TIME_RE.finditer(text))
    if not times:
        return text, None, None
    if len(times) > 1:
        raise _unreadable(typed)
    match = times[0]
    clock = _clock_of(match)
    if clock is None:
        raise _unreadable(typed)
    return text[: match.start()] + " " + text[match.end() :], clock, None


def _tidy(part: str) -> str:
    words = [w for w in part.replace(",", " , ").split() if w not in _FILLER]
    return " ".join(words)


@dataclass(frozen=True)
class _Day:
    """The day part, read: a date (``year`` typed or not), or a weekday rule, or none."""

    day: date | None = None
    year_typed: bool = False
    month_day: tuple[int, int] | None = None  # no year typed: the next one to come
    weekday: int | None = None
    next_week: bool = False  # "next friday": after today
    instant: datetime | None = None  # "in 2 hours"
    keeps_clock: bool = False  # "in 3 days": at this time of day, unless one is typed


def _check_year(year: int, now: datetime, typed: str) -> None:
    if year < now.year:
        raise WhenError(
            "past",
            f"'{_shown(typed)}' is in {year}, which has passed. Please give a date to come, "
            f"like {EXAMPLES}.",
        )
    if year > now.year + MAX_YEARS_AHEAD:
        raise _too_far(now, True)


def _no_such_day(typed: str) -> WhenError:
    return WhenError(
        "no_such_day",
        f"There is no such date as '{_shown(typed)}'. Please check the day and month, "
        "like `3 Dec` or `2026-12-03`.",
    )


def _dated(year: int | None, month: int, day: int, now: datetime, typed: str) -> _Day:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _no_such_day(typed)
    if year is None:
        # Valid in some year (29 February): checked when the year is known.
        try:
            date(2028, month, day)
        except ValueError:
            raise _no_such_day(typed) from None
        return _Day(month_day=(month, day))
    _check_year(year, now, typed)
    try:
        return _Day(date(year, month, day), year_typed=True)
    except ValueError:
        raise _no_such_day(typed) from None


def _numeric(match: re.Match[str], order: str, now: datetime, typed: str) -> _Day:
    a, b = int(match["a"]), int(match["b"])
    year = match["y"]
    full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    day, month = (a, b) if order == DAY_FIRST else (b, a)
    if not 1 <= month <= 12 and 1 <= day <= 12:
        day, month = month, day  # "12/13": valid only the other way, so read that way
    return _dated(full_year, month, day, now, typed)


def _read_day(part: str, order: str, now: datetime, wall_now: datetime, typed: str) -> _Day:
    if not part:
        return _Day()
    if part == "today":
        return _Day(wall_now.date())
    if part == "tomorrow":
        return _Day(wall_now.date() + timedelta(days=1))
    if part in ("yesterday", "day before yesterday"):
        return _Day(wall_now.date() - timedelta(days=1))
    if match := _IN_RE.match(part):
        n = int(match["n"]) if match["n"].isdigit() else 1
        unit = match["unit"][0]
        if unit in "mh":
            return _Day(instant=now + timedelta(minutes=n if unit == "m" else 60 * n))
        days = n if unit == "d" else 7 * n
        if days > 400:
            raise _too_far(now, False)
        return _Day(wall_now.date() + timedelta(days=days), keeps_clock=True)
    if match := _WEEKDAY_RE.match(part):
        return _Day(weekday=_WEEKDAYS[match["day"]], next_week=match["which"] == "next")
    if match := _ISO_RE.match(part):
        return _dated(int(match["y"]), int(match["m"]), int(match["d"]), now, typed)
    if match := _NUMERIC_RE.match(part):
        return _numeric(match, order, now, typed)
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        if match := pattern.match(part):
            year = int(match["y"]) if match["y"] else None
            return _dated(year, _MONTHS[match["mon"]], int(match["d"]), now, typed)
    if match := _LEADING_WEEKDAY_RE.match(part):  # "thursday 3 dec": the date decides
        found = _read_day(match["rest"], order, now, wall_now, typed)
        if found.day is not None or found.month_day is not None:
            return replace(found, weekday=_WEEKDAYS[match["day"]])
        raise _unreadable(typed)
    return _fallback(part, order, wall_now, typed, now)


def _fallback(part: str, order: str, wall_now: datetime, typed: str, now: datetime) -> _Day:
    """A day phrase our rules do not know, read by dateparser (a day only)."""
    if re.fullmatch(rf"(?:{_MONTH})\.?(?:\s+\d{{4}})?|\d+", part) or len(part) > 40:
        raise _unreadable(typed)  # "dec" alone is not a day; dateparser would pick one
    settings = {
        "RELATIVE_BASE": wall_now,
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY" if order == DAY_FIRST else "MDY",
        "REQUIRE_PARTS": ["day"],
    }
    try:
        parsed = DateDataParser(languages=["en"], settings=settings).get_date_data(part).date_obj
    except (ValueError, OverflowError, OSError):
        parsed = None
    if parsed is None:
        raise _unreadable(typed)
    year_typed = re.search(r"\b\d{4}\b", part) is not None
    if year_typed:
        _check_year(parsed.year, now, typed)
    return _Day(parsed.date(), year_typed=year_typed)


def _month_day_words(month: int, day: int) -> str:
    return f"{day} {date(2028, month, 1):%b}"


def _combine(
    found: _Day,
    clock: time | None,
    wall_now: datetime,
    day_alone: str,
    typed: str,
    *,
    allow_past: bool = False,
) -> tuple[datetime, bool, str | None]:
    """The local wall time meant, whether a year was typed, and any note."""
    today = wall_now.date()
    if found.weekday is not None and found.day is None and found.month_day is None:
        ahead = (found.weekday - today.weekday()) % 7
        if found.next_week and ahead == 0:
            ahead = 7
        day = today + timedelta(days=ahead)
        if clock is None:
            if day_alone == "refuse":
                raise _no_time(typed)
            start = datetime.combine(day, time(0))
            if start <= wall_now and not allow_past:
                # "until friday" on a Friday: today's start has passed, so the next one,
                # and the reading says which (a day alone, where today counts, keeps today).
                start += timedelta(days=7)
                return start, False, _next_weekday_note(today, start.date())
            return start, False, None
        wall = datetime.combine(day, clock)
        return (wall if wall > wall_now else wall + timedelta(days=7)), False, None
    at = clock if clock is not None else time(0)
    if clock is None and day_alone == "refuse" and (found.day or found.month_day):
        raise _no_time(typed)
    if found.month_day is not None:
        month, dom = found.month_day
        for year in (today.year, today.year + 1):
            try:
                wall = datetime.combine(date(year, month, dom), at)
            except ValueError:
                continue  # 29 February in a year without one
            passed = wall.date() < today if clock is None else wall <= wall_now
            if not passed:
                note = None
                if year != today.year:
                    words = _month_day_words(month, dom)
                    note = f"{words} has passed this year, so this is {words} {year}."
                found_day = wall.date()
                _check_weekday(found.weekday, found_day, typed)
                return wall, False, note
        raise _no_such_day(typed)
    if found.day is not None:
        _check_weekday(found.weekday, found.day, typed)
        return datetime.combine(found.day, at), found.year_typed, None
    if clock is None:
        raise _unreadable(typed)
    wall = datetime.combine(today, clock)
    if wall > wall_now:
        return wall, False, None
    return wall + timedelta(days=1), False, None


def _next_weekday_note(today: date, day: date) -> str:
    return f"Today is {today:%A}, so this is next {day:%A}, {day.day} {day:%B}."


def _check_weekday(weekday: int | None, day: date, typed: str) -> None:
    if weekday is not None and day.weekday() != weekday:
        raise WhenError(
            "unreadable",
            f"{plain_day(day)} is a {day:%A}, so I'm not sure which day you mean in "
            f"'{_shown(typed)}'. Please give the date or the day, not both.",
        )


def _no_time(typed: str) -> WhenError:
    return WhenError(
        "no_time",
        f"I can see a day in '{_shown(typed)}' but no time. Please add one, "
        "like `tomorrow 10:30` or `3 Dec 18:00`.",
    )


def _instant(wall: datetime, tz: ZoneInfo, offset: int | None, now: datetime) -> datetime:
    if offset is not None:
        aware = wall.replace(tzinfo=timezone(timedelta(minutes=offset)))
        return aware.astimezone(UTC)
    try:
        return wall_to_utc(wall, tz)
    except (OverflowError, ValueError):
        raise _too_far(now, True) from None


def _read_once(
    cleaned: str,
    typed: str,
    tz: ZoneInfo,
    now: datetime,
    *,
    order: str,
    ranges: bool,
    day_alone: str,
    force_pm: bool | None,
    allow_past: bool = False,
) -> Reading:
    cleaned, offset = _strip_zone(cleaned)
    part, clock, length = _split(cleaned, ranges, typed)
    wall_now = utc_to_wall(now, tz)
    found = _read_day(_tidy(part), order, now, wall_now, typed)
    if found.instant is not None:
        if clock is not None:
            raise _unreadable(typed)
        return Reading(found.instant.replace(second=0, microsecond=0))
    at = clock.at if clock is not None else None
    if at is None and found.keeps_clock:
        at = wall_now.time().replace(second=0, microsecond=0)
    if clock is not None and clock.bare and force_pm:
        at = time(clock.at.hour + 12, clock.at.minute)
    wall, year_typed, note = _combine(found, at, wall_now, day_alone, typed, allow_past=allow_past)
    if clock is None and found.day is None and found.month_day is None and found.weekday is None:
        raise _unreadable(typed)
    if clock is not None and found.day is None and found.month_day is None:
        if found.weekday is None and wall.date() != wall_now.date():
            note = f"{_clock_words(wall.time())} has passed today, so this is tomorrow."
    result = _instant(wall, tz, offset, now).replace(second=0, microsecond=0)
    return Reading(result, length=length, note=note, year_typed=year_typed)


def _clock_words(at: time) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d}{'am' if at.hour < 12 else 'pm'}"


def _bounded(reading: Reading, tz: ZoneInfo, now: datetime, *, allow_past: bool) -> Reading:
    if reading.at <= now and not allow_past:
        raise _past(plain_local(reading.at, tz))
    if not reading.year_typed and reading.at > now + MAX_AHEAD:
        raise _too_far(now, False)
    if reading.year_typed and utc_to_wall(reading.at, tz).year > now.year + MAX_YEARS_AHEAD:
        raise _too_far(now, True)
    return reading


def read_time(
    text: str,
    tz: ZoneInfo | str,
    now: datetime,
    *,
    date_order: str = DAY_FIRST,
    ranges: bool = False,
    day_alone: str = "refuse",
    allow_past: bool = False,
) -> Reading:
    """Read a time typed by a person, by our rules (module doc). Raises :class:`WhenError`.

    ``tz``: the zone it is read in; ``now``: the clock's aware time; ``date_order``:
    the server's ``day_first`` / ``month_first``; ``ranges``: a range is a start and
    a length (meetings); ``day_alone``: ``"refuse"`` a day without a time, or
    ``"start_of_day"`` (its midnight). Every accepted time is within bounds:
    ``now < at <= now + MAX_AHEAD``, or, with a year typed, before the end of the
    year ``MAX_YEARS_AHEAD`` ahead (``allow_past`` lifts only the first).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = as_zone(tz)
    order = date_order if date_order in DATE_ORDERS else DAY_FIRST
    cleaned = _normalise(text)
    if not cleaned or len(cleaned) > MAX_TYPED:
        raise _unreadable(text)
    options = {"order": order, "ranges": ranges, "day_alone": day_alone, "allow_past": allow_past}
    first = _read_once(cleaned, text, zone, now, **options, force_pm=False)
    _part, clock, _length = _split(_strip_zone(cleaned)[0], ranges, text)
    if clock is None or not clock.bare:
        return _bounded(first, zone, now, allow_past=allow_past)
    # A bare 1 to 7 o'clock: the morning and the evening reading, each by the same rules.
    evening = _read_once(cleaned, text, zone, now, **options, force_pm=True)
    readings = []
    refusal: WhenError | None = None
    for reading in (first, evening):
        try:
            readings.append(_bounded(reading, zone, now, allow_past=allow_past))
        except WhenError as error:
            refusal = error
    if not readings:
        assert refusal is not None
        raise refusal
    if len(readings) == 1:
        return readings[0]
    return replace(first, other=evening.at)


def parse_when(
    text: str,
    tz: ZoneInfo | str,
    now: datetime,
    *,
    must_be_future: bool = True,
    date_order: str = DAY_FIRST,
) -> datetime:
    """One moment (a closing time, a new start), where nobody can be asked which was
    meant: a bare 1 to 7 o'clock that could be either is refused, asking for am or pm."""
    reading = read_time(text, tz, now, date_order=date_order, allow_past=not must_be_future)
    return definite(reading, text)


def definite(reading: Reading, text: str) -> datetime:
    """The instant of a reading that needs no question; else a kind refusal."""
    if reading.other is not None:
        raise am_or_pm_needed(reading, text)
    return reading.at


def am_or_pm_needed(reading: Reading, text: str) -> WhenError:
    return WhenError(
        "am_or_pm",
        f"'{_shown(text)}' could be morning or evening. Please add am or pm, "
        "like `6:30pm`, or use the 24-hour clock, like `18:30`.",
    )


def read_pause_until(
    text: str, tz: ZoneInfo | str, now: datetime, *, date_order: str = DAY_FIRST
) -> Reading:
    """A date to come back from stepping back: a day alone (``3 Dec``, ``tomorrow``)
    means the start of that day in ``tz``; a weekday alone whose start has passed
    (``friday`` on a Friday) is the next one, with a ``note`` saying so. Must be in
    the future, and need no am/pm question."""
    reading = read_time(text, tz, now, date_order=date_order, day_alone="start_of_day")
    definite(reading, text)
    return reading


def parse_pause_until(
    text: str, tz: ZoneInfo | str, now: datetime, *, date_order: str = DAY_FIRST
) -> datetime:
    """The instant of :func:`read_pause_until`."""
    return read_pause_until(text, tz, now, date_order=date_order).at


def parse_day(text: str, tz: ZoneInfo | str, now: datetime, *, date_order: str = DAY_FIRST) -> date:
    """A local date typed by a person (``24 Dec``, ``next tuesday``, ``2026-12-24``);
    a time, if typed too, only picks the day. Today counts; past days do not."""
    zone = as_zone(tz)
    reading = read_time(
        text, zone, now, date_order=date_order, day_alone="start_of_day", allow_past=True
    )
    if utc_to_wall(reading.at, zone).date() < utc_to_wall(now, zone).date():
        raise WhenError("past", f"'{_shown(text)}' has already passed. Please give a day to come.")
    return utc_to_wall(reading.at, zone).date()


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
