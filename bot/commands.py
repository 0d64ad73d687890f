"""Command groups shared by several features, defined once.

`/me` belongs to members; membership defines the core subcommands and other
features add theirs (`/me opportunities`) with `me_group(bot).add_command(...)`.
Extensions load in any order, so whichever asks first creates the group.
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands


def me_group(bot: commands.Bot) -> app_commands.Group:
    existing = bot.tree.get_command("me")
    if isinstance(existing, app_commands.Group):
        return existing
    group = app_commands.Group(
        name="me",
        description="Your membership: what we hold, how we contact you, stepping back",
        # Usable in a DM with the bot too (each subcommand asks which server, or says
        # kindly that it works only inside one): issue 19.
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True),
        extras={"audience": "member"},
    )
    bot.tree.add_command(group)
    return group
