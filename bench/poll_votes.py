"""Poll vote burst: N members submit their vote at the same moment (issue 8's figure).

    python -m bench.poll_votes                 # 200 voters, 3 runs
    python -m bench.poll_votes --voters 500 --runs 1

Each run starts the real bot against the emulator, seeds N members, creates a
single-choice poll through /poll create, and has every member open their
ballot (Vote; not measured). Then all N choose an option at once: N
MESSAGE_COMPONENT interactions dispatched back to back. For each vote the time
is measured on the emulator's side, from dispatching the interaction to the
bot's callback arriving. The bot answers only after the vote is committed
(rule 10), so this is the time to "Your vote is saved". The run then checks
that every vote was counted exactly once and nothing hit a 429.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from bench import harness as h
from tests.database import seed_members


async def one_run(root: Path, voters: int) -> dict[str, float | int]:
    world = await h.start_world(root)
    try:
        people = seed_members(world, voters, purposes=h.EVERY_DM)
        poll = await h.create_poll(world)
        vote_id = h.button_id(poll, "Vote")
        poll_id = int(vote_id.split(":")[1])
        opened = [
            h.component_interaction(
                world, p, poll, {"custom_id": vote_id, "component_type": 2}, "Vote"
            )
            for p in people
        ]
        await h.fire_spread(world, opened, over=1.0)
        await world.settle()
        votes = [
            h.component_interaction(
                world,
                person,
                press.original,
                {
                    "custom_id": f"poll:{poll_id}:single",
                    "component_type": 3,
                    "values": [str(n % 3)],
                },
                "choose",
            )
            for n, (person, press) in enumerate(zip(people, opened, strict=True))
        ]
        await h.fire_spread(world, votes, over=0.0)  # all at once
        await world.settle()
        times = h.response_times(votes)
        counted = h.scalar(world, "SELECT count(*) FROM ballots")
        return {
            "voters": voters,
            "acknowledged": len(times),
            "failed": sum(1 for v in votes if v.failed),
            "counted_once": int(counted == voters),
            "p50_ms": h.ms(h.percentile(times, 50)),
            "p95_ms": h.ms(h.percentile(times, 95)),
            "p99_ms": h.ms(h.percentile(times, 99)),
            "max_ms": h.ms(max(times)),
            "global_429s": world.global_429s,
        }
    finally:
        await world.close()


async def main(voters: int, runs: int) -> list[dict[str, float | int]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="speakback-poll-bench-") as tmp:
        for run in range(runs):
            result = await one_run(Path(tmp) / f"run{run}", voters)
            sys.stdout.write(json.dumps(result) + "\n")
            sys.stdout.flush()
            results.append(result)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.voters, args.runs))
