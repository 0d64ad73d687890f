"""Readable scenarios: people, servers and channels around the bot under test.

    world = await World.start(tmp_path)
    alice = world.user("alice")
    res = await alice.slash("setup show")
    assert "organiser" in res.text

Every action returns once the bot has answered (acknowledged, and if it deferred, followed
up) and gone quiet, so tests read linearly with no sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import aiohttp

from tests.emulator import interactions as ix
from tests.emulator.interactions import Interaction, ScenarioError
from tests.emulator.models import (
    DM,
    MODERATOR_PERMISSIONS,
    Channel,
    Guild,
    Message,
    Role,
    User,
)
from tests.emulator.process import SPEAKBACK, BotProcess, bot_env, free_port
from tests.emulator.render import message_text, modal_text, walk
from tests.emulator.rest import LOADING
from tests.emulator.server import Emulator

DEFAULT_NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DEFAULT_GUILD = "Speak Back Test"
DEFAULT_CHANNELS = ("general", "announcements", "moderators")
DEFAULT_ROLES = ("Organisers", "Announcements")


class InteractionFailed(AssertionError):
    """Discord would show "This interaction failed"."""


class Choice(NamedTuple):
    name: str
    value: Any


# -- handles -----------------------------------------------------------------


@dataclass(eq=False)
class RoleRef:
    world: World
    model: Role

    name = property(lambda self: self.model.name)
    id = property(lambda self: self.model.id)
    mention = property(lambda self: self.model.mention)


@dataclass(eq=False)
class ChannelRef:
    world: World
    model: Channel

    name = property(lambda self: self.model.name)
    id = property(lambda self: self.model.id)
    mention = property(lambda self: self.model.mention)

    @property
    def messages(self) -> list[Message]:
        """Current messages (edits applied, deletions removed), oldest first."""
        return self.world.state.channel_messages(self.model.id)

    @property
    def last(self) -> Message:
        if not self.messages:
            raise AssertionError(f"#{self.name} has no messages")
        return self.messages[-1]


@dataclass(eq=False)
class GuildRef:
    world: World
    model: Guild

    name = property(lambda self: self.model.name)
    id = property(lambda self: self.model.id)

    def channel(self, name: str) -> ChannelRef:
        for channel in self.model.channels.values():
            if channel.name == name.lstrip("#"):
                return ChannelRef(self.world, channel)
        raise ScenarioError(f"{self.name} has no channel #{name}")

    def role(self, name: str) -> RoleRef:
        for role in self.model.roles.values():
            if role.name == name:
                return RoleRef(self.world, role)
        raise ScenarioError(f"{self.name} has no role {name!r}")

    async def add_channel(self, name: str) -> ChannelRef:
        channel = self.world.state.add_channel(self.model, name)
        if self.world.bot_connected and self.model.bot_present:
            await self.world.emulator.dispatch("CHANNEL_CREATE", channel.payload())
        return ChannelRef(self.world, channel)

    async def add_role(
        self, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> RoleRef:
        role = self.world.state.add_role(self.model, name, permissions, mentionable=mentionable)
        if self.world.bot_connected and self.model.bot_present:
            data = {"guild_id": str(self.id), "role": role.payload()}
            await self.world.emulator.dispatch("GUILD_ROLE_CREATE", data)
        return RoleRef(self.world, role)

    async def update_role(
        self, name: str, *, permissions: int | None = None, mentionable: bool | None = None
    ) -> RoleRef:
        """Change a role as a moderator would in Server Settings > Roles."""
        role = self.role(name).model
        if permissions is not None:
            role.permissions = permissions
        if mentionable is not None:
            role.mentionable = mentionable
        if self.world.bot_connected and self.model.bot_present:
            data = {"guild_id": str(self.id), "role": role.payload()}
            await self.world.emulator.dispatch("GUILD_ROLE_UPDATE", data)
        return RoleRef(self.world, role)

    @property
    def moderator_role(self) -> RoleRef:
        return self.role("Moderators")


class Reply:
    """What a person saw after an interaction."""

    def __init__(self, interaction: Interaction) -> None:
        self.interaction = interaction

    @property
    def kind(self) -> str:
        names = {
            4: "message",
            5: "deferred",
            6: "deferred_update",
            7: "update",
            8: "choices",
            9: "modal",
        }
        return names.get(self.interaction.response_type or 0, "none")

    @property
    def message(self) -> Message | None:
        """The response message, or for an update the updated message."""
        inter = self.interaction
        if inter.response_type in (6, 7):
            return inter.source_message
        if inter.original is not None and not inter.original.deleted:
            return inter.original
        return None

    @property
    def messages(self) -> list[Message]:
        first = [self.message] if self.message is not None else []
        return first + [m for m in self.interaction.followups if not m.deleted]

    @property
    def followups(self) -> list[Message]:
        return [m for m in self.interaction.followups if not m.deleted]

    async def wait_followups(self, count: int = 1, within: float = 10.0) -> list[Message]:
        """The follow-ups, once at least `count` have arrived. For answers the bot sends
        after its first response (e.g. a press carried on after I agree), which a busy
        machine can delay past the quiet period that ends a click."""
        deadline = time.monotonic() + within
        while len(self.followups) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScenarioError(f"{len(self.followups)} follow-ups within {within:g} s")
            self.interaction.activity.clear()
            if len(self.followups) >= count:
                break
            try:
                await asyncio.wait_for(self.interaction.activity.wait(), min(remaining, 0.1))
            except TimeoutError:
                continue
        return self.followups

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def attachments(self) -> list[Any]:
        return [a for m in self.messages for a in m.attachments]

    @property
    def ephemeral(self) -> bool:
        return self.message is not None and self.message.ephemeral

    @property
    def buttons(self) -> list[str]:
        return [b for m in self.messages for b in m.buttons]

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.interaction.modal

    @property
    def choices(self) -> list[Choice]:
        return [Choice(c["name"], c["value"]) for c in self.interaction.choices or []]

    @property
    def text(self) -> str:
        if self.modal is not None:
            return modal_text(self.modal)
        if self.interaction.choices is not None:
            return "\n".join(c.name for c in self.choices)
        return "\n\n".join(message_text(m) for m in self.messages)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"<Reply {self.kind} {self.text[:80]!r}>"


class Person:
    """Someone in the world, acting through Discord's client."""

    def __init__(self, world: World, model: User, guild: Guild) -> None:
        self.world = world
        self.model = model
        self.guild = guild
        self.last_reply: Reply | None = None
        self._modal: tuple[Interaction, dict[str, Any]] | None = None

    name = property(lambda self: self.model.username)
    id = property(lambda self: self.model.id)
    mention = property(lambda self: self.model.mention)

    def __repr__(self) -> str:
        return f"<Person {self.name}>"

    @property
    def dms(self) -> list[Message]:
        """Messages the bot sent this person by DM, oldest first."""
        if self.model.dm_channel_id is None:
            return []
        return [
            m
            for m in self.world.state.channel_messages(self.model.dm_channel_id)
            if m.author is self.world.state.bot
        ]

    @property
    def ephemerals(self) -> list[Message]:
        """Ephemeral messages only this person saw."""
        return [
            m
            for m in self.world.state.messages.values()
            if m.visible_to == self.id and not m.deleted
        ]

    def roles(self, guild: GuildRef | None = None) -> list[str]:
        model = guild.model if guild else self.guild
        member = model.members[self.id]
        return [model.roles[r].name for r in member.role_ids]

    def give_role(self, role: RoleRef) -> None:
        member = self.world.state.guilds[role.model.guild_id].members[self.id]
        if role.id not in member.role_ids:
            member.role_ids.append(role.id)

    def take_role(self, role: RoleRef) -> None:
        member = self.world.state.guilds[role.model.guild_id].members[self.id]
        member.role_ids = [r for r in member.role_ids if r != role.id]

    # -- actions ------------------------------------------------------------

    def _where(
        self, channel: ChannelRef | str | None, guild: GuildRef | None, in_dm: bool
    ) -> Channel:
        if in_dm:
            return self.world.state.dm_channel(self.model)
        if isinstance(channel, ChannelRef):
            return channel.model
        return (
            GuildRef(self.world, guild.model if guild else self.guild)
            .channel(channel or "general")
            .model
        )

    async def slash(
        self,
        command: str,
        *,
        in_channel: ChannelRef | str | None = None,
        in_guild: GuildRef | None = None,
        in_dm: bool = False,
        options: dict[str, Any] | None = None,
        **named: Any,
    ) -> Reply:
        """Runs `/command [group] [sub]` with typed options, e.g. slash("setup roles", organiser=role).

        Runs in #general of this person's first server unless `in_channel`/`in_guild`/`in_dm`
        say otherwise; `options={...}` passes option names that are not Python identifiers.
        """
        where = self._where(in_channel, in_guild, in_dm)
        definition, sub = self.world._command(command, where)
        data, _ = ix.command_options(
            self.world.state, definition, sub, {**(options or {}), **named}
        )
        return await self._interact(ix.APPLICATION_COMMAND, where, data, f"/{command}")

    async def autocomplete(
        self,
        command: str,
        option: str,
        typed: str = "",
        *,
        in_channel: ChannelRef | str | None = None,
        in_dm: bool = False,
        **others: Any,
    ) -> list[Choice]:
        """The suggestions shown while typing `typed` into `option` of `/command`."""
        where = self._where(in_channel, None, in_dm)
        definition, sub = self.world._command(command, where)
        data, _ = ix.command_options(
            self.world.state, definition, sub, {**others, option: typed}, focused=option
        )
        reply = await self._interact(
            ix.AUTOCOMPLETE, where, data, f"/{command} {option}: {typed!r}"
        )
        return reply.choices

    async def click(self, message: Message | Reply, label: str) -> Reply:
        """Presses the button whose label (or custom_id) is `label`."""
        message = _as_message(message)
        found = [
            b
            for b in walk(message.components)
            if b.get("type") == 2 and label in (b.get("label"), b.get("custom_id"))
        ]
        if not found:
            raise ScenarioError(f"no button {label!r}; buttons are {message.buttons}")
        button = found[0]
        if button.get("disabled"):
            raise ScenarioError(f"button {label!r} is disabled")
        if "custom_id" not in button:
            raise ScenarioError(f"button {label!r} is a link or premium button")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._component(message, data, f"click {label!r}")

    async def select(self, message: Message | Reply, which: str, values: list[str] | str) -> Reply:
        """Chooses `values` in the select whose placeholder or custom_id is `which`."""
        message = _as_message(message)
        values = [values] if isinstance(values, str) else list(values)
        menus = [
            c
            for c in walk(message.components)
            if c.get("type") in (3, 5, 6, 7, 8)
            and which in (c.get("placeholder"), c.get("custom_id"))
        ]
        if not menus:
            raise ScenarioError(f"no select {which!r} on that message")
        menu = menus[0]
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ScenarioError(f"select {which!r} takes {low}..{high} values, got {len(values)}")
        if menu["type"] == 3:
            offered = {o["value"]: o for o in menu.get("options") or []}
            by_label = {o["label"]: o["value"] for o in menu.get("options") or []}
            values = [v if v in offered else by_label.get(v, v) for v in values]
            unknown = [v for v in values if v not in offered]
            if unknown:
                raise ScenarioError(f"{unknown} not offered by select {which!r}: {list(offered)}")
        data = {"custom_id": menu["custom_id"], "component_type": menu["type"], "values": values}
        return await self._component(message, data, f"select {which!r} {values}")

    async def submit_modal(self, modal: Reply | None = None, **fields: Any) -> Reply:
        """Answers the last form shown to this person; fields by custom_id or label."""
        if modal is not None and modal.modal is not None:
            self._modal = (modal.interaction, modal.modal)
        if self._modal is None:
            raise ScenarioError(f"{self.name} has not been shown a form")
        origin, form = self._modal
        wanted = {_key(k): v for k, v in fields.items()}
        used: set[str] = set()
        rows = []
        for top in form.get("components") or []:
            if top.get("type") == 1:
                rows.append(
                    {
                        "type": 1,
                        "components": [
                            self._answer(c, wanted, used) for c in top.get("components") or []
                        ],
                    }
                )
            elif top.get("type") == 18:
                child = dict(top["component"], label=top.get("label"))
                rows.append(
                    {
                        "type": 18,
                        "id": top.get("id"),
                        "component": self._answer(child, wanted, used),
                    }
                )
        unused = set(wanted) - used
        if unused:
            raise ScenarioError(f"the form {form.get('title')!r} has no field(s) {sorted(unused)}")
        data = {"custom_id": form["custom_id"], "components": rows}
        self._modal = None
        where = origin.channel
        return await self._interact(
            ix.MODAL_SUBMIT,
            where,
            data,
            f"submit form {form.get('title')!r}",
            origin.source_message,
        )

    def _answer(self, c: dict[str, Any], wanted: dict[str, Any], used: set[str]) -> dict[str, Any]:
        keys = [
            k for k in (_key(c.get("custom_id", "")), _key(c.get("label") or "")) if k in wanted
        ]
        if c.get("type") == 4:
            value = c.get("value") or ""
            if keys:
                used.add(keys[0])
                value = str(wanted[keys[0]])
            if c.get("required", True) and not value:
                raise ScenarioError(f"form field {c.get('label') or c['custom_id']!r} is required")
            low, high = c.get("min_length", 0), c.get("max_length", 4000)
            if value and not low <= len(value) <= high:
                raise ScenarioError(f"form field {c.get('label')!r} takes {low}-{high} characters")
            return {"type": 4, "id": c.get("id"), "custom_id": c["custom_id"], "value": value}
        values = []
        if keys:
            used.add(keys[0])
            raw = wanted[keys[0]]
            values = [raw] if isinstance(raw, str) else list(raw)
        return {
            "type": c.get("type"),
            "id": c.get("id"),
            "custom_id": c.get("custom_id"),
            "values": values,
        }

    async def dm_bot(self, text: str) -> list[Message]:
        """Sends the bot a DM; returns the bot's messages in that DM sent in response."""
        state = self.world.state
        channel = state.dm_channel(self.model)
        before = set(m.id for m in self.dms)
        message = state.create_message(channel, self.model, {"content": text})
        await self.world.emulator.dispatch("MESSAGE_CREATE", message.payload())
        await self.world.settle()
        return [m for m in self.dms if m.id not in before]

    # -- plumbing -----------------------------------------------------------

    async def _component(self, message: Message, data: dict[str, Any], describe: str) -> Reply:
        if message.visible_to is not None and message.visible_to != self.id:
            raise ScenarioError(f"{self.name} cannot see that ephemeral message")
        channel = self.world.state.channels[message.channel_id]
        return await self._interact(ix.MESSAGE_COMPONENT, channel, data, describe, message)

    async def _interact(
        self,
        kind: int,
        channel: Channel,
        data: dict[str, Any],
        describe: str,
        source: Message | None = None,
    ) -> Reply:
        world = self.world
        if channel.type == DM and channel.recipient is not self.model:
            raise ScenarioError("that is someone else's DM")
        payload, iid, token = ix.base_payload(world.state, kind, self.model, channel, data)
        if source is not None:
            payload["message"] = source.payload()
        inter = Interaction(
            iid, token, kind, self.model, channel, channel.guild_id, payload, describe, source
        )
        await world.emulator.dispatch_interaction(inter)
        await inter.acked.wait()
        if inter.failed:
            raise InteractionFailed(
                f"{describe} by {self.name}: This interaction failed ({inter.failed})"
            )
        if inter.response_type == 5:
            await world._wait_followup(inter)
        if inter.response_type == 9:
            self._modal = (inter, inter.modal or {})
        if kind != ix.AUTOCOMPLETE:
            await world.settle()
        reply = Reply(inter)
        self.last_reply = reply
        return reply


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _as_message(target: Message | Reply) -> Message:
    if isinstance(target, Reply):
        if target.message is None:
            raise ScenarioError("that reply has no message to act on")
        return target.message
    return target


