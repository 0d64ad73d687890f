"""The outcome status machine and what organisers type (status, progress, review date)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import outcomes as o
from bot.domain.errors import Refusal

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
ZONE = "Europe/London"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("In progress", o.IN_PROGRESS),
        ("in-progress", o.IN_PROGRESS),
        ("IN_PROGRESS", o.IN_PROGRESS),
        ("done.", o.DONE),
        ("Not going ahead", o.NOT_GOING_AHEAD),
        ("reopen", o.REOPEN),
        ("delayed", o.DELAYED),
    ],
)
def test_statuses_are_read_as_people_type_them(typed, status):
    assert o.read_status(typed) == status


def test_a_blank_status_keeps_the_current_one_and_nonsense_is_refused():
    assert o.read_status("", o.DELAYED) == o.DELAYED
    assert o.read_status("  ") == o.PLANNED
    with pytest.raises(Refusal, match="planned, in progress"):
        o.read_status("sort of")


def test_no_update_after_not_going_ahead_without_reopening():
    with pytest.raises(Refusal, match="reopen it first"):
        o.next_step(o.NOT_GOING_AHEAD, o.IN_PROGRESS, "We found money after all.")
    with pytest.raises(Refusal, match="reopen it first"):
        o.next_step(o.DONE, o.DONE, "")
    assert o.next_step(o.NOT_GOING_AHEAD, o.REOPEN, "") == o.Step(o.PLANNED, "reopened")


def test_reopen_is_only_for_a_finished_outcome():
    with pytest.raises(Refusal, match="nothing to reopen"):
        o.next_step(o.IN_PROGRESS, o.REOPEN, "")


@pytest.mark.parametrize("status", [o.DELAYED, o.NOT_GOING_AHEAD])
def test_delayed_and_not_going_ahead_need_a_reason(status):
    with pytest.raises(Refusal, match="Please say why"):
        o.next_step(o.PLANNED, status, "   ")
    assert o.next_step(o.PLANNED, status, "The room fell through.").status == status


@given(st.sampled_from(o.STATUSES), st.sampled_from((*o.STATUSES, o.REOPEN)), st.text(max_size=5))
def test_the_machine_never_leaves_a_finished_outcome_but_by_reopening(current, said, body):
    try:
        step = o.next_step(current, said, body)
    except Refusal:
        assert (
            current in o.FINISHED
            or said == o.REOPEN
            or (said in o.NEEDS_REASON and not body.strip())
        )
        return
    if current in o.FINISHED:
        assert said == o.REOPEN and step.status == o.PLANNED
    else:
        assert step.status == said and said != o.REOPEN


@given(st.integers(min_value=0, max_value=100), st.sampled_from(["", "%", " %", " percent"]))
def test_progress_from_0_to_100_with_or_without_percent(n, suffix):
    assert o.read_progress(f"{n}{suffix}") == n


@given(st.one_of(st.integers(min_value=101, max_value=10**6), st.integers(max_value=-1)))
def test_progress_outside_0_to_100_is_refused(n):
    with pytest.raises(Refusal, match="0 to 100"):
        o.read_progress(str(n))


def test_progress_may_be_left_empty_and_words_are_refused():
    assert o.read_progress("  ") is None
    with pytest.raises(Refusal):
        o.read_progress("half")
    with pytest.raises(Refusal):
        o.read_progress("40.5")


def test_the_review_date_defaults_to_three_months_ahead():
    assert o.read_review("", ZONE, NOW, status=o.PLANNED) == date(2027, 3, 3)
    assert o.read_review("", ZONE, NOW, status=o.PLANNED, blank_means_default=False) is None
    assert o.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_the_review_date_is_in_the_future_and_within_two_years():
    assert o.read_review("2027-01-15", ZONE, NOW, status=o.IN_PROGRESS) == date(2027, 1, 15)
    assert o.read_review("in 6 weeks", ZONE, NOW, status=o.IN_PROGRESS) == date(2027, 1, 14)
    with pytest.raises(Refusal, match="after today"):
        o.read_review("today", ZONE, NOW, status=o.PLANNED)
    with pytest.raises(Refusal, match="already passed"):
        o.read_review("2026-11-01", ZONE, NOW, status=o.PLANNED)
    with pytest.raises(Refusal, match="within two years"):
        o.read_review("2029-06-01", ZONE, NOW, status=o.PLANNED)
    assert o.read_review("none", ZONE, NOW, status=o.PLANNED) is None


@given(st.dates(min_value=date(2026, 12, 4), max_value=date(2028, 12, 3)))
def test_any_day_to_come_within_two_years_is_accepted(day):
    assert o.read_review(day.isoformat(), ZONE, NOW, status=o.PLANNED) == day


def test_a_finished_outcome_has_no_review_date():
    assert o.read_review("2027-01-15", ZONE, NOW, status=o.DONE) is None
    assert o.read_review("", ZONE, NOW, status=o.NOT_GOING_AHEAD) is None


def test_typed_wording_is_cleaned_and_limited():
    assert o.clean_text(" a\x07b ", what="x", limit=10, required=True) == "ab"
    with pytest.raises(Refusal, match="Please write what was decided"):
        o.clean_text(" ", what="what was decided", limit=10, required=True)
    with pytest.raises(Refusal, match="10 characters"):
        o.clean_text("x" * 11, what="it", limit=10, required=False)
    assert o.status_line(o.IN_PROGRESS, 40) == "In progress (40%)"
