"""Counting results: worked examples, wording, and the tie rule."""

from bot.domain.ballots import MultiBallot, PointsBallot, PollKind, RankedBallot, SingleBallot
from bot.domain.tally import NO_BALLOTS, tally, tally_points, tally_ranked, tally_single

OPTIONS = ["Peer support", "Crisis line", "Housing advice", "Art group"]


def ranked(*rankings):
    return [RankedBallot(r) for r in rankings]


def test_single_counts_and_names_the_top_option():
    result = tally_single(OPTIONS, [SingleBallot(1), SingleBallot(1), SingleBallot(0)])
    assert result.totals == (1, 2, 0, 0) and result.ballots == 3
    assert result.winners == (1,)
    assert result.headline == "Crisis line came top with 2 votes, from 3 ballots."


def test_joint_top_is_reported_as_a_tie_not_broken():
    result = tally("multi", OPTIONS, [MultiBallot({0, 2}), MultiBallot({2, 0, 3})])
    assert result.totals == (2, 0, 2, 1) and result.winners == (0, 2)
    assert "Joint top" in result.headline and "Peer support and Housing advice" in result.headline


def test_points_totals_are_points():
    result = tally_points(OPTIONS, [PointsBallot({0: 7, 3: 3}), PointsBallot({3: 10})])
    assert result.totals == (7, 0, 0, 13) and result.value_label == "points"
    assert result.winners == (3,)


def test_no_ballots_means_no_winner_and_says_so_plainly():
    for kind in PollKind:
        result = tally(kind, OPTIONS, [])
        assert result.winners == () and result.ballots == 0
        assert result.headline == NO_BALLOTS == "Nobody voted, so there is no result."


def test_runoff_transfers_votes_and_explains_each_round():
    ballots = ranked(*[(0, 1)] * 8, *[(1, 0)] * 6, *[(2, 1)] * 4, *[(3,)] * 2)
    result = tally_ranked(OPTIONS, ballots)
    assert result.totals == (8, 6, 4, 2)  # first choices
    assert [r.eliminated for r in result.rounds] == [(3,), (2,), ()]
    assert result.winners == (1,) and result.exhausted == 2
    assert result.rounds[-1].counts == {0: 8, 1: 10}
    assert (
        result.headline == "Crisis line won in round 3, with 10 of the 18 ballots still counting."
    )
    first, second, last = result.explanation[1:]
    assert first.startswith(
        "Round 1: Peer support 8; Crisis line 6; Housing advice 4; Art group 2."
    )
    assert "Art group has the fewest votes, so it is out" in first
    assert "2 ballots had no ranked option left in the running" in second
    assert "Crisis line has more than half of the 18 ballots still counting, so it wins." in last


def test_outright_majority_wins_in_round_one():
    result = tally_ranked(OPTIONS, ranked((2,), (2, 0), (1, 0)))
    assert result.winners == (2,) and len(result.rounds) == 1


def test_options_with_no_votes_go_out_together():
    result = tally_ranked(OPTIONS, ranked((0,), (1,)))
    assert result.rounds[0].eliminated == (2, 3)
    assert (
        "Housing advice and Art group have no votes, so they are out."
        in result.rounds[0].explanation
    )


def test_first_round_tie_takes_out_the_option_listed_later():
    result = tally_ranked(OPTIONS[:3], ranked((0,), (1,), (2,)))
    assert result.rounds[0].eliminated == (2,)
    assert (
        "This is the first round, so the one listed later in the poll, Housing advice, is out"
        in (result.rounds[0].explanation)
    )


def test_later_tie_looks_back_to_the_most_recent_round_that_separates_them():
    # Round 1: Peer 3, Crisis 2, Housing 2, Art 1 -> Art out, its ballot moves to Crisis.
    # Round 2: Peer 3, Crisis 3, Housing 2 -> Housing out, its ballots are exhausted.
    # Round 3: Peer 3, Crisis 3 tie; round 2 level too; round 1 Crisis had fewer -> out.
    ballots = ranked((0,), (0,), (0,), (1,), (1,), (2,), (2,), (3, 1))
    result = tally_ranked(OPTIONS, ballots)
    assert [r.eliminated for r in result.rounds] == [(3,), (2,), (1,), ()]
    assert result.winners == (0,)
    assert "Crisis line had fewer in round 1, so it is out." in result.rounds[2].explanation


def test_level_in_every_round_falls_back_to_poll_order():
    result = tally_ranked(OPTIONS[:2], ranked((0,), (1,)))
    assert result.winners == (0,)
    assert result.rounds[0].eliminated == (1,)


def test_long_option_names_are_shortened_in_explanations_only():
    long = "L" * 100
    result = tally_ranked([long, "B"], ranked((0,), (0,), (1,)))
    assert result.options[0] == long
    assert "L" * 100 not in result.headline and "…" in result.headline
