"""/network: moderators link servers into one champion network (DESIGN.md, "Networks").

Each command parses, guards (moderators only, re-checked here), makes one call
to `flows` and answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.networks import validate_network_name
from bot.guards import require_moderator
from bot.strings import networks as text
from cogs.networks import flows, ui

if TYPE_CHECKING:
    from bot.client import SpeakBack

MODERATOR = {"audience": "moderator"}


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class NetworkGroup(app_commands.Group, name="network", description=text.GROUP_DESCRIPTION):
    def __init__(self) -> None:
        super().__init__(extras=MODERATOR)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        require_moderator(interaction)
        return True

    @app_commands.command(name="create", description=text.CREATE_DESCRIPTION)
    @app_commands.describe(name=text.CREATE_NAME_OPTION)
    async def create(self, interaction: discord.Interaction[SpeakBack], name: str) -> None:
        name = validate_network_name(name)
        created = await flows.create_network(
            ui.services_of(interaction), interaction.guild_id, ui.server_name(interaction), name
        )
        moderators = ui.moderators_mention(
            created.moderators_channel_id, text.CREATED_NO_MOD_CHANNEL
        )
        await interaction.response.send_message(
            text.CREATED.format(name=created.name, code=created.code, moderators=moderators),
            ephemeral=True,
        )

    @app_commands.command(name="join", description=text.JOIN_DESCRIPTION)
    @app_commands.describe(code=text.JOIN_CODE_OPTION)
    async def join(self, interaction: discord.Interaction[SpeakBack], code: str) -> None:
        asked = await flows.ask_to_join(
            ui.services_of(interaction),
            interaction.guild_id,
            ui.server_name(interaction),
            code,
            ui.Messages(),
        )
        if asked.reached:
            moderators = ui.moderators_mention(asked.moderators_channel_id, text.HEAR_BACK_IN_SHOW)
            message = text.JOIN_ASKED.format(name=asked.network_name, moderators=moderators)
        else:
            message = text.JOIN_NOBODY_TO_ASK.format(name=asked.network_name)
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="show", description=text.SHOW_DESCRIPTION)
    async def show(self, interaction: discord.Interaction[SpeakBack]) -> None:
        summary = await flows.get_network_summary(ui.services_of(interaction), interaction.guild_id)
        if summary is None:
            await interaction.response.send_message(text.NOT_IN_NETWORK, ephemeral=True)
            return
        message, view = ui.summary_message(summary)
        await interaction.response.send_message(embed=message, view=view, ephemeral=True)

    @app_commands.command(name="leave", description=text.LEAVE_DESCRIPTION)
    async def leave(self, interaction: discord.Interaction[SpeakBack]) -> None:
        network = await flows.network_to_leave(ui.services_of(interaction), interaction.guild_id)
        message, view = ui.leave_confirmation(network)
        await interaction.response.send_message(embed=message, view=view, ephemeral=True)


class NetworksCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(NetworkGroup())

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        self.bot.tree.remove_command("network")


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(NetworksCog(bot))
