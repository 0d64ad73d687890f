"""/me record (issue 24): a member's own record of what they took part in, and a
certificate of it. Only ever the record of whoever asks (rule 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import me_group
from bot.guards import require_member
from bot.strings import records as text
from cogs.records import flows, ui

if TYPE_CHECKING:
    from bot.client import SpeakBack

MEMBER = {"audience": "member"}


class RecordsCog(commands.Cog):
    def __init__(self, bot: SpeakBack) -> None:
        self.bot = bot
        self._me = app_commands.Command(
            name="record",
            description=text.RECORD_DESCRIPTION,
            callback=RecordsCog.me_record,
            extras=MEMBER,
        )
        self._me.binding = self
        me_group(bot).add_command(self._me)

    async def me_record(self, interaction: discord.Interaction[SpeakBack]) -> None:
        # Seeing their own data is always allowed, even before agreeing to a new notice.
        member = await require_member(interaction, allow_outdated_notice=True)
        record = await flows.my_record(ui.services_of(interaction), member.guild_id, member.user_id)
        shown, view = ui.record_message(record)
        if view is None:
            await interaction.response.send_message(embed=shown, ephemeral=True)
        else:
            await interaction.response.send_message(embed=shown, view=view, ephemeral=True)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        me_group(self.bot).remove_command("record")


async def setup(bot: SpeakBack) -> None:
    await bot.add_cog(RecordsCog(bot))
