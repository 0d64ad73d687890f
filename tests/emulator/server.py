"""The emulator: an aiohttp server on 127.0.0.1 speaking Discord API v10 and its gateway.

Every request is recorded; unknown routes, request bodies that do not fit Discord's
OpenAPI description and interactions not acknowledged in time are collected as
`problems()`, which the test fixture turns into a failing test.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from tests.emulator import limits, openapi
from tests.emulator.gateway import Gateway
from tests.emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Interaction,
)
from tests.emulator.models import Attachment, Guild, Message
from tests.emulator.ratelimit import RateLimiter, is_global_exempt
from tests.emulator.rest import EPHEMERAL, LOADING, ApiError, Call, Rest
from tests.emulator.state import RecordedRequest, State

log = logging.getLogger("emulator")
API_PREFIX = "/api/v10"
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    MODAL_SUBMIT: {4, 5, 6, 7},
    AUTOCOMPLETE: {8},
}
INTERACTION_TOKEN_SECONDS = 15 * 60


class Emulator:
    def __init__(
        self,
        now: datetime | None = None,
        *,
        ack_deadline: float = 3.0,
        rate_limits: bool = True,
        global_per_second: int = 50,
        validate: bool = True,
        bot_name: str = "Speak Back",
    ) -> None:
        self.state = State(now, bot_name)
        self.rest = Rest(self)
        self.limiter = RateLimiter(global_per_second, enabled=rate_limits)
        self.ack_deadline = ack_deadline
        self.validate = validate
        self.gateway: Gateway = None  # type: ignore[assignment]  # made in start()
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self.request_seen = asyncio.Event()
        self.status_counts: Counter[int] = Counter()
        self.global_429s = 0
        self.unknown_routes: list[str] = []
        self.validation_errors: list[str] = []
        self.limit_errors: list[str] = []
        self.server_errors: list[str] = []
        self.failed_interactions: list[Interaction] = []
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.nonce_hits: list[Message] = []
        self.message_listeners: list[Callable[[Message], None]] = []
        self._inflight = 0
        self._arriving_callbacks: set[str] = set()  # interaction ids whose callback is in hand
        self._last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None

    # -- lifecycle ----------------------------------------------------------

    async def start(self) -> Emulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._handle_outside_api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.gateway = Gateway(self.state, self.gateway_url)
        return self

    async def stop(self) -> None:
        for inter in self.interactions.values():
            if inter.deadline is not None:
                inter.deadline.cancel()
        if self.gateway is not None:
            for session in self.gateway.sessions.values():
                if session.ws is not None:
                    await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        return await self.gateway.handle(request)

    # -- problems -----------------------------------------------------------

    def problems(self) -> list[str]:
        found = [f"unknown route: {r}" for r in self.unknown_routes]
        found += [
            f"request body does not match Discord's OpenAPI: {e}" for e in self.validation_errors
        ]
        found += [f"Discord rejected (over a limit): {e}" for e in self.limit_errors]
        found += [f"emulator error: {e}" for e in self.server_errors]
        found += [
            f"This interaction failed: {i.describe} by {i.user.username} ({i.failed})"
            for i in self.failed_interactions
        ]
        return found

    def clear_problems(self) -> list[str]:
        found = self.problems()
        self.unknown_routes.clear()
        self.validation_errors.clear()
        self.limit_errors.clear()
        self.server_errors.clear()
        self.failed_interactions.clear()
        return found

    def count_status(self, status: int) -> int:
        return self.status_counts[status]

    @property
    def invalid_requests(self) -> int:
        """401, 403 and 429 responses: Discord bans IPs at 10,000 in 10 minutes."""
        return sum(self.status_counts[s] for s in (401, 403, 429))

    # -- HTTP pipeline ------------------------------------------------------

    async def _handle_outside_api(self, request: web.Request) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path} (not under {API_PREFIX})")
        return _json(404, {"message": "404: Not Found", "code": 0})

    async def _handle(self, request: web.Request) -> web.Response:
        self._inflight += 1
        self._last_activity = arrived = time.monotonic()
        parts = request.match_info.get("tail", "").split("/")
        callback_of = parts[1] if parts[0] == "interactions" and len(parts) > 1 else None
        if callback_of is not None:
            self._arriving_callbacks.add(callback_of)
        try:
            return await self._pipeline(request, arrived)
        finally:
            self._inflight -= 1
            self._last_activity = time.monotonic()
            self._arriving_callbacks.discard(callback_of or "")

    async def _pipeline(self, request: web.Request, arrived: float) -> web.Response:
        path = "/" + request.match_info["tail"]
        method = request.method
        body, files = await _read_body(request)
        record = RecordedRequest(
            method, path, None, dict(request.query), body, [f.filename for f in files]
        )
        self.requests.append(record)
        found = self.rest.match(method, path)
        if found is None:
            self.unknown_routes.append(f"{method} {path}")
            return self._finish(record, 404, {"message": "404: Not Found", "code": 0})
        template, params, handler = found
        record.route = template
        if not is_global_exempt(template):
            if request.headers.get("Authorization") != f"Bot {self.state.token}":
                return self._finish(record, 401, {"message": "401: Unauthorized", "code": 0})
        decision = self.limiter.check(method, template, params)
        if not decision.allowed:
            self.global_429s += decision.is_global
            return self._finish(record, 429, decision.body, decision.headers)
        too_big = limits.check_route(method, template, body)
        if too_big is not None:
            self.limit_errors.append(f"{method} {template}: {too_big.summary()}")
            return self._finish(record, 400, too_big.body(), decision.headers)
        if self.validate and body is not None:
            problem = openapi.validate_body(method, path, body)
            if problem is not None:
                self.validation_errors.append(problem)
                errors = {"_errors": [{"code": "OPENAPI_MISMATCH", "message": problem}]}
                return self._finish(
                    record,
                    400,
                    ApiError(400, 50035, "Invalid Form Body", errors).body(),
                    decision.headers,
                )
        call = Call(method, path, template, params, dict(request.query), body, files, arrived)
        try:
            status, payload = await handler(call)
        except ApiError as error:
            status, payload = error.status, error.body()
        except Exception as error:  # an emulator bug: make it loud, not a hang
            log.exception("emulator failed on %s %s", method, path)
            self.server_errors.append(f"{method} {path}: {error!r}")
            status, payload = 500, {"message": "500: Internal Server Error", "code": 0}
        return self._finish(record, status, payload, decision.headers)

    def _finish(
        self,
        record: RecordedRequest,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        record.status, record.response = status, payload
        self.request_seen.set()
        self.status_counts[status] += 1
        if status == 204 or payload is None:
            return web.Response(status=204, headers={"Via": "1.1 google", **(headers or {})})
        return _json(status, payload, headers)

    # -- interactions -------------------------------------------------------

    async def dispatch(self, event: str, data: Any) -> bool:
        """Sends a gateway event to the bot (and counts as activity for `wait_quiet`)."""
        self._last_activity = time.monotonic()
        return await self.gateway.dispatch(event, data)

    async def dispatch_interaction(self, inter: Interaction) -> None:
        self.interactions[inter.id] = inter
        self.interactions_by_token[inter.token] = inter
        loop = asyncio.get_running_loop()
        inter.deadline = loop.call_later(self.ack_deadline, self._expire, inter)
        await self.dispatch("INTERACTION_CREATE", inter.payload)

    def _expire(self, inter: Interaction) -> None:
        if str(inter.id) in self._arriving_callbacks:
            # Its callback reached "Discord" in time and is being read: not late.
            loop = asyncio.get_running_loop()
            inter.deadline = loop.call_later(0.01, self._expire, inter)
            return
        if inter.response_type is None:
            inter.failed = f"not acknowledged within {self.ack_deadline:g} s"
            self.failed_interactions.append(inter)
            inter.acked.set()

    async def callback(self, call: Call) -> tuple[int, Any]:
        inter = self.interactions.get(call.id("interaction_id"))
        if inter is None or inter.token != call.params["interaction_token"] or inter.failed:
            raise ApiError(404, 10062, "Unknown interaction")
        if inter.response_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = call.json or {}
        kind = body.get("type")
        if kind not in ALLOWED_CALLBACKS.get(inter.type, set()):
            errors = {
                "type": {
                    "_errors": [
                        {
                            "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                            "message": f"Callback type {kind} is not valid for interaction type {inter.type}",
                        }
                    ]
                }
            }
            raise ApiError(400, 50035, "Invalid Form Body", errors)
        if kind == 7 and inter.source_message is None:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": "No message to update",
                            }
                        ]
                    }
                },
            )
        data = body.get("data") or {}
        if kind in (4, 5):
            flags = int(data.get("flags") or 0)
            content = data if kind == 4 else {"content": "", "flags": flags | LOADING}
            inter.original = self.state.create_message(
                inter.channel,
                self.state.bot,
                content,
                call.files,
                webhook_id=self.state.application_id,
                message_type=20 if inter.type == APPLICATION_COMMAND else 19,
                visible_to=inter.user.id if flags & EPHEMERAL else None,
                interaction={
                    "id": str(inter.id),
                    "type": inter.type,
                    "user": inter.user.payload(),
                    "authorizing_integration_owners": inter.payload[
                        "authorizing_integration_owners"
                    ],
                },
            )
            inter.original.flags |= LOADING if kind == 5 else 0
            if kind == 4:
                self.on_message(inter.original)
        elif kind == 7:
            assert inter.source_message is not None
            self.state.apply_edit(inter.source_message, data, call.files)
            inter.updated = True
        elif kind == 8:
            inter.choices = data.get("choices") or []
        elif kind == 9:
            inter.modal = data
        inter.response_type = kind
        # When the callback reached "Discord" (what its 3 s deadline is about), not
        # when the emulator has finished building the message it carries.
        inter.responded_at = call.arrived
        if inter.deadline is not None:
            inter.deadline.cancel()
        inter.acked.set()
        inter.activity.set()
        if call.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        return 200, self._callback_response(inter, kind)

    def _callback_response(self, inter: Interaction, kind: int) -> dict[str, Any]:
        message = inter.original if kind in (4, 5) else inter.source_message if kind == 7 else None
        summary: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
        resource: dict[str, Any] | None = None
        if message is not None:
            summary.update(
                {
                    "response_message_id": str(message.id),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": message.ephemeral,
                }
            )
            resource = {"type": kind, "message": message.payload()}
        response: dict[str, Any] = {"interaction": summary}
        if resource is not None:
            response["resource"] = resource
        return response

    # -- events from the test side ------------------------------------------

    def on_message(self, message: Message) -> None:
        for listener in list(self.message_listeners):
            listener(message)

    async def remove_bot_from_guild(self, guild: Guild) -> None:
        guild.bot_present = False
        await self.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def add_bot_to_guild(self, guild: Guild) -> None:
        guild.bot_present = True
        if self.gateway.session_for(guild.id) is not None:
            await self.dispatch("GUILD_CREATE", guild.create_payload(self.state.now))

    async def wait_quiet(self, quiet: float = 0.05, give_up_after: float = 10.0) -> None:
        """Returns once no request is in flight and none has arrived for `quiet` seconds."""
        deadline = time.monotonic() + give_up_after
        while True:
            idle = time.monotonic() - self._last_activity
            if self._inflight == 0 and idle >= quiet:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the bot kept talking to Discord; never went quiet")
            await asyncio.sleep(max(0.005, quiet - idle) if self._inflight == 0 else 0.01)


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Via": "1.1 google", **(headers or {})},
    )


async def _read_body(request: web.Request) -> tuple[Any, list[Attachment]]:
    """JSON body, or multipart `payload_json` plus `files[n]` parts."""
    if not request.can_read_body:
        return None, []
    kind = request.content_type
    if kind == "multipart/form-data":
        body: Any = None
        files: list[Attachment] = []
        reader = await request.multipart()
        async for part in reader:
            name = part.name or ""
            if name == "payload_json":
                body = json.loads(await part.text())
            elif name.startswith("files["):
                data = await part.read()
                filename = part.filename or name
                ctype = part.headers.get("Content-Type")
                files.append(Attachment(0, filename, bytes(data), ctype))
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return {"__unparseable__": raw.decode(errors="replace")}, []
