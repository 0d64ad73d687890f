"""Figure 9: the public pages while members vote (issue 25).

50 readers reload a server's "you said, we did" page as fast as it answers while a
500-press Vote burst runs in the same bot. The baseline, in the same run and under the
same burst, is the same 50 readers fetching a static file from the same web server in
the same process (the pages' stylesheet, served from memory through the same security
middleware): so the figure is what rendering the page from the database costs while the
bot is busy, not what the machine or the HTTP stack costs. The two take turns, one burst
each per round, in a rotating order; the verdict is the median of the rounds' p99 ratios
(each round's page p99 over the same round's static p99), and no Vote press may take
past 3 s while the pages are being read.

Measured on the readers' side (this process, which also runs the emulator): from
sending the GET to having the whole body, for requests sent during the burst.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench import burst
from bench import harness as h
from tests.database import rows, seed_members
from tests.emulator.render import walk

P99_FACTOR = 2.0
READERS = {"full": 50, "quick": 50, "smoke": 5}
STATIC = "/static/style.css"
CLOSED_POLLS = 2  # on the page, each with VOTERS votes
VOTERS = 6
PHASES = ("page", "static")


@dataclass
class Reads:
    times: list[float] = field(default_factory=list)
    failed: int = 0  # anything but 200, or no answer


async def read_during(session, url: str, readers: int, work) -> Reads:
    """`readers` readers GET `url` back to back until `work` (the burst) is done."""
    reads = Reads()
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set():
            started = time.monotonic()
            try:
                async with session.get(url) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            reads.times.append(time.monotonic() - started)
            reads.failed += not ok

    tasks = [asyncio.create_task(reader()) for _ in range(readers)]
    try:
        await work()
    finally:
        done.set()
        await asyncio.gather(*tasks)
    return reads


async def close_poll_with_votes(world, people, message) -> int:
    poll_id = int(re.search(r"Poll (\d+)", message.text).group(1))
    for choice, person in enumerate(people):
        ballot = await person.click(message, "Vote")
        select = next(c["custom_id"] for c in walk(ballot.message.components) if c["type"] == 3)
        await person.select(ballot, select, [str(choice % 2)])
    await world.mod.slash("poll close", poll=poll_id)
    return poll_id


async def publish(world) -> str:
    shown = await world.mod.slash("setup publish")
    await world.mod.select(shown, "setup:publish:kinds", ["polls", "ideas", "meetings"])
    await world.settle()
    return rows(world, "SELECT slug FROM published_pages")[0][0]


def p99(reads: Reads) -> float:
    return h.ms(h.percentile(reads.times, 99))


async def run(root: Path, scale: h.Scale) -> h.Figure:
    if not (h.REPO_ROOT / "web" / "pages.py").exists():
        return h.unavailable(9, "Pages while members vote", "the public pages have not landed")
    figure = h.Figure(9, "Pages while members vote")
    n, readers, rounds_wanted = scale.burst, READERS[scale.name], scale.burst_rounds
    figure.sizes = {
        "presses": n,
        "readers": readers,
        "rounds": rounds_wanted,
        "warm_up_rounds": 1,
        "spread_s": burst.SPREAD,
    }
    world = await h.start_world(root / "pages")
    try:
        people = seed_members(world, n, purposes=h.EVERY_DM)
        for _ in range(CLOSED_POLLS):
            await close_poll_with_votes(world, people[:VOTERS], await h.create_poll(world))
        slug = await publish(world)
        poll = await h.create_poll(world)  # the open poll the burst votes on
        health = await world.bot.control("GET", "/health")
        base = f"http://127.0.0.1:{health['web_port']}"
        urls = {"page": f"{base}/s/{slug}", "static": base + STATIC}
        await h.reset_lag(world)
        made = {phase: [] for phase in PHASES}
        rounds = {phase: [] for phase in PHASES}
        connector = aiohttp.TCPConnector(limit=readers)
        async with aiohttp.ClientSession(connector=connector) as session:
            for phase in PHASES:  # one of each first, not counted: connections, caches
                await read_during(
                    session,
                    urls[phase],
                    readers,
                    lambda: burst.press_all(world, people, poll, "Vote"),
                )
            for number in range(rounds_wanted):
                order = PHASES if number % 2 == 0 else PHASES[::-1]
                for phase in order:
                    pressed: list = []

                    async def work(into: list = pressed) -> None:
                        into.extend(await burst.press_all(world, people, poll, "Vote"))

                    rounds[phase].append(await read_during(session, urls[phase], readers, work))
                    made[phase].extend(pressed)
        figure.lag = await h.read_lag(world)
        late = {
            phase: sum(
                1
                for i in made[phase]
                if i.failed or (i.responded_at or 1e18) - i.created > burst.ACK_DEADLINE
            )
            for phase in PHASES
        }
        figure.invariants = {
            "unacknowledged": len(world.failed_interactions),
            "page_reads_failed": sum(r.failed for phase in PHASES for r in rounds[phase]),
            "global_429s": world.global_429s,
        }
    finally:
        await world.close()

    ratios = [
        h.ratio(p99(page), p99(static))
        for page, static in zip(rounds["page"], rounds["static"], strict=True)
    ]
    ratio = statistics.median(ratios)
    medians = {
        phase: round(statistics.median(p99(r) for r in rounds[phase]), 1) for phase in PHASES
    }
    p50s = {
        phase: round(statistics.median(h.ms(h.percentile(r.times, 50)) for r in rounds[phase]), 1)
        for phase in PHASES
    }
    figure.add("page p50 during a Vote burst (ms)", p50s["page"], p50s["static"])
    figure.add(
        "page p99 during a Vote burst (ms), median of rounds", medians["page"], medians["static"]
    )
    figure.add(
        "p99 ratio to the static file, median of rounds",
        round(float(ratio), 2),
        target=f"<= {P99_FACTOR:g} x",
        holds=h.within_factor(ratio, 1, P99_FACTOR),
    )
    figure.add(
        "pages read per burst, median",
        statistics.median(len(r.times) for r in rounds["page"]),
        statistics.median(len(r.times) for r in rounds["static"]),
    )
    figure.add(
        "Vote presses past 3 s while read",
        late["page"],
        late["static"],
        target="0",
        holds=late["page"] == 0,
    )
    figure.notes.append(
        f"{readers} readers; p99 of each round (ms), page: "
        + ", ".join(str(p99(r)) for r in rounds["page"])
        + "; static file: "
        + ", ".join(str(p99(r)) for r in rounds["static"])
    )
    return figure
