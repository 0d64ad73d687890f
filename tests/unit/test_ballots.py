"""Poll kinds, ballot validation, stored form, and the poll modal's text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.ballots import (
    MAX_POINTS,
    BallotError,
    MultiBallot,
    PointsBallot,
    PollKind,
    PollSetupError,
    RankedBallot,
    SingleBallot,
    ballot_from_json,
    ballot_to_json,
    parse_options,
    poll_kind,
    validate_ballot,
    validate_max_choices,
    validate_question,
)
from bot.domain.errors import Refusal


def test_kinds_are_the_four_in_the_design():
    assert [k.value for k in PollKind] == ["single", "multi", "ranked", "points"]
    assert poll_kind(" Ranked ") is PollKind.RANKED
    with pytest.raises(PollSetupError, match="single, multi, ranked, points"):
        poll_kind("approval")


def test_ballot_errors_are_refusals_shown_to_the_voter():
    assert issubclass(BallotError, Refusal) and issubclass(PollSetupError, Refusal)


@pytest.mark.parametrize(
    ("kind", "ballot", "message"),
    [
        ("single", SingleBallot(4), "Option 5 isn't on this poll"),
        ("multi", MultiBallot(frozenset()), "at least one"),
        ("multi", MultiBallot({0, 1, 2}), "You've chosen 3 options. This poll allows up to 2"),
        ("ranked", RankedBallot(()), "rank at least one"),
        ("ranked", RankedBallot((1, 0, 1)), "Option 2 is in your ranking twice"),
        (
            "points",
            PointsBallot({0: 7, 1: 5}),
            "You've given 12 points. Please share out no more than 10.",
        ),
        ("points", PointsBallot({0: 0}), "haven't given any points"),
        ("points", PointsBallot({0: -1, 1: 3}), "can't be below 0"),
    ],
)
def test_bad_ballots_are_refused_with_a_specific_message(kind, ballot, message):
    with pytest.raises(BallotError, match=message):
        validate_ballot(kind, 4, ballot, max_choices=2)


def test_good_ballots_pass_and_zero_points_are_dropped():
    assert validate_ballot("single", 3, SingleBallot(2)) == SingleBallot(2)
    assert validate_ballot("multi", 3, MultiBallot([0, 2])) == MultiBallot(frozenset({0, 2}))
    assert validate_ballot("ranked", 5, RankedBallot([3])) == RankedBallot((3,))
    assert validate_ballot("points", 3, PointsBallot({0: 10, 2: 0})) == PointsBallot({0: 10})


def test_a_ballot_of_the_wrong_kind_is_a_programming_error():
    with pytest.raises(TypeError):
        validate_ballot("single", 3, RankedBallot((0,)))


@given(st.dictionaries(st.integers(0, 5), st.integers(0, 12), max_size=6))
def test_points_over_ten_are_always_refused(points):
    ballot = PointsBallot(points)
    if 1 <= sum(points.values()) <= MAX_POINTS:
        assert validate_ballot("points", 6, ballot).total == sum(points.values())
    else:
        with pytest.raises(BallotError):
            validate_ballot("points", 6, ballot)


def test_stored_form_is_compact_and_holds_only_choices():
    assert ballot_to_json(SingleBallot(2)) == "2"
    assert ballot_to_json(MultiBallot({3, 0})) == "[0,3]"
    assert ballot_to_json(RankedBallot((4, 0, 2))) == "[4,0,2]"
    assert ballot_to_json(PointsBallot({3: 3, 0: 7})) == '{"0":7,"3":3}'


@pytest.mark.parametrize(
    ("kind", "ballot"),
    [
        ("single", SingleBallot(0)),
        ("multi", MultiBallot({1, 4})),
        ("ranked", RankedBallot((2, 1))),
        ("points", PointsBallot({0: 4, 24: 6})),
    ],
)
def test_stored_form_round_trips(kind, ballot):
    assert ballot_from_json(kind, ballot_to_json(ballot)) == ballot


@pytest.mark.parametrize(("kind", "text"), [("single", "true"), ("multi", "3"), ("points", "[1]")])
def test_corrupt_stored_ballots_are_not_read_as_votes(kind, text):
    with pytest.raises(ValueError):
        ballot_from_json(kind, text)


def test_twenty_five_options_of_a_hundred_characters_are_accepted():
    lines = [f"{n:02d} " + "x" * 97 for n in range(25)]
    assert parse_options("\n".join(lines)) == lines


def test_twenty_six_options_are_refused_saying_how_many_to_remove():
    with pytest.raises(PollSetupError, match=r"26 options.*up to 25.*remove 1 option"):
        parse_options("\n".join(f"option {n}" for n in range(26)))


def test_blank_lines_and_stray_spaces_are_tidied_kindly():
    text = "\n  Peer support  \n\n\u200b\n- Crisis line\t\n   \n"
    assert parse_options(text) == ["Peer support", "Crisis line"]


def test_a_duplicate_is_refused_naming_both_lines():
    with pytest.raises(
        PollSetupError,
        match=r"Line 4 \(“peer  SUPPORT”\) reads the same as line 1 \(“Peer support”\)",
    ):
        parse_options("Peer support\nCrisis line\n\npeer  SUPPORT")


def test_an_option_over_a_hundred_characters_is_refused_naming_its_line():
    with pytest.raises(PollSetupError, match="Line 2 is 101 characters long"):
        parse_options("short\n" + "y" * 101)


@pytest.mark.parametrize("text", ["", "\n\n", "only one"])
def test_fewer_than_two_options_are_refused(text):
    with pytest.raises(PollSetupError, match="at least 2 options"):
        parse_options(text)


def test_question_is_trimmed_onto_one_line_and_length_checked():
    assert validate_question("  Which service\n first? ") == "Which service first?"
    with pytest.raises(PollSetupError, match="write the question"):
        validate_question("   ")
    with pytest.raises(PollSetupError, match="251 characters"):
        validate_question("q" * 251)


def test_max_choices_belongs_to_multi_polls_and_is_capped_at_the_options():
    assert validate_max_choices("multi", None) is None
    assert validate_max_choices("multi", 9, n_options=4) == 4
    with pytest.raises(PollSetupError, match="only applies to multi"):
        validate_max_choices("single", 2)
    with pytest.raises(PollSetupError, match="at least 1"):
        validate_max_choices("multi", 0)
