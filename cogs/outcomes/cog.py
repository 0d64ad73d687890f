"""/outcome update|correct|export and /decisions: "you said, we did", followed through.

Each command: parse, guard, one call to the flows (cogs/outcomes/flows.py), answer with
what ui.py builds. The cog registers the review job, the buttons and the form other
features open (`/poll outcome` opens the same form through bot/forms.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import forms
from bot.domain import outcomes as rules
from bot.guards import actor_guild_id, require_organiser
from bot.strings import outcomes as text
from cogs.outcomes import flows, ui
from db.jobs import Job

if TYPE_CHECKING:
    from bot.client import SpeakBack

ORGANISER = {"audience": "organiser"}
EVERYONE = {"audience": "everyone"}
STATUS_CHOICES = [app_commands.Choice(name=rules.label(s), value=s) for s in rules.STATUSES]


@app_commands.guild_only()
class OutcomeGroup(app_commands.Group, name="outcome", description=text.GROUP_DESCRIPTION):
    def __init__(self) -> None:
        super().__init__(extras=ORGANISER)

    @app_commands.command(name="update", description=text.UPDATE_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(item=text.ITEM_HELP, status=text.STATUS_HELP)
    @app_commands.choices(
        status=[*STATUS_CHOICES, app_commands.Choice(name="Reopen", value=rules.REOPEN)]
    )
    @app_commands.autocomplete(item=ui.item_autocomplete)
    async def update(
        self,
        interaction: discord.Interaction[SpeakBack],
        item: str,
        status: app_commands.Choice[str] | None = None,
    ) -> None:
        said = "" if status is None else (status.name if status.value != rules.REOPEN else "reopen")
        await ui.open_outcome_form(interaction, {"item": item, "status": said})

    @app_commands.command(name="correct", description=text.CORRECT_DESCRIPTION, extras=ORGANISER)
    @app_commands.describe(item=text.ITEM_HELP)
    @app_commands.autocomplete(item=ui.item_autocomplete)
    async def correct(self, interaction: discord.Interaction[SpeakBack], item: str) -> None:
        await require_organiser(interaction)
        await interaction.response.send_modal(await ui.CorrectModal.build(interaction, item))

    @app_commands.command(name="export", description=text.EXPORT_DESCRIPTION, extras=ORGANISER)
    async def export(self, interaction: discord.Interaction[SpeakBack]) -> None:
        await require_organiser(interaction)
        data, zone = await flows.export(ui.services_of(interaction), actor_guild_id(interaction))
        await interaction.response.send_message(
            text.EXPORTED.format(zone=zone), file=ui.export_file(data), ephemeral=True
        )


class OutcomesCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        bot.tree.add_command(OutcomeGroup())
        if bot.services is not None:
            bot.services.dispatcher.register(flows.REVIEW_JOB, self._review_job)

    @app_commands.command(name="decisions", description=text.DECISIONS_DESCRIPTION, extras=EVERYONE)
    @app_commands.guild_only()
    @app_commands.describe(status=text.DECISIONS_STATUS_HELP)
    @app_commands.choices(status=STATUS_CHOICES)
    async def decisions(
        self,
        interaction: discord.Interaction[SpeakBack],
        status: app_commands.Choice[str] | None = None,
    ) -> None:
        found = await flows.register(
            ui.services_of(interaction),
            actor_guild_id(interaction),
            None if status is None else status.value,
            0,
        )
        shown, view = ui.register_message(found)
        await interaction.response.send_message(embed=shown, view=view, ephemeral=True)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
        forms.register(ui.FORM_KEY, ui.open_outcome_form)
        if self.bot.services is not None:
            await flows.rearm_reviews(self.bot.services)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        forms.unregister(ui.FORM_KEY)
        self.bot.tree.remove_command("outcome")

    @commands.Cog.listener()
    async def on_setup_channels_changed(self, guild_id: int) -> None:
        """A channel for organisers now: reminders that had nowhere to go come now."""
        if self.bot.services is not None:
            await flows.rearm_reviews(self.bot.services)

    async def _review_job(self, job: Job, now: datetime) -> None:
        assert self.bot.services is not None
        await flows.review_job(self.bot.services, ui.RENDER, job)


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(OutcomesCog(bot))
