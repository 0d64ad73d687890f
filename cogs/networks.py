"""/network: moderators link servers into one champion network (DESIGN.md, "Networks").

No server joins without consent on both sides: the joining server's moderator
uses a one-time code from the network, then a moderator of a server already in
the network approves it with a button in their moderators channel.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.domain.errors import Refusal
from bot.domain.networks import new_code, validate_network_name
from bot.errors import NotAllowed
from bot.guards import require_moderator
from bot.strings import networks as text
from bot.ui import DynamicView, SafeItem, embed
from db import networks as repo
from db.guilds import mark_present
from db.settings import get_settings

log = logging.getLogger(__name__)
MODERATOR = {"audience": "moderator"}


def _name(interaction: discord.Interaction) -> str:
    return interaction.guild.name if interaction.guild else f"server {interaction.guild_id}"


class DecideButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"net:req:(?P<request_id>[0-9]+):(?P<decision>approve|refuse)",
):
    def __init__(self, request_id: int, decision: str) -> None:
        label = text.APPROVE if decision == "approve" else text.REFUSE
        style = (
            discord.ButtonStyle.success if decision == "approve" else discord.ButtonStyle.secondary
        )
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"net:req:{request_id}:{decision}"
            )
        )
        self.request_id = request_id
        self.decision = decision

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["request_id"]), match["decision"])

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        bot = interaction.client
        request = await repo.get_request(bot.db, self.request_id)
        network = await repo.get_network(bot.db, request.network_id) if request else None
        if request is None or network is None or interaction.guild_id not in network.guild_ids:
            raise NotAllowed(text.NOT_A_NETWORK_MODERATOR)
        decided = await repo.decide(
            bot.db,
            self.request_id,
            self.decision == "approve",
            interaction.guild_id,
            bot.clock.now(),
        )
        if decided is None:
            raise Refusal(text.ALREADY_DECIDED)
        word = text.APPROVED_WORD if decided.state == "approved" else text.REFUSED_WORD
        done = embed(
            text.REQUEST_TITLE.format(name=network.name),
            text.DECIDED.format(decision=word, server=_name(interaction)),
        )
        await interaction.response.edit_message(embed=done, view=None)
        await _tell_outcome(bot, network.id, decided)


async def _moderator_channels(
    bot: SpeakBack, guild_ids: tuple[int, ...] | list[int]
) -> dict[int, int]:
    found = {}
    for guild_id in guild_ids:
        channel_id = (await get_settings(bot.db, guild_id)).moderators_channel_id
        if channel_id is not None:
            found[guild_id] = channel_id
    return found


async def _post_to_moderators(
    bot: SpeakBack, guild_ids: tuple[int, ...] | list[int], payload: dict, key: str
) -> int:
    channels = await _moderator_channels(bot, guild_ids)
    for guild_id, channel_id in channels.items():
        await bot.delivery.post(
            guild_id=guild_id,
            channel_id=channel_id,
            payload=payload,
            dedupe_key=f"{key}:{guild_id}",
        )
    return len(channels)


async def _tell_outcome(bot: SpeakBack, network_id: int, request: repo.JoinRequest) -> None:
    network = await repo.get_network(bot.db, network_id)
    if network is None:
        return
    server = request.guild_name or f"server {request.guild_id}"
    others = [g for g in network.guild_ids if g != request.guild_id]
    if request.state == "approved":
        names = await repo.guild_names(bot.db, network.guild_ids)
        listed = ", ".join(names.get(g, f"server {g}") for g in network.guild_ids)
        to_others = text.TOLD_APPROVED.format(server=server, name=network.name)
        to_them = text.TOLD_YOU_APPROVED.format(name=network.name, servers=listed)
    else:
        to_others = text.TOLD_REFUSED.format(server=server, name=network.name)
        to_them = text.TOLD_YOU_REFUSED.format(name=network.name)
    key = f"net:req:{request.id}:{request.state}"
    await _post_to_moderators(bot, others, message_payload(to_others), key)
    await _post_to_moderators(bot, [request.guild_id], message_payload(to_them), f"{key}:asker")


class MakeCodeButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"net:(?P<network_id>[0-9]+):code",
):
    def __init__(self, network_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=text.MAKE_CODE,
                style=discord.ButtonStyle.secondary,
                custom_id=f"net:{network_id}:code",
            )
        )
        self.network_id = network_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["network_id"]))

    async def on_press(self, interaction: discord.Interaction[SpeakBack]) -> None:
        require_moderator(interaction)
        bot = interaction.client
        network = await repo.network_of(bot.db, interaction.guild_id)
        if network is None or network.id != self.network_id:
            raise NotAllowed(text.NOT_A_NETWORK_MODERATOR)
        code = new_code()
        await repo.add_code(bot.db, network.id, code, bot.clock.now())
        await interaction.response.send_message(
            text.NEW_CODE.format(name=network.name, code=code), ephemeral=True
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class NetworkGroup(app_commands.Group, name="network", description=text.GROUP_DESCRIPTION):
    def __init__(self, bot: SpeakBack) -> None:
        super().__init__(extras=MODERATOR)
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_moderator(interaction)
        return True

    @app_commands.command(
        name="create", description="Start a network with this server as its first member"
    )
    @app_commands.describe(name="A name people will recognise, e.g. 'Yorkshire champions'")
    async def create(self, interaction: discord.Interaction, name: str) -> None:
        name = validate_network_name(name)
        db, now = self.bot.db, self.bot.clock.now()
        existing = await repo.network_of(db, interaction.guild_id)
        if existing is not None:
            raise Refusal(text.ALREADY_IN_NETWORK.format(name=existing.name))
        await mark_present(db, interaction.guild_id, _name(interaction), now)
        network_id = await repo.create_network(db, name, interaction.guild_id, now)
        code = new_code()
        await repo.add_code(db, network_id, code, now)
        settings = await get_settings(db, interaction.guild_id)
        moderators = (
            f"<#{settings.moderators_channel_id}>"
            if settings.moderators_channel_id
            else text.CREATED_NO_MOD_CHANNEL
        )
        await interaction.response.send_message(
            text.CREATED.format(name=name, code=code, moderators=moderators), ephemeral=True
        )

    @app_commands.command(name="join", description="Ask to join a network with a link code from it")
    @app_commands.describe(code="The one-time code a moderator of the network gave you")
    async def join(self, interaction: discord.Interaction, code: str) -> None:
        db, now = self.bot.db, self.bot.clock.now()
        existing = await repo.network_of(db, interaction.guild_id)
        if existing is not None:
            raise Refusal(text.ALREADY_IN_NETWORK.format(name=existing.name))
        network_id = await repo.use_code(db, code, now)
        network = await repo.get_network(db, network_id) if network_id is not None else None
        if network is None:
            raise Refusal(text.CODE_NOT_VALID)
        await mark_present(db, interaction.guild_id, _name(interaction), now)
        request_id = await repo.open_request(
            db, network.id, interaction.guild_id, _name(interaction), now
        )
        view = DynamicView()
        view.add_item(DecideButton(request_id, "approve"))
        view.add_item(DecideButton(request_id, "refuse"))
        payload = message_payload(
            embeds=[
                embed(
                    text.REQUEST_TITLE.format(name=network.name),
                    text.REQUEST_BODY.format(server=_name(interaction), name=network.name),
                )
            ],
            view=view,
        )
        reached = await _post_to_moderators(
            self.bot, network.guild_ids, payload, f"net:req:{request_id}"
        )
        settings = await get_settings(db, interaction.guild_id)
        moderators = (
            f"<#{settings.moderators_channel_id}>"
            if settings.moderators_channel_id
            else "`/network show`"
        )
        message = (
            text.JOIN_ASKED.format(name=network.name, moderators=moderators)
            if reached
            else text.JOIN_NOBODY_TO_ASK.format(name=network.name)
        )
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="show", description="See this server's network and who is in it")
    async def show(self, interaction: discord.Interaction) -> None:
        db = self.bot.db
        network = await repo.network_of(db, interaction.guild_id)
        if network is None:
            await interaction.response.send_message(text.NOT_IN_NETWORK, ephemeral=True)
            return
        names = await repo.guild_names(db, network.guild_ids)
        servers = "\n".join(f"- {names.get(g, f'server {g}')}" for g in network.guild_ids)
        pending = await repo.pending_requests(db, network.id)
        waiting = (
            "\n".join(f"- {r.guild_name or r.guild_id}" for r in pending) or text.SHOW_NONE_PENDING
        )
        message = embed(text.SHOW_TITLE.format(name=network.name))
        message.add_field(name=text.SHOW_SERVERS, value=servers[:1024], inline=False)
        message.add_field(name=text.SHOW_PENDING, value=waiting[:1024], inline=False)
        view = DynamicView()
        view.add_item(MakeCodeButton(network.id))
        await interaction.response.send_message(embed=message, view=view, ephemeral=True)

    @app_commands.command(name="leave", description="Unlink this server from its network, at once")
    async def leave(self, interaction: discord.Interaction) -> None:
        network = await repo.leave_network(self.bot.db, interaction.guild_id)
        if network is None:
            raise Refusal(text.NOT_IN_NETWORK)
        others = [g for g in network.guild_ids if g != interaction.guild_id]
        notice = message_payload(
            text.TOLD_LEFT.format(server=_name(interaction), name=network.name)
        )
        stamp = int(self.bot.clock.now().timestamp())
        await _post_to_moderators(
            self.bot, others, notice, f"net:{network.id}:left:{interaction.guild_id}:{stamp}"
        )
        await interaction.response.send_message(text.LEFT.format(name=network.name), ephemeral=True)


class NetworksCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(NetworkGroup(bot))

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DecideButton, MakeCodeButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DecideButton, MakeCodeButton)
        self.bot.tree.remove_command("network")


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(NetworksCog(bot))
