"""Figure 8: one shard's worth of servers in one process (issue 28).

Discord asks a bot for a second shard at 2,500 servers, so one process must carry
that many. The large world has 2,500 servers, 100,000 members (40 in each) and 20
networks of 5 linked servers; the baseline is the same bot with 10 servers (and the
networks that fit in them), every other size the same. Each server's settings,
members and consents are written into the real schema (joining takes three
interactions each), and the networks through db/networks.py, as linking leaves them.

Measured for each: time to ready (process start until the bot answers /health with
ready, logged in and commands checked, AND counts every server in /health: discord.py
declares ready once no GUILD_CREATE has come for `guild_ready_timeout`, 0.1 s for the
test bot, which can be before the last of thousands), on a second start (the first
also syncs commands); peak RSS (VmHWM) over the whole run; and the p99 of a
Vote press in a server of the first network while that network's fan-out runs (an
organiser posts an opportunity to the network through the real command, and 200
invitations go out by DM at Discord's pace), several rounds of 40 presses, each over
one second.
"""

from __future__ import annotations

import contextlib
import statistics
from datetime import datetime
from pathlib import Path

from bench import harness as h
from bench.burst import press_all
from bot.domain.consent import DEFAULT_NOTICE_EDITION
from bot.domain.networks import new_code
from db import networks as networks_repo
from db.database import Database
from tests.database import connect, db_path
from tests.emulator.world import Person, World

BASELINE_SERVERS = 10
NETWORK_SIZE = 5
ROUNDS = 5
READY_FACTOR = 3.0
RSS_LIMIT_MB = 500.0
P99_FACTOR = 2.0
PURPOSES = ("membership", "dm_opportunities")


def build(root: Path, servers: int, members: int) -> tuple[World, dict[int, list[Person]]]:
    """The emulated servers and their members (not yet started); people by server index."""
    world = World(root, guilds=[f"Server {n:04d}" for n in range(servers)], followup_timeout=120)
    state = world.state
    per_server = max(1, members // servers)
    people: dict[int, list[Person]] = {}
    for index, guild in enumerate(world.guilds):
        people[index] = []
        for k in range(per_server):
            user = state.add_user(f"s{index}m{k}")
            state.add_member(guild.model, user, [])
            people[index].append(Person(world, user, guild.model))
    return world, people


def seed(world: World, people: dict[int, list[Person]]) -> None:
    """Every server set up (channels, organiser role) and its members joined."""
    at = world.now.isoformat()
    with contextlib.closing(connect(db_path(world))) as conn, conn:
        conn.executemany(
            "INSERT INTO guild_settings (guild_id, organiser_role_id, announcements_channel_id, "
            "moderators_channel_id, updated_at, default_notice_edition) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    g.id,
                    g.role("Organisers").id,
                    g.channel("announcements").id,
                    g.channel("moderators").id,
                    at,
                    DEFAULT_NOTICE_EDITION,  # made by this release: its notice is version 1
                )
                for g in world.guilds
            ],
        )
        joined = [(world.guilds[i].id, p.id) for i, group in people.items() for p in group]
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, joined_at, notice_version) VALUES (?,?,?,1)",
            [(g, u, at) for g, u in joined],
        )
        conn.executemany(  # agreed to the notice in force (version 1), so nothing waits
            "INSERT INTO member_consents (guild_id, user_id, purpose, granted, notice_version, at)"
            " VALUES (?, ?, ?, 1, 1, ?)",
            [(g, u, purpose, at) for g, u in joined for purpose in PURPOSES],
        )


async def link(world: World, networks: int, now: datetime) -> None:
    """`networks` networks of NETWORK_SIZE servers each, as approving join requests leaves them."""
    db = await Database.open(db_path(world))
    try:
        for n in range(networks):
            home, *others = world.guilds[n * NETWORK_SIZE : (n + 1) * NETWORK_SIZE]
            network_id = await networks_repo.create_network(db, f"Network {n}", home.id, now)
            for guild in others:
                code = new_code()
                await networks_repo.add_code(db, network_id, code, now)
                assert await networks_repo.use_code(db, code, now) == network_id
                request = await networks_repo.open_request(
                    db, network_id, guild.id, guild.name, now
                )
                await networks_repo.decide(db, request, True, home.id, now)
    finally:
        await db.close()


async def start(world: World, servers: int) -> float:
    """Starts (or restarts) the bot; seconds until it is ready and knows every server."""
    if world.bot is None:
        await world.emulator.start()
        h.bot_for(world)
    else:
        await world.bot.stop()
    took = await h.time_to_ready(world, within=900, servers=servers)
    await world.emulator.wait_quiet(world.quiet, give_up_after=300)
    return took


