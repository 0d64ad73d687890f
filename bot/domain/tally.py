"""Counting poll results, for every kind, with explanations people can read.

``single`` and ``multi``: each option's total is the number of ballots that chose it.
``points``: each option's total is the sum of the points it was given.

``ranked`` is counted by instant-runoff:

1. Each ballot counts for its highest-ranked option still in the running.
2. An option with more than half of the ballots still counting wins. Ballots whose
   ranked options are all out are "exhausted": they are reported, and not counted
   in that half (people may rank only some options).
3. Otherwise options are taken out and their ballots move on to each voter's next
   choice, and the count repeats. Options with no votes at all are taken out
   together (that cannot change the result). Otherwise the option with the fewest
   votes is taken out.

Tie rule, when options tie for the fewest votes: look back at earlier rounds,
most recent first, and take out the option that had fewer votes then (round 1 is
the first preferences). If they were level in every earlier round, take out the one
listed later in the poll. So a result never depends on the order ballots arrived.

The ``totals`` of a ranked result are first preferences (each ballot counted once);
the runoff itself is in ``rounds``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.domain.ballots import (
    Ballot,
    MultiBallot,
    PointsBallot,
    PollKind,
    RankedBallot,
    SingleBallot,
    poll_kind,
)

T = TypeVar("T")

_NAME_LIMIT = 60  # option names in explanations; the chart and embed show them in full
NO_BALLOTS = "Nobody voted, so there is no result."


@dataclass(frozen=True)
class RunoffRound:
    """One round of an instant-runoff count."""

    number: int
    counts: Mapping[int, int]  # option index -> votes, for options still in the running
    exhausted: int  # ballots with no ranked option left in the running
    eliminated: tuple[int, ...] = ()
    winner: int | None = None
    explanation: str = ""

    @property
    def continuing(self) -> int:
        """Ballots still counting in this round."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class TallyResult:
    """A poll's result, ready for an embed, a chart (``options``/``totals``) and a CSV."""

    kind: PollKind
    options: tuple[str, ...]
    totals: tuple[int, ...]  # per option, in poll order; ranked: first preferences
    ballots: int
    value_label: str  # what ``totals`` count: "votes", "points", "first choices"
    winners: tuple[int, ...]  # top option(s); ranked: the one runoff winner; () if no ballots
    headline: str  # one plain sentence saying who came top
    rounds: tuple[RunoffRound, ...] = field(default=())
    exhausted: int = 0  # ranked: ballots exhausted by the final round

    @property
    def explanation(self) -> list[str]:
        """The headline, then for ranked polls one line per round."""
        return [self.headline, *(r.explanation for r in self.rounds)]


