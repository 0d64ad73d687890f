"""Ideas members raise (rule 17): the threshold, the support ledger, the states and answers.

Pure rules: no Discord, no database. An idea is raised (``review`` while moderators
look at it, or ``open`` at once), may be refused with a reason (``refused``) or
withdrawn by its author (``withdrawn``), gathers support while open, and is
``answered`` by organisers. Support is a count (a column), never a list of names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import Refusal
from bot.strings import ideas as text

REVIEW = "review"
REFUSED = "refused"
OPEN = "open"
WITHDRAWN = "withdrawn"
ANSWERED = "answered"
STATES = (REVIEW, REFUSED, OPEN, WITHDRAWN, ANSWERED)
LIVE = (REVIEW, OPEN)  # a title may not be raised twice while one of these holds it

FORWARD = "forward"
HAPPENING = "happening"
NOT_NOW = "not_now"
ANSWERS = (FORWARD, HAPPENING, NOT_NOW)

MIN_THRESHOLD = 5  # below this, "waiting for an answer" would reveal a small exact count
MAX_THRESHOLD = 1000
DEFAULT_THRESHOLD = 5
MIN_ANSWER_DAYS = 1
MAX_ANSWER_DAYS = 365
DEFAULT_ANSWER_DAYS = 28
DAILY_LIMIT = 3  # new ideas per member per day

MAX_TITLE = 100
MAX_BODY = 2000
MAX_AFFECTS = 300
MAX_NOTE = 200
MAX_REASON = 1000
MAX_SUMMARY = 150


@dataclass(frozen=True)
class Idea:
    id: int
    guild_id: int
    author_id: int | None
    author_name: str | None
    title: str
    body: str | None
    affects: str | None
    content_note: str | None
    state: str
    refusal_reason: str | None
    supporters: int
    threshold_at: datetime | None
    answer: str | None
    answer_reason: str | None
    answer_summary: str | None
    answered_at: datetime | None
    review_channel_id: int | None
    review_outbox_id: int | None
    channel_id: int
    post_outbox_id: int | None
    message_id: int | None
    network_id: int | None
    created_at: datetime
    wants_network: bool = False  # raised with network:true: posted in every linked server
    words_public_at: datetime | None = None  # the author agreed: their words on public pages

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def waiting_for_answer(self) -> bool:
        return self.state == OPEN and self.threshold_at is not None


# -- settings ----------------------------------------------------------------------


def validate_threshold(threshold: int) -> int:
    """5 to 1000 supporters. Under 5 is refused kindly: the status would give away a count."""
    if threshold < MIN_THRESHOLD:
        raise Refusal(text.THRESHOLD_TOO_LOW.format(minimum=MIN_THRESHOLD, asked=threshold))
    if threshold > MAX_THRESHOLD:
        raise Refusal(text.THRESHOLD_TOO_HIGH.format(maximum=MAX_THRESHOLD, asked=threshold))
    return threshold


def validate_answer_days(days: int) -> int:
    if not MIN_ANSWER_DAYS <= days <= MAX_ANSWER_DAYS:
        raise Refusal(
            text.ANSWER_DAYS_OUT_OF_RANGE.format(
                low=MIN_ANSWER_DAYS, high=MAX_ANSWER_DAYS, asked=days
            )
        )
    return days


# -- raising -----------------------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    """What a member typed, checked and trimmed."""

    title: str
    body: str
    affects: str | None
    content_note: str | None


def _optional(value: str | None) -> str | None:
    cleaned = (value or "").strip()
    return cleaned or None


def check_raised(title: str, body: str, affects: str | None, content_note: str | None) -> Raised:
    """A new idea as typed; line breaks in the body are kept. Bad input changes nothing."""
    title = " ".join(title.split())
    body = body.strip()
    if not title:
        raise Refusal(text.TITLE_EMPTY)
    if not body:
        raise Refusal(text.BODY_EMPTY)
    if len(title) > MAX_TITLE:
        raise Refusal(text.TOO_LONG.format(what="title", limit=MAX_TITLE))
    if len(body) > MAX_BODY:
        raise Refusal(text.TOO_LONG.format(what="text", limit=MAX_BODY))
    return Raised(title, body, _optional(affects), _optional(content_note))


def check_daily_limit(raised_today: int) -> None:
    if raised_today >= DAILY_LIMIT:
        raise Refusal(text.DAILY_LIMIT.format(limit=DAILY_LIMIT))


def day_start(now: datetime) -> datetime:
    """The start of the (UTC) day the daily limit counts from."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


# -- the support ledger ---------------------------------------------------------------


def support_delta(already: bool, wants: bool) -> int:
    """How a press changes the count: idempotent (supporting twice counts once)."""
    if wants and not already:
        return 1
    if already and not wants:
        return -1
    return 0


def crosses_threshold(before: int, after: int, threshold: int) -> bool:
    """Did this change take support up to the threshold for the first time?"""
    return before < threshold <= after


def replay(presses: Iterable[tuple[int, bool]], threshold: int) -> tuple[set[int], int, int]:
    """Run presses (person, wants support) through the ledger, as the database does:
    the supporters, the count, and how many times the threshold notice would go
    (at most once: `threshold_at` is set the first time it is crossed)."""
    supporters: set[int] = set()
    count = 0
    notices = 0
    for person, wants in presses:
        delta = support_delta(person in supporters, wants)
        if delta > 0:
            supporters.add(person)
        elif delta < 0:
            supporters.discard(person)
        before, count = count, count + delta
        if notices == 0 and crosses_threshold(before, count, threshold):
            notices = 1
    return supporters, count, notices


def reminder_due(threshold_at: datetime, answer_days: int) -> datetime:
    return threshold_at + timedelta(days=answer_days)


# -- answering -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    answer: str
    reason: str | None
    summary: str


def check_answer(answer: str, reason: str | None, summary: str | None) -> Answer:
    """Organisers' answer; "Not now" needs a reason (rule 17)."""
    if answer not in ANSWERS:
        raise Refusal(text.ANSWER_UNKNOWN)
    reason = _optional(reason)
    summary = " ".join((summary or "").split())
    if answer == NOT_NOW and reason is None:
        raise Refusal(text.REASON_NEEDED)
    if not summary:
        raise Refusal(text.SUMMARY_NEEDED)
    return Answer(answer, reason, summary)


def check_refusal(reason: str | None) -> str:
    cleaned = _optional(reason)
    if cleaned is None:
        raise Refusal(text.REFUSAL_REASON_NEEDED)
    return cleaned
