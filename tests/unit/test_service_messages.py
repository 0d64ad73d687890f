"""The service-message policy (rule 15): yes-sayer x paused x quiet hours x DMs closed x
consent kinds. Pure rules, checked exhaustively and by property."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.consent import OPTIONAL_PURPOSES, PURPOSE_MEMBERSHIP
from bot.domain.members import Member, Profile, contact_decision
from bot.domain.quiet_hours import QuietHours
from bot.domain.service_messages import (
    PURPOSE_ABOUT_YES,
    Told,
    reaches_now,
    service_decision,
)

NOW = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # 23:00 London (GMT in winter)
NIGHT = QuietHours(time(22, 0), time(8, 0))  # ends 08:00 tomorrow
MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def member(*, kinds=frozenset(), paused=False, quiet=None, until=None) -> Member:
    return Member(
        guild_id=1,
        user_id=2,
        joined_at=NOW - timedelta(days=30),
        notice_version=1,
        consents=frozenset({PURPOSE_MEMBERSHIP, *kinds}),
        paused_at=NOW - timedelta(days=1) if paused else None,
        paused_until=until,
        profile=Profile(quiet_hours=quiet),
    )


kinds = st.frozensets(st.sampled_from(OPTIONAL_PURPOSES))


@given(kinds=kinds, paused=st.booleans(), quiet=st.booleans(), closed=st.booleans())
def test_the_policy_over_every_combination(kinds, paused, quiet, closed):
    someone = member(kinds=kinds, paused=paused, quiet=NIGHT if quiet else None)
    decision = service_decision(someone, NOW, server_timezone="Europe/London", dms_closed=closed)
    if paused:
        # Stepping back comes first: held (and shown on return), whatever else is true.
        assert decision.action == "hold"
    elif closed:
        assert decision.action == "skip"
    elif quiet:
        assert (decision.action, decision.not_before) == ("defer", MORNING)
    else:
        assert decision.action == "send"
    # The DM kinds someone chose never change anything: saying yes was the consent.
    again = service_decision(
        member(paused=paused, quiet=NIGHT if quiet else None),
        NOW,
        server_timezone="Europe/London",
        dms_closed=closed,
    )
    assert again == decision
    assert reaches_now(someone, NOW, dms_closed=closed) == (not paused and not closed)


def test_quiet_hours_give_way_when_the_thing_starts_before_they_end():
    someone = member(quiet=NIGHT)
    soon = NOW + timedelta(hours=2)  # 01:00, before quiet hours end at 08:00
    assert service_decision(someone, NOW, server_timezone="UTC", starts_at=soon).action == "send"
    later = MORNING + timedelta(hours=3)
    decision = service_decision(someone, NOW, server_timezone="UTC", starts_at=later)
    assert (decision.action, decision.not_before) == ("defer", MORNING)


def test_a_pause_that_has_ended_by_its_date_no_longer_holds():
    ended = member(paused=True, until=NOW - timedelta(minutes=1))
    assert service_decision(ended, NOW, server_timezone="UTC").action == "send"
    going_on = member(paused=True, until=NOW + timedelta(days=2))
    assert service_decision(going_on, NOW, server_timezone="UTC").action == "hold"


def test_someone_who_is_not_a_member_is_never_sent_one():
    assert service_decision(None, NOW, server_timezone="UTC").action == "skip"
    assert not reaches_now(None, NOW, dms_closed=False)


def test_optional_kinds_still_govern_everything_else():
    # A reminder needs its kind, unlike a service message.
    nobody_chose = member()
    reminder = contact_decision(
        nobody_chose, "dm_reminders", NOW, notice_version=1, server_timezone="UTC"
    )
    assert reminder.action == "skip"
    assert service_decision(nobody_chose, NOW, server_timezone="UTC").action == "send"
    assert PURPOSE_ABOUT_YES not in OPTIONAL_PURPOSES


@given(total=st.integers(0, 200), data=st.data())
def test_the_organisers_split_never_names_a_small_group(total, data):
    by_dm_now = data.draw(st.integers(0, total))
    told = Told(total=total, by_dm_now=by_dm_now)
    if told.split is None:
        assert by_dm_now < 5 or total - by_dm_now < 5
    else:
        now_part, later = told.split
        assert now_part + later == total and now_part >= 5 and later >= 5


@given(kinds=kinds, paused=st.booleans(), quiet=st.booleans(), closed=st.booleans())
def test_someone_known_to_have_left_the_server_gets_nothing_whatever_else_is_true(
    kinds, paused, quiet, closed
):
    # Issue 19: found gone (Discord's member endpoint: Unknown Member) and not yet erased.
    gone = replace(
        member(kinds=kinds, paused=paused, quiet=NIGHT if quiet else None),
        gone_since=NOW - timedelta(days=2),
    )
    decision = service_decision(gone, NOW, server_timezone="UTC", dms_closed=closed)
    assert (decision.action, decision.reason) == ("skip", "left the server")
    assert not reaches_now(gone, NOW, dms_closed=closed)
    for purpose in OPTIONAL_PURPOSES:
        optional = contact_decision(
            gone, purpose, NOW, notice_version=1, server_timezone="UTC", urgent=True
        )
        assert (optional.action, optional.reason) == ("skip", "left the server")
        # Not kept waiting for a new notice either: they will not be agreeing to it here.
        later = contact_decision(gone, purpose, NOW, notice_version=2, server_timezone="UTC")
        assert later.action == "skip"
    # A message they asked for themselves (the test DM) still goes.
    asked = contact_decision(gone, "service", NOW, notice_version=1, server_timezone="UTC")
    assert asked.action == "send"
