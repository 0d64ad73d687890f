"""Meeting rules: what a meeting is, who is reminded when, and what is still worth sending.

Pure: no Discord, no database. The repository (`db.meetings`) builds these from
rows; the cog asks here which occurrences to plan, at which minutes reminder
jobs must run, and which reminders are due when a job runs.

Reminders, in short:

* Only Going/Maybe answers count. An answer for one occurrence overrides the
  member's "all in this series" answer.
* A member's own reminder offsets (``/me settings``) replace the meeting's for
  them; ``()`` means they want none.
* A reminder that would fall in the member's quiet hours is sent one minute
  before those hours begin (:func:`bot.domain.quiet_hours.last_send_time_before`).
* A reminder whose time came before the person answered is not sent (nobody
  gets a "24 hours to go" two hours before).
* When a job runs late (the bot was down) and several of one person's
  reminders have come due, only the one nearest the meeting is sent.
* Still useful: nothing is sent once the meeting has started; the job is
  recorded as missed instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.errors import Refusal
from bot.domain.quiet_hours import QuietHours, last_send_time_before
from bot.domain.recurrence import Occurrence, Series, first_occurrence, next_occurrences
from bot.domain.when import MAX_OFFSET

GOING = "going"
MAYBE = "maybe"
NO = "no"
STATUSES = (GOING, MAYBE, NO)
ATTENDING = frozenset({GOING, MAYBE})
SERIES_KEY = "*"
"""The occ_key of an "all in this series" answer."""

DEFAULT_OFFSETS = (timedelta(hours=24), timedelta(hours=1))
MAX_TITLE = 100
MAX_PLACE = 200
MIN_DURATION = 5
MAX_DURATION = 24 * 60
PLAN_HORIZON = MAX_OFFSET + timedelta(days=2)
"""Occurrences starting within this are planned (the longest offset, plus quiet-hours slack)."""


# -- a meeting ---------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    id: int
    guild_id: int
    title: str
    place: str | None
    series: Series
    offsets: tuple[timedelta, ...]
    channel_id: int
    created_at: datetime
    post_outbox_id: int | None = None
    message_id: int | None = None
    shown_occ_key: str | None = None
    discord_event: bool = False
    event_id: int | None = None
    state: str = "scheduled"
    revision: int = 0
    cancelled_at: datetime | None = None
    network_id: int | None = None
    """Set when it was posted to every server of the home server's network."""

    @property
    def is_scheduled(self) -> bool:
        return self.state == "scheduled"

    @property
    def recurring(self) -> bool:
        return self.series.rule != "none"


