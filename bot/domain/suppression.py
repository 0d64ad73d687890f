"""Small-group suppression for results broken down by group (product rule 9).

A breakdown by group (for example lived experience / carer / staff, or by server in
a network) must not let anyone work out how a small number of people answered.

The rule, with a threshold of 5:

1. **Small groups.** A group with fewer than 5 responses is shown as "fewer than 5".
   That includes a group with 0 responses. Showing "0" would be safe on its own
   (it points at nobody), but it is still a number a reader can subtract: with
   "Staff 0" and one hidden group beside a shown total, the hidden one follows.
   "Fewer than 5" is true of 0, keeps the rule one sentence long, and means every
   hidden group could be anything from 0 to 4.
2. **One more group.** Whenever at least one group is shown as "fewer than 5" and
   some group has 5 or more, the *largest* group is hidden too, shown as "hidden"
   (if two share the largest count, the first in the caller's order).

Why the largest group, not the next smallest: the total is shown, so the hidden
groups' sum is known. If the extra group were the next smallest, someone who knows
the rule would also know it is no bigger than the smallest shown group, and that
can give the answer away: with "Lived experience 6", "Staff hidden", "Carer fewer
than 5" and a total of 13, staff must be 5 (5 or more, and not above 6), so carers
are 2. The largest group has no such ceiling: it could hold any amount of the
hidden sum, so each small group could be anything from 0 to its true count. It
also costs readers least: the largest group's count is still known to within a
few, which is a small error on a big number.

Why rule 2 applies even when two or more groups are small: with two small groups
at 4 each and nothing else hidden, a hidden sum of 8 can only be 4 + 4. A rule that
added the extra group only in such cases would itself give the numbers away, so
it applies whenever anything is small.

What this guarantees: someone who knows the shown counts, the total, this rule,
and that "fewer than 5" means 0 to 4 and "hidden" 5 or more, cannot work out any
small group's count, unless that count is 0 (which identifies no one).
Limit: when every group is small there is no larger group to hide, and only the
total (always shown) is known; with one group, or all at 4, that gives them away,
so callers may prefer to show no breakdown at all then (``all_small``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_THRESHOLD = 5


class Shown(StrEnum):
    """How one group's count appears."""

    COUNT = "count"  # the number itself
    SMALL = "small"  # "fewer than 5"
    PROTECTIVE = "protective"  # "hidden", so a small group cannot be worked out


@dataclass(frozen=True)
class GroupFigure:
    group: str
    count: int | None  # None when not shown
    shown: Shown


@dataclass(frozen=True)
class SuppressedBreakdown:
    """A breakdown safe to publish: figures in the caller's group order, and the total."""

    figures: tuple[GroupFigure, ...]
    total: int
    threshold: int = DEFAULT_THRESHOLD

    @property
    def all_small(self) -> bool:
        """True when every group is under the threshold: the breakdown adds nothing."""
        return all(figure.shown is Shown.SMALL for figure in self.figures)

    def as_dict(self) -> dict[str, int | None]:
        return {figure.group: figure.count for figure in self.figures}


