"""The benchmark's verdicts compare what was measured, not what the table rounds it to."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench import burst
from bench import harness as h


@pytest.mark.parametrize(
    ("ours", "base", "factor", "holds"),
    [
        (2.1, 1.4, 1.5, True),  # exactly 1.5 x: floating point says 2.0999999999999996
        (1.5, 1.0, 1.5, True),
        (2.2, 1.4, 1.5, False),
        (1.6, 1.0, 1.5, False),
        (0.3, 0.2, 1.5, True),
        (1.03, 0.75, 1.3, False),  # 1.37 x: both read 1.0 and 0.8 in tenths, which said yes
        (0.975, 0.75, 1.3, True),  # exactly 1.3 x
        (0.9751, 0.75, 1.3, False),  # a hair past it
        (8.2, 3.4, 2.0, False),  # figure 8's Vote p99 on 2 December
        (6.8, 3.4, 2.0, True),
    ],
)
def test_within_factor_is_exact_at_full_resolution(ours, base, factor, holds):
    assert h.within_factor(ours, base, factor) is holds


def test_cpu_per_press_keeps_its_full_resolution_for_the_verdict():
    use = burst.CpuUse(total=1.0314, loop=0.5)
    assert use.per_press(1000) == pytest.approx(1.0314)
    assert not h.within_factor(use.per_press(1000), 0.75, burst.CPU_FACTOR)


def test_round_ratios_are_exact_and_their_median_decides():
    ours = [{"p99": 2.1}, {"p99": 3.0}, {"p99": 1.0}]
    base = [{"p99": 1.4}, {"p99": 1.0}, {"p99": 0.0}]
    ratios = burst.round_ratios(ours, base)
    assert ratios == [Fraction(3, 2), Fraction(3), Fraction(10)]  # 0.0 ms reads as 0.1
    assert h.within_factor(ratios[0], 1, burst.P99_FACTOR)


tenths = st.integers(min_value=1, max_value=100_000)


@given(tenths, tenths, st.sampled_from([1.3, 1.5, 2.0, 3.0]))
def test_within_factor_agrees_with_integer_arithmetic(ours, base, factor):
    """On values in tenths (as the table prints them) the verdict is a reader's own sum."""
    by_hand = ours * 10 <= round(factor * 10) * base
    assert h.within_factor(ours / 10, base / 10, factor) is by_hand


@given(st.floats(min_value=0.001, max_value=1e4), st.floats(min_value=0.001, max_value=1e4))
def test_a_bigger_value_never_holds_where_a_smaller_one_fails(a, b):
    low, high = sorted((a, b))
    if h.within_factor(high, 1.0, 1.5):
        assert h.within_factor(low, 1.0, 1.5)
