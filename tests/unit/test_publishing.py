"""What a server may publish, and its figures made safe (bot/domain/publishing.py; rules 9, 16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import publishing as rules
from bot.domain.errors import Refusal


def test_the_kinds_are_one_list_with_labels_that_fit_discord():
    keys = rules.kind_keys()
    assert keys[:5] == ("polls", "ideas", "outcomes", "opportunities", "meetings")
    assert len(set(keys)) == len(keys)
    for kind in rules.KINDS:
        assert len(kind.label) <= 100 and len(kind.description) <= 100
        assert "," not in kind.key  # stored comma-separated


def test_chosen_kinds_are_kept_in_list_order_and_a_stale_one_is_refused_kindly():
    assert rules.check_kinds(["meetings", "polls"]) == ("polls", "meetings")
    assert rules.check_kinds([]) == ()
    with pytest.raises(Refusal, match="out of date"):
        rules.check_kinds(["polls", "horoscopes"])
    assert rules.parse_kinds(rules.store_kinds(("polls", "ideas"))) == ("polls", "ideas")
    assert rules.parse_kinds("polls,gone-kind,,ideas") == ("polls", "ideas")
    assert rules.parse_kinds("") == ()


def test_slugs_are_random_and_url_safe():
    slugs = {rules.new_slug() for _ in range(200)}
    assert len(slugs) == 200
    assert all(s.isalnum() and s == s.lower() and len(s) == 12 for s in slugs)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 1, 2, 59, tzinfo=UTC), datetime(2026, 12, 1, 3, 0, tzinfo=UTC)),
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), datetime(2026, 12, 2, 3, 0, tzinfo=UTC)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), datetime(2027, 1, 1, 3, 0, tzinfo=UTC)),
    ],
)
def test_the_snapshot_is_planned_for_the_next_three_in_the_morning(now, expected):
    assert rules.next_snapshot_at(now) == expected


def test_fewer_than_five_taking_part_shows_no_results_at_all():
    figures = rules.poll_figures("single", ["A", "B"], [2, 1], 3, [0], "votes")
    assert not figures.shown and figures.options == () and figures.top == ()
    assert figures.took_part == "fewer than 5"


def test_a_small_figure_hides_the_largest_beside_it_when_they_add_up():
    figures = rules.poll_figures("single", ["A", "B", "C"], [7, 2, 1], 10, [0], "votes")
    assert [o.words for o in figures.options] == ["not shown", "fewer than 5", "fewer than 5"]
    assert [o.value for o in figures.options] == [None, None, None]
    assert figures.took_part == "10" and figures.top == ("A",)
    clear = rules.poll_figures("single", ["A", "B"], [7, 5], 12, [0], "votes")
    assert [o.words for o in clear.options] == ["7", "5"]


def test_multi_and_points_figures_stand_alone():
    figures = rules.poll_figures("multi", ["A", "B"], [9, 3], 9, [0], "votes")
    assert [o.words for o in figures.options] == ["9", "fewer than 5"]


totals_strategy = st.lists(st.integers(0, 30), min_size=2, max_size=6)


@given(totals_strategy, st.sampled_from(["single", "ranked", "multi", "points"]))
def test_no_shown_figure_is_under_five(totals, kind):
    figures = rules.poll_figures(
        kind, [f"o{i}" for i in range(len(totals))], totals, sum(totals), [0], "votes"
    )
    for option in figures.options:
        assert option.value is None or option.value >= 5
        assert option.words == (str(option.value) if option.value is not None else option.words)


@given(st.lists(st.integers(0, 12), min_size=2, max_size=4))
def test_a_hidden_single_choice_figure_cannot_be_worked_out(totals):
    """Brute force: every way of filling the hidden cells that is consistent with what is
    shown (the figures, the total, "fewer than 5" = 0-4, "not shown" = anything) leaves
    each hidden non-zero figure with more than one possible value."""
    total = sum(totals)
    figures = rules.poll_figures(
        "single", [str(i) for i in range(len(totals))], totals, total, [0], "votes"
    )
    if not figures.shown:
        return
    hidden = [i for i, o in enumerate(figures.options) if o.value is None]
    known = sum(o.value for o in figures.options if o.value is not None)
    ranges = [
        range(5) if figures.options[i].words == "fewer than 5" else range(total + 1) for i in hidden
    ]
    fits = [combo for combo in product(*ranges) if sum(combo) + known == total]
    for position, i in enumerate(hidden):
        if totals[i] > 0:
            assert len({combo[position] for combo in fits}) > 1, (totals, i)


def test_sources_say_how_many_servers_the_figures_come_from():
    assert rules.sources_text(2, 3) == "Results from 2 of 3 servers in the network."
    assert rules.sources_text(1, 1) == "Results from 1 of 1 server in the network."


def test_planned_times_are_aware():
    assert rules.next_snapshot_at(datetime(2026, 6, 1, tzinfo=UTC)).tzinfo is not None
    assert rules.next_snapshot_at(datetime(2026, 6, 1, tzinfo=UTC)) - datetime(
        2026, 6, 1, tzinfo=UTC
    ) == timedelta(hours=3)
