"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME and dispatches.

discord.py asks for `zlib-stream`/`zstd-stream` transport compression, but text frames
need none, so every frame is sent as JSON text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from tests.emulator.state import State

log = logging.getLogger("emulator.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0, 1, 2, 6, 7, 9, 10, 11,
)  # fmt: skip
HEARTBEAT_INTERVAL_MS = 41250
GUILDS, DIRECT_MESSAGES = 1 << 0, 1 << 12
# Events and the intent without which the bot does not receive them.
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "GUILD_SCHEDULED_EVENT_CREATE": 1 << 16,
}


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    backlog: list[dict[str, Any]] = field(default_factory=list)


class Gateway:
    def __init__(self, state: State, url: str) -> None:
        self.state = state
        self.url = url
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.connected = asyncio.Event()
        self.identifies = 0
        self.resumes = 0
        self.events: list[dict[str, Any]] = []  # every dispatch, for tests

    # -- connection ---------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d")
                if op == HEARTBEAT:
                    await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
                elif op == IDENTIFY:
                    session = await self._identify(ws, data)
                    if session is None:
                        break
                elif op == RESUME:
                    session = await self._resume(ws, data)
        finally:
            if session is not None and session.ws is ws:
                session.ws = None
                if self.current is session:
                    self.connected.clear()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        if data.get("token") != self.state.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        self.identifies += 1
        session = Session(secrets.token_hex(16), int(data.get("intents") or 0), ws=ws)
        self.sessions[session.id] = session
        self.current = session
        bot = self.state.bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0}
        present = [g for g in self.state.guilds.values() if g.bot_present]
        ready = {
            "v": 10,
            "user": bot,
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in present],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [0, 1],
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        await self._send(session, "READY", ready)
        for guild in present:
            await self._send(session, "GUILD_CREATE", guild.create_payload(self.state.now))
        self.connected.set()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.state.token or self.current is not session:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return None
        self.resumes += 1
        session.ws = ws
        since = int(data.get("seq") or 0)
        for frame in [f for f in session.backlog if f["s"] > since]:
            await ws.send_str(json.dumps(frame))
        await self._send(session, "RESUMED", {})
        self.connected.set()
        return session

    # -- dispatch -----------------------------------------------------------

    async def _send(self, session: Session, event: str, data: Any) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.backlog.append(frame)
        del session.backlog[:-1000]
        self.events.append(frame)
        if session.ws is not None and not session.ws.closed:
            try:
                await session.ws.send_str(json.dumps(frame))
            except ConnectionError:
                log.debug("gateway closed while sending %s", event)

    async def dispatch(self, event: str, data: Any) -> bool:
        """Sends an event to the connected bot; False when its intents exclude it."""
        session = self.current
        if session is None:
            raise RuntimeError(f"no bot is connected to the gateway to receive {event}")
        needed = EVENT_INTENTS.get(event)
        if event == "MESSAGE_CREATE" and data.get("guild_id") is None:
            needed = DIRECT_MESSAGES
        if needed and not session.intents & needed:
            return False
        await self._send(session, event, data)
        return True

    async def wait_connected(self, within: float = 10.0) -> None:
        await asyncio.wait_for(self.connected.wait(), within)

    async def disconnect(self, code: int = 4000) -> None:
        """Drops the bot's connection (with 4000 it reconnects and RESUMEs)."""
        session = self.current
        self.connected.clear()
        if session and session.ws is not None:
            ws, session.ws = session.ws, None
            await ws.close(code=code)
