"""Discord's REST routes, as far as Speak Back uses them.

Each handler takes a :class:`Call` and returns `(status, body)`; errors are raised as
:class:`ApiError` and rendered in Discord's error shape by the server.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tests.emulator import limits
from tests.emulator.models import DM, Attachment, Channel, Message, iso

if TYPE_CHECKING:
    from tests.emulator.interactions import Interaction
    from tests.emulator.server import Emulator

LOADING, EPHEMERAL = 128, 64
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


class ApiError(Exception):
    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def form_error(errors: limits.Errors) -> None:
    body = errors.body()
    if body is not None:
        raise ApiError(400, 50035, "Invalid Form Body", body["errors"])


@dataclass
class Call:
    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any = None
    files: list[Attachment] = field(default_factory=list)
    arrived: float = 0.0  # time.monotonic() when the request reached the emulator

    def id(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, 0, "404: Not Found") from None


Handler = Callable[[Call], Awaitable[tuple[int, Any]]]


class Rest:
    def __init__(self, emulator: Emulator) -> None:
        self.em = emulator
        self.state = emulator.state
        self.routes: list[tuple[str, str, Handler]] = []
        r = self._add
        r("GET", "/gateway", self.gateway)
        r("GET", "/gateway/bot", self.gateway_bot)
        r("GET", "/users/@me", self.me)
        r("GET", "/users/{user_id}", self.get_user)
        r("GET", "/oauth2/applications/@me", self.application)
        r("GET", "/applications/@me", self.application)
        r("POST", "/users/@me/channels", self.create_dm)
        r("DELETE", "/users/@me/guilds/{guild_id}", self.leave_guild)
        for scope in (
            "/applications/{application_id}",
            "/applications/{application_id}/guilds/{guild_id}",
        ):
            r("GET", scope + "/commands", self.get_commands)
            r("PUT", scope + "/commands", self.put_commands)
            r("POST", scope + "/commands", self.post_command)
            r("GET", scope + "/commands/{command_id}", self.get_command)
            r("PATCH", scope + "/commands/{command_id}", self.patch_command)
            r("DELETE", scope + "/commands/{command_id}", self.delete_command)
        r("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.em.callback)
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        r("POST", hook, self.followup)
        for target in ("/messages/@original", "/messages/{message_id}"):
            r("GET", hook + target, self.webhook_message)
            r("PATCH", hook + target, self.webhook_message)
            r("DELETE", hook + target, self.webhook_message)
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("GET", "/channels/{channel_id}/messages", self.list_messages)
        r("POST", "/channels/{channel_id}/messages", self.create_message)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/channels", self.guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self.guild_roles)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.guild_member)
        events = "/guilds/{guild_id}/scheduled-events"
        r("GET", events, self.list_events)
        r("POST", events, self.create_event)
        r("GET", events + "/{guild_scheduled_event_id}", self.get_event)
        r("PATCH", events + "/{guild_scheduled_event_id}", self.edit_event)
        r("DELETE", events + "/{guild_scheduled_event_id}", self.delete_event)

    def _add(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.routes.append((method, template, handler))
        self._compiled = getattr(self, "_compiled", [])
        self._compiled.append((method, re.compile(f"^{pattern}$"), template, handler))
        # literal segments (e.g. @original, @me) must win over parameters
        self._compiled.sort(key=lambda item: item[2].count("{"))

    def match(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        for route_method, regex, template, handler in self._compiled:
            found = regex.match(path)
            if found and route_method == method:
                return template, found.groupdict(), handler
        return None

    # -- identity -----------------------------------------------------------

    async def gateway(self, call: Call) -> tuple[int, Any]:
        return 200, {"url": self.em.gateway_url}

    async def gateway_bot(self, call: Call) -> tuple[int, Any]:
        state = self.em.state
        limit = {
            "total": 1000,
            "remaining": 999,
            "reset_after": 86_400_000,
            "max_concurrency": state.max_concurrency,
        }
        return 200, {
            "url": self.em.gateway_url,
            "shards": state.recommended_shards,
            "session_start_limit": limit,
        }

    async def me(self, call: Call) -> tuple[int, Any]:
        return 200, self.state.bot.payload() | {"verified": True, "mfa_enabled": False}

    async def get_user(self, call: Call) -> tuple[int, Any]:
        user = self.state.users.get(call.id("user_id"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def application(self, call: Call) -> tuple[int, Any]:
        owner = next(iter(self.state.guilds.values()), None)
        owner_user = self.state.users[owner.owner_id] if owner else self.state.bot
        return 200, {
            "id": str(self.state.application_id),
            "name": self.state.bot.username,
            "icon": None,
            "description": "Speak Back (emulated)",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": owner_user.payload(),
            "team": None,
            "bot": self.state.bot.payload(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "approximate_guild_count": sum(g.bot_present for g in self.state.guilds.values()),
            "integration_types_config": {"0": {}},
        }

    # -- commands -----------------------------------------------------------

    def _scope(self, call: Call) -> int | None:
        if call.id("application_id") != self.state.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in call.params:
            return None
        gid = call.id("guild_id")
        guild = self.state.guilds.get(gid)
        if guild is None or not guild.bot_present:
            raise ApiError(403, 50001, "Missing Access")
        return gid

    def _store(self, scope: int | None, body: dict[str, Any], keep: list[dict[str, Any]]) -> dict:
        errors = limits.Errors()
        kind = body.get("type", 1)
        name = body.get("name", "")
        if not COMMAND_NAME.match(name) or (kind == 1 and name != name.lower()):
            errors.add(("name",), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if kind == 1:
            errors.between(("description",), body.get("description", ""), 1, 100)
        _check_options(body.get("options") or [], errors, ("options",))
        form_error(errors)
        previous = next((c for c in keep if c["name"] == name and c.get("type", 1) == kind), None)
        command = {
            "id": previous["id"] if previous else str(self.state.new_id()),
            "application_id": str(self.state.application_id),
            "version": str(self.state.new_id()),
            "type": kind,
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            "description": "",
            "options": [],
        } | body
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    async def get_commands(self, call: Call) -> tuple[int, Any]:
        return 200, self.state.commands.get(self._scope(call), [])

    async def put_commands(self, call: Call) -> tuple[int, Any]:
        scope = self._scope(call)
        previous = self.state.commands.get(scope, [])
        stored = [self._store(scope, body, previous) for body in call.json or []]
        names = [(c["name"], c["type"]) for c in stored]
        if len(names) != len(set(names)):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "_errors": [
                        {
                            "code": "APPLICATION_COMMANDS_DUPLICATE_NAME",
                            "message": "Application command names must be unique",
                        }
                    ]
                },
            )
        self.state.commands[scope] = stored
        return 200, stored

    async def post_command(self, call: Call) -> tuple[int, Any]:
        scope = self._scope(call)
        commands = self.state.commands.setdefault(scope, [])
        command = self._store(scope, call.json, commands)
        commands[:] = [c for c in commands if c["id"] != command["id"]] + [command]
        return 201, command

    def _command(self, call: Call) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        commands = self.state.commands.get(self._scope(call), [])
        for command in commands:
            if command["id"] == call.params["command_id"]:
                return commands, command
        raise ApiError(404, 10063, "Unknown application command")

    async def get_command(self, call: Call) -> tuple[int, Any]:
        return 200, self._command(call)[1]

    async def patch_command(self, call: Call) -> tuple[int, Any]:
        _, command = self._command(call)
        command.update(call.json or {})
        return 200, command

    async def delete_command(self, call: Call) -> tuple[int, Any]:
        commands, command = self._command(call)
        commands.remove(command)
        return 204, None

    # -- interaction webhooks -----------------------------------------------

    def _interaction(self, call: Call) -> Interaction:
        inter = self.em.interactions_by_token.get(call.params["webhook_token"])
        if (
            inter is None
            or call.params["webhook_id"] != str(self.state.application_id)
            or inter.response_type is None
        ):
            raise ApiError(404, 10015, "Unknown Webhook")
        return inter

    async def followup(self, call: Call) -> tuple[int, Any]:
        inter = self._interaction(call)
        body = call.json or {}
        _require_content(body, call.files)
        original = inter.original
        if original is not None and original.flags & LOADING and inter.response_type == 5:
            # The first follow-up after a "thinking" defer replaces the loading message.
            original.flags &= ~LOADING
            self.state.apply_edit(original, body, call.files)
            inter.activity.set()
            return 200, original.payload()
        flags = int(body.get("flags") or 0)
        message = self.state.create_message(
            inter.channel,
            self.state.bot,
            body,
            call.files,
            webhook_id=self.state.application_id,
            visible_to=inter.user.id if flags & EPHEMERAL else None,
            message_type=0,
        )
        inter.followups.append(message)
        inter.activity.set()
        self.em.on_message(message)
        return 200, message.payload()

    async def webhook_message(self, call: Call) -> tuple[int, Any]:
        inter = self._interaction(call)
        target = call.params.get("message_id", "@original")
        if call.path.endswith("/@original"):
            message = inter.original
            if (
                message is None
                and inter.source_message is not None
                and inter.response_type in (6, 7)
            ):
                message = inter.source_message  # @original of a component update is its message
        else:
            message = next((m for m in inter.followups if str(m.id) == target), None)
            if message is None and inter.original is not None and str(inter.original.id) == target:
                message = inter.original
        if message is None or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        if call.method == "GET":
            return 200, message.payload()
        if call.method == "DELETE":
            message.deleted = True
            inter.activity.set()
            return 204, None
        body = call.json or {}
        message.flags &= ~LOADING
        self.state.apply_edit(message, body, call.files)
        inter.activity.set()
        return 200, message.payload()

    # -- channels and messages ----------------------------------------------

    def _channel(self, call: Call) -> Channel:
        channel = self.state.channels.get(call.id("channel_id"))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        guild = self.state.guild_of(channel)
        if guild is not None and not guild.bot_present:
            raise ApiError(403, 50001, "Missing Access")
        return channel

    def _message(self, call: Call) -> Message:
        channel = self._channel(call)
        message = self.state.messages.get(call.id("message_id"))
        if (
            message is None
            or message.deleted
            or message.channel_id != channel.id
            or message.visible_to
        ):
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def get_channel(self, call: Call) -> tuple[int, Any]:
        return 200, self._channel(call).payload()

    async def list_messages(self, call: Call) -> tuple[int, Any]:
        channel = self._channel(call)
        limit = int(call.query.get("limit", 50))
        messages = sorted(self.state.channel_messages(channel.id), key=lambda m: -m.id)
        return 200, [m.payload() for m in messages[:limit]]

    async def create_message(self, call: Call) -> tuple[int, Any]:
        channel = self._channel(call)
        body = call.json or {}
        if channel.type == DM and channel.recipient is not None:
            if channel.recipient.dm_delay > 0:  # a slow answer (world.set_dm_delay)
                await asyncio.sleep(channel.recipient.dm_delay)
            if channel.recipient.dms_closed:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        if body.get("nonce") is not None and body.get("enforce_nonce"):
            earlier = self.state.find_nonce(channel.id, body["nonce"])
            if earlier is not None:
                self.em.nonce_hits.append(earlier)
                return 200, earlier.payload()
        _require_content(body, call.files)
        message = self.state.create_message(channel, self.state.bot, body, call.files)
        self.em.on_message(message)
        return 200, message.payload()

    async def get_message(self, call: Call) -> tuple[int, Any]:
        return 200, self._message(call).payload()

    async def edit_message(self, call: Call) -> tuple[int, Any]:
        message = self._message(call)
        if message.author is not self.state.bot:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.state.apply_edit(message, call.json or {}, call.files)
        return 200, message.payload()

    async def delete_message(self, call: Call) -> tuple[int, Any]:
        self._message(call).deleted = True
        return 204, None

    async def create_dm(self, call: Call) -> tuple[int, Any]:
        user = self.state.users.get(int((call.json or {}).get("recipient_id", 0)))
        if user is None or user.bot:
            raise ApiError(400, 50007, "Cannot send messages to this user")
        return 200, self.state.dm_channel(user).payload()

    # -- guilds -------------------------------------------------------------

    def _guild(self, call: Call):
        guild = self.state.guilds.get(call.id("guild_id"))
        if guild is None or not guild.bot_present:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, call: Call) -> tuple[int, Any]:
        return 200, self._guild(call).payload()

    async def guild_channels(self, call: Call) -> tuple[int, Any]:
        return 200, [c.payload() for c in self._guild(call).channels.values()]

    async def guild_roles(self, call: Call) -> tuple[int, Any]:
        return 200, [r.payload() for r in self._guild(call).roles.values()]

    async def guild_member(self, call: Call) -> tuple[int, Any]:
        member = self._guild(call).members.get(call.id("user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return 200, member.payload()

    async def leave_guild(self, call: Call) -> tuple[int, Any]:
        guild = self._guild(call)
        await self.em.remove_bot_from_guild(guild)
        return 204, None

    # -- scheduled events ---------------------------------------------------

    async def list_events(self, call: Call) -> tuple[int, Any]:
        guild = self._guild(call)
        events = self.state.scheduled_events.values()
        return 200, [e for e in events if e["guild_id"] == str(guild.id)]

    async def create_event(self, call: Call) -> tuple[int, Any]:
        guild = self._guild(call)
        body = call.json or {}
        errors = limits.Errors()
        errors.between(("name",), body.get("name", ""), 1, 100)
        errors.max_length(("description",), body.get("description"), 1000)
        start = _parse_time(body.get("scheduled_start_time"))
        if start is None or start <= self.state.now:
            errors.add(
                ("scheduled_start_time",),
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        if body.get("entity_type") == 3:
            end = _parse_time(body.get("scheduled_end_time"))
            if end is None:
                errors.add(("scheduled_end_time",), "BASE_TYPE_REQUIRED", "This field is required")
            elif start is not None and end <= start:
                errors.add(
                    ("scheduled_end_time",),
                    "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                    "End time must be after start time.",
                )
            location = (body.get("entity_metadata") or {}).get("location")
            if not location:
                errors.add(
                    ("entity_metadata", "location"), "BASE_TYPE_REQUIRED", "This field is required"
                )
        form_error(errors)
        eid = self.state.new_id()
        event = {
            "id": str(eid),
            "guild_id": str(guild.id),
            "channel_id": body.get("channel_id"),
            "creator_id": str(self.state.bot.id),
            "creator": self.state.bot.payload(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body.get("entity_type", 3),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
        }
        self.state.scheduled_events[eid] = event
        return 200, event

    def _event(self, call: Call) -> dict[str, Any]:
        guild = self._guild(call)
        event = self.state.scheduled_events.get(call.id("guild_scheduled_event_id"))
        if event is None or event["guild_id"] != str(guild.id):
            raise ApiError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    async def get_event(self, call: Call) -> tuple[int, Any]:
        return 200, self._event(call)

    async def edit_event(self, call: Call) -> tuple[int, Any]:
        event = self._event(call)
        event.update({k: v for k, v in (call.json or {}).items() if k in event})
        return 200, event

    async def delete_event(self, call: Call) -> tuple[int, Any]:
        event = self._event(call)
        del self.state.scheduled_events[int(event["id"])]
        return 204, None


def _require_content(body: dict[str, Any], files: list[Attachment]) -> None:
    if not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or files
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")


def _check_options(options: list[dict[str, Any]], errors: limits.Errors, at: tuple) -> None:
    if len(options) > 25:
        errors.add(at, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, option in enumerate(options):
        name = option.get("name", "")
        if not COMMAND_NAME.match(name) or name != name.lower():
            errors.add(
                (*at, i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        errors.between((*at, i, "description"), option.get("description", ""), 1, 100)
        choices = option.get("choices") or []
        if len(choices) > 25:
            errors.add(
                (*at, i, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if option.get("autocomplete") and choices:
            errors.add(
                (*at, i, "autocomplete"),
                "AUTOCOMPLETE_CHOICES",
                "Autocomplete cannot be set with choices",
            )
        _check_options(option.get("options") or [], errors, (*at, i, "options"))


def _parse_time(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


__all__ = ["ApiError", "Call", "Rest", "iso"]
