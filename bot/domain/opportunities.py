"""Opportunities: places, first come or lottery, the waitlist, and what organisers see.

Pure rules (no Discord, no database). Declining is free (rule 2): a decline or a
withdrawal is stored only so the member's own answer can be shown back to them,
and organisers see declines and silence only as totals. Nothing here counts a
person's participation across opportunities.

Queue order is one integer per reply (`seq`): for `first_come` it is the order
people said yes; for `lottery` it is set by the draw, a shuffle with
`random.Random(seed)` over the entrants in a fixed order, so a stored seed
reproduces the draw exactly.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.errors import Refusal
from bot.domain.payments import Offer, expenses_of

FIRST_COME = "first_come"
LOTTERY = "lottery"
ALLOCATIONS = (FIRST_COME, LOTTERY)

# Reply states (what the member said) and place states (what that gives them).
INTERESTED = "interested"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
NO_PLACE = "none"  # a decline, a withdrawal, or a lottery entry not yet drawn

OPEN = "open"
CLOSED = "closed"
CANCELLED = "cancelled"

MAX_TITLE = 200
MAX_DESCRIPTION = 3000
MAX_SHORT_NOTE = 300
MAX_WHEN_TEXT = 200
MAX_PLACES = 1000


@dataclass(frozen=True)
class Opportunity:
    id: int
    guild_id: int
    channel_id: int
    title: str
    description: str
    when_text: str | None = None
    when_at: datetime | None = None
    places: int | None = None
    allocation: str = FIRST_COME
    payment: str | None = None
    content_note: str | None = None
    closes_at: datetime | None = None
    state: str = OPEN
    seed: int = 0
    drawn_at: datetime | None = None
    posted_by: int | None = None
    post_outbox_id: int | None = None
    message_id: int | None = None
    created_at: datetime | None = None
    closed_at: datetime | None = None
    invited: int | None = None
    skipped_by_preference: int | None = None
    answers_erased_at: datetime | None = None
    network_id: int | None = None
    """Set when it was posted to every server of the home server's network."""
    fee_pence: int | None = None  # structured payment (issue 24; bot/domain/payments.py)
    fee_per: str | None = None
    voucher: bool = False
    expenses: str | None = None  # "travel,care": the kinds of expenses covered
    happened_at: datetime | None = None  # "took part" last confirmed

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def offer(self) -> Offer:
        """The fee, voucher and expenses offered (bot/domain/payments.py)."""
        return Offer(self.fee_pence, self.fee_per, self.voucher, expenses_of(self.expenses))

    @property
    def is_lottery(self) -> bool:
        return self.allocation == LOTTERY and self.places is not None

    @property
    def places_allocated_now(self) -> bool:
        """Do yeses get (or queue for) a place straight away? Lotteries wait for the draw."""
        return self.places is not None and (not self.is_lottery or self.drawn_at is not None)


@dataclass(frozen=True)
class Reply:
    """One member's answer to one opportunity (their own server and id)."""

    guild_id: int
    user_id: int
    state: str
    place: str = NO_PLACE
    seq: int | None = None
    show_name_to_host: bool = True

    @property
    def key(self) -> tuple[int, int]:
        return (self.guild_id, self.user_id)


# -- checking what an organiser typed --------------------------------------------


def clean_text(value: str | None, *, what: str, limit: int, required: bool = False) -> str | None:
    if value is None or not value.strip():
        if required:
            raise Refusal(f"Please write a {what}. Nothing was posted.")
        return None
    cleaned = value.strip()
    if len(cleaned) > limit:
        raise Refusal(
            f"The {what} is {len(cleaned)} characters; please keep it to {limit}. "
            "Nothing was changed."
        )
    return cleaned


def check_places(places: int | None) -> int | None:
    if places is None:
        return None
    if not 1 <= places <= MAX_PLACES:
        raise Refusal(
            f"Places must be a whole number from 1 to {MAX_PLACES} (or leave it out for "
            "no limit). Nothing was changed."
        )
    return places


def check_allocation(allocation: str, places: int | None, closes_at: datetime | None) -> str:
    if allocation not in ALLOCATIONS:
        raise Refusal("Please choose first_come or lottery. Nothing was posted.")
    if allocation == LOTTERY:
        if places is None:
            raise Refusal(
                "A lottery shares out a number of places, so please add `places` too "
                "(or choose first_come). Nothing was posted."
            )
        if closes_at is None:
            raise Refusal(
                "A lottery is drawn at the closing date, so please add `closes` too, "
                "for example `closes: next friday 5pm`. Nothing was posted."
            )
    return allocation


