"""The network screens and buttons: a join request's Approve / Refuse, and Make a link code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.delivery import message_payload
from bot.errors import NotAllowed
from bot.guards import require_moderator
from bot.strings import networks as text
from bot.ui import DynamicView, SafeButton, embed, shown
from cogs.networks import flows

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services
    from db.networks import Network


def services_of(interaction: discord.Interaction[SpeakBack]) -> Services:
    services = interaction.client.services
    assert services is not None
    return services


def server_name(interaction: discord.Interaction) -> str:
    """The acting server's name, as the interaction shows it."""
    if interaction.guild:
        return interaction.guild.name
    return text.UNKNOWN_SERVER.format(guild_id=interaction.guild_id)


def moderators_mention(channel_id: int | None, fallback: str) -> str:
    return f"<#{channel_id}>" if channel_id else fallback


class Messages:
    """What `flows` posts, rendered for Discord (`flows.Render`)."""

    def join_request(self, request_id: int, network_name: str, server: str) -> flows.Payload:
        view = DynamicView()
        view.add_item(DecideButton(request_id, "approve"))
        view.add_item(DecideButton(request_id, "refuse"))
        body = text.REQUEST_BODY.format(server=server, name=network_name)
        return message_payload(
            embeds=[embed(text.REQUEST_TITLE.format(name=network_name), body)], view=view
        )


def summary_message(summary: flows.NetworkSummary) -> tuple[discord.Embed, discord.ui.View]:
    servers = "\n".join(f"- {name}" for name in summary.servers)
    waiting = "\n".join(f"- {name}" for name in summary.pending) or text.SHOW_NONE_PENDING
    message = embed(text.SHOW_TITLE.format(name=summary.network.name))
    message.add_field(name=text.SHOW_SERVERS, value=servers[:1024], inline=False)
    message.add_field(name=text.SHOW_PENDING, value=waiting[:1024], inline=False)
    view = DynamicView()
    view.add_item(MakeCodeButton(summary.network.id))
    return message, view


class DecideButton(
    SafeButton, template=r"net:req:(?P<request_id>[0-9]+):(?P<decision>approve|refuse)"
):
    def __init__(self, request_id: int, decision: str) -> None:
        approve = decision == "approve"
        super().__init__(
            f"net:req:{request_id}:{decision}",
            label=text.APPROVE if approve else text.REFUSE,
            style=discord.ButtonStyle.success if approve else discord.ButtonStyle.secondary,
        )
        self.request_id = request_id
        self.decision = decision

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["request_id"]), match["decision"])

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        services = services_of(interaction)
        decided = await flows.decide_request(
            services, self.request_id, self.decision == "approve", interaction.guild_id
        )
        if decided is None:
            raise NotAllowed(text.NOT_A_NETWORK_MODERATOR)
        word = text.APPROVED_WORD if decided.request.state == "approved" else text.REFUSED_WORD
        done = embed(
            text.REQUEST_TITLE.format(name=decided.network.name),
            text.DECIDED.format(decision=word, server=server_name(interaction)),
        )
        await interaction.response.edit_message(embed=done, view=None)
        # Told after the answer, so the moderator who decided sees it first.
        await flows.tell_outcome(services, decided.network.id, decided.request)


class MakeCodeButton(SafeButton, template=r"net:(?P<network_id>[0-9]+):code"):
    def __init__(self, network_id: int) -> None:
        super().__init__(
            f"net:{network_id}:code", label=text.MAKE_CODE, style=discord.ButtonStyle.secondary
        )
        self.network_id = network_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["network_id"]))

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        made = await flows.make_code(
            services_of(interaction), interaction.guild_id, self.network_id
        )
        if made is None:
            raise NotAllowed(text.NOT_A_NETWORK_MODERATOR)
        name, code = made
        await interaction.response.send_message(
            text.NEW_CODE.format(name=name, code=code), ephemeral=True
        )


def leave_confirmation(network: Network) -> tuple[discord.Embed, discord.ui.View]:
    """What stops if this server leaves, with Leave / Stay (nothing happens until pressed)."""
    name = shown(network.name, 100)
    message = embed(
        text.LEAVE_CONFIRM_TITLE.format(name=name), text.LEAVE_CONFIRM.format(name=name)
    )
    view = DynamicView()
    view.add_item(LeaveNetworkButton(network.id))
    view.add_item(StayInNetworkButton())
    return message, view


class LeaveNetworkButton(SafeButton, template=r"net:(?P<network_id>[0-9]+):leave"):
    def __init__(self, network_id: int) -> None:
        super().__init__(
            f"net:{network_id}:leave", label=text.LEAVE_NETWORK, style=discord.ButtonStyle.danger
        )
        self.network_id = network_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls(int(match["network_id"]))

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)  # re-checked at the press
        name = await flows.leave_network(
            services_of(interaction),
            interaction.guild_id,
            server_name(interaction),
            network_id=self.network_id,
        )
        await interaction.response.edit_message(
            content=text.LEFT.format(name=name), embed=None, view=None
        )


class StayInNetworkButton(SafeButton, template=r"net:stay"):
    def __init__(self) -> None:
        super().__init__("net:stay", label=text.STAY_IN_NETWORK)

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[override]
        return cls()

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await interaction.response.edit_message(
            content=text.STAYING_IN_NETWORK, embed=None, view=None
        )


DYNAMIC_ITEMS = (DecideButton, MakeCodeButton, LeaveNetworkButton, StayInNetworkButton)
