"""`GET /healthz`: for monitoring. Ready, dispatcher lag, outbox backlog, Discord heartbeat.

Only figures about the machinery: no server, person or item is named or counted.
Answers 200 when ready and 503 while starting (or when Discord went quiet), so a
monitor needs only the status code.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from db import jobs, outbox
from web.site import site_of

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    site = site_of(request)
    now = site.clock.now()
    oldest = await jobs.oldest_due(site.db, now)
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    backlog = await outbox.pending_count(site.db, now=now)
    ready = site.probe.ready() if site.probe is not None else False
    heartbeat: dict[str, Any] = site.probe.heartbeat() if site.probe is not None else {}
    body = {
        "ready": ready,
        "dispatcher_lag_seconds": round(lag, 3),
        "outbox_backlog": backlog,
        "discord_heartbeat": heartbeat,
        "now": now.isoformat(),
    }
    response = web.json_response(body, status=200 if ready else 503)
    response.headers["Cache-Control"] = "no-store"
    return response
