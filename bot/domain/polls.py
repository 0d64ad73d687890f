"""Poll lifecycle rules: creating, voting, closing, and keeping anonymous votes anonymous.

Ballot validation and counting live in :mod:`bot.domain.ballots` and
:mod:`bot.domain.tally`; small-group suppression in :mod:`bot.domain.suppression`.
This module holds what a poll *is* and what may happen to it:

- the settings a new poll may have (an anonymous poll shows results only at
  close: live counts plus the order people voted in would give votes away);
- whether a vote can be taken now (open, not past its closing time);
- the keyed hash that links a voter to their ballot while the poll is open
  (rule 8), and the random ballot id;
- the frozen result (a :class:`TallyResult` as JSON) and the group breakdown
  with suppression (rule 9);
- the state carried in a ballot screen's custom ids (ranked and points), which
  keeps the ballot working across restarts without anything held in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.ballots import (
    MAX_POINTS,
    Ballot,
    MultiBallot,
    PollKind,
    PollSetupError,
    RankedBallot,
    SingleBallot,
    poll_kind,
    validate_max_choices,
)
from bot.domain.errors import Refusal
from bot.domain.suppression import (
    DEFAULT_THRESHOLD as MIN_TURNOUT,
)
from bot.domain.suppression import (
    Shown,
    SuppressedBreakdown,
    hide_rows,
    suppress_breakdown,
)
from bot.domain.tally import RunoffRound, TallyResult

RESULTS_LIVE = "live"
RESULTS_AT_CLOSE = "at_close"
RESULTS_MODES = (RESULTS_LIVE, RESULTS_AT_CLOSE)
MAX_CONTENT_NOTE = 200
MAX_REASON = 500
MAX_OUTCOME = 1500
MAX_OUTCOME_BY = 100
SECRET_BYTES = 32

# Groups in a breakdown, in this order. "Prefer not to say" and "not given" are one
# group: both mean the person chose not to tell us, and merging keeps groups larger.
BREAKDOWN_GROUPS = ("lived_experience", "carer", "staff", "not_said")


class PollClosed(Refusal):
    """A vote or ballot step arrived after the poll closed."""


class CountedBeforeLeaving(Refusal):
    """This person's anonymous ballot in an open poll was unlinked from them when they
    left the server it counted in: it still counts, so they cannot cast another."""

    def __init__(self) -> None:
        super().__init__(
            "You've already voted in this poll, and your vote still counts. When you left, "
            "we cut the link between you and that vote, so nobody can tell how you voted; "
            "until the poll closes we keep only a note that you've voted, not how. That's "
            "why you can't change it or vote again here. You can still vote in other polls."
        )


@dataclass(frozen=True)
class PollSettings:
    """What the organiser chose for a new poll, already checked."""

    kind: PollKind
    max_choices: int | None
    anonymous: bool
    results: str
    closes_at: datetime | None
    content_note: str | None
    reasons: bool


@dataclass(frozen=True)
class Poll:
    id: int
    guild_id: int
    kind: PollKind
    question: str
    options: tuple[str, ...]
    max_choices: int | None
    anonymous: bool
    results: str
    closes_at: datetime | None
    content_note: str | None
    reasons: bool
    channel_id: int
    message_id: int | None
    post_outbox_id: int | None
    state: str
    created_at: datetime
    closed_at: datetime | None = None
    turnout: int | None = None
    result: TallyResult | None = None
    breakdown: Breakdown | None = None
    results_outbox_id: int | None = None
    outcome_text: str | None = None
    outcome_by: str | None = None
    outcome_at: datetime | None = None
    answers_erased_at: datetime | None = None
    network_id: int | None = None  # shared with every server of this network
    server_turnout: dict[int, int] | None = None  # voters per server, frozen at close

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def live(self) -> bool:
        return self.results == RESULTS_LIVE


# -- creating -------------------------------------------------------------------


def check_settings(
    *,
    kind: str,
    max_choices: int | None,
    anonymous: bool,
    results: str,
    closes_at: datetime | None,
    content_note: str | None,
    reasons: bool,
) -> PollSettings:
    """Check a new poll's options (before the modal opens). Raises a kind Refusal."""
    chosen = poll_kind(kind)
    if results not in RESULTS_MODES:
        raise PollSetupError("Results can be shown `live` or `at_close`.")
    if anonymous and results == RESULTS_LIVE:
        raise PollSetupError(
            "An anonymous poll shows its results when it closes. Counts that change as "
            "people vote could show how someone voted. Please choose `results:at_close`, "
            "or make the poll named with `anonymous:false`."
        )
    note = " ".join(content_note.split()) if content_note else None
    if note is not None and len(note) > MAX_CONTENT_NOTE:
        raise PollSetupError(
            f"The content note is {len(note)} characters long. Please keep it to "
            f"{MAX_CONTENT_NOTE} or fewer: it is a short warning, shown before the poll."
        )
    return PollSettings(
        kind=chosen,
        max_choices=validate_max_choices(chosen, max_choices),
        anonymous=anonymous,
        results=results,
        closes_at=closes_at,
        content_note=note or None,
        reasons=reasons,
    )


