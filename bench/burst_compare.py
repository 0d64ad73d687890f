"""Figure 1 against a second baseline: what Speak Back adds to the discord.py work.

Not part of `make bench` (issue 11 defines figure 1's baseline as the bare bot). Three
bots take turns, a burst of 500 presses each per round, over seven rounds after a
warm-up: the bare echo bot; the same bot with ECHO_HI_AS_BALLOT=1, which answers its
button the way Speak Back answers *Vote* (a `DynamicItem`, an embed and a select)
with no database; and Speak Back. docs/benchmarks.md ("Figure 1") has the results.

    python -m bench.burst_compare     # about 1 minute
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bench import harness as h
from bench.__main__ import say
from bench.burst import CpuUse, over_rounds, press_all, summary
from tests.database import seed_members
from tests.emulator.process import ECHO_BOT

PRESSES = 500
ROUNDS = 7


async def compare(root: Path) -> dict[str, dict[str, float]]:
    echo = await h.start_world(root / "echo", bot_command=ECHO_BOT)
    shaped = await h.start_world(
        root / "ballot-shaped", bot_command=ECHO_BOT, env={"ECHO_HI_AS_BALLOT": "1"}
    )
    world = await h.start_world(root / "speakback")
    try:
        bursts = {}
        for name, bot in (("bare bot", echo), ("ballot-shaped, no database", shaped)):
            people = [bot.user(f"member{i}") for i in range(PRESSES)]
            hello = (await bot.user("host").slash("hello")).message
            bursts[name] = (bot, people, hello, "Say hi")
        people = seed_members(world, PRESSES, purposes=h.EVERY_DM)
        bursts["Speak Back"] = (world, people, await h.create_poll(world), "Vote")
        for bot, people, message, label in bursts.values():  # warm-up, not counted
            await press_all(bot, people, message, label)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in bursts}
        cpu = {name: CpuUse() for name in bursts}
        order = list(bursts)
        for number in range(ROUNDS):
            for name in order if number % 2 == 0 else order[::-1]:
                bot, people, message, label = bursts[name]
                with cpu[name].counting(bot):
                    pressed = await press_all(bot, people, message, label)
                assert all(i.original is not None for i in pressed), name
                rounds[name].append(summary(pressed))
    finally:
        for bot in (world, shaped, echo):
            await bot.close()
    return {
        name: {
            **over_rounds(found),
            "p99 of each round": [r["p99"] for r in found],  # type: ignore[dict-item]
            "loop CPU per press (ms)": cpu[name].per_press(PRESSES * ROUNDS, loop_only=True),
        }
        for name, found in rounds.items()
    }


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="speakback-compare-") as scratch:
        found = asyncio.run(compare(Path(scratch)))
    bare = found["bare bot"]
    for name, figures in found.items():
        say(
            f"{name:28s} p50 {figures['p50']:4.1f} ms  p99 {figures['p99']:4.1f} ms "
            f"({figures['p99'] / bare['p99']:.2f} x the bare bot)  "
            f"event-loop CPU per press {figures['loop CPU per press (ms)']:.2f} ms  "
            f"rounds {figures['p99 of each round']}"
        )
    shaped, ours = found["ballot-shaped, no database"], found["Speak Back"]
    cpu = "loop CPU per press (ms)"
    say(
        f"Speak Back against the ballot-shaped bot: p99 {ours['p99'] / shaped['p99']:.2f} x, "
        f"event-loop CPU {ours[cpu] / shaped[cpu]:.2f} x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
