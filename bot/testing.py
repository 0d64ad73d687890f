"""Test-only control server: drives the bot's clock and injects work from end-to-end tests.

Started only when SPEAKBACK_ENABLE_TEST_CONTROL=1 and SPEAKBACK_TEST_CONTROL_PORT
are both set (bot.config refuses the port without the switch). It listens on
127.0.0.1 only. Production never starts it, and never registers the test jobs.

    GET  /health        -> {"ready": bool, "guilds": N, "web_port": port of the pages or null}
    POST /clock         {"now": ISO} -> sets the clock, runs what is due, returns when settled
    POST /settle        -> returns when the dispatcher and the outbox are idle
    POST /test/dm       {"guild_id", "user_id", "content", "purpose"?, "urgent"?, "dedupe_key"?, "batch"?}
    POST /test/job      {"kind": "test_post"|"test_fail"|"test_late"|"test_reminder", "due_at": ISO,
                         "key", "channel_id"?, "content"?, "user_id"?, "expires_at"?}
    POST /test/fault    {"crash_after_sends": N}  -> SIGKILL after N sends, before they are marked
                        {"at": "after_erasure"}   -> SIGKILL once a /leave's erasure has committed
    GET  /test/lag      -> {"max_ms", "p99_ms", "samples"} event-loop stalls since the last reset
    POST /test/lag      -> resets the lag probe (benchmarks read it around each figure)
    GET  /test/tasks    -> {"tasks": N} asyncio tasks alive (what an answered press leaves behind)
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.delivery import message_payload
from bot.dispatcher import JobMissed
from db.jobs import Job

if TYPE_CHECKING:
    from bot.client import SpeakBack

log = logging.getLogger(__name__)

TEST_LATE_LIMIT = timedelta(minutes=30)
LAG_INTERVAL = 0.01  # seconds between probe wake-ups


class LagProbe:
    """Measures event-loop stalls: how much later than asked a 10 ms sleep wakes up."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="speakback-lag-probe")

    async def _run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(LAG_INTERVAL)
            self.samples.append(max(0.0, time.perf_counter() - asked - LAG_INTERVAL))

    def reset(self) -> None:
        self.samples = []

    def report(self) -> dict[str, float | int]:
        ordered = sorted(self.samples)
        if not ordered:
            return {"max_ms": 0.0, "p99_ms": 0.0, "samples": 0}
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return {
            "max_ms": round(ordered[-1] * 1000, 2),
            "p99_ms": round(p99 * 1000, 2),
            "samples": len(ordered),
        }


async def setup(bot: SpeakBack) -> None:
    """Loaded as an extension by the launcher only when test control is enabled."""
    assert bot.config.test_control is not None
    register_test_jobs(bot)
    global _runner
    _runner = await start_control_server(bot, bot.config.test_control.port)


async def teardown(bot: SpeakBack) -> None:
    global _runner
    if _runner is not None:
        await _runner.cleanup()
        _runner = None


_runner: web.AppRunner | None = None


def register_test_jobs(bot: SpeakBack) -> None:
    """Job kinds the delivery-core tests schedule, and test-only settings (test mode only)."""
    control = bot.config.test_control
    if control is not None and control.edit_interval is not None:
        bot.delivery.edit_min_interval = control.edit_interval  # wall-clock, never the driven one
    if control is not None and control.dm_check_wait is not None and bot.services is not None:
        bot.services.dm_check_wait = control.dm_check_wait  # wall-clock too

    async def post(job: Job, now: datetime) -> None:
        await bot.delivery.post(
            guild_id=job.guild_id,
            channel_id=int(job.payload["channel_id"]),
            payload=message_payload(job.payload.get("content", job.key)),
            dedupe_key=f"test-job:{job.key}",
        )

    async def fail(job: Job, now: datetime) -> None:
        raise RuntimeError(f"test job {job.key} always fails")

    async def late(job: Job, now: datetime) -> None:
        if now - job.due_at > TEST_LATE_LIMIT:
            raise JobMissed("more than 30 minutes late")
        await post(job, now)

    async def reminder(job: Job, now: datetime) -> None:
        """A DM reminder (benchmarks): missed once its meeting (`expires_at`) has begun."""
        expires = job.payload.get("expires_at")
        if expires is not None and now >= datetime.fromisoformat(expires):
            raise JobMissed("the meeting had already started")
        await bot.delivery.dm(
            guild_id=job.guild_id,
            user_id=int(job.payload["user_id"]),
            purpose="dm_reminders",
            payload=message_payload(job.payload.get("content", job.key)),
            dedupe_key=f"test-job:{job.key}",
        )

    bot.dispatcher.register("test_post", post)
    bot.dispatcher.register("test_reminder", reminder, reminder=True)
    bot.dispatcher.register("test_fail", fail)
    bot.dispatcher.register("test_late", late)


