"""Figure 3: a DM to every member at once (an opportunity announced to the whole network).

Members are joined in the database with `dm_opportunities` chosen; 10% have
closed their DMs. Every DM goes through the real path: `bot.delivery.dm` with
the server's id, so the membership recipient policy checks consent, pause,
notice and quiet hours at send time. The emulator enforces Discord's global
50 requests/s and its per-route limits.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench import harness as h
from tests.database import seed_members

TARGET_RATE = 40.0
DISCORD_CEILING = 50.0


async def enqueue(world, people, *, batch: str, content: str) -> None:
    guild_id = world.guild().id
    limit = asyncio.Semaphore(16)

    async def one(person) -> None:
        async with limit:
            await world.bot.control(
                "POST",
                "/test/dm",
                {
                    "guild_id": guild_id,
                    "user_id": person.id,
                    "content": f"{content} ({person.name})",
                    "purpose": "dm_opportunities",
                    "batch": batch,
                    "dedupe_key": f"{batch}:{person.id}",
                },
            )

    await asyncio.gather(*(one(p) for p in people))


async def run(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(3, "DM fan-out")
    n = scale.fanout
    world = await h.start_world(root / "fanout")
    try:
        people = seed_members(world, n, purposes=h.EVERY_DM)
        closed = people[::10]
        for person in closed:
            world.set_dms_closed(person)
        closed_ids = {p.id for p in closed}
        figure.sizes = {"members": n, "dms_closed": len(closed)}

        await h.reset_lag(world)
        first_request = len(world.requests)
        started = time.monotonic()
        await enqueue(world, people, batch="bench-fanout", content="A new opportunity")
        queued = time.monotonic() - started
        await h.wait_until(
            lambda: h.outbox_unfinished(world) == 0, within=60 + n / 10, what="the fan-out"
        )
        lag = await h.read_lag(world)
        requests = [
            r
            for r in world.requests[first_request:]
            if not r.path.startswith(h.EXEMPT_PREFIXES) and not r.path.startswith("/gateway")
        ]
        stamps = [r.at for r in requests]
        span = max(stamps) - min(stamps) if len(stamps) > 1 else 0.0
        rate = len(requests) / span if span else 0.0
        inbox = max(stamps) - started if stamps else 0.0

        received = {p.id: len(p.dms) for p in people}
        lost = sum(1 for p in people if p.id not in closed_ids and received[p.id] == 0)
        doubled = sum(1 for count in received.values() if count > 1)
        leaked = sum(1 for p in closed if received[p.id] > 0)
        refused = [r for r in requests if r.status == 403]
        too_many = [r for r in requests if r.status == 429]

        # A second message to the people with closed DMs: recorded once, so no new request.
        before = len(world.requests)
        await enqueue(world, closed, batch="bench-fanout-again", content="A second opportunity")
        await h.wait_until(lambda: h.outbox_unfinished(world) == 0, within=60, what="the resend")
        retried = sum(1 for r in world.requests[before:] if r.status == 403)
        recorded = h.scalar(world, "SELECT count(*) FROM dm_blocked")

        # After a restart the DM channels are known from the members' rows: one more
        # message to (up to) 100 open-DM members is one request each, not two.
        await world.restart_bot(kill=False)
        again = [p for p in people if p.id not in closed_ids][:100]
        before = len(world.requests)
        await enqueue(world, again, batch="bench-fanout-restart", content="One more")
        await h.wait_until(lambda: h.outbox_unfinished(world) == 0, within=60, what="the resend")
        dm_requests = [
            r
            for r in world.requests[before:]
            if r.method == "POST"
            and (r.path == "/users/@me/channels" or r.path.endswith("/messages"))
        ]
        per_dm_after_restart = len(dm_requests) / max(1, len(again))

        figure.add(
            "sustained request rate (req/s)",
            round(rate, 1),
            baseline=f"{DISCORD_CEILING:g} (Discord's ceiling)",
            target=f">= {TARGET_RATE:g}",
            holds=rate >= TARGET_RATE,
        )
        figure.add("busiest second (requests)", h.busiest_second(stamps), target="<= 50")
        figure.rows[-1].holds = figure.rows[-1].value <= DISCORD_CEILING
        figure.add(
            "global 429s",
            world.global_429s,
            target="0",
            holds=world.global_429s == 0,
        )
        figure.add("all 429s (incl. per-route)", len(too_many))
        figure.add(
            "invalid requests (403) per closed-DM member",
            round(len(refused) / max(1, len(closed)), 2),
            target="exactly 1",
            holds=len(refused) == len(closed),
        )
        figure.add(
            "403s when messaging them again",
            retried,
            target="0 (never retried)",
            holds=retried == 0,
        )
        figure.add(
            "requests per DM after a restart",
            round(per_dm_after_restart, 2),
            baseline="2 (open the DM channel, send)",
            target="1",
            holds=per_dm_after_restart == 1,
        )
        figure.add("every inbox reached after (s)", round(inbox, 1))
        figure.add("time to queue the fan-out (s)", round(queued, 2))
        figure.invariants = {
            "lost": lost,
            "doubled": doubled,
            "sent_to_closed_dms": leaked,
            "global_429s": world.global_429s,
            "retried_403s": retried,
            "closed_not_recorded": len(closed) - recorded,
            "unacknowledged": len(world.failed_interactions),
        }
        figure.lag = lag
        figure.notes.append(
            f"{len(requests)} requests: one DM channel opened and one message sent per member "
            "(a first fan-out; the channel ids are then kept with each member, so later "
            "fan-outs, after restarts too, need one request per member)."
        )
    finally:
        await world.close()
    return figure
