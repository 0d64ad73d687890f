"""/status for moderators, and the bot's presence in servers (for retention)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import SpeakBack
from bot.domain.timefmt import discord_timestamp
from bot.guards import require_moderator
from bot.strings import status as text
from bot.ui import embed
from db import guilds, jobs, outbox

log = logging.getLogger(__name__)


class StatusCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot

    @app_commands.command(
        name="status",
        description="Moderators: is Speak Back delivering and on time?",
        extras={"audience": "moderator"},
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction)
        db, now = self.bot.db, self.bot.clock.now()
        guild_id = interaction.guild_id
        backlog = await outbox.pending_count(db, now=now, guild_id=guild_id)
        everything = await outbox.pending_count(db, guild_id=guild_id)
        job_counts = await jobs.counts(db, guild_id)
        dispatcher = self.bot.dispatcher
        body = text.STATUS_BODY.format(
            backlog=backlog,
            deferred=everything - backlog,
            undeliverable=await outbox.dm_blocked_count(db, guild_id),
            last_run=discord_timestamp(dispatcher.last_run, "R")
            if dispatcher.last_run
            else text.NEVER,
            next_wake=discord_timestamp(dispatcher.next_wake, "f")
            if dispatcher.next_wake
            else text.NOTHING_SCHEDULED,
            pending_jobs=job_counts.get("pending", 0),
            missed_jobs=job_counts.get("missed", 0),
        )
        problems = await jobs.recent_problems(db, guild_id=guild_id)
        lines = [
            text.PROBLEM_LINE.format(
                kind=p["kind"],
                state=p["state"],
                attempts=p["attempts"],
                error=(p["last_error"] or "")[:150],
            )
            for p in problems
        ]
        message = embed(text.STATUS_TITLE, body)
        message.add_field(
            name=text.PROBLEMS_TITLE, value="\n".join(lines) or text.NO_PROBLEMS, inline=False
        )
        log.info(
            "status guild=%s backlog=%s deferred=%s undeliverable_dms=%s last_run=%s next_wake=%s problems=%d",
            guild_id,
            backlog,
            everything - backlog,
            await outbox.dm_blocked_count(db, guild_id),
            dispatcher.last_run,
            dispatcher.next_wake,
            len(problems),
        )
        await interaction.response.send_message(embed=message, ephemeral=True)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.bot.retention.bot_present(guild.id, guild.name, self.bot.clock.now())

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.bot.retention.bot_present(guild.id, guild.name, self.bot.clock.now())

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # A removal while the bot was offline arrives as no GUILD_CREATE at all.
        now = self.bot.clock.now()
        here = {guild.id for guild in self.bot.guilds}
        for guild_id in await guilds.present_guilds(self.bot.db):
            if guild_id not in here:
                await self.bot.retention.bot_removed(guild_id, now)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # discord.py calls this only for a real removal; an outage is on_guild_unavailable.
        await self.bot.retention.bot_removed(guild.id, self.bot.clock.now())


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(StatusCog(bot))
