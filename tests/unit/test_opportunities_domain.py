"""Opportunity rules: places, the lottery, the waitlist, and what organisers see (rule 2)."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import Refusal
from bot.domain.opportunities import (
    CONFIRMED,
    DECLINED,
    INTERESTED,
    LOTTERY,
    NO_PLACE,
    WAITLISTED,
    WITHDRAWN,
    Opportunity,
    Reply,
    build_roster,
    check_allocation,
    check_can_answer,
    check_new_places,
    check_places,
    clear_changes,
    draw_lottery,
    place_for_new_yes,
    summarise_fan_out,
    to_promote,
    waitlist_position,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOME = 1


def opp(**kw) -> Opportunity:
    base = dict(id=1, guild_id=HOME, channel_id=10, title="Panel", description="d")
    return Opportunity(**{**base, **kw})


def test_first_come_fills_places_then_waitlists():
    o = opp(places=2)
    assert place_for_new_yes(o, confirmed=0) == CONFIRMED
    assert place_for_new_yes(o, confirmed=1) == CONFIRMED
    assert place_for_new_yes(o, confirmed=2) == WAITLISTED


def test_no_limit_confirms_everyone_and_lottery_waits_for_the_draw():
    assert place_for_new_yes(opp(places=None), confirmed=500) == CONFIRMED
    lottery = opp(places=2, allocation=LOTTERY, closes_at=NOW)
    assert place_for_new_yes(lottery, confirmed=0) == NO_PLACE
    drawn = opp(places=2, allocation=LOTTERY, closes_at=NOW, drawn_at=NOW)
    assert place_for_new_yes(drawn, confirmed=2) == WAITLISTED


def test_promotion_takes_the_front_of_the_queue_for_each_free_place():
    replies = [
        Reply(HOME, 1, INTERESTED, CONFIRMED, 1),
        Reply(HOME, 5, INTERESTED, WAITLISTED, 7),
        Reply(HOME, 4, INTERESTED, WAITLISTED, 3),
        Reply(HOME, 3, INTERESTED, WAITLISTED, 5),
    ]
    assert [r.user_id for r in to_promote(opp(places=3), replies)] == [4, 3]
    assert to_promote(opp(places=1), replies) == []
    # A lottery not yet drawn promotes nobody: places are decided by the draw.
    undrawn = opp(places=3, allocation=LOTTERY, closes_at=NOW)
    assert to_promote(undrawn, replies) == []
    assert waitlist_position(replies[3], replies) == 2
    assert waitlist_position(replies[0], replies) is None


def test_lottery_is_reproducible_from_the_seed_and_ignores_answer_order():
    entrants = [(HOME, n) for n in range(20)]
    first = draw_lottery(5, entrants, seed=42)
    again = draw_lottery(5, list(reversed(entrants)), seed=42)
    assert first == again
    assert len(first.confirmed) == 5 and len(first.waitlisted) == 15
    assert sorted(first.confirmed + first.waitlisted) == entrants
    assert draw_lottery(5, entrants, seed=43) != first


def test_lottery_gives_everyone_an_equal_chance():
    entrants = [(HOME, n) for n in range(4)]
    wins = Counter(draw_lottery(1, entrants, seed=s).confirmed[0] for s in range(4000))
    assert set(wins) == set(entrants)
    assert all(800 < n < 1200 for n in wins.values()), wins  # expect 1000 each


@given(
    places=st.integers(1, 10),
    users=st.lists(st.integers(1, 10**6), unique=True, max_size=30),
    seed=st.integers(0, 2**62),
)
def test_a_draw_places_each_entrant_exactly_once(places, users, seed):
    entrants = [(HOME, u) for u in users]
    draw = draw_lottery(places, entrants, seed)
    assert len(draw.confirmed) == min(places, len(users))
    assert sorted(draw.confirmed + draw.waitlisted) == sorted(entrants)


def test_roster_names_only_yes_and_totals_the_rest():
    o = opp(places=1)
    replies = [
        Reply(HOME, 11, INTERESTED, CONFIRMED, 1),
        Reply(HOME, 12, INTERESTED, WAITLISTED, 2),
        Reply(HOME, 13, DECLINED),
        Reply(HOME, 14, WITHDRAWN),
        Reply(2, 15, INTERESTED, WAITLISTED, 3, show_name_to_host=False),
    ]
    profiles = {(HOME, 11): ("Ali", "step-free"), (HOME, 13): ("Secret", "x")}
    roster = build_roster(o, replies, profiles, members_here=10)
    assert [(e.user_id, e.name, e.access_needs) for e in roster.confirmed] == [
        (11, "Ali", "step-free")
    ]
    assert [e.user_id for e in roster.waitlisted] == [12]
    assert roster.unnamed_yes == 1  # another server's member who kept their name private
    assert roster.declined == 2
    assert roster.no_reply == 6  # 10 members here, 4 of them answered
    named = {e.user_id for e in roster.confirmed + roster.waitlisted + roster.in_draw}
    assert not named & {13, 14, 15}


def test_answers_refused_kindly_when_closed_or_cancelled():
    closed = opp(state="closed")
    with pytest.raises(Refusal, match="has closed"):
        check_can_answer(closed, INTERESTED, None)
    check_can_answer(closed, INTERESTED, Reply(HOME, 1, INTERESTED, CONFIRMED, 1))  # a repeat
    check_can_answer(closed, DECLINED, Reply(HOME, 1, INTERESTED, CONFIRMED, 1))  # stepping out
    with pytest.raises(Refusal, match="cancelled"):
        check_can_answer(opp(state="cancelled"), DECLINED, None)


def test_setting_checks_say_what_to_change():
    with pytest.raises(Refusal, match="add `places`"):
        check_allocation(LOTTERY, None, NOW)
    with pytest.raises(Refusal, match="add `closes`"):
        check_allocation(LOTTERY, 3, None)
    assert check_allocation(LOTTERY, 3, NOW + timedelta(days=1)) == LOTTERY
    with pytest.raises(Refusal, match="from 1 to 1000"):
        check_places(0)
    with pytest.raises(Refusal, match="2 people already have a place"):
        check_new_places(opp(places=3), 1, confirmed=2)
    assert check_new_places(opp(places=3), 5, confirmed=2) == 5


def test_fan_out_summary_counts_preferences_and_closed_dms():
    summary = summarise_fan_out({"sent": 7, "skipped": 1, "undeliverable": 2, "pending": 1}, 4)
    assert (summary.sent, summary.skipped, summary.undeliverable, summary.waiting) == (7, 5, 2, 1)


def test_clearing_empties_exactly_the_fields_it_names():
    assert clear_changes(opp(), "payment", set()) == {"payment": None}
    assert clear_changes(opp(), "when", {"title"}) == {"when_text": None, "when_at": None}
    assert clear_changes(opp(), "closes", set()) == {"closes_at": None}


def test_clearing_refuses_a_lottery_its_draw_date_and_a_field_also_being_set():
    with pytest.raises(Refusal, match="drawn at its closing date"):
        clear_changes(opp(allocation=LOTTERY, places=3), "closes", set())
    with pytest.raises(Refusal, match="same edit"):
        clear_changes(opp(), "payment", {"payment"})
    with pytest.raises(Refusal, match="from the list"):
        clear_changes(opp(), "title", set())  # a title is required, never removable