def validate_title(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise Refusal("Please give the meeting a title. Nothing was posted.")
    if len(cleaned) > MAX_TITLE:
        raise Refusal(
            f"The title is {len(cleaned)} characters; please keep it to {MAX_TITLE}. "
            "Nothing was posted."
        )
    return cleaned


def validate_place(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_PLACE:
        raise Refusal(
            f"The place is {len(cleaned)} characters; please keep it to {MAX_PLACE}. "
            "Nothing was posted."
        )
    return cleaned


def validate_duration(minutes: int | None) -> int:
    if minutes is None:
        return 60
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise Refusal(
            f"Please give a length between {MIN_DURATION} and {MAX_DURATION} minutes "
            f"(you gave {minutes}). Nothing was posted."
        )
    return minutes


def offsets_to_text(offsets: Iterable[timedelta]) -> str:
    return ",".join(str(int(o.total_seconds()) // 60) for o in offsets)


def offsets_from_text(stored: str) -> tuple[timedelta, ...]:
    return tuple(timedelta(minutes=int(part)) for part in stored.split(",") if part)


# -- which occurrences ------------------------------------------------------------


def upcoming_occurrence(series: Series, now: datetime) -> Occurrence | None:
    """The next meeting of the series that has not started yet (None when there is none)."""
    found = next_occurrences(series, now, 1)
    return found[0] if found else None


def occurrences_to_plan(series: Series, now: datetime) -> list[Occurrence]:
    """The next occurrence, plus any others starting within PLAN_HORIZON (soonest first)."""
    found = next_occurrences(series, now, 8)
    if not found:
        return []
    return [found[0]] + [o for o in found[1:] if o.start_utc <= now + PLAN_HORIZON]


def remap_keys(old: Series, new: Series, now: datetime, limit: int = 60) -> dict[str, str]:
    """When a meeting's time or rule changes: the k-th upcoming old occurrence becomes
    the k-th upcoming new one, so answers follow the meeting people said yes to."""
    pairs = zip(next_occurrences(old, now, limit), next_occurrences(new, now, limit), strict=False)
    return {a.key: b.key for a, b in pairs if a.key != b.key}


def last_end(series: Series) -> datetime | None:
    """When the last meeting of a finite series ends; None for one that goes on."""
    if series.rule != "none" and series.until_local is None and series.count is None:
        return None
    last = first_occurrence(series)
    while more := next_occurrences(series, last.start_utc, 50):
        last = more[-1]
    return last.end_utc


# -- answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    user_id: int
    status: str
    show_name: bool
    answered_at: datetime
    series_wide: bool = False
    guild_id: int | None = None
    """The server the answer is counted in (where the person first answered)."""


def effective_answers(rows: Iterable[Answer], occ_key_rows: Iterable[Answer]) -> dict[int, Answer]:
    """Each person's answer for one occurrence: theirs for it, else their series answer."""
    found = {a.user_id: a for a in rows}
    found.update({a.user_id: a for a in occ_key_rows})
    return found


@dataclass(frozen=True)
class Tally:
    going: int = 0
    maybe: int = 0
    no: int = 0
    named: tuple[int, ...] = ()
    """Going/Maybe people who chose to show their name."""


def tally(answers: Mapping[int, Answer]) -> Tally:
    counts = {s: 0 for s in STATUSES}
    named = []
    for answer in answers.values():
        counts[answer.status] += 1
        if answer.show_name and answer.status in ATTENDING:
            named.append(answer.user_id)
    return Tally(counts[GOING], counts[MAYBE], counts[NO], tuple(sorted(named)))


def attending_by_server(
    answers: Mapping[int, Answer], guild_ids: Iterable[int] = ()
) -> dict[int, int]:
    """Going/Maybe answers per server, each person counted where they first answered.

    Every server in `guild_ids` appears, with 0 if nobody there is coming, so the
    breakdown cannot hint at which servers had anyone.
    """
    counts = dict.fromkeys(guild_ids, 0)
    for answer in answers.values():
        if answer.status in ATTENDING and answer.guild_id is not None:
            counts[answer.guild_id] = counts.get(answer.guild_id, 0) + 1
    return counts


# -- reminders -------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """A Going/Maybe member as reminders see them."""

    user_id: int
    answered_at: datetime
    zone: str
    quiet_hours: QuietHours | None = None
    own_offsets: tuple[timedelta, ...] | None = None
    """None: the meeting's offsets; () : no reminders."""


@dataclass(frozen=True, order=True)
class Reminder:
    send_at: datetime
    user_id: int
    offset: timedelta = field(compare=False)
    due_at: datetime = field(compare=False)
    answered_at: datetime = field(compare=False)

    @property
    def offset_minutes(self) -> int:
        return int(self.offset.total_seconds()) // 60


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def plan_reminders(
    start_utc: datetime, meeting_offsets: Iterable[timedelta], attendees: Iterable[Attendee]
) -> list[Reminder]:
    """Every reminder for one occurrence, by person and offset, with its send time."""
    default = tuple(meeting_offsets)
    planned = []
    for person in attendees:
        offsets = default if person.own_offsets is None else person.own_offsets
        for offset in offsets:
            due = start_utc - offset
            send_at = _minute(last_send_time_before(due, person.quiet_hours, person.zone))
            planned.append(Reminder(send_at, person.user_id, offset, due, person.answered_at))
    return sorted(planned)


def send_times(reminders: Iterable[Reminder], after: datetime) -> list[datetime]:
    """The distinct minutes, later than `after`, at which a reminder job must run."""
    return sorted({r.send_at for r in reminders if r.send_at > after})


@dataclass(frozen=True)
class DueReminders:
    send: list[Reminder]
    superseded: list[Reminder]
    """Came due too, but a nearer reminder to the same person goes instead."""


def reminders_due(
    reminders: Iterable[Reminder], handled_until: datetime, now: datetime
) -> DueReminders:
    """Reminders that came due in (handled_until, now], after the person answered.

    One per person: if several came due (a late run after downtime), the one
    nearest the meeting is sent and the others are superseded.
    """
    due = [r for r in reminders if max(handled_until, r.answered_at) < r.send_at <= now]
    nearest: dict[int, Reminder] = {}
    for reminder in due:
        best = nearest.get(reminder.user_id)
        if best is None or reminder.offset < best.offset:
            nearest[reminder.user_id] = reminder
    send = sorted(nearest.values())
    chosen = set(map(id, send))
    return DueReminders(send, [r for r in due if id(r) not in chosen])


def still_useful(start_utc: datetime, now: datetime) -> bool:
    """A reminder is only worth sending before the meeting starts."""
    return now < start_utc
