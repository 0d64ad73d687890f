"""/status for moderators, and the bot's presence in servers (for retention)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.guards import require_moderator
from bot.strings import status as text
from cogs.status import flows, ui

if TYPE_CHECKING:
    from bot.client import SpeakBack
    from bot.services import Services

log = logging.getLogger(__name__)


class StatusCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot

    @property
    def services(self) -> Services:
        assert self.bot.services is not None
        return self.bot.services

    @app_commands.command(
        name="status", description=text.STATUS_DESCRIPTION, extras={"audience": "moderator"}
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        guild_id = interaction.guild_id
        report = await flows.get_status_report(self.services, guild_id)
        log.info(
            "status guild=%s backlog=%s deferred=%s undeliverable_dms=%s last_run=%s next_wake=%s problems=%d",
            guild_id,
            report.backlog,
            report.deferred,
            report.undeliverable,
            report.last_run,
            report.next_wake,
            len(report.problems),
        )
        await interaction.response.send_message(embed=ui.status_embed(report), ephemeral=True)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await flows.bot_present(self.services, guild.id, guild.name)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        if not self.bot.is_ready():
            return  # start-up: on_ready marks every server at once
        await flows.bot_present(self.services, guild.id, guild.name)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        here = [(g.id, g.name) for g in self.bot.guilds]
        await flows.all_present(self.services, here)
        # A removal while the bot was offline arrives as no GUILD_CREATE at all.
        await flows.note_removals_while_away(self.services, (guild_id for guild_id, _ in here))

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # discord.py calls this only for a real removal; an outage is on_guild_unavailable.
        await flows.bot_removed(self.services, guild.id)


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(StatusCog(bot))
