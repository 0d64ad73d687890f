"""Poll lifecycle rules: settings, voting windows, ballot-screen state, frozen results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.ballots import PointsBallot, PollSetupError, RankedBallot, SingleBallot
from bot.domain.errors import Refusal
from bot.domain.polls import BREAKDOWN_GROUPS as BREAKDOWN_GROUP_NAMES
from bot.domain.polls import (
    Poll,
    PollClosed,
    breakdown_from_json,
    breakdown_to_json,
    check_can_vote,
    check_settings,
    clean_outcome,
    clean_reason,
    compute_breakdown,
    decode_points,
    decode_ranking,
    encode_points,
    encode_ranking,
    fit_max_choices,
    give_points,
    result_from_json,
    result_to_json,
    voter_key,
)
from bot.domain.tally import tally

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def settings(**changes):
    values = dict(
        kind="single",
        max_choices=None,
        anonymous=True,
        results="at_close",
        closes_at=None,
        content_note=None,
        reasons=False,
    )
    values.update(changes)
    return check_settings(**values)


def poll(**changes) -> Poll:
    values = dict(
        id=1, guild_id=2, kind="single", question="Q", options=("A", "B"), max_choices=None,
        anonymous=True, results="at_close", closes_at=None, content_note=None, reasons=False,
        channel_id=3, message_id=None, post_outbox_id=None, state="open", created_at=NOW,
    )  # fmt: skip
    values.update(changes)
    return Poll(**values)


def test_an_anonymous_poll_cannot_show_live_counts():
    with pytest.raises(PollSetupError, match="at_close"):
        settings(results="live")
    assert settings(results="live", anonymous=False).results == "live"


def test_settings_are_checked_kindly():
    with pytest.raises(PollSetupError, match="kinds"):
        settings(kind="approval")
    with pytest.raises(PollSetupError, match="multi"):
        settings(kind="single", max_choices=2)
    with pytest.raises(PollSetupError, match="characters"):
        settings(content_note="x" * 201)
    assert settings(content_note="  self-harm   mentioned ").content_note == "self-harm mentioned"


def test_a_limit_at_or_over_the_number_of_options_means_no_limit():
    chosen = settings(kind="multi", max_choices=3)
    assert fit_max_choices(chosen, 5) == 3
    assert fit_max_choices(chosen, 3) is None


def test_votes_are_taken_only_while_open_and_before_the_closing_time():
    check_can_vote(poll(closes_at=NOW + timedelta(minutes=1)), NOW)
    with pytest.raises(PollClosed):
        check_can_vote(poll(closes_at=NOW), NOW)
    with pytest.raises(PollClosed):
        check_can_vote(poll(state="closed"), NOW)


def test_voter_keys_depend_on_the_secret_and_the_person():
    secret = b"k" * 32
    assert voter_key(secret, 1, 2) == voter_key(secret, 1, 2)
    assert voter_key(secret, 1, 2) != voter_key(secret, 1, 3)
    assert voter_key(secret, 1, 2) != voter_key(b"j" * 32, 1, 2)
    with pytest.raises(ValueError):
        voter_key(b"short", 1, 2)


def test_ranking_state_round_trips_and_refuses_tampering():
    assert decode_ranking(encode_ranking((4, 0, 24)), 25) == (4, 0, 24)
    assert decode_ranking(encode_ranking(()), 25) == ()
    for bad in ("1.1", "25", "x", "1..2"):
        with pytest.raises(Refusal):
            decode_ranking(bad, 25)
    assert len("poll:99999:rk:" + encode_ranking(tuple(range(25)))) <= 100


def test_points_state_round_trips_and_never_passes_10():
    state = encode_points({3: 4, 0: 6})
    assert state == "0-6.3-4"
    assert decode_points(state, 5) == {0: 6, 3: 4}
    for bad in ("0-11", "0-6.1-6", "9-1", "0-0", "a-1"):
        with pytest.raises(Refusal):
            decode_points(bad, 5)
    assert give_points({0: 6}, 1, 4) == {0: 6, 1: 4}
    assert give_points({0: 6, 1: 4}, 1, 0) == {0: 6}
    with pytest.raises(Refusal, match="4 left"):
        give_points({0: 6}, 1, 5)


def test_reasons_and_outcomes_are_tidied_and_bounded():
    assert clean_reason("   ") is None
    assert clean_reason(" because ") == "because"
    with pytest.raises(Refusal):
        clean_reason("x" * 501)
    assert clean_outcome(" We will. ", "  by   March ") == ("We will.", "by March")
    with pytest.raises(Refusal, match="decided"):
        clean_outcome(" ", "March")
    with pytest.raises(Refusal, match="by when"):
        clean_outcome("Yes", "")


def test_frozen_results_round_trip_exactly():
    ballots = [RankedBallot(r) for r in [(0, 1), (1, 2), (2, 1), (1,), (0, 2)]]
    result = tally("ranked", ["A", "B", "C"], ballots)
    assert result_from_json(result_to_json(result)) == result


def test_breakdown_lists_every_group_and_totals_only_shown_ones():
    ballots = _split("lived_experience", 5, 5) + _split("staff", 6, 6) + _split("carer", 5, 6)
    ballots += [(SingleBallot(1), "prefer_not_to_say"), (SingleBallot(0), None)]
    breakdown = compute_breakdown("single", ["A", "B"], ballots)
    assert [g.group for g in breakdown.groups] == [
        "lived_experience",
        "carer",
        "staff",
        "not_said",
    ]
    assert breakdown.total == 35
    shown = [g.group for g in breakdown.groups if g.count is not None]
    # not_said is small, so the largest group (staff) is hidden too
    assert shown == ["lived_experience", "carer"]
    assert all((g.totals is None) == (g.count is None) for g in breakdown.groups)
    assert breakdown_from_json(breakdown_to_json(breakdown)) == breakdown


def _split(group: str | None, a: int, b: int) -> list:
    return [(SingleBallot(0), group)] * a + [(SingleBallot(1), group)] * b


def test_a_unanimous_group_of_5_is_hidden_and_so_is_the_smallest_other_row():
    """Issue 21 (4): 'Carer,5,5,0' told everyone how every carer voted."""
    ballots = _split("lived_experience", 5, 5) + _split("staff", 6, 6) + _split("carer", 5, 0)
    ballots += _split(None, 6, 5)
    breakdown = compute_breakdown("single", ["A", "B"], ballots)
    by_group = {g.group: g for g in breakdown.groups}
    assert by_group["carer"].count is None and by_group["carer"].totals is None
    # exactly one row hidden, so the smallest other (lived experience, 10) goes too
    assert by_group["lived_experience"].totals is None
    assert by_group["staff"].totals == (6, 6) and by_group["not_said"].totals == (6, 5)


def test_a_group_cell_under_5_hides_the_row_and_ranked_rows_count_first_preferences():
    ballots = [(RankedBallot((0, 1)), "staff")] * 6 + [(RankedBallot((1, 0)), "staff")] * 5
    ballots += [(RankedBallot((0,)), "carer")] * 6 + [(RankedBallot((1,)), "carer")] * 3
    ballots += _ranked("lived_experience", 5, 5) + _ranked(None, 8, 8)
    breakdown = compute_breakdown("ranked", ["A", "B"], ballots)
    by_group = {g.group: g for g in breakdown.groups}
    assert by_group["carer"].totals is None  # 3 carers put B first
    assert by_group["staff"].totals == (6, 5)  # first preferences, not every ranking


def _ranked(group: str | None, a: int, b: int) -> list:
    return [(RankedBallot((0, 1)), group)] * a + [(RankedBallot((1, 0)), group)] * b


def test_points_group_rows_count_voters_per_option_never_points():
    ballots = [(PointsBallot({0: 9, 1: 1}), g) for g in BREAKDOWN_GROUP_NAMES for _ in range(5)]
    breakdown = compute_breakdown("points", ["A", "B"], ballots)
    shown = [g.totals for g in breakdown.groups if g.totals is not None]
    assert shown and all(t == (5, 5) for t in shown)
