"""Meeting rules: who is reminded when, quiet hours, late runs, clock changes, answers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import Refusal
from bot.domain.meetings import (
    DEFAULT_OFFSETS,
    Answer,
    Attendee,
    last_end,
    occurrences_to_plan,
    plan_reminders,
    remap_keys,
    reminders_due,
    send_times,
    still_useful,
    tally,
    upcoming_occurrence,
    validate_duration,
    validate_place,
    validate_title,
)
from bot.domain.quiet_hours import QuietHours
from bot.domain.recurrence import Series, next_occurrences

LONDON = "Europe/London"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thursday 18:00 in London (GMT)
H = timedelta(hours=1)


def wall(*parts: int) -> datetime:
    """A naive local wall time (series are stored that way)."""
    return datetime(*parts)  # noqa: DTZ001


def person(user_id=1, answered_at=NOW, zone=LONDON, quiet=None, own=None):
    return Attendee(user_id, answered_at, zone, quiet, own)


# -- planning -------------------------------------------------------------------------


def test_default_reminders_are_24_hours_and_1_hour_before():
    planned = plan_reminders(START, DEFAULT_OFFSETS, [person()])
    assert [r.send_at for r in planned] == [START - 24 * H, START - H]
    assert [r.offset_minutes for r in planned] == [1440, 60]


def test_a_members_own_offsets_replace_the_meetings_for_them_only():
    planned = plan_reminders(
        START, DEFAULT_OFFSETS, [person(1), person(2, own=(timedelta(minutes=30),))]
    )
    mine = [r.send_at for r in planned if r.user_id == 2]
    theirs = [r.send_at for r in planned if r.user_id == 1]
    assert mine == [START - timedelta(minutes=30)]
    assert theirs == [START - 24 * H, START - H]


def test_a_member_who_chose_no_reminder_times_gets_none():
    assert plan_reminders(START, DEFAULT_OFFSETS, [person(own=())]) == []


def test_a_reminder_due_in_quiet_hours_goes_one_minute_before_they_begin():
    # A 09:00 meeting; the 1 h reminder (08:00) falls in quiet hours 22:00-08:30.
    start = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    quiet = QuietHours(time(22, 0), time(8, 30))
    [day_before, hour_before] = plan_reminders(start, DEFAULT_OFFSETS, [person(quiet=quiet)])
    assert day_before.send_at == start - 24 * H  # 09:00 the day before: not quiet
    assert hour_before.send_at == datetime(2026, 12, 3, 21, 59, tzinfo=UTC)
    assert hour_before.due_at == start - H


def test_quiet_hours_are_read_on_the_members_own_clock():
    # 18:00 UTC is 13:00 in New York: inside quiet hours 12:00-14:00 there, not in London.
    quiet = QuietHours(time(12, 0), time(14, 0))
    due = START + 24 * H  # planning a meeting at 18:00 UTC on Friday, reminder 24h before
    [r] = plan_reminders(due + 24 * H, [24 * H], [person(zone="America/New_York", quiet=quiet)])
    assert r.send_at == datetime(2026, 12, 4, 16, 59, tzinfo=UTC)  # 11:59 in New York
    [r] = plan_reminders(due + 24 * H, [24 * H], [person(zone=LONDON, quiet=quiet)])
    assert r.send_at == due


def test_people_with_the_same_times_share_one_job_minute():
    planned = plan_reminders(START, DEFAULT_OFFSETS, [person(n) for n in range(300)])
    assert send_times(planned, NOW) == [START - 24 * H, START - H]
    assert send_times(planned, START - 24 * H) == [START - H]


# -- when a job runs ---------------------------------------------------------------------


def test_a_reminder_is_due_at_its_minute_and_not_before():
    planned = plan_reminders(START, [H], [person()])
    assert reminders_due(planned, NOW, START - H - timedelta(minutes=1)).send == []
    [due] = reminders_due(planned, NOW, START - H).send
    assert due.user_id == 1


def test_a_handled_reminder_is_not_due_again():
    planned = plan_reminders(START, [H], [person()])
    assert reminders_due(planned, START - H, START - timedelta(minutes=30)).send == []


def test_a_reminder_whose_time_came_before_the_answer_is_not_sent():
    late_answer = START - 2 * H
    planned = plan_reminders(START, DEFAULT_OFFSETS, [person(answered_at=late_answer)])
    due = reminders_due(planned, NOW, START - H)
    assert [r.offset_minutes for r in due.send] == [60]  # not the 24 h one, 22 hours late


def test_after_downtime_only_the_nearest_reminder_goes_the_rest_are_superseded():
    planned = plan_reminders(START, DEFAULT_OFFSETS, [person(1), person(2)])
    due = reminders_due(planned, NOW, START - timedelta(minutes=30))
    assert [(r.user_id, r.offset_minutes) for r in due.send] == [(1, 60), (2, 60)]
    assert sorted((r.user_id, r.offset_minutes) for r in due.superseded) == [(1, 1440), (2, 1440)]


def test_a_reminder_is_useful_only_before_the_meeting_starts():
    assert still_useful(START, START - timedelta(minutes=1))
    assert not still_useful(START, START)
    assert not still_useful(START, START + H)


@given(
    st.lists(st.integers(min_value=5, max_value=14 * 24 * 60), min_size=1, max_size=5, unique=True),
    st.lists(st.integers(min_value=0, max_value=20 * 24 * 60), min_size=1, max_size=12),
)
def test_however_runs_are_split_no_reminder_is_sent_twice(offsets, run_minutes):
    """Runs at any times (in order) send each (person, offset) at most once."""
    people = [person(n, answered_at=START - timedelta(days=30)) for n in range(3)]
    planned = plan_reminders(START, [timedelta(minutes=m) for m in offsets], people)
    handled = START - timedelta(days=30)
    sent: list[tuple[int, int]] = []
    for minutes in sorted(run_minutes):
        now = START - timedelta(days=15) + timedelta(minutes=minutes)
        if not still_useful(START, now):
            break
        sent += [(r.user_id, r.offset_minutes) for r in reminders_due(planned, handled, now).send]
        handled = max(handled, now)
    assert len(sent) == len(set(sent))


# -- occurrences and clock changes ----------------------------------------------------------


def test_weekly_18_00_in_london_stays_18_00_across_the_clock_change():
    series = Series(wall(2026, 10, 15, 18, 0), LONDON, "weekly")
    before, after = next_occurrences(series, datetime(2026, 10, 20, tzinfo=UTC), 2)
    assert before.start_utc == datetime(2026, 10, 22, 17, 0, tzinfo=UTC)  # BST
    assert after.start_utc == datetime(2026, 10, 29, 18, 0, tzinfo=UTC)  # GMT after 25 Oct
    # the 24 h reminder for the meeting after the change crosses it: 18:00 local the day before
    [r] = plan_reminders(after.start_utc, [24 * H], [person()])
    assert r.send_at == datetime(2026, 10, 28, 18, 0, tzinfo=UTC)


def test_planning_covers_the_next_meeting_and_any_close_enough_for_long_reminders():
    weekly = Series(wall(2026, 12, 3, 18, 0), LONDON, "weekly")
    planned = occurrences_to_plan(weekly, NOW)
    assert [o.key for o in planned] == ["20261203T180000", "20261210T180000"]  # 16 days ahead
    monthly = Series(wall(2026, 12, 1, 18, 0), LONDON, "monthly")
    assert [o.key for o in occurrences_to_plan(monthly, NOW)] == ["20261201T180000"]
    one_off = Series(wall(2026, 12, 3, 18, 0), LONDON)
    assert occurrences_to_plan(one_off, START + H) == []
    assert upcoming_occurrence(one_off, START) is None


def test_moving_a_series_carries_answers_to_the_matching_new_meetings():
    old = Series(wall(2026, 12, 3, 18, 0), LONDON, "weekly")
    new = Series(wall(2026, 12, 4, 17, 30), LONDON, "weekly")
    remap = remap_keys(old, new, NOW, limit=2)
    assert remap == {"20261203T180000": "20261204T173000", "20261210T180000": "20261211T173000"}
    assert remap_keys(old, old, NOW) == {}


def test_last_end_of_one_off_and_open_series():
    one_off = Series(wall(2026, 12, 3, 18, 0), LONDON, duration_minutes=90)
    assert last_end(one_off) == START + timedelta(minutes=90)
    assert last_end(Series(wall(2026, 12, 3, 18, 0), LONDON, "weekly")) is None
    three = Series(wall(2026, 12, 3, 18, 0), LONDON, "weekly", count=3)
    assert last_end(three) == START + timedelta(days=14, hours=1)


# -- answers --------------------------------------------------------------------------------


def test_counts_include_everyone_but_names_only_of_people_coming_who_chose_it():
    answers = {
        1: Answer(1, "going", True, NOW),
        2: Answer(2, "going", False, NOW),
        3: Answer(3, "maybe", True, NOW),
        4: Answer(4, "no", True, NOW),  # a decline is never named
    }
    result = tally(answers)
    assert (result.going, result.maybe, result.no) == (2, 1, 1)
    assert result.named == (1, 3)


# -- what organisers type ------------------------------------------------------------------


def test_titles_places_and_lengths_are_checked_kindly():
    assert validate_title("  Champions   catch-up ") == "Champions catch-up"
    assert validate_place("   ") is None
    assert validate_duration(None) == 60
    for bad in (lambda: validate_title(" "), lambda: validate_title("x" * 101)):
        with pytest.raises(Refusal, match="Nothing was posted"):
            bad()
    with pytest.raises(Refusal, match="between 5 and 1440 minutes"):
        validate_duration(2)
    with pytest.raises(Refusal, match="keep it to 200"):
        validate_place("x" * 201)
