"""Test-only control server: drives the bot's clock from an end-to-end test.

Started only when SPEAKBACK_ENABLE_TEST_CONTROL=1 and SPEAKBACK_TEST_CONTROL_PORT
are both set (bot.config refuses the port without the switch). It listens on
127.0.0.1 only. Production never starts it.

    GET  /health  -> {"ready": bool}
    POST /clock   {"now": ISO}  -> sets the clock, runs what is due, returns when settled
    POST /settle  -> returns when the dispatcher and the outbox are idle
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.client import SpeakBack

log = logging.getLogger(__name__)


async def start_control_server(bot: SpeakBack, port: int) -> web.AppRunner:
    app = web.Application()

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ready": bot.is_fully_ready})

    async def clock(request: web.Request) -> web.Response:
        body = await request.json()
        when = datetime.fromisoformat(body["now"])
        bot.clock.set(when)  # type: ignore[attr-defined]
        await bot.settle()
        return web.json_response({"now": bot.clock.now().isoformat()})

    async def settle(_: web.Request) -> web.Response:
        await bot.settle()
        return web.json_response({"now": bot.clock.now().isoformat()})

    app.router.add_get("/health", health)
    app.router.add_post("/clock", clock)
    app.router.add_post("/settle", settle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    log.warning(
        "TEST CONTROL is on (127.0.0.1:%s): the clock is driven. Never in production.", port
    )
    return runner
