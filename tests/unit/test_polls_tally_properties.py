"""Property tests of poll counting (issue 8): what must hold for every set of ballots."""

from __future__ import annotations

from collections import Counter
from itertools import permutations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.ballots import (
    MAX_POINTS,
    MultiBallot,
    PointsBallot,
    RankedBallot,
    SingleBallot,
    validate_ballot,
)
from bot.domain.polls import decode_points, encode_points, give_points
from bot.domain.tally import tally

N_OPTIONS = st.integers(min_value=2, max_value=25)


def options(n: int) -> list[str]:
    return [f"option {i}" for i in range(n)]


@st.composite
def single_profiles(draw):
    n = draw(N_OPTIONS)
    ballots = draw(st.lists(st.builds(SingleBallot, st.integers(0, n - 1)), max_size=60))
    return n, ballots


@st.composite
def multi_profiles(draw):
    n = draw(N_OPTIONS)
    choice = st.frozensets(st.integers(0, n - 1), min_size=1)
    return n, draw(st.lists(st.builds(MultiBallot, choice), max_size=60))


@st.composite
def points_ballot(draw, n: int):
    chosen = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=MAX_POINTS, unique=True))
    points: dict[int, int] = {}
    left = MAX_POINTS
    for index in chosen:
        if left == 0:
            break
        amount = draw(st.integers(1, left))
        points[index] = amount
        left -= amount
    return PointsBallot(points)


@st.composite
def points_profiles(draw):
    n = draw(N_OPTIONS)
    return n, draw(st.lists(points_ballot(n), max_size=60))


@st.composite
def ranked_profiles(draw, max_options=25, max_ballots=60, full=False):
    n = draw(st.integers(2, max_options))
    ranking = st.permutations(list(range(n)))
    if not full:
        ranking = ranking.flatmap(lambda p: st.integers(1, n).map(lambda k, p=p: tuple(p[:k])))
    ballots = draw(st.lists(ranking.map(RankedBallot), min_size=1, max_size=max_ballots))
    return n, ballots


def contribution(ballot, n: int) -> list[int]:
    own = [0] * n
    if isinstance(ballot, SingleBallot):
        own[ballot.choice] = 1
    elif isinstance(ballot, MultiBallot):
        for i in ballot.choices:
            own[i] = 1
    else:
        for i, p in ballot.points.items():
            own[i] = p
    return own


@given(st.one_of(single_profiles(), multi_profiles(), points_profiles()))
def test_totals_equal_the_sum_of_every_ballots_own_contribution(profile):
    n, ballots = profile
    kind = {SingleBallot: "single", MultiBallot: "multi", PointsBallot: "points"}
    if not ballots:
        return
    result = tally(kind[type(ballots[0])], options(n), ballots)
    expected = [sum(column) for column in zip(*(contribution(b, n) for b in ballots), strict=True)]
    assert list(result.totals) == expected
    assert result.ballots == len(ballots)


@given(single_profiles())
def test_single_totals_add_up_to_the_number_of_ballots(profile):
    n, ballots = profile
    assert sum(tally("single", options(n), ballots).totals) == len(ballots)


@given(st.one_of(single_profiles(), multi_profiles(), points_profiles()), st.data())
def test_adding_a_ballot_changes_each_total_by_that_ballots_contribution_only(profile, data):
    n, ballots = profile
    assume(ballots)
    kind = {SingleBallot: "single", MultiBallot: "multi", PointsBallot: "points"}[type(ballots[0])]
    extra = data.draw(st.sampled_from(ballots))
    before = tally(kind, options(n), ballots[1:]).totals
    after = tally(kind, options(n), [*ballots[1:], extra]).totals
    assert [a - b for a, b in zip(after, before, strict=True)] == contribution(extra, n)


@given(points_profiles())
def test_no_valid_points_ballot_gives_more_than_10(profile):
    n, ballots = profile
    for ballot in ballots:
        assert validate_ballot("points", n, ballot).total <= MAX_POINTS
    result = tally("points", options(n), ballots)
    assert sum(result.totals) <= MAX_POINTS * len(ballots)


@given(st.dictionaries(st.integers(0, 24), st.integers(1, 10), max_size=10), st.data())
def test_the_points_screen_never_lets_a_total_pass_10(points, data):
    assume(sum(points.values()) <= MAX_POINTS)
    option = data.draw(st.integers(0, 24))
    amount = data.draw(st.integers(0, 10))
    try:
        updated = give_points(points, option, amount)
    except Exception:
        assert sum(p for i, p in points.items() if i != option) + amount > MAX_POINTS
        return
    assert sum(updated.values()) <= MAX_POINTS
    assert decode_points(encode_points(updated), 25) == updated


@given(ranked_profiles())
def test_ranked_counts_every_ballot_once_in_first_preferences(profile):
    n, ballots = profile
    result = tally("ranked", options(n), ballots)
    assert sum(result.totals) == len(ballots)
    for r in result.rounds:
        assert r.continuing + r.exhausted == len(ballots)


@given(ranked_profiles())
def test_an_outright_majority_of_first_preferences_wins(profile):
    n, ballots = profile
    firsts = Counter(b.ranking[0] for b in ballots)
    leader, votes = firsts.most_common(1)[0]
    assume(votes * 2 > len(ballots))
    result = tally("ranked", options(n), ballots)
    assert result.winners == (leader,)
    assert len(result.rounds) == 1


def brute_force_irv(n: int, rankings: list[tuple[int, ...]]) -> int | None:
    """Textbook instant-runoff; None if it would need a tie-break."""
    running = set(range(n))
    while True:
        counts = dict.fromkeys(running, 0)
        for ranking in rankings:
            top = next((i for i in ranking if i in running), None)
            if top is not None:
                counts[top] += 1
        total = sum(counts.values())
        best = max(counts.values())
        if best * 2 > total:
            return next(i for i, v in counts.items() if v == best)
        zeros = {i for i, v in counts.items() if v == 0}
        if zeros:
            running -= zeros
            continue
        fewest = min(counts.values())
        losers = [i for i, v in counts.items() if v == fewest]
        if len(losers) > 1:
            return None
        running.discard(losers[0])


@settings(max_examples=300)
@given(ranked_profiles(max_options=5, max_ballots=15, full=True))
def test_instant_runoff_agrees_with_a_brute_force_reference_without_ties(profile):
    n, ballots = profile
    rankings = [b.ranking for b in ballots]
    expected = brute_force_irv(n, rankings)
    assume(expected is not None)
    assert tally("ranked", options(n), ballots).winners == (expected,)


def test_ranked_result_does_not_depend_on_the_order_of_ballots():
    rankings = [(0, 1, 2), (1, 2, 0), (2, 0, 1), (0, 2, 1), (1, 0, 2), (2, 1, 0)]
    winners = {
        tally("ranked", options(3), [RankedBallot(r) for r in order]).winners
        for order in permutations(rankings)
    }
    assert len(winners) == 1
