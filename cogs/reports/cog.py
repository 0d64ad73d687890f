"""/report: a period's figures for commissioners (organisers; totals only, rule 9).

Parse, guard, one call to the flows (cogs/reports/flows.py), answer with what
ui.py builds: a summary, the private page link (when pages have a public
address) with **Withdraw this link**, and the tidy CSV, zipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.guards import require_organiser
from bot.strings import reports as text
from cogs.reports import flows, ui

if TYPE_CHECKING:
    from bot.client import SpeakBack

ORGANISER = {"audience": "organiser"}


class ReportsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot

    @app_commands.command(name="report", description=text.DESCRIPTION, extras=ORGANISER)
    @app_commands.guild_only()
    @app_commands.describe(period=text.PERIOD_HELP, scope=text.SCOPE_HELP)
    @app_commands.choices(
        scope=[app_commands.Choice(name=name, value=value) for value, name in text.SCOPES.items()]
    )
    async def report(
        self,
        interaction: discord.Interaction[SpeakBack],
        period: app_commands.Range[str, 1, 100],
        scope: app_commands.Choice[str] | None = None,
    ) -> None:
        _actor, settings = await require_organiser(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        made = await flows.make_report(
            ui.services_of(interaction),
            settings.guild_id,
            period,
            scope.value if scope is not None else "server",
            secret=self.bot.config.secret,
            base_url=self.bot.config.web_base_url,
        )
        message, view, file = ui.reply(made)
        if view is None:
            await interaction.followup.send(embed=message, file=file, ephemeral=True)
        else:
            await interaction.followup.send(embed=message, view=view, file=file, ephemeral=True)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(ReportsCog(bot))
