"""Building blocks for our buttons and modals, so every one fails kindly the same way."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import answer_error

COLOUR = discord.Colour(0x2E6F95)  # a calm blue; never the only carrier of meaning (rule 13)


def embed(title: str, description: str | None = None, **kwargs: Any) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=COLOUR, **kwargs)


class SafeModal(discord.ui.Modal):
    """A modal whose errors are answered with `answer_error` (never a traceback)."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await answer_error(interaction, error)


class SafeView(discord.ui.View):
    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await answer_error(interaction, error)


class SafeItem:
    """Mix into a `DynamicItem` ahead of it: subclasses write `on_press`, errors are answered.

    discord.py only logs an exception raised in a dynamic item's callback, which
    leaves the person with "This interaction failed". This answers them instead.

        class VoteButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button],
                         template=r"poll:(?P<poll_id>[0-9]+):vote"): ...
    """

    async def on_press(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.on_press(interaction)
        except Exception as error:
            await answer_error(interaction, error)
