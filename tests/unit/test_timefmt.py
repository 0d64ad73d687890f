"""Showing times: Discord timestamps, plain words, and the wall-time policy."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain.timefmt import (
    discord_timestamp,
    full_and_relative,
    plain_date,
    plain_local,
    utc_to_wall,
    wall_time_exists,
    wall_time_is_ambiguous,
    wall_to_utc,
)

LONDON = "Europe/London"
EVENING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("style", list("tTdDfFR"))
def test_discord_timestamp_styles(style):
    assert discord_timestamp(EVENING, style) == f"<t:1796320800:{style}>"


def test_discord_timestamp_defaults_to_full_and_ignores_the_zone_of_the_datetime():
    assert discord_timestamp(EVENING) == "<t:1796320800:F>"
    other = EVENING.astimezone(timezone(timedelta(hours=5)))
    assert discord_timestamp(other, "R") == "<t:1796320800:R>"


def test_discord_timestamp_refuses_naive_times_and_unknown_styles():
    with pytest.raises(ValueError):
        discord_timestamp(datetime(2026, 12, 3, 18, 0))  # noqa: DTZ001 - deliberately naive
    with pytest.raises(ValueError):
        discord_timestamp(EVENING, "X")


def test_plain_local_reads_as_words_in_the_given_zone():
    assert plain_local(EVENING, LONDON) == "Thursday 3 December 2026, 6:00pm (Europe/London)"
    assert plain_local(EVENING, "America/New_York") == (
        "Thursday 3 December 2026, 1:00pm (America/New_York)"
    )
    summer = datetime(2027, 7, 1, 11, 5, tzinfo=UTC)
    assert plain_local(summer, LONDON) == "Thursday 1 July 2027, 12:05pm (Europe/London)"
    midnight = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
    assert plain_local(midnight, LONDON) == "Friday 1 January 2027, 12:00am (Europe/London)"
    assert plain_date(EVENING, LONDON) == "Thursday 3 December 2026"


def test_wall_time_policy_around_clock_changes():
    gap = datetime(2027, 3, 28, 1, 30)  # noqa: DTZ001 - a local wall time
    assert not wall_time_exists(gap, LONDON)
    assert utc_to_wall(wall_to_utc(gap, LONDON), LONDON) == gap + timedelta(hours=1)
    repeated = datetime(2026, 10, 25, 1, 30)  # noqa: DTZ001 - a local wall time
    assert wall_time_is_ambiguous(repeated, LONDON)
    assert wall_to_utc(repeated, LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first
    ordinary = datetime(2026, 12, 3, 18, 0)  # noqa: DTZ001 - a local wall time
    assert wall_time_exists(ordinary, LONDON) and not wall_time_is_ambiguous(ordinary, LONDON)
    assert wall_to_utc(ordinary, LONDON) == EVENING


def test_full_and_relative_give_one_moment_both_ways():
    moment = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    both = full_and_relative(moment)
    stamp = int(moment.timestamp())
    assert both == {"when": f"<t:{stamp}:F>", "relative": f"<t:{stamp}:R>"}
