"""Polls: the four kinds, what a valid ballot is, and checks for the poll's own text.

Kinds (DESIGN.md, "Polls"):

- ``single``: choose one option.
- ``multi``: choose one or more options, up to the poll's ``max_choices``.
- ``ranked``: put options in order of preference. Ranking only some of them is
  fine; at least one is needed. Counted by instant-runoff (see ``tally``).
- ``points``: share out up to 10 points between options (at least 1 in all).

Options are referred to by their position in the poll, counting from 0 in code.
Messages shown to people count from 1 ("option 3"), as the ballot screen does.

Ballots are stored as a compact JSON string that holds only the choices, nothing
about the voter or the time (rule 8): ``"2"``, ``"[0,3]"``, ``"[4,0,2]"``,
``'{"0":7,"3":3}'``. The poll's kind is stored with the poll, not the ballot.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import Refusal
from bot.domain.text import same_text_key

MIN_OPTIONS = 2
MAX_OPTIONS = 25
MAX_OPTION_LENGTH = 100
MAX_QUESTION_LENGTH = 250  # fits an embed title (256)
MAX_POINTS = 10

# Characters people paste by accident that .strip() does not remove.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Bullets people often start a pasted list with; "- Peer support" means "Peer support".
_BULLETS = ("- ", "* ", "• ", "· ")


class PollKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    RANKED = "ranked"
    POINTS = "points"


class BallotError(Refusal):
    """A ballot cannot be accepted; the message says what to change."""


class PollSetupError(Refusal):
    """The question, options or settings of a new poll cannot be accepted."""


@dataclass(frozen=True)
class SingleBallot:
    choice: int


@dataclass(frozen=True)
class MultiBallot:
    choices: frozenset[int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", frozenset(self.choices))


@dataclass(frozen=True)
class RankedBallot:
    """Most preferred first. Options left out are simply not ranked."""

    ranking: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranking", tuple(self.ranking))


@dataclass(frozen=True)
class PointsBallot:
    """Points given to each option; options not listed got none."""

    points: Mapping[int, int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", dict(sorted(self.points.items())))

    def __hash__(self) -> int:
        return hash(tuple(self.points.items()))

    @property
    def total(self) -> int:
        return sum(self.points.values())


Ballot = SingleBallot | MultiBallot | RankedBallot | PointsBallot

_BALLOT_TYPE: dict[PollKind, type] = {
    PollKind.SINGLE: SingleBallot,
    PollKind.MULTI: MultiBallot,
    PollKind.RANKED: RankedBallot,
    PollKind.POINTS: PointsBallot,
}


def poll_kind(value: PollKind | str) -> PollKind:
    """The kind named by ``value``; refuses anything else with the list of kinds."""
    try:
        return PollKind(str(value).strip().lower())
    except ValueError:
        names = ", ".join(kind.value for kind in PollKind)
        raise PollSetupError(f"A poll can be one of these kinds: {names}.") from None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ---------------------------------------------------------------------------
# Ballots
# ---------------------------------------------------------------------------


def validate_ballot(
    kind: PollKind | str, n_options: int, ballot: Ballot, max_choices: int | None = None
) -> Ballot:
    """Check ``ballot`` against the poll's rules; return it tidied (zero points dropped).

    Raises ``BallotError`` with a message for the voter. A ballot of the wrong type
    for the kind is a programming mistake and raises ``TypeError``.
    """
    kind = poll_kind(kind)
    expected = _BALLOT_TYPE[kind]
    if not isinstance(ballot, expected):
        raise TypeError(f"a {kind} poll needs a {expected.__name__}, not {type(ballot).__name__}")
    if isinstance(ballot, SingleBallot):
        _check_option(ballot.choice, n_options)
        return ballot
    if isinstance(ballot, MultiBallot):
        return _validate_multi(ballot, n_options, max_choices)
    if isinstance(ballot, RankedBallot):
        return _validate_ranked(ballot, n_options)
    return _validate_points(ballot, n_options)


def _check_option(index: object, n_options: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int):
        raise BallotError("I couldn't read one of your choices. Please choose again.")
    if not 0 <= index < n_options:
        raise BallotError(
            f"Option {index + 1} isn't on this poll, which has {n_options} options. "
            "Please choose again."
        )


def _validate_multi(ballot: MultiBallot, n_options: int, max_choices: int | None) -> MultiBallot:
    for index in sorted(ballot.choices, key=repr):
        _check_option(index, n_options)
    limit = n_options if max_choices is None else min(max_choices, n_options)
    chosen = len(ballot.choices)
    if chosen == 0:
        raise BallotError("Please choose at least one option.")
    if chosen > limit:
        raise BallotError(
            f"You've chosen {chosen} options. This poll allows up to {limit}. "
            f"Please untick {chosen - limit}."
        )
    return ballot


def _validate_ranked(ballot: RankedBallot, n_options: int) -> RankedBallot:
    if not ballot.ranking:
        raise BallotError("Please rank at least one option. You don't have to rank them all.")
    seen: set[int] = set()
    for place, index in enumerate(ballot.ranking, start=1):
        _check_option(index, n_options)
        if index in seen:
            raise BallotError(
                f"Option {index + 1} is in your ranking twice (again at place {place}). "
                "Please give each option one place only."
            )
        seen.add(index)
    return ballot


def _validate_points(ballot: PointsBallot, n_options: int) -> PointsBallot:
    for index, points in ballot.points.items():
        _check_option(index, n_options)
        if isinstance(points, bool) or not isinstance(points, int):
            raise BallotError(f"Please give option {index + 1} a whole number of points.")
        if points < 0:
            raise BallotError(f"Option {index + 1} has {points} points. Points can't be below 0.")
    total = ballot.total
    if total == 0:
        raise BallotError(
            f"You haven't given any points yet. Please give at least 1 (up to {MAX_POINTS} in all)."
        )
    if total > MAX_POINTS:
        raise BallotError(
            f"You've given {total} points. Please share out no more than {MAX_POINTS}."
        )
    return PointsBallot({i: p for i, p in ballot.points.items() if p > 0})


def ballot_to_json(ballot: Ballot) -> str:
    """The compact stored form: choices only, no voter, no time."""
    if isinstance(ballot, SingleBallot):
        payload: object = ballot.choice
    elif isinstance(ballot, MultiBallot):
        payload = sorted(ballot.choices)
    elif isinstance(ballot, RankedBallot):
        payload = list(ballot.ranking)
    elif isinstance(ballot, PointsBallot):
        payload = {str(i): p for i, p in ballot.points.items() if p}
    else:
        raise TypeError(f"not a ballot: {ballot!r}")
    return json.dumps(payload, separators=(",", ":"))


def ballot_from_json(kind: PollKind | str, text: str) -> Ballot:
    """Read a stored ballot back. Raises ``ValueError`` if the text is not a ballot."""
    kind = poll_kind(kind)
    data = json.loads(text)
    if kind is PollKind.SINGLE:
        return SingleBallot(_stored_int(data))
    if kind is PollKind.POINTS:
        if not isinstance(data, dict):
            raise ValueError(f"stored points ballot is not an object: {text!r}")
        return PointsBallot({_stored_int(int(k)): _stored_int(v) for k, v in data.items()})
    if not isinstance(data, list):
        raise ValueError(f"stored {kind} ballot is not a list: {text!r}")
    indices = [_stored_int(item) for item in data]
    return (
        MultiBallot(frozenset(indices)) if kind is PollKind.MULTI else RankedBallot(tuple(indices))
    )


def _stored_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"stored ballot holds {value!r} where a whole number belongs")
    return value


# ---------------------------------------------------------------------------
# The poll's own text and settings
# ---------------------------------------------------------------------------


def validate_question(text: str) -> str:
    """The question on one line, trimmed; refused if empty or too long for the title."""
    question = " ".join(_clean_line(text).split())
    if not question:
        raise PollSetupError("Please write the question people are voting on.")
    if len(question) > MAX_QUESTION_LENGTH:
        raise PollSetupError(
            f"The question is {len(question)} characters long. Please shorten it to "
            f"{MAX_QUESTION_LENGTH} or fewer. You can put more detail in the first post."
        )
    return question


def parse_options(text: str) -> list[str]:
    """The options typed in the poll modal, one per line, tidied.

    Kindly: leading and trailing spaces and list bullets ("- ", "* ", "• ") are
    trimmed, and empty lines anywhere are skipped (people press Enter twice).
    Refused, naming the line as the person sees it in the box: fewer than 2 or
    more than 25 options, an option over 100 characters, and an option that reads
    the same as an earlier one (``same_text_key``: capitals, spacing, accents typed
    either way, full-width letters). Options are kept as typed.
    """
    options: list[str] = []
    first_seen: dict[str, tuple[int, str]] = {}
    for line_number, raw in enumerate(text.splitlines(), start=1):
        option = _clean_line(raw)
        if not option:
            continue
        if len(option) > MAX_OPTION_LENGTH:
            raise PollSetupError(
                f"Line {line_number} is {len(option)} characters long. Please shorten it to "
                f"{MAX_OPTION_LENGTH} or fewer: “{option[:40]}…”"
            )
        key = same_text_key(option)
        if key in first_seen:
            earlier_line, earlier = first_seen[key]
            raise PollSetupError(
                f"Line {line_number} (“{option}”) reads the same as line {earlier_line} "
                f"(“{earlier}”), so people could not tell them apart. "
                "Please remove one of them or reword it."
            )
        first_seen[key] = (line_number, option)
        options.append(option)
    _check_option_count(len(options))
    return options


def _clean_line(raw: str) -> str:
    line = raw.strip().strip(_INVISIBLE).strip()
    for bullet in _BULLETS:
        if line.startswith(bullet):
            return line[len(bullet) :].strip()
    return "" if line in {"-", "*", "•", "·"} else line


def _check_option_count(count: int) -> None:
    if count < MIN_OPTIONS:
        raise PollSetupError(
            f"A poll needs at least {MIN_OPTIONS} options, one per line. "
            f"I found {count}. Please add more."
        )
    if count > MAX_OPTIONS:
        extra = count - MAX_OPTIONS
        raise PollSetupError(
            f"You've listed {count} options. A poll can have up to {MAX_OPTIONS}. "
            f"Please remove {_plural(extra, 'option')}."
        )


def validate_max_choices(
    kind: PollKind | str, max_choices: int | None, n_options: int | None = None
) -> int | None:
    """The ``max_choices`` to store: only for multi polls, at least 1.

    ``None`` means "as many as you like". A limit above the number of options is
    lowered to it (it means the same thing), rather than refusing typed options.
    """
    kind = poll_kind(kind)
    if max_choices is None:
        return None
    if kind is not PollKind.MULTI:
        raise PollSetupError(
            "max_choices only applies to multi polls. Please leave it out, or choose kind multi."
        )
    if max_choices < 1:
        raise PollSetupError("max_choices must be at least 1.")
    return max_choices if n_options is None else min(max_choices, n_options)


def option_indices(values: Iterable[str]) -> list[int]:
    """Option positions from select-menu values ("0", "3", ...), in the order given."""
    try:
        return [int(value) for value in values]
    except ValueError:
        raise BallotError("I couldn't read one of your choices. Please choose again.") from None