# -- the world ---------------------------------------------------------------


class World:
    def __init__(
        self,
        root: Path,
        *,
        now: datetime = DEFAULT_NOW,
        guilds: tuple[str, ...] | list[str] = (DEFAULT_GUILD,),
        bot_command: list[str] | None = None,
        ack_deadline: float = 3.0,
        rate_limits: bool = True,
        dev_guild: bool = False,
        env: dict[str, str] | None = None,
        quiet: float = 0.05,
        followup_timeout: float = 15.0,
        shards: int = 1,
        max_concurrency: int = 1,
    ) -> None:
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)  # as the bot's own folder
        self.emulator = Emulator(now, ack_deadline=ack_deadline, rate_limits=rate_limits)
        self.state = self.emulator.state
        self.state.recommended_shards = shards
        self.state.max_concurrency = max_concurrency
        self.bot_command = list(bot_command or SPEAKBACK)
        self.quiet = quiet
        self.followup_timeout = followup_timeout
        self.dev_guild = dev_guild
        self.extra_env = env or {}
        self.people: dict[str, Person] = {}
        self.guilds: list[GuildRef] = [self._make_guild(name) for name in guilds]
        self.bot: BotProcess | None = None
        self.mod = self.user("mod", moderator=True)

    @classmethod
    async def start(cls, root: Path, **options: Any) -> World:
        world = cls(root, **options)
        try:
            await world.launch()
        except BaseException:
            await world.close()
            raise
        return world

    async def __aenter__(self) -> World:
        await self.launch()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def launch(self) -> None:
        await self.emulator.start()
        env = bot_env(
            api_base=self.emulator.api_base,
            token=self.state.token,
            database=self.root / "speakback.db",
            control_port=free_port(),
            now_iso=self.state.now.isoformat(),
            dev_guild_id=self.guilds[0].id if self.dev_guild else None,
            extra=self.extra_env,
        )
        self.bot = BotProcess(self.bot_command, env, self.root / "bot.log")
        await self.bot.start()
        await self.bot.wait_ready()
        await self.emulator.wait_quiet(self.quiet)

    async def close(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        await self.emulator.stop()

    # -- building the scene -------------------------------------------------

    def _make_guild(self, name: str) -> GuildRef:
        guild = self.state.add_guild(name)
        for channel in DEFAULT_CHANNELS:
            self.state.add_channel(guild, channel)
        self.state.add_role(guild, "Moderators", MODERATOR_PERMISSIONS)
        for role in DEFAULT_ROLES:
            # A role made for announcements has "Allow anyone to @mention" turned on.
            self.state.add_role(guild, role, mentionable=role == "Announcements")
        return GuildRef(self, guild)

    async def add_guild(self, name: str) -> GuildRef:
        """A further server with the default channels and roles; the bot joins it."""
        ref = self._make_guild(name)
        self.guilds.append(ref)
        if self.bot_connected:
            await self.emulator.add_bot_to_guild(ref.model)
            await self.settle()
        return ref

    def guild(self, name: str | None = None) -> GuildRef:
        if name is None:
            return self.guilds[0]
        for ref in self.guilds:
            if ref.name == name:
                return ref
        raise ScenarioError(f"no server {name!r}")

    def channel(self, name: str, guild: str | GuildRef | None = None) -> ChannelRef:
        return self._guild_ref(guild).channel(name)

    def role(self, name: str, guild: str | GuildRef | None = None) -> RoleRef:
        return self._guild_ref(guild).role(name)

    def _guild_ref(self, guild: str | GuildRef | None) -> GuildRef:
        return guild if isinstance(guild, GuildRef) else self.guild(guild)

    def user(
        self,
        name: str,
        *,
        roles: tuple[str, ...] | list[str] = (),
        moderator: bool = False,
        organiser: bool = False,
        guilds: list[GuildRef | str] | None = None,
    ) -> Person:
        """A person who is a member of the given servers (default: the first).

        `moderator` gives the "Moderators" role (Manage Server), `organiser` the
        "Organisers" role; `roles` names further roles, given in every listed server.
        """
        if name in self.people:
            return self.people[name]
        user = self.state.add_user(name)
        targets = [self._guild_ref(g) for g in guilds] if guilds else [self.guilds[0]]
        for ref in targets:
            names = (
                list(roles)
                + (["Moderators"] if moderator else [])
                + (["Organisers"] if organiser else [])
            )
            self.state.add_member(ref.model, user, [ref.role(r).id for r in names])
        person = Person(self, user, targets[0].model)
        self.people[name] = person
        return person

    def remove_from_server(self, person: Person, guild: GuildRef | None = None) -> None:
        """The person leaves (or is removed from) the server: Discord's member endpoint
        then answers 404 Unknown Member (10007). Their DMs with the bot stay open."""
        model = (guild or self.guilds[0]).model
        model.members.pop(person.id, None)

    def add_to_server(self, person: Person, guild: GuildRef | None = None) -> None:
        """The person (back) in the server, with no roles."""
        ref = guild or self.guilds[0]
        if person.id not in ref.model.members:
            self.state.add_member(ref.model, person.model, [])

    def set_dms_closed(self, person: Person, closed: bool = True) -> None:
        person.model.dms_closed = closed

    def set_dm_delay(self, person: Person, seconds: float) -> None:
        """Discord answers each message sent to this person's DMs only after `seconds`
        (wall clock; 0 for at once), as when Discord is slow: the request stays in
        flight meanwhile, so an action still returns only once the answer has come."""
        person.model.dm_delay = seconds

    # -- the bot ------------------------------------------------------------

    @property
    def bot_connected(self) -> bool:
        return self.emulator.gateway is not None and self.emulator.gateway.connected.is_set()

    def _command(self, path: str, channel: Channel) -> tuple[dict[str, Any], list[str]]:
        scoped = self.state.commands.get(channel.guild_id, []) if channel.guild_id else []
        available = scoped + self.state.commands.get(None, [])
        if channel.type == DM:
            # As Discord: `contexts` decides when given (1 = the bot's DM); without it,
            # the older `dm_permission` (default true) does.
            available = [
                c
                for c in available
                if (
                    1 in c["contexts"]
                    if c.get("contexts") is not None
                    else c.get("dm_permission") is not False
                )
            ]
        else:
            available = [c for c in available if c.get("contexts") is None or 0 in c["contexts"]]
        return ix.find_command(available, path)

    async def _wait_followup(self, inter: Interaction) -> None:
        deadline = time.monotonic() + self.followup_timeout
        while inter.original is not None and inter.original.flags & LOADING and not inter.followups:
            inter.activity.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise InteractionFailed(
                    f"{inter.describe}: deferred ('thinking') but no follow-up within "
                    f"{self.followup_timeout:g} s"
                )
            try:
                await asyncio.wait_for(inter.activity.wait(), remaining)
            except TimeoutError:
                continue

    async def settle(self) -> None:
        """Waits until the bot has finished what it is doing (its own /settle, then quiet)."""
        if self.bot is not None and self.bot.running:
            await self.bot.control("POST", "/settle")
        await self.emulator.wait_quiet(self.quiet)

    async def advance(self, **delta: float) -> datetime:
        """Moves the bot's clock forward, e.g. advance(hours=23), and waits for it to settle."""
        return await self.set_time(self.state.now + timedelta(**delta))

    async def set_time(self, when: datetime) -> datetime:
        self.state.now = when.astimezone(UTC)
        if self.bot is not None and self.bot.running:
            await self.bot.control("POST", "/clock", {"now": self.state.now.isoformat()})
        await self.emulator.wait_quiet(self.quiet)
        return self.state.now

    @property
    def now(self) -> datetime:
        return self.state.now

    async def restart_bot(self, kill: bool = True) -> None:
        """Stops the bot (SIGKILL by default) and starts it again on the same database."""
        assert self.bot is not None
        if kill:
            await self.bot.kill()
        else:
            await self.bot.stop()
        self.bot.env["SPEAKBACK_TEST_NOW"] = self.state.now.isoformat()
        await self.bot.start()
        await self.bot.wait_ready()
        await self.emulator.wait_quiet(self.quiet)

    async def drop_gateway(self) -> None:
        """Closes the bot's gateway connection; waits until it has resumed or re-identified."""
        await self.emulator.gateway.disconnect()
        await self.emulator.gateway.wait_connected()
        await self.settle()

    async def remove_bot_from_guild(self, guild: GuildRef | None = None) -> None:
        await self.emulator.remove_bot_from_guild((guild or self.guilds[0]).model)
        await self.settle()

    # -- what happened ------------------------------------------------------

    @property
    def requests(self) -> list[Any]:
        return self.emulator.requests

    def requests_to(self, method: str, route_part: str) -> list[Any]:
        return [
            r for r in self.requests if r.method == method and route_part in (r.route or r.path)
        ]

    async def wait_for_request(self, method: str, route_part: str, within: float = 10.0) -> Any:
        """Waits for the bot to make a matching request (answered); returns the latest."""
        deadline = time.monotonic() + within
        while not self.requests_to(method, route_part):
            self.emulator.request_seen.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the bot never called {method} ...{route_part}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.emulator.request_seen.wait(), remaining)
        return self.requests_to(method, route_part)[-1]

    def count_status(self, status: int) -> int:
        return self.emulator.count_status(status)

    @property
    def global_429s(self) -> int:
        return self.emulator.global_429s

    @property
    def unknown_routes(self) -> list[str]:
        return self.emulator.unknown_routes

    @property
    def failed_interactions(self) -> list[Interaction]:
        return self.emulator.failed_interactions

    def problems(self) -> list[str]:
        problems = self.emulator.problems()
        if self.bot is not None and self.bot.proc is not None and not self.bot.running:
            problems.append(f"the bot exited unexpectedly (code {self.bot.proc.returncode})")
        return problems

    def clear_problems(self) -> list[str]:
        """Returns and forgets the problems so far (for tests that provoke them on purpose)."""
        return self.emulator.clear_problems()

    def bot_log(self) -> str:
        return self.bot.log_text() if self.bot is not None else ""

    def pings(self) -> list[Message]:
        """Messages that notified someone (a user, a role, @everyone/@here) as Discord would."""
        return [m for m in self.state.messages.values() if m.pings.anyone]

    @property
    def messages(self) -> list[Message]:
        """Every message in every channel and DM (not ephemeral), oldest first."""
        return [m for m in self.state.messages.values() if not m.deleted and m.visible_to is None]

    async def api(self, method: str, path: str, **kwargs: Any) -> ApiResult:
        """A raw request to the emulator as the bot (for testing the emulator itself)."""
        headers = {"Authorization": f"Bot {self.state.token}", **kwargs.pop("headers", {})}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                method, self.emulator.api_base + path, headers=headers, **kwargs
            ) as response,
        ):
            raw = await response.read()
            body = None
            if response.headers.get("Content-Type") == "application/json":
                body = json.loads(raw)
            return ApiResult(response.status, dict(response.headers), body)


class ApiResult(NamedTuple):
    status: int
    headers: dict[str, str]
    body: Any