def fit_max_choices(settings: PollSettings, n_options: int) -> int | None:
    """A limit at or above the number of options means "as many as you like"."""
    if settings.max_choices is None or settings.max_choices >= n_options:
        return None
    return settings.max_choices


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def new_ballot_id() -> str:
    """128 random bits: says nothing about who voted or when."""
    return secrets.token_hex(16)


def voter_key(secret: bytes, guild_id: int, user_id: int) -> str:
    """HMAC-SHA256 with the poll's secret over "guild:user" (rule 8).

    `guild_id` is always the poll's home server, whichever server the person votes
    from, so the key names one person per poll: in a network-wide poll a member of
    two linked servers has one ballot, not two.

    Without the secret (destroyed at close) nobody can compute it, so it cannot be
    matched to a person; it is also set to NULL at close.
    """
    return _keyed(secret, f"{guild_id}:{user_id}")


def ballot_key(
    poll_secret: bytes, app_secret: bytes, anonymous: bool, guild_id: int, user_id: int
) -> str:
    """The key an open ballot is found by (to change a vote).

    Named polls: `voter_key` (the ballot names its voter anyway). Anonymous polls:
    HMAC-SHA256 with the bot's own secret (`SPEAKBACK_SECRET` or the secret file,
    kept outside the database) over `voter_key`. The poll's secret lives in the
    database while the poll is open, so a copy of the database alone could compute
    `voter_key` for every member and match it; without the bot's secret it can
    match nothing. A copy of the data folder with the secret file can, until close.
    """
    inner = voter_key(poll_secret, guild_id, user_id)
    if not anonymous:
        return inner
    if len(app_secret) < 16:
        raise ValueError("the bot's secret must be at least 16 bytes")
    return hmac.new(app_secret, f"ballot:{inner}".encode(), hashlib.sha256).hexdigest()


def secret_fingerprint(app_secret: bytes) -> str:
    """A keyed fingerprint of the bot's secret, kept in the database (`meta`), so that
    start-up can tell the secret changed without storing anything that reveals it."""
    if len(app_secret) < 16:
        raise ValueError("the bot's secret must be at least 16 bytes")
    return hmac.new(app_secret, b"speakback:secret-fingerprint", hashlib.sha256).hexdigest()


def unlinked_voter_key() -> str:
    """What an anonymous ballot's key becomes when its voter leaves while the poll is
    open: random, the same shape as `voter_key`, so nothing marks the ballot as a
    leaver's or links it to anyone."""
    return secrets.token_hex(32)


def left_voter_key(secret: bytes, app_secret: bytes, guild_id: int, user_id: int) -> str:
    """What stands in for someone whose anonymous ballot was unlinked from them when
    they left (rule 4), so that leaving and coming back cannot cast a second one.

    Over "left:guild:user", so it matches no ballot: it says only "this person's vote
    is already counted", and goes with the poll's secret at close. Keyed with the
    bot's own secret (`SPEAKBACK_SECRET`, kept outside the database) as well as the
    poll's (kept inside it while open): a copy of the database alone cannot test
    whose note it is, so it cannot tell who left, let alone which ballot was theirs.
    """
    if len(app_secret) < 16:
        raise ValueError("the bot's secret must be at least 16 bytes")
    return _keyed(secret + app_secret, f"left:{guild_id}:{user_id}")


def _keyed(secret: bytes, text: str) -> str:
    if len(secret) < 16:
        raise ValueError("a poll secret must be at least 16 bytes")
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


# -- voting ----------------------------------------------------------------------


def check_can_vote(poll: Poll, now: datetime) -> None:
    """Refuse kindly if the poll no longer takes votes."""
    check_open(poll.state, poll.closes_at, now)


