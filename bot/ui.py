"""Building blocks for our buttons and modals, so every one fails kindly the same way."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import answer_error

COLOUR = discord.Colour(0x2E6F95)  # a calm blue; never the only carrier of meaning (rule 13)


def embed(title: str, description: str | None = None, **kwargs: Any) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=COLOUR, **kwargs)


def shown(value: str, limit: int = 1000) -> str:
    """A person's own text, safe to display: no markdown tricks, no mentions, fits."""
    safe = discord.utils.escape_mentions(discord.utils.escape_markdown(value))
    safe = safe.replace("<@", "<@\u200b")  # any <@id>/<@&id>, whatever its length
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


class SafeModal(discord.ui.Modal):
    """A modal whose errors are answered with `answer_error` (never a traceback)."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await answer_error(interaction, error)


class DynamicView(discord.ui.View):
    """The view of a message whose items are all our `DynamicItem`s (or links).

    A press on a DynamicItem is routed by its custom id to the class each cog
    registers at start-up, so it works across restarts and needs nothing kept
    from the message that carried it. Yet discord.py keeps an ephemeral view sent
    with `timeout=None` (a ballot, a settings screen; `send_message` and
    followups) for fifteen minutes, each with a timer task. Under 500 Vote presses
    a second that is every ballot of the last quarter hour held alive, and scanned
    by each full garbage collection (pauses grew past 100 ms). A view stopped at
    birth is never kept; its items render as usual. (Stopping needs a running
    event loop, which the bot always has when it builds a view.)
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.stop()

    def add_item(self, item: discord.ui.Item[Any]) -> DynamicView:
        if item.is_dispatchable() and not isinstance(item, discord.ui.DynamicItem):
            # A plain item's callback is only reached through a kept view.
            raise TypeError(f"{item!r} needs a kept view: make it a DynamicItem")
        super().add_item(item)
        return self


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


class SafeButton(SafeItem, discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A `DynamicItem` button built from its custom id, a label and a style.

    Subclasses give the `template` that routes presses to them (never change one:
    buttons on month-old posts must keep working), parse it in `from_custom_id`,
    and write `on_press`; errors are answered kindly (`SafeItem`).

        class VoteButton(SafeButton, template=r"poll:(?P<poll_id>[0-9]+):vote"):
            def __init__(self, poll_id: int) -> None:
                self.poll_id = poll_id
                super().__init__(f"poll:{poll_id}:vote", label=strings.VOTE,
                                 style=discord.ButtonStyle.primary)
    """

    def __init__(
        self,
        custom_id: str,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        button = discord.ui.Button(
            label=label, style=style, custom_id=custom_id, emoji=emoji, disabled=disabled
        )
        super().__init__(button, row=row)
