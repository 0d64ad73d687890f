"""Everything the emulator knows: the bot, servers, people, channels, messages, commands.

Times (timestamps, snowflakes) follow the emulator's driven clock so they agree with the
bot's; deadlines and rate limits use real monotonic time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.emulator.mentions import compute_pings
from tests.emulator.models import (
    ANNOUNCEMENT,
    BOT_PERMISSIONS,
    DM,
    EVERYONE_PERMISSIONS,
    TEXT,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
)
from tests.emulator.snowflake import Snowflakes

NONCE_WINDOW_SECONDS = 300.0


@dataclass
class RecordedRequest:
    method: str
    path: str
    route: str | None
    query: dict[str, str]
    body: Any
    files: list[str]
    status: int = 0
    response: Any = None
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


class State:
    def __init__(self, now: datetime | None = None, bot_name: str = "Speak Back") -> None:
        self.now = (now or datetime.now(UTC)).astimezone(UTC)
        self.ids = Snowflakes()
        self.bot = User(self.new_id(), bot_name, bot=True)
        self.application_id = self.bot.id
        self.token = "emulator.token.x"
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # None = global
        self.scheduled_events: dict[int, dict[str, Any]] = {}
        self._nonces: dict[tuple[int, str], tuple[float, Message]] = {}
        # What GET /gateway/bot recommends: shards, and how many may identify at once.
        self.recommended_shards = 1
        self.max_concurrency = 1

    # -- identity -----------------------------------------------------------

    def new_id(self) -> int:
        return self.ids.next(self.now)

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    # -- creation -----------------------------------------------------------

    def add_user(self, username: str, global_name: str | None = None) -> User:
        user = User(self.new_id(), username, global_name or username.title())
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner: User | None = None) -> Guild:
        # With several shards, servers need creation times apart to spread over them.
        sharded = self.recommended_shards > 1
        gid = self.ids.next_own_millisecond(self.now) if sharded else self.new_id()
        if owner is None:
            owner = self.add_user(f"{name.split()[0].lower()}-owner")
        guild = Guild(gid, name, owner.id, created_at=self.now)
        guild.roles[gid] = Role(gid, gid, "@everyone", EVERYONE_PERMISSIONS, position=0)
        bot_role = Role(self.new_id(), gid, self.bot.username, BOT_PERMISSIONS, 1, managed=True)
        guild.roles[bot_role.id] = bot_role
        self.guilds[gid] = guild
        self.add_member(guild, owner)
        self.add_member(guild, self.bot, [bot_role.id])
        return guild

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> Role:
        role = Role(self.new_id(), guild.id, name, permissions, position=len(guild.roles))
        role.mentionable = mentionable
        guild.roles[role.id] = role
        return role

    def add_channel(self, guild: Guild, name: str, kind: int = TEXT) -> Channel:
        assert kind in (TEXT, ANNOUNCEMENT)
        channel = Channel(self.new_id(), name, kind, guild.id, position=len(guild.channels))
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_member(self, guild: Guild, user: User, role_ids: list[int] | None = None) -> Member:
        member = Member(user, guild.id, list(role_ids or []), self.now)
        guild.members[user.id] = member
        return member

    def dm_channel(self, user: User) -> Channel:
        if user.dm_channel_id is None:
            channel = Channel(self.new_id(), "", DM, recipient=user)
            self.channels[channel.id] = channel
            user.dm_channel_id = channel.id
        return self.channels[user.dm_channel_id]

    # -- lookups ------------------------------------------------------------

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def channel_messages(self, channel_id: int) -> list[Message]:
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and not m.deleted and m.visible_to is None
        ]

    # -- messages -----------------------------------------------------------

    def find_nonce(self, channel_id: int, nonce: Any) -> Message | None:
        hit = self._nonces.get((channel_id, str(nonce)))
        if hit and time.monotonic() - hit[0] < NONCE_WINDOW_SECONDS:
            return hit[1]
        return None

    def create_message(
        self,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        files: list[Attachment] | None = None,
        **extra: Any,
    ) -> Message:
        message = Message(
            id=self.new_id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            timestamp=self.now,
            **extra,
        )
        self.apply_edit(message, body, files, initial=True)
        self.messages[message.id] = message
        if body.get("nonce") is not None and body.get("enforce_nonce"):
            self._nonces[(channel.id, str(body["nonce"]))] = (time.monotonic(), message)
        if body.get("nonce") is not None:
            message.nonce = body["nonce"]
        return message

    def apply_edit(
        self,
        message: Message,
        body: dict[str, Any],
        files: list[Attachment] | None = None,
        initial: bool = False,
    ) -> None:
        if not initial:
            message.history.append(message.payload())
            message.edited_timestamp = self.now
        for key in ("content", "embeds", "components"):
            if key in body:
                value = body[key]
                setattr(
                    message, key, value if value is not None else ("" if key == "content" else [])
                )
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS/EPHEMERAL/SUPPRESS_NOTIFICATIONS/IS_COMPONENTS_V2 are settable.
            message.flags = (message.flags & 64) | (int(body["flags"]) & ~64)
            if initial:
                message.flags |= int(body["flags"]) & 64
        if initial and body.get("message_reference"):
            message.reply_to = int(body["message_reference"]["message_id"])
        if "allowed_mentions" in body or initial:
            message.allowed_mentions = body.get("allowed_mentions")
        meta = {str(a.get("id")): a for a in body.get("attachments") or []}
        for index, upload in enumerate(files or []):
            described = meta.get(str(index)) or {}
            upload.id = self.new_id()
            upload.description = described.get("description")
            upload.filename = described.get("filename") or upload.filename
        kept = message.attachments
        if "attachments" in body and body["attachments"] is not None:
            keep_ids = {str(a.get("id")) for a in body["attachments"]}
            kept = [a for a in message.attachments if str(a.id) in keep_ids]
        message.attachments = kept + list(files or [])
        pings = compute_pings(message.content, message.allowed_mentions)
        if not initial:
            # Discord pings only on creation; an edit adds no new notification.
            pings.users = [u for u in pings.users if u in message.pings.users]
            pings.roles = [r for r in pings.roles if r in message.pings.roles]
            pings.everyone = pings.everyone and message.pings.everyone
        message.pings = pings
        message.mention_users = [self.users[u] for u in pings.users if u in self.users]