def check_closes(closes_at: datetime | None, now: datetime) -> datetime | None:
    if closes_at is not None and closes_at <= now:
        raise Refusal("The closing date needs to be in the future. Nothing was changed.")
    return closes_at


# What `/opportunity edit clear:` can take away, and the columns that hold it.
CLEARABLE: dict[str, tuple[str, ...]] = {
    "payment": ("payment",),
    "offer": ("fee_pence", "fee_per", "voucher", "expenses"),
    "content_note": ("content_note",),
    "when": ("when_text", "when_at"),
    "closes": ("closes_at",),
}
CLEARABLE_NAMES = {
    "payment": "payment note",
    "offer": "fee, voucher and expenses offered",
    "content_note": "content note",
    "when": "when it happens",
    "closes": "closing date",
}


def clear_changes(opp: Opportunity, what: str, also_set: set[str]) -> dict[str, None]:
    """The columns to empty when an organiser removes `what` from an open opportunity.

    A lottery keeps its closing date (it is drawn then), and nothing may be both
    given a new value and removed in the same edit.
    """
    if what not in CLEARABLE:
        raise Refusal("Please pick what to remove from the list. Nothing was changed.")
    name = CLEARABLE_NAMES[what]
    if set(CLEARABLE[what]) & also_set:
        raise Refusal(
            f"You gave a new {name} and asked to remove it in the same edit; please do one "
            "or the other. Nothing was changed."
        )
    if what == "closes" and opp.is_lottery:
        raise Refusal(
            "A lottery is drawn at its closing date, so it needs one. You can move the date "
            "with `closes`, or close it now with `/opportunity close`. Nothing was changed."
        )
    return dict.fromkeys(CLEARABLE[what])


def check_new_places(opp: Opportunity, places: int | None, confirmed: int) -> int | None:
    """Places after an edit: never fewer than the people who already hold one."""
    places = check_places(places)
    if places is None:
        return None
    if opp.places_allocated_now and places < confirmed:
        raise Refusal(
            f"{confirmed} people already have a place, so there can't be fewer than "
            f"{confirmed} places. Nothing was changed."
        )
    return places


# -- answering --------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerResult:
    reply: Reply
    changed: bool
    previous: str | None
    """The member's state before (None: first answer)."""
    position: int | None = None
    """Their place on the waitlist (1 = next), if waitlisted."""


def check_can_answer(opp: Opportunity, answer: str, previous: Reply | None) -> None:
    """Refuses kindly where an answer cannot be taken; nothing changes then."""
    if opp.state == CANCELLED:
        raise Refusal(
            "This opportunity was cancelled, so it isn't taking replies. Nothing was changed."
        )
    if answer == INTERESTED and not opp.is_open:
        if previous is not None and previous.state == INTERESTED:
            return  # pressing yes again is fine: it just shows their place
        raise Refusal(
            "This opportunity has closed, so it isn't taking new replies. "
            "Thank you for looking. Nothing was changed."
        )


def place_for_new_yes(opp: Opportunity, confirmed: int) -> str:
    if opp.places is None:
        return CONFIRMED
    if not opp.places_allocated_now:
        return NO_PLACE  # in the lottery draw
    return CONFIRMED if confirmed < opp.places else WAITLISTED


def to_promote(opp: Opportunity, replies: Iterable[Reply]) -> list[Reply]:
    """Waitlisted replies that now get a place, first in queue order first."""
    if not opp.places_allocated_now or opp.places is None or opp.state == CANCELLED:
        return []
    replies = list(replies)
    confirmed = sum(1 for r in replies if r.place == CONFIRMED)
    free = opp.places - confirmed
    if free <= 0:
        return []
    waiting = sorted(
        (r for r in replies if r.place == WAITLISTED), key=lambda r: (r.seq or 0, r.key)
    )
    return waiting[:free]


def waitlist_position(reply: Reply, replies: Iterable[Reply]) -> int | None:
    if reply.place != WAITLISTED:
        return None
    ahead = [
        r
        for r in replies
        if r.place == WAITLISTED and (r.seq or 0, r.key) < (reply.seq or 0, reply.key)
    ]
    return len(ahead) + 1


# -- the lottery -------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    confirmed: list[tuple[int, int]]
    waitlisted: list[tuple[int, int]]
    """In order: the first here is offered the next free place."""


def draw_lottery(places: int, entrants: Iterable[tuple[int, int]], seed: int) -> Draw:
    """A fair draw: every entrant equally likely, reproducible from the stored seed.

    Entrants are (guild_id, user_id). They are sorted first, so the order people
    answered in (or the order the database returns them) makes no difference.
    """
    order = sorted(set(entrants))
    random.Random(seed).shuffle(order)
    return Draw(confirmed=order[:places], waitlisted=order[places:])


