"""/support, /help, and the automatic reply to DMs (rule 12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.delivery import message_payload
from bot.domain.access import is_moderator, is_organiser
from bot.guards import actor_of
from bot.help import commands_by_audience
from bot.strings import support as text
from cogs.support import flows, ui
from db.members import is_member
from db.settings import get_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack


class SupportCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot

    @app_commands.command(name="support", description=text.SUPPORT_DESCRIPTION)
    async def support(self, interaction: discord.Interaction) -> None:
        support_text, moderator = None, False
        if interaction.guild_id is not None:
            settings = await get_settings(self.bot.db, interaction.guild_id)
            support_text = settings.support_text
            moderator = not support_text and is_moderator(actor_of(interaction))
        await interaction.response.send_message(
            embed=ui.support_embed(support_text, moderator=moderator), ephemeral=True
        )

    @app_commands.command(name="help", description=text.HELP_DESCRIPTION)
    async def help(self, interaction: discord.Interaction) -> None:
        sections = commands_by_audience(self.bot.tree.get_commands())
        shown = ["everyone"]
        member = False
        if interaction.guild_id is not None and isinstance(interaction.user, discord.Member):
            settings = await get_settings(self.bot.db, interaction.guild_id)
            actor = actor_of(interaction)
            member = await is_member(self.bot.db, interaction.guild_id, actor.user_id)
            if member:
                shown.append("member")
            if is_organiser(actor, settings):
                shown.append("organiser")
            if is_moderator(actor):
                shown.append("moderator")
        await interaction.response.send_message(
            embed=ui.help_embed(sections, shown, member=member, in_dm=interaction.guild_id is None),
            ephemeral=True,
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return
        # One automatic reply per person per six hours (a redelivered event too).
        await flows.auto_reply(
            self.bot.services,
            message.author.id,
            message_payload(strings.DM_AUTO_REPLY),
            secret=self.bot.config.secret,
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(SupportCog(bot))
