"""Building blocks for our buttons and modals, so every one fails kindly the same way."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot import strings
from bot.domain.text import clean_typed
from bot.errors import answer_error

MAX_CUSTOM_ID = 100  # Discord's limit on a component's custom id
COLOUR = discord.Colour(0x2E6F95)  # a calm blue; never the only carrier of meaning (rule 13)


def embed(title: str, description: str | None = None, **kwargs: Any) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=COLOUR, **kwargs)


def shown(value: str, limit: int = 1000) -> str:
    """A person's own text, safe to display: nothing hidden, no markdown tricks or mentions, fits."""
    safe = discord.utils.escape_mentions(discord.utils.escape_markdown(clean_typed(value)))
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


# -- presses on public posts ----------------------------------------------------------


def on_own_message(interaction: discord.Interaction) -> bool:
    """Whether the press was on a message only this person sees (ephemeral, or a DM).

    Only such a message may be edited in answer to one person's press. A post in a
    channel (a poll, an opportunity, a meeting, a network copy) is everyone's: what is
    personal about a press on it goes in a new ephemeral reply.
    """
    message = interaction.message
    if message is None:
        return False
    return message.flags.ephemeral or interaction.guild_id is None


def pressed_button(interaction: discord.Interaction) -> str | None:
    """The custom id of the button this interaction is a press of (None for anything else)."""
    data = interaction.data or {}
    if interaction.type is not discord.InteractionType.component:
        return None
    if data.get("component_type") != discord.ComponentType.button.value:
        return None  # a select's values are not in its id, so it cannot be pressed again
    custom_id = data.get("custom_id")
    return custom_id if isinstance(custom_id, str) else None


def dynamic_item_for(
    client: discord.Client, custom_id: str
) -> tuple[type[discord.ui.DynamicItem[Any]], re.Match[str]] | None:
    """The DynamicItem class the cogs registered for `custom_id`, and its match."""
    store = client._connection._view_store  # where add_dynamic_items keeps them
    for pattern, factory in store._dynamic_items.items():
        match = pattern.fullmatch(custom_id)
        if match is not None:
            return factory, match
    return None


async def carry_on(interaction: discord.Interaction, custom_id: str) -> bool:
    """Do for this person what the button `custom_id` does, as if they pressed it now.

    Used once this interaction has had its one response (e.g. after I agree on a
    notice shown instead of a Vote): the button's own code runs, re-checking
    everything (rule 7), and its answers go out as ephemeral followups. It was
    not pressed on this message, so it sees no message (nothing edits one).
    False if no item is registered for the id (nothing is done).
    """
    found = dynamic_item_for(interaction.client, custom_id)
    if found is None:
        return False
    factory, match = found
    carried: Any = CarriedOn(interaction, custom_id)
    item = await factory.from_custom_id(carried, discord.ui.Button(custom_id=custom_id), match)
    await item.callback(carried)
    return True


class CarriedOn:
    """An interaction already answered, lent to a button's code that answers it again.

    Everything reads through to the real interaction except: `message` is None (the
    button was pressed elsewhere), `data` names that button, and `response` sends
    every answer as an ephemeral followup (`FollowupResponse`).
    """

    def __init__(self, interaction: discord.Interaction, custom_id: str) -> None:
        self._interaction = interaction
        self.message = None
        self.data = {"custom_id": custom_id, "component_type": discord.ComponentType.button.value}
        self.response = FollowupResponse(interaction)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._interaction, name)


class FollowupResponse:
    """`interaction.response` for an interaction that has had its one response.

    Discord allows one response per interaction and followups after it: a message
    becomes an ephemeral followup, an edit becomes one too (the message it would
    edit is not this person's to change), a defer is already done. A form can only
    be a first response, so the person is asked to press again.
    """

    _SENDABLE = ("embed", "embeds", "file", "files", "view", "allowed_mentions", "suppress_embeds")

    def __init__(self, interaction: discord.Interaction) -> None:
        self._followup = interaction.followup

    def is_done(self) -> bool:
        return True

    async def defer(self, **_: Any) -> None:
        return None

    async def send_message(self, content: Any = None, **kwargs: Any) -> None:
        await self._send(content, kwargs)

    async def edit_message(self, *, content: Any = None, **kwargs: Any) -> None:
        await self._send(content, kwargs)

    async def send_modal(self, modal: discord.ui.Modal) -> None:
        await self._followup.send(strings.PRESS_AGAIN, ephemeral=True)

    async def _send(self, content: Any, kwargs: dict[str, Any]) -> None:
        sent = {
            key: value
            for key, value in kwargs.items()
            if key in self._SENDABLE and value is not None and value is not discord.utils.MISSING
        }
        await self._followup.send(content, ephemeral=True, **sent)
