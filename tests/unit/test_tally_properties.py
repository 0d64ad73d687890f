"""Property tests of the tallying (hypothesis)."""

from collections import Counter

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.ballots import (
    MultiBallot,
    PointsBallot,
    RankedBallot,
    SingleBallot,
    validate_ballot,
)
from bot.domain.tally import tally, tally_ranked


@st.composite
def polls(draw, kind, max_options=6, max_ballots=30):
    n = draw(st.integers(2, max_options))
    options = [f"option {i}" for i in range(n)]
    ballot = {
        "single": st.builds(SingleBallot, st.integers(0, n - 1)),
        "multi": st.builds(MultiBallot, st.frozensets(st.integers(0, n - 1), min_size=1)),
        "ranked": st.builds(
            RankedBallot, st.lists(st.integers(0, n - 1), min_size=1, unique=True).map(tuple)
        ),
        "points": st.dictionaries(st.integers(0, n - 1), st.integers(0, 10))
        .filter(lambda d: 1 <= sum(d.values()) <= 10)
        .map(PointsBallot),
    }[kind]
    return options, draw(st.lists(ballot, max_size=max_ballots))


def contribution(ballot, index):
    if isinstance(ballot, SingleBallot):
        return int(ballot.choice == index)
    if isinstance(ballot, MultiBallot):
        return int(index in ballot.choices)
    return ballot.points.get(index, 0)


@given(
    st.sampled_from(["single", "multi", "points", "ranked"]).flatmap(
        lambda kind: st.tuples(st.just(kind), polls(kind))
    )
)
def test_totals_equal_the_ballots(case):
    kind, (options, ballots) = case
    result = tally(kind, options, ballots)
    assert result.ballots == len(ballots)
    expected = {
        "single": len(ballots),
        "ranked": len(ballots),  # first choices: each ballot once
        "multi": sum(len(b.choices) for b in ballots if isinstance(b, MultiBallot)),
        "points": sum(b.total for b in ballots if isinstance(b, PointsBallot)),
    }[kind]
    assert sum(result.totals) == expected
    for runoff_round in result.rounds:  # every ballot is counted or exhausted, never both
        assert runoff_round.continuing + runoff_round.exhausted == len(ballots)


@given(
    st.sampled_from(["single", "multi", "points"]).flatmap(
        lambda kind: st.tuples(st.just(kind), polls(kind, max_ballots=15), st.data())
    )
)
def test_adding_a_ballot_changes_totals_only_by_its_own_contribution(case):
    kind, (options, ballots), data = case
    extra = data.draw(
        polls(kind, max_ballots=1).filter(lambda p: p[1] and len(p[0]) <= len(options))
    )
    new = extra[1][0]
    before = tally(kind, options, ballots).totals
    after = tally(kind, options, [*ballots, new]).totals
    assert [a - b for a, b in zip(after, before, strict=True)] == [
        contribution(new, i) for i in range(len(options))
    ]


@given(polls("points"))
def test_every_counted_points_ballot_is_within_ten(poll):
    options, ballots = poll
    for ballot in ballots:
        assert validate_ballot("points", len(options), ballot).total <= 10


@given(polls("ranked", max_ballots=25))
def test_an_outright_majority_of_first_preferences_wins(poll):
    options, ballots = poll
    firsts = Counter(b.ranking[0] for b in ballots)
    leader, votes = max(firsts.items(), key=lambda kv: kv[1], default=(None, 0))
    assume(votes * 2 > len(ballots))
    result = tally_ranked(options, ballots)
    assert result.winners == (leader,) and len(result.rounds) == 1


def reference_irv(n_options, rankings):
    """Textbook instant-runoff, one elimination at a time, recounting from scratch.

    Returns None when a real tie (between options that have votes) would need a tie rule.
    Options with no votes are removed one by one, lowest index first.
    """
    remaining = list(range(n_options))
    while True:
        tallies = {c: 0 for c in remaining}
        for ranking in rankings:
            for choice in ranking:
                if choice in tallies:
                    tallies[choice] += 1
                    break
        counted = sum(tallies.values())
        for candidate, votes in tallies.items():
            if 2 * votes > counted:
                return candidate
        lowest = min(tallies.values())
        at_lowest = [c for c in remaining if tallies[c] == lowest]
        if lowest > 0 and len(at_lowest) > 1:
            return None
        remaining.remove(at_lowest[0])


@settings(max_examples=400)
@given(polls("ranked", max_options=5, max_ballots=12))
def test_runoff_agrees_with_a_brute_force_reference_when_there_are_no_ties(poll):
    options, ballots = poll
    assume(ballots)
    expected = reference_irv(len(options), [b.ranking for b in ballots])
    assume(expected is not None)
    assert tally_ranked(options, ballots).winners == (expected,)


@given(polls("ranked", max_options=5, max_ballots=15), st.randoms(use_true_random=False))
def test_ballot_order_never_changes_a_ranked_result(poll, rng):
    options, ballots = poll
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert tally_ranked(options, shuffled) == tally_ranked(options, ballots)


@given(
    st.sampled_from(["single", "multi", "points"]).flatmap(
        lambda kind: st.tuples(st.just(kind), polls(kind), st.randoms(use_true_random=False))
    )
)
def test_ballot_order_never_changes_other_results(case):
    kind, (options, ballots), rng = case
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert tally(kind, options, shuffled) == tally(kind, options, ballots)
