"""Linking servers into a champion network: create, ask to join, decide, show, leave.

No server joins without consent on both sides: the joining server's moderator
uses a one-time code from the network, then a moderator of a server already in
the network approves it (the request is posted in each moderators channel).

No Discord here: the cog passes the acting server's name in, and the request's
message (with its Approve / Refuse buttons) comes from a `Render` that `ui.py`
implements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.delivery import message_payload
from bot.domain.errors import Refusal
from bot.domain.networks import new_code
from bot.services import Services
from bot.strings import networks as text
from db import networks as repo
from db.guilds import mark_present
from db.settings import get_settings

Payload = dict[str, Any]


class Render(Protocol):
    def join_request(self, request_id: int, network_name: str, server: str) -> Payload:
        """The request moderators of the network see, with Approve and Refuse."""
        ...


def unknown_server(guild_id: int) -> str:
    return text.UNKNOWN_SERVER.format(guild_id=guild_id)


# -- telling moderators ----------------------------------------------------------------


async def moderator_channels(services: Services, guild_ids: Iterable[int]) -> dict[int, int]:
    """Each server's moderators channel, for those that set one."""
    found = {}
    for guild_id in guild_ids:
        channel_id = (await get_settings(services.db, guild_id)).moderators_channel_id
        if channel_id is not None:
            found[guild_id] = channel_id
    return found


async def post_to_moderators(
    services: Services, guild_ids: Iterable[int], payload: Payload, key: str
) -> int:
    """Post in each server's moderators channel; how many servers it reached."""
    channels = await moderator_channels(services, guild_ids)
    for guild_id, channel_id in channels.items():
        await services.delivery.post(
            guild_id=guild_id,
            channel_id=channel_id,
            payload=payload,
            dedupe_key=f"{key}:{guild_id}",
        )
    return len(channels)


# -- creating and joining ----------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    name: str
    code: str
    moderators_channel_id: int | None


async def create_network(services: Services, guild_id: int, server: str, name: str) -> Created:
    """A new network with this server as its first member, and a first link code."""
    db, now = services.db, services.clock.now()
    existing = await repo.network_of(db, guild_id)
    if existing is not None:
        raise Refusal(text.ALREADY_IN_NETWORK.format(name=existing.name))
    await mark_present(db, guild_id, server, now)
    network_id = await repo.create_network(db, name, guild_id, now)
    code = new_code()
    await repo.add_code(db, network_id, code, now)
    settings = await get_settings(db, guild_id)
    return Created(name, code, settings.moderators_channel_id)


@dataclass(frozen=True)
class Asked:
    network_name: str
    reached: int  # servers of the network whose moderators saw the request
    moderators_channel_id: int | None  # where this server hears back


async def ask_to_join(
    services: Services, guild_id: int, server: str, code: str, render: Render
) -> Asked:
    """Use a link code: the request goes to the moderators of every server in the network."""
    db, now = services.db, services.clock.now()
    existing = await repo.network_of(db, guild_id)
    if existing is not None:
        raise Refusal(text.ALREADY_IN_NETWORK.format(name=existing.name))
    network_id = await repo.use_code(db, code, now)
    network = await repo.get_network(db, network_id) if network_id is not None else None
    if network is None:
        raise Refusal(text.CODE_NOT_VALID)
    await mark_present(db, guild_id, server, now)
    request_id = await repo.open_request(db, network.id, guild_id, server, now)
    payload = render.join_request(request_id, network.name, server)
    reached = await post_to_moderators(
        services, network.guild_ids, payload, f"net:req:{request_id}"
    )
    settings = await get_settings(db, guild_id)
    return Asked(network.name, reached, settings.moderators_channel_id)


# -- deciding a request ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    network: repo.Network
    request: repo.JoinRequest


async def decide_request(
    services: Services, request_id: int, approve: bool, guild_id: int
) -> Decided | None:
    """Approve or refuse; None if the request is not one for this server's network."""
    db = services.db
    request = await repo.get_request(db, request_id)
    network = await repo.get_network(db, request.network_id) if request else None
    if request is None or network is None or guild_id not in network.guild_ids:
        return None
    decided = await repo.decide(db, request_id, approve, guild_id, services.clock.now())
    if decided is None:
        raise Refusal(text.ALREADY_DECIDED)
    return Decided(network, decided)


async def tell_outcome(services: Services, network_id: int, request: repo.JoinRequest) -> None:
    """Tell the network's other servers, and the server that asked, what was decided."""
    network = await repo.get_network(services.db, network_id)
    if network is None:
        return
    server = request.guild_name or unknown_server(request.guild_id)
    others = [g for g in network.guild_ids if g != request.guild_id]
    if request.state == "approved":
        names = await repo.guild_names(services.db, network.guild_ids)
        listed = ", ".join(names.get(g, unknown_server(g)) for g in network.guild_ids)
        to_others = text.TOLD_APPROVED.format(server=server, name=network.name)
        to_them = text.TOLD_YOU_APPROVED.format(name=network.name, servers=listed)
    else:
        to_others = text.TOLD_REFUSED.format(server=server, name=network.name)
        to_them = text.TOLD_YOU_REFUSED.format(name=network.name)
    key = f"net:req:{request.id}:{request.state}"
    await post_to_moderators(services, others, message_payload(to_others), key)
    await post_to_moderators(services, [request.guild_id], message_payload(to_them), f"{key}:asker")


# -- showing, codes and leaving ----------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSummary:
    network: repo.Network
    servers: list[str]  # names, in the network's order
    pending: list[str]  # servers waiting for approval


async def get_network_summary(services: Services, guild_id: int) -> NetworkSummary | None:
    db = services.db
    network = await repo.network_of(db, guild_id)
    if network is None:
        return None
    names = await repo.guild_names(db, network.guild_ids)
    servers = [names.get(g, unknown_server(g)) for g in network.guild_ids]
    pending = [str(r.guild_name or r.guild_id) for r in await repo.pending_requests(db, network.id)]
    return NetworkSummary(network, servers, pending)


async def make_code(services: Services, guild_id: int, network_id: int) -> tuple[str, str] | None:
    """A new one-time link code: (network name, code), or None if not this server's network."""
    network = await repo.network_of(services.db, guild_id)
    if network is None or network.id != network_id:
        return None
    code = new_code()
    await repo.add_code(services.db, network.id, code, services.clock.now())
    return network.name, code


async def network_to_leave(services: Services, guild_id: int) -> repo.Network:
    """The network this server would leave (a Refusal if it is in none)."""
    network = await repo.network_of(services.db, guild_id)
    if network is None:
        raise Refusal(text.NOT_IN_NETWORK)
    return network


async def leave_network(
    services: Services, guild_id: int, server: str, network_id: int | None = None
) -> str:
    """Unlink this server at once and tell the others; the network's name.

    With `network_id` (a confirmation pressed later), only if this server is still in
    that network: a press on an old confirmation never leaves a network joined since.
    """
    if network_id is not None:
        current = await repo.network_of(services.db, guild_id)
        if current is None or current.id != network_id:
            raise Refusal(text.LEAVE_OUT_OF_DATE)
    network = await repo.leave_network(services.db, guild_id)
    if network is None:
        raise Refusal(text.NOT_IN_NETWORK)
    others = [g for g in network.guild_ids if g != guild_id]
    notice = message_payload(text.TOLD_LEFT.format(server=server, name=network.name))
    stamp = int(services.clock.now().timestamp())
    await post_to_moderators(services, others, notice, f"net:{network.id}:left:{guild_id}:{stamp}")
    return network.name
