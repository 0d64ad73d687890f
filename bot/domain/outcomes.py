"""Outcomes ("you said, we did", followed through): the status machine and what
organisers type (status, progress, review date). Pure: no Discord, no database.

An outcome is planned, in progress, done, delayed or not going ahead. Delayed and
not going ahead need a reason (what has happened says why). Done and not going
ahead are where it ends: nothing more is posted until it is reopened, which sets
it back to planned with a new review date. Only an outcome still under way has a
review date: by default three months ahead, in the future and within two years.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.errors import Refusal
from bot.domain.text import clean_typed
from bot.domain.timefmt import as_zone, plain_day, utc_to_wall
from bot.domain.when import DAY_FIRST, WhenError, parse_day

PLANNED = "planned"
IN_PROGRESS = "in_progress"
DONE = "done"
DELAYED = "delayed"
NOT_GOING_AHEAD = "not_going_ahead"
STATUSES = (PLANNED, IN_PROGRESS, DONE, DELAYED, NOT_GOING_AHEAD)
REOPEN = "reopen"
"""Not a status: the word that sets a finished outcome back to planned."""
FINISHED = frozenset({DONE, NOT_GOING_AHEAD})
NEEDS_REASON = frozenset({DELAYED, NOT_GOING_AHEAD})

LABELS = {
    PLANNED: "Planned",
    IN_PROGRESS: "In progress",
    DONE: "Done",
    DELAYED: "Delayed",
    NOT_GOING_AHEAD: "Not going ahead",
}
STATUS_WORDS = "planned, in progress, done, delayed, not going ahead"

MAX_STATEMENT = 1500
MAX_BODY = 1500
MAX_BY_WHEN = 100
DEFAULT_REVIEW_MONTHS = 3
MAX_REVIEW_YEARS = 2
NO_REVIEW_WORDS = frozenset({"none", "no", "clear", "never", "no review", "-"})

_SAID = {
    "planned": PLANNED,
    "plan": PLANNED,
    "in progress": IN_PROGRESS,
    "progress": IN_PROGRESS,
    "started": IN_PROGRESS,
    "underway": IN_PROGRESS,
    "under way": IN_PROGRESS,
    "done": DONE,
    "finished": DONE,
    "complete": DONE,
    "completed": DONE,
    "delayed": DELAYED,
    "not going ahead": NOT_GOING_AHEAD,
    "not happening": NOT_GOING_AHEAD,
    "reopen": REOPEN,
    "re open": REOPEN,
    "reopened": REOPEN,
}


def label(status: str) -> str:
    return LABELS.get(status, status)


def read_status(text: str | None, current: str | None = None) -> str:
    """A status typed in the form (any case, spaces, hyphens or underscores), or
    "reopen". Blank keeps the current status (planned for a new outcome)."""
    words = " ".join(re.sub(r"[-_]", " ", (text or "").lower()).split()).strip(" .!")
    if not words:
        return current or PLANNED
    found = _SAID.get(words)
    if found is None:
        raise Refusal(
            f"I couldn't read '{clean_typed(text or '', line_breaks=False)[:40]}' as a status. "
            f"Please write one of: {STATUS_WORDS} (or `reopen` for one that is finished)."
        )
    return found


def read_progress(text: str | None) -> int | None:
    """Progress as a whole number 0-100, with or without %; blank: none given."""
    typed = (text or "").strip()
    if not typed:
        return None
    match = re.fullmatch(r"(\d{1,3})\s*(%|percent|per cent)?", typed.lower())
    if match is None or int(match.group(1)) > 100:
        raise Refusal(
            "Please give progress as a whole number from 0 to 100, like `40` or `40%`, "
            "or leave it empty."
        )
    return int(match.group(1))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day if it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review(today: date) -> date:
    return add_months(today, DEFAULT_REVIEW_MONTHS)


def today_in(zone: str, now: datetime) -> date:
    return utc_to_wall(now, as_zone(zone)).date()


def read_review(
    text: str | None,
    zone: str,
    now: datetime,
    *,
    status: str,
    date_order: str = DAY_FIRST,
    blank_means_default: bool = True,
) -> date | None:
    """The next review date: typed (the shared time parser, in the server's zone),
    blank (three months ahead, or none if `blank_means_default` is off), or cleared
    with `none`. A finished outcome has none. Refuses a day not in the future or more
    than two years ahead."""
    if status in FINISHED:
        return None
    typed = " ".join((text or "").split())
    today = today_in(zone, now)
    if not typed:
        return default_review(today) if blank_means_default else None
    if typed.lower().strip(".") in NO_REVIEW_WORDS:
        return None
    try:
        day = parse_day(typed, zone, now, date_order=date_order)
    except WhenError as error:
        raise Refusal(
            f"{error} For the review date, try `3 March` or `in 6 weeks`, or `none` for no review."
        ) from error
    if day <= today:
        raise Refusal(
            f"The review date needs to be after today ({plain_day(today)}). "
            "Please give a day to come, like `in 3 months`, or `none`."
        )
    latest = add_months(today, 12 * MAX_REVIEW_YEARS)
    if day > latest:
        raise Refusal(
            f"Please choose a review date within two years (by {plain_day(latest)}), "
            "so members hear how it is going."
        )
    return day


@dataclass(frozen=True)
class Step:
    """What an update does: the new status, and how it shows on the timeline."""

    status: str
    kind: str  # "update" | "reopened"


def next_step(current: str, said: str, what_happened: str) -> Step:
    """Check an update against the status machine; refuse kindly if it cannot be."""
    if said == REOPEN:
        if current not in FINISHED:
            raise Refusal(
                f"This outcome is still open ({label(current)}), so there is nothing to reopen. "
                "Please choose its new status instead."
            )
        return Step(PLANNED, "reopened")
    if current in FINISHED:
        raise Refusal(
            f"This outcome is marked {label(current).lower()}. To post news about it, "
            "reopen it first: write `reopen` as the status (it goes back to planned, "
            "with a new review date)."
        )
    if said in NEEDS_REASON and not what_happened.strip():
        raise Refusal(
            f'Please say why it is {label(said).lower()} in "What has happened": '
            "members who asked for this deserve to know."
        )
    return Step(said, "update")


def clean_text(text: str | None, *, what: str, limit: int, required: bool) -> str:
    """Typed wording: cleaned (no control characters), trimmed, within its limit."""
    words = clean_typed(text or "").strip()
    if required and not words:
        raise Refusal(f"Please write {what}.")
    if len(words) > limit:
        raise Refusal(f"Please keep {what} to {limit} characters or fewer (it has {len(words)}).")
    return words


def clean_by_when(text: str | None) -> str | None:
    words = " ".join(clean_typed(text or "", line_breaks=False).split())
    if len(words) > MAX_BY_WHEN:
        raise Refusal(f'Please keep "by when" to {MAX_BY_WHEN} characters or fewer.')
    return words or None


def progress_text(progress: int | None) -> str:
    return f"{progress}%" if progress is not None else ""


def status_line(status: str, progress: int | None) -> str:
    """E.g. "In progress (40%)"."""
    shown = label(status)
    return f"{shown} ({progress}%)" if progress is not None else shown