def check_open(state: str, closes_at: datetime | None, now: datetime) -> None:
    if state != "open":
        raise PollClosed(
            "This poll has closed, so votes can't be changed any more. "
            "Use `/poll results` to see what people said."
        )
    if closes_at is not None and now >= closes_at:
        raise PollClosed(
            "This poll reached its closing time, so it no longer takes votes. "
            "The results will be posted shortly."
        )


def clean_reason(text: str | None) -> str | None:
    reason = (text or "").strip()
    if len(reason) > MAX_REASON:
        raise Refusal(f"Please keep your reason to {MAX_REASON} characters or fewer.")
    return reason or None


def clean_outcome(decided: str, by_when: str) -> tuple[str, str]:
    decided = decided.strip()
    by_when = " ".join(by_when.split())
    if not decided:
        raise Refusal("Please write what was decided.")
    if not by_when:
        raise Refusal("Please say by when, for example `by the end of March`.")
    if len(decided) > MAX_OUTCOME or len(by_when) > MAX_OUTCOME_BY:
        raise Refusal(
            f"Please keep what was decided to {MAX_OUTCOME} characters and by when to "
            f"{MAX_OUTCOME_BY}."
        )
    return decided, by_when


# -- ranked and points ballot screens -----------------------------------------------
# A ballot screen carries its progress in the custom id ("0.4.2" = options 1, 5
# and 3 ranked so far; "0-3.4-2" = 3 points to option 1, 2 to option 5), so it
# needs no memory and survives a restart. 25 options fit in under 80 characters.


def encode_ranking(ranking: Sequence[int]) -> str:
    return ".".join(str(i) for i in ranking) or "-"


def decode_ranking(text: str, n_options: int) -> tuple[int, ...]:
    if text in ("", "-"):
        return ()
    ranking = tuple(_index(part, n_options) for part in text.split("."))
    if len(set(ranking)) != len(ranking):
        raise Refusal("That ballot screen is out of date. Please press Vote again.")
    return ranking


def encode_points(points: Mapping[int, int]) -> str:
    return ".".join(f"{i}-{p}" for i, p in sorted(points.items()) if p > 0) or "-"


def decode_points(text: str, n_options: int) -> dict[int, int]:
    if text in ("", "-"):
        return {}
    points: dict[int, int] = {}
    for part in text.split("."):
        index, _, value = part.partition("-")
        amount = _whole(value)
        if not 0 < amount <= MAX_POINTS:
            raise Refusal("That ballot screen is out of date. Please press Vote again.")
        points[_index(index, n_options)] = amount
    if sum(points.values()) > MAX_POINTS:
        raise Refusal("That ballot screen is out of date. Please press Vote again.")
    return points


def give_points(points: Mapping[int, int], option: int, amount: int) -> dict[int, int]:
    """Set one option's points; refuses a total over 10, saying how many are left."""
    others = sum(p for i, p in points.items() if i != option)
    if amount < 0:
        raise Refusal("Points can't be below 0.")
    if others + amount > MAX_POINTS:
        raise Refusal(
            f"That would make {others + amount} points. You have {MAX_POINTS - others} "
            "left to give to this option."
        )
    updated = {i: p for i, p in points.items() if i != option}
    if amount:
        updated[option] = amount
    return updated


def _index(text: str, n_options: int) -> int:
    index = _whole(text)
    if not 0 <= index < n_options:
        raise Refusal("That ballot screen is out of date. Please press Vote again.")
    return index


def _whole(text: str) -> int:
    if not text.isdigit():
        raise Refusal("That ballot screen is out of date. Please press Vote again.")
    return int(text)


# -- results ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupResult:
    group: str
    shown: Shown
    count: int | None  # responses, None when suppressed
    totals: tuple[int, ...] | None  # per option, only for groups shown as a count


@dataclass(frozen=True)
class Breakdown:
    groups: tuple[GroupResult, ...]
    total: int
    threshold: int


def too_few_to_show(poll: Poll) -> bool:
    """An anonymous poll with fewer than 5 ballots shows no per-option results (rule 9):
    no totals, chart, headline, rounds, breakdown or ballot rows, only how many voted."""
    return poll.anonymous and poll.result is not None and poll.result.ballots < MIN_TURNOUT


def breakdown_group(stored: str | None) -> str:
    """The breakdown group for a self-described group captured at vote time."""
    if stored in ("lived_experience", "carer", "staff"):
        return stored
    return "not_said"


