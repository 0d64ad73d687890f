"""The record's rules: which meetings count as "said going", and how lines read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import Refusal
from bot.domain.records import (
    NAME_LIMIT,
    Activity,
    MeetingAnswer,
    certificate_name,
    hours_text,
    in_order,
    line,
    meetings_said_going,
    total_hours,
)
from bot.domain.recurrence import Series

WEEKLY = Series(datetime(2026, 12, 3, 18, 0), "Europe/London", "weekly", 60)  # noqa: DTZ001
FIRST = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def said(answers, now, since=LONG_AGO, cancelled_at=None, series=WEEKLY):
    found = meetings_said_going("Catch-up", series, cancelled_at, answers, now, since)
    return [a.day for a in found]


def answer(key, status="going", at=FIRST - timedelta(days=2)):
    return MeetingAnswer(key, status, at)


def test_one_meeting_counts_once_it_has_ended():
    answers = [answer("20261203T180000")]
    assert said(answers, FIRST + timedelta(minutes=30)) == []  # still going on
    assert said(answers, FIRST + timedelta(hours=1)) == [date(2026, 12, 3)]


def test_maybe_and_cant_make_it_never_count():
    assert said([answer("20261203T180000", "maybe")], FIRST + timedelta(days=1)) == []
    assert said([answer("20261203T180000", "no")], FIRST + timedelta(days=1)) == []


def test_a_series_answer_counts_each_meeting_after_it_was_given_unless_overridden():
    answers = [
        answer("*", at=FIRST + timedelta(days=1)),  # given after the first meeting
        answer("20261217T180000", "no", at=FIRST + timedelta(days=2)),  # not that week
    ]
    now = FIRST + timedelta(days=21, hours=2)
    assert said(answers, now) == [date(2026, 12, 10), date(2026, 12, 24)]


def test_a_skipped_date_and_dates_after_cancelling_never_took_place():
    skipped = Series(
        WEEKLY.start_local, WEEKLY.zone, "weekly", 60, skipped_dates=frozenset({date(2026, 12, 10)})
    )
    answers = [answer("*")]
    now = FIRST + timedelta(days=30)
    assert said(answers, now, series=skipped)[:2] == [date(2026, 12, 3), date(2026, 12, 17)]
    cancelled = FIRST + timedelta(days=8)
    assert said(answers, now, cancelled_at=cancelled) == [date(2026, 12, 3), date(2026, 12, 10)]
    assert said([answer("20261217T180000")], now, cancelled_at=cancelled) == []


def test_only_within_the_retention_period():
    answers = [answer("*")]
    now = FIRST + timedelta(days=70)
    since = FIRST + timedelta(days=40)
    found = said(answers, now, since=since)
    assert found and min(found) >= (since - timedelta(hours=1)).date()


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(0, 20), max_size=6),
    statuses=st.lists(st.sampled_from(["going", "maybe", "no"]), min_size=6, max_size=6),
    series_wide=st.sampled_from([None, "going", "no"]),
    now_days=st.integers(0, 200),
    keep_days=st.integers(1, 120),
)
def test_said_going_is_past_in_the_period_ordered_and_never_doubled(
    keys, statuses, series_wide, now_days, keep_days
):
    answers = [
        answer((FIRST + timedelta(weeks=k)).strftime("%Y%m%dT%H%M%S"), statuses[i])
        for i, k in enumerate(dict.fromkeys(keys))
    ]
    if series_wide:
        answers.append(answer("*", series_wide))
    now = FIRST + timedelta(days=now_days)
    since = now - timedelta(days=keep_days)
    found = meetings_said_going("Catch-up", WEEKLY, None, answers, now, since)
    days = [a.day for a in found]
    assert days == sorted(set(days))
    assert all(a.said_going and a.hours is None for a in found)
    assert all(since.date() - timedelta(days=1) <= d <= now.date() for d in days)
    one_date_no = {a.occ_key for a in answers if a.status != "going" and a.occ_key != "*"}
    assert not {d.strftime("%Y%m%dT180000") for d in days} & one_date_no


def test_lines_read_plainly():
    assert hours_text(1) == "1 hour" and hours_text(2.0) == "2 hours"
    assert hours_text(3.5) == "3.5 hours" and hours_text(0.25) == "0.25 hours"
    panel = Activity(date(2026, 11, 20), "Interview panel", "panel member", 3)
    assert line(panel, "said going") == "20 November 2026: Interview panel (panel member, 3 hours)"
    bare = Activity(date(2026, 11, 2), "Reading group")
    assert line(bare, "said going") == "2 November 2026: Reading group"
    meeting = Activity(date(2026, 12, 3), "Catch-up", said_going=True)
    assert line(meeting, "said going") == "3 December 2026: Catch-up (said going)"
    assert in_order([meeting, bare, panel]) == [bare, panel, meeting]
    assert total_hours([panel, meeting, Activity(date(2026, 1, 1), "x", hours=0.5)]) == 3.5
    assert total_hours([bare, meeting]) is None


def test_the_printed_name_is_kept_as_typed_but_tidied():
    words = {"empty": "empty", "too_long": "long"}
    assert certificate_name("  Siân   Ó Dónaill ", **words) == "Siân Ó Dónaill"
    assert certificate_name("王小明", **words) == "王小明"
    assert certificate_name("Ali\u202e", **words) == "Ali"
    with pytest.raises(Refusal, match="empty"):
        certificate_name(" \u2066\u202e ", **words)
    with pytest.raises(Refusal, match="long"):
        certificate_name("x" * (NAME_LIMIT + 1), **words)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_a_printed_name_is_clean_tidy_and_stable(typed):
    words = {"empty": "empty", "too_long": "long"}
    try:
        name = certificate_name(typed, **words)
    except Refusal:
        return
    assert 0 < len(name) <= NAME_LIMIT and name == name.strip()
    assert "  " not in name and "\n" not in name
    assert not any(
        ord(c) < 32 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in name
    )
    assert certificate_name(name, **words) == name


async def test_a_long_record_fits_one_discord_message():
    from cogs.records.flows import MyRecord
    from cogs.records.ui import record_message

    took = [Activity(date(2026, 1, 1), "A title " * 12, "a role", 2) for _ in range(200)]
    going = [Activity(date(2026, 2, 1), "Catch-up", said_going=True) for _ in range(200)]
    shown, view = record_message(MyRecord(took, going, 12))
    assert len(shown.description) <= 4096
    assert "more (all of them are in the certificate" in shown.description
    assert "Hours you gave, where organisers noted them: 400 hours." in shown.description
    assert view is not None
