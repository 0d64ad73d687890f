"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME and dispatches.

Sharding works as Discord's does: IDENTIFY carries `shard: [id, count]`, the shard
receives the servers where `(guild_id >> 22) % count == id`, and direct messages go to
shard 0. Each shard is its own session; the gateway counts as connected once every shard
of the latest count has a live connection.

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
GUILDS, GUILD_PRESENCES, DIRECT_MESSAGES = 1 << 0, 1 << 8, 1 << 12
# Events and the intent without which the bot does not receive them.
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "GUILD_SCHEDULED_EVENT_CREATE": 1 << 16,
}


def shard_for(guild_id: int, count: int) -> int:
    """The shard that receives a server's events (Discord's published formula)."""
    return (guild_id >> 22) % count


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    backlog: list[dict[str, Any]] = field(default_factory=list)


class Gateway:
    def __init__(self, state: State, url: str) -> None:
        self.state = state
        self.url = url
        self.sessions: dict[str, Session] = {}
        self.shards: dict[int, Session] = {}  # the latest session of each shard id
        self.shard_count = 1
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
                if self.shards.get(session.shard[0]) is session:
                    self.connected.clear()
        return ws

    @property
    def current(self) -> Session | None:
        """Shard 0's session: the one that receives direct messages."""
        return self.shards.get(0)

    def _update_connected(self) -> None:
        live = [self.shards.get(i) for i in range(self.shard_count)]
        if all(s is not None and s.ws is not None and not s.ws.closed for s in live):
            self.connected.set()
        else:
            self.connected.clear()

    def session_for(self, guild_id: int | None) -> Session | None:
        """The session that receives events of this server (DMs: shard 0)."""
        if guild_id is None:
            return self.current
        return self.shards.get(shard_for(guild_id, self.shard_count))

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        if data.get("token") != self.state.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        shard_id, count = (int(n) for n in data.get("shard") or (0, 1))
        if count < 1 or not 0 <= shard_id < count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        self.identifies += 1
        shard = (shard_id, count)
        session = Session(secrets.token_hex(16), int(data.get("intents") or 0), shard, ws=ws)
        self.sessions[session.id] = session
        if count != self.shard_count:
            self.shard_count = count
            self.shards = {}
        self.shards[shard_id] = session
        bot = self.state.bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0}
        present = [
            g
            for g in self.state.guilds.values()
            if g.bot_present and shard_for(g.id, count) == shard_id
        ]
        ready = {
            "v": 10,
            "user": bot,
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in present],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [shard_id, count],
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        await self._send(session, "READY", ready)
        only = None if session.intents & GUILD_PRESENCES else self.state.bot.id
        for guild in present:
            await self._send(session, "GUILD_CREATE", guild.create_payload(self.state.now, only))
        self._update_connected()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if (
            session is None
            or data.get("token") != self.state.token
            or self.shards.get(session.shard[0]) is not session
        ):
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return None
        self.resumes += 1
        session.ws = ws
        since = int(data.get("seq") or 0)
        for frame in [f for f in session.backlog if f["s"] > since]:
            await ws.send_str(json.dumps(frame))
        await self._send(session, "RESUMED", {})
        self._update_connected()
        return session

    # -- dispatch -----------------------------------------------------------

    async def _send(self, session: Session, event: str, data: Any) -> None:
        if event == "GUILD_CREATE" and not session.intents & GUILD_PRESENCES:
            # Without the presences intent Discord sends only the bot itself (and people
            # in voice channels) in GUILD_CREATE's member list, whatever the server's size.
            me = str(self.state.bot.id)
            data = data | {"members": [m for m in data["members"] if m["user"]["id"] == me]}
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
        """Sends an event to the shard that holds its server; False when intents exclude it."""
        session = self.session_for(_guild_of(event, data))
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
        """Drops every shard's connection (with 4000 each reconnects and RESUMEs)."""
        self.connected.clear()
        for session in list(self.shards.values()):
            if session.ws is not None:
                ws, session.ws = session.ws, None
                await ws.close(code=code)


def _guild_of(event: str, data: Any) -> int | None:
    """The server an event belongs to (None for direct messages)."""
    if not isinstance(data, dict):
        return None
    if data.get("guild_id") is not None:
        return int(data["guild_id"])
    if event.startswith("GUILD_") and "id" in data:
        return int(data["id"])
    return None
