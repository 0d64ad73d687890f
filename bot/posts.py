"""One posting service: an item in its home server and in every linked server that gets it.

Polls, opportunities and meetings are all "an item posted in one or more servers":
a home post (the server it was made in), and, for a network item, one copy in each
linked server's announcements channel. This service posts them through the outbox,
records every copy (`item_copies`), refreshes them all alike, and says which linked
servers had no announcements channel. It knows nothing of Discord: features hand it
payloads (from their `ui.py`) and a way to name a server.

    published = await services.posts.publish(
        "poll", poll.id, guild_id=poll.guild_id, channel_id=channel_id, reach=reach,
        render=lambda: render_post(poll), ping_role_id=role, dedupe_key=f"poll-post:{poll.id}",
    )
    await services.posts.refresh(posted_item(poll), payload)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.outcomes import status_line
from bot.domain.timefmt import discord_timestamp
from bot.networks import Audience, may_answer_from
from bot.strings import outcomes as outcome_text
from db import network_items
from db import outcomes as outcomes_db
from db.database import Database

Payload = dict[str, Any]


class Poster(Protocol):
    """What the posting service needs of delivery (the outbox)."""

    async def post(
        self, *, guild_id: int | None, channel_id: int, payload: Payload, dedupe_key: str
    ) -> int | None: ...

    async def edit(
        self, *, guild_id: int | None, channel_id: int, message_id: int, payload: Payload
    ) -> None: ...

    async def sent_message_id(self, row_id: int) -> int | None: ...


class PostedRow(Protocol):
    """What a feature's item (a Poll, an Opportunity, a Meeting) says of its home post."""

    @property
    def id(self) -> int: ...
    @property
    def guild_id(self) -> int: ...
    @property
    def channel_id(self) -> int: ...
    @property
    def message_id(self) -> int | None: ...
    @property
    def post_outbox_id(self) -> int | None: ...
    @property
    def network_id(self) -> int | None: ...


@dataclass(frozen=True)
class Posted:
    """What the service needs to know of an item's home post (each feature's row has it)."""

    kind: str  # "poll" | "opportunity" | "meeting"
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    post_outbox_id: int | None
    network_id: int | None

    @classmethod
    def of(cls, kind: str, item: PostedRow) -> Posted:
        """The home post of a feature's item: `Posted.of("poll", poll)`."""
        return cls(
            kind,
            item.id,
            item.guild_id,
            item.channel_id,
            item.message_id,
            item.post_outbox_id,
            item.network_id,
        )


@dataclass(frozen=True)
class Target:
    guild_id: int
    channel_id: int
    message_id: int | None  # None until the outbox has sent it


@dataclass(frozen=True)
class Published:
    outbox_id: int | None  # the home post's outbox row
    servers: tuple[str, ...]  # names of the servers it went to, home first
    missing: tuple[str, ...]  # linked servers with no announcements channel
    networked: bool


def message_link(target: Target) -> str:
    """A link to the post, or to its channel while it is still being sent."""
    if target.message_id is None:
        return f"<#{target.channel_id}>"
    return f"https://discord.com/channels/{target.guild_id}/{target.channel_id}/{target.message_id}"


def with_role_ping(payload: Payload, role_id: int | None) -> Payload:
    """The home post's payload with the announcement role mentioned (and allowed to ping)."""
    if role_id is None:
        return payload
    return {**payload, "content": f"<@&{role_id}>", "ping_role_id": role_id}


def with_outcome(payload: Payload, line: str | None) -> Payload:
    """The payload with the item's outcome ("In progress (40%), last update ...") as
    the last field of its first embed, in place of an earlier one (issue 23). Files
    are left out: an edit keeps the message's attachments as they are."""
    embeds = payload.get("embeds") or []
    if line is None or not embeds:
        return payload
    first = dict(embeds[0])
    fields = [f for f in first.get("fields", []) if f.get("name") != outcome_text.FIELD_NAME]
    if len(fields) >= 25:
        return payload
    first["fields"] = [*fields, {"name": outcome_text.FIELD_NAME, "value": line, "inline": False}]
    shown = {k: v for k, v in payload.items() if k != "files"}
    return {**shown, "embeds": [first, *embeds[1:]]}


async def outcome_line(db: Database, kind: str, item_id: int) -> str | None:
    """What an item's post says of its outcome, if it has one."""
    if kind not in outcomes_db.KINDS:
        return None
    found = await outcomes_db.status_of(db, kind, item_id)
    if found is None:
        return None
    status, progress, last_update_at = found
    return outcome_text.ITEM_STATUS_LINE.format(
        status=status_line(status, progress), day=discord_timestamp(last_update_at, "D")
    )


