"""/support, /help, and the automatic reply to DMs (rule 12)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.client import SpeakBack
from bot.delivery import message_payload
from bot.domain.access import is_moderator, is_organiser
from bot.guards import actor_of
from bot.help import commands_by_audience
from bot.strings import setup as text
from bot.ui import embed
from db.members import is_member
from db.settings import get_settings

log = logging.getLogger(__name__)

DM_REPLY_EVERY_SECONDS = 6 * 60 * 60  # answer a person's DMs at most once in six hours


class SupportCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot

    @app_commands.command(name="support", description="People and services you can talk to")
    async def support(self, interaction: discord.Interaction) -> None:
        body = strings.DEFAULT_SUPPORT
        if interaction.guild_id is not None:
            settings = await get_settings(self.bot.db, interaction.guild_id)
            if settings.support_text:
                body = settings.support_text
            elif is_moderator(actor_of(interaction)):
                body = f"{body}\n\n{strings.SUPPORT_MODERATOR_HINT}"
        await interaction.response.send_message(
            embed=embed(strings.SUPPORT_TITLE, body), ephemeral=True
        )

    @app_commands.command(name="help", description="What Speak Back is for, and what you can do")
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
        titles = {
            "everyone": text.HELP_SECTION_EVERYONE,
            "member": text.HELP_SECTION_MEMBER,
            "organiser": text.HELP_SECTION_ORGANISER,
            "moderator": text.HELP_SECTION_MODERATOR,
        }
        message = embed(text.HELP_TITLE, text.HELP_INTRO)
        for audience in shown:
            if sections[audience]:
                message.add_field(
                    name=titles[audience], value="\n".join(sections[audience])[:1024], inline=False
                )
            if audience == "everyone" and not member:
                message.add_field(
                    name=titles["member"], value=text.HELP_NOT_MEMBER_YET, inline=False
                )
        await interaction.response.send_message(embed=message, ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return
        # One automatic reply per person per six-hour window: the dedupe key makes
        # a second DM in the same window (or a redelivered event) a no-op.
        window = int(self.bot.clock.now().timestamp()) // DM_REPLY_EVERY_SECONDS
        await self.bot.delivery.dm(
            guild_id=None,
            user_id=message.author.id,
            purpose="service",
            payload=message_payload(strings.DM_AUTO_REPLY),
            dedupe_key=f"dm-auto-reply:{message.author.id}:{window}",
            urgent=True,
        )


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(SupportCog(bot))
