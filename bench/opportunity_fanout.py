"""Opportunity fan-out: `/opportunity post` to N members through the real command.

    python -m bench.opportunity_fanout              # 1,000 members (the issue's figure)
    python -m bench.opportunity_fanout --members 200

Members are seeded straight into the schema (joining takes three interactions
each; the fan-out is what is measured), all with `dm_opportunities` chosen and
10% with closed DMs. An organiser posts through the real slash command against
the emulator, which enforces Discord's global 50 requests/s and per-route
limits. While the invitations go out, a member runs `/opportunity list` every
second, to show that the fan-out does not hold up other commands. Prints the
figures; asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness as h
from tests.database import seed_members
from tests.emulator import interactions as ix
from tests.emulator.interactions import Interaction
from tests.emulator.render import walk
from tests.emulator.world import Person, World


def slash_interaction(world: World, person: Person, command: str, **options: Any) -> Interaction:
    """A slash command as Discord would send it, not yet dispatched (nothing waits for it)."""
    channel = world.channel("general").model
    definition, sub = world._command(command, channel)
    data, _ = ix.command_options(world.state, definition, sub, options)
    payload, iid, token = ix.base_payload(
        world.state, ix.APPLICATION_COMMAND, person.model, channel, data
    )
    return Interaction(
        iid,
        token,
        ix.APPLICATION_COMMAND,
        person.model,
        channel,
        channel.guild_id,
        payload,
        f"/{command}",
        None,
    )


async def fire(world: World, inter: Interaction) -> float:
    inter.created = time.monotonic()
    await world.emulator.dispatch_interaction(inter)
    await inter.acked.wait()
    assert inter.responded_at is not None
    return inter.responded_at - inter.created


async def run(root: Path, members: int) -> dict[str, Any]:
    world = await h.start_world(root / "opportunity-fanout")
    try:
        await world.mod.slash("setup roles", organiser=world.role("Organisers"))
        await world.mod.slash("setup channel", announcements=world.channel("announcements"))
        organiser = world.user("olu", organiser=True)
        people = seed_members(world, members, purposes=("dm_opportunities",))
        closed = people[::10]
        for person in closed:
            world.set_dms_closed(person)
        reader = people[1]
        first_request = len(world.requests)

        readback = await organiser.slash(
            "opportunity post",
            title="Co-deliver staff training",
            description="Help run a half-day session for ward staff on listening well.",
            places=6,
            payment="£25 an hour plus travel",
        )
        assert readback.message is not None, readback.text
        post_it = next(
            b["custom_id"] for b in walk(readback.message.components) if b.get("label") == "Post it"
        )
        post = h.component_interaction(
            world,
            organiser,
            readback.message,
            {"custom_id": post_it, "component_type": 2},
            "press Post it",
        )
        started = time.monotonic()
        post_ack = await fire(world, post)

        list_times: list[float] = []
        while True:
            summary = [m for m in post.followups if "Invitations for" in (m.content or "")]
            if summary:
                break
            if time.monotonic() - started > 120 + members / 5:
                raise TimeoutError("no fan-out summary arrived")
            list_times.append(
                await fire(world, slash_interaction(world, reader, "opportunity list"))
            )
            await asyncio.sleep(1.0)
        summary_after = time.monotonic() - started

        requests = [
            r
            for r in world.requests[first_request:]
            if not r.path.startswith(h.EXEMPT_PREFIXES) and not r.path.startswith("/gateway")
        ]
        stamps = [r.at for r in requests]
        span = max(stamps) - min(stamps) if len(stamps) > 1 else 0.0
        received = sum(1 for p in people if p.dms)
        doubled = sum(1 for p in people if len(p.dms) > 1)
        return {
            "members": members,
            "dms_closed": len(closed),
            "post_acknowledged_ms": round(post_ack * 1000, 1),
            "summary_after_s": round(summary_after, 1),
            "summary": summary[-1].content,
            "members_reached": received,
            "doubled": doubled,
            "requests": len(requests),
            "request_rate_per_s": round(len(requests) / span, 1) if span else 0.0,
            "busiest_second": h.busiest_second(stamps),
            "global_429s": world.global_429s,
            "all_429s": sum(1 for r in requests if r.status == 429),
            "403s": sum(1 for r in requests if r.status == 403),
            "other_command_during_fanout_ms": {
                "count": len(list_times),
                "median": round(h.percentile(list_times, 50) * 1000, 1) if list_times else None,
                "max": round(max(list_times) * 1000, 1) if list_times else None,
            },
            "unacknowledged_interactions": len(world.failed_interactions),
        }
    finally:
        await world.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        result = asyncio.run(run(Path(root), args.members))
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