class Posts:
    def __init__(self, db: Database, delivery: Poster, server_name: Callable[[int], str]) -> None:
        self.db = db
        self.delivery = delivery
        self.server_name = server_name

    async def publish(
        self,
        kind: str,
        item_id: int,
        *,
        guild_id: int,
        channel_id: int,
        reach: Audience | None,
        render: Callable[[], Awaitable[Payload]],
        dedupe_key: str,
        ping_role_id: int | None = None,
    ) -> Published:
        """Post an item at home (pinging the role, if any) and in every linked server.

        For a network item the copies are recorded before the payload is rendered,
        so the first post already shows every server in its breakdown. Other
        servers get theirs in their announcements channel, without a role ping;
        each copy is its own outbox row with its own dedupe key.
        """
        networked = reach is not None and reach.network_id is not None
        others: list[tuple[int, int]] = []
        if networked:
            assert reach is not None and reach.network_id is not None
            await network_items.set_network(self.db, kind, item_id, reach.network_id)
            others = [(g, c) for g, c in reach.targets if g != guild_id]
            for target_guild, target_channel in ((guild_id, channel_id), *others):
                await network_items.record_copy(
                    self.db, kind, item_id, target_guild, target_channel, None
                )
        payload = await render()
        home_row = await self.delivery.post(
            guild_id=guild_id,
            channel_id=channel_id,
            payload=with_role_ping(payload, ping_role_id),
            dedupe_key=dedupe_key,
        )
        await network_items.set_post_outbox(self.db, kind, item_id, home_row)
        if networked:
            await network_items.record_copy(self.db, kind, item_id, guild_id, channel_id, home_row)
            for target_guild, target_channel in others:
                row_id = await self.delivery.post(
                    guild_id=target_guild,
                    channel_id=target_channel,
                    payload=payload,
                    dedupe_key=f"{dedupe_key}:{target_guild}",
                )
                await network_items.record_copy(
                    self.db, kind, item_id, target_guild, target_channel, row_id
                )
        names = tuple(self.server_name(g) for g in (guild_id, *dict(others)))
        return Published(
            outbox_id=home_row,
            servers=names,
            missing=reach.missing if networked and reach is not None else (),
            networked=networked,
        )

    async def home_message_id(self, item: Posted) -> int | None:
        """The home post's message id, learnt from the outbox once it has been sent."""
        if item.message_id is not None:
            return item.message_id
        if item.post_outbox_id is None:
            return None
        message_id = await self.delivery.sent_message_id(item.post_outbox_id)
        if message_id is not None:
            await network_items.set_message_id(self.db, item.kind, item.id, message_id)
        return message_id

    async def note_home_message(self, item: Posted, message_id: int) -> None:
        """A press on the home post told us its message id before the outbox did."""
        if item.message_id is None:
            await network_items.set_message_id(self.db, item.kind, item.id, message_id)

    async def targets(self, item: Posted) -> list[Target]:
        """Every copy of the post, home first."""
        found = [Target(item.guild_id, item.channel_id, await self.home_message_id(item))]
        if item.network_id is not None:
            for copy in await network_items.copies(self.db, item.kind, item.id):
                if copy.guild_id != item.guild_id:
                    found.append(Target(copy.guild_id, copy.channel_id, copy.message_id))
        return found

    async def copies(self, item: Posted) -> list[Target]:
        """A network item's copies in the other servers it was posted to (none otherwise)."""
        return (await self.targets(item))[1:]

    async def refresh(self, item: Posted, payload: Payload) -> None:
        """Show the same payload on every copy that has been sent (edits coalesce),
        with the item's outcome, if it has one."""
        payload = with_outcome(payload, await outcome_line(self.db, item.kind, item.id))
        for target in await self.targets(item):
            if target.message_id is not None:
                await self.delivery.edit(
                    guild_id=target.guild_id,
                    channel_id=target.channel_id,
                    message_id=target.message_id,
                    payload=payload,
                )

    async def reached_guilds(self, item: Posted) -> tuple[int, ...]:
        """Servers whose members may answer now: home, plus linked servers it was posted to."""
        found = [item.guild_id]
        if item.network_id is not None:
            for copy in await network_items.copies(self.db, item.kind, item.id):
                if copy.guild_id not in found and await may_answer_from(
                    self.db, item.guild_id, item.network_id, copy.guild_id
                ):
                    found.append(copy.guild_id)
        return tuple(found)

    async def link_for(self, item: Posted, guild_id: int) -> str:
        """A link to the copy of the post in this server (the home post if there is none)."""
        targets = await self.targets(item)
        for target in targets:
            if target.guild_id == guild_id:
                return message_link(target)
        return message_link(targets[0])
