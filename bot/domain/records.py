"""The member's own record (issue 24): what they did, for them alone (rule 2).

Two kinds of line: activities an organiser confirmed they took part in (kept until
they leave), and meetings they said Going to that have taken place ("said going":
nobody checks who came, so that is all it claims), which come from their answers
and so last only as long as the server keeps answers. Pure: the adapters read the
rows and print the lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.errors import Refusal
from bot.domain.meetings import GOING, SERIES_KEY
from bot.domain.recurrence import Occurrence, Series, occurrence_for_key, occurrences_between
from bot.domain.text import clean_typed
from bot.domain.timefmt import utc_to_wall

NAME_LIMIT = 80
"""The longest name printed on a certificate (the form allows no more)."""


@dataclass(frozen=True)
class Activity:
    """One line of someone's record."""

    day: date
    title: str
    role: str | None = None
    hours: float | None = None
    said_going: bool = False


@dataclass(frozen=True)
class MeetingAnswer:
    """One of the person's answers to a meeting (`occ_key` '*' for the whole series)."""

    occ_key: str
    status: str
    answered_at: datetime


def meetings_said_going(
    title: str,
    series: Series,
    cancelled_at: datetime | None,
    answers: Iterable[MeetingAnswer],
    now: datetime,
    since: datetime,
) -> list[Activity]:
    """The meetings of one series this person said Going to that have ended by `now`
    and ended after `since` (the start of the retention period), soonest first.

    An answer for one date overrides a series answer for that date; a series answer
    counts only for meetings that started after it was given; a date cancelled, or
    anything after the meeting was cancelled, never took place.
    """
    answers = list(answers)
    one_date = {a.occ_key: a for a in answers if a.occ_key != SERIES_KEY}
    series_wide = next((a for a in answers if a.occ_key == SERIES_KEY), None)
    until = min(now, cancelled_at) if cancelled_at is not None else now

    def took_place(occ: Occurrence) -> bool:
        return since <= occ.end_utc <= now and occ.start_utc < until

    found: dict[str, Occurrence] = {}
    for key, answer in one_date.items():
        occ = occurrence_for_key(series, key)
        if answer.status == GOING and occ is not None and took_place(occ):
            found[key] = occ
    if series_wide is not None and series_wide.status == GOING:
        start = max(series_wide.answered_at, since - series.duration)
        if start < until:
            for occ in occurrences_between(series, start, until):
                if occ.key not in one_date and took_place(occ):
                    found[occ.key] = occ
    return [
        Activity(day=utc_to_wall(occ.start_utc, series.zone).date(), title=title, said_going=True)
        for occ in sorted(found.values(), key=lambda o: o.start_utc)
    ]


def in_order(activities: Iterable[Activity]) -> list[Activity]:
    """Oldest first; on one day, what they took part in before what they said going to."""
    return sorted(activities, key=lambda a: (a.day, a.said_going, a.title))


def hours_text(hours: float) -> str:
    """3.5 -> "3.5 hours", 1 -> "1 hour", 2.0 -> "2 hours"."""
    shown = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{shown} hour" if shown == "1" else f"{shown} hours"


def day_text(day: date) -> str:
    """20 November 2026 (the month spelled out, as everywhere)."""
    return f"{day.day} {day:%B %Y}"


def details(activity: Activity, said_going_words: str) -> list[str]:
    """What follows the title: the role, the hours, or that they said going."""
    if activity.said_going:
        return [said_going_words]
    parts = [activity.role] if activity.role else []
    if activity.hours is not None:
        parts.append(hours_text(activity.hours))
    return parts


def line(activity: Activity, said_going_words: str) -> str:
    """One plain line: "20 November 2026: Interview panel (panel member, 3 hours)"."""
    extra = details(activity, said_going_words)
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{day_text(activity.day)}: {activity.title}{tail}"


def total_hours(activities: Iterable[Activity]) -> float | None:
    """Hours across what they took part in, if any were given (said going counts none)."""
    given = [a.hours for a in activities if a.hours is not None and not a.said_going]
    return sum(given) if given else None


def certificate_name(typed: str, *, empty: str, too_long: str) -> str:
    """The name to print, as typed: invisible characters gone, spaces tidied, 1-80 long."""
    name = " ".join(clean_typed(typed, line_breaks=False).split())
    if not name:
        raise Refusal(empty)
    if len(name) > NAME_LIMIT:
        raise Refusal(too_long)
    return name