def tally(kind: PollKind | str, options: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Count ``ballots`` (already validated) for a poll of ``kind``."""
    counters = {
        PollKind.SINGLE: tally_single,
        PollKind.MULTI: tally_multi,
        PollKind.RANKED: tally_ranked,
        PollKind.POINTS: tally_points,
    }
    return counters[poll_kind(kind)](options, ballots)


def tally_single(options: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    totals = [0] * len(options)
    for ballot in ballots:
        totals[_expect(ballot, SingleBallot).choice] += 1
    return _simple_result(PollKind.SINGLE, options, totals, len(ballots), "votes")


def tally_multi(options: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    totals = [0] * len(options)
    for ballot in ballots:
        for index in _expect(ballot, MultiBallot).choices:
            totals[index] += 1
    return _simple_result(PollKind.MULTI, options, totals, len(ballots), "votes")


def tally_points(options: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    totals = [0] * len(options)
    for ballot in ballots:
        for index, points in _expect(ballot, PointsBallot).points.items():
            totals[index] += points
    return _simple_result(PollKind.POINTS, options, totals, len(ballots), "points")


def _expect(ballot: Ballot, kind: type[T]) -> T:
    if not isinstance(ballot, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(ballot).__name__}")
    return ballot


def _simple_result(
    kind: PollKind, options: Sequence[str], totals: list[int], ballots: int, unit: str
) -> TallyResult:
    top = max(totals, default=0)
    winners = tuple(i for i, total in enumerate(totals) if total == top) if top > 0 else ()
    return TallyResult(
        kind=kind,
        options=tuple(options),
        totals=tuple(totals),
        ballots=ballots,
        value_label=unit,
        winners=winners,
        headline=_top_sentence(options, winners, top, ballots, unit),
    )


def _top_sentence(
    options: Sequence[str], winners: Sequence[int], top: int, ballots: int, unit: str
) -> str:
    if ballots == 0 or not winners:
        return NO_BALLOTS
    of_ballots = f"from {_count(ballots, 'ballot')}"
    if len(winners) == 1:
        return f"{_name(options[winners[0]])} came top with {_count(top, unit)}, {of_ballots}."
    names = _join([_name(options[i]) for i in winners])
    return f"Joint top, with {_count(top, unit)} each, {of_ballots}: {names}."


# ---------------------------------------------------------------------------
# Instant-runoff
# ---------------------------------------------------------------------------


def tally_ranked(options: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    rankings = [_expect(ballot, RankedBallot).ranking for ballot in ballots]
    first = [0] * len(options)
    for ranking in rankings:
        first[ranking[0]] += 1
    rounds = _runoff(options, rankings) if rankings else ()
    winner = rounds[-1].winner if rounds else None
    if winner is None:
        headline = NO_BALLOTS
    else:
        last = rounds[-1]
        headline = (
            f"{_name(options[winner])} won in round {last.number}, with "
            f"{last.counts[winner]} of the {_count(last.continuing, 'ballot')} still counting."
        )
    return TallyResult(
        kind=PollKind.RANKED,
        options=tuple(options),
        totals=tuple(first),
        ballots=len(rankings),
        value_label="first choices",
        winners=() if winner is None else (winner,),
        headline=headline,
        rounds=rounds,
        exhausted=rounds[-1].exhausted if rounds else 0,
    )


def _runoff(options: Sequence[str], rankings: list[tuple[int, ...]]) -> tuple[RunoffRound, ...]:
    running = set(range(len(options)))
    history: list[dict[int, int]] = []
    rounds: list[RunoffRound] = []
    while True:
        counts, exhausted = _count_round(rankings, running)
        history.append(counts)
        number = len(history)
        continuing = sum(counts.values())
        leader = max(sorted(counts), key=lambda i: counts[i])
        if counts[leader] * 2 > continuing:
            text = _winner_text(options, number, counts, exhausted, leader)
            rounds.append(RunoffRound(number, counts, exhausted, (), leader, text))
            return tuple(rounds)
        out, reason = _choose_elimination(options, counts, history)
        text = _elimination_text(options, number, counts, exhausted, out, reason)
        rounds.append(RunoffRound(number, counts, exhausted, out, None, text))
        running -= set(out)


def _count_round(rankings: list[tuple[int, ...]], running: set[int]) -> tuple[dict[int, int], int]:
    """Votes for each option still running (poll order), and exhausted ballots."""
    counts = dict.fromkeys(sorted(running), 0)
    exhausted = 0
    for ranking in rankings:
        choice = next((i for i in ranking if i in running), None)
        if choice is None:
            exhausted += 1
        else:
            counts[choice] += 1
    return counts, exhausted


def _choose_elimination(
    options: Sequence[str], counts: dict[int, int], history: list[dict[int, int]]
) -> tuple[tuple[int, ...], str]:
    """Which option(s) go out this round, and a plain reason if it needed the tie rule."""
    zeros = tuple(i for i, votes in counts.items() if votes == 0)
    if zeros:
        return zeros, ""
    fewest = min(counts.values())
    tied = [i for i, votes in counts.items() if votes == fewest]
    if len(tied) == 1:
        return (tied[0],), ""
    names = _join([_name(options[i]) for i in tied])
    if len(history) == 1:
        loser = max(tied)
        return (loser,), (
            f"{names} tied for the fewest votes. This is the first round, so the one listed "
            f"later in the poll, {_name(options[loser])}, is out."
        )
    first_tied = list(tied)
    for earlier in range(len(history) - 2, -1, -1):
        past = history[earlier]
        low = min(past[i] for i in tied)
        tied = [i for i in tied if past[i] == low]
        if len(tied) == 1:
            return (tied[0],), (
                f"{names} tied for the fewest votes. {_name(options[tied[0]])} had "
                f"fewer in round {earlier + 1}, so it is out."
            )
    loser = max(tied)
    if tied == first_tied:
        looked_back = "were level in every earlier round"
    else:
        looked_back = f"earlier rounds left {_join([_name(options[i]) for i in tied])} level"
    return (loser,), (
        f"{names} tied for the fewest votes and {looked_back}, so the one listed later "
        f"in the poll, {_name(options[loser])}, is out."
    )


def _round_counts(options: Sequence[str], counts: Mapping[int, int], exhausted: int) -> str:
    parts = [f"{_name(options[i])} {votes}" for i, votes in counts.items()]
    text = "; ".join(parts) + "."
    if exhausted:
        text += (
            f" {_count(exhausted, 'ballot')} had no ranked option left in the running "
            "and no longer count."
        )
    return text


def _winner_text(
    options: Sequence[str], number: int, counts: Mapping[int, int], exhausted: int, winner: int
) -> str:
    continuing = sum(counts.values())
    return (
        f"Round {number}: {_round_counts(options, counts, exhausted)} "
        f"{_name(options[winner])} has more than half of the "
        f"{_count(continuing, 'ballot')} still counting, "
        "so it wins."
    )


def _elimination_text(
    options: Sequence[str],
    number: int,
    counts: Mapping[int, int],
    exhausted: int,
    out: Sequence[int],
    reason: str,
) -> str:
    continuing = sum(counts.values())
    text = (
        f"Round {number}: {_round_counts(options, counts, exhausted)} "
        f"No option has more than half of the {_count(continuing, 'ballot')} still counting. "
    )
    if all(counts[i] == 0 for i in out):
        names = _join([_name(options[i]) for i in out])
        verb = "has" if len(out) == 1 else "have"
        return text + f"{names} {verb} no votes, so {'it is' if len(out) == 1 else 'they are'} out."
    if reason:
        return text + reason + " Its votes move to each voter's next choice."
    return text + (
        f"{_name(options[out[0]])} has the fewest votes, so it is out. "
        "Its votes move to each voter's next choice."
    )


# ---------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------


def _name(option: str) -> str:
    return option if len(option) <= _NAME_LIMIT else option[: _NAME_LIMIT - 1].rstrip() + "…"


def _count(n: int, unit: str) -> str:
    """'1 vote', '3 votes', '1 point', '2 first choices'."""
    if n == 1 and unit.endswith("s"):
        return f"1 {unit[:-1]}"
    if n != 1 and not unit.endswith("s"):
        return f"{n} {unit}s"
    return f"{n} {unit}"


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