def new_seed() -> int:
    return random.SystemRandom().getrandbits(62)


# -- what organisers see -------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    guild_id: int
    user_id: int
    name: str | None
    """The member's preferred name; None = show a mention instead."""
    access_needs: str | None


@dataclass(frozen=True)
class Roster:
    confirmed: list[RosterEntry] = field(default_factory=list)
    waitlisted: list[RosterEntry] = field(default_factory=list)
    in_draw: list[RosterEntry] = field(default_factory=list)
    unnamed_yes: int = 0
    """People from other servers who said yes without sharing their name."""
    declined: int = 0
    no_reply: int = 0
    yes_by_server: dict[int, int] = field(default_factory=dict)
    """Network items only: yeses per server (shown with small-group suppression)."""


def may_name(opp: Opportunity, reply: Reply, viewer_guild_id: int) -> bool:
    """May organisers of `viewer_guild_id` see this yes-sayer's name and access needs?

    Their own server's members, always. Members of other servers in a network, only
    for the home server's organisers and only if the member agreed (default: no).
    Organisers of another linked server never see names from beyond their server.
    """
    if reply.guild_id == viewer_guild_id:
        return True
    return viewer_guild_id == opp.guild_id and reply.show_name_to_host


def build_roster(
    opp: Opportunity,
    replies: Sequence[Reply],
    profiles: dict[tuple[int, int], tuple[str | None, str | None]],
    members_here: int,
    *,
    viewer_guild_id: int | None = None,
    reached_guilds: Iterable[int] | None = None,
) -> Roster:
    """Names only for people who said yes (rule 2); declines and silence only as totals.

    `profiles` maps (guild_id, user_id) to (preferred name, access needs) for the
    people who may be named. `members_here` counts the people the opportunity
    reached (distinct members of `reached_guilds`, default the home server), from
    which "no reply" is worked out. `viewer_guild_id` is the organisers' server
    (default the home server): see `may_name`.
    """
    viewer = opp.guild_id if viewer_guild_id is None else viewer_guild_id
    reached = frozenset(reached_guilds) if reached_guilds is not None else {opp.guild_id}
    yes = [r for r in replies if r.state == INTERESTED]
    ordered = sorted(yes, key=lambda r: (r.seq or 0, r.key))
    confirmed: list[RosterEntry] = []
    waitlisted: list[RosterEntry] = []
    in_draw: list[RosterEntry] = []
    unnamed = 0
    for reply in ordered:
        if not may_name(opp, reply, viewer):
            unnamed += 1
            continue
        name, needs = profiles.get(reply.key, (None, None))
        entry = RosterEntry(reply.guild_id, reply.user_id, name, needs)
        if reply.place == CONFIRMED:
            confirmed.append(entry)
        elif reply.place == WAITLISTED:
            waitlisted.append(entry)
        else:
            in_draw.append(entry)
    declined = sum(1 for r in replies if r.state in (DECLINED, WITHDRAWN))
    answered_here = sum(1 for r in replies if r.guild_id in reached)
    return Roster(
        confirmed=confirmed,
        waitlisted=waitlisted,
        in_draw=in_draw,
        unnamed_yes=unnamed,
        declined=declined,
        no_reply=max(0, members_here - answered_here),
        yes_by_server=yes_by_server(replies, reached) if opp.network_id is not None else {},
    )


def yes_by_server(replies: Iterable[Reply], guild_ids: Iterable[int] = ()) -> dict[int, int]:
    """How many said yes in each server (counted where each person first answered).

    Every server in `guild_ids` appears, with 0 if nobody there said yes, so the
    breakdown cannot hint at which servers had anyone.
    """
    counts = dict.fromkeys(guild_ids, 0)
    for reply in replies:
        if reply.state == INTERESTED:
            counts[reply.guild_id] = counts.get(reply.guild_id, 0) + 1
    return counts


@dataclass(frozen=True)
class FanOutSummary:
    sent: int
    skipped: int
    undeliverable: int
    waiting: int = 0
    """Held until someone's quiet hours end."""


def summarise_fan_out(counts: dict[str, int], skipped_up_front: int) -> FanOutSummary:
    """The organiser's one line: outbox states for the batch plus those not chosen."""
    return FanOutSummary(
        sent=counts.get("sent", 0),
        skipped=skipped_up_front + counts.get("skipped", 0),
        undeliverable=counts.get("undeliverable", 0) + counts.get("failed", 0),
        waiting=counts.get("pending", 0),
    )
