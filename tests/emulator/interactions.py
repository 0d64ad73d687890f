"""Interactions: what a person's action sends the bot, and what became of it.

Payload builders follow Discord's INTERACTION_CREATE shape (incl. the fields discord.py
2.7 reads unconditionally: `attachment_size_limit`, `context`, `authorizing_integration_owners`,
`app_permissions`, `member.permissions`, and the full `message` for components).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.emulator.models import Channel, Message, Role, User

if TYPE_CHECKING:
    from tests.emulator.state import State

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class ScenarioError(AssertionError):
    """The test asked for something a person could not do in Discord's client."""


@dataclass(eq=False)
class Interaction:
    id: int
    token: str
    type: int
    user: User
    channel: Channel
    guild_id: int | None
    payload: dict[str, Any]
    describe: str
    source_message: Message | None = None
    created: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    responded_at: float | None = None
    failed: str | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    updated: bool = False
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    activity: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: asyncio.TimerHandle | None = None

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)

    def __repr__(self) -> str:
        return f"<Interaction {self.id} {self.describe!r} response={self.response_type}>"


def base_payload(
    state: State, kind: int, user: User, channel: Channel, data: dict[str, Any]
) -> tuple[dict[str, Any], int, str]:
    iid = state.new_id()
    token = f"aW50ZXJhY3Rpb24{iid}:{secrets.token_urlsafe(24)}"
    guild = state.guild_of(channel)
    payload: dict[str, Any] = {
        "id": str(iid),
        "application_id": str(state.application_id),
        "type": kind,
        "data": data,
        "token": token,
        "version": 1,
        "locale": "en-GB",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    channel_payload = channel.payload()
    if guild is not None:
        permissions = guild.permissions(user.id)
        member = guild.members.get(user.id)
        if member is None:
            raise ScenarioError(f"{user.username} is not a member of {guild.name}")
        channel_payload["permissions"] = str(permissions)
        payload.update(
            {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": "en-GB", "features": []},
                "guild_locale": "en-GB",
                "member": member.payload(permissions),
                "app_permissions": str(guild.permissions(state.bot.id)),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0,
            }
        )
    else:
        channel_payload["permissions"] = "0"
        payload.update(
            {
                "user": user.payload(),
                "app_permissions": "0",
                "authorizing_integration_owners": {"0": "0"},
                "context": 1,
            }
        )
    payload["channel"] = channel_payload
    payload["channel_id"] = str(channel.id)
    return payload, iid, token


# -- chat-input commands ---------------------------------------------------


def find_command(commands: list[dict[str, Any]], path: str) -> tuple[dict[str, Any], list[str]]:
    words = path.strip().lstrip("/").split()
    for command in commands:
        if command.get("type", 1) == 1 and command["name"] == words[0]:
            return command, words[1:]
    names = ", ".join(sorted("/" + c["name"] for c in commands)) or "(none)"
    raise ScenarioError(f"No synced command /{words[0]}. Synced: {names}")


def command_options(
    state: State,
    command: dict[str, Any],
    subpath: list[str],
    values: dict[str, Any],
    focused: str | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Returns (data, leaf option list) with typed option values and `resolved` filled."""
    resolved: dict[str, dict[str, Any]] = {}
    data: dict[str, Any] = {
        "id": str(command["id"]),
        "name": command["name"],
        "type": 1,
    }
    if command.get("guild_id"):
        data["guild_id"] = str(command["guild_id"])
    holder, definitions = data, command.get("options") or []
    for word in subpath:
        match = next(
            (
                o
                for o in definitions
                if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if match is None:
            raise ScenarioError(f"/{command['name']} has no subcommand {word!r}")
        node: dict[str, Any] = {"name": word, "type": match["type"], "options": []}
        holder.setdefault("options", []).append(node)
        holder, definitions = node, match.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
        subs = [o["name"] for o in definitions]
        raise ScenarioError(f"/{command['name']} {' '.join(subpath)} needs a subcommand: {subs}")
    leaf = holder.setdefault("options", [])
    known = {o["name"]: o for o in definitions}
    for name in values:
        if name not in known:
            raise ScenarioError(f"{name!r} is not an option; options are {sorted(known)}")
    for definition in definitions:
        name = definition["name"]
        if name not in values:
            if definition.get("required") and focused is None:
                raise ScenarioError(f"option {name!r} is required")
            continue
        option = {"name": name, "type": definition["type"]}
        if name == focused:
            option["value"] = str(values[name])
            option["focused"] = True
        else:
            option["value"] = _typed(state, definition, values[name], resolved)
        leaf.append(option)
    if resolved:
        data["resolved"] = resolved
    return data, leaf


def _typed(state: State, definition: dict[str, Any], value: Any, resolved: dict) -> Any:
    kind, name = definition["type"], definition["name"]
    choices = definition.get("choices")
    if kind == STRING:
        value = str(value)
        low, high = definition.get("min_length", 0), definition.get("max_length", 6000)
        if not low <= len(value) <= high:
            raise ScenarioError(f"{name}: Discord only accepts {low}-{high} characters")
    elif kind == INTEGER:
        if isinstance(value, bool) or int(value) != value:
            raise ScenarioError(f"{name} must be a whole number")
        value = int(value)
    elif kind == NUMBER:
        value = float(value)
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise ScenarioError(f"{name} must be True or False")
    elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        return _resolve(state, definition, value, resolved)
    if kind in (INTEGER, NUMBER):
        low, high = definition.get("min_value"), definition.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ScenarioError(f"{name}: Discord only accepts {low}..{high}")
    if choices and value not in [c["value"] for c in choices]:
        raise ScenarioError(f"{name}: {value!r} is not one of {[c['value'] for c in choices]}")
    return value


def _resolve(state: State, definition: dict[str, Any], value: Any, resolved: dict) -> str:
    target = getattr(value, "model", value)  # accept world handles or models
    if isinstance(target, User):
        resolved.setdefault("users", {})[str(target.id)] = target.payload()
        for guild in state.guilds.values():
            member = guild.members.get(target.id)
            if member is not None:
                members = resolved.setdefault("members", {})
                members[str(target.id)] = member.payload(guild.permissions(target.id), False)
                break
        expected = (USER, MENTIONABLE)
    elif isinstance(target, Role):
        resolved.setdefault("roles", {})[str(target.id)] = target.payload()
        expected = (ROLE, MENTIONABLE)
    elif isinstance(target, Channel):
        channel = target.payload()
        channel["permissions"] = str((1 << 51) - 1)
        resolved.setdefault("channels", {})[str(target.id)] = channel
        expected = (CHANNEL,)
        allowed_types = definition.get("channel_types")
        if allowed_types and target.type not in allowed_types:
            raise ScenarioError(f"{definition['name']}: channel type {target.type} not allowed")
    else:
        raise ScenarioError(
            f"{definition['name']}: expected a user, role or channel, got {value!r}"
        )
    if definition["type"] not in expected:
        raise ScenarioError(f"{definition['name']}: wrong kind of value {value!r}")
    return str(target.id)


def focused_option(leaf: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((o for o in leaf if o.get("focused")), None)
