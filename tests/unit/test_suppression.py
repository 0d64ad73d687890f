"""Small-group suppression (rule 9): nothing under 5 can be shown or worked out."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.suppression import (
    Shown,
    format_breakdown,
    hide_rows,
    people_text,
    suppress_breakdown,
    suppress_counts,
    suppress_small_groups,
)


def test_groups_of_five_or_more_are_shown_when_nothing_is_small():
    assert suppress_small_groups({"Lived experience": 12, "Carer": 5}) == {
        "Lived experience": 12,
        "Carer": 5,
    }


def test_one_small_group_hides_the_largest_group_too():
    shown = suppress_small_groups({"Lived experience": 23, "Carer": 3, "Staff": 6})
    assert shown == {"Lived experience": None, "Carer": None, "Staff": 6}


def test_zero_is_shown_as_fewer_than_five():
    breakdown = suppress_breakdown({"Lived experience": 20, "Staff": 9, "Carer": 0})
    kinds = {f.group: f.shown for f in breakdown.figures}
    assert kinds == {
        "Lived experience": Shown.PROTECTIVE,
        "Staff": Shown.COUNT,
        "Carer": Shown.SMALL,
    }


def test_the_case_that_next_smallest_would_give_away():
    # Hiding staff (the next smallest) would leave: staff is 5+ but not above 6, so 5, so carers 2.
    shown = suppress_small_groups({"Lived experience": 6, "Staff": 5, "Carer": 2})
    assert shown == {"Lived experience": None, "Staff": 5, "Carer": None}


def test_two_small_groups_at_four_are_not_given_away_by_the_total():
    shown = suppress_small_groups({"Lived experience": 30, "Carer": 4, "Staff": 4})
    assert shown["Lived experience"] is None


def test_all_small_is_flagged_for_callers():
    assert suppress_breakdown({"A": 1, "B": 3}).all_small
    assert not suppress_breakdown({"A": 1, "B": 7}).all_small


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        suppress_small_groups({"A": -1})
    with pytest.raises(ValueError):
        suppress_small_groups({"A": 1}, threshold=0)


def test_formatted_lines_are_plain_and_explain_what_is_hidden():
    breakdown = suppress_breakdown({"Lived experience": 23, "Carer": 3, "Staff": 6})
    assert format_breakdown(breakdown) == [
        "Lived experience: hidden",
        "Carer: fewer than 5",
        "Staff: 6 responses",
        "Total: 32 responses",
        "Groups with fewer than 5 responses are not shown, so nobody can be picked out. "
        "The largest group is hidden too, so they can't be worked out from the total.",
    ]
    assert format_breakdown(suppress_breakdown({"A": 5}), "votes", show_total=False) == [
        "A: 5 votes"
    ]


counts_strategy = st.dictionaries(
    st.sampled_from(["Lived experience", "Carer", "Staff", "Not said", "Server B"]),
    st.integers(0, 40),
    min_size=1,
)


@given(counts_strategy)
def test_small_groups_are_never_shown_and_shown_groups_are_true(counts):
    shown = suppress_small_groups(counts)
    assert shown.keys() == counts.keys()
    for group, count in counts.items():
        if count < 5:
            assert shown[group] is None
        assert shown[group] in (None, count)


@given(counts_strategy)
def test_a_lone_small_group_never_stands_beside_only_shown_numbers(counts):
    shown = suppress_small_groups(counts)
    hidden = [g for g, v in shown.items() if v is None]
    if any(c < 5 for c in counts.values()) and any(c >= 5 for c in counts.values()):
        assert len(hidden) >= 2


def _same_view(counts, view):
    return suppress_breakdown(counts).figures == view.figures


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D"]), st.integers(0, 12), min_size=2, max_size=4
    )
)
def test_no_small_group_can_be_worked_out_even_knowing_the_rule(counts):
    """Brute force: every set of counts with the same total that the rule would publish
    the same way is a possibility; each small group must have at least two, unless 0."""
    view = suppress_breakdown(counts)
    if view.all_small:
        return  # documented limit: only the total is published
    hidden = [f.group for f in view.figures if f.count is None]
    total = sum(counts.values())
    # The counts themselves are one possibility: each small group needs another in
    # which it differs. One walk, stopping once each has one.
    unsettled = {f.group for f in view.figures if f.shown is Shown.SMALL and counts[f.group] > 0}
    for values in product(range(total + 1), repeat=len(hidden)):
        if not unsettled:
            break
        alternative = dict(counts) | dict(zip(hidden, values, strict=True))
        if sum(alternative.values()) == total and _same_view(alternative, view):
            unsettled = {group for group in unsettled if alternative[group] == counts[group]}
    assert not unsettled, (counts, unsettled)


# -- rows of a group-by-option table (hide_rows) ---------------------------------------

# Only groups shown as a count (5 or more people) reach hide_rows (compute_breakdown).
shown_rows = st.lists(st.integers(0, 9), min_size=2, max_size=2).filter(lambda r: sum(r) >= 5)
tables = st.lists(shown_rows, min_size=2, max_size=3)


def test_a_unanimous_row_of_five_is_hidden_and_takes_the_smallest_other_with_it():
    rows = {"carer": (5, 0), "staff": (6, 7), "lived": (8, 9)}
    assert hide_rows(rows) == {"carer", "staff"}
    assert hide_rows({"a": (5, 6), "b": (7, 5)}) == set()
    assert hide_rows({"a": (5, 6), "b": (7, 4)}) == {"a", "b"}  # 4 in a cell


def _alternatives(rows: dict[str, tuple[int, ...]], hidden: set[str]):
    """Every table a reader could not tell apart: the same shown rows, the same option
    totals, and hide_rows hiding the same rows (the reader knows the rule)."""
    names = sorted(hidden)
    width = len(next(iter(rows.values())))
    left = [sum(rows[n][i] for n in names) for i in range(width)]
    cells = [range(left[i] + 1) for i in range(width)]
    for choice in product(*[product(*cells) for _ in names[:-1]]):
        last = tuple(left[i] - sum(c[i] for c in choice) for i in range(width))
        if any(v < 0 for v in last):
            continue
        other = dict(rows) | dict(zip(names, [*choice, last], strict=True))
        if hide_rows(other) == hidden:
            yield other


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_from_shown_rows_and_totals(cells):
    rows = {f"g{n}": tuple(row) for n, row in enumerate(cells)}
    hidden = hide_rows(rows)
    assert len(hidden) != 1  # one hidden row is its column totals minus the shown rows
    # Each hidden cell of 1 or more (a zero points at nobody) needs a table the reader
    # cannot tell apart in which that cell is different. One walk through the
    # alternatives, stopping once every such cell has one.
    unsettled = {(name, i) for name in hidden for i, value in enumerate(rows[name]) if value}
    for alt in _alternatives(rows, hidden) if unsettled else ():
        unsettled = {(name, i) for name, i in unsettled if alt[name][i] == rows[name][i]}
        if not unsettled:
            break
    assert not unsettled, (rows, unsettled)


# -- figures with a known sum (suppress_counts) ----------------------------------------


def test_roster_totals_in_a_three_person_server_are_not_exact():
    assert suppress_counts({"declined": 1, "no_reply": 1}) == {
        "declined": "fewer than 5",
        "no_reply": "fewer than 5",
    }


def test_one_small_figure_hides_the_largest_whatever_its_size():
    assert suppress_counts({"sent": 12, "skipped": 2, "undeliverable": 0}) == {
        "sent": "not shown",
        "skipped": "fewer than 5",
        "undeliverable": "fewer than 5",
    }
    # two 4s adding up to a known 8: neither can be read off
    assert suppress_counts({"declined": 4, "no_reply": 4}) == {
        "declined": "not shown",
        "no_reply": "fewer than 5",
    }
    assert suppress_counts({"a": 5, "b": 9}) == {"a": "5", "b": "9"}
    assert people_text(3) == "fewer than 5 people"
    assert people_text(7) == "7 people"
    with pytest.raises(ValueError):
        suppress_counts({"a": -1, "b": 2})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 11), min_size=2, max_size=4))
def test_no_figure_not_shown_as_a_number_can_be_worked_out_from_the_total(values):
    """Brute force: a reader knows the total, the words shown and this rule. Every
    other set of figures with that total shown the same way is a possibility; each
    figure of 1 to 4 must have at least two possible values (0 points at nobody, and a
    figure of 5 or more may be shown anyway)."""
    counts = {f"f{n}": v for n, v in enumerate(values)}
    view = suppress_counts(counts)
    total = sum(values)
    names = list(counts)
    for name in names:
        if view[name] != str(counts[name]):  # else shown as a number (5 or more)
            assert view[name] in ("fewer than 5", "not shown")
    # Each figure of 1 to 4 needs another set of figures, with the same total and shown
    # the same way, in which it is different. One walk through every split of the
    # total (the last figure is what the others leave), stopping once each has one.
    unsettled = {name for name in names if 0 < counts[name] < 5}
    for first in product(range(total + 1), repeat=len(names) - 1):
        if not unsettled:
            break
        last = total - sum(first)
        if last < 0:
            continue
        other = dict(zip(names, (*first, last), strict=True))
        if suppress_counts(other) == view:
            unsettled = {name for name in unsettled if other[name] == counts[name]}
    assert not unsettled, (counts, view, unsettled)
