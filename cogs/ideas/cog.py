"""/idea new|respond and /ideas: members raise what matters; organisers answer (rule 17).

Each command: parse, guard, one call to the flows (cogs/ideas/flows.py), answer with
what ui.py builds. The cog registers the buttons and the reminder and refresh jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.ideas import ANSWERS
from bot.guards import actor_guild_id, require_member, require_organiser
from bot.strings import ideas as text
from cogs.ideas import flows, ui
from db import ideas as repo
from db.jobs import Job
from db.settings import get_settings

if TYPE_CHECKING:
    from bot.client import SpeakBack

MEMBER = {"audience": "member"}
ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}


@app_commands.guild_only()
class IdeaGroup(app_commands.Group, name="idea", description=text.GROUP_DESCRIPTION):
    def __init__(self) -> None:
        super().__init__(extras=MEMBER)

    @app_commands.command(name="new", description=text.NEW_DESCRIPTION, extras=MEMBER)
    @app_commands.describe(network=text.NETWORK_HELP)
    async def new(self, interaction: discord.Interaction[SpeakBack], network: bool = False) -> None:
        member = await require_member(interaction)
        services = ui.services_of(interaction)
        settings = await get_settings(services.db, member.guild_id)
        await flows.check_can_raise(services, settings, member.user_id, network=network)
        await interaction.response.send_modal(
            ui.IdeaModal(member.profile.preferred_name, network=network)
        )

    @app_commands.command(name="respond", description=text.RESPOND_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(idea=text.IDEA_HELP, answer=text.ANSWER_HELP)
    @app_commands.choices(
        answer=[app_commands.Choice(name=text.ANSWER_LABELS[a], value=a) for a in ANSWERS]
    )
    @app_commands.autocomplete(idea=ui.open_ideas)
    async def respond(
        self,
        interaction: discord.Interaction[SpeakBack],
        idea: int,
        answer: app_commands.Choice[str],
    ) -> None:
        await require_organiser(interaction)
        services = ui.services_of(interaction)
        found = await repo.get(services.db, idea)
        if found is None or found.guild_id != actor_guild_id(interaction):
            await interaction.response.send_message(text.UNKNOWN_IDEA, ephemeral=True)
            return
        if not found.is_open:
            await interaction.response.send_message(text.NOT_ANSWERABLE, ephemeral=True)
            return
        await interaction.response.send_modal(ui.RespondModal(idea, answer.value))


class IdeasCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(IdeaGroup())
        if bot.services is not None:
            bot.services.dispatcher.register(flows.REMINDER_JOB, self._reminder_job)
            bot.services.dispatcher.register(flows.REFRESH_JOB, self._refresh_job)
            bot.services.retention.add_sweeper(repo.sweep)
            bot.services.on_leaving(self._names_leave_posts)

    @app_commands.command(name="ideas", description=text.LIST_DESCRIPTION, extras=EVERYONE)
    @app_commands.guild_only()
    @app_commands.describe(order=text.ORDER_HELP)
    @app_commands.choices(
        order=[app_commands.Choice(name=n, value=v) for v, n in text.ORDERS.items()]
    )
    async def ideas(
        self,
        interaction: discord.Interaction[SpeakBack],
        order: app_commands.Choice[str] | None = None,
    ) -> None:
        guild_id = actor_guild_id(interaction)
        listing = await flows.list_ideas(
            ui.services_of(interaction),
            guild_id,
            interaction.user.id,
            most_supported=order is not None and order.value == "supported",
        )
        if not listing.own and not listing.open:
            await interaction.response.send_message(text.LIST_EMPTY, ephemeral=True)
            return
        shown, view = ui.list_message(listing)
        await interaction.response.send_message(embed=shown, view=view, ephemeral=True)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        self.bot.tree.remove_command("idea")

    async def _reminder_job(self, job: Job, now: datetime) -> None:
        assert self.bot.services is not None
        await flows.reminder_job(self.bot.services, ui.RENDER, job)

    async def _refresh_job(self, job: Job, now: datetime) -> None:
        assert self.bot.services is not None
        await flows.refresh_job(self.bot.services, ui.RENDER, job)

    async def _names_leave_posts(self, guild_id: int, user_id: int) -> None:
        assert self.bot.services is not None
        await flows.names_leave_posts(self.bot.services, ui.RENDER, guild_id)


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(IdeasCog(bot))
