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
from typing import Any

from bench import harness as h
from bot.delivery import RATE
from tests.database import connect, db_path, rows, seed_members

WINDOW = timedelta(seconds=60)
CRASH_AT = timedelta(seconds=20)
OUTAGE = timedelta(seconds=60)
SHORT_EXPIRY = timedelta(seconds=30)  # "at the start" reminders: the meeting begins soon after
REMINDER = re.compile(r"^Reminder (\d+):")
MEETING = re.compile(r"Reminder: (Bench meeting \d+)")


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
    with contextlib.closing(connect(db_path(world))) as conn, conn:
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


async def kill_and_restart(
    world, t0, crash_after: int, unfinished_sql: str, *, within: float
) -> dict[str, Any]:
    """At T0+20 s the bot runs what is due and is killed after `crash_after` sends; it is
    down for 60 s, restarted, and left to catch up until no job or message is unfinished."""
    await world.bot.control("POST", "/test/fault", {"crash_after_sends": crash_after})
    world.state.now = t0 + CRASH_AT
    with contextlib.suppress(Exception):  # the bot dies while answering
        await world.bot.control("POST", "/clock", {"now": world.state.now.isoformat()})
    await h.wait_dead(world)
    sent_before = len(world.requests_to("POST", "/messages"))

    world.state.now = t0 + CRASH_AT + OUTAGE
    restart_real = time.monotonic()
    first_after = len(world.requests)
    ready = await h.relaunch(world, kill=True)
    await h.reset_lag(world)
    await h.wait_until(
        lambda: h.scalar(world, unfinished_sql) == 0 and h.outbox_unfinished(world) == 0,
        within=within,
        every=0.5,
        what="the catch-up after the restart",
    )
    return {
        "sent_before": sent_before,
        "restart_real": restart_real,
        "first_after": first_after,
        "ready": ready,
        "lag": await h.read_lag(world),
        "caught_up": time.monotonic() - restart_real,
    }


def sends_after(world, first_after: int, pattern: re.Pattern[str]) -> dict[str, float]:
    """The first successful send after the restart of each message matching `pattern`."""
    found: dict[str, float] = {}
    for request in world.requests[first_after:]:
        if (
            request.method == "POST"
            and request.path.endswith("/messages")
            and request.status == 200
        ):
            body = request.body or {}
            words = (body.get("content") or "") + " ".join(
                e.get("title") or "" for e in body.get("embeds") or []
            )
            hit = pattern.search(words)
            if hit:
                found.setdefault(hit.group(1), request.at)
    return found


async def run(root: Path, scale: h.Scale) -> h.Figure:
    """Through the meetings feature when it is there; else through the core's test jobs."""
    if h.has_cog("meetings"):
        return await run_meetings(root, scale)
    return await run_core(root, scale)


