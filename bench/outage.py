"""Figure 4: reminders due in one minute, the bot killed mid fan-out and down for 60 s.

Timeline (the bot's clock is driven, so the outage costs no real time):

- T0: N reminder jobs (the real `jobs` table) due evenly over the next minute,
  each a DM to one of M members who chose meeting reminders. One in ten is an
  "at the start" reminder that is useless once its meeting has begun (policy:
  recorded missed, never sent late); the rest are for meetings an hour later.
- T0+20 s: the clock reaches the first third; the bot starts the fan-out and is
  killed (SIGKILL) between a send and its mark, part-way through.
- down 60 s; restarted at T0+80 s on the same database.

Counted: each reminder delivered exactly once or recorded missed, none lost,
none doubled (the resend after the crash reuses the nonce), and how late the
reminders were after the restart.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from datetime import timedelta
from pathlib import Path

from bench import harness as h

WINDOW = timedelta(seconds=60)
CRASH_AT = timedelta(seconds=20)
OUTAGE = timedelta(seconds=60)
SHORT_EXPIRY = timedelta(seconds=30)  # "at the start" reminders: the meeting begins soon after
REMINDER = re.compile(r"^Reminder (\d+):")


def seed_reminders(world, people, n: int) -> list[dict]:
    start = world.now
    guild_id = world.guild().id
    made = []
    for i in range(n):
        due = start + WINDOW * (i + 1) / n
        short = i % 10 == 0
        expires = due + (SHORT_EXPIRY if short else timedelta(hours=1))
        person = people[i % len(people)]
        made.append(
            {
                "i": i,
                "user_id": person.id,
                "due": due,
                "expires": expires,
                "payload": json.dumps(
                    {
                        "user_id": person.id,
                        "content": f"Reminder {i}: your meeting starts soon",
                        "expires_at": expires.isoformat(),
                    }
                ),
            }
        )
    with contextlib.closing(h.connect(h.db_path(world))) as conn, conn:
        conn.executemany(
            "INSERT INTO jobs (kind, key, guild_id, payload, due_at) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    "test_reminder",
                    f"bench-reminder:{r['i']}",
                    guild_id,
                    r["payload"],
                    r["due"].isoformat(),
                )
                for r in made
            ],
        )
    return made


async def run(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(4, "Reminders across an outage")
    n, m = scale.reminders, scale.reminder_members
    crash_after = max(5, n // 6)
    world = await h.start_world(root / "outage")
    try:
        people = h.seed_members(world, m, purposes=("dm_reminders",))
        made = seed_reminders(world, people, n)
        t0 = world.now
        figure.sizes = {
            "reminders": n,
            "members": m,
            "killed_after_sends": crash_after,
            "outage_s": OUTAGE.total_seconds(),
        }

        await world.bot.control("POST", "/test/fault", {"crash_after_sends": crash_after})
        world.state.now = t0 + CRASH_AT
        with contextlib.suppress(Exception):  # the bot dies while answering
            await world.bot.control("POST", "/clock", {"now": world.state.now.isoformat()})
        await h.wait_dead(world)
        sent_before = len(world.requests_to("POST", "/messages"))

        world.state.now = t0 + CRASH_AT + OUTAGE
        restart_real = time.monotonic()
        first_after = len(world.requests)
        ready_after = await h.relaunch(world, kill=True)
        await h.reset_lag(world)
        await h.wait_until(
            lambda: (
                h.scalar(
                    world,
                    "SELECT count(*) FROM jobs WHERE kind = 'test_reminder' "
                    "AND state NOT IN ('done', 'missed', 'failed')",
                )
                == 0
                and h.outbox_unfinished(world) == 0
            ),
            within=120 + n / 10,
            every=0.5,
            what="the catch-up after the restart",
        )
        lag = await h.read_lag(world)
        caught_up = time.monotonic() - restart_real

        states = dict(
            h.rows(
                world,
                "SELECT key, state FROM jobs WHERE kind = 'test_reminder'",
            )
        )
        received: dict[int, int] = {}
        for person in people:
            for message in person.dms:
                found = REMINDER.match(message.content or "")
                if found:
                    index = int(found.group(1))
                    received[index] = received.get(index, 0) + 1
        first_send: dict[int, float] = {}
        for request in world.requests[first_after:]:
            if (
                request.method == "POST"
                and request.path.endswith("/messages")
                and request.status == 200
            ):
                found = REMINDER.match((request.body or {}).get("content") or "")
                if found:
                    first_send.setdefault(int(found.group(1)), request.at)

        delivered = missed = lost = doubled = sent_but_missed = 0
        catch_up: list[float] = []  # real seconds from the restart to the DM request
        overdue: list[float] = []  # how late it already was when the bot came back
        restarted_at = t0 + CRASH_AT + OUTAGE
        for r in made:
            state = states.get(f"bench-reminder:{r['i']}")
            count = received.get(r["i"], 0)
            if count > 1:
                doubled += 1
            if state == "missed":
                missed += 1
                sent_but_missed += count > 0
            elif state == "done" and count == 1:
                delivered += 1
                if r["i"] in first_send:
                    catch_up.append(first_send[r["i"]] - restart_real)
                    overdue.append((restarted_at - r["due"]).total_seconds())
            elif count == 0:
                lost += 1
        should_miss = sum(
            1 for r in made if r["expires"] <= restarted_at and r["due"] > t0 + CRASH_AT
        )
        needed = sum(
            1
            for r in world.requests[first_after:]
            if not r.path.startswith(h.EXEMPT_PREFIXES) and r.method == "POST"
        )
        floor = needed / 40
        total = [a + b for a, b in zip(catch_up, overdue, strict=True)]
        figure.add("delivered exactly once", delivered)
        figure.add(
            "recorded missed (meeting had begun)",
            missed,
            target=f"{should_miss} by policy",
            holds=missed == should_miss,
        )
        figure.add("lost", lost, target="0", holds=lost == 0)
        figure.add("doubled", doubled, target="0", holds=doubled == 0)
        figure.add("resends after the kill answered by nonce", len(world.emulator.nonce_hits))
        figure.add("restart to ready (s)", round(ready_after, 2))
        figure.add(
            "dispatch lateness after restart p50 / p99 (s)",
            f"{h.percentile(catch_up, 50):.1f} / {h.percentile(catch_up, 99):.1f}",
            baseline=f"{floor:.1f} (pacer floor: {needed} requests at 40/s)",
        )
        figure.add("total lateness incl. the outage p99 (s)", round(h.percentile(total, 99), 1))
        figure.add("restart to every reminder sent (s)", round(caught_up, 1))
        figure.invariants = {
            "lost": lost,
            "doubled": doubled,
            "sent_although_missed": sent_but_missed,
            "global_429s": world.global_429s,
            "unacknowledged": len(world.failed_interactions),
        }
        figure.lag = lag
        figure.notes.append(
            f"{sent_before} messages were sent before the kill; dispatch lateness = real "
            "time from the restart to the DM request; total adds the time it was already overdue. The pacer "
            "(40/s, under Discord's 50/s) sets the floor: N reminders need >= N/40 s."
        )
    finally:
        await world.close()
    return figure