async def start_control_server(bot: SpeakBack, port: int) -> web.AppRunner:
    app = web.Application()

    async def health(_: web.Request) -> web.Response:
        return web.json_response(
            {"ready": bot.is_fully_ready, "guilds": len(bot.guilds), "web_port": bot.web_port}
        )

    async def clock(request: web.Request) -> web.Response:
        body = await request.json()
        bot.clock.set(datetime.fromisoformat(body["now"]))  # type: ignore[attr-defined]
        if bot.services is not None:
            await bot.services.heartbeat.beat()  # as a minute's beat would, in driven time
        await bot.settle()
        return web.json_response({"now": bot.clock.now().isoformat()})

    async def settle(_: web.Request) -> web.Response:
        await bot.settle()
        return web.json_response({"now": bot.clock.now().isoformat()})

    async def test_dm(request: web.Request) -> web.Response:
        body = await request.json()
        row_id = await bot.delivery.dm(
            guild_id=body.get("guild_id"),
            user_id=int(body["user_id"]),
            purpose=body.get("purpose", "service"),
            payload=message_payload(body["content"]),
            dedupe_key=body.get("dedupe_key") or f"test-dm:{body['user_id']}:{body['content']}",
            batch=body.get("batch"),
            urgent=bool(body.get("urgent", False)),
            expires_at=datetime.fromisoformat(body["expires_at"])
            if body.get("expires_at")
            else None,
        )
        return web.json_response({"id": row_id})

    async def test_job(request: web.Request) -> web.Response:
        body = await request.json()
        fields = ("channel_id", "content", "user_id", "expires_at")
        payload = {k: body[k] for k in fields if k in body}
        await bot.dispatcher.schedule(
            body["kind"],
            datetime.fromisoformat(body["due_at"]),
            payload,
            body["key"],
            body.get("guild_id"),
        )
        return web.json_response({"ok": True})

    async def test_fault(request: web.Request) -> web.Response:
        body = await request.json()
        if "crash_after_sends" in body:
            bot.delivery.crash_after_sends = int(body["crash_after_sends"])
        if "at" in body:  # a named fault point, e.g. "after_erasure" (Services.fault_point)
            assert bot.services is not None
            bot.services.armed_faults.add(str(body["at"]))
        return web.json_response({"ok": True})

    probe = LagProbe()
    probe.start()

    async def lag_report(_: web.Request) -> web.Response:
        return web.json_response(probe.report())

    async def lag_reset(_: web.Request) -> web.Response:
        probe.reset()
        return web.json_response({"ok": True})

    async def tasks(_: web.Request) -> web.Response:
        return web.json_response({"tasks": len(asyncio.all_tasks())})

    app.router.add_get("/health", health)
    app.router.add_post("/clock", clock)
    app.router.add_post("/settle", settle)
    app.router.add_post("/test/dm", test_dm)
    app.router.add_post("/test/job", test_job)
    app.router.add_post("/test/fault", test_fault)
    app.router.add_get("/test/lag", lag_report)
    app.router.add_post("/test/lag", lag_reset)
    app.router.add_get("/test/tasks", tasks)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    log.warning(
        "TEST CONTROL is on (127.0.0.1:%s): the clock is driven. Never in production.", port
    )
    return runner