async def measure(root: Path, servers: int, members: int, networks: int) -> dict[str, float]:
    world, people = build(root, servers, members)
    try:
        h.migrate(db_path(world))
        seed(world, people)
        await link(world, networks, world.now)
        return await _measure(world, people, servers)
    finally:
        await world.close()


async def _measure(world: World, people: dict[int, list[Person]], servers: int) -> dict[str, float]:
    with h.world_frozen():  # the emulated world is not what the collector should scan
        await start(world, servers)  # the first start also syncs commands
        ready = await start(world, servers)
        ready_servers = (await world.bot.control("GET", "/health"))["guilds"]
        first = world.guilds[0]
        first.model.members[world.mod.id].role_ids.append(first.role("Organisers").id)
        poll = await h.create_poll(world)  # in the first server, of the first network
        organiser = world.user("olu", organiser=True)
        pressers = people[0]
        rounds, pressed = [], []
        # Collected once before the fan-out starts, not before each round: a collection
        # stops the emulator, and mid fan-out that stalls the bot's invitations too.
        with h.instrument_steady():
            reply = await organiser.slash(
                "opportunity post",
                title="Co-deliver staff training",
                description="Help run a half-day session for ward staff on listening well.",
                places=6,
                network=True,
            )
            if "Post it" in reply.buttons:  # read back first, then posted: the fan-out starts
                await organiser.click(reply, "Post it")
            for _ in range(ROUNDS):
                made = await press_all(world, pressers, poll, "Vote", collect=False)
                pressed += made
                rounds.append(h.percentile(h.response_times(made), 99))
        invited = [p for i in range(NETWORK_SIZE) for p in people[i]]
        await h.wait_until(lambda: all(p.dms for p in invited), within=600, what="every invitation")
        reached = sum(1 for p in invited if p.dms)
        doubled = sum(1 for p in invited if len(p.dms) > 1)
        ballots = sum(
            1
            for i in pressed
            if i.original is not None and i.original.ephemeral and i.original.components
        )
        assert world.bot.proc is not None
        return {
            "ready_s": ready,
            "rss_mb": h.peak_rss_mb(world.bot.proc.pid),
            "p99_ms": h.ms(statistics.median(rounds)),
            "worst_round_p99_ms": h.ms(max(rounds)),
            "servers_ready": ready_servers,
            "servers": servers,
            "presses": len(pressed),
            "unanswered": len(pressed) - ballots,
            "unacknowledged": len(world.failed_interactions),
            "invited": len(invited),
            "not_reached": len(invited) - reached,
            "doubled": doubled,
            "global_429s": world.global_429s,
            "problems": len(world.emulator.problems()),
        }


async def run(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(8, "One shard's worth of servers")
    figure.sizes = {
        "servers": scale.shard_servers,
        "members": scale.shard_members,
        "networks": scale.shard_networks,
        "baseline_servers": BASELINE_SERVERS,
        "vote_rounds": ROUNDS,
    }
    per_server = scale.shard_members // scale.shard_servers
    base = await measure(
        root / "shard-baseline",
        BASELINE_SERVERS,
        per_server * BASELINE_SERVERS,
        min(scale.shard_networks, BASELINE_SERVERS // NETWORK_SIZE),
    )
    big = await measure(
        root / "shard-large", scale.shard_servers, scale.shard_members, scale.shard_networks
    )
    figure.add(
        "time to ready (s)",
        round(big["ready_s"], 2),
        round(base["ready_s"], 2),
        target=f"<= {READY_FACTOR:g} x baseline",
        holds=h.within_factor(big["ready_s"], base["ready_s"], READY_FACTOR),
    )
    figure.add(
        "peak RSS (MB)",
        big["rss_mb"],
        base["rss_mb"],
        target=f"<= {RSS_LIMIT_MB:g}",
        holds=big["rss_mb"] <= RSS_LIMIT_MB,
    )
    figure.add(
        "Vote p99 during a network fan-out (ms), median of rounds",
        big["p99_ms"],
        base["p99_ms"],
        target=f"<= {P99_FACTOR:g} x baseline",
        holds=h.within_factor(h.ratio(big["p99_ms"], base["p99_ms"]), 1, P99_FACTOR),
    )
    figure.add("worst round's p99 (ms)", big["worst_round_p99_ms"], base["worst_round_p99_ms"])
    figure.invariants = {
        name: sum(int(m[key]) for m in (big, base))
        for name, key in (
            ("presses_unanswered", "unanswered"),
            ("unacknowledged", "unacknowledged"),
            ("invitations_not_delivered", "not_reached"),
            ("invitations_doubled", "doubled"),
            ("global_429s", "global_429s"),
            ("emulator_problems", "problems"),
        )
    }
    figure.invariants["servers_not_ready"] = sum(
        m["servers"] - m["servers_ready"] for m in (big, base)
    )
    return figure