def compute_breakdown(
    kind: PollKind | str,
    options: Sequence[str],
    ballots_with_groups: Sequence[tuple[Ballot, str | None]],
) -> Breakdown:
    """Results by self-described group, with small groups suppressed (rule 9).

    Every group is listed even with no responses, so a group's presence says
    nothing. Only groups shown as a count get their own totals.
    """
    by_group: dict[str, list[Ballot]] = {group: [] for group in BREAKDOWN_GROUPS}
    for ballot, group in ballots_with_groups:
        by_group[breakdown_group(group)].append(ballot)
    suppressed: SuppressedBreakdown = suppress_breakdown(
        {group: len(found) for group, found in by_group.items()}
    )
    rows = {
        figure.group: _row_cells(kind, options, by_group[figure.group])
        for figure in suppressed.figures
        if figure.shown is Shown.COUNT
    }
    hidden = hide_rows(rows, suppressed.threshold)
    groups = []
    for figure in suppressed.figures:
        if figure.group in hidden:
            groups.append(GroupResult(figure.group, Shown.PROTECTIVE, None, None))
            continue
        totals = rows.get(figure.group)
        groups.append(GroupResult(figure.group, figure.shown, figure.count, totals))
    return Breakdown(tuple(groups), suppressed.total, suppressed.threshold)


def _row_cells(
    kind: PollKind | str, options: Sequence[str], ballots: Sequence[Ballot]
) -> tuple[int, ...]:
    """A group's cells: people per option. Ranked polls count first preferences and
    points polls voters per option (anyone giving it a point), never point totals."""
    cells = [0] * len(options)
    for ballot in ballots:
        for index in _people_cells(ballot):
            if 0 <= index < len(cells):
                cells[index] += 1
    return tuple(cells)


def _people_cells(ballot: Ballot) -> set[int]:
    """The options one person counts towards in a group row."""
    if isinstance(ballot, SingleBallot):
        return {ballot.choice}
    if isinstance(ballot, MultiBallot):
        return set(ballot.choices)
    if isinstance(ballot, RankedBallot):
        return set(ballot.ranking[:1])
    return {index for index, points in ballot.points.items() if points > 0}


def result_to_json(result: TallyResult) -> str:
    return json.dumps(
        {
            "kind": result.kind.value,
            "options": list(result.options),
            "totals": list(result.totals),
            "ballots": result.ballots,
            "value_label": result.value_label,
            "winners": list(result.winners),
            "headline": result.headline,
            "exhausted": result.exhausted,
            "rounds": [
                {
                    "number": r.number,
                    "counts": [[i, v] for i, v in r.counts.items()],
                    "exhausted": r.exhausted,
                    "eliminated": list(r.eliminated),
                    "winner": r.winner,
                    "explanation": r.explanation,
                }
                for r in result.rounds
            ],
        },
        ensure_ascii=False,
    )


def result_from_json(text: str) -> TallyResult:
    data = json.loads(text)
    return TallyResult(
        kind=poll_kind(data["kind"]),
        options=tuple(data["options"]),
        totals=tuple(data["totals"]),
        ballots=data["ballots"],
        value_label=data["value_label"],
        winners=tuple(data["winners"]),
        headline=data["headline"],
        exhausted=data["exhausted"],
        rounds=tuple(
            RunoffRound(
                number=r["number"],
                counts={int(i): v for i, v in r["counts"]},
                exhausted=r["exhausted"],
                eliminated=tuple(r["eliminated"]),
                winner=r["winner"],
                explanation=r["explanation"],
            )
            for r in data["rounds"]
        ),
    )


def breakdown_to_json(breakdown: Breakdown) -> str:
    return json.dumps(
        {
            "total": breakdown.total,
            "threshold": breakdown.threshold,
            "groups": [
                {
                    "group": g.group,
                    "shown": g.shown.value,
                    "count": g.count,
                    "totals": None if g.totals is None else list(g.totals),
                }
                for g in breakdown.groups
            ],
        }
    )


def breakdown_from_json(text: str) -> Breakdown:
    data: dict[str, Any] = json.loads(text)
    return Breakdown(
        groups=tuple(
            GroupResult(
                g["group"],
                Shown(g["shown"]),
                g["count"],
                None if g["totals"] is None else tuple(g["totals"]),
            )
            for g in data["groups"]
        ),
        total=data["total"],
        threshold=data["threshold"],
    )