async def run_core(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(4, "Reminders across an outage")
    n, m = scale.reminders, scale.reminder_members
    crash_after = max(5, n // 6)
    world = await h.start_world(root / "outage")
    try:
        people = seed_members(world, m, purposes=("dm_reminders",))
        made = seed_reminders(world, people, n)
        t0 = world.now
        figure.sizes = {
            "reminders": n,
            "members": m,
            "killed_after_sends": crash_after,
            "outage_s": OUTAGE.total_seconds(),
        }

        timeline = await kill_and_restart(
            world,
            t0,
            crash_after,
            "SELECT count(*) FROM jobs WHERE kind = 'test_reminder' "
            "AND state NOT IN ('done', 'missed', 'failed')",
            within=120 + n / 10,
        )
        sent_before, restart_real, first_after = (
            timeline["sent_before"],
            timeline["restart_real"],
            timeline["first_after"],
        )
        ready_after, caught_up, lag = timeline["ready"], timeline["caught_up"], timeline["lag"]

        states = dict(
            rows(
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
        first_send = {int(k): v for k, v in sends_after(world, first_after, REMINDER).items()}

        delivered = missed = lost = doubled = sent_but_missed = too_late = 0
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
                    useful_for = (r["expires"] - r["due"]).total_seconds()
                    too_late += catch_up[-1] + overdue[-1] >= useful_for
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
        floor = needed / RATE
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
        figure.add(
            "sent after their meeting began (queued before the kill)",
            too_late,
            target="0",
            holds=too_late == 0,
        )
        figure.add("resends after the kill answered by nonce", len(world.emulator.nonce_hits))
        figure.add("restart to ready (s)", round(ready_after, 2))
        figure.add(
            "dispatch lateness after restart p50 / p99 (s)",
            f"{h.percentile(catch_up, 50):.1f} / {h.percentile(catch_up, 99):.1f}",
            baseline=f"{floor:.1f} (pacer floor: {needed} requests at {RATE:g}/s)",
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
            f"({RATE:g}/s, under Discord's 50/s) sets the floor: N reminders need >= N/{RATE:g} s."
        )
    finally:
        await world.close()
    return figure


async def schedule_meetings(world, count: int, audience) -> list[tuple[int, str]]:
    """`count` one-off meetings at T0+61 min with a 1-hour reminder, posted through
    /meeting schedule; everyone in `audience` is Going (rows in the real schema), then a
    real press of Going on each post makes the meetings cog plan the reminders."""
    from bot import strings
    from bot.strings import meetings as text

    start = (world.now + timedelta(minutes=61)).strftime("%Y-%m-%d %H:%M")
    posts = []
    for k in range(count):
        echo = await world.mod.slash(
            "meeting schedule", title=f"Bench meeting {k}", start=start, reminders="1h"
        )
        await world.mod.click(echo, text.POST_IT)
        posts.append(world.channel("general").last)
    hosts = seed_members(world, [f"host{n}" for n in range(count)], purposes=("dm_reminders",))
    await hosts[0].click(posts[0], strings.GOING)
    occ_key = h.scalar(world, "SELECT occ_key FROM meeting_rsvps LIMIT 1")
    meetings = rows(world, "SELECT id, title FROM meetings ORDER BY id")
    guild_id = world.guild().id
    with contextlib.closing(connect(db_path(world))) as conn, conn:
        conn.executemany(
            "INSERT INTO meeting_rsvps (meeting_id, occ_key, guild_id, user_id, status, "
            "answered_at) VALUES (?, ?, ?, ?, 'going', ?)",
            [
                (meeting_id, occ_key, guild_id, p.id, world.now.isoformat())
                for meeting_id, _ in meetings
                for p in audience
            ],
        )
    for host, post in zip(hosts[1:], posts[1:], strict=True):
        await host.click(post, strings.GOING)
    await hosts[0].click(posts[0], strings.MAYBE)  # re-plans the first meeting too
    await world.settle()
    return meetings


async def run_meetings(root: Path, scale: h.Scale) -> h.Figure:
    figure = h.Figure(4, "Reminders across an outage")
    m = scale.reminder_members
    count = max(1, scale.reminders // m)
    world = await h.start_world(root / "outage-meetings")
    try:
        people = seed_members(world, m, purposes=("dm_reminders",))
        meetings = await schedule_meetings(world, count, people)
        audience = m + 1  # the seeded members and the host who pressed Going
        n = count * audience
        t0 = world.now + timedelta(minutes=1)  # reminders are due at T0 (1 hour before)
        await world.set_time(t0 - timedelta(seconds=1))
        crash_after = max(5, n // 6)
        figure.sizes = {
            "reminders": n,
            "meetings": count,
            "members": m,
            "killed_after_sends": crash_after,
            "outage_s": OUTAGE.total_seconds(),
            "through": "the meetings cog (/meeting schedule, Going, meeting_reminder jobs)",
        }
        timeline = await kill_and_restart(
            world,
            t0,
            crash_after,
            "SELECT count(*) FROM jobs WHERE kind = 'meeting_reminder' AND state IN "
            "('pending', 'running') AND due_at <= "
            f"'{(t0 + CRASH_AT + OUTAGE).isoformat()}'",
            within=120 + n / 10,
        )
        recipients = [p for p in world.people.values() if p.name.startswith(("member", "host"))]
        received: dict[tuple[int, str], int] = {}
        for person in recipients:
            for message in person.dms:
                for found in MEETING.finditer(message.text):
                    key = (person.id, found.group(1))
                    received[key] = received.get(key, 0) + 1
                    break
        titles = [title for _, title in meetings]
        lost = doubled = delivered = 0
        for person in recipients:
            for title in titles:
                going = person.name.startswith("member") or h.scalar(
                    world,
                    "SELECT count(*) FROM meeting_rsvps r JOIN meetings m ON m.id = r.meeting_id "
                    "WHERE r.user_id = ? AND m.title = ? AND r.status IN ('going', 'maybe')",
                    (person.id, title),
                )
                count_here = received.get((person.id, title), 0)
                if not going:
                    continue
                delivered += count_here == 1
                lost += count_here == 0
                doubled += count_here > 1
        first_send = sends_after(world, timeline["first_after"], MEETING)
        catch_up = [at - timeline["restart_real"] for at in first_send.values()]
        needed = sum(
            1
            for r in world.requests[timeline["first_after"] :]
            if not r.path.startswith(h.EXEMPT_PREFIXES) and r.method == "POST"
        )
        sends = [
            r.at - timeline["restart_real"]
            for r in world.requests[timeline["first_after"] :]
            if r.method == "POST" and r.path.endswith("/messages") and r.status == 200
        ]
        missed = h.scalar(
            world, "SELECT count(*) FROM jobs WHERE kind = 'meeting_reminder' AND state = 'missed'"
        )
        figure.add("delivered exactly once", delivered)
        figure.add("reminder jobs recorded missed", missed, target="0 (meetings still ahead)")
        figure.rows[-1].holds = missed == 0
        figure.add("lost", lost, target="0", holds=lost == 0)
        figure.add("doubled", doubled, target="0", holds=doubled == 0)
        figure.add("resends after the kill answered by nonce", len(world.emulator.nonce_hits))
        figure.add("restart to ready (s)", round(timeline["ready"], 2))
        figure.add(
            "dispatch lateness after restart p50 / p99 (s)",
            f"{h.percentile(sends, 50):.1f} / {h.percentile(sends, 99):.1f}",
            baseline=f"{needed / RATE:.1f} (pacer floor: {needed} requests at {RATE:g}/s)",
        )
        figure.add("restart to every reminder sent (s)", round(timeline["caught_up"], 1))
        figure.invariants = {
            "lost": lost,
            "doubled": doubled,
            "global_429s": world.global_429s,
            "unacknowledged": len(world.failed_interactions),
        }
        figure.lag = timeline["lag"]
        figure.notes.append(
            f"{timeline['sent_before']} messages were sent before the kill; {len(catch_up)} "
            "meetings' first reminder after the restart. Dispatch lateness = real time from "
            "the restart to each reminder DM request (the outage itself adds 40-60 s). "
            f"The pacer ({RATE:g}/s, under Discord's 50/s) sets the floor."
        )
    finally:
        await world.close()
    return figure
