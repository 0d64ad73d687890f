"""Small-N runs of every `make bench` figure, so the benchmarks keep working.

They assert what must hold at any size (nothing lost, nothing doubled, no global
429s, every interaction answered, no pings, no tracebacks shown), never timings:
timings on a shared CI machine say nothing. The full figures: `make bench`.
"""

from __future__ import annotations

import pytest

from bench import badinput, burst, fanout, outage, pages, shard, startup, writes
from bench import harness as h
from bench.__main__ import event_loop_health, table
from tests.emulator.process import ECHO_BOT
from tests.emulator.render import walk

SMOKE = h.SMOKE


def assert_invariants(figure: h.Figure) -> None:
    assert figure.available, figure.notes
    broken = {name: count for name, count in figure.invariants.items() if count}
    assert not broken, f"figure {figure.number}: {broken}\n" + "\n".join(figure.notes)


async def test_interaction_burst_every_press_is_answered_with_a_ballot(tmp_path):
    figure = await burst.run(tmp_path, SMOKE)
    assert_invariants(figure)
    late = next(r for r in figure.rows if r.metric == "interactions past 3 s")
    assert late.value == 0 and late.baseline == 0
    assert figure.lag is not None and figure.lag["samples"] > 0


async def test_votes_confirmed_before_a_kill_survive_it_and_none_count_twice(tmp_path):
    figure = await writes.run(tmp_path, SMOKE)
    assert_invariants(figure)
    confirmed = next(r for r in figure.rows if r.metric == "votes confirmed before the kill")
    assert confirmed.value > 0, "the kill came before any vote was confirmed: nothing was tested"
    everyone = next(r for r in figure.rows if r.metric.startswith("voters after"))
    assert everyone.value == SMOKE.crash_votes


async def test_dm_fan_out_reaches_every_open_inbox_once_without_global_429s(tmp_path):
    figure = await fanout.run(tmp_path, SMOKE)
    assert_invariants(figure)
    per_closed = next(r for r in figure.rows if r.metric.startswith("invalid requests"))
    assert per_closed.value == 1.0
    after_restart = next(r for r in figure.rows if r.metric == "requests per DM after a restart")
    assert after_restart.value == 1.0  # DM channel ids outlive the process


async def test_core_reminders_across_a_kill_and_an_outage_arrive_once_or_are_missed(tmp_path):
    figure = await outage.run_core(tmp_path, SMOKE)
    assert_invariants(figure)
    rows = {r.metric: r for r in figure.rows}
    delivered = rows["delivered exactly once"].value
    missed = rows["recorded missed (meeting had begun)"]
    assert missed.holds, f"{missed.value} missed, policy says {missed.target}"
    assert delivered + missed.value == SMOKE.reminders


async def test_meeting_reminders_across_a_kill_and_an_outage_arrive_exactly_once(tmp_path):
    figure = await outage.run_meetings(tmp_path, SMOKE)
    assert_invariants(figure)
    delivered = next(r for r in figure.rows if r.metric == "delivered exactly once")
    assert delivered.value == figure.sizes["reminders"]


async def test_start_up_with_a_seeded_database_becomes_ready(tmp_path):
    figure = await startup.run(tmp_path, SMOKE)
    assert_invariants(figure)
    ready = figure.rows[0]
    assert ready.value > 0 and ready.baseline > 0


async def test_bad_input_shows_no_traceback_leaves_nothing_unanswered_and_pings_nobody(tmp_path):
    figure = await badinput.run(tmp_path, SMOKE)
    assert_invariants(figure)
    assert figure.sizes["examples"] >= SMOKE.bad_inputs // 2


def test_the_table_reports_unmeasured_figures_as_na_not_as_passing():
    figures = {1: h.unavailable(1, "Interaction burst", "polls have not landed")}
    figures[6] = event_loop_health(figures)
    printed = table(figures)
    assert "n/a" in printed
    assert figures[1].holds is None and figures[6].holds is None


@pytest.mark.parametrize("values", [[1.0] * 99 + [5.0], list(range(1, 101))])
def test_percentile_is_nearest_rank(values):
    assert h.percentile(values, 50) == sorted(values)[49]
    assert h.percentile(values, 100) == max(values)


async def test_the_ballot_shaped_baseline_answers_say_hi_once_with_an_embed_and_a_select(
    make_world,
):
    """`bench.burst_compare` is only a fair comparison if this bot does what *Vote* does."""
    world = await make_world(bot_command=ECHO_BOT, env={"ECHO_HI_AS_BALLOT": "1"})
    hello = await world.user("host").slash("hello")
    for person in ("ann", "ben"):
        reply = await world.user(person).click(hello, "Say hi")
        assert reply.ephemeral and reply.message.embeds
        assert [c["type"] for c in walk(reply.message.components) if c["type"] == 3] == [3]
    await world.settle()
    assert "Traceback" not in world.bot_log()  # answered by the DynamicItem alone
    # It runs Speak Back's lag probe too: figure 1 compares CPU per press, and the
    # probe's wake-ups are the instrument's cost, not Speak Back's own work.
    lag = await world.bot.control("GET", "/test/lag")
    assert lag["running"] is True


async def test_one_shards_worth_every_server_ready_every_press_answered_nothing_lost(tmp_path):
    figure = await shard.run(tmp_path, SMOKE)
    assert_invariants(figure)  # servers ready, presses answered, invitations once each
    assert figure.sizes["servers"] == SMOKE.shard_servers


async def test_pages_read_during_a_vote_burst_all_answer_and_every_press_is_answered(tmp_path):
    figure = await pages.run(tmp_path, SMOKE)
    assert_invariants(figure)  # every page read a 200, every press answered, no global 429s
    read = next(r for r in figure.rows if r.metric.startswith("pages read per burst"))
    assert read.value > 0 and read.baseline > 0, "no page was read during a burst"
    ratio = next(r for r in figure.rows if r.metric.startswith("p99 ratio"))
    assert ratio.value > 0 and ratio.holds is not None  # measured, whatever it came to
    assert figure.sizes["readers"] == pages.READERS["smoke"]
