"""Membership rules: contact, stepping back, profile values."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.consent import OPTIONAL_PURPOSES, PURPOSE_MEMBERSHIP
from bot.domain.errors import Refusal
from bot.domain.members import (
    Member,
    Profile,
    can_contact,
    clean_optional_text,
    contact_decision,
    is_paused,
    offsets_from_text,
    offsets_to_text,
    validate_group,
    validate_purposes,
)
from bot.domain.quiet_hours import QuietHours

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SECRET = b"k" * 40


def member(**changes) -> Member:
    values = dict(
        guild_id=1,
        user_id=100000000000000001,
        joined_at=NOW - timedelta(days=10),
        notice_version=1,
        consents=frozenset({PURPOSE_MEMBERSHIP, *OPTIONAL_PURPOSES}),
    )
    values.update(changes)
    return Member(**values)


@pytest.mark.parametrize("purpose", OPTIONAL_PURPOSES)
def test_a_member_who_chose_a_purpose_can_be_contacted_for_it(purpose):
    assert can_contact(member(), purpose, NOW, notice_version=1)


@pytest.mark.parametrize("purpose", OPTIONAL_PURPOSES)
def test_nothing_is_sent_for_a_purpose_not_chosen(purpose):
    chosen = member(consents=frozenset({PURPOSE_MEMBERSHIP}))
    assert not can_contact(chosen, purpose, NOW, notice_version=1)


def test_non_members_are_never_contacted():
    assert not can_contact(None, "dm_opportunities", NOW, notice_version=1)
    assert not can_contact(None, "service", NOW, notice_version=1)


def test_a_new_notice_stops_messages_until_reconfirmed():
    assert not can_contact(member(notice_version=1), "dm_reminders", NOW, notice_version=2)
    assert can_contact(member(notice_version=2), "dm_reminders", NOW, notice_version=2)


def test_stepping_back_stops_every_message_until_the_date():
    paused = member(paused_at=NOW - timedelta(days=1), paused_until=NOW + timedelta(days=3))
    for purpose in OPTIONAL_PURPOSES:
        assert not can_contact(paused, purpose, NOW, notice_version=1)
    later = NOW + timedelta(days=3)
    assert not is_paused(paused, later)
    assert can_contact(paused, "dm_reminders", later, notice_version=1)


def test_stepping_back_without_a_date_lasts_until_resumed():
    paused = member(paused_at=NOW, paused_until=None)
    assert is_paused(paused, NOW + timedelta(days=3650))


def test_service_messages_reach_a_member_who_asked_even_when_paused():
    paused = member(paused_at=NOW, consents=frozenset({PURPOSE_MEMBERSHIP}))
    assert can_contact(paused, "service", NOW, notice_version=5)


def test_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError):
        can_contact(member(), "dm_everything", NOW, notice_version=1)


def test_quiet_hours_defer_non_urgent_messages_until_they_end():
    quiet = member(profile=Profile(quiet_hours=QuietHours(time(22), time(8))))
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # London is on GMT in December
    decision = contact_decision(
        quiet, "dm_opportunities", late, notice_version=1, server_timezone="Europe/London"
    )
    assert decision.action == "defer"
    assert decision.not_before == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    urgent = contact_decision(
        quiet,
        "dm_opportunities",
        late,
        notice_version=1,
        server_timezone="Europe/London",
        urgent=True,
    )
    assert urgent.action == "send"
    daytime = contact_decision(
        quiet, "dm_opportunities", NOW, notice_version=1, server_timezone="Europe/London"
    )
    assert daytime.action == "send"


def test_quiet_hours_follow_the_members_own_zone():
    quiet = member(
        profile=Profile(quiet_hours=QuietHours(time(22), time(8)), timezone="America/New_York")
    )
    # 23:30 UTC is 18:30 in New York: not quiet there.
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    decision = contact_decision(
        quiet, "dm_outcomes", late, notice_version=1, server_timezone="Europe/London"
    )
    assert decision.action == "send"


def test_decisions_skip_what_may_not_be_sent():
    skip = contact_decision(
        member(paused_at=NOW), "dm_reminders", NOW, notice_version=1, server_timezone="UTC"
    )
    assert (skip.action, skip.reason) == ("skip", "paused")
    stale = contact_decision(member(), "dm_reminders", NOW, notice_version=3, server_timezone="UTC")
    # A chosen message waits for the new notice (issue 19): it goes once they agree.
    assert (stale.action, stale.reason) == ("wait", "notice not confirmed")
    nobody = contact_decision(None, "dm_reminders", NOW, notice_version=1, server_timezone="UTC")
    assert nobody.action == "skip"
    asked = contact_decision(None, "service", NOW, notice_version=1, server_timezone="UTC")
    assert asked.action == "send"


def test_profile_text_is_trimmed_and_empty_means_not_given():
    assert clean_optional_text("  Sam  ", what="name", limit=64) == "Sam"
    assert clean_optional_text("   ", what="name", limit=64) is None
    with pytest.raises(Refusal, match="keep it to 64"):
        clean_optional_text("x" * 65, what="preferred name", limit=64)


def test_groups_and_purposes_must_come_from_the_lists():
    assert validate_group("carer") == "carer"
    assert validate_group("not_given") is None and validate_group(None) is None
    with pytest.raises(Refusal):
        validate_group("robots")
    assert validate_purposes(["dm_reminders"]) == {"dm_reminders"}
    with pytest.raises(Refusal):
        validate_purposes(["membership"])


@given(st.lists(st.integers(min_value=5, max_value=20160), max_size=5, unique=True))
def test_reminder_offsets_round_trip_through_storage(minutes):
    offsets = tuple(timedelta(minutes=m) for m in sorted(minutes, reverse=True))
    assert offsets_from_text(offsets_to_text(offsets)) == offsets
    assert offsets_from_text(offsets_to_text(None)) is None