def suppress_breakdown(
    counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD
) -> SuppressedBreakdown:
    """Apply rule 9 to ``counts`` (group -> responses). See the module docstring."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if any(count < 0 for count in counts.values()):
        raise ValueError("a group cannot have fewer than 0 responses")
    small = {group for group, count in counts.items() if count < threshold}
    protective = _protective_groups(counts, small)
    figures = tuple(_figure(group, count, small, protective) for group, count in counts.items())
    return SuppressedBreakdown(figures, sum(counts.values()), threshold)


def suppress_small_groups(
    counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, int | None]:
    """Each group's count, or None where it must not be shown (rule 9).

    None covers both "fewer than 5" and the extra group hidden to protect it; use
    ``suppress_breakdown`` when the wording needs to tell them apart.
    """
    return suppress_breakdown(counts, threshold).as_dict()


def _protective_groups(counts: Mapping[str, int], small: set[str]) -> set[str]:
    """The largest group (first of equals, in the caller's order), if any group is small."""
    larger = [group for group in counts if group not in small]
    if not small or not larger:
        return set()
    return {max(larger, key=lambda group: counts[group])}


def _figure(group: str, count: int, small: set[str], protective: set[str]) -> GroupFigure:
    if group in small:
        return GroupFigure(group, None, Shown.SMALL)
    if group in protective:
        return GroupFigure(group, None, Shown.PROTECTIVE)
    return GroupFigure(group, count, Shown.COUNT)


def format_breakdown(
    breakdown: SuppressedBreakdown, unit: str = "responses", *, show_total: bool = True
) -> list[str]:
    """Readable lines, e.g. "Carer: fewer than 5", then the total and a short note."""
    lines = [
        f"{figure.group}: {_figure_text(figure, breakdown.threshold, unit)}"
        for figure in breakdown.figures
    ]
    if show_total:
        lines.append(f"Total: {_amount(breakdown.total, unit)}")
    notes = {figure.shown for figure in breakdown.figures}
    if Shown.SMALL in notes:
        note = (
            f"Groups with fewer than {breakdown.threshold} {unit} are not shown, "
            "so nobody can be picked out."
        )
        if Shown.PROTECTIVE in notes:
            note += " The largest group is hidden too, so they can't be worked out from the total."
        lines.append(note)
    return lines


def _figure_text(figure: GroupFigure, threshold: int, unit: str) -> str:
    if figure.shown is Shown.SMALL:
        return f"fewer than {threshold}"
    if figure.shown is Shown.PROTECTIVE:
        return "hidden"
    return _amount(figure.count or 0, unit)


def _amount(n: int, unit: str) -> str:
    return f"1 {unit[:-1]}" if n == 1 and unit.endswith("s") else f"{n} {unit}"


def hide_rows(rows: Mapping[str, Sequence[int]], threshold: int = DEFAULT_THRESHOLD) -> set[str]:
    """The rows of a group-by-option table that must not be shown (rule 9).

    A row is hidden when any of its cells holds 1 to ``threshold - 1`` people (a
    small number of a group chose that option) or when it is unanimous (everyone in
    the group chose the same thing, so knowing someone is in the group tells you
    their answer). If exactly one row is hidden, the smallest other row (fewest
    people, first of equals) is hidden too, so the hidden one cannot be worked out
    from the shown rows and the option totals.

    Pass only rows of groups shown as a count (5 or more people): smaller groups
    are already hidden by ``suppress_breakdown``.
    """
    hidden = {
        group
        for group, cells in rows.items()
        if any(0 < cell < threshold for cell in cells) or _unanimous(cells)
    }
    if len(hidden) == 1:
        others = [group for group in rows if group not in hidden]
        if others:
            hidden.add(min(others, key=lambda group: sum(rows[group])))
    return hidden


def _unanimous(cells: Sequence[int]) -> bool:
    return sum(cells) > 0 and sum(1 for cell in cells if cell) == 1


def small_count(n: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """A single count about people: the number, or None for "fewer than 5"."""
    return n if n >= threshold else None


def count_text(n: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A single count about people in words: "12", or "fewer than 5"."""
    return str(n) if n >= threshold else f"fewer than {threshold}"


def people_text(n: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A count of people in words: "12 people", or "fewer than 5 people"."""
    return f"{count_text(n, threshold)} people"


def suppress_counts(
    counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, str]:
    """Figures that add up to something a reader may know (rule 9), each in words.

    For "not this time" and "no reply" beside a roster, or "sent", "skipped" and
    "undeliverable" for one batch of invitations: their sum is often known (how many
    members there are, how many said yes), so one exact figure beside one "fewer
    than 5" would give the small one away. The rule:

    1. A figure under ``threshold`` is "fewer than 5" (0 too: it is still a number
       a reader could subtract).
    2. If any figure is, and the figures add up to ``threshold`` or more, the
       largest figure (first of equals, in the caller's order) is "not shown",
       whatever its size. (Below ``threshold`` everything is "fewer than 5".)

    Unlike ``suppress_breakdown``'s "hidden", "not shown" promises nothing about the
    size, so two figures of 4 that add up to a known 8 cannot be read off either.
    A reader who knows the total and this rule cannot work out any figure that is
    not shown as a number (unless it is 0); tests/unit/test_suppression.py checks
    this by brute force. With a single figure there is nothing to hide it among:
    callers pass two or more.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if any(count < 0 for count in counts.values()):
        raise ValueError("a count cannot be below 0")
    words = {group: count_text(count, threshold) for group, count in counts.items()}
    anything_small = any(count < threshold for count in counts.values())
    if anything_small and sum(counts.values()) >= threshold:
        largest = max(counts, key=lambda group: counts[group])
        words[largest] = "not shown"
    return words
