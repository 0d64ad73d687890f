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
        guild_only=True,
        extras={"audience": "member"},
    )
    bot.tree.add_command(group)
    return group
